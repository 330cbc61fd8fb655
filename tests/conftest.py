from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SCENARIOS = ROOT / "scenarios"
KEY = {"x-api-key": "test-key"}
HANG = 20  # seconds: a process not done (or a server not up) by then hangs; nothing is timed
ALL_OPERATIONS = {  # every operation the shipped specs define (vendor pages and supplements)
    "heygen.asset_list",
    "heygen.avatar_details",
    "heygen.avatar_group_avatars",
    "heygen.avatar_group_list",
    "heygen.avatars",
    "heygen.delete_asset",
    "heygen.delete_video_delete",
    "heygen.delete_webhook_endpoint_delete",
    "heygen.folders",
    "heygen.photo_avatar_train_status",
    "heygen.post_asset",
    "heygen.post_folders",
    "heygen.post_folders_create",
    "heygen.post_folders_restore",
    "heygen.post_folders_trash",
    "heygen.post_photo_avatar_train",
    "heygen.post_template_generate",
    "heygen.post_video_av4_generate",
    "heygen.post_video_avatar",
    "heygen.post_video_generate",
    "heygen.post_webhook_endpoint_add",
    "heygen.template",
    "heygen.template_2",
    "heygen.templates",
    "heygen.user_me",
    "heygen.user_remaining_quota",
    "heygen.video_avatar",
    "heygen.video_list",
    "heygen.video_status",
    "heygen.voices",
    "heygen.webhook_endpoint_list",
    "heygen_v3.avatars",
    "heygen_v3.avatars_looks",
    "heygen_v3.delete_videos",
    "heygen_v3.post_videos",
    "heygen_v3.users_me",
    "heygen_v3.videos",
    "heygen_v3.videos_2",
    "heygen_v3.voices",
    "joggai.avatar_video",
    "joggai.avatars_custom",
    "joggai.avatars_public",
    "joggai.delete_endpoint",
    "joggai.endpoints",
    "joggai.photo_avatar_photo",
    "joggai.post_create_video_from_avatar",
    "joggai.post_create_video_from_product",
    "joggai.post_create_video_with_template",
    "joggai.post_endpoint",
    "joggai.post_photo_avatar_photo_generate",
    "joggai.post_product",
    "joggai.post_upload_asset",
    "joggai.product_video",
    "joggai.product_videos",
    "joggai.template_video",
    "joggai.template_videos",
    "joggai.templates",
    "joggai.user_remaining_quota",
    "joggai.user_whoami",
    "joggai.voices",
    "joggai.voices_custom",
}


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog(SPECS)


@pytest.fixture
def client(catalog: Catalog) -> Iterator[TestClient]:
    """The fake with the shipped scenarios, in process, over real HTTP requests."""
    with TestClient(create_app(SPECS, SCENARIOS, catalog=catalog), base_url="http://fake") as c:
        yield c


@pytest.fixture
def virtual_client(catalog: Catalog) -> Iterator[TestClient]:
    with TestClient(
        create_app(SPECS, SCENARIOS, catalog=catalog, clock="virtual"), base_url="http://fake"
    ) as c:
        yield c


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class LiveServer:
    """`mockserver serve` in a subprocess on 127.0.0.1, port 0, stopped by the test. Its output goes
    to pipes that `stop` returns, or, given `log`, to that one file (read while it runs)."""

    def __init__(self, tmp: Path, *args: str, log: Path | None = None) -> None:
        self.ready = tmp / "ready.txt"
        self.ready.unlink(missing_ok=True)
        self.log_path = log
        self.log = log.open("w") if log is not None else None
        command = [
            sys.executable,
            "-m",
            "mockserver",
            "serve",
            "--port",
            "0",
            "--ready-file",
            str(self.ready),
        ]
        self.proc = subprocess.Popen(
            [*command, *args],
            stdout=self.log or subprocess.PIPE,
            stderr=subprocess.STDOUT if self.log else subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + HANG
        while not (self.ready.exists() and self.ready.read_text().endswith("\n")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                out, err = self.stop()
                raise RuntimeError(f"server did not start in {HANG} s: {out}{err}")
            time.sleep(0.02)
        self.url = self.ready.read_text().strip()
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self) -> tuple[str, str]:
        """Stop the server (SIGTERM, then SIGKILL after 10 s): its stdout and stderr, or its log and ''."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate(timeout=5)
        if self.log is not None and self.log_path is not None:
            self.log.close()
            return self.log_path.read_text(), ""
        return out, err


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path, "--seed", "1")
    yield server
    server.stop()

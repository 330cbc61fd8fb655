"""The pytest plugin works in a fresh virtualenv from `pip install .` alone, with no conftest."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from ..conftest import ROOT
from ..test_examples import copy_examples

USER_TESTS = """
import asyncio

import httpx
import pytest


def test_live_fake(mockserver):
    assert mockserver.url.startswith("http://127.0.0.1:")
    mockserver.bind("v1", "heygen-video-too-long")
    statuses = [
        httpx.get(mockserver.url + "/v1/video_status.get", params={"video_id": "v1"}, headers={"x-api-key": "k"})
        .json()["data"]["status"]
        for _ in range(3)
    ]
    assert statuses == ["pending", "processing", "failed"]
    assert len(mockserver.requests(resource_id="v1")) == 3
    mockserver.advance(60)


def test_reset_between_tests(mockserver):
    assert mockserver.requests() == []


def test_in_process_app(mockserver_app):
    async def go():
        transport = httpx.ASGITransport(app=mockserver_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
            r = await client.get("/v2/avatar_video/fail-1", headers={"x-api-key": "k"})
            return r.json()["data"]["status"]

    assert asyncio.run(go()) == "pending"


def test_create_calls_installed(mockserver):
    r = httpx.post(
        mockserver.url + "/v2/photo_avatar/train", json={"group_id": "g"}, headers={"x-api-key": "k"}
    )
    assert r.json() == {"error": None, "data": {"group_id": "g"}}
    done = httpx.get(
        mockserver.url + "/v2/avatar_video/m", headers={"x-api-key": "k", "Prefer": "example=completed"}
    ).json()["data"]
    video = httpx.get(done["video_url"])  # the packaged media assets came with the install
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


def test_left_violations(mockserver):
    httpx.get(mockserver.url + "/v2/avatar_video/x")  # no key
"""


def test_plugin_from_a_plain_install(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(
            ".git", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", "build", ".hypothesis"
        ),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(repo), "pytest", "httpx"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    project = tmp_path / "user_project"
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = result.stdout + result.stderr
    assert "1 failed, 4 passed" in out, out[-3000:]
    assert "the client broke the vendor's spec in 1 request(s)" in out
    assert "GET /v2/avatar_video/x (joggai.avatar_video): missing the x-api-key header" in out
    where = subprocess.run(
        [str(python), "-c", "import mockserver, sys; print(mockserver.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert str(venv) in where
    # the kit is an extra: without it, `check` says how to get it, in one line
    kitless = subprocess.run(
        [str(python), "-m", "mockserver", "check", "--base-url", "http://127.0.0.1:9"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert kitless.returncode == 2
    assert kitless.stderr.strip().splitlines() == [
        "mockserver: mockserver check: the contract kit is not installed (requests is missing). "
        "Fix: pip install 'mockserver[kit]' (in this repository: pip install -e '.[kit]')"
    ]
    # the README's examples, copied out: the plugin's pass with pytest and httpx alone, and the
    # property tests, which need the kit extra (hypothesis), are skipped, not an import error
    copy_examples(tmp_path / "examples")
    examples = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path / "examples",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert examples.returncode == 0, (examples.stdout + examples.stderr)[-3000:]
    assert " passed, 1 skipped" in examples.stdout, examples.stdout[-3000:]

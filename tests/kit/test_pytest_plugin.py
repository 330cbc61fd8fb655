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


def run(python: Path, *args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def plain_install(tmp_path: Path) -> Path:
    """A copy of the repository `pip install`ed (no extras) with pytest and httpx into a fresh
    virtualenv; that venv's python."""
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        repo,
        ignore=shutil.ignore_patterns(
            ".git",
            "*.egg-info",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
            "build",
            ".hypothesis",
            ".venv",
        ),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = run(
        python, "-m", "pip", "install", "-q", str(repo), "pytest", "httpx", cwd=tmp_path, timeout=600
    )
    assert install.returncode == 0, install.stderr[-2000:]
    return python


def assert_user_tests_run(python: Path, project: Path) -> None:
    """A user's tests with no conftest get the fixture, and its left violations fail the test."""
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
    result = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py", cwd=project, timeout=300
    )
    out = result.stdout + result.stderr
    assert "1 failed, 4 passed" in out, out[-3000:]
    assert "the client broke the vendor's spec in 1 request(s)" in out
    assert "GET /v2/avatar_video/x (joggai.avatar_video): missing the x-api-key header" in out
    where = run(python, "-c", "import mockserver; print(mockserver.__file__)", cwd=project, timeout=60)
    assert str(python.parent.parent) in where.stdout  # the installed copy, not this checkout


def assert_kitless_check_says_how(python: Path, project: Path) -> None:
    """The kit is an extra: without it, `check` says how to get it, in one line."""
    kitless = run(
        python, "-m", "mockserver", "check", "--base-url", "http://127.0.0.1:9", cwd=project, timeout=60
    )
    assert kitless.returncode == 2
    assert kitless.stderr.strip().splitlines() == [
        "mockserver: mockserver check: the contract kit is not installed (requests is missing). "
        "Fix: pip install 'mockserver[kit]' (in this repository: pip install -e '.[kit]')"
    ]


def assert_examples_run(python: Path, examples: Path) -> None:
    """The README's examples, copied out: the plugin's pass with pytest and httpx alone, and the
    property tests, which need the kit extra (hypothesis), are skipped, not an import error."""
    copy_examples(examples)
    result = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=examples, timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert " passed, 1 skipped" in result.stdout, result.stdout[-3000:]


def test_plugin_from_a_plain_install(tmp_path: Path):
    python = plain_install(tmp_path)
    assert_user_tests_run(python, tmp_path / "user_project")
    assert_kitless_check_says_how(python, tmp_path / "user_project")
    assert_examples_run(python, tmp_path / "examples")

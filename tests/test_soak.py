"""Concurrency and soak, with the load from a second process on 127.0.0.1.

The short versions run in CI; the full ones are behind `-m soak` (`python -m pytest -m soak`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT, LiveServer

LOAD = ROOT / "benchmarks" / "load.py"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def load(
    url: str, requests: int, ids: int, path: str = "/v2/avatar_video/job-{id}", max_seconds: float = 600
) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            "--url",
            url,
            "--path",
            path,
            "--requests",
            str(requests),
            "--concurrency",
            "64",
            "--ids",
            str(ids),
            "--max-seconds",
            str(max_seconds),
        ],
        capture_output=True,
        text=True,
        timeout=max_seconds + 60,
        check=True,
    )
    return json.loads(out.stdout)


def soak(tmp_path: Path, total: int, journal: int) -> None:
    server = LiveServer(tmp_path, "--no-scenarios", "--journal-size", str(journal))
    try:
        warm = load(server.url, journal * 2, 1000)  # past the journal ring's size: steady state
        assert warm["errors"] == 0
        before = rss_kb(server.proc.pid)
        result = load(server.url, total, 1000)
        after = rss_kb(server.proc.pid)
        assert result["errors"] == 0, result
        assert result["requests"] == total, result
        assert set(result["statuses"]) == {"200"}, result
        assert after <= before * 1.10, (before, after)
    finally:
        server.stop()


def test_short_soak(tmp_path):
    soak(tmp_path, 5_000, journal=1_000)


@pytest.mark.soak
def test_soak_50k_requests_64_connections(tmp_path):
    soak(tmp_path, 50_000, journal=10_000)


@pytest.mark.soak
def test_million_ids_stay_under_the_cap(tmp_path):
    """1,000,000 distinct ids through a 100,000 cap: the store stays at the cap and memory plateaus.

    Python's allocator and the LRU's table settle within the first million evictions (measured
    in process: 64 MB at the cap, 87 MB at 1M, 87 MB at 2M and 3M), so growth is judged after that.
    """
    cap = 100_000
    server = LiveServer(tmp_path, "--no-scenarios", "--timeline-cap", str(cap), "--journal-size", "1000")
    try:
        first = load(server.url, 1_000_000, 1_000_000, path="/v2/avatar_video/a-{id}", max_seconds=1200)
        settled = rss_kb(server.proc.pid)
        more = load(server.url, 500_000, 500_000, path="/v2/avatar_video/b-{id}", max_seconds=900)
        after = rss_kb(server.proc.pid)
        assert first["errors"] == 0 and first["requests"] == 1_000_000, first
        assert more["errors"] == 0 and more["requests"] == 500_000, more
        health = httpx.get(server.url + "/__mock/health", timeout=5).json()
        assert health["timelines"] == cap
        assert health["timelines"] + health["evicted"] == 1_500_000
        assert after <= settled * 1.05, (settled, after)
    finally:
        server.stop()

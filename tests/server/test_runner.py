"""The fake on a real port: ready line, faults as a client sees them, 64 concurrent pollers."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections import Counter

import httpx
import pytest

from ..conftest import KEY, LiveServer, run_cli
from .wire import WireServer


def test_ready_line_and_url(live):
    r = httpx.get(f"{live.url}/__mock/health", timeout=5)
    assert r.json()["status"] == "ok"
    out, _ = live.stop()
    assert out.startswith(
        f"mockserver ready at {live.url} serving 61 operations (heygen: 31, heygen_v3: 8, joggai: 22)"
    )
    assert live.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("rid", "error"),
    [
        ("reset-1", (httpx.ReadError, httpx.RemoteProtocolError)),
        ("empty-1", (httpx.RemoteProtocolError,)),
        ("truncated-1", (httpx.RemoteProtocolError,)),
    ],
)
def test_connection_faults_then_success(live, rid, error):
    with httpx.Client(base_url=live.url, headers=KEY, timeout=5) as c:
        with pytest.raises(error):
            c.get("/v2/avatar_video/" + rid)
    with httpx.Client(base_url=live.url, headers=KEY, timeout=5) as c:
        r = c.get("/v2/avatar_video/" + rid)
        assert r.json()["data"]["status"] == "completed"
        fault = c.get("/__mock/requests", params={"id": rid}).json()[0]["fault"]
        assert fault == rid.split("-")[0]


def test_malformed_json_once(live):
    with httpx.Client(base_url=live.url, headers=KEY, timeout=5) as c:
        r = c.get("/v1/video_status.get", params={"video_id": "malformed-1"})
        assert r.status_code == 200
        with pytest.raises(ValueError):
            r.json()
        assert (
            c.get("/v1/video_status.get", params={"video_id": "malformed-1"}).json()["data"]["status"]
            == "completed"
        )


def test_64_concurrent_polls_consume_exact_slots(tmp_path):
    scen = tmp_path / "scen"
    scen.mkdir()
    (scen / "five.yaml").write_text(
        "name: five-steps\noperation: heygen.video_status\nsteps:\n"
        "  - example: Pending\n    polls: 7\n"
        "  - example: Waiting\n    polls: 11\n"
        "  - example: Processing\n    polls: 13\n"
        "  - example: Failed\n    polls: 17\n"
        "  - example: Completed\n"
    )
    server = LiveServer(tmp_path, "--scenarios", str(scen))
    try:

        async def main() -> list[int]:
            limits = httpx.Limits(max_connections=64)
            async with httpx.AsyncClient(base_url=server.url, headers=KEY, limits=limits, timeout=10) as c:
                first = await c.get(
                    "/v1/video_status.get",
                    params={"video_id": "one", "x": "0"},
                    headers={"X-Mock-Scenario": "five-steps"},
                )
                assert first.status_code == 200

                async def one(i: int) -> int:
                    r = await c.get("/v1/video_status.get", params={"video_id": "one"})
                    return int(r.headers["x-mock-step"])

                steps = await asyncio.gather(*(one(i) for i in range(63)))
                return [0, *steps]

        steps = asyncio.run(asyncio.wait_for(main(), 30))
        assert Counter(steps) == {0: 7, 1: 11, 2: 13, 3: 17, 4: 16}
        journal = httpx.get(f"{server.url}/__mock/requests", params={"id": "one"}, timeout=5).json()
        assert Counter(e["step"] for e in journal) == {0: 7, 1: 11, 2: 13, 3: 17, 4: 16}
        assert sorted(e["seq"] for e in journal) == list(range(1, 65))
    finally:
        server.stop()


def test_sigterm_exits_cleanly(live):
    out, err = live.stop()
    assert live.proc.returncode == 0, err
    assert "Traceback" not in err


def test_check_command_against_a_live_fake(tmp_path):
    server = LiveServer(tmp_path, "--api-key", "contract-key", "--http-errors")
    try:
        ok = run_cli(
            "check", "--base-url", server.url, "--api-key", "contract-key", "--max-examples", "3", timeout=300
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "0 distinct failures" in ok.stdout
        published = run_cli(
            "check",
            "--base-url",
            server.url,
            "--spec",
            "published",
            "--operation",
            "heygen.video_*",
            "--max-examples",
            "3",
            timeout=300,
        )
        assert published.returncode == 1
        assert "properties/data/properties/video_url/type" in published.stdout
        assert "joggai" not in published.stdout
    finally:
        server.stop()


def test_check_command_refuses_a_dead_url():
    result = run_cli("check", "--base-url", "http://127.0.0.1:9", "--max-examples", "1")
    assert result.returncode == 2
    assert "cannot connect" in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_drains_in_flight_requests(tmp_path, sig):
    scen = tmp_path / "scen"
    scen.mkdir()
    (scen / "slow.yaml").write_text(
        "name: slow1\noperation: '*'\nsteps:\n  - outcome: success\n    delay: 1s\n"
    )
    server = LiveServer(tmp_path, "--scenarios", str(scen))
    result: dict = {}

    def call() -> None:
        r = httpx.get(
            server.url + "/v2/avatar_video/x", headers={**KEY, "X-Mock-Scenario": "slow1"}, timeout=10
        )
        result["status"] = r.status_code

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.3)  # the request is in flight, inside its 1 s delay
    started = time.monotonic()
    server.proc.send_signal(sig)
    server.proc.wait(timeout=10)
    thread.join(timeout=10)
    assert result.get("status") == 200
    assert server.proc.returncode == 0
    assert time.monotonic() - started < 5
    server.stop()


@pytest.mark.parametrize(
    "signals", [[signal.SIGTERM], [signal.SIGINT, signal.SIGINT]], ids=["term", "int-twice"]
)
def test_shutdown_with_a_request_outliving_the_drain(tmp_path, signals):
    """A request still running when the drain ends (SIGTERM), or at a second Ctrl-C, is cut off
    quietly: its connection closed, no 500, no traceback in the log, exit code 0."""
    server = WireServer(tmp_path)
    try:
        slow = {"operation": "*", "steps": [{"outcome": "success", "delay": "30s"}]}
        with server.connect() as admin:
            assert admin.request("PUT", "/__mock/scenarios/slow", json.dumps(slow).encode()).status == 200
            with server.connect() as wire:
                wire.send(
                    b"GET /v2/avatar_video/x HTTP/1.1\r\nHost: x\r\nX-Api-Key: k\r\nX-Mock-Scenario: slow\r\n\r\n"
                )
                for _ in range(200):  # the engine journals the request before sleeping its delay
                    if admin.request("GET", "/__mock/requests?operation=joggai.avatar_video").json():
                        break
                    time.sleep(0.02)
                for sig in signals:
                    server.proc.send_signal(sig)
                assert server.proc.wait(timeout=15) == 0
                with pytest.raises(ConnectionError):
                    wire.reply()
    finally:
        log, _ = server.stop()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log

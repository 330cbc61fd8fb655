"""The app under Starlette: user middleware and handlers reach vendor routes, one renderer for every body."""

from __future__ import annotations

import json
import socket

import pytest
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.server import faults
from mockserver.server.runner import BackgroundServer

from ..conftest import KEY, SCENARIOS, SPECS

STATUS = "/v1/video_status.get"


class Stamp(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers["x-stamped"] = request.url.path
        return response


def test_user_middleware_runs_on_vendor_routes(catalog):
    app = create_app(SPECS, SCENARIOS, catalog=catalog, clock="virtual")
    app.add_middleware(Stamp)
    with TestClient(app) as client:
        fixed = client.get(STATUS, params={"video_id": "m1"}, headers=KEY)
        patterned = client.get("/v2/video_avatar/a1", headers=KEY)
        admin = client.get("/__mock/health")
    assert fixed.status_code == 200 and fixed.headers["x-stamped"] == STATUS
    assert patterned.headers["x-stamped"] == "/v2/video_avatar/a1"
    assert admin.headers["x-stamped"] == "/__mock/health"


class Boom(Exception):
    pass


def _raising(app):
    def boom(request, now):
        raise Boom("a bug in the fake")

    app.state.fake.responders["heygen.video_status"].answer = boom
    return app


@pytest.mark.parametrize("handled", [Boom, Exception, None])
def test_user_exception_handlers_apply_to_vendor_routes(catalog, handled):
    app = _raising(create_app(SPECS, None, catalog=catalog, clock="virtual"))
    if handled is not None:
        app.add_exception_handler(handled, lambda request, exc: JSONResponse({"handled": str(exc)}, 418))
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get(STATUS, params={"video_id": "b1"}, headers=KEY)
    if handled is None:
        assert r.status_code == 500  # Starlette's own error middleware
    else:
        assert (r.status_code, r.json()) == (418, {"handled": "a bug in the fake"})


def test_a_405_says_which_methods_are_allowed(catalog):
    with TestClient(create_app(SPECS, None, catalog=catalog)) as client:
        r = client.post(STATUS, headers=KEY)
    assert r.status_code == 405 and "GET" in r.headers["allow"]


def _served(client: TestClient, scenario: dict, rid: str) -> dict:
    name = scenario["name"]
    client.put(f"/__mock/scenarios/{name}", json={k: v for k, v in scenario.items() if k != "name"})
    r = client.get(STATUS, params={"video_id": rid}, headers={**KEY, "x-mock-scenario": name})
    return json.loads(r.content)


def test_status_and_fuzz_bodies_get_the_same_id_times_and_media_as_examples(catalog):
    body = {
        "code": 100,
        "data": {"id": "doc-id", "status": "completed", "created_at": 1, "video_url": "https://x/y.mp4"},
    }
    with TestClient(
        create_app(SPECS, None, catalog=catalog, clock="virtual"), base_url="http://fake"
    ) as client:
        example = _served(
            client,
            {"name": "ex", "operation": "heygen.video_status", "steps": [{"example": "Completed"}]},
            "e1",
        )
        status = _served(
            client,
            {"name": "st", "operation": "heygen.video_status", "steps": [{"status": 200, "body": body}]},
            "s1",
        )
        fuzzed = [
            _served(client, {"name": "fuzz", "operation": "*", "steps": [{"fuzz": True}]}, f"f{i}")
            for i in range(30)
        ]
    now = int(client.get("/__mock/clock").json()["now"])
    for rid, served in [("e1", example), ("s1", status)]:
        data = served["data"]
        assert data["id"] == rid and data["created_at"] == now
        assert data["video_url"].startswith(f"http://fake/__media/heygen/{rid}/video.mp4?Expires=")
    linked = [b["data"] for b in fuzzed if isinstance(b.get("data"), dict) and b["data"].get("video_url")]
    assert linked, "no fuzz draw had a video_url"
    for data in linked:
        assert "/__media/heygen/" in data["video_url"] and data["id"].startswith("f")


def test_a_fault_body_is_rendered_like_an_example(catalog):
    from mockserver.engine.answer import Request
    from mockserver.engine.scenario_file import ScenarioLoader

    fake = create_app(SPECS, None, catalog=catalog, clock="virtual").state.fake
    raw = {"name": "cut", "operation": "heygen.video_status", "steps": [{"fault": "truncated"}]}
    fake.selection.add(ScenarioLoader(fake.catalog).parse(raw, "(test)"))
    request = Request(
        "GET", STATUS, query={"video_id": "c1"}, headers={**KEY, "x-mock-scenario": "cut"}, base="http://fake"
    )
    answer = fake.answer("heygen.video_status", request)
    body = json.loads(answer.payload)  # the whole would-be body; the server sends half of it
    assert answer.fault == "truncated" and body["data"]["id"] == "c1"
    assert body["data"]["video_url"].startswith("http://fake/__media/heygen/c1/video.mp4?Expires=")


def test_uvicorn_still_hands_faults_its_connection():
    """faults.py relies on uvicorn's request cycle (`transport`, `disconnected`): this fails loudly if an upgrade changes it."""
    seen: dict[str, object] = {}

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        faults.remember(scope, send)
        owner = scope[faults.KEY]()
        seen["transport"] = hasattr(owner, "transport")
        seen["disconnected"] = hasattr(owner, "disconnected")
        faults.drop(scope, reset=True)

    server = BackgroundServer(app)
    try:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                got = sock.recv(100)
            except ConnectionResetError:
                got = b""
    finally:
        server.stop()
    assert seen == {"transport": True, "disconnected": True}
    assert got == b""  # reset, no response

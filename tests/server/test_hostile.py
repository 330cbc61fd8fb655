"""Hostile requests over a raw socket against a live `mockserver serve`.

Each one must get a clear 4xx (or its normal answer), leave the keep-alive connection
usable for the next, sound request, and leave no traceback in the server's log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from .wire import Reply, Wire, WireServer

STATUS = "/v1/video_status.get?video_id="
DEEP = b"[" * 100_000
SCENARIOS = {
    "s204": {"operation": "heygen.video_status", "steps": [{"status": 204}]},
    "s304": {"operation": "heygen.video_status", "steps": [{"status": 304}]},
    "two": {
        "operation": "heygen.video_status",
        "steps": [{"outcome": "progress", "polls": 1}, {"outcome": "success"}],
    },
    "done": {"operation": "*", "steps": [{"outcome": "success"}]},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    server = WireServer(tmp_path_factory.mktemp("hostile"))
    with server.connect() as wire:
        for name, scenario in SCENARIOS.items():
            reply = wire.request("PUT", f"/__mock/scenarios/{name}", json.dumps(scenario).encode())
            assert reply.status == 200, reply.body
    yield server
    server.stop()


def sound(wire: Wire) -> None:
    """The connection still answers correctly after the hostile request."""
    reply = wire.request("GET", "/__mock/health")
    assert reply.status == 200 and reply.json()["status"] == "ok"


def vendor_refusal(reply: Reply, words: str) -> None:
    body = reply.json()
    assert reply.status == 400 and body["code"] == 400 and words in body["message"], body


def admin_refusal(status: int, words: str) -> Callable[[Reply], None]:
    def check(reply: Reply) -> None:
        assert reply.status == status and words in reply.json()["error"], reply.body

    return check


def joggai_refusal(reply: Reply) -> None:
    body = reply.json()
    assert reply.status < 500 and body["code"] != 0 and "nested" in body["msg"], body


def status(code: int) -> Callable[[Reply], None]:
    def check(reply: Reply) -> None:
        assert reply.status == code, reply.body

    return check


def deep_vendor(reply: Reply) -> None:
    vendor_refusal(reply, "nested")


# (method, target, body, headers, check): one hostile request of class 1 (JSON, digits).
HOSTILE = {
    "deep-create": ("POST", "/v2/video/generate", DEEP, {}, deep_vendor),
    "deep-objects-create": ("POST", "/v2/video/generate", b'{"a":' * 50_000, {}, deep_vendor),
    "deep-under-recursion-limit": ("POST", "/v2/video/generate", b"[" * 900 + b"]" * 900, {}, deep_vendor),
    "deep-webhook": ("POST", "/v1/webhook/endpoint.add", DEEP, {}, deep_vendor),
    "deep-joggai-create": ("POST", "/v2/create_video_from_avatar", DEEP, {}, joggai_refusal),
    "deep-admin-scenario": ("PUT", "/__mock/scenarios/x", DEEP, {}, admin_refusal(400, "nested")),
    "deep-admin-reset": ("POST", "/__mock/reset", DEEP, {}, admin_refusal(400, "nested")),
    "deep-admin-clock": ("POST", "/__mock/clock/advance", DEEP, {}, admin_refusal(400, "nested")),
    "deep-admin-bind": (
        "PUT",
        "/__mock/bindings/heygen.video_status/x",
        b'{"scenario":' * 80_000,
        {},
        admin_refusal(400, "nested"),
    ),
    "prefer-superscript": ("GET", STATUS + "p1", None, {"Prefer": "code=\u00b2"}, status(400)),
    "prefer-5000-digits": ("GET", STATUS + "p2", None, {"Prefer": "code=" + "9" * 5000}, status(400)),
    "media-expires-superscript": (
        "GET",
        "/__media/heygen/x/video.mp4?Expires=%C2%B2&Signature=a",
        None,
        {},
        status(403),
    ),
    "media-expires-5000-digits": (
        "GET",
        "/__media/heygen/x/video.mp4?Expires=" + "9" * 5000 + "&Signature=a",
        None,
        {},
        status(403),
    ),
    "media-signature-non-ascii": (
        "GET",
        "/__media/heygen/x/video.mp4?Expires=99999999999&Signature=%C3%A9%FF",
        None,
        {},
        status(403),
    ),
    "admin-limit-superscript": ("GET", "/__mock/requests?limit=%C2%B2", None, {}, status(400)),
    "admin-limit-5000-digits": ("GET", "/__mock/violations?limit=" + "9" * 5000, None, {}, status(400)),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_request_then_sound_request(server: WireServer, case: str) -> None:
    method, target, body, headers, check = HOSTILE[case]
    with server.no_traceback(), server.connect() as wire:
        check(wire.request(method, target, body, **headers))
        sound(wire)


@pytest.mark.parametrize("code", [204, 304])
def test_no_body_statuses_keep_the_connection_sound(server: WireServer, code: int) -> None:
    """A 204/304 step sent a body ("null"), which corrupted the next response on the connection."""
    with server.no_traceback(), server.connect() as wire:
        reply = wire.request("GET", STATUS + f"nb{code}", X_Mock_Scenario=f"s{code}")
        assert reply.status == code
        assert reply.headers.get("content-length", "0") == "0"
        sound(wire)
        reply = wire.request("HEAD", STATUS + f"nb{code}", X_Mock_Scenario=f"s{code}")
        assert reply.status == code
        sound(wire)


ANNOUNCED = b"Content-Length: 104857600\r\n\r\n"  # refused before a byte of it is read
CHUNKED = b"Transfer-Encoding: chunked\r\n\r\n100000\r\n" + b" " * 0x100000 + b"\r\n1\r\n \r\n0\r\n\r\n"


@pytest.mark.parametrize(
    ("line", "head", "check"),
    [
        (b"PUT /__mock/scenarios/big", ANNOUNCED, admin_refusal(413, "1 MiB")),
        (b"PUT /__mock/scenarios/big", CHUNKED, admin_refusal(413, "1 MiB")),
        (b"POST /v2/video/generate", ANNOUNCED, lambda reply: vendor_refusal(reply, "size limit")),
    ],
    ids=["admin-announced", "admin-chunked", "vendor-announced"],
)
def test_body_over_the_cap_is_refused(
    server: WireServer, line: bytes, head: bytes, check: Callable[[Reply], None]
) -> None:
    """Over 1 MiB: refused without reading the rest, and the connection closed after the answer."""
    with server.no_traceback(), server.connect() as wire:
        wire.send(line + b" HTTP/1.1\r\nHost: x\r\nX-Api-Key: k\r\nContent-Type: application/json\r\n" + head)
        reply = wire.reply()
        check(reply)
        assert reply.headers["connection"] == "close" and wire.closed()
    with server.no_traceback(), server.connect() as wire:
        sound(wire)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("DELETE", STATUS + "x"),
        ("PUT", "/v2/avatar_video/x"),
        ("POST", "/__mock/health"),
        ("DELETE", "/__media/heygen/x/video.mp4"),
    ],
)
def test_405_names_the_allowed_methods(server: WireServer, method: str, target: str) -> None:
    with server.no_traceback(), server.connect() as wire:
        reply = wire.request(method, target, b"{}")
        assert reply.status == 405 and "GET" in reply.headers["allow"]
        sound(wire)


def test_head_answers_like_get_without_moving_the_timeline(server: WireServer) -> None:
    with server.no_traceback(), server.connect() as wire:
        for _ in range(3):
            head = wire.request("HEAD", STATUS + "h1", X_Mock_Scenario="two")
            assert head.status == 200 and head.headers["x-mock-step"] == "0"
        get = wire.request("GET", STATUS + "h1", X_Mock_Scenario="two")
        assert get.headers["x-mock-step"] == "0"
        assert get.headers["content-length"] == head.headers["content-length"]
        sound(wire)


def test_header_read_times_out(tmp_path: Path) -> None:
    """A request head that never completes is closed after --header-timeout (here 0.3 s)."""
    server = WireServer(tmp_path, "--header-timeout", "0.3")
    try:
        with server.connect() as silent, server.connect() as partial, server.connect() as second:
            partial.send(b"GET /__mock/health HTTP/1.1\r\nHost: x\r\n")
            sound(second)  # one whole request answered, then half of the next
            second.send(b"GET /__mock/health HTTP/1.1\r\n")
            assert silent.closed() and partial.closed() and second.closed()
        with server.connect() as wire:
            sound(wire)
    finally:
        assert "Traceback" not in server.stop()[0]


IDS = ["a/b", ".", "..", "x/../y", "a b?#%&", "%2F"]


@pytest.mark.parametrize("rid", IDS)
def test_awkward_ids_work_end_to_end(server: WireServer, rid: str) -> None:
    """Ids with `/` or equal to `.`/`..`: polled, linked, downloaded, bound and inspected."""
    quoted = quote(rid, safe="").replace(".", "%2E")
    with server.no_traceback(), server.connect() as wire:
        body = wire.request("GET", STATUS + quoted, X_Mock_Scenario="done").json()
        assert body["data"]["id"] == rid
        link = urlsplit(body["data"]["video_url"])
        assert "/./" not in link.path + "/" and "/../" not in link.path + "/"
        media = wire.request("GET", f"{link.path}?{link.query}")
        assert media.status == 200 and media.headers["content-type"] == "video/mp4"
        polled = wire.request("GET", f"/v2/avatar_video/{quoted}", X_Mock_Scenario="done").json()
        assert polled["data"]["video_id"] == rid, polled
        link = urlsplit(polled["data"]["video_url"])
        assert wire.request("GET", f"{link.path}?{link.query}").status == 200
        bound = wire.request(
            "PUT", f"/__mock/bindings/joggai.avatar_video/{quoted}", json.dumps({"scenario": "done"}).encode()
        )
        assert bound.status == 200 and bound.json()["id"] == rid
        seen = wire.request("GET", f"/__mock/bindings/joggai.avatar_video/{quoted}").json()
        assert seen["scenario"] == "done"
        line = wire.request("GET", f"/__mock/timelines/joggai.avatar_video/{quoted}")
        assert line.status == 200, line.body
        sound(wire)

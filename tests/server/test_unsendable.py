"""Values the fake accepted but could not later encode or send, over a raw socket.

A lone surrogate (`"\\ud800"`) has no UTF-8 encoding and NaN/Infinity/1e400 no JSON spelling:
accepted, they turned a later poll, listing or webhook into a 500 (one until restart). Now the
request bringing them in is refused with the usual 400, and the fake answers on afterwards.
A 205 step sends no body, and a step's own Content-Type replaces the default one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from .test_hostile import STATUS, admin_refusal, sound, vendor_refusal
from .wire import Reply, WireServer

VIDEO = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"},
            "voice": {"type": "text", "input_text": "Hello", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54"},
        }
    ],
    "dimension": {"width": 1280, "height": 720},
}
REST = json.dumps(VIDEO)[1:].encode()  # `"video_inputs": ...}`: a valid create body after one more field
DONE = {"operation": "*", "steps": [{"outcome": "success"}]}


def create(field: bytes) -> bytes:
    return b"{" + field + b"," + REST


def joggai_refusal(words: str) -> Callable[[Reply], None]:
    def check(reply: Reply) -> None:
        body = reply.json()
        assert reply.status < 500 and body["code"] == 40000 and words in body["msg"], body  # JoggAI: a 200

    return check


def vendor(words: str) -> Callable[[Reply], None]:
    return lambda reply: vendor_refusal(reply, words)


def scenario(**extra: object) -> bytes:
    """A scenario body as Python's json writes it: NaN and Infinity bare, surrogates escaped."""
    return json.dumps(DONE | extra).encode()


# (method, target, body, check)
REFUSED = {
    "create-callback-surrogate": (
        "POST",
        "/v2/video/generate",
        create(b'"callback_id": "\\ud800"'),
        vendor("lone surrogate '\\ud800' at /callback_id"),
    ),
    "create-raw-surrogate-bytes": (
        "POST",
        "/v2/video/generate",
        create(b'"title": "\xed\xa0\x80"'),
        vendor("surrogate"),
    ),
    "create-surrogate-key": ("POST", "/v2/video/generate", create(b'"\\udfff": 1'), vendor("in a key")),
    "create-nan": (
        "POST",
        "/v2/video/generate",
        create(b'"title": NaN'),
        vendor("NaN is not a JSON number: send finite"),
    ),
    "create-minus-infinity": ("POST", "/v2/video/generate", create(b'"x": -Infinity'), vendor("Infinity")),
    "create-1e400": ("POST", "/v2/video/generate", create(b'"title": 1e400'), vendor("1e400 is too large")),
    "webhook-url-surrogate": (
        "POST",
        "/v1/webhook/endpoint.add",
        b'{"url": "https://example.com/\\ud800"}',
        vendor("lone surrogate"),
    ),
    "joggai-create-surrogate": (
        "POST",
        "/v2/create_video_from_avatar",
        b'{"script": "\\udc00", "avatar": {"avatar_type": 0, "avatar_id": 81}}',
        joggai_refusal("lone surrogate"),
    ),
    "admin-description-surrogate": (
        "PUT",
        "/__mock/scenarios/sd",
        scenario(description="\ud800"),
        admin_refusal(400, "lone surrogate '\\ud800' at /description"),
    ),
    "admin-step-body-surrogate": (
        "PUT",
        "/__mock/scenarios/sb",
        scenario(steps=[{"status": 200, "body": {"a": "\ud800"}}]),
        admin_refusal(400, "lone surrogate"),
    ),
    "admin-step-body-nan": (
        "PUT",
        "/__mock/scenarios/sn",
        scenario(steps=[{"status": 200, "body": {"a": float("nan")}}]),
        admin_refusal(400, "NaN is not a JSON number: send finite"),
    ),
    "admin-step-header-surrogate": (
        "PUT",
        "/__mock/scenarios/sh",
        scenario(steps=[{"outcome": "success", "headers": {"X-A": "\udfff"}}]),
        admin_refusal(400, "lone surrogate"),
    ),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    server = WireServer(tmp_path_factory.mktemp("unsendable"))
    steps = {
        "s205": [{"status": 205, "body": {"a": 1}}],
        "ctype": [{"status": 200, "body": "hi", "headers": {"Content-Type": "text/plain"}}],
    }
    with server.connect() as wire:
        for name, step in steps.items():
            body = json.dumps({"operation": "heygen.video_status", "steps": step}).encode()
            assert wire.request("PUT", f"/__mock/scenarios/{name}", body).status == 200
        assert wire.request("PUT", "/__mock/scenarios/done", json.dumps(DONE).encode()).status == 200
    yield server
    server.stop()


@pytest.mark.parametrize("case", list(REFUSED))
def test_unsendable_value_refused_and_the_fake_answers_on(server: WireServer, case: str) -> None:
    """Each was accepted before (a 200, or a 500 with the value stored); now a 400 that says why."""
    method, target, body, check = REFUSED[case]
    with server.no_traceback(), server.connect() as wire:
        check(wire.request(method, target, body))
        listed = wire.request("GET", "/__mock/scenarios")
        assert listed.status == 200 and target.rsplit("/", 1)[1] not in {s["name"] for s in listed.json()}
        done = wire.request("GET", STATUS + "after", X_Mock_Scenario="done")
        assert done.status == 200 and done.json()["data"]["status"] == "completed"
        sound(wire)


def test_a_205_step_sends_no_body(server: WireServer) -> None:
    """HTTP forbids content in a 205 as in a 204: the step's body ("{"a":1}") was sent anyway."""
    with server.no_traceback(), server.connect() as wire:
        for method in ("GET", "HEAD", "GET"):
            reply = wire.request(method, STATUS + "r205", X_Mock_Scenario="s205")
            assert reply.status == 205 and reply.body == b"", reply
            assert reply.headers.get("content-length") == "0" and "content-type" not in reply.headers
            sound(wire)


def test_a_steps_content_type_replaces_the_default(server: WireServer) -> None:
    with server.no_traceback(), server.connect() as wire:
        reply = wire.request("GET", STATUS + "ct", X_Mock_Scenario="ctype")
        assert reply.status == 200
        assert [v for k, v in reply.fields if k == "content-type"] == ["text/plain"], reply.fields
        sound(wire)

"""The whole lifecycle over real HTTP: create -> poll -> terminal -> signed webhook -> media -> expiry.

The fake runs in process on a virtual clock; the webhook receiver is a real HTTP server on
127.0.0.1, so deliveries cross a socket exactly as they would to a user's service.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.engine.render import dump
from mockserver.engine.webhooks import verify_signature

from ..conftest import KEY, SCENARIOS, SPECS
from ..engine.test_create import JOGG, VIDEO

HEYGEN_DEFAULT_SECRET = "whsec_mockserver"  # the heygen profile's webhooks.default_secret
DAY = 24 * 3600


class Receiver:
    """A webhook receiver on 127.0.0.1: records every POST; answers `statuses` in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.got: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.got.append({"path": self.path, "headers": dict(self.headers), "raw": raw})
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def fake() -> Iterator[TestClient]:
    with TestClient(create_app(SPECS, SCENARIOS, clock="virtual"), base_url="http://fake") as c:
        yield c


def wait_for(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Poll `check` until it is truthy; the dispatcher looks every 20 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


def deliveries(fake: TestClient, job_id: str) -> list[dict[str, Any]]:
    return fake.get("/__mock/webhooks", params={"job_id": job_id}).json()["deliveries"]


def advance(fake: TestClient, seconds: float) -> None:
    assert fake.post("/__mock/clock/advance", json={"seconds": seconds}).status_code == 200


def download(fake: TestClient, url: str) -> Any:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "fake"  # on the fake itself, as the client saw it
    return fake.get(f"{parts.path}?{parts.query}")


def assert_media_works_then_expires(fake: TestClient, url: str, magic: bytes, offset: int = 0) -> None:
    r = download(fake, url)
    assert r.status_code == 200, r.text
    assert r.content[offset : offset + len(magic)] == magic
    assert "Expires=" in url and "Signature=" in url and "Key-Pair-Id=" in url
    tampered = url.replace("Signature=", "Signature=x")
    assert download(fake, tampered).status_code == 403
    advance(fake, 7 * DAY)
    r = download(fake, url)
    assert r.status_code == 403
    assert b"<Code>AccessDenied</Code>" in r.content


def test_heygen_create_poll_webhook_media_expiry(fake, receiver):
    added = fake.post(
        "/v1/webhook/endpoint.add",
        json={"url": receiver.url + "/hook", "events": ["avatar_video.success"]},
        headers=KEY,
    ).json()
    assert added["code"] == 100 and added["data"]["status"] == "enabled"
    secret = added["data"]["secret"]
    assert secret.startswith("whsec_")
    job = {**VIDEO, "callback_id": "order-17", "callback_url": receiver.url + "/job"}
    vid = fake.post("/v2/video/generate", json=job, headers=KEY).json()["data"]["video_id"]
    status = [
        fake.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY).json()["data"]
        for _ in range(4)
    ]
    assert [s["status"] for s in status] == ["pending", "waiting", "processing", "completed"]
    done = status[-1]
    wait_for(lambda: len(receiver.got) == 2)
    by_path = {g["path"]: g for g in receiver.got}
    assert set(by_path) == {"/hook", "/job"}
    for got in receiver.got:
        assert verify_signature(secret, got["raw"], got["headers"]["Signature"])
        assert not verify_signature(secret, got["raw"] + b" ", got["headers"]["Signature"])
        payload = json.loads(got["raw"])
        assert payload["event_type"] == "avatar_video.success"
        assert payload["event_data"]["video_id"] == vid
        assert payload["event_data"]["callback_id"] == "order-17"
    media = {
        "video_url": (b"ftyp", 4),
        "thumbnail_url": (b"\xff\xd8\xff", 0),
        "gif_url": (b"GIF89a", 0),
        "caption_url": (b"[Script Info]", 0),
    }
    for field, (magic, offset) in media.items():
        r = download(fake, done[field])
        assert r.status_code == 200 and r.content[offset : offset + len(magic)] == magic, field
    hooked = json.loads(receiver.got[0]["raw"])["event_data"]["url"]
    assert_media_works_then_expires(fake, hooked, b"ftyp", 4)
    # each status call issues a fresh link, valid for another 7 days
    fresh = fake.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY).json()["data"]
    assert download(fake, fresh["video_url"]).status_code == 200


def test_heygen_v3_job_calls_its_callback_url_and_links_offline_media(fake, receiver):
    """A v3 video walks its timeline, is announced to its own callback_url (signed with the default
    secret, as no endpoint is registered) and its finished body links the fake's media."""
    look = fake.get("/heygen/v3/avatars/looks", headers=KEY).json()["data"][0]["id"]
    job = {
        "type": "avatar",
        "avatar_id": look,
        "script": "Hi",
        "callback_id": "v3-1",
        "callback_url": receiver.url,
    }
    vid = fake.post("/heygen/v3/videos", json=job, headers=KEY).json()["data"]["video_id"]
    statuses = [fake.get(f"/heygen/v3/videos/{vid}", headers=KEY).json()["data"] for _ in range(6)]
    assert statuses[-1]["status"] == "completed", [s["status"] for s in statuses]
    got = wait_for(lambda: receiver.got)[0]
    assert verify_signature("whsec_mockserver", got["raw"], got["headers"]["Signature"])
    payload = json.loads(got["raw"])
    assert payload["event_type"] == "avatar_video.success" and payload["event_data"]["video_id"] == vid
    assert payload["event_data"]["callback_id"] == "v3-1"
    assert_media_works_then_expires(fake, statuses[-1]["video_url"], b"ftyp", 4)


def test_joggai_create_poll_webhook_media_expiry(fake, receiver):
    """A time-based timeline ends on its own: the webhook comes though nobody polls at the end."""
    created = fake.post("/v2/endpoint", json={"url": receiver.url + "/jogg"}, headers=KEY).json()
    assert created["code"] == 0
    secret = created["data"]["secret"]
    headers = {**KEY, "X-Mock-Scenario": "joggai-video-happy-path"}
    vid = fake.post("/v2/create_video_from_avatar", json=JOGG, headers=headers).json()["data"]["video_id"]
    advance(fake, 30)
    time.sleep(0.1)
    assert receiver.got == []  # still processing: nothing sent early
    polled = fake.get(f"/v2/avatar_video/{vid}", headers=KEY).json()["data"]
    assert polled["status"] == "processing" and "video_url" not in polled
    advance(fake, 60)  # nobody polls across the end
    got = wait_for(lambda: receiver.got)[0]
    assert got["headers"]["User-Agent"] == "Jogg-Webhook/1.0"
    assert got["headers"]["X-Webhook-Event"] == "generated_avatar_video_success"
    assert verify_signature(secret, got["raw"], got["headers"]["X-Webhook-Signature"])
    payload = json.loads(got["raw"])
    assert payload["event"] == "generated_avatar_video_success"
    assert payload["data"]["project_id"] == vid
    assert payload["data"]["duration"] == 1.0
    assert isinstance(payload["timestamp"], int) and payload["event_id"]
    # the receiver has the post before the dispatcher has its answer: wait for the log to settle
    log = wait_for(lambda: [d for d in deliveries(fake, vid) if d["state"] == "delivered"])
    assert len(deliveries(fake, vid)) == 1 and log[0]["attempts"][0]["status"] == 200
    assert_media_works_then_expires(fake, payload["data"]["video_url"], b"ftyp", 4)


def test_failures_are_announced_in_each_vendors_shape(fake, receiver):
    fake.post("/v2/endpoint", json={"url": receiver.url + "/jogg"}, headers=KEY)
    fake.post("/v1/webhook/endpoint.add", json={"url": receiver.url + "/heygen"}, headers=KEY)
    jogg = {**JOGG, "video_name": "fail-render"}
    jid = fake.post("/v2/create_video_from_avatar", json=jogg, headers=KEY).json()["data"]["video_id"]
    hid = fake.post("/v2/video/generate", json={**VIDEO, "title": "fail"}, headers=KEY).json()["data"][
        "video_id"
    ]
    for _ in range(6):
        fake.get(f"/v2/avatar_video/{jid}", headers=KEY)
        fake.get("/v1/video_status.get", params={"video_id": hid}, headers=KEY)
    wait_for(lambda: len(receiver.got) == 2)
    by_path = {g["path"]: json.loads(g["raw"]) for g in receiver.got}
    assert by_path["/jogg"]["event"] == "generated_avatar_video_failed"
    assert by_path["/jogg"]["data"]["project_id"] == jid
    assert by_path["/jogg"]["data"]["error"]["message"]
    assert by_path["/heygen"]["event_type"] == "avatar_video.fail"
    assert by_path["/heygen"]["event_data"]["video_id"] == hid
    assert by_path["/heygen"]["event_data"]["msg"]


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


def test_receiver_down_gets_exactly_three_attempts_five_seconds_apart(fake):
    job = {**VIDEO, "callback_url": closed_port_url()}
    headers = {**KEY, "X-Mock-Scenario": "heygen-video-happy-path"}
    vid = fake.post("/v2/video/generate", json=job, headers=headers).json()["data"]["video_id"]
    advance(fake, 120)
    wait_for(lambda: deliveries(fake, vid) and deliveries(fake, vid)[0]["attempts"])
    for expected in (2, 3):
        advance(fake, 5)
        wait_for(lambda n=expected: len(deliveries(fake, vid)[0]["attempts"]) == n)
    advance(fake, 600)
    time.sleep(0.2)
    (log,) = deliveries(fake, vid)
    times = [a["time"] for a in log["attempts"]]
    assert len(times) == 3 and log["state"] == "failed"
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == [5.0, 5.0]
    assert all(a["status"] is None and "refused" in a["error"] for a in log["attempts"])
    # no registered endpoint: a job's own callback is signed with the documented default secret
    assert verify_signature(HEYGEN_DEFAULT_SECRET, dump(log["payload"]), log["headers"]["Signature"])


def test_a_failing_receiver_is_retried_until_it_answers(fake):
    receiver = Receiver(statuses=[500])
    try:
        job = {**VIDEO, "callback_url": receiver.url + "/flaky"}
        vid = fake.post("/v2/video/generate", json=job, headers=KEY).json()["data"]["video_id"]
        for _ in range(4):
            fake.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY)
        wait_for(lambda: len(receiver.got) == 1)
        advance(fake, 5)
        wait_for(lambda: deliveries(fake, vid)[0]["state"] == "delivered")
        (log,) = deliveries(fake, vid)
        assert [a["status"] for a in log["attempts"]] == [500, 200]
        assert receiver.got[0]["raw"] == receiver.got[1]["raw"]  # a retry resends the same event
        sig = receiver.got[0]["headers"]["Signature"]
        assert verify_signature(HEYGEN_DEFAULT_SECRET, receiver.got[0]["raw"], sig)
    finally:
        receiver.stop()


def test_endpoint_registry_list_delete_and_errors(fake):
    for _ in range(2):
        fake.post("/v2/endpoint", json={"url": "http://127.0.0.1:9/a"}, headers=KEY)
    listed = fake.get("/v2/endpoints", headers=KEY).json()
    assert listed["code"] == 0 and len(listed["data"]) == 2
    first = listed["data"][0]["endpoint_id"]
    assert fake.delete(f"/v2/endpoint/{first}", headers=KEY).json()["code"] == 0
    assert len(fake.get("/v2/endpoints", headers=KEY).json()["data"]) == 1
    again = fake.delete(f"/v2/endpoint/{first}", headers=KEY)
    assert (again.status_code, again.json()["code"]) == (200, 10104)  # JoggAI: the error in the body
    bad = fake.post("/v2/endpoint", json={"events": ["nope"]}, headers=KEY)
    assert (bad.status_code, bad.json()["code"]) == (200, 40000)
    assert fake.post("/v2/endpoint", json={"url": "x"}).json()["code"] == 10105  # no key
    for _ in range(19):
        fake.post("/v2/endpoint", json={"url": "http://127.0.0.1:9/a"}, headers=KEY)
    full = fake.post("/v2/endpoint", json={"url": "http://127.0.0.1:9/a"}, headers=KEY).json()
    assert full["code"] == 40000 and "20" in full["msg"]
    gone = fake.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": "nope"}, headers=KEY)
    assert (gone.status_code, gone.json()["code"]) == (404, 40104)
    assert fake.get("/v1/webhook/endpoint.list", headers=KEY).json() == {"code": 100, "data": [], "msg": None}


def test_vendor_urls_keeps_the_vendors_links():
    with TestClient(create_app(SPECS, SCENARIOS, vendor_urls=True), base_url="http://fake") as c:
        data = c.get(
            "/v1/video_status.get", params={"video_id": "v"}, headers={**KEY, "Prefer": "example=Completed"}
        ).json()["data"]
    assert data["video_url"].startswith("https://files2.heygen.ai/")


def test_media_links_replace_only_media_fields(fake):
    r = fake.get("/v2/avatar_video/m1", headers={**KEY, "Prefer": "example=completed"}).json()["data"]
    assert r["video_url"].startswith("http://fake/__media/joggai/m1/video.mp4?Expires=")
    assert r["cover_url"].startswith("http://fake/__media/joggai/m1/thumbnail.jpg?Expires=")
    pending = fake.get("/v2/avatar_video/m2", headers={**KEY, "Prefer": "example=pending"}).json()["data"]
    assert "video_url" not in pending or pending["video_url"] is None
    assert fake.get("/__media/joggai/m1/secret.txt?Expires=1&Signature=x").status_code == 403


def test_create_call_rate_limit_scenario(fake):
    key = {"x-api-key": "ratelimited-ci"}
    codes = [fake.post("/v2/create_video_from_avatar", json=JOGG, headers=key) for _ in range(21)]
    assert [r.json()["code"] for r in codes] == [0] * 20 + [429]
    assert codes[-1].status_code == 200 and "retry-after" not in codes[-1].headers  # JoggAI documents none
    advance(fake, 30)
    assert fake.post("/v2/create_video_from_avatar", json=JOGG, headers=key).json()["code"] == 429
    assert fake.post("/v2/create_video_from_avatar", json=JOGG, headers=KEY).json()["code"] == 0  # per key
    advance(fake, 30)
    assert fake.post("/v2/create_video_from_avatar", json=JOGG, headers=key).json()["code"] == 0
    by_header = {**KEY, "X-Mock-Scenario": "joggai-post-rate-limit"}
    assert fake.post("/v2/create_video_from_avatar", json=JOGG, headers=by_header).json()["code"] == 0
    refused = fake.post(
        "/v2/create_video_from_avatar",
        json=JOGG,
        headers={**KEY, "X-Mock-Scenario": "joggai-create-no-credit"},
    )
    assert refused.json()["code"] == 18020


TIMED = {
    "operation": "heygen.video_status",
    "steps": [{"example": "Pending", "for": "30s"}, {"example": "Completed"}],
}


def test_evicted_timelines_still_deliver_every_webhook(receiver):
    """--timeline-cap 100, 10 timed jobs, then 200 other ids through the LRU: all 10 webhooks come."""
    app = create_app(SPECS, SCENARIOS, clock="virtual", timeline_cap=100)
    with TestClient(app, base_url="http://fake") as fake:
        assert fake.put("/__mock/scenarios/timed", json=TIMED).status_code == 200
        job = {**VIDEO, "callback_url": receiver.url + "/job"}
        headers = {**KEY, "X-Mock-Scenario": "timed"}
        rids = [
            fake.post("/v2/video/generate", json=job, headers=headers).json()["data"]["video_id"]
            for _ in range(10)
        ]
        for i in range(200):
            fake.get("/v1/video_status.get", params={"video_id": f"other-{i}"}, headers=KEY)
        advance(fake, 30)
        wait_for(lambda: len(receiver.got) == 10)
        hooks = fake.get("/__mock/webhooks").json()
        assert hooks["dropped"] == 0
        delivered = {d["job_id"] for d in hooks["deliveries"] if d["state"] == "delivered"}
        assert delivered == set(rids)
        assert {json.loads(g["raw"])["event_data"]["video_id"] for g in receiver.got} == set(rids)


def test_jobs_dropped_past_the_cap_are_logged_and_counted(caplog):
    """More unfinished jobs than the cap: the oldest is dropped, its webhook lost, and the fake says so."""
    with TestClient(
        create_app(SPECS, SCENARIOS, clock="virtual", timeline_cap=5), base_url="http://fake"
    ) as fake:
        job = {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"}
        for _ in range(6):
            fake.post("/v2/video/generate", json=job, headers=KEY)
        assert fake.get("/__mock/webhooks").json()["dropped"] == 1
        wait_for(lambda: "dropped past --timeline-cap 5" in caplog.text)
    assert "1 unfinished job(s)" in caplog.text and "webhooks will not be sent" in caplog.text

"""The engine answers without a server: requests in, answers out, jobs ending by events."""

from __future__ import annotations

import json

import pytest

from mockserver.engine.answer import Request
from mockserver.engine.fake import Fake
from mockserver.engine.options import Options
from mockserver.engine.scenario_file import ScenarioLoader

from ..conftest import KEY, SCENARIOS, SPECS
from .test_create import VIDEO

BASE = "http://fake"


@pytest.fixture
def fake(catalog) -> Fake:
    return Fake(Options(specs_dir=SPECS, scenarios_dir=SCENARIOS, clock="virtual"), catalog)


def poll(fake: Fake, rid: str, headers: dict[str, str] | None = None):
    request = Request(
        "GET", "/v1/video_status.get", query={"video_id": rid}, headers={**KEY, **(headers or {})}, base=BASE
    )
    return fake.answer("heygen.video_status", request)


def create(fake: Fake, body: dict, headers: dict[str, str] | None = None) -> str:
    headers = {**KEY, **(headers or {})}
    request = Request(
        "POST", "/v2/video/generate", headers=headers, body=json.dumps(body).encode(), base=BASE
    )
    answer = fake.answer("heygen.post_video_generate", request)
    assert answer.status == 200, answer.body
    return json.loads(answer.payload)["data"]["video_id"]


def status_of(answer) -> str:
    return json.loads(answer.payload)["data"]["status"]


def register(fake: Fake, raw: dict) -> None:
    fake.selection.add(ScenarioLoader(fake.catalog).parse(raw, "(test)"))


def test_a_timeline_walks_one_state_per_poll(fake):
    seen = [status_of(poll(fake, "v1")) for _ in range(5)]
    assert seen == ["pending", "waiting", "processing", "completed", "completed"]
    assert fake.store.requests(None, "v1", None)[-1]["step"] == 3


def test_errors_come_in_the_vendor_envelope(fake):
    answer = fake.answer(
        "heygen.video_status", Request("GET", "/v1/video_status.get", query={"video_id": "x"})
    )
    assert (answer.status, answer.body) == (401, {"code": 400112, "message": "Unauthorized"})
    answer = poll(fake, "notfound-1")
    assert answer.status == 404 and answer.error == "not_found"


def test_time_based_steps_move_with_the_clock(fake):
    register(fake, {"name": "slow", "operation": "heygen.video_status", "steps": [
        {"example": "Pending", "for": "10m"}, {"example": "Completed"}]})  # fmt: skip
    assert status_of(poll(fake, "t1", {"x-mock-scenario": "slow"})) == "pending"
    fake.clock.advance(600)
    assert status_of(poll(fake, "t1")) == "completed"


def test_a_timed_job_ends_on_the_heap_and_its_webhook_is_due(fake):
    register(fake, {"name": "timed", "operation": "heygen.video_status", "steps": [
        {"example": "Pending", "for": "30s"}, {"example": "Completed"}]})  # fmt: skip
    rid = create(fake, {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"}, {"x-mock-scenario": "timed"})
    assert fake.endings.due(fake.clock.now()) == []  # not yet
    fake.clock.advance(30)
    (delivery,) = fake.endings.due(fake.clock.now())  # nobody polled: the heap said so
    payload = json.loads(delivery.payload)
    assert payload["event_type"] == "avatar_video.success"
    assert payload["event_data"]["video_id"] == rid
    assert f"{BASE}/__media/heygen/{rid}/video.mp4?Expires=" in payload["event_data"]["url"]


def test_a_poll_based_job_ends_when_polled_and_is_never_scanned(fake):
    rids = [create(fake, {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"}) for _ in range(50)]
    assert len(fake.store.job_keys()) == 50
    assert fake.store.scheduled() == 0  # poll-based: nothing on the heap, nothing to look at while idle
    fake.clock.advance(3600)
    assert fake.endings.due(fake.clock.now()) == []
    for _ in range(3):  # pending -> waiting -> processing; the next poll would be completed
        poll(fake, rids[0])
    (delivery,) = fake.endings.due(fake.clock.now())
    assert delivery.job_id == rids[0]
    assert len(fake.store.job_keys()) == 49


def test_an_evicted_timeline_still_sends_its_webhook(catalog):
    fake = Fake(Options(specs_dir=SPECS, scenarios_dir=SCENARIOS, clock="virtual", timeline_cap=100), catalog)
    register(fake, {"name": "timed", "operation": "heygen.video_status", "steps": [
        {"example": "Pending", "for": "30s"}, {"example": "Completed"}]})  # fmt: skip
    hook = {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"}
    rids = [create(fake, hook, {"x-mock-scenario": "timed"}) for _ in range(10)]
    for i in range(200):  # other ids push the jobs' timelines out of the LRU
        poll(fake, f"other-{i}")
    assert fake.store.timeline_count()[1] >= 110
    fake.clock.advance(30)
    sent = fake.endings.due(fake.clock.now())
    assert sorted(d.job_id for d in sent) == sorted(rids)
    assert status_of(poll(fake, rids[0])) == "completed"  # the job kept the timeline for its id


def test_retries_go_back_on_the_heap(fake):
    rid = create(
        fake,
        {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"},
        {"x-mock-scenario": "heygen.video_status.default"},
    )
    for _ in range(3):
        poll(fake, rid)
    (delivery,) = fake.endings.due(fake.clock.now())
    fake.endings.settle(delivery, fake.clock.now(), 500, None)
    assert fake.endings.due(fake.clock.now()) == []
    fake.clock.advance(5)  # the profile's retry_every
    (again,) = fake.endings.due(fake.clock.now())
    assert again is delivery and len(again.attempts) == 1


def test_binding_a_created_job_restarts_its_timeline(fake):
    rid = create(fake, VIDEO)
    poll(fake, rid)
    op = fake.catalog.operations["heygen.video_status"]
    fake.selection.bind(op, rid, "heygen-video-too-long")
    answer = poll(fake, rid)
    assert answer.scenario == "heygen-video-too-long" and answer.step == 0


def test_a_reset_stops_the_retries_of_deliveries_in_flight(fake):
    rid = create(fake, {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"})
    for _ in range(3):
        poll(fake, rid)
    (delivery,) = fake.endings.due(fake.clock.now())
    fake.reset()
    fake.endings.settle(delivery, fake.clock.now(), 500, None)
    fake.clock.advance(60)
    assert fake.endings.due(fake.clock.now()) == []


def test_a_fuzz_answer_journals_its_seed(fake):
    poll(fake, "fz-1", {"x-mock-scenario": "fuzz", "x-mock-seed": "42"})
    assert fake.store.requests(None, "fz-1", None)[-1]["seed"] == "42"


def test_the_heap_sheds_entries_of_jobs_that_are_gone(fake):
    register(fake, {"name": "timed", "operation": "heygen.video_status", "steps": [
        {"example": "Pending", "for": "1h"}, {"example": "Completed"}]})  # fmt: skip
    for i in range(3000):
        rid = create(fake, {**VIDEO, "callback_url": "http://127.0.0.1:9/hook"}, {"x-mock-scenario": "timed"})
        if i % 3:
            fake.reset(rid)  # its heap entry is stale from now on
    live = len(fake.store.job_keys())
    assert live == 1000
    assert fake.store.scheduled() <= 2 * live + 1024 + 1

"""Cross-cutting (`*`) scenarios on create calls: bound by API key, over real HTTP in process."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import create_app

from ..conftest import KEY

CREATE = "/v2/create_video_from_avatar"
BODY = {
    "avatar": {"avatar_type": 0, "avatar_id": 81},
    "voice": {"type": "script", "voice_id": "en-US-1", "script": "Hello"},
    "aspect_ratio": "portrait",
    "screen_style": 1,
}
OP = "joggai.post_create_video_from_avatar"


@pytest.fixture
def fake():
    with TestClient(create_app(clock="virtual", http_errors=True), base_url="http://fake") as c:
        yield c


def bind(c: TestClient, scenario: str) -> None:
    r = c.put(f"/__mock/bindings/{OP}/{KEY['x-api-key']}", json={"scenario": scenario})
    assert r.status_code == 200, r.text


def test_create_calls_list_the_cross_cutting_scenarios(fake):
    names = {s["name"] for s in fake.get("/__mock/scenarios", params={"operation": OP}).json()}
    assert {"rate-limited-twice", "server-error-once", "reset-then-success", "slow"} <= names


def test_rate_limited_twice_then_the_job_is_created(fake):
    bind(fake, "rate-limited-twice")
    answers = [fake.post(CREATE, json=BODY, headers=KEY) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json()["code"] == 429
    video = answers[2].json()["data"]["video_id"]
    assert fake.get(f"/v2/avatar_video/{video}", headers=KEY).json()["data"]["status"] == "pending"


def test_server_error_once_then_created(fake):
    bind(fake, "server-error-once")
    first, second = (fake.post(CREATE, json=BODY, headers=KEY) for _ in range(2))
    assert first.status_code == 500 and first.json()["code"] == 50000
    assert second.status_code == 200 and second.json()["data"]["video_id"]


def test_progress_and_delay_steps_create(fake):
    """`stuck-processing` (outcome: progress) and `slow` (a delay) let the call create, not a 500."""
    for scenario in ("stuck-processing", "slow"):
        bind(fake, scenario)
        r = fake.post(CREATE, json=BODY, headers=KEY)
        assert r.status_code == 200 and r.json()["data"]["video_id"], (scenario, r.text)
    journal = fake.get("/__mock/requests", params={"operation": OP}).json()
    assert sorted(e["delay"] > 0 for e in journal) == [False, True]  # the slow one waited


def test_a_cross_cutting_header_on_a_create_call_still_picks_the_jobs_scenario(fake):
    r = fake.post(CREATE, json=BODY, headers={**KEY, "X-Mock-Scenario": "not-found"})
    assert r.status_code == 200
    video = r.json()["data"]["video_id"]
    assert fake.get(f"/v2/avatar_video/{video}", headers=KEY).status_code == 404

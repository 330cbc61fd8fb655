"""Small lies in served bodies (issue 15, item 6), one test each."""

from __future__ import annotations

from ..conftest import KEY

TRAIN = "/v2/photo_avatar/train/status/"


def test_a_finished_jobs_updated_at_freezes_when_it_ended(virtual_client):
    c = virtual_client
    h = {**KEY, "X-Mock-Scenario": "heygen-training-happy-path"}  # pending for 2 minutes, then ready
    start = c.get(TRAIN + "g1", headers=h).json()["data"]
    assert start["status"] == "pending"
    c.post("/__mock/clock/advance", json={"seconds": 150})  # past the 2 minutes of pending
    done = c.get(TRAIN + "g1", headers=h).json()["data"]
    assert done["status"] == "ready"
    assert done["updated_at"] == start["created_at"] + 120  # when pending ran out, not this poll
    c.post("/__mock/clock/advance", json={"seconds": 500})
    again = c.get(TRAIN + "g1", headers=h).json()["data"]
    assert again["updated_at"] == done["updated_at"]

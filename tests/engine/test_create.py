"""Create calls start the status operation's timeline at that moment, with a fresh id."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import create_app

from ..conftest import KEY, SCENARIOS, SPECS

VIDEO = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"},
            "voice": {"type": "text", "input_text": "Hello", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54"},
        }
    ],
    "dimension": {"width": 1280, "height": 720},
    "title": "demo",
}
JOGG = {
    "avatar": {"avatar_type": 0, "avatar_id": 81},
    "voice": {"type": "script", "voice_id": "en-US-1", "script": "Hi"},
    "aspect_ratio": "portrait",
    "screen_style": 1,
}


def statuses(client, path, params=None, n=5):
    return [client.get(path, params=params, headers=KEY).json()["data"]["status"] for _ in range(n)]


def test_heygen_create_then_poll(virtual_client):
    c = virtual_client
    created_at = int(c.get("/__mock/clock").json()["now"])
    r = c.post("/v2/video/generate", json=VIDEO, headers=KEY)
    assert r.status_code == 200
    body = r.json()
    assert body["error"] is None
    vid = body["data"]["video_id"]
    assert len(vid) == 32 and vid != "6d0d5e2b1f3a4c8e9b7a2f1e0c3d4b5a"
    c.post("/__mock/clock/advance", json={"seconds": 100})
    first = c.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY).json()["data"]
    assert first["status"] == "pending"
    assert statuses(c, "/v1/video_status.get", {"video_id": vid}, 3) == ["waiting", "processing", "completed"]
    timeline = c.get(f"/__mock/timelines/heygen.video_status/{vid}").json()
    assert int(timeline["first_seen"]) == created_at  # the timeline started at the create call
    assert c.post("/v2/video/generate", json=VIDEO, headers=KEY).json()["data"]["video_id"] != vid


def test_scenario_chosen_at_create_by_header_or_name(client):
    r = client.post("/v2/video/generate", json=VIDEO, headers={**KEY, "X-Mock-Scenario": "not-found"})
    vid = r.json()["data"]["video_id"]
    assert client.get("/v1/video_status.get", params={"video_id": vid}, headers=KEY).status_code == 404
    r = client.post("/v2/video/generate", json={**VIDEO, "title": "fail: too long"}, headers=KEY)
    vid = r.json()["data"]["video_id"]
    assert statuses(client, "/v1/video_status.get", {"video_id": vid}, 4) == [
        "pending",
        "processing",
        "failed",
        "failed",
    ]
    r = client.post("/v2/create_video_from_avatar", json={**JOGG, "video_name": "fail-1"}, headers=KEY)
    assert r.json()["code"] == 0
    vid = r.json()["data"]["video_id"]
    assert statuses(client, f"/v2/avatar_video/{vid}", None, 3) == ["pending", "processing", "failed"]
    bad = client.post(
        "/v2/video/generate", json=VIDEO, headers={**KEY, "X-Mock-Scenario": "joggai-video-failed"}
    )
    assert bad.status_code == 400 and "valid_scenarios" in bad.json()


def test_every_create_call(client):
    twin = client.post(
        "/v2/video_avatar",
        json={
            "training_footage_url": "https://x/f.mp4",
            "video_consent_url": "https://x/c.mp4",
            "avatar_name": "Me",
        },
        headers=KEY,
    ).json()["data"]
    assert set(twin) == {"avatar_id", "avatar_group_id"}
    assert statuses(client, f"/v2/video_avatar/{twin['avatar_id']}", None, 2) == ["in_progress", "complete"]
    train = client.post("/v2/photo_avatar/train", json={"group_id": "grp-1"}, headers=KEY).json()
    assert train == {"error": None, "data": {"group_id": "grp-1"}}
    assert statuses(client, "/v2/photo_avatar/train/status/grp-1", None, 2) == ["pending", "ready"]
    # training the same group again starts its timeline again
    client.post("/v2/photo_avatar/train", json={"group_id": "grp-1"}, headers=KEY)
    assert statuses(client, "/v2/photo_avatar/train/status/grp-1", None, 1) == ["pending"]
    photo = client.post(
        "/v2/photo_avatar/photo/generate",
        json={
            "age": "adult",
            "avatar_style": "professional",
            "gender": "female",
            "model": "classic",
            "aspect_ratio": 0,
        },
        headers=KEY,
    ).json()
    assert photo["code"] == 0
    pid = photo["data"]["photo_id"]
    assert statuses(client, "/v2/photo_avatar/photo", {"photo_id": pid}, 2) == ["in_progress", "success"]
    journal = client.get(
        "/__mock/requests", params={"operation": "joggai.post_photo_avatar_photo_generate"}
    ).json()
    assert journal[-1]["id"] == pid and journal[-1]["status"] == 200


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/v2/video/generate", b'{"video_inputs": []}'),
        ("/v2/video/generate", b'{"title": "no inputs"}'),
        ("/v2/video/generate", b"{not json"),
        ("/v2/video/generate", b""),
        ("/v2/video_avatar", b'{"avatar_name": 7}'),
        ("/v2/photo_avatar/train", b'{"group_id": ""}'),
    ],
)
def test_bad_heygen_create_bodies(client, path, content):
    r = client.post(path, content=content, headers={**KEY, "content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == 400
    assert r.json()["message"].startswith("Invalid parameter")
    assert (
        client.get("/__mock/violations")
        .json()[-1]["pointer"]
        .endswith("/requestBody/content/application~1json/schema")
    )


@pytest.mark.parametrize("content", [b'{"avatar": {"avatar_type": 3, "avatar_id": 1}}', b"[]", b"{"])
def test_bad_joggai_create_bodies(client, catalog, content):
    r = client.post("/v2/create_video_from_avatar", content=content, headers=KEY)
    assert (r.status_code, r.json()["code"], r.json()["data"]) == (200, 40000, None)
    with TestClient(create_app(SPECS, SCENARIOS, catalog=catalog, http_errors=True)) as strict:
        r = strict.post("/v2/create_video_from_avatar", content=content, headers=KEY)
        assert (r.status_code, r.json()["code"]) == (400, 40000)


def test_create_needs_the_key_and_a_small_body(client):
    assert client.post("/v2/video/generate", json=VIDEO).status_code == 401
    r = client.post("/v2/create_video_from_avatar", json=JOGG)
    assert r.json()["code"] == 10105
    huge = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    r = client.post("/v2/video/generate", content=huge, headers=KEY)
    assert r.status_code == 400 and "over" in r.json()["message"]

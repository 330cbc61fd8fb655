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


def completed_video(client) -> dict:
    r = client.get("/v1/video_status.get", params={"video_id": "v1"}, headers={**KEY, "Prefer": "code=200"})
    return r.json()["data"]


def test_the_captioned_video_is_a_link_of_its_own(client):
    data = completed_video(client)
    assert data["video_url_caption"] != data["video_url"]
    assert "/caption.mp4?" in data["video_url_caption"]
    got = client.get(data["video_url_caption"])
    assert (got.status_code, got.headers["content-type"]) == (200, "video/mp4")


def test_caption_and_gif_links_are_unsigned_like_heygens(client):
    data = completed_video(client)
    for field, kind in (("caption_url", "text/x-ssa"), ("gif_url", "image/gif")):
        assert "?" not in data[field] and "Signature" not in data[field], data[field]
        got = client.get(data[field])
        assert (got.status_code, got.headers["content-type"].split(";")[0]) == (200, kind)
    assert "Signature=" in data["video_url"]  # the video stays signed
    unsigned_video = data["video_url"].split("?")[0]
    assert client.get(unsigned_video).status_code == 403


def test_video_not_found_is_marked_inferred_for_avatars_and_photo_groups(client):
    h = {**KEY, "Prefer": "code=404"}
    video = client.get("/v1/video_status.get", params={"video_id": "nf1"}, headers=h)
    assert (video.status_code, video.json()["code"]) == (404, 40104)
    assert "x-mock-inferred" not in video.headers  # documented for videos
    for path in ("/v2/video_avatar/nf2", TRAIN + "nf3"):
        r = client.get(path, headers=h)
        assert (r.status_code, r.json()["code"]) == (404, 40104)
        assert r.headers["x-mock-inferred"] == "true", path


def test_joggai_rate_limit_is_its_documented_body_without_retry_after(client):
    for path, params in (("/v2/avatar_video/rl1", {}), ("/v2/photo_avatar/photo", {"photo_id": "rl2"})):
        r = client.get(path, params=params, headers={**KEY, "X-Mock-Scenario": "rate-limited-twice"})
        assert r.json() == {"code": 429, "msg": "Rate limit exceeded. Please try again later.", "data": None}
        assert "retry-after" not in r.headers  # JoggAI documents none
        assert "POST" not in r.text  # a GET poll is not told about POST requests
    heygen = client.get(
        "/v1/video_status.get",
        params={"video_id": "rl3"},
        headers={**KEY, "X-Mock-Scenario": "rate-limited-twice"},
    )
    assert heygen.status_code == 429 and "retry-after" in heygen.headers  # HeyGen's keeps its header


def test_joggai_create_rate_limit_has_no_retry_after(client):
    h = {"x-api-key": "ratelimited-lies", "Content-Type": "application/json"}
    body = {
        "avatar": {"avatar_type": 0, "avatar_id": 1},
        "voice": {"type": "script", "voice_id": "v", "script": "hi"},
    }
    answers = [client.post("/v2/create_video_from_avatar", json=body, headers=h) for _ in range(25)]
    limited = [r for r in answers if r.json()["code"] == 429]
    assert limited, [r.json() for r in answers[-2:]]
    assert all("retry-after" not in r.headers for r in limited)

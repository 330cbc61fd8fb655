"""Two API keys on one fake never see each other's videos, assets, folders or credit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.paths import lookup

from .conftest import SCENARIOS, SPECS

A = {"x-api-key": "key-a"}
B = {"x-api-key": "key-b"}
VIDEO = {
    "video_inputs": [
        {"character": {"type": "avatar", "avatar_id": "x"}, "voice": {"type": "text", "input_text": "Hi"}}
    ]
}


@pytest.fixture
def fake() -> Iterator[TestClient]:
    with TestClient(create_app(SPECS, SCENARIOS), base_url="http://fake") as c:
        yield c


def _ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_two_keys_see_disjoint_state(fake: TestClient) -> None:
    video = lookup(_ok(fake.post("/heygen/v2/video/generate", json=VIDEO, headers=A)), "data.video_id")
    folder = lookup(_ok(fake.post("/heygen/v1/folders/create", json={"name": "mine"}, headers=A)), "data.id")
    asset = _ok(
        fake.post("/heygen/v1/asset", content=b"\xff\xd8jpeg", headers=A | {"content-type": "image/jpeg"})
    )["data"]["id"]

    def seen(headers: dict[str, str]) -> tuple[list[Any], list[Any], list[Any], Any]:
        videos = [
            v["video_id"]
            for v in lookup(_ok(fake.get("/heygen/v1/video.list", headers=headers)), "data.videos")
        ]
        folders = [
            f["id"] for f in lookup(_ok(fake.get("/heygen/v1/folders", headers=headers)), "data.folders")
        ]
        assets = [
            a["id"] for a in lookup(_ok(fake.get("/heygen/v1/asset/list", headers=headers)), "data.assets")
        ]
        quota = lookup(
            _ok(fake.get("/heygen/v2/user/remaining_quota", headers=headers)), "data.remaining_quota"
        )
        return videos, folders, assets, quota

    videos_a, folders_a, assets_a, quota_a = seen(A)
    videos_b, folders_b, assets_b, quota_b = seen(B)
    assert (videos_a, folders_a, assets_a) == ([video], [folder], [asset])
    assert (videos_b, folders_b, assets_b) == ([], [], [])
    assert quota_a < quota_b, "only key A's render was charged"
    # B cannot delete, rename or trash what A owns: the vendor's not-found, and A still has it
    assert fake.delete(f"/heygen/v1/video.delete?video_id={video}", headers=B).status_code == 404
    assert fake.post(f"/heygen/v1/folders/{folder}/trash", headers=B).status_code == 404
    assert seen(A)[:3] == ([video], [folder], [asset])


def test_another_keys_video_is_not_found_and_its_timeline_untouched(fake: TestClient) -> None:
    """Key B polling key A's video id gets the vendor's not-found, and A's walk is not moved by it."""
    video = lookup(_ok(fake.post("/heygen/v2/video/generate", json=VIDEO, headers=A)), "data.video_id")
    status = f"/heygen/v1/video_status.get?video_id={video}"
    other = fake.get(status, headers=B)
    assert other.status_code == 404 and other.json()["code"] == 40104
    assert lookup(_ok(fake.get(status, headers=A)), "data.status") == "pending"  # A's first poll
    # an id of the client's own choosing, never created, is anyone's (the Prism-like default)
    assert fake.get("/heygen/v1/video_status.get?video_id=mine-1", headers=B).status_code == 200


def test_upload_urls_take_bytes_only_for_uploads(fake: TestClient) -> None:
    """A video's or a folder's id is no upload: PUT there is the fake's 404, nothing is served."""
    video = lookup(_ok(fake.post("/heygen/v2/video/generate", json=VIDEO, headers=A)), "data.video_id")
    folder = lookup(_ok(fake.post("/heygen/v1/folders/create", json={"name": "f"}, headers=A)), "data.id")
    for rid in (video, folder):
        assert fake.put(f"/__media/uploads/{rid}", content=b"bytes").status_code == 404
        assert fake.get(f"/__media/uploads/{rid}").status_code == 404
    asset = _ok(
        fake.post(
            "/joggai/v2/upload/asset", json={"filename": "a.jpg", "content_type": "image/jpeg"}, headers=A
        )
    )
    sign_url = asset["data"]["sign_url"]
    assert (
        fake.put(sign_url, content=b"\xff\xd8jpeg", headers={"content-type": "image/jpeg"}).status_code == 200
    )
    assert fake.get(asset["data"]["asset_url"]).status_code == 200


def test_a_job_without_a_collection_is_its_keys_too(fake: TestClient) -> None:
    """A digital twin (no list shows it) is still the creating key's: another key gets not-found."""
    body = {
        "training_footage_url": "https://x/f.mp4",
        "video_consent_url": "https://x/c.mp4",
        "avatar_name": "t",
    }
    twin = lookup(_ok(fake.post("/heygen/v2/video_avatar", json=body, headers=A)), "data.avatar_id")
    assert fake.get(f"/heygen/v2/video_avatar/{twin}", headers=B).status_code == 404
    assert fake.get(f"/heygen/v2/video_avatar/{twin}", headers=A).status_code == 200

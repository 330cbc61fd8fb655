"""Every documented or derived example, served over HTTP with the requested id."""

from __future__ import annotations

import copy
import json

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.bodies import parse_text_example, strip_comments
from mockserver.spec.catalog import Catalog

from ..conftest import KEY, SCENARIOS, SPECS

CATALOG = Catalog(SPECS)
POLLED = [op for op in CATALOG.operations.values() if op.polled]
PAIRS = [  # the success examples (an error example is served with its own status, not 200)
    (op.name, name)
    for op in POLLED
    for name, ex in CATALOG.examples[op.name].items()
    if ex.status_code == 200
]
ID_FIELDS = ("id", "avatar_id", "video_id", "photo_id")


@pytest.fixture
def vendor_client():
    """With --vendor-urls: bodies keep the vendor's media links, so they compare with the examples."""
    with TestClient(create_app(SPECS, SCENARIOS, catalog=CATALOG, vendor_urls=True)) as c:
        yield c


def url_for(op_name: str, rid: str) -> tuple[str, dict[str, str]]:
    op = CATALOG.operations[op_name]
    p = op.id_parameter
    assert p is not None
    if p.location == "path":
        return op.path.replace("{" + p.name + "}", rid), {}
    return op.path, {p.name: rid}


def test_every_operation_has_examples():
    assert sorted(op.name for op in POLLED) == [
        "heygen.avatar_details",  # HeyGen's lookups by id: one example each, walked like a poll
        "heygen.photo_avatar_train_status",
        "heygen.template",
        "heygen.template_2",
        "heygen.video_avatar",
        "heygen.video_status",
        "heygen_v3.videos",  # GET /v3/videos/{video_id}
        "joggai.avatar_video",
        "joggai.photo_avatar_photo",
        "joggai.product_video",
        "joggai.template_video",
    ]
    # + v3 video, product video, template video success examples, and the 3 lookups' one example each
    assert len(PAIRS) == 18 + 4 + 3 + 4 + 3


@pytest.mark.parametrize(("op_name", "example"), PAIRS)
def test_example_served_with_requested_id(vendor_client, op_name, example):
    client = vendor_client
    rid = f"req-{abs(hash((op_name, example))) % 10_000}"
    path, params = url_for(op_name, rid)
    r = client.get(path, params=params, headers={**KEY, "Prefer": f"example={example}"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    timeline = client.get(f"/__mock/timelines/{op_name}/{rid}").json()
    expected = copy.deepcopy(CATALOG.examples[op_name][example].body)
    data = expected["data"]
    for field in ID_FIELDS:
        if field in data:
            data[field] = rid
    if data.get("created_at") is not None:
        data["created_at"] = int(timeline["first_seen"])
    for stamp in ("updated_at", "completed_at"):  # the fake's own clock: never the example's date
        if data.get(stamp) is not None:
            data[stamp] = body["data"][stamp]
            assert isinstance(body["data"][stamp], int) and body["data"][stamp] >= data["created_at"]
    assert body == expected
    if any(field in data for field in ID_FIELDS):
        assert rid in json.dumps(body)
    # a one-shot Prefer override does not move the timeline
    assert timeline["polls"] == 0


def test_completed_video_urls_intact(vendor_client):
    client = vendor_client
    r = client.get(
        "/v1/video_status.get", params={"video_id": "v1"}, headers={**KEY, "Prefer": "example=Completed"}
    )
    data = r.json()["data"]
    assert data["status"] == "completed"
    assert data["id"] == "v1"
    assert data["video_url"].startswith("https://files2.heygen.ai/aws_pacific/avatar_tmp/")
    assert ".mp4?Expires=1752218068&Signature=NIAHPL6Zd7no6pRL37Q50byoyik5Ooo64FBFX1bj" in data["video_url"]
    assert data["video_url"].endswith("&Key-Pair-Id=K38KBHX5LX3X2H")
    assert data["thumbnail_url"].startswith("https://files2.heygen.ai/")
    assert "Signature=Rj6-QTD5FeIjR7FmLbfeqFaRP2CrrEL~CfJ5EZFH0rCsi70KPQKH5X0Q" in data["thumbnail_url"]
    assert (
        data["caption_url"]
        == "https://resource2.heygen.ai/movio/video/kjnny36d9d0b45c07651da6840a1c739/caption.ass"
    )
    assert data["duration"] == 6.42612
    assert r.json()["code"] == 100


def test_failed_video_carries_vendor_error_object(client):
    r = client.get(
        "/v1/video_status.get", params={"video_id": "v2"}, headers={**KEY, "Prefer": "example=Failed"}
    )
    error = r.json()["data"]["error"]
    assert error == {
        "code": 40119,
        "detail": "Video is too long (> 3600.0s). Please upgrade your plan to generate longer videos",
        "message": "Video is too long",
    }


def test_strip_comments_keeps_urls_and_strings():
    text = '// a // comment\n/* block\n with "quote" */\n{"u": "https://x.y/a//b?c=/*d*/", "s": "\\"//\\""} // tail'
    assert json.loads(strip_comments(text)) == {"u": "https://x.y/a//b?c=/*d*/", "s": '"//"'}
    with pytest.raises(ValueError):
        parse_text_example("// only a comment")


def test_joggai_derived_bodies_are_coherent(vendor_client):
    client = vendor_client
    bodies = {}
    for status in ("pending", "processing", "completed", "failed"):
        r = client.get(f"/v2/avatar_video/j-{status}", headers={**KEY, "Prefer": f"example={status}"})
        assert r.headers["x-mock-derived"] == "true"
        bodies[status] = r.json()
    assert bodies["completed"]["data"]["video_url"].startswith("https://")
    assert bodies["completed"]["data"]["cover_url"].startswith("https://")
    for status in ("pending", "processing", "failed"):
        assert "video_url" not in bodies[status]["data"]
        assert "cover_url" not in bodies[status]["data"]
        assert bodies[status]["data"]["status"] == status
    assert bodies["failed"]["data"]["error"] == {"message": "Generation failed"}
    assert bodies["failed"]["msg"] == bodies["completed"]["msg"] == "Success"
    photo = {
        s: client.get(
            "/v2/photo_avatar/photo", params={"photo_id": f"p-{s}"}, headers={**KEY, "Prefer": f"example={s}"}
        ).json()
        for s in ("in_progress", "success", "error")
    }
    assert photo["success"]["data"]["image_url_list"] == [
        "https://example.com/image1.jpg",
        "https://example.com/image2.jpg",
    ]
    assert photo["in_progress"]["data"]["image_url_list"] == []
    assert photo["error"]["data"]["image_url_list"] == []
    assert photo["error"]["data"]["msg"] == "Generation failed"
    assert photo["in_progress"]["data"]["image_key_list"] == photo["error"]["data"]["image_key_list"] == []
    assert photo["success"]["data"]["msg"] is None
    assert photo["success"]["data"]["photo_id"] == "p-success"


def test_success_example_without_prefer_is_the_end_of_the_default(client):
    """With no scenario the default walks to the success example and stays there."""
    finals = {
        "heygen.video_status": "completed",
        "heygen.photo_avatar_train_status": "ready",
        "heygen.video_avatar": "complete",
        "joggai.avatar_video": "completed",
        "joggai.photo_avatar_photo": "success",
    }
    for op_name, final in finals.items():
        path, params = url_for(op_name, "plain-id")
        statuses = [client.get(path, params=params, headers=KEY).json()["data"]["status"] for _ in range(6)]
        assert statuses[-1] == final
        assert statuses[-2] == final
        assert len(set(statuses)) >= 2, statuses

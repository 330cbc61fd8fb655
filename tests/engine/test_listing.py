"""Catalogs and lists over real HTTP: paging walks end and show each item once, keys see their own
records, filters pick, a job's status is read without taking a poll, and bad cursors are the vendor's
invalid_parameter."""

from __future__ import annotations

import base64

import pytest

from mockserver.engine.listing import cut, decode_token, encode_token
from mockserver.spec.resources import Paging

from .collections_fixture import VOICES, A, B, create_video, lists, walk

__all__ = ["lists"]  # the fixture, imported for pytest


def test_walking_every_token_page_yields_each_video_once(lists):
    made = [create_video(lists, A, f"v{i}") for i in range(5)]
    seen = walk(lists, "/v2/videos", A, limit=2)
    assert [v["id"] for v in seen] == made[::-1]  # newest first, each once
    assert [v["name"] for v in seen] == [f"v{i}" for i in range(4, -1, -1)]
    assert len(walk(lists, "/v2/videos", A, limit=50)) == 5


def test_two_api_keys_see_disjoint_records(lists):
    mine = {create_video(lists, A, "a") for _ in range(3)}
    theirs = {create_video(lists, B, "b") for _ in range(2)}
    assert {v["id"] for v in walk(lists, "/v2/videos", A)} == mine
    assert {v["id"] for v in walk(lists, "/v2/videos", B)} == theirs
    assert walk(lists, "/v2/videos", {"x-api-key": "nobody"}) == []


def test_walking_catalog_pages_by_number_yields_each_item_once(lists):
    seen, total = [], None
    for page in range(1, 20):
        data = lists.get("/v2/voices", params={"page": page}, headers=A).json()["data"]
        assert data["page"] == page
        total = data["total"]
        if not data["voices"]:
            break
        seen += data["voices"]
        assert len(data["voices"]) <= 3  # the default page size
    assert seen == VOICES and total == 7
    big = lists.get("/v2/voices", params={"page_size": 999}, headers=A).json()
    assert big["code"] == 40000 and "page_size must be at most 5" in big["msg"]  # refused, not clamped
    assert len(lists.get("/v2/voices", params={"page_size": 0}, headers=A).json()["data"]["voices"]) == 3


def test_a_catalog_filter_compares_the_item_field_as_text(lists):
    data = lists.get("/v2/voices", params={"language": "en", "page_size": 5}, headers=A).json()["data"]
    assert [v["voice_id"] for v in data["voices"]] == ["v1", "v3", "v5"]
    assert data["total"] == 3


def test_the_list_shows_the_jobs_status_without_taking_a_poll(lists):
    rid = create_video(lists, A, "job")
    listed, polled = [], []
    for _ in range(3):
        listed += [v["status"] for v in walk(lists, "/v2/videos", A)]
        listed += [v["status"] for v in walk(lists, "/v2/videos", A)]  # a second look moves nothing
        polled.append(lists.get(f"/v2/avatar_video/{rid}", headers=A).json()["data"]["status"])
    spelled = [{"pending": "queued"}.get(p, p) for p in polled]  # the list's own word for pending
    assert listed == [s for s in spelled for _ in range(2)]  # each look peeked what the next poll served
    assert polled[0] == "pending" and polled[-1] == "completed"


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        encode_token(2)[:-1] + "*",
        base64.urlsafe_b64encode(b"other:5").decode(),
        "A" * 200,
        "bW9jazot",
    ],
    ids=["chars", "mangled", "foreign", "long", "negative"],
)
def test_a_bad_cursor_is_the_vendors_invalid_parameter(lists, token):
    answer = lists.get("/v2/videos", params={"cursor": token}, headers=A)
    assert answer.status_code == 200  # JoggAI's errors ride a 200 with the code in the body
    assert answer.json()["code"] == 40000 and "cursor" in answer.json()["msg"]


@pytest.mark.parametrize(("param", "value"), [("page", "0"), ("page", "x"), ("page_size", "-1")])
def test_a_bad_page_or_size_is_the_vendors_invalid_parameter(lists, param, value):
    answer = lists.get("/v2/voices", params={param: value}, headers=A)
    assert answer.json()["code"] == 40000 and param in answer.json()["msg"]


def test_a_page_past_the_end_is_empty_not_an_error(lists):
    for page in ("99", "3076933917127"):  # a page number no list reaches is schema-valid all the same
        data = lists.get("/v2/voices", params={"page": page}, headers=A).json()["data"]
        assert data["voices"] == [] and data["total"] == 7


def test_cursors_round_trip_and_anything_else_is_refused():
    assert [decode_token(encode_token(n)) for n in (0, 1, 12345)] == [0, 1, 12345]
    assert decode_token("") is None and decode_token("bW9jazo") is None  # "mock:" with no number
    paging = Paging(style="token", size="limit", default=2, token="cursor")
    page, values = cut(list(range(5)), paging, {"cursor": encode_token(4)})
    assert page == [4] and values["next_token"] is None and values["has_more"] is False

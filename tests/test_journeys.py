"""A client's whole journey per vendor, over HTTP, as a client written for the real vendor makes it.

Read the credit, list voices and avatars (walking every page), pick the first, create a video, poll it
to completed, find it in the video list with its status, download its media, see the credit fall,
delete it and get the vendor's not-found. The same journey with no credit is refused at create.
Each journey is data (paths and where the answers carry things), so the walk itself is written once.
Every path is under its vendor's prefix (`/heygen`, `/joggai`): the base URL a client swaps in, since
HeyGen and JoggAI share some paths (`GET /v2/voices`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.paths import lookup

from .conftest import SCENARIOS, SPECS

MAX_PAGES = 50  # a walk that has not ended by then never will
MAX_POLLS = 40


@dataclass
class Paging:
    """How a list is walked: `token` (send back the answer's cursor) or `page` (count pages)."""

    style: str
    size: str
    items: str
    token: str = ""  # the query parameter carrying the cursor
    next: str = ""  # where the answer carries the next cursor


@dataclass
class Journey:
    name: str
    credit: tuple[str, str]  # (path, where the answer carries the balance)
    voices: tuple[str, Paging]
    avatars: tuple[str, Paging]
    create: tuple[str, Any]  # (path, body with {avatar} and {voice} holes)
    created_id: str
    status: str  # the status path, with {id}
    status_field: str
    media_field: str
    videos: tuple[str, Paging]
    video_id: str  # the id field of a listed video
    video_status: str  # the status field of a listed video
    delete: tuple[str, str] | None  # (method, path with {id}); None: the vendor documents no delete
    ok: dict[str, Any] = field(default_factory=dict)  # the vendor's success marker (JoggAI: code 0)
    not_found: dict[str, Any] = field(default_factory=dict)  # fields of the vendor's not-found body
    no_credit: dict[str, Any] = field(default_factory=dict)  # fields of its insufficient-credit body
    not_found_status: int = 404
    no_credit_status: int = 402


def _fill(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return values[template[1:-1]]
    return template


HEYGEN = Journey(
    name="heygen",
    credit=("/heygen/v2/user/remaining_quota", "data.remaining_quota"),
    voices=("/heygen/v2/voices", Paging("none", "", "data.voices")),
    avatars=("/heygen/v2/avatars", Paging("none", "", "data.avatars")),
    create=(
        "/heygen/v2/video/generate",
        {
            "video_inputs": [
                {
                    "character": {"type": "avatar", "avatar_id": "{avatar}"},
                    "voice": {"type": "text", "input_text": "Hello", "voice_id": "{voice}"},
                }
            ],
            "title": "journey",
        },
    ),
    created_id="data.video_id",
    status="/heygen/v1/video_status.get?video_id={id}",
    status_field="data.status",
    media_field="data.video_url",
    videos=("/heygen/v1/video.list", Paging("token", "limit", "data.videos", "token", "data.token")),
    video_id="video_id",
    video_status="status",
    delete=("DELETE", "/heygen/v1/video.delete?video_id={id}"),
    not_found={"code": 40104},
    no_credit={"code": 402},
)

HEYGEN_V3 = Journey(
    name="heygen_v3",
    credit=("/heygen/v3/users/me", "data.wallet.remaining_balance"),
    voices=("/heygen/v3/voices", Paging("token", "limit", "data", "token", "next_token")),
    avatars=("/heygen/v3/avatars/looks", Paging("token", "limit", "data", "token", "next_token")),
    create=(
        "/heygen/v3/videos",
        {"type": "avatar", "avatar_id": "{avatar}", "voice_id": "{voice}", "script": "Hi"},
    ),
    created_id="data.video_id",
    status="/heygen/v3/videos/{id}",
    status_field="data.status",
    media_field="data.video_url",
    videos=("/heygen/v3/videos", Paging("token", "limit", "data", "token", "next_token")),
    video_id="id",
    video_status="status",
    delete=("DELETE", "/heygen/v3/videos/{id}"),
    not_found={"error": {"code": "video_not_found"}},
    no_credit={"error": {"code": "insufficient_credit"}},
)

JOGGAI = Journey(
    name="joggai",
    credit=("/joggai/v2/user/remaining_quota", "data.remaining_quota"),
    voices=("/joggai/v2/voices", Paging("page", "page_size", "data.voices")),
    avatars=("/joggai/v2/avatars/public", Paging("page", "page_size", "data.avatars")),
    create=(
        "/joggai/v2/create_video_with_template",
        {
            "template_id": 149,
            "voice_language": "english",
            "variables": [{"type": "text", "name": "title", "properties": {"content": "Hi"}}],
            "avatar_id": "{avatar}",
            "voice_id": "{voice}",
        },
    ),
    created_id="data.video_id",
    status="/joggai/v2/template_video/{id}",
    status_field="data.status",
    media_field="data.data.url",
    videos=("/joggai/v2/template_videos", Paging("page", "page_size", "data.data")),
    video_id="video_id",
    video_status="status",
    delete=None,  # JoggAI's API reference documents no video delete (openapi-v2.yaml has none)
    ok={"code": 0},
    no_credit={"code": 18020},
    no_credit_status=200,
)

JOURNEYS = [HEYGEN, HEYGEN_V3, JOGGAI]


@pytest.fixture
def fake() -> Iterator[TestClient]:
    with TestClient(create_app(SPECS, SCENARIOS), base_url="http://fake") as c:
        yield c


def _get(client: TestClient, key: str, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params=params or None, headers={"x-api-key": key})  # {} would drop the query
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


def _walk(client: TestClient, key: str, path: str, paging: Paging, size: int = 1) -> list[Any]:
    """Every item of a list, one page at a time, until the vendor says there is no more."""
    items: list[Any] = []
    params: dict[str, Any] = {paging.size: size} if paging.size else {}
    if paging.style == "page":
        params["page"] = 1
    for _ in range(MAX_PAGES):
        body = _get(client, key, path, **params)
        page = lookup(body, paging.items) or []
        items.extend(page)
        if paging.style == "none":
            return items
        if paging.style == "page":
            if len(page) < size:
                return items
            params["page"] += 1
        else:
            cursor = lookup(body, paging.next)
            if not cursor:
                return items
            params[paging.token] = cursor
    raise AssertionError(f"{path}: still paging after {MAX_PAGES} pages")


def _contains(body: Any, want: dict[str, Any]) -> bool:
    if not isinstance(body, dict):
        return False
    for key, value in want.items():
        if isinstance(value, dict):
            if not _contains(body.get(key), value):
                return False
        elif body.get(key) != value:
            return False
    return True


def _first_id(item: dict[str, Any], *names: str) -> Any:
    return next(item[n] for n in names if n in item)


def _pick(fake: TestClient, key: str, journey: Journey) -> tuple[Any, Any]:
    """The first voice and avatar, after walking both catalogs page by page."""
    voices = _walk(fake, key, *journey.voices)
    avatars = _walk(fake, key, *journey.avatars)
    assert len(voices) >= 2 and len(avatars) >= 2, "the catalogs are walked page by page"
    assert len({repr(v) for v in voices}) == len(voices), "no item is served twice"
    return _first_id(voices[0], "voice_id", "id"), _first_id(avatars[0], "avatar_id", "id")


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.name for j in JOURNEYS])
def test_whole_journey(fake: TestClient, journey: Journey) -> None:
    key = f"journey-{journey.name}"
    credit_path, credit_field = journey.credit
    before = lookup(_get(fake, key, credit_path), credit_field)
    voice, avatar = _pick(fake, key, journey)

    path, template = journey.create
    created = fake.post(
        path, json=_fill(template, {"avatar": avatar, "voice": voice}), headers={"x-api-key": key}
    )
    assert created.status_code == 200 and _contains(created.json(), journey.ok), created.text
    video_id = lookup(created.json(), journey.created_id)
    assert video_id

    status_path = journey.status.format(id=video_id)
    for _ in range(MAX_POLLS):
        body = _get(fake, key, status_path)
        if lookup(body, journey.status_field) == "completed":
            break
    else:
        raise AssertionError(f"{status_path} never completed")
    media = fake.get(lookup(body, journey.media_field))
    assert media.status_code == 200 and media.content, "the finished video downloads from the fake"

    listed = _walk(fake, key, *journey.videos)
    mine = [v for v in listed if v.get(journey.video_id) == video_id]
    assert len(mine) == 1 and mine[0][journey.video_status] == "completed", listed
    after = lookup(_get(fake, key, credit_path), credit_field)
    assert after < before, "the render cost credit"

    if journey.delete is not None:
        method, delete_path = journey.delete
        gone = fake.request(method, delete_path.format(id=video_id), headers={"x-api-key": key})
        assert gone.status_code == 200, gone.text
        again = fake.get(status_path, headers={"x-api-key": key})
        assert again.status_code == journey.not_found_status and _contains(again.json(), journey.not_found)
        assert video_id not in [v.get(journey.video_id) for v in _walk(fake, key, *journey.videos)]


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.name for j in JOURNEYS])
def test_no_credit_refused_at_create(fake: TestClient, journey: Journey) -> None:
    key = f"broke-{journey.name}"
    account = "heygen" if journey.name.startswith("heygen") else journey.name
    assert fake.put(f"/__mock/accounts/{account}/{key}", json={"credit": 0}).status_code == 200
    path, template = journey.create
    voice, avatar = _pick(fake, key, journey)
    body = _fill(template, {"avatar": avatar, "voice": voice})
    refused = fake.post(path, json=body, headers={"x-api-key": key})
    assert refused.status_code == journey.no_credit_status and _contains(refused.json(), journey.no_credit)
    assert _walk(fake, key, *journey.videos) == [], "a refused create leaves no video"


def test_heygen_v3_refuses_an_unknown_avatar_or_voice_as_documented(fake: TestClient) -> None:
    """HeyGen v3 documents avatar_not_found and voice_not_found for a create naming what is not there;
    the fake checks both against its catalogs, spends nothing, and starts no job."""
    key = {"x-api-key": "refs-v3"}
    voice, avatar = _pick(fake, "refs-v3", HEYGEN_V3)
    before = _get(fake, "refs-v3", "/heygen/v3/users/me")["data"]["wallet"]["remaining_balance"]
    for body, code in [
        ({"type": "avatar", "avatar_id": "nobody", "voice_id": voice}, "avatar_not_found"),
        ({"type": "avatar", "avatar_id": avatar, "voice_id": "nothing"}, "voice_not_found"),
    ]:
        refused = fake.post("/heygen/v3/videos", json=body, headers=key)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == code, refused.text
    assert _get(fake, "refs-v3", "/heygen/v3/users/me")["data"]["wallet"]["remaining_balance"] == before
    assert _walk(fake, "refs-v3", *HEYGEN_V3.videos) == []
    accepted = fake.post("/heygen/v3/videos", json={"type": "avatar", "avatar_id": avatar}, headers=key)
    assert accepted.status_code == 200 and accepted.json()["data"]["status"] == "waiting"


def test_a_null_optional_reference_is_not_checked(fake: TestClient) -> None:
    """`voice_id: null` names no voice: accepted like any null optional field, not voice_not_found."""
    _, avatar = _pick(fake, "refs-null", HEYGEN_V3)
    body = {"type": "avatar", "avatar_id": avatar, "voice_id": None, "script": "Hi"}
    answer = fake.post("/heygen/v3/videos", json=body, headers={"x-api-key": "refs-null"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("journey", [HEYGEN_V3, JOGGAI], ids=["heygen_v3", "joggai"])
def test_a_finished_video_completes_after_it_was_created(fake: TestClient, journey: Journey) -> None:
    """completed_at is when the job ended: never the example's date, years before created_at."""
    key = f"stamps-{journey.name}"
    voice, avatar = _pick(fake, key, journey)
    path, template = journey.create
    made = fake.post(
        path, json=_fill(template, {"avatar": avatar, "voice": voice}), headers={"x-api-key": key}
    )
    status_path = journey.status.format(id=lookup(made.json(), journey.created_id))
    for _ in range(MAX_POLLS):
        data = _get(fake, key, status_path)["data"]
        if data["status"] == "completed":
            break
    assert data["completed_at"] >= data["created_at"], data


def test_v3_insufficient_credit_names_the_real_balance_and_cost(fake: TestClient) -> None:
    """HeyGen v3's documented message carries the numbers: the key's balance and the call's cost,
    not the documented example's (5 and 10)."""
    _, avatar = _pick(fake, "broke-v3", HEYGEN_V3)
    assert fake.put("/__mock/accounts/heygen/broke-v3", json={"credit": 0.5}).status_code == 200
    refused = fake.post(
        "/heygen/v3/videos", json={"type": "avatar", "avatar_id": avatar}, headers={"x-api-key": "broke-v3"}
    )
    assert refused.status_code == 402, refused.text
    assert (
        refused.json()["error"]["message"]
        == "Your account has 0.5 credits but this video requires 1 credits."
    )

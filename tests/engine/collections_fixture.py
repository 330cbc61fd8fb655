"""A small specs folder and profile for lists and collections: JoggAI's shipped specs plus one
supplement that declares a catalog, lists (token and page paging), add, update, trash, restore,
delete and an upload, and the create call recorded in the `videos` collection."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.spec.catalog import Catalog
from mockserver.spec.profile import PROFILE_DIR, Profiles

from ..conftest import SPECS

A = {"x-api-key": "key-a"}
B = {"x-api-key": "key-b"}
VOICES = [{"voice_id": f"v{i}", "language": "en" if i % 2 else "fr"} for i in range(7)]


def _op(example: Any, resource: dict[str, Any], body: bool = False, param: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {
        "x-mock-resource": resource,
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {"schema": {"type": "object"}, "examples": {"Ok": {"value": example}}}
                },
            }
        },
    }
    if body:
        op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    if param:
        op["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return op


def _envelope(data: Any) -> dict[str, Any]:
    return {"code": 0, "msg": "Success", "data": data}


FOLDER_ITEM = {
    "folder_id": "{id}",
    "name": "{request.name}",
    "trashed": "{trashed}",
    "created_at": "{created}",
}
FOLDER_ONE = {"collection": "folders", "item": FOLDER_ITEM, "at": "data"}
PATHS = {
    "/v2/voices": {
        "get": _op(
            _envelope({"voices": VOICES, "total": 7, "page": 1}),
            {
                "kind": "catalog",
                "items": "data.voices",
                "id": "voice_id",
                "filters": {"language": "language"},
                "paging": {
                    "style": "page",
                    "size": "page_size",
                    "default": 3,
                    "max": 5,
                    "page": "page",
                    "out": {"data.total": "total", "data.page": "page"},
                },
            },
        )
    },
    "/v2/videos": {
        "get": _op(
            _envelope({"videos": [], "next_cursor": None, "has_more": False}),
            {
                "kind": "list",
                "items": "data.videos",
                "collection": "videos",
                "item": {"id": "{id}", "name": "{request.video_name}", "status": "{status}"},
                "statuses": {"pending": "queued"},
                "paging": {
                    "style": "token",
                    "size": "limit",
                    "default": 2,
                    "max": 50,
                    "token": "cursor",
                    "out": {"data.next_cursor": "next_token", "data.has_more": "has_more"},
                },
            },
        )
    },
    "/v2/video/{id}": {
        "delete": _op(_envelope(None), {"kind": "delete", "collection": "videos"}, param=True)
    },
    "/v2/folders": {
        "get": _op(
            _envelope({"folders": [], "total": 0}),
            {
                "kind": "list",
                "items": "data.folders",
                "collection": "folders",
                "item": FOLDER_ITEM,
                "filters": {"is_trash": "trashed", "name": "request.name"},
                "paging": {"style": "page", "page": "page", "out": {"data.total": "total"}},
            },
        )
    },
    "/v2/folder": {"post": _op(_envelope({}), {"kind": "add", **FOLDER_ONE}, body=True)},
    **{
        f"/v2/folder/{{id}}/{kind}": {"post": _op(_envelope({}), {"kind": kind, **FOLDER_ONE}, True, True)}
        for kind in ("update", "trash", "restore")
    },
    "/v2/folder/{id}": {
        "delete": _op(_envelope(None), {"kind": "delete", "collection": "folders"}, param=True)
    },
    "/v2/upload/asset": {
        "post": _op(
            _envelope({}),
            {
                "kind": "add",
                "collection": "assets",
                "at": "data",
                "item": {"asset_id": "{id}", "sign_url": "{upload_url}", "asset_url": "{asset_url}"},
            },
            body=True,
        )
    },
}
SUPPLEMENT = {
    "openapi": "3.1.0",
    "info": {"title": "lists", "version": "1"},
    "servers": [{"url": "https://api.jogg.ai"}],
    "security": [{"key": []}],
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "x-api-key"}}},
    "paths": PATHS,
}
CREATE = {
    "avatar": {"avatar_type": 0, "avatar_id": 1},
    "voice": {"type": "script", "voice_id": "v1"},
    "aspect_ratio": "portrait",
    "screen_style": 1,
}


def make_folders(root: Path, supplement: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """(specs, profiles): JoggAI's specs with the supplement, and profiles whose video create call
    keeps its jobs in `videos`."""
    specs, profiles = root / "specs", root / "profiles"
    # the vendor files and the original supplement (the create calls and webhooks), not the shipped lists
    keep = {"create.yaml", "webhooks.yaml"}
    shutil.copytree(
        SPECS / "joggai",
        specs / "joggai",
        ignore=lambda folder, names: [n for n in names if folder.endswith("supplement") and n not in keep],
    )
    (specs / "joggai" / "supplement" / "lists.yaml").write_text(yaml.safe_dump(supplement or SUPPLEMENT))
    shutil.copytree(PROFILE_DIR, profiles)
    jogg = yaml.safe_load((profiles / "joggai.yaml").read_text())
    jogg["creates"]["joggai.post_create_video_from_avatar"]["collection"] = "videos"
    (profiles / "joggai.yaml").write_text(yaml.safe_dump(jogg))
    return specs, profiles


@pytest.fixture
def lists(tmp_path: Path) -> Iterator[TestClient]:
    """The fake on the fixture specs, virtual clock, over real HTTP."""
    specs, profiles = make_folders(tmp_path)
    catalog = Catalog(specs, Profiles(profiles))
    app = create_app(specs, None, catalog=catalog, clock="virtual")
    with TestClient(app, base_url="http://fake") as client:
        yield client


def create_video(client: TestClient, key: dict[str, str], name: str) -> str:
    answer = client.post("/v2/create_video_from_avatar", json={**CREATE, "video_name": name}, headers=key)
    assert answer.json()["code"] == 0, answer.text
    return str(answer.json()["data"]["video_id"])


def walk(client: TestClient, path: str, key: dict[str, str], limit: int = 2) -> list[dict[str, Any]]:
    """Every item of a token-paged list, page by page; bounded, so a cursor loop fails the test."""
    seen: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(100):
        data = client.get(path, params={"limit": limit, "cursor": cursor}, headers=key).json()["data"]
        seen += data["videos"]
        assert data["has_more"] == (data["next_cursor"] is not None)
        if data["next_cursor"] is None:
            return seen
        cursor = data["next_cursor"]
    raise AssertionError("the cursor never ran out")

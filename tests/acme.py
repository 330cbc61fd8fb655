"""A small vendor written for the account tests: a balance operation, an avatar catalog, and a
create call with a cost and a ref, under its own profile picked by `x-mock-profile`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from mockserver.spec.catalog import Catalog
from mockserver.spec.profile import PROFILE_DIR, Profiles

ERRORS = {
    "unauthorized": {"status": 401, "body": {"error": {"code": "unauthorized", "message": "Unauthorized"}}},
    "not_found": {"status": 404, "body": {"error": {"code": "not_found", "message": "Not found"}}},
    "invalid_parameter": {
        "status": 400,
        "body": {"error": {"code": "invalid_parameter", "message": "{detail}"}},
    },
    "insufficient_credit": {
        "status": 402,
        "body": {"error": {"code": "insufficient_credit", "message": "You have {credit}, it costs {cost}"}},
        "defaults": {"credit": 5, "cost": 10},
    },
    "no_permission": {"status": 403, "body": {"error": {"code": "forbidden", "message": "No"}}},
    "rate_limited": {"status": 429, "body": {"error": {"code": "rate_limited", "message": "Slow down"}}},
    "server_error": {"status": 500, "body": {"error": {"code": "internal", "message": "Oops"}}},
    "avatar_not_found": {
        "status": 404,
        "body": {"error": {"code": "avatar_not_found", "message": "No avatar"}},
    },
}


def profile(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "vendor": "acme",
        "hosts": [],
        "auth_header": "x-api-key",
        "id_fields": ["data.id"],
        "status_field": "data.status",
        "statuses": {"progress": ["processing"], "success": ["completed"], "failure": ["failed"]},
        "error_schema": {"type": "object"},
        "errors": ERRORS,
        "creates": {
            "acme.post_videos": {
                "status": "acme.videos",
                "cost": 2,
                "refs": {"inputs.avatar_id": {"catalog": "acme.avatars", "error": "avatar_not_found"}},
            }
        },
        "account": {"name": "acme", "credit": 5, "inferred": ["credit"]},
    }
    data.update(changes)
    return data


def _ok(example: Any, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {
        "application/json": {"schema": schema or {"type": "object"}, "examples": {"Ok": {"value": example}}}
    }
    return {"200": {"description": "ok", "content": content}}


def spec(**top: Any) -> dict[str, Any]:
    video = {"data": {"id": "v1", "status": "processing"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "acme", "version": "1"},
        "x-mock-profile": "acme",
        **top,
        "paths": {
            "/v1/quota": {
                "get": {
                    "x-mock-resource": {"kind": "account", "fields": {"data.seconds": 60, "data.credits": 1}},
                    "responses": _ok({"data": {"seconds": 600, "credits": 10.0, "plan": "pro"}}),
                }
            },
            "/v1/avatars": {
                "get": {
                    "x-mock-resource": {"kind": "catalog", "items": "data.avatars", "id": "avatar_id"},
                    "responses": _ok({"data": {"avatars": [{"avatar_id": "anna"}, {"avatar_id": "bob"}]}}),
                }
            },
            "/v1/videos": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": _ok(video),
                }
            },
            "/v1/videos/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": _ok({"data": {"id": "v1", "status": "completed"}}),
                }
            },
        },
    }


def write(
    tmp: Path, the_profile: dict[str, Any] | None = None, the_spec: dict[str, Any] | None = None
) -> Path:
    """The specs folder and a profiles folder (generic plus acme) under tmp; returns tmp."""
    (tmp / "specs").mkdir(exist_ok=True)
    (tmp / "profiles").mkdir(exist_ok=True)
    shutil.copy(PROFILE_DIR / "generic.yaml", tmp / "profiles" / "generic.yaml")
    (tmp / "profiles" / "acme.yaml").write_text(yaml.safe_dump(the_profile or profile()))
    (tmp / "specs" / "acme.yaml").write_text(yaml.safe_dump(the_spec or spec(), sort_keys=False))
    return tmp


def catalog(tmp: Path, **kw: Any) -> Catalog:
    write(tmp, **kw)
    return Catalog(tmp / "specs", Profiles(tmp / "profiles"))

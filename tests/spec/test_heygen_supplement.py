"""The HeyGen v1/v2 supplement specs: they load under the names clients' tests use, their examples
fit their own schemas, and every GET is served with a body its effective 200 schema accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from mockserver.spec.catalog import Catalog
from mockserver.spec.paths import lookup
from mockserver.spec.schema_view import normalize_31

from ..conftest import run_cli

SUPPLEMENT = Path(__file__).resolve().parents[2] / "specs" / "heygen" / "supplement"
NEW = {  # operation name -> x-mock-resource kind (None: served as a plain example / timeline)
    "heygen.user_remaining_quota": "account",
    "heygen.user_me": "account",
    "heygen.voices": "catalog",
    "heygen.avatars": "catalog",
    "heygen.avatar_group_list": "catalog",
    "heygen.avatar_group_avatars": "catalog",
    "heygen.avatar_details": None,
    "heygen.templates": "catalog",
    "heygen.template": None,
    "heygen.template_2": None,
    "heygen.post_template_generate": None,
    "heygen.post_video_av4_generate": None,
    "heygen.video_list": "list",
    "heygen.delete_video_delete": "delete",
    "heygen.post_asset": "add",
    "heygen.asset_list": "list",
    "heygen.delete_asset": "delete",
    "heygen.folders": "list",
    "heygen.post_folders_create": "add",
    "heygen.post_folders": "update",
    "heygen.post_folders_trash": "trash",
    "heygen.post_folders_restore": "restore",
}
IDS = {"group_id": "g1", "avatar_id": "josh_lite3_20230714", "template_id": "t1"}


def _first_200(catalog: Catalog, name: str) -> tuple[str, Any]:
    ex = next(e for e in catalog.examples[name].values() if e.status_code == 200 and not e.derived)
    return ex.name, ex.body


def test_every_new_operation_loads_with_its_kind(catalog: Catalog):
    found = {n: catalog.operations[n] for n in NEW if n in catalog.operations}
    assert sorted(found) == sorted(NEW)
    for name, op in found.items():
        assert op.spec.path.parent == SUPPLEMENT, name
        assert op.profile.vendor == "heygen", name
        assert (op.raw.get("x-mock-resource") or {}).get("kind") == NEW[name], name
        assert "Source" in op.raw["description"] or "INFERRED" in op.raw["description"], name


@pytest.mark.parametrize("name", sorted(NEW))
def test_example_fits_its_own_200_schema(catalog: Catalog, name: str):
    op = catalog.operations[name]
    schema = op.spec.resolver.inline(f"{op.pointer}/responses/200/content/application~1json/schema")
    _, body = _first_200(catalog, name)
    validator = jsonschema_rs.validator_for(normalize_31(schema))
    assert [e.message for e in validator.iter_errors(body)] == []
    resource = op.raw.get("x-mock-resource") or {}
    if "example" in resource:
        assert resource["example"] in catalog.examples[name]
    if "items" in resource:  # the array the engine walks sits where the resource says
        items = lookup(_first_200(catalog, name)[1], resource["items"])
        assert isinstance(items, list) and items
        if resource["kind"] == "catalog":
            assert all(resource["id"] in item for item in items)
            assert len(items) >= 2


def test_voice_and_avatar_catalogs_can_be_paged(catalog: Catalog):
    for name, at in (("heygen.voices", "data.voices"), ("heygen.avatars", "data.avatars")):
        assert len(lookup(_first_200(catalog, name)[1], at)) >= 2


def test_create_calls_are_in_the_profile(catalog: Catalog):
    creates = catalog.operations["heygen.post_video_generate"].profile.creates
    for name in ("heygen.post_template_generate", "heygen.post_video_av4_generate"):
        assert creates[name].status == "heygen.video_status"
    assert "upload.heygen.com" in catalog.operations["heygen.post_asset"].profile.hosts


def test_lint_accepts_the_shipped_specs():
    done = run_cli("lint", "--specs", str(SUPPLEMENT.parents[1]))
    assert done.returncode == 0, done.stderr
    assert "specs/heygen/supplement/folders.yaml" in done.stdout  # lint read the new files


def _served_gets(catalog: Catalog) -> list[str]:
    return sorted(n for n in NEW if catalog.operations[n].method == "get")


def test_every_new_get_is_served_as_its_effective_spec_says(client: TestClient, catalog: Catalog):
    effective = client.get("/__mock/openapi.json").json()
    for name in _served_gets(catalog):
        op = catalog.operations[name]
        path = op.route.format(**{k: v for k, v in IDS.items() if "{" + k + "}" in op.route})
        answer = client.get(path, headers={"x-api-key": "k1"})
        assert answer.status_code == 200, (name, answer.text)
        assert answer.headers["x-mock-operation"] == name
        schema = effective["paths"][op.route]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        validator = jsonschema_rs.validator_for(normalize_31(schema))
        assert [e.message for e in validator.iter_errors(answer.json())] == [], name


def test_template_and_av4_videos_are_polled_on_video_status(client: TestClient):
    key = {"x-api-key": "k1"}
    made = [
        client.post("/v2/template/t1/generate", json={"variables": {}}, headers=key),
        client.post(
            "/v2/video/av4/generate",
            json={"image_key": "image/a/original", "script": "Hi", "voice_id": "v"},
            headers=key,
        ),
    ]
    for answer in made:
        assert answer.status_code == 200, answer.text
        video_id = answer.json()["data"]["video_id"]
        status = client.get("/v1/video_status.get", params={"video_id": video_id}, headers=key)
        assert status.status_code == 200
        assert status.json()["data"]["id"] == video_id


def test_the_upload_takes_raw_bytes(client: TestClient):
    answer = client.post(
        "/v1/asset", content=b"\xff\xd8\xff\xe0", headers={"x-api-key": "k1", "content-type": "image/jpeg"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["code"] == 100
    assert answer.json()["data"]["id"]


def test_the_upload_refuses_an_undeclared_type_or_no_bytes(client: TestClient):
    # the Content-Type is the raw body's only schema: a type the spec lists not, or no file, is refused
    key = {"x-api-key": "k1"}
    for content, kind in ((b"{}", "application/json"), (b"", "image/jpeg"), (b"GIF89a", "image/gif")):
        answer = client.post("/v1/asset", content=content, headers=key | {"content-type": kind})
        assert answer.status_code == 400, (kind, answer.text)
        assert answer.json()["code"] == 400
    assert client.get("/v1/asset/list", headers=key).json()["data"]["assets"] == []

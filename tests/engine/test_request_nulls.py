"""Requests as the vendor accepts them: `null` for any optional field of a create call, at any depth.

Every create operation of the loaded catalog is covered (operations added later too): a body with
its required fields filled from the schema and `null` for every optional one is accepted with a job
id, and journaled as `tolerated`; the same body without any one required field gets the vendor's
invalid_parameter error.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.engine import create_checks
from mockserver.spec.catalog import Catalog
from mockserver.spec.paths import lookup
from mockserver.spec.schema_view import normalize_31

from ..conftest import KEY, SCENARIOS, SPECS

CATALOG = Catalog(SPECS)
CREATES = sorted(
    name for name, op in CATALOG.operations.items() if name in op.profile.creates and "requestBody" in op.raw
)
SCALARS = {"string": "mockserver", "integer": 1, "number": 1.5, "boolean": True}


def body_for(op, deep: bool) -> Any:
    """`fill`, with each field the vendor checks against a catalog (`refs`) naming a real item."""
    body = fill(published_schema(op), deep)
    for ref in op.profile.creates[op.name].refs:
        known = sorted(create_checks.catalog_ids(CATALOG, ref.catalog))
        head, _, last = ref.path.rpartition(".")
        parent = lookup(body, head) if head else body
        if isinstance(parent, dict) and last in parent:
            parent[last] = known[0]
    return body


def published_schema(op) -> dict[str, Any]:
    ptr = f"{op.pointer}/requestBody/content/application~1json/schema"
    return normalize_31(op.spec.resolver.inline(ptr))


def fill(schema: dict[str, Any], deep: bool) -> Any:
    """Required fields filled; optional ones `null` (deep: optional objects and arrays filled too,
    so the optional fields inside them are the nulls)."""
    if "example" in schema:
        return schema["example"]
    if "const" in schema:
        return schema["const"]
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:  # a union (HeyGen v3's video types): the first branch, with what the union shares
        return fill({**{k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}, **branches[0]}, deep)
    if schema.get("enum"):
        return next(v for v in schema["enum"] if v is not None)
    kinds = schema.get("type", "object")
    kind = next(k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null")
    if kind == "object":
        required = set(schema.get("required") or [])
        out = {}
        for name, sub in (schema.get("properties") or {}).items():
            container = sub.get("type") in ("object", "array") and bool(
                sub.get("properties") or sub.get("items")
            )
            out[name] = fill(sub, deep) if name in required or (deep and container) else None
        return out
    if kind == "array":
        return [fill(schema.get("items") or {"type": "string"}, deep)]
    return SCALARS[kind]


def required_paths(schema: dict[str, Any], body: Any, at: tuple = ()) -> list[tuple]:
    """The place of every required field in `body`, at every depth."""
    out: list[tuple] = []
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:  # the branch `fill` took
        schema = {**{k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}, **branches[0]}
    if isinstance(body, dict):
        for name in schema.get("required") or []:
            out.append((*at, name))
        for name, sub in (schema.get("properties") or {}).items():
            if body.get(name) is not None:
                out += required_paths(sub, body[name], (*at, name))
    elif isinstance(body, list) and body:
        out += required_paths(schema.get("items") or {}, body[0], (*at, 0))
    return out


def without(body: Any, place: tuple) -> Any:
    body = copy.deepcopy(body)
    node = body
    for key in place[:-1]:
        node = node[key]
    del node[place[-1]]
    return body


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(SPECS, SCENARIOS, catalog=CATALOG), base_url="http://fake") as c:
        yield c


def test_every_create_call_is_covered():
    assert {"heygen.post_video_generate", "joggai.post_create_video_from_avatar"} <= set(CREATES)


@pytest.mark.parametrize("deep", [False, True], ids=["top", "deep"])
@pytest.mark.parametrize("name", CREATES)
def test_null_optional_fields_are_accepted(client, name, deep):
    op = CATALOG.operations[name]
    body = body_for(op, deep)
    nulls = sum(1 for v in _leaves(body) if v is None)  # 0 for a call with no optional field
    client.delete("/__mock/violations")
    r = client.post(op.path, json=body, headers=KEY)
    assert r.status_code == 200, r.text
    answer = r.json()
    ids = [lookup(answer, f) for f in op.profile.id_fields]
    assert any(isinstance(i, str) and i for i in ids), answer
    tolerated = [v for v in client.get("/__mock/violations").json() if v["operation"] == name]
    union = "oneOf" in published_schema(op) or "anyOf" in published_schema(op)
    # one per null; a union (HeyGen v3) refuses its body as a whole, so its nulls are journaled as one
    assert len(tolerated) == (min(nulls, 1) if union else nulls), tolerated
    assert all(v["kind"] == "tolerated" for v in tolerated), tolerated
    assert all("null" in v["message"] for v in tolerated)


def test_some_create_call_sends_nulls_at_depth():
    op = CATALOG.operations["heygen.post_video_generate"]
    body = fill(published_schema(op), deep=True)
    assert body["video_inputs"][0]["voice"]["voice_id"] is None and body["dimension"]["width"] is None


@pytest.mark.parametrize("name", CREATES)
def test_a_missing_required_field_is_the_vendors_invalid_parameter(client, name):
    op = CATALOG.operations[name]
    schema = published_schema(op)
    body = body_for(op, deep=True)
    err = op.profile.errors["invalid_parameter"]
    places = required_paths(schema, body)
    assert places
    for place in places:
        r = client.post(op.path, json=without(body, place), headers=KEY)
        assert r.status_code == err.status, (place, r.text)
        assert _code(r.json()) == _code(err.body), (place, r.text)


def _code(body: Any) -> Any:
    """The vendor's error code: `code` (HeyGen v1/v2, JoggAI) or `error.code` (HeyGen v3)."""
    return body.get("code", (body.get("error") or {}).get("code"))


def test_a_wrong_type_is_still_refused(client):
    op = CATALOG.operations["heygen.post_video_generate"]
    body = fill(published_schema(op), deep=False)
    body["title"] = 5
    r = client.post(op.path, json=body, headers=KEY)
    assert r.status_code == 400 and r.json()["code"] == 400, r.text


def test_strict_still_accepts_a_null_optional_field():
    op = CATALOG.operations["joggai.post_create_video_from_avatar"]
    app = create_app(SPECS, SCENARIOS, catalog=CATALOG, strict=True)
    with TestClient(app, base_url="http://fake") as c:
        r = c.post(op.path, json=fill(published_schema(op), deep=True), headers=KEY)
    assert r.status_code == 200 and r.json()["code"] == 0, r.text


def test_the_effective_spec_lets_optional_request_fields_be_null():
    body = CATALOG.request_schema(CATALOG.operations["heygen.post_video_generate"])
    assert "null" in body["properties"]["title"]["type"]
    assert "null" not in body["properties"]["video_inputs"]["type"]  # required stays as published
    voice = body["properties"]["video_inputs"]["items"]["properties"]["voice"]
    assert (
        "null" in voice["properties"]["voice_id"]["type"]
        and "null" not in voice["properties"]["type"]["type"]
    )


def test_the_lint_says_where_the_request_schema_is_stricter():
    found = [f for f in CATALOG.findings if f.kind == "request-null-refused"]
    assert any(f.pointer.endswith("/properties/title") for f in found)
    assert all(f.repair.startswith("type also allows null") for f in found)


def _leaves(value: Any):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value

"""`Prefer: code=N` serves every response the effective spec documents, for every operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from mockserver import create_app

from ..conftest import KEY, SCENARIOS, SPECS


@pytest.fixture(params=[False, True], ids=["default", "http-errors"])
def walker(request, catalog) -> Iterator[tuple[TestClient, bool]]:
    app = create_app(SPECS, SCENARIOS, catalog=catalog, http_errors=request.param)
    with TestClient(app, base_url="http://fake") as c:
        yield c, request.param


def _call(c: TestClient, path: str, method: str, op: dict[str, Any], code: str) -> Any:
    params = op.get("parameters") or []
    for p in params:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", "walk1")
    query = {p["name"]: "walk1" for p in params if p["in"] == "query" and p.get("required")}
    return c.request(method, path, params=query, headers={**KEY, "Prefer": f"code={code}"})


def test_every_documented_code_of_every_operation_is_served(walker, catalog):
    c, http_errors = walker
    spec = c.get("/__mock/openapi.json").json()
    walked = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            name = op["operationId"]
            profile = catalog.operations[name].profile
            for code, response in op["responses"].items():
                r = _call(c, path, method, op, code)
                err = profile.error_for_status(int(code), http_errors)
                # JoggAI's errors come as HTTP 200 by default (the code in the body), as the vendor does
                want = err.status_for(http_errors) if err is not None and code != "200" else int(code)
                assert r.status_code == want, (name, code, r.text)
                schema = response["content"]["application/json"]["schema"]
                errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(r.json())]
                assert errors == [], (name, code, r.json())
                walked += 1
    assert walked > 100  # every operation, every code: none skipped


def test_prefer_424_on_video_status_is_heygens_envelope(client):
    r = client.get("/v1/video_status.get", params={"video_id": "v"}, headers={**KEY, "Prefer": "code=424"})
    assert r.status_code == 424
    assert r.json() == {"code": 424, "message": "Invalid parameters entered."}
    assert r.headers["x-mock-derived"] == "true"


def test_prefer_on_a_create_starts_no_job(client):
    r = client.post("/v2/video/generate", json={}, headers={**KEY, "Prefer": "code=402"})
    assert r.status_code == 402
    assert r.json() == {"code": 402, "message": "Insufficient credit"}
    assert client.get("/__mock/health").json()["timelines"] == 0

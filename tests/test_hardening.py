"""The fake never breaks the build it is in: fuzzing, hostile requests, exposure."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.kit.contract import ContractRun, Target
from mockserver.server.admin import admin_document

from .conftest import KEY, SCENARIOS, SPECS, run_cli


def fuzz(document, app, max_examples: int) -> ContractRun:
    """Every schemathesis check (the coverage phase's included), positive and negative data."""
    run = ContractRun(document, Target(app=app, api_key=KEY["x-api-key"]), max_examples=max_examples)
    run.run()
    return run


@pytest.mark.parametrize("clock", ["virtual", "real"])
def test_fuzz_admin_routes_every_check(catalog, clock):
    """The admin spec says exactly what the admin API enforces: no check fails, either clock."""
    app = create_app(SPECS, None, catalog=catalog, clock=clock)
    run = fuzz(admin_document(), app, max_examples=15)
    assert [f.line() for f in run.failures] == []
    assert run.cases >= 500, run.cases


def test_fuzz_vendor_routes_every_check(catalog):
    """With a key list and HTTP errors, so ignored_auth and negative_data_rejection can hold:
    well over 1,000 cases, zero failures of any check."""
    app = create_app(
        SPECS, None, catalog=catalog, clock="virtual", api_keys=[KEY["x-api-key"]], http_errors=True
    )
    run = fuzz(catalog.effective, app, max_examples=60)
    assert [f.line() for f in run.failures] == []
    assert run.cases >= 1000, run.cases


HOSTILE_IDS = ["ünïcødé-✓", "..%2F..%2Fetc%2Fpasswd", "a%00b", "x" * 10_000, "%F0%9F%92%A9", "%ZZ"]


@pytest.mark.parametrize("rid", HOSTILE_IDS)
def test_hostile_ids(client, rid):
    for path in (f"/v2/avatar_video/{rid}", f"/v2/video_avatar/{rid}"):
        r = client.get(path, headers=KEY)
        assert r.status_code in (200, 404), r.text[:200]
        assert r.headers["content-type"] == "application/json"
        r.json()
    r = client.get("/v1/video_status.get", params={"video_id": rid}, headers=KEY)
    assert r.status_code == 200
    assert r.json()["data"]["id"] == rid


def test_huge_query_and_headers(client):
    r = client.get(
        "/v1/video_status.get",
        params={"video_id": "v", **{f"p{i}": "y" * 100 for i in range(500)}},
        headers=KEY,
    )
    assert r.status_code == 200
    r = client.get("/v1/video_status.get", params={"video_id": "v"}, headers={**KEY, "x-big": "z" * 60_000})
    assert r.status_code == 200


def test_repeated_parameters_take_the_last(client):
    r = client.get("/v1/video_status.get?video_id=a&video_id=b", headers=KEY)
    assert r.status_code == 200
    assert r.json()["data"]["id"] == "b"


def test_wrong_methods_and_bodies_on_get(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = client.request(method, "/v2/avatar_video/x", headers=KEY)
        assert r.status_code == 405
        assert r.headers["content-type"] == "application/json"
    r = client.request("GET", "/v2/avatar_video/x", headers=KEY, content=b"{garbage")
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/__mock/reset"),
        ("PUT", "/__mock/bindings/heygen.video_status/x"),
        ("POST", "/__mock/clock/advance"),
        ("PUT", "/__mock/scenarios/x"),
    ],
)
@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"', b"null"])
def test_invalid_json_to_admin(virtual_client, method, path, body):
    r = virtual_client.request(method, path, content=body)
    assert r.status_code == 400, (r.status_code, r.text)
    assert "error" in r.json()


def test_admin_spec_served(client):
    spec = client.get("/__mock/admin/openapi.json").json()
    assert spec["info"]["title"] == "mockserver admin API"
    assert "/__mock/clock/advance" in spec["paths"]
    # the scenario body is the scenario files' own schema, less the name the path gives
    body = spec["components"]["schemas"]["Scenario_scenario"]
    assert body["required"] == ["operation"] and "steps" in body["properties"]
    assert spec["components"]["schemas"]["Scenario_step"]["additionalProperties"] is False


def test_admin_token_required_when_set(catalog):
    with TestClient(create_app(SPECS, SCENARIOS, catalog=catalog, admin_token="s3cret")) as c:
        assert c.get("/__mock/health").status_code == 401
        assert c.get("/__mock/health", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/__mock/health", headers={"authorization": "Bearer s3cret"}).status_code == 200
        # vendor routes are not behind the admin token
        assert c.get("/v2/avatar_video/x", headers=KEY).status_code == 200


def test_non_loopback_needs_a_token():
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2
    assert "admin API would be open" in result.stderr
    assert "--admin-token" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

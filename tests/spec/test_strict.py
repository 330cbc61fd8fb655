"""The two effective specs: the tolerant one keeps only types some body sends; the strict one
requires what every documented body of a status carries and closes status enums."""

from __future__ import annotations

import copy
import json

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from mockserver import create_app

from ..conftest import KEY, SPECS, run_cli


def schema(document, path, code="200"):
    op = next(iter(document["paths"][path].values()))
    return op["responses"][code]["content"]["application/json"]["schema"]


def completed(catalog):
    return copy.deepcopy(catalog.examples["heygen.video_status"]["Completed"].body)


def test_the_tolerant_spec_drops_string_types_no_vendor_sends(catalog):
    status = schema(catalog.effective, "/v1/video_status.get")
    assert status["properties"]["code"]["type"] == ["integer"]
    assert sorted(status["properties"]["data"]["properties"]["error"]["type"]) == ["null", "object"]
    created = schema(catalog.effective, "/v2/video/generate")
    assert created["properties"]["error"]["type"] == ["null", "object"]  # HeyGen v2: object or null


@pytest.mark.parametrize(
    "breaks",
    [
        lambda b: b["data"].pop("status"),
        lambda b: b.clear(),
        lambda b: b.update(code="100"),
        lambda b: b["data"].update(status="exploded"),  # the status enum is closed
        lambda b: b["data"].pop("video_url"),  # every completed example carries it
    ],
    ids=["no-status", "empty", "code-text", "odd-status", "no-url"],
)
def test_the_strict_spec_refuses_what_a_client_may_not_meet(catalog, breaks):
    strict = jsonschema_rs.validator_for(schema(catalog.strict, "/v1/video_status.get"))
    body = completed(catalog)
    assert strict.is_valid(body)
    breaks(body)
    assert not strict.is_valid(body)


def test_a_status_only_some_bodies_carry_is_required_only_with_that_status(catalog):
    """created_at is in the Completed example only: a processing body may leave it out."""
    strict = jsonschema_rs.validator_for(schema(catalog.strict, "/v1/video_status.get"))
    processing = copy.deepcopy(catalog.examples["heygen.video_status"]["Processing"].body)
    assert "created_at" not in processing["data"] and strict.is_valid(processing)
    body = completed(catalog)
    del body["data"]["created_at"]
    assert not strict.is_valid(body)


def test_joggai_business_errors_in_a_200_stay_valid(catalog):
    strict = jsonschema_rs.validator_for(schema(catalog.strict, "/v2/avatar_video/{id}"))
    assert strict.is_valid({"code": 10104, "msg": "Record not found", "data": None})
    assert not strict.is_valid({"code": 0, "msg": "Success", "data": {"video_id": "v"}})  # no status


def test_served_at_openapi_json_strict(catalog):
    with TestClient(create_app(SPECS, catalog=catalog), base_url="http://fake") as c:
        assert c.get("/__mock/openapi.json").json() == json.loads(json.dumps(catalog.effective))
        assert c.get("/__mock/openapi.json?strict=1").json() == json.loads(json.dumps(catalog.strict))
        assert c.get("/__mock/openapi.json?strict=0").json()["info"]["title"] == "mockserver effective spec"
        bad = c.get("/__mock/openapi.json?strict=yes", headers=KEY)
    assert bad.status_code == 400 and "strict must be 1" in bad.json()["error"]


def test_cli_prints_the_strict_spec():
    done = run_cli("spec", "--effective", "--strict")
    assert done.returncode == 0 and json.loads(done.stdout)["info"]["title"] == "mockserver strict spec"
    refused = run_cli("spec", "--published", "--strict")
    assert refused.returncode == 2 and "drop --published" in refused.stderr

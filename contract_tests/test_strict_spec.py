"""Both effective specs hold every body the fake serves: the tolerant one and the strict one.

Every documented or derived example of every polled operation (asked for with `Prefer: example=`),
every default timeline polled to its end, and every create call's answer validate against the
response schema of both documents; a fake that drops a field every example carries fails the strict one.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from mockserver.kit.contract import ContractRun, Target
from mockserver.spec.catalog import Catalog
from mockserver.spec.paths import lookup
from tests.engine.test_request_nulls import body_for

from .conftest import KEY, ROOT, contract_app

MAX_POLLS = 60  # a default timeline ends in a few polls per state; this bounds a broken one


def validators(document: dict[str, Any], op, status: int):
    responses = document["paths"][op.route][op.method]["responses"]
    response = responses.get(str(status)) or responses.get("default") or {}
    schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
    assert schema is not None, f"{op.name} documents no body for HTTP {status}"
    return jsonschema_rs.validator_for(schema)


def problems(catalog: Catalog, op, response) -> list[str]:
    out = []
    for label, document in (("effective", catalog.effective), ("strict", catalog.strict)):
        v = validators(document, op, response.status_code)
        out += [
            f"{label} {op.name} {response.status_code}: {e.message}" for e in v.iter_errors(response.json())
        ]
    return out


def url(op, rid: str) -> str:
    p = op.id_parameter
    if p.location == "path":
        return op.path.replace("{" + p.name + "}", rid)
    return f"{op.path}?{p.name}={rid}"


def polled(catalog: Catalog) -> list:
    return [op for op in catalog.operations.values() if op.polled and op.id_parameter is not None]


@pytest.fixture(scope="module", params=[True, False], ids=["faithful", "http-errors"])
def fake(request):
    app = contract_app(faithful=request.param)
    with TestClient(app, base_url="http://fake") as client:
        yield app.state.fake.catalog, client


def test_every_example_validates_against_both(fake):
    catalog, client = fake
    found, seen = [], 0
    for op in polled(catalog):
        for i, name in enumerate(catalog.examples[op.name]):
            r = client.get(url(op, f"ex{i}"), headers={"x-api-key": KEY, "prefer": f"example={name}"})
            assert r.headers.get("x-mock-example", name) == name
            found += problems(catalog, op, r)
            seen += 1
    assert found == []
    assert seen >= sum(len(catalog.examples[op.name]) for op in polled(catalog)) > 10


def test_default_timelines_validate_to_the_end(fake):
    catalog, client = fake
    found, ends = [], 0
    for op in polled(catalog):
        # a resource got by id (an avatar's details, a template) has no job status: one answer is all
        jobless = not any(
            lookup(ex.body, op.profile.status_field) for ex in catalog.examples[op.name].values()
        )
        for _ in range(MAX_POLLS):
            r = client.get(url(op, "walk"), headers={"x-api-key": KEY})
            found += problems(catalog, op, r)
            status = (r.json().get("data") or {}).get("status") if isinstance(r.json(), dict) else None
            if jobless or op.profile.status_class(status) in ("success", "failure"):
                ends += 1
                break
    assert found == []
    assert ends == len(polled(catalog))


def test_every_create_answer_validates_against_both(fake):
    catalog, client = fake
    found = []
    creates = [op for op in catalog.operations.values() if op.name in op.profile.creates]
    for op in creates:
        r = client.post(op.path, json=body_for(op, deep=False), headers={"x-api-key": KEY})
        assert r.status_code == 200, r.text
        found += problems(catalog, op, r)
        r = client.post(op.path, json={}, headers={"x-api-key": KEY})  # the vendor's refusal
        found += problems(catalog, op, r)
    assert creates and found == []


def test_strict_check_catches_an_example_without_its_status():
    """A fake whose Waiting example lost `data.status` passes the tolerant spec, not the strict one."""
    catalog = Catalog(ROOT / "specs")
    del catalog.examples["heygen.video_status"]["Waiting"].body["data"]["status"]
    app = contract_app(faithful=False, catalog=catalog)
    with TestClient(app, base_url="http://fake") as client:
        op = catalog.operations["heygen.video_status"]
        r = client.get(url(op, "x"), headers={"x-api-key": KEY, "prefer": "example=Waiting"})
    assert "status" not in r.json()["data"]
    assert validators(catalog.effective, op, 200).is_valid(r.json())
    assert not validators(catalog.strict, op, 200).is_valid(r.json())


def test_the_fake_passes_schemathesis_against_the_strict_spec():
    """What `mockserver check --strict` runs: every default check, every operation, default timelines."""
    app = contract_app(faithful=False)
    catalog = app.state.fake.catalog
    run = ContractRun(catalog.strict, Target(app=app, api_key=KEY), max_examples=3)
    assert [f.line() for f in run.run()] == []
    assert run.cases >= len(catalog.operations)

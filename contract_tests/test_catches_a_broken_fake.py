"""The suites are worth something only if they fail on a broken fake: break one on purpose."""

from __future__ import annotations

from schemathesis.generation.modes import GenerationMode

from mockserver.kit.contract import ContractRun, Target
from mockserver.spec.catalog import Catalog

from .conftest import KEY, ROOT, contract_app, scenarios_by_operation


def run_on(app) -> list:
    mock = app.state.fake
    return ContractRun(
        mock.catalog.effective,
        Target(app=app, api_key=KEY),
        max_examples=3,
        scenarios=scenarios_by_operation(mock),
        modes=(GenerationMode.POSITIVE,),  # bodies come from valid requests
    ).run()


def test_broken_body_is_caught():
    catalog = Catalog(ROOT / "specs")
    catalog.examples["heygen.video_status"]["Completed"].body["data"]["duration"] = "six seconds"
    failures = run_on(contract_app(faithful=False, catalog=catalog))
    paths = {
        (f.operation, "/".join(f.schema_path)) for f in failures if f.check == "response_schema_conformance"
    }
    assert ("heygen.video_status", "properties/data/properties/duration/type") in paths


def test_broken_envelope_is_caught():
    catalog = Catalog(ROOT / "specs")
    catalog.operations["joggai.avatar_video"].profile.errors["not_found"].body = {
        "code": "10104",
        "msg": None,
    }
    try:
        failures = run_on(contract_app(faithful=False, catalog=catalog))
    finally:
        catalog.operations["joggai.avatar_video"].profile.errors["not_found"].body = {
            "code": 10104,
            "msg": "Record not found",
            "data": None,
        }
    bad = {f.operation for f in failures if f.check == "response_schema_conformance" and f.status == 404}
    assert "joggai.avatar_video" in bad


def test_broken_auth_is_caught():
    """A fake that accepts any key while a key list is configured fails ignored_auth."""
    app = contract_app(faithful=False)
    for validator in app.state.fake.validators.values():
        validator.api_keys = None
    failures = run_on(app)
    assert any(f.check == "ignored_auth" for f in failures)

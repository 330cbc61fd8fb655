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


class WithoutAllow:
    """The fake, but its 405 answers lose their `Allow` header (RFC 9110 requires one)."""

    def __init__(self, app) -> None:
        self.app, self.state = app, app.state

    async def __call__(self, scope, receive, send):
        async def strip(message):
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [(k, v) for k, v in message["headers"] if k.lower() != b"allow"],
                }
            await send(message)

        await self.app(scope, receive, strip)


def test_a_405_without_allow_is_caught():
    """The coverage phase sends methods the spec does not list: a 405 without `Allow` fails."""
    app = contract_app(faithful=False)
    document = dict(app.state.fake.catalog.effective)
    document["paths"] = {"/v2/avatar_video/{id}": document["paths"]["/v2/avatar_video/{id}"]}
    failures = ContractRun(document, Target(app=WithoutAllow(app), api_key=KEY), max_examples=1).run()
    assert any(f.check == "unsupported_method" for f in failures), [f.line() for f in failures]

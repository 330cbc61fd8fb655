"""Mock vs effective spec: every operation x every shipped scenario, schemathesis's default checks, zero failures."""

from __future__ import annotations

from schemathesis.specs.openapi.checks import ignored_auth

from mockserver.kit.contract import ContractRun, Target, in_body_refusals

from .conftest import KEY, MAX_EXAMPLES, contract_app, scenarios_by_operation


def test_effective_spec_all_default_checks():
    app = contract_app(faithful=False)
    mock = app.state.fake
    run = ContractRun(
        mock.catalog.effective,
        Target(app=app, api_key=KEY),
        max_examples=MAX_EXAMPLES,
        scenarios=scenarios_by_operation(mock),
    )
    failures = run.run()
    assert [f.line() for f in failures] == []
    # every operation x scenario x (positive, negative) ran
    assert run.cases >= 5 * 2 * 2
    operations = {e["operation"] for e in mock.store.requests(None, None, None)}
    assert operations == set(mock.catalog.operations)
    scenarios = {e["scenario"] for e in mock.store.requests(None, None, None)}
    assert {"heygen-video-too-long", "rate-limited-twice", "joggai-photo-error"} <= scenarios


def test_effective_spec_faithful_defaults():
    """The vendors' own behaviour: any key is accepted (so ignored_auth, which wants a bad key
    refused, cannot hold by design and is the one check left out), and JoggAI answers a bad key or
    a bad parameter with HTTP 200 and its code in the body: such an answer is judged as the HTTP
    error its profile says it stands for, so negative_data_rejection and the rest still apply."""
    app = contract_app(faithful=True)
    mock = app.state.fake
    run = ContractRun(
        mock.catalog.effective,
        Target(app=app, api_key="any-key"),
        max_examples=MAX_EXAMPLES,
        excluded_checks=(ignored_auth,),
        scenarios=scenarios_by_operation(mock),
        refusals=in_body_refusals(mock.catalog),
    )
    assert [f.line() for f in run.run()] == []

"""Mock vs published spec: the body violations schemathesis finds are exactly the lint's body findings."""

from __future__ import annotations

import re

from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
)

from mockserver.kit.contract import ContractRun, Target
from mockserver.spec.lint import BODY_KINDS

from .conftest import MAX_EXAMPLES, contract_app, scenarios_by_operation

SCHEMA_PREFIX = re.compile(r"^/paths/[^/]+/[a-z]+/responses/\d+/content/application~1json/schema")


def lint_keys(catalog) -> set[tuple[str, str]]:
    """(operation, schema path/keyword) for each lint finding about a response body."""
    ops = {(op.spec.label, op.pointer): name for name, op in catalog.operations.items()}
    keys = set()
    for f in catalog.findings:
        if f.kind not in (*BODY_KINDS, "status-spelling"):  # a spelling the vendor-reality scenarios serve
            continue
        op = next(
            name for (spec, ptr), name in ops.items() if spec == f.spec and f.pointer.startswith(ptr + "/")
        )
        path = SCHEMA_PREFIX.sub("", f.pointer).lstrip("/")
        if f.kind in ("enum-with-description", "example-outside-enum", "status-spelling"):
            path = re.sub(r"/enum(/\d+)?$", "", path) + "/enum"
        else:
            path += "/type"
        keys.add((op, path.replace("~1", "/").replace("~0", "~")))
    return keys


def test_published_spec_failures_equal_lint_findings():
    app = contract_app(faithful=True)
    mock = app.state.fake
    run = ContractRun(
        mock.catalog.published(),
        Target(app=app, api_key="any-key"),
        max_examples=MAX_EXAMPLES,
        excluded_checks=(ignored_auth, negative_data_rejection, missing_required_header),
        scenarios=scenarios_by_operation(mock),
        modes=(GenerationMode.POSITIVE,),  # bodies come from valid requests
    )
    found = {
        (f.operation, "/".join(f.schema_path)) for f in run.run() if f.check == "response_schema_conformance"
    }
    expected = lint_keys(mock.catalog)
    assert len(expected) == 25  # 20, and the JoggAI status enums (three on issue 13 operations) the vendor-reality scenarios widen
    assert sorted(found - expected) == [], "schemathesis found violations the lint does not list"
    assert sorted(expected - found) == [], "the lint lists findings no served body shows"

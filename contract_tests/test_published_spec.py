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
from mockserver.spec.paths import lookup

from .conftest import MAX_EXAMPLES, contract_app, scenarios_by_operation

SCHEMA_PREFIX = re.compile(r"^/paths/[^/]+/[a-z]+/responses/\d+/content/application~1json/schema")


SPELLING = re.compile(r"leaves out '([^']+)'")


def served_spellings(catalog, scenarios) -> set[tuple[str, str]]:
    """(operation, status word) for each word a shipped scenario's `status` step serves."""
    return {
        (name, str(lookup(step.body, op.profile.status_field)))
        for name, op in catalog.operations.items()
        for scenario in scenarios
        if scenario.applies_to(op)
        for step in scenario.steps
        if step.kind == "status"
    }


def lint_keys(catalog, scenarios) -> set[tuple[str, str]]:
    """(operation, schema path/keyword) for each lint finding about a response body, and for each
    status spelling the lint names that a vendor-reality scenario serves (a body shows it)."""
    ops = {(op.spec.label, op.pointer): name for name, op in catalog.operations.items()}
    served = served_spellings(catalog, scenarios)
    keys = set()
    for f in catalog.findings:
        if f.kind not in (*BODY_KINDS, "status-spelling"):
            continue
        op = next(
            name for (spec, ptr), name in ops.items() if spec == f.spec and f.pointer.startswith(ptr + "/")
        )
        spelling = SPELLING.search(f.message)
        if f.kind == "status-spelling" and (not spelling or (op, spelling.group(1)) not in served):
            continue  # a spelling no scenario serves here: no body can show it
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
    expected = lint_keys(mock.catalog, mock.store.scenarios())
    assert len(expected) == 22  # 20, and the JoggAI status enums the vendor-reality scenarios widen
    assert sorted(found - expected) == [], "schemathesis found violations the lint does not list"
    assert sorted(expected - found) == [], "the lint lists findings no served body shows"

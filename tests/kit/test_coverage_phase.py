"""schemathesis's coverage phase runs: its driver is private API, and where an upgrade moves it
the phase is skipped without a word, so the checks that judge only its cases (unsupported
methods, `Allow`, missing required headers) would pass by having nothing to judge."""

from __future__ import annotations

import schemathesis
from schemathesis.generation.modes import GenerationMode
from starlette.testclient import TestClient

from mockserver import create_app
from mockserver.kit.contract import ContractRun, Target
from mockserver.kit.coverage import coverage_cases
from mockserver.server.admin import admin_document

from ..conftest import KEY, SPECS

MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def test_the_coverage_driver_yields_cases_and_unlisted_methods():
    """Per operation, coverage cases including methods the spec does not list (the Allow check's input)."""
    schema = schemathesis.openapi.from_dict(admin_document())
    methods: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = list(coverage_cases(operation, MODES))
        assert cases, f"no coverage cases for {operation.label}: is schemathesis's coverage driver gone?"
        methods |= {c.method.upper() for c in cases}
    assert {"PATCH", "TRACE"} & methods, methods  # none of the admin routes lists these


def test_a_contract_run_counts_its_coverage_cases(catalog):
    app = create_app(SPECS, None, catalog=catalog, clock="virtual")
    with TestClient(app):
        run = ContractRun(admin_document(), Target(app=app, api_key=KEY["x-api-key"]), max_examples=1)
        run.run()
    assert run.coverage_cases > 0 and run.cases > run.coverage_cases, (run.cases, run.coverage_cases)

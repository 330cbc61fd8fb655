"""Contract runs: schemathesis checks every operation against an OpenAPI document.

One engine serves the contract suites (the fake, in process, against the effective and the
published spec) and `mockserver check --base-url` (any server, the real vendor included).
Failures are collected, not raised, so a run reports every distinct violation it met.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ..engine.scenario import Scenario
from ..spec.catalog import Catalog
from .coverage import coverage_cases

# (operation, response) -> the HTTP status an answer stands for when it is a refusal in the body
Refusals = Callable[[str, Any], int | None]


def in_body_refusals(catalog: Catalog) -> Refusals:
    """An error a vendor's profile gives as HTTP 200 with the code in the body (the faithful default,
    where the vendor does so) is read as the HTTP status the profile gives it (`http_status`), so
    every check applies. An error is known by its body's fixed fields (those without a `{detail}`)."""
    by_op = {
        name: [
            (fixed, e.http_status)
            for e in op.profile.errors.values()
            if e.status == 200 and e.http_status
            if (fixed := {k: v for k, v in e.body.items() if "{detail}" not in str(v)})
        ]
        for name, op in catalog.operations.items()
    }

    def read(name: str, response: Any) -> int | None:
        errors = by_op.get(name)
        if not errors or response.status_code != 200:
            return None
        try:
            body = Response.from_any(response).json()
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        for fixed, status in errors:
            if all(body.get(k) == v for k, v in fixed.items()):
                return status
        return None

    return read


@dataclass(frozen=True)
class ContractFailure:
    """One distinct violation: which operation, which check, and where in the response schema."""

    operation: str
    check: str
    title: str
    scenario: str | None = None
    status: int | None = None
    schema_path: tuple[str, ...] = ()
    instance_path: tuple[str, ...] = ()
    message: str = field(default="", compare=False)

    def line(self) -> str:
        where = "/".join(self.schema_path)
        scen = f" [{self.scenario}]" if self.scenario else ""
        first = (self.message.splitlines() or [""])[0][:160]
        return f"{self.operation}{scen}: {self.title} ({self.check}) {where} {first}".rstrip()


def _flatten(exc: BaseException) -> list[Failure]:
    if isinstance(exc, BaseExceptionGroup):
        out: list[Failure] = []
        for inner in exc.exceptions:
            out.extend(_flatten(inner))
        return out
    return [exc] if isinstance(exc, Failure) else []


MISSING_CLAIM = re.compile(r"(query|header): violates [^\n]*`required` \(was ([\w-]+)\)")


def _claims_a_missing_param_it_sent(failure: Failure, response: Any) -> bool:
    """schemathesis can negate `required` and then add the same name back as an extra property, and
    a negated API key header is sent all the same (the run adds the key to every request); a request
    that did carry the parameter was not invalid for that reason. Such reports are dropped."""
    if "negative_data_rejection" not in failure.checks:
        return False
    claimed = MISSING_CLAIM.search(failure.message)
    if not claimed:
        return False
    request = getattr(response, "request", None)
    where, name = claimed.groups()
    if where == "header":
        return bool((getattr(request, "headers", None) or {}).get(name))
    sent = parse_qs(urlsplit(getattr(request, "url", "") or "").query, keep_blank_values=True)
    return any(v for v in sent.get(name, []))


def meaning_refusals(document: dict[str, Any]) -> dict[str, set[int]]:
    """Per operationId, the statuses its spec marks `x-mock-meaning-refusal`: a well-formed request
    refused for what it means (a scenario naming an example the catalog lacks), which no schema
    can state. positive_data_acceptance does not count those answers; every other check does."""
    responses = (document.get("components") or {}).get("responses") or {}
    found: dict[str, set[int]] = {}
    for item in (document.get("paths") or {}).values():
        for op in item.values() if isinstance(item, dict) else []:
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for status, response in (op.get("responses") or {}).items():
                ref = str(response.get("$ref", "")).rsplit("/", 1)[-1] if isinstance(response, dict) else ""
                target = responses.get(ref, response)
                if isinstance(target, dict) and target.get("x-mock-meaning-refusal") and status.isdigit():
                    found.setdefault(op["operationId"], set()).add(int(status))
    return found


def key_headers(document: dict[str, Any]) -> list[str]:
    """The headers the document's apiKey security schemes name: where the key goes."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    return sorted(
        {
            str(s["name"]).lower()
            for s in schemes.values()
            if isinstance(s, dict) and s.get("type") == "apiKey" and s.get("in") == "header"
        }
    )


@dataclass
class Target:
    """Where requests go: an ASGI app in process, or a base URL over the network."""

    app: Any = None
    base_url: str | None = None
    api_key: str = "contract-key"
    reset_url: str | None = None  # the fake's "/__mock/reset"; None against a real vendor


class ContractRun:
    """Runs schemathesis's checks for every operation (and scenario) of a document."""

    def __init__(
        self,
        document: dict[str, Any],
        target: Target,
        *,
        max_examples: int = 10,
        excluded_checks: tuple[Any, ...] = (),
        checks: tuple[Any, ...] | None = None,
        scenarios: dict[str, list[Scenario]] | None = None,
        modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
        coverage: bool = True,
        refusals: Refusals | None = None,
    ) -> None:
        self.schema = schemathesis.openapi.from_dict(document)
        self.key_headers = key_headers(document)
        self.meaning = meaning_refusals(document)
        self.coverage = coverage
        self.refusals = refusals
        if target.app is not None:
            self.schema.app = target.app
        self.target = target
        self.max_examples = max_examples
        self.excluded_checks = list(excluded_checks)
        self.checks = list(checks) if checks is not None else None
        self.scenarios = scenarios or {}
        self.modes = modes
        self.failures: dict[ContractFailure, int] = {}
        self.cases = 0
        self.coverage_cases = 0  # 0 with coverage on: this schemathesis's coverage driver is missing
        self.positive = 0  # positive cases sent, and of those, how many the server refused the key on:
        self.key_refused = 0  # all of them means a wrong key, and no check judged anything but a 401

    def run(self) -> list[ContractFailure]:
        for result in self.schema.get_all_operations():
            operation = result.ok()
            name = operation.definition.raw.get("operationId", operation.label)
            if self.coverage:  # schemathesis's coverage phase: edges, missing headers, other methods
                for case in coverage_cases(operation, list(self.modes)):
                    self.cases += 1
                    self.coverage_cases += 1
                    self._reset()
                    self._exercise(case, name, None, 1, self._headers(None))
            for scenario in self.scenarios.get(name, [None]):  # type: ignore[list-item]
                for mode in self.modes:
                    self._run_one(operation, name, scenario, mode)
        return list(self.failures)

    def _headers(self, scenario: Scenario | None) -> dict[str, str]:
        headers = {name: self.target.api_key for name in self.key_headers}
        if scenario is not None:
            headers["x-mock-scenario"] = scenario.name
        return headers

    def _run_one(self, operation: Any, name: str, scenario: Scenario | None, mode: GenerationMode) -> None:
        # a positive case walks the whole timeline: every step, then the repeating last one
        polls = len(scenario.steps) + 1 if scenario is not None and mode == GenerationMode.POSITIVE else 1
        headers = self._headers(scenario)

        @settings(
            max_examples=self.max_examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            self.cases += 1
            self._reset()  # generated ids repeat across runs: each case starts a fresh timeline
            status = self._exercise(case, name, scenario, polls, headers)
            if mode == GenerationMode.POSITIVE:
                self.positive += 1
                self.key_refused += status in (401, 403)

        try:
            check()
        except Unsatisfiable:
            pass  # nothing to negate: the operation takes no input in this mode

    def _exercise(
        self, case: Any, name: str, scenario: Scenario | None, polls: int, headers: dict[str, str]
    ) -> int | None:
        """Send the case `polls` times; validate each answer the scenario did not script as a fault.
        The last answer's status (as judged), or None when no answer came."""
        status = None
        steps = scenario.steps if scenario else []
        faults = {i for i, s in enumerate(steps) if s.kind == "fault"}
        scripted = {i for i, s in enumerate(steps) if s.kind in ("error", "status", "fuzz")}
        for _ in range(polls):
            try:
                response = case.call(base_url=self.target.base_url, headers=headers)
            except ConnectionError:
                continue  # a scripted connection fault: nothing to validate
            stands_for = self.refusals(name, response) if self.refusals else None
            if stands_for is not None:  # judged as the HTTP error it stands for
                response = copy.copy(Response.from_any(response))
                response.status_code = stands_for
            status = response.status_code
            step = (response.headers.get("x-mock-step") or [""])[0]
            if step.isdigit() and int(step) in faults:
                continue
            excluded = self.excluded_checks
            if step.isdigit() and int(step) in scripted and response.status_code >= 400:
                # the scenario asked for this error: a 5xx or a refused valid request is the point
                excluded = [*excluded, not_a_server_error, positive_data_acceptance]
            elif response.status_code in self.meaning.get(name, ()):
                excluded = [*excluded, positive_data_acceptance]  # refused for its meaning, as documented
            try:
                case.validate_response(
                    response, checks=self.checks, excluded_checks=excluded, headers=headers
                )
            except (Failure, BaseExceptionGroup) as exc:
                for failure in _flatten(exc):
                    if not _claims_a_missing_param_it_sent(failure, response):
                        self._record(name, scenario, response.status_code, failure)
        return status

    def _reset(self) -> None:
        """Forget the fake's timelines and webhook endpoints: the scenario header binds the case's id
        anew, and registrations never reach the endpoint cap."""
        if self.target.app is not None:
            fake = getattr(self.target.app.state, "fake", None)
            if fake is not None:
                fake.store.forget_timelines()
                for vendor, endpoints in fake.store.all_endpoints().items():  # each case under the cap
                    for endpoint in endpoints:
                        fake.store.remove_endpoint(vendor, endpoint.endpoint_id)
        elif self.target.base_url and self.target.reset_url:
            requests.post(self.target.base_url.rstrip("/") + self.target.reset_url, timeout=5)

    def _record(self, name: str, scenario: Scenario | None, status: int, failure: Failure) -> None:
        check = failure.checks[0] if failure.checks else type(failure).__name__
        key = ContractFailure(
            operation=name,
            check=check,
            title=failure.title,
            scenario=scenario.name if scenario else None,
            status=status,
            schema_path=tuple(str(p) for p in getattr(failure, "schema_path", ()) or ()),
            instance_path=tuple(str(p) for p in getattr(failure, "instance_path", ()) or ()),
            message=failure.message,
        )
        self.failures[key] = self.failures.get(key, 0) + 1

"""Statuses a client cannot act on: rules over any spec's status words and HTTP codes.

- a failure status with no field for its reason, while a sibling operation has one;
- a failure documented only in prose, with no example and no enum naming it;
- an HTTP status documented for a meaning HTTP gives another code (a rate limit as 400).
"""

from __future__ import annotations

import re

from .bodies import Example, status_of
from .described_enums import status_enum
from .findings import Findings
from .lint_prose import documented_in, known_from
from .openapi import Operation
from .paths import lookup
from .pointers import join
from .schema_view import SchemaView

REASON = re.compile(r"error|msg|message|reason|detail", re.I)
FAILURE_PROSE = re.compile(r"\bfail(?:s|ed|ure)?\b", re.I)
# a meaning a response description names -> the statuses HTTP gives it, and the profile error for it
MEANINGS: list[tuple[str, re.Pattern[str], set[int], str]] = [
    ("a rate limit", re.compile(r"rate limit|request limit|too many requests", re.I), {429}, "rate_limited"),
    (
        "invalid parameters",
        re.compile(r"invalid param|bad request|malformed", re.I),
        {400, 422},
        "invalid_parameter",
    ),
    (
        "a missing resource",
        re.compile(r"not found|doesn't exist|does not exist", re.I),
        {404, 410},
        "not_found",
    ),
    (
        "a missing or bad key",
        re.compile(r"unauthori[sz]ed|invalid api key", re.I),
        {401, 403},
        "unauthorized",
    ),
]
RFC = {429: "RFC 6585", 400: "RFC 9110", 422: "RFC 9110", 404: "RFC 9110", 410: "RFC 9110", 401: "RFC 9110"}


def _status_object(op: Operation) -> tuple[str, SchemaView] | None:
    """The schema of the object holding the status field (`data` for `data.status`)."""
    parent = op.profile.status_field.rpartition(".")[0]
    ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
    try:
        view = SchemaView(op.spec.resolver, ptr)
    except KeyError:
        return None
    view = view.at_path(parent) if parent else view
    if view is None or "status" not in view.properties():
        return None
    return parent or "(body)", view


def _reasons(view: SchemaView) -> list[str]:
    return [name for name in view.properties() if REASON.search(name)]


class StatusCheck:
    """The status rules, run once over all operations."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings

    def run(self, operations: list[Operation], examples: dict[str, list[Example]]) -> None:
        for op in operations:
            self._without_reason(op, operations, examples.get(op.name, []))
            self._failure_in_prose(op, examples.get(op.name, []))
            self._against_meaning(op)

    def _without_reason(self, op: Operation, operations: list[Operation], examples: list[Example]) -> None:
        failures = [s for s in status_enum(op) if op.profile.status_class(s) == "failure"]
        found = _status_object(op)
        if not failures or found is None or _reasons(found[1]) or _sent_reason(op, examples, found[0]):
            return
        where, view = found
        siblings = []
        for other in operations:
            theirs = _status_object(other) if other.vendor == op.vendor and other is not op else None
            if theirs and _reasons(theirs[1]):
                siblings.append(f"{other.name} declares {theirs[0]}.{_reasons(theirs[1])[0]}")
        if not siblings:
            return
        self.findings.note(
            op.spec,
            view.declares_object() or view.pointer,
            "failure-without-reason",
            f"{documented_in(op.spec)}: status '{failures[0]}' is in the enum, but {where} declares no field for its "
            f"reason, while {'; '.join(siblings)}",
            "none in the spec: the vendor documents no place for the reason, so a client can rely on none",
        )

    def _failure_in_prose(self, op: Operation, examples: list[Example]) -> None:
        """Prose speaks of failure, yet no enum and no example names a failure status."""
        found = _status_object(op)
        if found is None or status_enum(op):
            return
        view = found[1]
        if any(op.profile.status_class(status_of(ex.body, op.profile)) == "failure" for ex in examples):
            return
        said = [
            f"{name}: '{text.strip()}'"
            for name in view.properties()
            if (child := view.child(name)) and (text := _description(child)) and FAILURE_PROSE.search(text)
        ]
        if not said:
            return
        status_ptr = view.properties()["status"]
        self.findings.note(
            op.spec,
            status_ptr,
            "failure-only-in-prose",
            f"{documented_in(op.spec)}: the fields speak of failure ({'; '.join(said)}), but no example and no enum "
            "names a failure status",
            f"none in the spec: the failure word the fake serves comes from the profile ({', '.join(op.profile.failure)})",
        )

    def _against_meaning(self, op: Operation) -> None:
        responses = op.raw.get("responses")
        for code, response in responses.items() if isinstance(responses, dict) else ():
            if not str(code).isdigit() or not isinstance(response, dict):
                continue
            text = str(response.get("description") or "")
            for meaning, pattern, statuses, error in MEANINGS:
                status = int(code)
                if status < 400 or status in statuses or not pattern.search(text):
                    continue
                right = min(statuses)
                self.findings.note(
                    op.spec,
                    join(op.pointer, "responses", str(code), "description"),
                    "status-against-meaning",
                    f"{documented_in(op.spec)}: HTTP {status} '{text.strip()}' names {meaning}; "
                    f"{RFC.get(right, 'RFC 9110')} gives it status {right}; {self._profile_says(op, error)}",
                    f"none in the spec: the documented {status} is kept as the vendor wrote it; the "
                    f"fake's own {error} error is served as the profile says",
                    key=meaning,
                )

    def _profile_says(self, op: Operation, name: str) -> str:
        err = op.profile.errors.get(name)
        if err is None:
            return "the profile names no error for it"
        tail = " with the code in the body" if err.status == 200 else ""
        if err.inferred:
            return f"inferred: mockserver answers its {name} as HTTP {err.status}{tail} (the profile marks it inferred)"
        return f"{known_from(op.profile)}: the vendor's {name} comes as HTTP {err.status}{tail}"


def _sent_reason(op: Operation, examples: list[Example], where: str) -> bool:
    """A documented failed example sends a reason field, declared or not (`undeclared-field` declares it)."""
    for ex in examples:
        if ex.derived or op.profile.status_class(status_of(ex.body, op.profile)) != "failure":
            continue
        holder = lookup(ex.body, where) if where != "(body)" else ex.body
        if isinstance(holder, dict) and any(REASON.search(k) for k in holder):
            return True
    return False


def _description(view: SchemaView) -> str:
    found = view.first("description")
    return str(found[1]) if found and isinstance(found[1], str) else ""

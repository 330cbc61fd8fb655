"""Finding where a vendor spec contradicts itself: the operation's own shape (`repair.py` applies the fixes).

Nothing here is a hand-written list of known problems: every finding comes from checking
each body the fake will serve (documented, derived, or a profile error) against the
published schema, and from reading the schemas themselves. Each finding carries a repair;
applying all repairs to the published document gives the effective spec, which accepts
everything the fake serves.

This module checks each operation's own shape (its id, its responses, its examples) and
hands the bodies to `lint_bodies` and the schemas' enums to `described_enums`.
"""

from __future__ import annotations

import copy
from typing import Any

from .bodies import Example, derive, documented
from .described_enums import DescribedEnums, bare_enum, status_enum
from .findings import Finding, Findings
from .lint_bodies import BodyCheck
from .lint_errors import empty_id_answer, undocumented_errors
from .lint_prose import ProseCheck
from .lint_requests import RequestNulls
from .lint_statuses import StatusCheck
from .lint_values import ValueCheck
from .openapi import READABLE_ID, Operation
from .pointers import join

__all__ = ["BODY_KINDS", "Finding", "Linter", "bare_enum", "json_content"]

BODY_KINDS = ("example-null", "example-type-mismatch", "enum-with-description", "example-outside-enum")


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": copy.deepcopy(schema)}}


def _schema_ptr(op: Operation, code: str | int) -> str:
    return join(op.pointer, "responses", str(code), "content", "application/json", "schema")


class Linter:
    """Collects findings for one set of operations; findings at one place are merged."""

    def __init__(self) -> None:
        self.findings = Findings()
        self.examples: dict[str, list[Example]] = {}
        self.bodies = BodyCheck(self.findings)
        self.enums = DescribedEnums(self.findings)
        self.operations: list[Operation] = []

    def run(self, operations: list[Operation]) -> list[Finding]:
        self.operations = operations
        for op in operations:
            self._operation(op)
        specs = list({id(op.spec): op.spec for op in operations}.values())
        ProseCheck(self.findings).run(specs, operations)
        ValueCheck(self.findings).run(operations, self.examples)
        StatusCheck(self.findings).run(operations, self.examples)
        self._own_bodies()
        return self.findings.merged()

    def _own_bodies(self) -> None:
        """A body finding seen only in the profile's error bodies is the fake's, not the vendor's."""
        for f in self.findings.by_place.values():
            if f.kind in BODY_KINDS and f.seen_in and all(s.startswith("profile error") for s in f.seen_in):
                names = ", ".join(s.removeprefix("profile error ") for s in f.seen_in)
                f.message = (
                    f"inferred: mockserver's own error bodies (profile errors {names}) send what the schema "
                    f"does not allow: {f.message}; no vendor example shows an error body"
                )
                f.repair = f"{f.repair}, so the fake's own error bodies validate"
                f.seen_in = []

    # --- one operation -------------------------------------------------------------------
    def _operation(self, op: Operation) -> None:
        self._operation_id(op)
        self._empty_id(op)
        examples = self._documented(op)
        responses = op.raw.get("responses") or {}
        self.enums.check(op)
        RequestNulls(self.findings).check(op)
        examples.extend(self._derived(op, examples, responses))
        self.examples[op.name] = examples
        for ex in examples:
            label = f"derived '{ex.name}'" if ex.derived else f"example '{ex.name}'"
            self.bodies.check(op, ex.body, _schema_ptr(op, ex.status_code), label)
        self._responses(op, responses)

    def _operation_id(self, op: Operation) -> None:
        """A missing or unreadable operationId; the operation goes by its readable name instead."""
        spec = op.spec
        if op.operation_id is None:
            self.findings.add(
                spec,
                op.pointer,
                "missing-operation-id",
                "",
                lambda: Finding(
                    spec.label,
                    op.pointer,
                    "missing-operation-id",
                    f"{op.method.upper()} {op.path} has no operationId",
                    f"named it '{op.name}'",
                ),
            )
        elif not READABLE_ID.match(op.operation_id):
            self.findings.add(
                spec,
                join(op.pointer, "operationId"),
                "odd-operation-id",
                "",
                lambda: Finding(
                    spec.label,
                    join(op.pointer, "operationId"),
                    "odd-operation-id",
                    f"operationId '{op.operation_id}' is not a readable identifier",
                    f"named it '{op.name}'",
                ),
            )

    def _empty_id(self, op: Operation) -> None:
        """A required id parameter that accepts ''; the repair says what an empty id really gets."""
        id_param = op.id_parameter
        if id_param is None or not id_param.required or "minLength" in id_param.schema:
            return
        at = join(id_param.pointer, "schema")
        published = op.spec.resolver.doc_at(at)
        if published is False:  # accepts nothing, so not '' either
            return
        # on a schema mapping, add minLength; a missing or `true` schema becomes one
        patch = (
            ("set", join(at, "minLength"), 1)
            if isinstance(published, dict)
            else ("set", at, {"minLength": 1})
        )
        self.findings.add(
            op.spec,
            at,
            "empty-required-id",
            "",
            lambda: Finding(
                op.spec.label,
                at,
                "empty-required-id",
                f"required {id_param.location} parameter '{id_param.name}' names the resource but allows ''",
                f"minLength 1 in the effective spec; {empty_id_answer(op, id_param, self.operations)}",
                patch,
            ),
        )

    def _documented(self, op: Operation) -> list[Example]:
        """The spec's own examples; unparseable ones are dropped, commented-JSON ones parsed."""
        spec = op.spec
        examples, broken = documented(op)
        for ptr, message in broken:
            self.findings.add(
                spec,
                ptr,
                "example-unparseable",
                "",
                lambda ptr=ptr, message=message: Finding(
                    spec.label, ptr, "example-unparseable", message, "left it out", ("remove", ptr, None)
                ),
            )
        for ex in examples:
            if ex.was_text:
                self.findings.add(
                    spec,
                    ex.pointer,
                    "example-is-text",
                    "",
                    lambda ex=ex: Finding(
                        spec.label,
                        ex.pointer,
                        "example-is-text",
                        f"example '{ex.name}' is a string of commented JSON, not a JSON body",
                        "stripped the // and /* */ comments and parsed the JSON inside",
                        ("set", ex.pointer, ex.body),
                    ),
                )
        return examples

    def _derived(self, op: Operation, examples: list[Example], responses: dict[str, Any]) -> list[Example]:
        """With no documented 200 body, one per status word, built from schema-level examples."""
        if any(e.status_code == 200 for e in examples) or "200" not in {str(c) for c in responses}:
            return []
        derived = derive(op, status_enum(op))
        if not derived:
            return derived
        ok_media = join(op.pointer, "responses", "200", "content", "application/json")
        names = ", ".join(e.name for e in derived)
        self.findings.add(
            op.spec,
            ok_media,
            "missing-examples",
            "",
            lambda: Finding(
                op.spec.label,
                ok_media,
                "missing-examples",
                f"{op.method.upper()} {op.path} documents no response example",
                f"derived one body per status from schema-level examples: {names}",
                ("examples", ok_media, derived),
            ),
        )
        return derived

    # --- responses -----------------------------------------------------------------------
    def _responses(self, op: Operation, responses: dict[str, Any]) -> None:
        """Responses with no body schema, and vendor errors the spec does not document."""
        codes = {str(c) for c in responses}
        self._without_schema(op, codes)
        undocumented_errors(self.findings, op, codes, op.profile.error_schema)
        for err in op.profile.errors.values():
            if err.status == 200 and "200" in codes:
                self.bodies.check(
                    op, err.render("example"), _schema_ptr(op, 200), f"profile error '{err.name}'"
                )

    def _without_schema(self, op: Operation, codes: set[str]) -> None:
        spec, profile = op.spec, op.profile
        for code in sorted(codes):
            if not code.isdigit() or code.startswith("2"):
                continue
            rptr, response = spec.resolver.follow(join(op.pointer, "responses", code))
            media = (response.get("content") or {}).get("application/json") or {}
            if "schema" not in media:
                self.findings.add(
                    spec,
                    rptr,
                    "response-without-schema",
                    "",
                    lambda rptr=rptr, code=code, response=response: Finding(
                        spec.label,
                        rptr,
                        "response-without-schema",
                        f"response {code} ('{response.get('description', '')}') has no content schema",
                        f"the {profile.vendor} error envelope from the vendor profile",
                        ("content", rptr, copy.deepcopy(profile.error_schema)),
                    ),
                )

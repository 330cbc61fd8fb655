"""Finding where a vendor spec contradicts itself, and repairing it into the effective spec.

Nothing here is a hand-written list of known problems: every finding comes from checking
each body the fake will serve (documented, derived, or a profile error) against the
published schema, and from reading the schemas themselves. Each finding carries a repair;
applying all repairs to the published document gives the effective spec, which accepts
everything the fake serves.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from .bodies import Example, derive, documented
from .openapi import READABLE_ID, Operation, SpecFile
from .pointers import join
from .schema_view import SchemaView, json_type, type_allows

DESCRIBED_ENUM = re.compile(r"^([A-Za-z_][\w-]*): .+$")

BODY_KINDS = ("example-null", "example-type-mismatch", "enum-with-description", "example-outside-enum")


@dataclass
class Finding:
    spec: str
    pointer: str
    kind: str
    message: str
    repair: str
    patch: tuple[str, str, Any] | None = field(default=None, repr=False)
    seen_in: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "spec": self.spec,
            "pointer": self.pointer,
            "kind": self.kind,
            "message": self.message,
            "repair": self.repair,
        }


def bare_enum(values: list[Any]) -> list[Any]:
    """`"pending: Waiting in queue"` -> `"pending"`; other values unchanged."""
    out = []
    for v in values:
        m = DESCRIBED_ENUM.match(v) if isinstance(v, str) else None
        out.append(m.group(1) if m else v)
    return out


class Linter:
    """Collects findings for one set of operations; findings at one place are merged."""

    def __init__(self) -> None:
        self.findings: dict[tuple[str, str, str, str], Finding] = {}
        self.examples: dict[str, list[Example]] = {}

    def add(self, spec: SpecFile, ptr: str, kind: str, key: str, make: Any, seen: str = "") -> None:
        k = (spec.label, ptr, kind, key)
        if k not in self.findings:
            self.findings[k] = make()
        if seen and seen not in self.findings[k].seen_in:
            self.findings[k].seen_in.append(seen)

    def run(self, operations: list[Operation]) -> list[Finding]:
        for op in operations:
            self._operation(op)
        out = list(self.findings.values())
        for f in out:
            if f.seen_in:
                f.message = f"{f.message} (in {', '.join(f.seen_in)})"
        return out

    # --- one operation -------------------------------------------------------------------
    def _operation(self, op: Operation) -> None:
        spec = op.spec
        if op.operation_id is None:
            self.add(
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
            self.add(
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
        id_param = op.id_parameter
        if id_param is not None and id_param.required and "minLength" not in id_param.schema:
            at = join(id_param.pointer, "schema")
            self.add(
                spec,
                at,
                "empty-required-id",
                "",
                lambda: Finding(
                    spec.label,
                    at,
                    "empty-required-id",
                    f"required {id_param.location} parameter '{id_param.name}' names the resource but allows ''",
                    "minLength 1: an empty id is answered as a missing one",
                    ("set", join(at, "minLength"), 1),
                ),
            )
        examples, broken = documented(op)
        for ptr, message in broken:
            self.add(
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
                self.add(
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
        responses = op.raw.get("responses") or {}
        self._enums(op)
        ok_media = join(op.pointer, "responses", "200", "content", "application/json")
        if not any(e.status_code == 200 for e in examples) and "200" in {str(c) for c in responses}:
            enum_values = self._status_enum(op)
            derived = derive(op, enum_values)
            if derived:
                examples.extend(derived)
                names = ", ".join(e.name for e in derived)
                self.add(
                    spec,
                    ok_media,
                    "missing-examples",
                    "",
                    lambda: Finding(
                        spec.label,
                        ok_media,
                        "missing-examples",
                        f"{op.method.upper()} {op.path} documents no response example",
                        f"derived one body per status from schema-level examples: {names}",
                        ("examples", ok_media, derived),
                    ),
                )
        self.examples[op.name] = examples
        for ex in examples:
            schema_ptr = join(
                op.pointer, "responses", str(ex.status_code), "content", "application/json", "schema"
            )
            label = f"derived '{ex.name}'" if ex.derived else f"example '{ex.name}'"
            self._check_body(op, ex.body, schema_ptr, label)
        self._responses(op, responses)

    def _status_enum(self, op: Operation) -> list[str]:
        schema_ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
        try:
            view = SchemaView(op.spec.resolver, schema_ptr).at_path(op.profile.status_field)
        except KeyError:
            return []
        found = view.first("enum") if view else None
        return bare_enum(found[1]) if found else []

    def _enums(self, op: Operation) -> None:
        """Enum values that carry their description, anywhere in the operation's responses."""
        seen: set[str] = set()
        for code in op.raw.get("responses") or {}:
            ptr = join(op.pointer, "responses", code, "content", "application/json", "schema")
            try:
                self._walk_enums(op, SchemaView(op.spec.resolver, ptr), seen, 0)
            except KeyError:
                continue

    def _walk_enums(self, op: Operation, view: SchemaView, seen: set[str], depth: int) -> None:
        if view.pointer in seen or depth > 32:
            return
        seen.add(view.pointer)
        found = view.first("enum")
        if found:
            ptr, values = found
            fixed = bare_enum(values)
            for i, (old, new) in enumerate(zip(values, fixed, strict=True)):
                if old != new:
                    at = join(ptr, "enum", i)
                    self.add(
                        op.spec,
                        at,
                        "enum-with-description",
                        "",
                        lambda at=at, old=old, new=new, ptr=ptr, fixed=fixed: Finding(
                            op.spec.label,
                            at,
                            "enum-with-description",
                            f"enum value '{old}' carries its description; the vendor sends '{new}'",
                            f"enum value '{new}'",
                            ("enum", ptr, fixed),
                        ),
                    )
        for name in view.properties():
            child = view.child(name)
            if child:
                self._walk_enums(op, child, seen, depth + 1)
        items = view.items()
        if items:
            self._walk_enums(op, items, seen, depth + 1)

    def _responses(self, op: Operation, responses: dict[str, Any]) -> None:
        """Responses with no body schema, and vendor errors the spec does not document."""
        spec, profile = op.spec, op.profile
        codes = {str(c) for c in responses}
        for code in sorted(codes):
            if not code.isdigit() or code.startswith("2"):
                continue
            rptr, response = spec.resolver.follow(join(op.pointer, "responses", code))
            media = (response.get("content") or {}).get("application/json") or {}
            if "schema" not in media:
                self.add(
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
        statuses: dict[int, list[str]] = {}
        switched: set[int] = set()  # statuses served only under --http-errors
        for err in profile.errors.values():
            for status in {err.status, err.http_status or err.status}:
                if str(status) not in codes:
                    statuses.setdefault(status, []).append(err.name)
                    if status != err.status:
                        switched.add(status)
        if statuses:
            responses_ptr = join(op.pointer, "responses")
            listed = ", ".join(
                f"{s} ({'/'.join(n)}{', with --http-errors' if s in switched else ''})"
                for s, n in sorted(statuses.items())
            )
            added = {
                str(s): {"description": ", ".join(n), "content": json_content(profile.error_schema)}
                for s, n in sorted(statuses.items())
            }
            self.add(
                spec,
                responses_ptr,
                "undocumented-error",
                "",
                lambda: Finding(
                    spec.label,
                    responses_ptr,
                    "undocumented-error",
                    f"the vendor answers HTTP {listed}, which the spec does not document",
                    f"added those responses with the {profile.vendor} error envelope from the vendor profile",
                    ("merge", responses_ptr, added),
                ),
            )
        ok_schema = join(op.pointer, "responses", "200", "content", "application/json", "schema")
        for err in profile.errors.values():
            if err.status == 200 and "200" in codes:
                self._check_body(op, err.render("example"), ok_schema, f"profile error '{err.name}'")

    # --- bodies against schemas ----------------------------------------------------------
    def _check_body(self, op: Operation, body: Any, schema_ptr: str, label: str) -> None:
        try:
            view = SchemaView(op.spec.resolver, schema_ptr)
        except KeyError:
            return
        if view.parts:
            self._check(op, body, view, label, "")

    def _check(self, op: Operation, value: Any, view: SchemaView, label: str, where: str) -> None:
        spec = op.spec
        field_name = where.lstrip(".") or "(body)"
        declared = view.types()
        if declared is not None:
            tptr, kinds = declared
            if not type_allows(kinds, value):
                got = json_type(value)
                kind = "example-null" if value is None else "example-type-mismatch"
                wanted = " or ".join(sorted(kinds))
                self.add(
                    spec,
                    tptr,
                    kind,
                    got,
                    lambda: Finding(
                        spec.label,
                        tptr,
                        kind,
                        f"{field_name} is declared {wanted} but is sent as {got}",
                        f"type also allows {got}",
                        ("types", tptr, got),
                    ),
                    label,
                )
                return
        found = view.first("enum")
        if found and value is not None:
            eptr, values = found
            allowed = bare_enum(values)
            if value not in allowed:
                self.add(
                    spec,
                    join(eptr, "enum"),
                    "example-outside-enum",
                    repr(value),
                    lambda: Finding(
                        spec.label,
                        join(eptr, "enum"),
                        "example-outside-enum",
                        f"{field_name} is sent as {value!r}, which is not in its enum {allowed}",
                        f"enum also allows {value!r}",
                        ("enum_add", eptr, value),
                    ),
                    label,
                )
        if isinstance(value, dict):
            props = view.properties()
            obj_ptr = view.declares_object()
            for key, item in value.items():
                if key in props:
                    self._check(op, item, SchemaView(spec.resolver, props[key]), label, f"{where}.{key}")
                elif obj_ptr is not None:
                    self.add(
                        spec,
                        obj_ptr,
                        "undeclared-field",
                        key,
                        lambda key=key, item=item: Finding(
                            spec.label,
                            obj_ptr,
                            "undeclared-field",
                            f"{where.lstrip('.') or 'the body'} sends '{key}', which the schema never declares",
                            f"declared '{key}' as {json_type(item)}",
                            ("property", obj_ptr, (key, json_type(item))),
                        ),
                        label,
                    )
        elif isinstance(value, list):
            items = view.items()
            if items:
                for item in value:
                    self._check(op, item, items, label, f"{where}[]")


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": copy.deepcopy(schema)}}

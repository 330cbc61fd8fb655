"""Checking a body the fake will serve against the published schema.

Every disagreement is the schema's fault (the body is what the vendor sends), so each
finding sits at the schema and its repair widens the schema to accept the body.
"""

from __future__ import annotations

from typing import Any

from .described_enums import bare_enum
from .findings import Finding, Findings
from .openapi import Operation
from .pointers import join
from .schema_view import SchemaView, json_type, type_allows


class BodyCheck:
    """Walks a body and its schema together; `label` names the body in each finding."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        # the JSON types every body sends at each type declaration, filled as bodies are checked:
        # a mismatch's repair keeps only the declared types some body sends (read when applied)
        self.sent: dict[tuple[str, str], set[str]] = {}

    def check(self, op: Operation, body: Any, schema_ptr: str, label: str) -> None:
        try:
            view = SchemaView(op.spec.resolver, schema_ptr)
        except KeyError:
            return
        if view.parts:
            self._check(op, body, view, label, "")

    def _check(self, op: Operation, value: Any, view: SchemaView, label: str, where: str) -> None:
        if self._wrong_type(op, value, view, label, where):
            return
        self._outside_enum(op, value, view, label, where)
        if isinstance(value, dict):
            self._fields(op, value, view, label, where)
        elif isinstance(value, list):
            items = view.items()
            if items:
                for item in value:
                    self._check(op, item, items, label, f"{where}[]")

    def _wrong_type(self, op: Operation, value: Any, view: SchemaView, label: str, where: str) -> bool:
        """A value of an undeclared type; nothing inside it is checked further."""
        declared = view.types()
        if declared is None:
            return False
        tptr, kinds = declared
        got = json_type(value)
        sent = self.sent.setdefault((op.spec.label, tptr), set())
        sent.add(got)
        if type_allows(kinds, value):
            return False
        spec = op.spec
        field_name = where.lstrip(".") or "(body)"
        kind = "example-null" if value is None else "example-type-mismatch"
        wanted = " or ".join(sorted(kinds))
        patch = ("types", tptr, got) if value is None else ("retype", tptr, sent)
        repair = (
            f"type also allows {got}"
            if value is None
            else f"type allows {got}; a declared type no body sends is dropped"
        )
        self.findings.add(
            spec,
            tptr,
            kind,
            got,
            lambda: Finding(
                spec.label,
                tptr,
                kind,
                f"{field_name} is declared {wanted} but is sent as {got}",
                repair,
                patch,
            ),
            label,
        )
        return True

    def _outside_enum(self, op: Operation, value: Any, view: SchemaView, label: str, where: str) -> None:
        found = view.first("enum")
        if not found or value is None:
            return
        eptr, values = found
        allowed = bare_enum(values)
        if value in allowed:
            return
        spec = op.spec
        field_name = where.lstrip(".") or "(body)"
        self.findings.add(
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

    def _fields(self, op: Operation, value: dict[str, Any], view: SchemaView, label: str, where: str) -> None:
        """Declared fields are checked in turn; undeclared ones are declared where the object is."""
        spec = op.spec
        props = view.properties()
        obj_ptr = view.declares_object()
        for key, item in value.items():
            if key in props:
                self._check(op, item, SchemaView(spec.resolver, props[key]), label, f"{where}.{key}")
            elif obj_ptr is not None and label.startswith("derived "):
                self._inferred(op, obj_ptr, key, item, label, where)
            elif obj_ptr is not None:
                self.findings.add(
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

    def _inferred(self, op: Operation, obj_ptr: str, key: str, item: Any, label: str, where: str) -> None:
        """A field only a derived body has (a failure's reason where the vendor documents none) is
        mockserver's inference: declared with an `x-mock-inferred` mark, never as the vendor's."""
        spec, at = op.spec, join(obj_ptr, "properties", key)
        schema = {
            "type": json_type(item),
            "x-mock-inferred": "mockserver's derived bodies send it; the vendor documents no such field",
        }
        if isinstance(item, dict):
            schema["properties"] = {k: {"type": json_type(v)} for k, v in item.items()}
        self.findings.add(
            spec,
            obj_ptr,
            "undeclared-field",
            key,
            lambda: Finding(
                spec.label,
                obj_ptr,
                "undeclared-field",
                f"{where.lstrip('.') or 'the body'} gets '{key}' in mockserver's derived bodies (INFERRED: "
                "the vendor documents no field for it)",
                f"declared '{key}' as {json_type(item)}, marked x-mock-inferred",
                ("set", at, schema),
            ),
            label,
        )

"""Where a published request schema is stricter than the vendor: `null` for an optional field.

The vendors accept a JSON request body that sends `null` for a field it may leave out (clients
built from typed models send them). A published schema that refuses such a `null` is stricter
than the vendor, so each optional property of every JSON request body, at any depth, is a
finding whose repair lets it be `null`. The fake accepts such a request and journals the `null`
as a `tolerated` violation of the published spec (`engine/validation.py`).
"""

from __future__ import annotations

from .findings import Finding, Findings
from .openapi import Operation
from .pointers import join
from .schema_view import SchemaView

KIND = "request-null-refused"
MAX_DEPTH = 16  # request schemas nest a few levels; a recursive $ref stops here


class RequestNulls:
    """Finds every optional request property whose published schema refuses `null`."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings

    def check(self, op: Operation) -> None:
        ptr = join(op.pointer, "requestBody", "content", "application/json", "schema")
        try:
            view = SchemaView(op.spec.resolver, ptr)
        except KeyError:
            return
        if view.parts:
            self._walk(op, view, "", 0)

    def _walk(self, op: Operation, view: SchemaView, where: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        required = {name for _, node in view.parts for name in node.get("required") or []}
        for name, ptr in view.properties().items():
            child = SchemaView(op.spec.resolver, ptr)
            field = f"{where}.{name}".lstrip(".")
            if name not in required:
                self._refuses_null(op, child, field)
            self._walk(op, child, field, depth + 1)
        items = view.items()
        if items is not None:
            self._walk(op, items, f"{where}[]", depth + 1)
        for ptr, node in view.parts:  # each branch of a union (HeyGen v3's video types) on its own
            for key in ("oneOf", "anyOf"):
                for i, _ in enumerate(node.get(key) or []):
                    self._walk(op, SchemaView(op.spec.resolver, join(ptr, key, i)), where, depth + 1)

    def _refuses_null(self, op: Operation, view: SchemaView, field: str) -> None:
        declared = view.types()
        if declared is None or "null" in declared[1]:
            return  # no type (anything goes, null too) or null already allowed
        tptr, kinds = declared
        spec = op.spec
        wanted = " or ".join(sorted(kinds))
        self.findings.add(
            spec,
            tptr,
            KIND,
            "",
            lambda: Finding(
                spec.label,
                tptr,
                KIND,
                f"optional request field {field} is declared {wanted}, so null is refused; "
                f"the vendor accepts null for a field the request may leave out",
                "type also allows null (the fake accepts it and journals a 'tolerated' violation)",
                ("types", tptr, "null"),
            ),
            f"{op.method.upper()} {op.path}",
        )

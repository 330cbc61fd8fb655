"""Enum values that carry their description (`"pending: Waiting in queue"`).

Some vendors document an enum value together with its meaning; the wire only ever carries
the bare word. Every enum check compares against the bare words, and each described value
is a finding whose repair keeps only the word.
"""

from __future__ import annotations

import re
from typing import Any

from .findings import Finding, Findings
from .openapi import Operation
from .pointers import join
from .schema_view import SchemaView

DESCRIBED_ENUM = re.compile(r"^([A-Za-z_][\w-]*): .+$")


def bare_enum(values: list[Any]) -> list[Any]:
    """`"pending: Waiting in queue"` -> `"pending"`; other values unchanged."""
    out = []
    for v in values:
        m = DESCRIBED_ENUM.match(v) if isinstance(v, str) else None
        out.append(m.group(1) if m else v)
    return out


def status_enum(op: Operation) -> list[str]:
    """The bare words the 200 body's status field may take, or [] if the schema has no enum there."""
    schema_ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
    try:
        view = SchemaView(op.spec.resolver, schema_ptr).at_path(op.profile.status_field)
    except KeyError:
        return []
    found = view.first("enum") if view else None
    return bare_enum(found[1]) if found else []


class DescribedEnums:
    """Finds described enum values anywhere in an operation's response schemas."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings

    def check(self, op: Operation) -> None:
        self._spellings(op)
        seen: set[str] = set()
        for code in op.raw.get("responses") or {}:
            ptr = join(op.pointer, "responses", code, "content", "application/json", "schema")
            try:
                self._walk(op, SchemaView(op.spec.resolver, ptr), seen, 0)
            except KeyError:
                continue

    def _spellings(self, op: Operation) -> None:
        """A status enum that names one spelling of a finished state (`completed`) but not the others
        the vendor is known to send for it (`success`, in its profile's status words, with their
        sources): the tolerant effective spec accepts them all, as robust clients do."""
        schema_ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
        try:
            view = SchemaView(op.spec.resolver, schema_ptr).at_path(op.profile.status_field)
        except KeyError:
            return
        found = view.first("enum") if view else None
        if not found:
            return
        ptr, values = found
        words = bare_enum(values)
        profile = op.profile
        classes = {profile.status_class(w) for w in words} & {"success", "failure"}
        for cls in sorted(c for c in classes if c):
            for word in getattr(profile, cls):
                if word not in words:
                    self._spelling(op, ptr, cls, word)

    def _spelling(self, op: Operation, ptr: str, cls: str, word: str) -> None:
        vendor = op.profile.vendor
        self.findings.add(
            op.spec,
            join(ptr, "enum"),
            "status-spelling",
            word,
            lambda: Finding(
                op.spec.label,
                join(ptr, "enum"),
                "status-spelling",
                f"the status enum leaves out '{word}', which the {vendor} profile counts as a {cls} "
                "status (INFERRED: seen in the wild or in sibling operations, not in this document)",
                f"enum also allows '{word}', so a tolerant client's check accepts it",
                ("enum_add", ptr, word),
            ),
        )

    def _walk(self, op: Operation, view: SchemaView, seen: set[str], depth: int) -> None:
        if view.pointer in seen or depth > 32:
            return
        seen.add(view.pointer)
        found = view.first("enum")
        if found:
            self._enum(op, *found)
        for name in view.properties():
            child = view.child(name)
            if child:
                self._walk(op, child, seen, depth + 1)
        items = view.items()
        if items:
            self._walk(op, items, seen, depth + 1)

    def _enum(self, op: Operation, ptr: str, values: list[Any]) -> None:
        fixed = bare_enum(values)
        for i, (old, new) in enumerate(zip(values, fixed, strict=True)):
            if old != new:
                at = join(ptr, "enum", i)
                self.findings.add(
                    op.spec,
                    at,
                    "enum-with-description",
                    "",
                    lambda at=at, old=old, new=new: Finding(
                        op.spec.label,
                        at,
                        "enum-with-description",
                        f"enum value '{old}' carries its description; the vendor sends '{new}'",
                        f"enum value '{new}'",
                        ("enum", ptr, fixed),
                    ),
                )

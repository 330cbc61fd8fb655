"""Example values that contradict each other, their description, or the vendor's other documents.

Rules over any spec: timestamps out of order (a link that expires before the job was
created, an update before the creation), placeholders where a URL is described, and one
field typed differently across one vendor's documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .bodies import Example
from .findings import Findings
from .lint_prose import documented_in
from .openapi import Operation
from .paths import lookup
from .pointers import join
from .schema_view import SchemaView

PLACEHOLDER = re.compile(r"^<[^<>]+>$")
LIFETIME = re.compile(r"expires? (?:in|after) (\d+) days?", re.I)
DAY = 86400


def leaves(body: Any, where: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Dotted path and value of every scalar in a body (list items as `a[]`)."""
    if depth > 32:
        return
    if isinstance(body, dict):
        for k, v in body.items():
            yield from leaves(v, f"{where}.{k}" if where else str(k), depth + 1)
    elif isinstance(body, list):
        for v in body:
            yield from leaves(v, f"{where}[]", depth + 1)
    else:
        yield where, body


def _view(op: Operation, code: int, dotted: str) -> SchemaView | None:
    ptr = join(op.pointer, "responses", str(code), "content", "application/json", "schema")
    try:
        return SchemaView(op.spec.resolver, ptr).at_path(dotted) if "[]" not in dotted else None
    except KeyError:
        return None


def _described(view: SchemaView | None) -> str:
    found = view.first("description") if view else None
    return str(found[1]) if found else ""


class ValueCheck:
    """The value rules; `examples` are each operation's documented and derived bodies."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings

    def run(self, operations: list[Operation], examples: dict[str, list[Example]]) -> None:
        for op in operations:
            for ex in examples.get(op.name, []):
                if not ex.derived:
                    self._time_order(op, ex)
                    self._placeholders(op, ex)
        self._cross_spec_types(operations)

    def _time_order(self, op: Operation, ex: Example) -> None:
        created_field = next((f for f in op.profile.created_fields if _stamp(lookup(ex.body, f))), None)
        if created_field is None:
            return
        created = lookup(ex.body, created_field)
        for where, value in leaves(ex.body):
            if where in op.profile.updated_fields and _stamp(value) and _stamp(value) < created:
                said = f"{where} {value} is before {created_field} {created}"
            elif isinstance(value, str) and (expires := _expires(value)) and expires < created:
                days = (created - expires) / DAY
                said = f"{where} expires at {expires} (Expires=), {days:.0f} days before {created_field} {created}"
                lifetime = LIFETIME.search(_described(_view(op, ex.status_code, where)))
                if lifetime:
                    said += f", while its description says links expire {lifetime.group(1)} days after"
            else:
                continue
            self.findings.note(
                op.spec,
                ex.pointer,
                "example-time-order",
                f"{documented_in(op.spec)}: in example '{ex.name}', {said}",
                self._time_repair(op, where),
                key=where,
            )

    def _time_repair(self, op: Operation, where: str) -> str:
        links = op.profile.media_links
        if where in op.profile.media and links:
            return (
                f"none in the spec: mockserver serves its own link for {where}, expiring "
                f"{links.lifetime / DAY:g} days after it is made (profile media_links); "
                "--vendor-urls serves the vendor's link as written"
            )
        return "none: the example is served as the vendor wrote it; the fake stamps its own bodies in order"

    def _placeholders(self, op: Operation, ex: Example) -> None:
        for where, value in leaves(ex.body):
            if not (isinstance(value, str) and PLACEHOLDER.match(value)):
                continue
            view = _view(op, ex.status_code, where)
            is_url = where.endswith("_url") or "URL" in _described(view) or bool(view and view.is_uri())
            if not is_url:
                continue
            asset = op.profile.media.get(where)
            repair = (
                f"none in the spec: mockserver serves its own link to {asset} for {where} (profile media); "
                "--vendor-urls serves the placeholder as written"
                if asset
                else "none: served as the vendor wrote it; a client cannot fetch it"
            )
            self.findings.note(
                op.spec,
                ex.pointer,
                "placeholder-value",
                f"{documented_in(op.spec)}: in example '{ex.name}', {where} is described as a URL but holds the "
                f"placeholder {value!r}",
                repair,
                key=where,
            )

    def _cross_spec_types(self, operations: list[Operation]) -> None:
        """One body field typed number in one of a vendor's documents and integer in another."""
        seen: dict[tuple[str, str], dict[str, list[tuple[Operation, str]]]] = {}
        for op in operations:
            if "supplement" in op.spec.path.parts:  # ours, not one of the vendor's own documents
                continue
            for where, tptr, kinds in _typed_fields(op):
                seen.setdefault((op.vendor, where), {}).setdefault(kinds, []).append((op, tptr))
        for (_, where), by_type in seen.items():
            integer = sorted({Path(o.spec.label).name for o, _ in by_type.get("integer", [])})
            for op, tptr in by_type.get("number", []) if integer else []:
                self.findings.note(
                    op.spec,
                    tptr,
                    "cross-spec-type",
                    f"{documented_in(op.spec)}: {where} is typed number here but integer in {', '.join(integer)}; "
                    "a client written for the integer documents may break on a float",
                    "none: number already accepts every integer the vendor's other documents promise",
                )


def _typed_fields(op: Operation) -> Iterator[tuple[str, str, str]]:
    """Every field of the 200 body with its declared type (null left out), breadth first."""
    ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
    try:
        todo = [("", SchemaView(op.spec.resolver, ptr))]
    except KeyError:
        return
    seen: set[str] = set()
    for _ in range(500):  # a bound for recursive schemas: each pointer is read once
        if not todo:
            return
        where, view = todo.pop(0)
        if view.pointer in seen:
            continue
        seen.add(view.pointer)
        for name in view.properties():
            child = view.child(name)
            if child is None:
                continue
            dotted = f"{where}.{name}" if where else name
            declared = child.types()
            if declared:
                kinds = "|".join(sorted(declared[1] - {"null"}))
                yield dotted, declared[0], kinds
            todo.append((dotted, child))


def _stamp(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _expires(url: str) -> int | None:
    try:
        got = parse_qs(urlsplit(url).query).get("Expires")
    except ValueError:
        return None
    return int(got[0]) if got and got[0].isdigit() else None

"""The strict spec: what a client may rely on, built from the tolerant (effective) one.

The effective spec is tolerant: it accepts everything the vendor is known to send. The strict
one adds what every documented body of a response shows, so a client may count on it:
- a field present in every body the fake serves for an HTTP status (its documented examples,
  or the vendor's error envelopes at that status) is `required` there;
- a field present in every example of one lifecycle status (`data.status: completed`) is
  required for bodies with that status (an `if`/`then` on the status field);
- the status field's enum is closed: the declared words and those the examples send, no other.
Types are the tolerant spec's, which already keeps only those some body sends.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .bodies import Example, status_of
from .described_enums import bare_enum
from .openapi import Operation
from .paths import lookup

MAX_DEPTH = 16


def strict_document(
    effective: dict[str, Any], operations: Iterable[Operation], examples: dict[str, dict[str, Example]]
) -> dict[str, Any]:
    doc = copy.deepcopy(effective)
    doc["info"] = {
        **doc["info"],
        "title": "mockserver strict spec",
        "description": "What a client may rely on: the effective spec, with every field each documented "
        "body of a status carries required (per lifecycle status too) and status enums closed. "
        "Generated; do not edit.",
    }
    for op in operations:
        responses = doc["paths"][op.route][op.method].get("responses") or {}
        for code, response in responses.items():
            media = ((response or {}).get("content") or {}).get("application/json") or {}
            if str(code).isdigit() and isinstance(media.get("schema"), dict):
                served = [ex.body for ex in examples.get(op.name, {}).values() if str(ex.status_code) == code]
                served += _without_echoes(op, served) if code == "200" else []
                _tighten(op, media, served, _errors_at(op, int(code)))
    return doc


def _without_echoes(op: Operation, served: list[Any]) -> list[Any]:
    """A record shown at `at` leaves out the request fields the caller did not set (`absent: omit`):
    the fake serves those bodies too, so a client may not rely on those fields."""
    res = op.resource
    names = res.echoes() if res is not None and res.at else []
    out = []
    for body in served if names else []:
        body = copy.deepcopy(body)
        record = lookup(body, res.at or "")
        if isinstance(record, dict):
            for name in names:
                record.pop(name, None)
            out.append(body)
    return out


def _errors_at(op: Operation, code: int) -> list[Any]:
    """The vendor's error bodies answered with this HTTP status (by default or with --http-errors)."""
    return [e.render("detail") for e in op.profile.errors.values() if code in (e.status, e.http_status)]


def _tighten(op: Operation, media: dict[str, Any], served: list[Any], errors: list[Any]) -> None:
    branches = []
    if served:
        _close_status(op, media["schema"], served)
        branches.append(_by_status(op, served))
    if errors:  # the vendor's envelope as its profile declares it, with the fields each error carries
        branches.append({"allOf": [copy.deepcopy(op.profile.error_schema), required_in_all(errors)]})
    branches = [b for b in branches if b]
    if not branches:
        return
    rule = branches[0] if len(branches) == 1 else {"anyOf": branches}
    media["schema"] = {"allOf": [media["schema"], rule]}


def required_in_all(bodies: list[Any], depth: int = 0) -> dict[str, Any]:
    """The fields every body carries, as `required` at each object depth."""
    if depth > MAX_DEPTH or not bodies or not all(isinstance(b, dict) for b in bodies):
        return {}
    keys = set(bodies[0]).intersection(*bodies[1:])
    if not keys:
        return {"type": "object"}
    schema: dict[str, Any] = {"type": "object", "required": sorted(keys)}
    inner = {k: required_in_all([b[k] for b in bodies], depth + 1) for k in sorted(keys)}
    inner = {k: v for k, v in inner.items() if v.get("required")}
    if inner:
        schema["properties"] = inner
    return schema


def _by_status(op: Operation, served: list[Any]) -> dict[str, Any]:
    """Required in every served body, and per lifecycle status in every body with that status."""
    schema = required_in_all(served)
    groups: dict[Any, list[Any]] = {}
    for body in served:
        status = status_of(body, op.profile)
        if isinstance(status, str):
            groups.setdefault(status, []).append(body)
    rules = [
        {"if": _status_is(op.profile.status_field, status), "then": then}
        for status, bodies in sorted(groups.items())
        if (then := required_in_all(bodies)) != schema
    ]
    if rules:
        schema = {"allOf": [schema, *rules]} if schema else {"allOf": rules}
    return schema


def _status_is(dotted: str, status: str) -> dict[str, Any]:
    """A schema matching a body whose status field (`data.status`) is `status`."""
    node: dict[str, Any] = {"const": status}
    for name in reversed(dotted.split(".")):
        node = {"type": "object", "properties": {name: node}, "required": [name]}
    return node


def _close_status(op: Operation, schema: dict[str, Any], served: list[Any]) -> None:
    """The status field allows the declared words and those served, nothing else."""
    sent = [s for s in (status_of(b, op.profile) for b in served) if isinstance(s, str)]
    if not sent:
        return
    field = _field(schema, op.profile.status_field.split("."), 0)
    if field is None:
        return
    words = [w for w in bare_enum(field.get("enum") or []) if isinstance(w, str)]
    field["enum"] = words + sorted({w for w in sent if w not in words})


def _field(schema: Any, names: list[str], depth: int) -> dict[str, Any] | None:
    """The (inlined) schema of a dotted field, through `properties` and `allOf`."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    if not names:
        return schema
    found = (schema.get("properties") or {}).get(names[0])
    if found is not None:
        return _field(found, names[1:], depth + 1)
    for part in schema.get("allOf") or []:
        hit = _field(part, names, depth + 1)
        if hit is not None:
            return hit
    return None

"""Checking each incoming request against its operation: auth, parameters, types.

Validators are compiled once per operation at start-up. A check returns violations with
a JSON Pointer into the vendor's file, so a client author can see which rule they broke.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from ..spec.openapi import Operation, Parameter
from ..spec.pointers import join
from ..spec.schema_view import normalize_31
from .json_body import BadJson, load_json

TOLERATED = "tolerated"
MAX_TOLERATED = 50  # journaled per request; a body of a thousand nulls is accepted all the same


@dataclass
class Violation:
    operation: str
    kind: str  # auth, missing, invalid, tolerated (refused by the published spec, accepted by the vendor)
    pointer: str
    message: str
    spec: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "operation": self.operation,
            "kind": self.kind,
            "spec": self.spec,
            "pointer": self.pointer,
            "message": self.message,
        }


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """Query and path values arrive as text; read them the way the schema's type says."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    for kind in kinds:
        try:
            if kind == "integer":
                return int(raw)
            if kind == "number":
                return float(raw)
        except ValueError:
            continue
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
    return raw


_NOTES = {"type", "description", "title", "example", "examples", "deprecated"}


def _any_text(schema: dict[str, Any]) -> bool:
    """`{"type": "string"}` and notes: every value that arrives as text passes, so skip the check."""
    return schema.get("type") == "string" and set(schema) <= _NOTES


class RequestValidator:
    """The compiled checks for one operation."""

    def __init__(
        self, op: Operation, api_keys: frozenset[str] | None = None, tolerant: dict[str, Any] | None = None
    ) -> None:
        """`tolerant` is the effective spec's request body schema: what the vendor accepts."""
        self.op = op
        self.api_keys = api_keys
        self.security_pointer = join(op.pointer, "security") if "security" in op.raw else "/security"
        self.body_pointer = join(op.pointer, "requestBody", "content", "application/json", "schema")
        self.body_required = bool((op.raw.get("requestBody") or {}).get("required", False))
        self.body: Any = None
        content = (op.raw.get("requestBody") or {}).get("content") or {}
        # raw bytes (an upload): no JSON schema, the declared media types are the contract
        self.media = () if "application/json" in content else tuple(str(m).lower() for m in content)
        if "requestBody" in op.raw:
            try:
                schema = normalize_31(op.spec.resolver.inline(self.body_pointer))
            except KeyError:
                schema = None
            # formats too (`format: uri` on a webhook_url): a declared format is part of the contract
            self.body = (
                jsonschema_rs.validator_for(schema, validate_formats=True) if schema is not None else None
            )
        self.tolerant = (
            jsonschema_rs.validator_for(tolerant, validate_formats=True)
            if tolerant is not None and self.body
            else None
        )
        self.params: list[tuple[Parameter, Any]] = []
        for p in op.parameters:
            compiled = jsonschema_rs.validator_for(p.schema) if p.schema and not _any_text(p.schema) else None
            self.params.append((p, compiled))

    def check_body(self, raw: bytes) -> tuple[list[Violation], Any]:
        """The JSON body's violations, and the body itself (None when absent or not JSON)."""
        op, ptr, label = self.op, self.body_pointer, self.op.spec.label
        if self.body is None:
            return [], None
        if not raw.strip():
            if self.body_required:
                return [Violation(op.name, "missing", ptr, "missing the JSON request body", label)], None
            return [], None
        try:
            value = load_json(raw)
        except BadJson as exc:
            return [Violation(op.name, "invalid", ptr, f"the request body is not JSON ({exc})", label)], None
        if self.body.is_valid(value):
            return [], value
        if self.tolerant is not None and self.tolerant.is_valid(value):
            return self._tolerated(value), value
        errors = itertools.islice((self.tolerant or self.body).iter_errors(value), 5)
        return [
            Violation(op.name, "invalid", ptr, f"request body: {e.message}", label) for e in errors
        ], value

    def check_media(self, content_type: str, raw: bytes) -> list[Violation]:
        """A raw-bytes body: present when required, and sent as one of the declared media types
        (the Content-Type is the body's only schema, so a type the spec lists not is refused)."""
        op, label = self.op, self.op.spec.label
        ptr = join(op.pointer, "requestBody", "content")
        if not raw:
            if self.body_required:
                return [
                    Violation(op.name, "missing", ptr, "missing the request body (the file's bytes)", label)
                ]
            return []
        kind = content_type.split(";")[0].strip().lower()
        if any(kind == m or (m.endswith("/*") and kind.startswith(m[:-1])) for m in self.media):
            return []
        message = f"Content-Type '{kind or '(none)'}' is not one of {', '.join(self.media)}"
        return [Violation(op.name, "invalid", ptr, message, label)]

    def _tolerated(self, value: Any) -> list[Violation]:
        """What the published schema refuses but the vendor accepts (a `null` optional field)."""
        op, ptr, label = self.op, self.body_pointer, self.op.spec.label
        out: dict[str, Violation] = {}  # one per field: a null breaks its type and its enum alike
        for e in itertools.islice(self.body.iter_errors(value), MAX_TOLERATED):
            at = "/" + "/".join(str(p) for p in e.instance_path)
            message = f"request body {at}: {e.message} in the published spec; the vendor accepts it"
            out.setdefault(at, Violation(op.name, TOLERATED, ptr, message, label))
        return list(out.values())

    def check(
        self, path_params: Mapping[str, str], query: Mapping[str, str], headers: Mapping[str, str]
    ) -> list[Violation]:
        """The request's violations of its auth and parameters (the body is `check_body`'s)."""
        out = self._auth(headers)
        for p, compiled in self.params:
            location = p.location
            source = query if location == "query" else path_params if location == "path" else headers
            if location not in ("query", "path", "header"):
                continue
            raw = source.get(p.name.lower() if location == "header" else p.name)
            if raw is None or (raw == "" and p.required):  # an empty id is no id
                if p.required:
                    message = f"missing required {p.location} parameter '{p.name}'"
                    out.append(Violation(self.op.name, "missing", p.pointer, message, self.op.spec.label))
                continue
            if compiled is not None:
                value = _coerce(raw, p.schema)
                if not compiled.is_valid(value):
                    err = next(iter(compiled.iter_errors(value)))
                    message = f"{p.location} parameter '{p.name}': {err.message}"
                    at = join(p.pointer, "schema")
                    out.append(Violation(self.op.name, "invalid", at, message, self.op.spec.label))
        return out

    def _auth(self, headers: Mapping[str, str]) -> list[Violation]:
        op, out = self.op, []
        for header in op.auth_headers:
            key = headers.get(header)
            if not key:
                message = f"missing the {header} header"
            elif self.api_keys is not None and key not in self.api_keys:
                message = f"the {header} key is not a known key"
            else:
                continue
            out.append(Violation(op.name, "auth", self.security_pointer, message, op.spec.label))
        return out

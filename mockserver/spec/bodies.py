"""Turning documented examples into JSON bodies, and deriving the ones the vendor left out.

HeyGen publishes some examples as strings of JSON wrapped in `//` and `/* */` comments;
JoggAI publishes none, only schema-level `example` values. Both become plain bodies here.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from .openapi import Operation
from .paths import assign, lookup
from .pointers import join
from .profile import Profile
from .schema_view import SchemaView

# The reason a derived failure gives: plain words, as a vendor would write them (that the body is
# derived is said by the effective spec and the `x-mock-derived` header, never inside the body).
DERIVED_FAILURE = "Generation failed"


@dataclass
class Example:
    """One body the fake can serve for an operation."""

    name: str
    status_code: int
    body: Any
    pointer: str  # where it stands in the vendor file (the schema, for derived ones)
    derived: bool = False
    was_text: bool = False


def strip_comments(text: str) -> str:
    """Remove `//` and `/* */` comments outside JSON strings, so URLs with `//` survive."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
        elif ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_text_example(text: str) -> Any:
    """Parse an example written as (commented) JSON text; ValueError if it is not JSON."""
    return json.loads(strip_comments(text))


def status_of(body: Any, profile: Profile) -> Any:
    return lookup(body, profile.status_field)


def documented(op: Operation) -> tuple[list[Example], list[tuple[str, str]]]:
    """Every example the vendor wrote for the operation, and the ones that could not be parsed."""
    examples: list[Example] = []
    broken: list[tuple[str, str]] = []
    responses = op.raw.get("responses") or {}
    for code in responses:
        if not str(code).isdigit():
            continue
        try:  # the response may itself be a $ref (`#/components/responses/NotFound`): follow it first
            response_ptr, _ = op.spec.resolver.follow(join(op.pointer, "responses", code))
            media_ptr = join(response_ptr, "content", "application/json")
            _, media = op.spec.resolver.follow(media_ptr)
        except KeyError:
            continue
        entries: list[tuple[str, str, Any]] = []
        for name in media.get("examples") or {}:
            ex_ptr, entry = op.spec.resolver.follow(join(media_ptr, "examples", name))
            value = entry.get("value") if isinstance(entry, dict) else None
            entries.append((str(name), join(ex_ptr, "value"), value))
        if "example" in media:
            entries.append((str(code), join(media_ptr, "example"), media["example"]))
        for name, ptr, value in entries:
            was_text = isinstance(value, str)
            if was_text:
                try:
                    value = parse_text_example(value)
                except ValueError as exc:
                    broken.append((ptr, f"example '{name}' is text that is not JSON ({exc})"))
                    continue
            examples.append(Example(str(name), int(code), value, ptr, was_text=was_text))
    return examples, broken


def derive(op: Operation, enum_values: list[str]) -> list[Example]:
    """One coherent body per status value, from schema-level `example`s (JoggAI has no examples)."""
    schema_ptr = join(op.pointer, "responses", "200", "content", "application/json", "schema")
    try:
        view = SchemaView(op.spec.resolver, schema_ptr)
    except KeyError:
        return []
    base = view.assemble()
    if not isinstance(base, dict):
        return []
    profile = op.profile
    values = enum_values or [status_of(base, profile)]
    derived: list[Example] = []
    for value in values:
        if value is None:
            continue
        body = copy.deepcopy(base)
        assign(body, profile.status_field, value)
        cls = profile.status_class(value)
        if cls != "success":
            _drop_results(body, view)
        if cls == "failure":
            _give_reason(body, view, profile)
        derived.append(Example(str(value), 200, body, view.pointer, derived=True))
    return derived


def undocumented_body(op: Operation, code: str) -> Example | None:
    """A body for a documented response the vendor gave no example: its schema-level examples,
    or else the profile's error envelope with the response's description as the message."""
    try:
        rptr, response = op.spec.resolver.follow(join(op.pointer, "responses", code))
    except KeyError:
        return None
    if not code.isdigit() or not isinstance(response, dict):
        return None
    schema_ptr = join(rptr, "content", "application/json", "schema")
    try:
        body = SchemaView(op.spec.resolver, schema_ptr).assemble()
    except KeyError:
        body = None
    if not isinstance(body, dict) or not body:
        said = str(response.get("description") or "").strip() or f"HTTP {code}"
        body = _envelope(op.profile.error_schema, int(code), said)
        schema_ptr = rptr
    return Example(code, int(code), body, schema_ptr, derived=True)


def _envelope(schema: dict[str, Any], code: int, message: str) -> dict[str, Any]:
    """The vendor's error envelope filled in: integers take the HTTP code, strings the message."""
    out: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        kinds = prop.get("type") if isinstance(prop, dict) else None
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds or "number" in kinds:
            out[name] = code
        elif "string" in kinds:
            out[name] = message
        else:
            out[name] = None
    return out


def _give_reason(body: Any, view: SchemaView, profile: Profile) -> None:
    """A failure's reason goes in a field beside its status (`data.msg`), never in the envelope's
    message next to a success code: the first such field the schema declares, else the first the
    profile names there (the effective spec then declares it, marked inferred)."""
    parent = profile.status_field.rpartition(".")[0]
    beside = [f for f in profile.failure_message_fields if f.rpartition(".")[0].startswith(parent)]
    declared = [f for f in beside if view.at_path(f) is not None]
    for field_path in declared or beside[:1]:
        *outer, _ = field_path.split(".")
        for i in range(len(parent.split(".")) if parent else 0, len(outer)):
            assign(body, ".".join(outer[: i + 1]), lookup(body, ".".join(outer[: i + 1])) or {})
        if assign(body, field_path, DERIVED_FAILURE):
            return


def _drop_results(body: Any, view: SchemaView) -> None:
    """Results exist only once a job succeeds: URL fields go, lists (of URLs, of image keys)
    become empty, so an unfinished or failed job lists nothing a finished one would."""
    if not isinstance(body, dict):
        return
    for name in list(body):
        child = view.child(name)
        if child is None:
            continue
        if isinstance(body[name], list):
            body[name] = []
        elif child.is_uri():
            del body[name]
        elif isinstance(body[name], dict):
            _drop_results(body[name], child)

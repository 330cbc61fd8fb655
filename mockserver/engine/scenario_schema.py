"""Scenario structure: the shipped JSON Schema, and its errors in the words the meaning checks use.

`scenario_file` checks a scenario's structure here first, then its meaning against the
catalog; each schema error becomes one `ConfigError` line naming the scenario's or step's line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

import jsonschema_rs

from ..spec.errors import ConfigError, pointer
from ..spec.reader import LINE, read_document
from .options import DEFAULT_SCENARIOS
from .scenario import MAX_DELAY, STEP_KINDS
from .sendable import unsendable

SCHEMA = DEFAULT_SCENARIOS / "scenario.schema.json"
DURATION_FIX = "use a number of seconds or 500ms, 30s, 2m, 1h, at most 10 years"
DELAY_FIX = (
    "use 'delay: 2s', 'delay: {uniform: [0.1, 0.5]}' or 'delay: {lognormal: {median: 0.2, sigma: 0.5}}', "
    f"each at most {MAX_DELAY:g} s, sigma 0 to 10"
)
ACCOUNT_FIX = "write 'accounts: [{account: heygen, key: MY_KEY, credit: 5}]' (or 'match: REGEX' for 'key')"
LIMIT_FIX = "write 'limit: {requests: 20, per: 1m}' (a window of at most 10 years)"
# A schema error in plain words, by the key it is at ({value} is that key's value, {name} the scenario's)...
AT_KEY = {
    "name": (
        "scenario name '{value}' is blank, not text, or has a control character",
        "write 'name: my-scenario' on one line, without tabs or control characters",
    ),
    "steps": ("scenario '{name}' has no list of steps", "add a 'steps:' list (or a 'limit:')"),
    "polls": ("'polls: {value}' is not a positive whole number", "use 1 or more"),
    "for": ("bad duration 'for: {value}'", DURATION_FIX),
    "delay": ("bad delay '{value}'", DELAY_FIX),
    "status": (
        "status '{value}' is not a final HTTP status",
        "use 200 to 599 (a 1xx status is informational, never the answer)",
    ),
    "fuzz": ("'fuzz: {value}' must be 'fuzz: true'", "write 'fuzz: true'"),
    "headers": ("bad headers '{value}'", "write 'headers: {Name: value}' with text or number values"),
    "limit": ("bad limit '{value}'", LIMIT_FIX),
    "requests": ("limit requests '{value}' is not a positive whole number", LIMIT_FIX),
    "per": ("bad limit window 'per: {value}'", LIMIT_FIX),
}
# ...or, for an error in a scenario or step as a whole, by what it is in and the schema keyword.
AT_UNIT = {
    ("scenario", "type"): ("a scenario is not a mapping", "write 'name:', 'operation:', 'steps:'"),
    ("scenario", "anyOf"): ("scenario '{name}' has no steps", "add a 'steps:' list (or a 'limit:')"),
    ("step", "type"): ("a step of '{name}' is not a mapping", "write '- example: NAME'"),
    ("step", "oneOf"): ("a step must serve exactly one of {kinds} (got {got})", "keep one"),
    ("step", "not"): ("a step has both 'polls' and 'for'", "keep one of the two"),
}
REQUIRED = {
    "name": "add 'name: my-scenario'",
    "operation": "add 'operation: heygen.video_status', or '*' for any",
}
TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false"}
TYPE_WORDS |= {"object": "a mapping", "array": "a list"}


def strip_lines(node: Any, key: Callable[[Any], Any] = lambda k: k) -> Any:
    """A scenario body without the loader's line markers (for the schema, `key=str`: keys as written)."""
    if isinstance(node, dict):
        return {key(k): strip_lines(v, key) for k, v in node.items() if k != LINE}
    if isinstance(node, list):
        return [strip_lines(v, key) for v in node]
    return node


def line_of(node: Any) -> str:
    return f"line {node[LINE]}" if isinstance(node, dict) and LINE in node else ""


@functools.cache
def _schema() -> dict[str, Any] | None:
    """The shipped schema, read once; None where it is not installed (then only the meaning is checked)."""
    return read_document(SCHEMA) if SCHEMA.is_file() else None


@functools.cache
def _validator() -> jsonschema_rs.Validator | None:
    """The schema's one-scenario definition, compiled once: files are unwrapped before it is applied."""
    schema = _schema()
    if schema is None:
        return None
    one = {k: v for k, v in schema.items() if k != "oneOf"} | {"$ref": "#/$defs/scenario"}
    return jsonschema_rs.Draft202012Validator(one, validate_formats=False)  # regexes: Python's `re` judges


def check_structure(raw: Any, label: str) -> None:
    """Refuse what the schema refuses, in one line naming the scenario's or step's line."""
    check_sendable(raw, label)
    validator = _validator()
    if validator is None:
        if not isinstance(raw, dict):
            raise ConfigError(label, "", *AT_UNIT["scenario", "type"])
        return
    plain = strip_lines(raw, str)
    try:
        errors = list(validator.iter_errors(plain))
    except ValueError as exc:  # a YAML value JSON has no word for, e.g. a !!set
        raise ConfigError(
            label, line_of(raw), f"a value is not plain data ({exc})", "use text, numbers, lists, mappings"
        ) from None
    if errors:  # a misspelt key explains the rest; else the deepest error is the most precise
        error = min(errors, key=lambda e: (e.kind.name != "additionalProperties", -len(e.instance_path)))
        where = line_of(_unit_of(raw, error.instance_path)) or line_of(raw) or pointer(*error.instance_path)
        raise ConfigError(label, where, *_words(error, plain))


def check_sendable(raw: Any, label: str) -> None:
    """Refuse text or numbers the fake could never send (a lone surrogate, NaN, .inf), wherever
    they are: a body, a header, even a description (it is listed by the admin API)."""
    found = unsendable(strip_lines(raw))
    if found:
        problem, path = found
        where = line_of(_unit_of(raw, path)) or line_of(raw)  # the problem names the pointer
        raise ConfigError(
            label,
            where,
            f"{problem} at {pointer(*path) or '/'}: the fake could not send it as JSON",
            "use finite numbers and text without lone surrogates (\\ud800-\\udfff escapes)",
        )


def _unit_of(raw: Any, path: Sequence[str | int]) -> Any:
    """The scenario or step an error is in: the units its line is reported on."""
    steps = raw.get("steps") if isinstance(raw, dict) else None
    if len(path) > 1 and path[0] == "steps" and isinstance(steps, list) and isinstance(path[1], int):
        return steps[path[1]]
    return raw


def _words(error: jsonschema_rs.ValidationError, plain: Any) -> tuple[str, str]:
    """What a schema error means, and the fix, in the words the meaning checks use too."""
    kind, path = error.kind, list(error.schema_path)
    keys = [path[i + 1] for i, p in enumerate(path[:-1]) if p == "properties"]
    unit = path[path.index("$defs") + 1] if "$defs" in path else "scenario"
    name = plain.get("name") if isinstance(plain, dict) else None
    if keys:
        key = keys[-1]
        value = _value_at(plain, error.instance_path, key)
        if key == "headers" and isinstance(value, dict):
            return _header_words(error)
        if key in AT_KEY:
            problem, fix = AT_KEY[key]
            return problem.format(value=value, name=name), fix
        if kind.name == "enum":
            return f"unknown {key} '{value}'", f"use one of {', '.join(map(str, kind.options))}"
        if kind.name == "type":
            words = " or ".join(TYPE_WORDS.get(t, t) for t in kind.types if t != "null")  # null: leave it out
            return f"'{key}: {value}' is not {words}", f"write '{key}:' as {words}"
        return f"'{key}: {value}' is not valid ({error.message})", f"see {SCHEMA.name}"
    if kind.name == "additionalProperties":
        known = (_schema() or {})["$defs"][unit]["properties"]
        what = "step key" if unit == "step" else "key"
        return f"unknown {what} '{sorted(kind.unexpected)[0]}'", f"use only {', '.join(known)}"
    if kind.name == "required":
        return f"scenario has no '{kind.property}'", REQUIRED.get(kind.property, f"add '{kind.property}:'")
    if (unit, kind.name) in AT_UNIT:
        problem, fix = AT_UNIT[unit, kind.name]
        got = [k for k in STEP_KINDS if isinstance(error.instance, dict) and k in error.instance]
        return problem.format(name=name, kinds=", ".join(STEP_KINDS), got=", ".join(got) or "none"), fix
    return error.message, f"see {SCHEMA.name}"


def _header_words(error: jsonschema_rs.ValidationError) -> tuple[str, str]:
    """A step header the wire cannot carry: its name, its value, or a header the fake sets itself."""
    path = list(error.schema_path)
    if "propertyNames" in path:
        rules = (_schema() or {})["$defs"]["step"]["properties"]["headers"]["propertyNames"]
        names = (
            [str(k) for k in error.instance] if isinstance(error.instance, dict) else [str(error.instance)]
        )
        framing = [n for n in names if re.search(rules["not"]["pattern"], n)]
        if framing:
            return f"header '{framing[0]}' is set by the fake itself, to frame the body", "remove it"
        bad = [n for n in names if not re.search(rules["pattern"], n)] or names
        return f"bad header name '{bad[0]}'", "use letters, digits and -, e.g. 'X-Request-Id'"
    if "additionalProperties" in path and "pattern" in path:
        name = error.instance_path[-1]
        return f"header '{name}' has a line break or control character in its value", "write it on one line"
    problem, fix = AT_KEY["headers"]
    if error.instance_path and error.instance_path[-1] != "headers":  # one header's value
        return f"bad headers: header '{error.instance_path[-1]}' has the value {error.instance!r}", fix
    return problem.format(value=error.instance), fix


def _value_at(node: Any, path: Sequence[str | int], key: str) -> Any:
    """The value written at `key` on the way down `path`."""
    for part in path:
        node = node[part]
        if part == key:
            break
    return node


def schema_installed() -> bool:
    """Whether the schema checked the structure (else the meaning checks meet raw mistakes)."""
    return _validator() is not None

"""Scenario files: read through the one file reader, checked for structure by the shipped JSON
Schema, then for meaning against the catalog.

Every mistake is one `ConfigError` line naming the file, the line and the fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..spec.catalog import Catalog
from ..spec.errors import ConfigError, pointer
from ..spec.openapi import Operation
from ..spec.reader import LINE, read_document
from .options import DEFAULT_SCENARIOS
from .scenario import (
    ANY,
    MAX_DELAY,
    STEP_KINDS,
    Delay,
    Limit,
    Scenario,
    Step,
    parse_duration,
    pollable,
)

SCHEMA = DEFAULT_SCENARIOS / "scenario.schema.json"
DURATION_FIX = "use a number of seconds or 500ms, 30s, 2m, 1h, at most 10 years"
DELAY_FIX = (
    "use 'delay: 2s', 'delay: {uniform: [0.1, 0.5]}' or 'delay: {lognormal: {median: 0.2, sigma: 0.5}}', "
    f"each at most {MAX_DELAY:g} s, sigma 0 to 10"
)
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


def _line(node: Any) -> str:
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
            label, _line(raw), f"a value is not plain data ({exc})", "use text, numbers, lists, mappings"
        ) from None
    if errors:  # a misspelt key explains the rest; else the deepest error is the most precise
        error = min(errors, key=lambda e: (e.kind.name != "additionalProperties", -len(e.instance_path)))
        where = _line(_unit_of(raw, error.instance_path)) or _line(raw) or pointer(*error.instance_path)
        raise ConfigError(label, where, *_words(error, plain))


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
    return AT_KEY["headers"]


def _value_at(node: Any, path: Sequence[str | int], key: str) -> Any:
    """The value written at `key` on the way down `path`."""
    for part in path:
        node = node[part]
        if part == key:
            break
    return node


class ScenarioLoader:
    """Reads scenario files and checks each step against the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def load_dir(self, folder: Path | None) -> list[Scenario]:
        scenarios: list[Scenario] = []
        if folder is None:
            return scenarios
        if not folder.is_dir():
            raise ConfigError(str(folder), "", "scenarios folder does not exist", "pass --scenarios DIR")
        seen: dict[str, Scenario] = {}
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()):
            for scenario in self.load_file(path):
                if scenario.name in seen:
                    first = seen[scenario.name]
                    raise ConfigError(
                        scenario.source,
                        f"line {scenario.line}",
                        f"scenario name '{scenario.name}' is already used in {first.source} line {first.line}",
                        "give each scenario a unique name",
                    )
                seen[scenario.name] = scenario
                scenarios.append(scenario)
        return scenarios

    def load_file(self, path: Path) -> list[Scenario]:
        label = str(path)
        data = read_document(path, label, lines=True)
        if data is None:
            return []
        entries = data.get("scenarios") if isinstance(data, dict) and "scenarios" in data else [data]
        if not isinstance(entries, list):
            raise ConfigError(label, _line(data), "'scenarios' is not a list", "write '- name: ...' entries")
        return [self.parse(entry, label) for entry in entries]

    def parse(self, raw: Any, label: str) -> Scenario:
        """One scenario, from a file or the admin API: its structure first, then its meaning."""
        check_structure(raw, label)
        try:
            return self._meaning(raw, label)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            if _validator() is not None:  # the schema passed it: a bug here, not a user mistake
                raise
            raise ConfigError(
                label, _line(raw), f"scenario is malformed ({exc!r})", f"{SCHEMA} is missing; reinstall"
            ) from None

    def _meaning(self, raw: dict[str, Any], label: str) -> Scenario:
        """A well-formed scenario checked against the catalog: its operation, examples and regexes."""
        where, name = _line(raw), str(raw["name"])
        op = self._operation(raw.get("operation"), label, where, name)
        match, match_name = (self._regex(raw, key, label, where) for key in ("match", "match_name"))
        limit = self._limit(raw["limit"], op, label, where, name) if "limit" in raw else None
        steps_raw = raw.get("steps")
        if steps_raw is None and limit is not None and op is not None:
            steps = [self.plain_step(op)]  # a limit alone: calls within it are answered as usual
        else:
            steps = [self.step(s, label, name, op, i == len(steps_raw) - 1) for i, s in enumerate(steps_raw)]
        return Scenario(
            name=name,
            operation=op.name if op else ANY,
            steps=steps,
            source=label,
            line=int(raw.get(LINE, 0)),
            match=match,
            match_name=match_name,
            description=str(raw.get("description") or ""),
            inferred=bool(raw.get("inferred", False)),
            limit=limit,
        )

    def _operation(self, ref: Any, label: str, where: str, name: str) -> Operation | None:
        """The operation a scenario names; None for '*', any."""
        if ref == ANY:
            return None
        op = self.catalog.find(str(ref))
        if op is None:
            raise ConfigError(
                label,
                where,
                f"scenario '{name}' names unknown operation '{ref}'",
                f"use one of {', '.join(sorted(self.catalog.operations))}, or '*' for any",
            )
        return op

    def plain_step(self, op: Operation) -> Step:
        """The operation's usual answer: its documented 200 example (a create call's 'created')."""
        ok = [name for name, ex in self.catalog.examples[op.name].items() if ex.status_code == 200]
        return Step("example", ok[0] if ok else next(iter(self.catalog.examples[op.name])))

    def _limit(self, raw: dict[str, Any], op: Operation | None, label: str, where: str, name: str) -> Limit:
        """A rate limit: only create calls have one, and its window must be longer than nothing."""
        if op is None or op.name not in op.profile.creates:
            creates = sorted({c for o in self.catalog.operations.values() for c in o.profile.creates})
            raise ConfigError(
                label,
                where,
                f"scenario '{name}' has a limit but {op.name if op else ANY} is not a create operation",
                f"limits apply to create calls: use one of {', '.join(creates)}",
            )
        try:
            per = parse_duration(raw["per"])
        except ValueError:
            per = 0.0
        if per <= 0:
            raise ConfigError(label, where, f"bad limit window 'per: {raw['per']}'", LIMIT_FIX)
        return Limit(int(raw["requests"]), per)

    def step(self, raw: dict[str, Any], label: str, name: str, op: Operation | None, last: bool) -> Step:
        """One well-formed step: what it serves, checked against the operation's examples."""
        where = _line(raw)
        kind = [k for k in STEP_KINDS if k in raw][0]
        step = Step(kind=kind, value=raw[kind], line=int(raw.get(LINE, 0)))
        if kind == "example":
            step.value = str(step.value)
            self._check_example(step.value, op, label, where, name)
        elif kind == "status":
            step.value, step.body = int(step.value), strip_lines(raw.get("body"))
        elif kind == "outcome":
            self._check_outcome(step.value, op, label, where)
        step.headers = {str(k): str(v) for k, v in (raw.get("headers") or {}).items() if k != LINE}
        self._timing(step, raw, label, where, name, last)
        return step

    def _timing(self, step: Step, raw: dict[str, Any], label: str, where: str, name: str, last: bool) -> None:
        """How long a step lasts and how late it answers; only the last step may last for ever."""
        if "polls" in raw:
            step.polls = int(raw["polls"])
        if "for" in raw:
            try:
                step.duration = parse_duration(raw["for"])
            except ValueError:
                raise ConfigError(label, where, f"bad duration 'for: {raw['for']}'", DURATION_FIX) from None
        if not last and step.polls is None and step.duration is None:
            raise ConfigError(
                label,
                where,
                f"step {step.describe()} of '{name}' has neither 'polls' nor 'for', and is not the last step",
                "add 'polls: N' or 'for: 30s'; only the last step may last for ever",
            )
        if "delay" in raw:
            step.delay = self._delay(raw["delay"], label, where)

    @staticmethod
    def _regex(raw: dict[str, Any], key: str, label: str, where: str) -> re.Pattern[str] | None:
        if raw.get(key) is None:
            return None
        try:
            return re.compile(str(raw[key]))
        except re.error as exc:
            raise ConfigError(
                label, where, f"invalid '{key}' regex '{raw[key]}' ({exc})", "fix the regular expression"
            ) from None

    def _check_example(self, example: str, op: Operation | None, label: str, where: str, name: str) -> None:
        targets = [op] if op else pollable(self.catalog)
        for target in targets:
            known = self.catalog.examples[target.name]
            if example not in known:
                raise ConfigError(
                    label,
                    where,
                    f"scenario '{name}' names unknown example '{example}' of {target.name}",
                    f"use one of {', '.join(repr(k) for k in known)}",
                )

    def _check_outcome(self, outcome: str, op: Operation | None, label: str, where: str) -> None:
        """An outcome step needs an example of that class in every operation it may drive."""
        for target in [op] if op else pollable(self.catalog):
            if not self.catalog.by_class(target, outcome):
                raise ConfigError(
                    label,
                    where,
                    f"operation {target.name} has no '{outcome}' example for outcome '{outcome}'",
                    "name an example instead, or bind the scenario to an operation that has one",
                )

    def _delay(self, raw: Any, label: str, where: str) -> Delay:
        """Latency before answering; a uniform range must not run backwards."""
        try:
            if isinstance(raw, dict):
                raw = strip_lines(raw)
                if "uniform" in raw:
                    a, b = (parse_duration(v, MAX_DELAY) for v in raw["uniform"])
                    if b < a:
                        raise ValueError(raw)
                    return Delay("uniform", a, b)
                if "lognormal" in raw:
                    params = raw["lognormal"]
                    sigma = float(params["sigma"])
                    if not 0 <= sigma <= 10:  # also NaN
                        raise ValueError(sigma)
                    return Delay("lognormal", parse_duration(params["median"], MAX_DELAY), sigma)
                raise ValueError(raw)
            return Delay("fixed", parse_duration(raw, MAX_DELAY))
        except (ValueError, TypeError, KeyError):
            raise ConfigError(label, where, f"bad delay '{raw}'", DELAY_FIX) from None

"""Scenario files: read through the one file reader, checked for shape, then for meaning.

Every mistake is one `ConfigError` line naming the file, the line and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..spec.catalog import Catalog
from ..spec.errors import ConfigError
from ..spec.openapi import Operation
from ..spec.profile import ERROR_NAMES
from ..spec.reader import LINE, read_document
from .scenario import (
    ANY,
    FAULTS,
    OUTCOMES,
    SCENARIO_KEYS,
    STEP_KEYS,
    STEP_KINDS,
    Delay,
    Limit,
    Scenario,
    Step,
    parse_duration,
    pollable,
)


def strip_lines(node: Any) -> Any:
    """A scenario body without the loader's line markers."""
    if isinstance(node, dict):
        return {k: strip_lines(v) for k, v in node.items() if k != LINE}
    if isinstance(node, list):
        return [strip_lines(v) for v in node]
    return node


def _only_known(
    raw: dict[str, Any], known: set[str], label: str, where: str, fix: str, what: str = "key"
) -> None:
    unknown = sorted(str(k) for k in set(raw) - known)
    if unknown:
        raise ConfigError(label, where, f"unknown {what} '{unknown[0]}'", fix)


def _line(node: Any) -> str:
    return f"line {node.get(LINE, 0)}" if isinstance(node, dict) else ""


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
        if not isinstance(raw, dict):
            raise ConfigError(
                label, "", "a scenario is not a mapping", "write 'name:', 'operation:', 'steps:'"
            )
        where = _line(raw)
        _only_known(raw, SCENARIO_KEYS, label, where, f"use only {', '.join(sorted(SCENARIO_KEYS - {LINE}))}")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(label, where, "scenario has no 'name'", "add 'name: my-scenario'")
        op_ref = raw.get("operation")
        ops = sorted(self.catalog.operations)
        if op_ref == ANY:
            op = None
        else:
            op = self.catalog.find(str(op_ref)) if op_ref is not None else None
            if op is None:
                raise ConfigError(
                    label,
                    where,
                    f"scenario '{name}' names unknown operation '{op_ref}'",
                    f"use one of {', '.join(ops)}, or '*' for any",
                )
        match, match_name = (self._regex(raw, key, label, where) for key in ("match", "match_name"))
        limit = self._limit(raw["limit"], label, where) if "limit" in raw else None
        if limit is not None and (op is None or op.name not in op.profile.creates):
            creates = sorted(c for o in self.catalog.operations.values() for c in o.profile.creates)
            raise ConfigError(
                label,
                where,
                f"scenario '{name}' has a limit but {op_ref} is not a create operation",
                f"limits apply to create calls: use one of {', '.join(sorted(set(creates)))}",
            )
        steps_raw = raw.get("steps")
        if steps_raw is None and limit is not None and op is not None:
            steps = [self.plain_step(op)]  # a limit alone: calls within it are answered as usual
        elif not isinstance(steps_raw, list) or not steps_raw:
            raise ConfigError(
                label, where, f"scenario '{name}' has no steps", "add a 'steps:' list (or a 'limit:')"
            )
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

    def plain_step(self, op: Operation) -> Step:
        """The operation's usual answer: its documented 200 example (a create call's 'created')."""
        ok = [name for name, ex in self.catalog.examples[op.name].items() if ex.status_code == 200]
        return Step("example", ok[0] if ok else next(iter(self.catalog.examples[op.name])))

    @staticmethod
    def _limit(raw: Any, label: str, where: str) -> Limit:
        fix = "write 'limit: {requests: 20, per: 1m}'"
        if not isinstance(raw, dict) or set(raw) - {"requests", "per", LINE}:
            raise ConfigError(label, where, f"bad limit '{strip_lines(raw)}'", fix)
        requests = raw.get("requests")
        if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
            raise ConfigError(
                label, where, f"limit requests '{requests}' is not a positive whole number", fix
            )
        try:
            per = parse_duration(raw.get("per"))
        except ValueError:
            per = 0.0
        if per <= 0:
            raise ConfigError(label, where, f"bad limit window 'per: {raw.get('per')}'", fix)
        return Limit(requests, per)

    def step(self, raw: Any, label: str, name: str, op: Operation | None, last: bool) -> Step:
        if not isinstance(raw, dict):
            raise ConfigError(label, "", f"a step of '{name}' is not a mapping", "write '- example: NAME'")
        where = _line(raw)
        fix = f"a step serves one of {', '.join(STEP_KINDS)}, with polls, for, delay, body, headers"
        _only_known(raw, STEP_KEYS, label, where, fix, what="step key")
        kinds = [k for k in STEP_KINDS if k in raw]
        if len(kinds) != 1:
            got = f"{', '.join(kinds)}" if kinds else "none"
            raise ConfigError(
                label,
                where,
                f"a step must serve exactly one of {', '.join(STEP_KINDS)} (got {got})",
                "keep one",
            )
        kind = kinds[0]
        value = raw[kind]
        step = Step(kind=kind, value=value, line=int(raw.get(LINE, 0)))
        if kind == "example":
            self._check_example(str(value), op, label, where, name)
            step.value = str(value)
        elif kind == "status":
            if not isinstance(value, int) or not 100 <= value <= 599:
                raise ConfigError(label, where, f"status '{value}' is not an HTTP status", "use 100 to 599")
            step.body = strip_lines(raw.get("body"))
        elif kind == "error" and value not in ERROR_NAMES:
            raise ConfigError(
                label, where, f"unknown error '{value}'", f"use one of {', '.join(ERROR_NAMES)}"
            )
        elif kind == "outcome" and value not in OUTCOMES:
            raise ConfigError(label, where, f"unknown outcome '{value}'", f"use one of {', '.join(OUTCOMES)}")
        elif kind == "fuzz" and value is not True:
            raise ConfigError(label, where, f"'fuzz: {value}' must be 'fuzz: true'", "write 'fuzz: true'")
        elif kind == "fault" and value not in FAULTS:
            raise ConfigError(label, where, f"unknown fault '{value}'", f"use one of {', '.join(FAULTS)}")
        if kind == "outcome":
            for target in [op] if op else pollable(self.catalog):
                if not self.catalog.by_class(target, value):
                    raise ConfigError(
                        label,
                        where,
                        f"operation {target.name} has no '{value}' example for outcome '{value}'",
                        "name an example instead, or bind the scenario to an operation that has one",
                    )
        headers = raw.get("headers") or {}
        if not isinstance(headers, dict):
            raise ConfigError(label, where, "'headers' is not a mapping", "write 'headers: {Name: value}'")
        step.headers = {str(k): str(v) for k, v in headers.items() if k != LINE}
        if "polls" in raw:
            polls = raw["polls"]
            if isinstance(polls, bool) or not isinstance(polls, int) or polls < 1:
                raise ConfigError(
                    label, where, f"'polls: {polls}' is not a positive whole number", "use 1 or more"
                )
            step.polls = polls
        if "for" in raw:
            try:
                step.duration = parse_duration(raw["for"])
            except ValueError:
                raise ConfigError(
                    label,
                    where,
                    f"bad duration 'for: {raw['for']}'",
                    "use a number of seconds or 500ms, 30s, 2m, 1h",
                ) from None
        if step.polls is not None and step.duration is not None:
            raise ConfigError(label, where, "a step has both 'polls' and 'for'", "keep one of the two")
        if not last and step.polls is None and step.duration is None:
            raise ConfigError(
                label,
                where,
                f"step {step.describe()} of '{name}' has neither 'polls' nor 'for', and is not the last step",
                "add 'polls: N' or 'for: 30s'; only the last step may last for ever",
            )
        if "delay" in raw:
            step.delay = self._delay(raw["delay"], label, where)
        return step

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

    def _delay(self, raw: Any, label: str, where: str) -> Delay:
        fix = "use 'delay: 2s', 'delay: {uniform: [0.1, 0.5]}' or 'delay: {lognormal: {median: 0.2, sigma: 0.5}}'"
        try:
            if isinstance(raw, dict):
                raw = {k: v for k, v in raw.items() if k != LINE}
                if "uniform" in raw:
                    a, b = (parse_duration(v) for v in raw["uniform"])
                    if b < a:
                        raise ValueError(raw)
                    return Delay("uniform", a, b)
                if "lognormal" in raw:
                    params = raw["lognormal"]
                    sigma = float(params["sigma"])
                    if sigma < 0:
                        raise ValueError(raw)
                    return Delay("lognormal", parse_duration(params["median"]), sigma)
                raise ValueError(raw)
            return Delay("fixed", parse_duration(raw))
        except (ValueError, TypeError, KeyError):
            raise ConfigError(label, where, f"bad delay '{raw}'", fix) from None

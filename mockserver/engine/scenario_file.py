"""Scenario files: read through the one file reader, checked for structure by the shipped JSON
Schema, then for meaning against the catalog.

Every mistake is one `ConfigError` line naming the file, the line and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..spec.account import amount
from ..spec.catalog import Catalog
from ..spec.errors import ConfigError
from ..spec.openapi import Operation
from ..spec.reader import LINE, read_document
from .accounts import CreditRule
from .scenario import ANY, MAX_DELAY, STEP_KINDS, Delay, Limit, Scenario, Step, parse_duration, pollable
from .scenario_schema import (
    ACCOUNT_FIX,
    DELAY_FIX,
    DURATION_FIX,
    LIMIT_FIX,
    SCHEMA,
    check_structure,
    line_of,
    schema_installed,
    strip_lines,
)

__all__ = ["SCHEMA", "ScenarioLoader", "check_structure", "strip_lines"]


class ScenarioLoader:
    """Reads scenario files and checks each step against the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.accounts: list[CreditRule] = []  # the files' top-level `accounts:` entries, in load order

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
        wrapped = isinstance(data, dict) and ("scenarios" in data or "accounts" in data)
        if wrapped:
            self.accounts += self.credit_rules(data.get("accounts"), label)
        entries = data.get("scenarios", []) if wrapped else [data]
        if not isinstance(entries, list):
            raise ConfigError(
                label, line_of(data), "'scenarios' is not a list", "write '- name: ...' entries"
            )
        return [self.parse(entry, label) for entry in entries]

    def credit_rules(self, raw: Any, label: str) -> list[CreditRule]:
        """`accounts: [{account: heygen, key: K | match: REGEX, credit: N}]`: where keys' balances start."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ConfigError(label, "", "'accounts' is not a list", ACCOUNT_FIX)
        return [self.credit_rule(entry, label) for entry in raw]

    def credit_rule(self, raw: Any, label: str) -> CreditRule:
        where = line_of(raw)
        if not isinstance(raw, dict):
            raise ConfigError(label, "", "an accounts entry is not a mapping", ACCOUNT_FIX)
        entry = strip_lines(raw)
        unknown = sorted(str(k) for k in entry if k not in ("account", "key", "match", "credit"))
        if unknown:
            raise ConfigError(label, where, f"unknown accounts key '{unknown[0]}'", ACCOUNT_FIX)
        known = self.catalog.profiles.accounts
        if entry.get("account") not in known:
            raise ConfigError(
                label,
                where,
                f"unknown account {entry.get('account')!r}",
                f"use one of {', '.join(sorted(known))}",
            )
        if ("key" in entry) == ("match" in entry) or not isinstance(entry.get("key", ""), str):
            raise ConfigError(
                label, where, "an accounts entry needs one of 'key: TEXT' or 'match: REGEX'", ACCOUNT_FIX
            )
        credit = amount(entry.get("credit"), label, where, "credit")
        match = self._regex(entry, "match", label, where)
        return CreditRule(entry["account"], credit, entry.get("key"), match)

    def parse(self, raw: Any, label: str) -> Scenario:
        """One scenario, from a file or the admin API: its structure first, then its meaning."""
        check_structure(raw, label)
        try:
            return self._meaning(raw, label)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            if schema_installed():  # the schema passed it: a bug here, not a user mistake
                raise
            raise ConfigError(
                label, line_of(raw), f"scenario is malformed ({exc!r})", f"{SCHEMA} is missing; reinstall"
            ) from None

    def _meaning(self, raw: dict[str, Any], label: str) -> Scenario:
        """A well-formed scenario checked against the catalog: its operation, examples and regexes."""
        where, name = line_of(raw), str(raw["name"])
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
        where = line_of(raw)
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

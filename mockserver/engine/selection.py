"""Which scenario a timeline starts on: by header, binding, rule, or the operation's default.

Three moments ask, each with its own order:
- `for_id`: the first request for an id (a poll, or a Prefer look);
- `for_job`: a job a create call starts, where a rule may match the name it was given;
- `for_call`: a create call itself (a limit, a failing create), keyed by API key; None
  when nothing is asked for and the call simply creates.

A cross-cutting (`*`) scenario is accepted by every polled operation and by every create
call: on a create call it is bound by API key (its header names the job's scenario instead).
"""

from __future__ import annotations

from urllib.parse import quote

from ..spec.openapi import Operation
from .scenario import ANY, Scenario
from .store import Store


class UnknownScenario(LookupError):
    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid


class StillBound(ValueError):
    """A scenario re-registered for an operation on which it can no longer serve an id bound to it."""

    def __init__(self, name: str, operation: str, bound: list[tuple[str, str]]) -> None:
        family, rid = bound[0]
        super().__init__(
            f"scenario '{name}' is bound to {family} id '{rid}', which a scenario for {operation} cannot "
            f"serve; delete the binding first (DELETE /__mock/bindings/{family}/{quote(rid, safe='')}), then "
            "register it"
        )
        self.bound = bound


class Selection:
    """The scenario policy over the store's registered scenarios and bindings."""

    def __init__(self, store: Store, defaults: dict[str, Scenario], operations: dict[str, Operation]) -> None:
        self.store = store
        self.defaults = defaults
        self.operations = operations
        self.id_rules: list[Scenario] = []
        self.name_rules: list[Scenario] = []

    def add(self, scenario: Scenario) -> None:
        """Register (or replace) a scenario; ids already bound keep theirs, so a replacement that
        could no longer serve one of them is refused (StillBound) rather than silently ignored."""
        orphaned = [
            key
            for key, bound in self.store.bindings()
            if bound == scenario.name and not self.accepts(self.operations[key[0]], scenario)
        ]
        if orphaned:
            raise StillBound(scenario.name, scenario.operation, orphaned)
        self.store.add_scenario(scenario)
        self.id_rules = [s for s in self.id_rules if s.name != scenario.name]
        self.name_rules = [s for s in self.name_rules if s.name != scenario.name]
        if scenario.match is not None:
            self.id_rules.append(scenario)
        if scenario.match_name is not None:
            self.name_rules.append(scenario)

    @staticmethod
    def accepts(op: Operation, scenario: Scenario) -> bool:
        """Whether the scenario can drive this operation: its own, a `*` one when polled, or a create
        call's (a 500 or a 429 on a create call needs no scenario of its own)."""
        return scenario.applies_to(op) or (scenario.operation == ANY and op.name in op.profile.creates)

    def usable(self, op: Operation) -> list[str]:
        return [s.name for s in self.store.scenarios() if self.accepts(op, s)]

    def named(self, op: Operation, name: str) -> Scenario:
        scenario = self.store.scenario(name)
        if scenario is None or not self.accepts(op, scenario):
            raise UnknownScenario(name, self.usable(op))
        return scenario

    def for_id(self, op: Operation, rid: str, header: str | None) -> Scenario:
        """Header, then admin binding, then id rule, then the operation's default."""
        if header:
            return self.named(op, header)
        bound = self.store.binding((op.name, rid))
        if bound is not None:
            found = self.store.scenario(bound)
            if found is not None and found.applies_to(op):
                return found
        for rule in self.id_rules:
            if rule.applies_to(op) and rule.match is not None and rule.match.search(rid):
                return rule
        return self.defaults[op.name]

    def for_job(self, op: Operation, rid: str, header: str | None, names: list[str]) -> Scenario:
        """The header, then a rule on the name the job was given, then as for any id."""
        if not header:
            for rule in self.name_rules:
                pattern = rule.match_name
                if rule.applies_to(op) and pattern is not None and any(pattern.search(n) for n in names):
                    return rule
        return self.for_id(op, rid, header)

    def for_call(self, op: Operation, key: str, header: str | None) -> Scenario | None:
        """A create call's own scenario, by header, binding or rule on its API key."""
        if header:
            scenario = self.store.scenario(header)
            return scenario if scenario is not None and scenario.operation == op.name else None
        bound = self.store.binding((op.name, key))
        found = self.store.scenario(bound) if bound is not None else None
        if found is not None and self.accepts(op, found):
            return found
        for rule in self.id_rules:
            if rule.operation == op.name and rule.match is not None and rule.match.search(key):
                return rule
        return None

    def bind(self, op: Operation, rid: str, name: str) -> None:
        """Bind an id to a scenario; a timeline already on another scenario starts anew."""
        self.named(op, name)
        key = (op.name, rid)
        self.store.bind(key, name)
        timeline = self.store.timeline(key)
        if timeline is not None and timeline.scenario.name != name:
            self.store.forget(key)

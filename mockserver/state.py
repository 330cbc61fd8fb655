"""Everything one running fake holds: catalog, scenarios, bindings, timelines, journal, clock.

One `MockState` per app, reached through `app.state.mock`; nothing is global, so two apps
in one test process never share a timeline.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog
from .clock import Clock, make_clock
from .journal import Journal
from .media import MediaSigner
from .render import Recent
from .scenarios import Scenario, ScenarioLoader, default_scenario, fuzz_scenario, pollable
from .specs import Operation
from .timeline import Timelines, Windows
from .validation import RequestValidator
from .webhooks import Webhooks


def shipped(name: str) -> Path:
    """The shipped `specs/` or `scenarios/`: beside the package in a checkout, else where pip put them."""
    checkout = Path(__file__).resolve().parent.parent / name
    installed = Path(sys.prefix) / "share" / "mockserver" / name
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


DEFAULT_SPECS = shipped("specs")
DEFAULT_SCENARIOS = shipped("scenarios")


@dataclass
class Options:
    """How the fake behaves; every field is a command-line flag of `mockserver serve`."""

    specs_dir: Path = DEFAULT_SPECS
    scenarios_dir: Path | None = DEFAULT_SCENARIOS
    clock: str = "real"
    clock_speed: float = 1.0
    strict: bool = False
    http_errors: bool = False
    api_keys: frozenset[str] | None = None
    timeline_cap: int = 100_000
    journal_size: int = 10_000
    polls_per_state: int = 1
    seed: int | None = None
    admin_token: str | None = None
    vendor_urls: bool = False


class UnknownScenario(LookupError):
    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid


class MockState:
    """The fake's state: loaded fully at construction, or not at all."""

    def __init__(self, options: Options, catalog: Catalog | None = None) -> None:
        self.options = options
        self.catalog = catalog or Catalog(options.specs_dir)
        loaded = ScenarioLoader(self.catalog).load_dir(options.scenarios_dir)
        self.defaults: dict[str, Scenario] = {
            op.name: default_scenario(self.catalog, op, options.polls_per_state)
            for op in pollable(self.catalog)
        }
        self.scenarios: dict[str, Scenario] = {s.name: s for s in self.defaults.values()}
        self.scenarios["fuzz"] = fuzz_scenario()
        self.scenarios.update({s.name: s for s in loaded})
        self.rules = [s for s in loaded if s.match is not None]
        self.name_rules = [s for s in loaded if s.match_name is not None]
        self.validators = {
            op.name: RequestValidator(op, options.api_keys) for op in self.catalog.operations.values()
        }
        self.clock: Clock = make_clock(options.clock, options.clock_speed)
        self.rng = random.Random(options.seed)
        self.timelines = Timelines(options.timeline_cap)
        self.windows = Windows(options.timeline_cap)
        self.bindings: dict[tuple[str, str], str] = {}
        self.journal = Journal(options.journal_size)
        self.violations = Journal(options.journal_size)
        self.media = MediaSigner(self.clock)
        self.rendered = Recent()  # one for all operations, so its bound is the fake's
        self.webhooks = Webhooks(options.timeline_cap, options.journal_size)

    @staticmethod
    def family(op: Operation) -> str:
        return op.name

    def for_operation(self, op: Operation) -> list[str]:
        return [s.name for s in self.scenarios.values() if s.applies_to(op)]

    def choose(self, op: Operation, rid: str, header: str | None) -> Scenario:
        """Header, then admin binding, then id rule, then the operation's default."""
        if header:
            scenario = self.scenarios.get(header)
            if scenario is None or not scenario.applies_to(op):
                raise UnknownScenario(header, self.for_operation(op))
            return scenario
        bound = self.bindings.get((self.family(op), rid))
        if bound is not None:
            return self.scenarios[bound]
        for rule in self.rules:
            if rule.applies_to(op) and rule.match is not None and rule.match.search(rid):
                return rule
        return self.defaults[op.name]

    def choose_at_create(self, op: Operation, rid: str, header: str | None, names: list[str]) -> Scenario:
        """For a job a create call starts: the header, then a rule on the name it was given, then as any id."""
        if not header:
            for rule in self.name_rules:
                if (
                    rule.applies_to(op)
                    and rule.match_name is not None
                    and any(rule.match_name.search(n) for n in names)
                ):
                    return rule
        return self.choose(op, rid, header)

    def choose_call(self, op: Operation, key: str, header: str | None) -> Scenario | None:
        """A create call's own scenario (a limit, a failing create), by header, binding or rule on its API key.

        None when no scenario of this operation is asked for: the call simply creates.
        """
        if header:
            scenario = self.scenarios.get(header)
            return scenario if scenario is not None and scenario.operation == op.name else None
        bound = self.bindings.get((self.family(op), key))
        if bound is not None:
            return self.scenarios[bound]
        for rule in self.rules:
            if rule.operation == op.name and rule.match is not None and rule.match.search(key):
                return rule
        return None

    def add_scenario(self, scenario: Scenario) -> None:
        """Register (or replace) a scenario at run time; ids already bound keep theirs."""
        self.scenarios[scenario.name] = scenario
        self.rules = [s for s in self.rules if s.name != scenario.name]
        self.name_rules = [s for s in self.name_rules if s.name != scenario.name]
        if scenario.match is not None:
            self.rules.append(scenario)
        if scenario.match_name is not None:
            self.name_rules.append(scenario)

    def bind(self, op: Operation, rid: str, name: str) -> None:
        scenario = self.scenarios.get(name)
        if scenario is None or not scenario.applies_to(op):
            raise UnknownScenario(name, self.for_operation(op))
        key = (self.family(op), rid)
        self.bindings[key] = name
        timeline = self.timelines.get(*key)
        if timeline is not None and timeline.scenario.name != name:
            self.timelines.reset_key(*key)

    def reset(self, rid: str | None = None) -> dict[str, int]:
        timelines = self.timelines.reset(rid)
        if rid is None:
            bindings = len(self.bindings)
            self.bindings.clear()
        else:
            keys = [k for k in self.bindings if k[1] == rid]
            for k in keys:
                del self.bindings[k]
            bindings = len(keys)
        self.journal.clear(rid)
        self.violations.clear(rid)
        if rid is None:
            self.webhooks.reset()
            self.windows.reset()
        return {"timelines": timelines, "bindings": bindings}

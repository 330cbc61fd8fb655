"""Scenarios: ordered steps an id walks through, by polls or by time.

A scenario names the operation it drives (or `*` for any) and lists steps. Each step
serves one thing (an example, a status with a body, a vendor error, an outcome, or a
fault), may add a delay, and lasts `polls: N` requests or `for: 30s`. The last step
repeats for ever, so a finished job never starts over.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from ..spec.catalog import Catalog
from ..spec.openapi import Operation
from ..spec.reader import LINE
from .clock import MAX_ADVANCE, MAX_DELAY

ANY = "*"
FAULTS = ("reset", "empty", "malformed", "truncated")
OUTCOMES = ("success", "failure", "progress")
STEP_KINDS = ("example", "status", "error", "outcome", "fault", "fuzz")
STEP_KEYS = set(STEP_KINDS) | {"body", "headers", "polls", "for", "delay", "note", LINE}
SCENARIO_KEYS = {
    "name",
    "operation",
    "description",
    "match",
    "match_name",
    "steps",
    "limit",
    "inferred",
    LINE,
}
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
MAX_DURATION = MAX_ADVANCE  # ten years: a `for:` or `per:` window; sums of them stay finite


def parse_duration(value: Any, most: float = MAX_DURATION) -> float:
    """`30s`, `2m`, `500ms`, `1h` or a number of seconds, up to `most`; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = DURATION.match(str(value))
        if not m:
            raise ValueError(value)
        seconds = float(m.group(1)) * UNITS[m.group(2)]
    if not 0 <= seconds <= most:  # also NaN, and digits that overflow to infinity
        raise ValueError(value)
    return seconds


@dataclass
class Delay:
    """Fixed, uniform `[a, b]`, or lognormal (median, sigma) latency before answering."""

    kind: str
    a: float
    b: float = 0.0

    def draw(self, rng: random.Random) -> float:
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        return min(self.a * math.exp(rng.gauss(0.0, self.b)), MAX_DELAY)


@dataclass
class Limit:
    """At most `requests` calls in any `per` seconds: JoggAI's 20 POST requests a minute, or a poll budget."""

    requests: int
    per: float


@dataclass
class Step:
    kind: str
    value: Any
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    polls: int | None = None
    duration: float | None = None
    delay: Delay | None = None
    line: int = 0
    # per operation: the outcome serving this step ends a job with ('success', 'failure', None)
    ends: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    def describe(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass
class Scenario:
    name: str
    operation: str  # an operation name, or "*"
    steps: list[Step]
    source: str = ""
    line: int = 0
    match: re.Pattern[str] | None = None
    match_name: re.Pattern[str] | None = None  # on the name a create call gives (title, video_name)
    description: str = ""
    inferred: bool = False
    limit: Limit | None = None

    def applies_to(self, op: Operation) -> bool:
        """Its own operation; or, for `*`, any operation that polls a resource by id."""
        return self.operation == op.name or (self.operation == ANY and op.polled)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "operation": self.operation,
            "description": self.description,
            "match": self.match.pattern if self.match else None,
            "inferred": self.inferred,
            "source": self.source,
            "steps": [
                {
                    "kind": s.kind,
                    "value": s.value,
                    "polls": s.polls,
                    "for": s.duration,
                    "delay": s.delay.__dict__ if s.delay else None,
                }
                for s in self.steps
            ],
        }


def pollable(catalog: Catalog) -> list[Operation]:
    """The operations a `*` scenario drives: those that poll a resource by id."""
    return [op for op in catalog.operations.values() if op.polled]


def fuzz_scenario() -> Scenario:
    """Each poll gets a body drawn the ways the vendor varies them, seeded so a failure replays."""
    return Scenario(
        name="fuzz",
        operation=ANY,
        steps=[Step("fuzz", True)],
        source="(built in)",
        description="Every poll: a drawn vendor-reality body (seed: --seed or the X-Mock-Seed header).",
    )


def default_scenario(catalog: Catalog, op: Operation, polls_per_state: int) -> Scenario:
    """The happy path through every documented state, in lifecycle order, one state per poll."""
    states = catalog.by_class(op, "progress") + catalog.by_class(op, "success")[:1]
    states = list({ex.name: ex for ex in states}.values())  # a lookup's one example is both
    if not states:
        states = [ex for ex in catalog.examples[op.name].values() if ex.status_code == 200][:1]
    steps = [Step("example", ex.name, polls=polls_per_state) for ex in states]
    if steps:
        steps[-1].polls = None
    else:
        steps = [Step("status", 200, body={})]
    return Scenario(
        name=f"{op.name}.default",
        operation=op.name,
        steps=steps,
        source="(built in)",
        description="Happy path through every documented state, in lifecycle order.",
    )

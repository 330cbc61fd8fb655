"""Per-resource timelines: which step of its scenario an id is on.

State is keyed by (operation family, resource id), so two jobs never share a timeline.
The step a request gets is decided under one lock in one synchronous call: N concurrent
polls consume exactly N poll slots, none skipped or repeated. The store is an LRU with a
cap, so millions of distinct ids keep memory bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from .scenarios import Limit, Scenario, Step


@dataclass(slots=True)
class Timeline:
    family: str
    resource_id: str
    scenario: Scenario
    first_seen: float
    polls: int = 0
    step_index: int = 0
    step_polls: int = 0
    step_started: float = 0.0

    def _roll(self, now: float) -> None:
        """Move past every step that has run out, by poll count or by elapsed time."""
        steps = self.scenario.steps
        while self.step_index < len(steps) - 1:
            step = steps[self.step_index]
            if step.polls is not None and self.step_polls >= step.polls:
                self.step_index += 1
                self.step_polls = 0
                self.step_started = now
            elif step.duration is not None and now - self.step_started >= step.duration:
                self.step_index += 1
                self.step_polls = 0
                self.step_started += step.duration
            else:
                break

    def take(self, now: float) -> tuple[int, Step]:
        """Consume one poll: the step index and step this request is served."""
        self._roll(now)
        index = self.step_index
        self.polls += 1
        self.step_polls += 1
        return index, self.scenario.steps[index]

    def peek(self, now: float) -> tuple[int, Step]:
        """The step a poll would get now, without consuming it."""
        self._roll(now)
        return self.step_index, self.scenario.steps[self.step_index]

    def as_dict(self, now: float) -> dict[str, object]:
        index, step = self.peek(now)
        return {
            "family": self.family,
            "id": self.resource_id,
            "scenario": self.scenario.name,
            "first_seen": self.first_seen,
            "polls": self.polls,
            "step": index,
            "step_kind": step.kind,
            "step_value": step.value,
            "steps": len(self.scenario.steps),
            "finished": index == len(self.scenario.steps) - 1,
        }


class Timelines:
    """The LRU store of timelines, with the one lock that makes a poll atomic."""

    def __init__(self, cap: int = 100_000) -> None:
        if cap < 1:
            raise ValueError("the timeline cap must be at least 1")
        self.cap = cap
        self._items: OrderedDict[tuple[str, str], Timeline] = OrderedDict()
        self._lock = threading.Lock()
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._items)

    def _get_or_create(self, family: str, rid: str, choose: Callable[[], Scenario], now: float) -> Timeline:
        key = (family, rid)
        timeline = self._items.get(key)
        if timeline is None:
            timeline = Timeline(family, rid, choose(), first_seen=now, step_started=now)
            self._items[key] = timeline
            while len(self._items) > self.cap:
                self._items.popitem(last=False)
                self.evicted += 1
        else:
            self._items.move_to_end(key)
        return timeline

    def poll(
        self, family: str, rid: str, choose: Callable[[], Scenario], now: float
    ) -> tuple[Timeline, int, Step]:
        """Create the timeline on first sight (bound to the scenario `choose` picks), then consume one poll."""
        with self._lock:
            timeline = self._get_or_create(family, rid, choose, now)
            index, step = timeline.take(now)
            return timeline, index, step

    def touch(self, family: str, rid: str, choose: Callable[[], Scenario], now: float) -> Timeline:
        """Create or refresh the timeline without consuming a poll (one-shot overrides)."""
        with self._lock:
            return self._get_or_create(family, rid, choose, now)

    def peek(self, family: str, rid: str, now: float) -> tuple[Timeline, int, Step] | None:
        """Where an existing timeline stands now, without consuming a poll or refreshing its LRU place."""
        with self._lock:
            timeline = self._items.get((family, rid))
            if timeline is None:
                return None
            index, step = timeline.peek(now)
            return timeline, index, step

    def get(self, family: str, rid: str) -> Timeline | None:
        return self._items.get((family, rid))

    def find(self, rid: str) -> list[Timeline]:
        return [t for (_, r), t in list(self._items.items()) if r == rid]

    def reset_key(self, family: str, rid: str) -> None:
        with self._lock:
            self._items.pop((family, rid), None)

    def reset(self, rid: str | None = None) -> int:
        with self._lock:
            if rid is None:
                count = len(self._items)
                self._items.clear()
                return count
            keys = [k for k in self._items if k[1] == rid]
            for k in keys:
                del self._items[k]
            return len(keys)


class Windows:
    """Recent call times per key, for scenario limits: a sliding window, bounded like the timelines."""

    def __init__(self, cap: int = 100_000) -> None:
        self.cap = cap
        self._items: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: tuple[str, str], limit: Limit, now: float) -> float:
        """0 and the call is counted, or the seconds until the window lets another call in."""
        with self._lock:
            times = self._items.pop(key, None) or deque(maxlen=limit.requests)
            self._items[key] = times
            if len(self._items) > self.cap:
                self._items.popitem(last=False)
            while times and now - times[0] >= limit.per:
                times.popleft()
            if len(times) >= limit.requests:
                return times[0] + limit.per - now
            times.append(now)
            return 0.0

    def reset(self) -> None:
        with self._lock:
            self._items.clear()

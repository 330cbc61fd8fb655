"""A timeline: which step of its scenario one resource id is on, by polls or by time.

Timelines live in the store, keyed by (operation, resource id), so two jobs never share
one; the store makes taking a step atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .scenario import Scenario, Step


@dataclass(slots=True)
class Timeline:
    operation: str
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

    def ends_at(self, now: float, ends: Callable[[Step], bool]) -> float | None:
        """When the timeline reaches a step that `ends` the job, if nobody polls it: None if never.

        Steps that last for a time end on their own; a step that lasts for polls ends only
        when polled, so the poll path looks again then.
        """
        index, polls, started = self.step_index, self.step_polls, self.step_started
        steps = self.scenario.steps
        while True:
            step = steps[index]
            if ends(step):
                return max(started, now) if index != self.step_index else now
            if index == len(steps) - 1:
                return None
            if step.polls is not None:
                if polls < step.polls:
                    return None
                started, polls = now, 0
            elif step.duration is not None:
                started, polls = started + step.duration, 0
            else:
                return None
            index += 1

    def as_dict(self, now: float) -> dict[str, object]:
        index, step = self.peek(now)
        return {
            "family": self.operation,
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

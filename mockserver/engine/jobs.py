"""Jobs a create call started, and the due-time heap that tells when something must happen.

A job knows when it ends: a step that lasts for a time ends at a known moment, which goes on
the heap; a step that lasts for polls ends when it is polled, which the poll path sees. A
webhook delivery's next attempt goes on the same heap. Each push and pop is O(log n), and
nothing is scanned: an idle fake with 100k unfinished jobs only looks at the heap's top.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..spec.profile import CreateCall
from .timeline import Timeline


@dataclass(slots=True, eq=False)
class Job:
    """A created job the fake will announce when it ends; it keeps its own timeline, so a
    timeline the store forgets (its LRU cap) still ends and still sends its webhooks."""

    operation: str  # the status operation its id is polled on
    rid: str
    timeline: Timeline
    call: CreateCall
    request: dict[str, Any]
    base: str  # the fake's own address as the client saw it, for media links
    due: float | None = None  # when its timeline reaches an end on its own, if it does


class Schedule:
    """A heap of (due time, item). Items are checked when popped, so a stale one is just skipped."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any]] = []
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, due: float, item: Any) -> None:
        heapq.heappush(self._heap, (due, next(self._order), item))

    def pop_due(self, now: float) -> list[tuple[float, Any]]:
        """Every (due, item) due by now, earliest first."""
        out = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, _, item = heapq.heappop(heap)
            out.append((due, item))
        return out

    def keep(self, live: Callable[[Any], bool]) -> None:
        """Drop the entries that are no longer live (reset, re-planned, settled): O(n), done rarely."""
        self._heap = [entry for entry in self._heap if live(entry[2])]
        heapq.heapify(self._heap)

    def clear(self) -> None:
        self._heap.clear()

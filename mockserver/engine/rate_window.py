"""Sliding windows of call times, for a scenario's `limit` (JoggAI's 20 POST requests a minute)."""

from __future__ import annotations

from collections import deque

from .capped import Capped
from .scenario import Limit


class RateWindows:
    """Recent call times per (scenario, API key), bounded like the timelines."""

    def __init__(self, cap: int) -> None:
        self.windows: Capped[tuple[str, str], deque[float]] = Capped(cap)

    def wait(self, key: tuple[str, str], limit: Limit, now: float) -> float:
        """0 and the call is counted, or the seconds until the window lets another call in."""
        times = self.windows.get(key)
        if times is None:
            times = deque(maxlen=limit.requests)
            self.windows.put(key, times)
        while times and now - times[0] >= limit.per:
            times.popleft()
        if len(times) >= limit.requests:
            return times[0] + limit.per - now
        times.append(now)
        return 0.0

    def clear(self) -> None:
        self.windows.clear()

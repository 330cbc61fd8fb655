"""The fake's one clock: timelines, timestamps, URL expiry and delays all read it.

A virtual clock stands still until the admin API moves it, so a test can walk a
ten-minute render in milliseconds; under it a delay is recorded, not slept.
"""

from __future__ import annotations

import threading
import time

MAX_ADVANCE = 10 * 365 * 24 * 3600.0
MAX_DELAY = 60.0  # seconds: longer, and a client's own timeout decides, not the fake's answer


class Clock:
    """Real wall-clock time, optionally running `speed` times faster from start-up."""

    virtual = False

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("the clock speed must be positive")
        self.speed = speed
        self._start = time.time()

    def now(self) -> float:
        if self.speed == 1.0:
            return time.time()
        return self._start + (time.time() - self._start) * self.speed

    def advance(self, seconds: float) -> float:
        raise ValueError("the clock is real; start the fake with --clock virtual to move time")

    def real_seconds(self, seconds: float) -> float:
        """How long a delay of `seconds` on this clock lasts in real time: never past MAX_DELAY,
        so a slow clock cannot turn the longest delay a scenario may ask for into a hang."""
        return min(max(0.0, seconds) / self.speed, MAX_DELAY)


class VirtualClock(Clock):
    """Frozen at start-up time until `advance` moves it forward."""

    virtual = True

    def __init__(self, start: float | None = None) -> None:
        super().__init__()
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if not 0 <= seconds <= MAX_ADVANCE:
            raise ValueError(
                f"seconds must be from 0 to {MAX_ADVANCE:.0f} (ten years); time only moves forward"
            )
        with self._lock:
            self._now += seconds
            return self._now

    def real_seconds(self, seconds: float) -> float:
        return 0.0  # a delay is recorded, not slept


def make_clock(kind: str, speed: float = 1.0) -> Clock:
    if kind == "virtual":
        return VirtualClock()
    if kind == "real":
        return Clock(speed)
    raise ValueError(f"unknown clock '{kind}'; use 'real' or 'virtual'")

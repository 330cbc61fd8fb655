"""The real clock's delays: however slow the clock runs, a delay never sleeps past MAX_DELAY."""

from __future__ import annotations

import pytest

from mockserver.engine.clock import Clock
from mockserver.engine.scenario import MAX_DELAY


@pytest.mark.parametrize("speed", [0.001, 0.5])
def test_a_slow_clock_sleeps_no_longer_than_the_delay_cap(speed):
    """Was: 60 s at speed 0.001 slept 60,000 s (a request that never answered), at 0.5 two minutes."""
    assert Clock(speed).real_seconds(MAX_DELAY) == MAX_DELAY

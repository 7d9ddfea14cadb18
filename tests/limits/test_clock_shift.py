"""The limiters on any date: with their clock 400 days, 10 years or past 2038 ahead (large monotonic
values, where float rounding would show), a strict window still never admits more than its limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coze_client.limits import Limit, MemoryLimiter, SqliteLimiter
from coze_client.limits._clock import LoopClock, TimerHandle
from tests.dateshift import DateShift

from .helpers import CHAT, coze_call, plan_of

WINDOW = 0.2


class ShiftedClock(LoopClock):
    """The real monotonic clock, ``offset`` seconds ahead (timers still fire at the right moment)."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def now(self) -> float:  # type: ignore[override]
        return time.monotonic() + self.offset

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        return super().call_at(when - self.offset, callback)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
async def test_a_strict_window_holds_with_a_shifted_clock(tmp_path: Path, date_shift: DateShift, backend: str) -> None:
    clock = ShiftedClock(date_shift.now.timestamp())  # the instant itself as the clock's value
    plan = plan_of(Limit(name="q", group="chat", limit=2, window=WINDOW))
    limiter = (
        MemoryLimiter(plan, clock=clock) if backend == "memory" else SqliteLimiter(plan, tmp_path / "l.db", clock=clock)
    )
    grants: list[float] = []
    releases: list[float] = []

    async def one() -> None:
        permit = await limiter.acquire(coze_call(*CHAT))
        grants.append(clock.now())
        await permit.release()
        releases.append(clock.now())

    try:
        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(6))), 10)
    finally:
        await limiter.aclose()
    grants.sort()
    releases.sort()
    # A slot counts until one window after its release: the (k+2)-th grant waits for the k-th release.
    for k in range(len(grants) - 2):
        assert grants[k + 2] >= releases[k] + WINDOW - 1e-3, (k, grants, releases)

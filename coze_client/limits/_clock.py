"""Clocks for the limiter: the real one, and a virtual one for tests and simulations.

The limiter never sleeps by polling: it asks its clock to call it back at the exact moment a
window frees (``call_at``). Tests inject `VirtualClock` to run minutes of traffic in
milliseconds and to place every grant, release and timer at a known instant.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Clock", "LoopClock", "TimerHandle", "VirtualClock"]


class TimerHandle(Protocol):
    """What `Clock.call_at` returns."""

    def cancel(self) -> None:
        """Do not run the callback."""
        ...


class Clock(Protocol):
    """Time source and timer service of a limiter.

    ``now()`` is a monotonic time in seconds; ``call_at(when, cb)`` runs ``cb()`` on the event
    loop at ``when`` (same scale as ``now()``).
    """

    def now(self) -> float:
        """The current time, seconds."""
        ...

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` at ``when``.

        Args:
            when: the time to run it, on the scale of ``now()`` (seconds).
            callback: a function of no arguments, run on the event loop.
        """
        ...


class LoopClock:
    """``time.monotonic`` plus the running event loop's timers.

    ``time.monotonic`` (CLOCK_MONOTONIC) is shared by every process of a host, which the sqlite
    backend relies on; timers are translated to the loop's own clock, whatever it is.

    Examples:
        ```python
        clock = LoopClock()
        clock.now() > 0
        # True
        ```
    """

    now = staticmethod(time.monotonic)

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` on the running loop at monotonic time ``when``.

        Args:
            when: a ``time.monotonic()`` time, in seconds.
            callback: a function of no arguments, run on the running event loop.
        """
        loop = asyncio.get_running_loop()
        return loop.call_at(loop.time() + (when - time.monotonic()), callback)


class _VirtualHandle:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """A clock that only moves when told to: for tests and simulations.

    Timers run in time order when the clock is advanced; between two instants the event loop
    gets a few turns, so tasks woken by a timer run before time moves on.

    Examples:
        ```python
        async def demo() -> float:
            clock = VirtualClock()
            task = asyncio.ensure_future(clock.sleep(5))
            await clock.run()
            await task
            return clock.now()
        asyncio.run(demo())
        # 5.0
        ```

    Args:
        start: the virtual time to start at, in seconds (default 0.0).
        turns: how many event-loop turns (``await asyncio.sleep(0)``) to give woken tasks at each
            instant before time moves on (default 20).
    """

    def __init__(self, start: float = 0.0, *, turns: int = 20) -> None:
        self._now = start
        self._heap: list[tuple[float, int, _VirtualHandle]] = []
        self._seq = itertools.count()
        self._turns = turns

    def now(self) -> float:
        """The virtual time."""
        return self._now

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` when the clock reaches ``when``.

        Args:
            when: the virtual time to run it at, in seconds (a past time runs at the next advance).
            callback: a function of no arguments.
        """
        handle = _VirtualHandle(callback)
        heapq.heappush(self._heap, (max(when, self._now), next(self._seq), handle))
        return handle

    async def sleep(self, delay: float) -> None:
        """Sleep ``delay`` virtual seconds.

        Args:
            delay: virtual seconds to sleep (a negative delay counts as 0).
        """
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not fut.done():
                fut.set_result(None)

        self.call_at(self._now + max(0.0, delay), wake)
        await fut

    async def settle(self) -> None:
        """Give the event loop a few turns so woken tasks run at the current instant."""
        for _ in range(self._turns):
            await asyncio.sleep(0)

    def next_time(self) -> float | None:
        """When the next pending timer fires, or None."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    async def advance(self, delta: float) -> None:
        """Move time forward by ``delta``, firing every timer due on the way, in order.

        Args:
            delta: virtual seconds to move forward.
        """
        await self.run(until=self._now + delta)

    async def run(self, until: float | None = None) -> None:
        """Fire timers in order until none is left (or the next is after ``until``).

        Args:
            until: the virtual time to stop at; ``None`` (default) runs until no timer is left.
        """
        await self.settle()
        while True:
            nxt = self.next_time()
            if nxt is None or (until is not None and nxt > until):
                break
            self._now = nxt
            while self._heap and self._heap[0][0] <= self._now:
                _, _, handle = heapq.heappop(self._heap)
                if not handle.cancelled:
                    handle.callback()
            await self.settle()
        if until is not None and until > self._now:
            self._now = until
            await self.settle()

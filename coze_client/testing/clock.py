"""One clock for a test's fakes and clients: the running event loop's time.

A fake judges its limit windows with a clock, a client's limiter waits with one, retries and
injected latency sleep with ``asyncio.sleep``. `LoopTimeClock` reads the running event loop's
time (``loop.time()``; outside a loop, ``time.monotonic()``), so all of them agree. On a plain asyncio
loop that *is* the monotonic clock; on a time-compacted loop (`virtual_time`, built on the
``looptime`` package) every sleep, timer and window moves in virtual time, and "60 chats at 20 QPS
take 3 s" runs in milliseconds while the clock still reads 3 s.

Examples:
    ```python
    clock = LoopTimeClock()
    abs(clock.now() - time.monotonic()) < 1.0
    # True
    ```
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator

from ..limits._clock import TimerHandle

__all__ = ["LoopTimeClock", "virtual_time"]


class _Handle:
    __slots__ = ("_handle",)

    def __init__(self, handle: asyncio.TimerHandle) -> None:
        self._handle = handle

    def cancel(self) -> None:
        self._handle.cancel()


class LoopTimeClock:
    """Monotonic seconds from the running event loop, timers on it, and a wall clock that follows it.

    Satisfies the limiter's ``Clock`` protocol (``now``, ``call_at``) and is callable like the fakes'
    clocks (``clock()``). `wall` is Unix time moving with the loop: give it to the fakes'
    ``wall_clock`` and to token providers' ``clock`` so token expiry and daily quotas follow virtual
    time too.
    """

    def __init__(self) -> None:
        self._wall0 = time.time()
        self._mono0 = time.monotonic()

    def now(self) -> float:
        """The running loop's time (``time.monotonic()`` outside a loop)."""
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return time.monotonic()

    __call__ = now

    def wall(self) -> float:
        """Unix time moving with `now` (anchored when the clock was made)."""
        return self._wall0 + (self.now() - self._mono0)

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` on the running loop when `now` reaches ``when``.

        Args:
            when: the loop time (as `now` reads it), in seconds.
            callback: called with no arguments; its result is ignored.
        """
        return _Handle(asyncio.get_running_loop().call_at(when, callback))

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of this clock (``asyncio.sleep``: virtual under `virtual_time`).

        Args:
            seconds: how long to sleep.
        """
        await asyncio.sleep(seconds)


@contextlib.contextmanager
def virtual_time(loop: asyncio.AbstractEventLoop | None = None) -> Iterator[None]:
    """Compact the time of ``loop`` (default: the running one) for the ``with`` block.

    While active, whenever the loop would wait for a timer with no I/O pending it jumps straight to
    the timer: sleeps, timeouts, limiter waits and fake latency take no real time, yet ``loop.time()``
    reads as if they had. Real I/O (sockets, threads) still runs in real time. Needs the ``looptime``
    package (in the ``testing`` extra). The loop's time carries on from where it was, so timers already
    scheduled keep their meaning.

    Args:
        loop: the event loop to compact; None: the running one.
    """
    try:
        import looptime
    except ImportError as exc:  # pragma: no cover - the testing extra installs it
        raise RuntimeError('virtual time needs the looptime package: pip install "coze-client[testing]"') from exc
    running = loop or asyncio.get_running_loop()
    patched = looptime.patch_event_loop(running, start=running.time(), _enabled=False)  # type: ignore[arg-type]
    if patched.looptime_on:  # already compacted (e.g. @pytest.mark.looptime): nothing to do
        yield
        return
    patched.setup_looptime(start=running.time(), _enabled=False)
    with patched.looptime_enabled():
        yield

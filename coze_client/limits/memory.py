"""In-process limiter: every limit of a plan, judged the way a strict server judges it.

How a window is counted: the server counts a request when it
*arrives*, which is some time between our grant and the response head (status and headers: once
they are back, the request has certainly arrived). So a request-count slot (QPS/QPM/QPD) counts
from its grant until one window after the head (`_Permit.responded`, or the release when no
head was signalled), however long the body then streams; a concurrency slot is held until the
body ends; a token charge keeps its estimate until the end and is then settled with the real
usage for one window more.

Why no server window ``[s, s + W)`` can see more than ``limit`` arrivals of one limit: suppose it
saw ``limit + 1``, and take the one granted last, at ``g``. Each of the others arrived inside the
window, so its grant was ``<= g`` and its head ``>= its arrival >= s``, so it still counted at
``g`` (it counts until head + W >= s + W > g, since ``g <= arrival < s + W``). At ``g`` the limiter
would have seen ``limit`` slots counting and not granted: a contradiction. Token windows use the
same argument with the end of the body in place of the head and weights in place of counts.
``tests/limits/test_properties.py`` checks this on random limits and traffic, and
``tests/limits/test_schedule.py`` checks that grants are never *later* than this rule allows
(the greedy strict-window schedule): a release or head that frees a slot earlier than the pending
wake-up brings the wake-up forward (`_Key.wake_by`).

Each limit keeps a running sum (``used``: in-flight weights plus released weights whose window
has not passed) and a deque of ``(expiry, weight)`` for released slots. Releases happen in time
order and a limit has one window, so the deque is sorted by construction: expiring is a
``popleft``, a check is one comparison, and the cost does not depend on the weight (a 4000-token
charge costs what a 1-token one does).

aiolimiter is not used: it is a leaky bucket, which lets up to twice the rate through in the
first window and cannot count a slot until the response, nor correct a token estimate.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import Any

from .._call import CallInfo
from ..errors import LimiterError, RateLimitWaitError
from ._clock import Clock, LoopClock, TimerHandle
from ._core import Waiter, check_satisfiable, select
from .base import Permit
from .plans import Limit, Plan

__all__ = ["MemoryLimiter", "NullLimiter"]

_INF = math.inf


class _Lim:
    """Runtime state of one limit for one key."""

    __slots__ = ("cap", "conc", "log", "name", "spec", "tokens", "used", "window")

    def __init__(self, spec: Limit) -> None:
        self.spec = spec
        self.name = spec.name
        self.cap = spec.limit
        self.window = spec.window
        self.tokens = spec.kind == "tokens"
        self.conc = spec.kind == "concurrency"
        self.used = 0
        self.log: deque[tuple[float, int]] = deque()

    def purge(self, now: float) -> None:
        log = self.log
        while log and log[0][0] <= now:
            self.used -= log.popleft()[1]


class _Route:
    """The limits that apply to one tuple of groups (cached per key)."""

    __slots__ = ("idx", "lims", "max_est", "plain", "specs", "tokens")

    def __init__(self, key: _Key, groups: tuple[str, ...]) -> None:
        probe = CallInfo("", "", "", "", groups=groups)
        idx = [i for i, lim in enumerate(key.lims) if lim.spec.applies_to(probe)]
        self.idx = tuple(idx)
        self.lims = tuple(key.lims[i] for i in idx)
        self.specs = tuple(lim.spec for lim in self.lims)
        self.tokens = any(lim.tokens for lim in self.lims)
        # The largest estimate every token limit can ever admit: one comparison per acquire.
        self.max_est = min(
            [lim.cap for lim in self.lims if lim.tokens]
            + [lim.spec.max_per_request for lim in self.lims if lim.tokens and lim.spec.max_per_request],
            default=1 << 62,
        )
        # Only request-count limits: every weight is 1 (the common Coze case, a faster path).
        self.plain = not any(lim.tokens or lim.conc for lim in self.lims)

    def needs(self, est: int) -> tuple[tuple[int, int], ...]:
        return tuple((i, est if lim.tokens else 1) for i, lim in zip(self.idx, self.lims, strict=True))


class _Permit:
    """A granted slot. ``responded()`` at the response head, ``release()`` once; later calls do nothing."""

    __slots__ = ("_est", "_headed", "_key", "_open", "_route", "waited")

    def __init__(self, key: _Key, route: _Route, est: int, waited: float) -> None:
        self._key = key
        self._route = route
        self._est = est
        self._open = True
        self._headed = False
        self.waited = waited

    def responded(self) -> None:
        """The response head arrived: request-count slots count one window from now, no longer."""
        if self._open and not self._headed:
            self._headed = True
            self._key.head(self._route)

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Close the slot; see `coze_client.limits.base.Permit`."""
        if self._open:
            self._open = False
            self._key.release(self._route, self._est, used_tokens, sent, self._headed)

    def release_nowait(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Synchronous `release` (for callbacks and ``finally`` blocks that cannot await)."""
        if self._open:
            self._open = False
            self._key.release(self._route, self._est, used_tokens, sent, self._headed)

    def __repr__(self) -> str:
        return f"<Permit waited={self.waited:.3f}s open={self._open}>"


class _Key:
    """All state of one provider + account."""

    __slots__ = (
        "clock",
        "demand",
        "lims",
        "needless",
        "pause_max",
        "pauses",
        "routes",
        "timer",
        "timer_at",
        "waiters",
        "wanted",
    )

    def __init__(self, limits: tuple[Limit, ...], clock: Clock) -> None:
        self.clock = clock
        self.lims = [_Lim(spec) for spec in limits]
        self.routes: dict[tuple[str, ...], _Route] = {}
        self.waiters: list[Waiter] = []
        # Per limit: how many queued waiters need it, and how much they need together.
        self.wanted = [0] * len(self.lims)
        self.demand = [0] * len(self.lims)
        self.needless = 0  # queued waiters no limit applies to (held by a pause)
        self.pauses: dict[str, float] = {}
        self.pause_max = -_INF
        self.timer: TimerHandle | None = None
        self.timer_at = _INF

    def route(self, groups: tuple[str, ...]) -> _Route:
        route = self.routes.get(groups)
        if route is None:
            route = self.routes[groups] = _Route(self, groups)
        return route

    def head(self, route: _Route) -> None:
        """A response head arrived: its request-count slots start their last window now."""
        now = self.clock.now()
        first = _INF
        for lim in route.lims:
            if not (lim.tokens or lim.conc):
                lim.log.append((now + lim.window, 1))
                first = min(first, now + lim.window)
        self.wake_by(first)

    def wake_by(self, when: float) -> None:
        """Something frees at ``when``: make sure the queue is looked at by then.

        A timer set earlier for a later expiry (a 60 s window) must not hide this one (a 1 s
        window): the wake-up only ever moves forward here, and the scan it runs sets the next.
        """
        if self.waiters and when < self.timer_at:
            self.set_timer(when)

    def release(self, route: _Route, est: int, used_tokens: int | None, sent: bool, headed: bool) -> None:
        now = self.clock.now()
        if headed:
            sent = True  # the head came back: the request certainly reached the server
        if not sent:
            # Never reached the server: nothing to count, every unit comes back at once.
            for lim in route.lims:
                lim.used -= est if lim.tokens else 1
        elif route.plain:
            if headed:
                return  # every slot is a request count, already counting its last window
            first = _INF
            for lim in route.lims:
                lim.log.append((now + lim.window, 1))
                first = min(first, now + lim.window)
            # Nothing frees now (the slot counts one window more), so no one can be granted;
            # but this slot may be the one a waiter needs: look again when it expires.
            self.wake_by(first)
            return
        else:
            for lim in route.lims:
                if lim.conc:
                    lim.used -= 1
                elif lim.tokens:
                    actual = est
                    if used_tokens is not None:
                        # The response told the real usage: correct the estimate.
                        actual = used_tokens if used_tokens > 0 else 0
                        lim.used += actual - est
                    if actual:
                        lim.log.append((now + lim.window, actual))
                elif not headed:
                    lim.log.append((now + lim.window, 1))
        if self.waiters:
            self.scan(now)

    def scan(self, now: float) -> None:
        """Grant every waiter that fits now (see `select`) and set the next timer."""
        lims = self.lims
        avail = []
        for lim in lims:
            lim.purge(now)
            avail.append(lim.cap - lim.used)
        n = len(lims)
        closed = [False] * n
        short = [0] * n
        paused: set[str] = set()
        if self.pauses:
            for group, until in list(self.pauses.items()):
                if until > now:
                    paused.add(group)
                else:
                    del self.pauses[group]
        granted, blocked = select(self.waiters, avail, closed, short, paused, self.wanted, self.needless)
        self.waiters = blocked
        for w in granted:
            route = self.route(w.call.groups)
            self.dequeued(w)
            for i, d in w.needs:
                lims[i].used += d
            w.permit = _Permit(self, route, w.call.est_tokens, now - w.since)
            if w.fut is not None and not w.fut.done():
                w.fut.set_result(None)
        nxt = _INF
        if blocked:
            for i in range(n):
                if closed[i] and not lims[i].conc:
                    nxt = min(nxt, _time_freed(lims[i], short[i]))
            for until in self.pauses.values():
                nxt = min(nxt, until)
        self.set_timer(nxt)

    def set_timer(self, when: float) -> None:
        if when == self.timer_at:
            return
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.timer_at = when
        if when != _INF:
            self.timer = self.clock.call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self.timer = None
        self.timer_at = _INF
        self.scan(self.clock.now())

    def enqueue(self, w: Waiter) -> None:
        self.waiters.append(w)
        self.needless += not w.needs
        for i, d in w.needs:
            self.wanted[i] += 1
            self.demand[i] += d

    def dequeued(self, w: Waiter) -> None:
        self.needless -= not w.needs
        for i, d in w.needs:
            self.wanted[i] -= 1
            self.demand[i] -= d

    def remove(self, w: Waiter) -> None:
        try:
            self.waiters.remove(w)
        except ValueError:
            return
        self.dequeued(w)
        # Its reservations are gone: someone behind it may fit now.
        self.scan(self.clock.now())

    def wait_bound(self, w: Waiter, now: float) -> tuple[float, str]:
        """A lower bound of ``w``'s wait, and the limit that sets it (``w`` is last in the queue)."""
        best, name = 0.0, ""
        for i, _ in w.needs:
            lim = self.lims[i]
            need = self.demand[i] - (lim.cap - lim.used)  # what everyone queued up to w needs
            if need <= 0 or lim.conc:
                continue  # a concurrency slot may free any moment: no useful bound
            t = _time_freed(lim, need)
            if t == _INF:
                # In-flight slots: a requests slot expires one window after a release that has
                # not happened yet; a token estimate may be corrected down at release.
                t = now + (0.0 if lim.tokens else lim.window)
            if t - now > best:
                best, name = t - now, lim.name
        for group in w.groups:
            until = self.pauses.get(group, -_INF)
            if until - now > best:
                best, name = until - now, f"pause:{group}"
        return best, name


def _time_freed(lim: _Lim, need: int) -> float:
    """When the released slots of ``lim`` will have freed ``need`` units (inf if they cannot)."""
    acc = 0
    for expiry, weight in lim.log:
        acc += weight
        if acc >= need:
            return expiry
    return _INF


class MemoryLimiter:
    """Paces calls in this process so that no limit of ``plan`` is exceeded in any window.

    Keys are provider + account; calls of another provider than the plan's pass unlimited.
    Waiters are served first come first served per limit, without waiting behind calls held by
    another endpoint group's limit; a freed window is used by a timer set at its exact expiry.

    Examples:
        ```python
        from coze_client.limits import get_plan
        from coze_client._call import CallInfo
        async def one_call() -> float:
            limiter = MemoryLimiter(get_plan("coze.personal_free"))
            call = CallInfo("coze", "acct", "POST", "/v3/chat", groups=("chat", "model"))
            permit = await limiter.acquire(call)
            await permit.release()   # after the response
            return permit.waited
        asyncio.run(one_call())
        # 0.0
        ```

    Args:
        plan: the plan whose limits apply (to calls of ``plan.provider``; other providers pass unlimited).
        clock: time source and timers; ``None`` (default) uses `LoopClock` (``time.monotonic`` and the
            running loop). Tests pass a `VirtualClock`.
    """

    def __init__(self, plan: Plan, *, clock: Clock | None = None) -> None:
        self.plan = plan
        self._clock: Clock = clock or LoopClock()
        self._now = self._clock.now
        self._keys: dict[tuple[str, str], _Key] = {}

    def _key(self, call: CallInfo) -> _Key:
        k = (call.provider, call.account)
        key = self._keys.get(k)
        if key is None:
            limits = self.plan.limits if call.provider == self.plan.provider else ()
            key = self._keys[k] = _Key(limits, self._clock)
        return key

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Permit:
        """Wait until ``call`` fits every limit that applies to it; see `RateLimiter`.

        Args:
            call: the attempt asking for a slot: its provider, account, endpoint groups and token estimate.
            max_wait: the longest wait accepted, in seconds (longer raises `RateLimitWaitError` at once);
                ``None`` (default) waits as long as it takes.

        Returns:
            The `Permit` to release when the attempt is over; its ``waited`` is the wait in seconds.
        """
        key = self._keys.get((call.provider, call.account)) or self._key(call)
        route = key.routes.get(call.groups) or key.route(call.groups)
        est = call.est_tokens
        if est > route.max_est:
            check_satisfiable(route.specs, call)  # raises, naming the limit
        now = self._now()
        if not key.waiters and now >= key.pause_max:
            # Fast path: nobody waits on this key, so FIFO cannot be broken by granting now.
            if route.plain:
                for lim in route.lims:
                    log = lim.log
                    if log and log[0][0] <= now:
                        lim.purge(now)
                    if lim.used >= lim.cap:
                        break
                else:
                    for lim in route.lims:
                        lim.used += 1
                    return _Permit(key, route, est, 0.0)
                return await self._wait(key, route, call, now, max_wait)
            for lim in route.lims:
                log = lim.log
                if log and log[0][0] <= now:
                    lim.purge(now)
                if lim.used + (est if lim.tokens else 1) > lim.cap:
                    break
            else:
                for lim in route.lims:
                    lim.used += est if lim.tokens else 1
                return _Permit(key, route, est, 0.0)
        return await self._wait(key, route, call, now, max_wait)

    async def _wait(self, key: _Key, route: _Route, call: CallInfo, now: float, max_wait: float | None) -> _Permit:
        if not route.lims and not any(key.pauses.get(g, -_INF) > now for g in (*call.groups, "all")):
            return _Permit(key, route, call.est_tokens, 0.0)  # no limit applies and no pause holds it
        w = Waiter(call, route.needs(call.est_tokens), now)
        key.enqueue(w)
        key.scan(now)
        if w.permit is not None:
            return w.permit  # type: ignore[return-value]
        timeout: TimerHandle | None = None
        name = ""
        if max_wait is not None:
            bound, name = key.wait_bound(w, now)
            if bound > max_wait:
                key.remove(w)
                raise RateLimitWaitError(limit=name, wait=bound, max_wait=max_wait)
        w.fut = asyncio.get_running_loop().create_future()
        if max_wait is not None:
            fut = w.fut

            def expire() -> None:
                if not fut.done():
                    fut.set_exception(RateLimitWaitError(limit=name or "queue", wait=max_wait, max_wait=max_wait))

            timeout = self._clock.call_at(now + max_wait, expire)
        try:
            await w.fut
        except BaseException:
            # Cancelled (or timed out): give the place back, or the slot if it was just granted.
            if w.permit is not None:
                w.permit.release_nowait(sent=False)  # type: ignore[attr-defined]
            else:
                key.remove(w)
            raise
        finally:
            if timeout is not None:
                timeout.cancel()
        return w.permit  # type: ignore[return-value]

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        """Hold every group of ``call`` (all calls when it has none) for ``seconds``.

        Args:
            call: the attempt the server throttled; its provider and account name the calls held.
            seconds: how long to hold them, in seconds; 0 or less does nothing.
        """
        if seconds <= 0:
            return
        key = self._key(call)
        now = self._now()
        until = now + seconds
        for group in call.groups or ("all",):
            key.pauses[group] = max(key.pauses.get(group, -_INF), until)
        key.pause_max = max(key.pause_max, until)
        key.scan(now)

    async def aclose(self) -> None:
        """Cancel timers and fail the calls still waiting (at once, with `LimiterError`).

        Permits already granted may still be released; the limiter can be used again afterwards
        (it holds no file or connection).
        """
        for key in self._keys.values():
            key.set_timer(_INF)
            waiters, key.waiters = key.waiters, []
            for w in waiters:
                key.dequeued(w)
                if w.fut is not None and not w.fut.done():
                    w.fut.set_exception(LimiterError(
                        "the memory limiter was closed while the call waited; the call was not sent. "
                        "Close the client (or limiter) only after its calls have finished",
                        backend="memory",
                    ))

    def stats(self) -> dict[str, Any]:
        """Per key and limit: units in use and waiters (for dashboards and tests)."""
        out: dict[str, Any] = {}
        now = self._now()
        for (provider, account), key in self._keys.items():
            for lim in key.lims:
                lim.purge(now)
            out[f"{provider}/{account}"] = {
                "waiters": len(key.waiters),
                "used": {lim.name: lim.used for lim in key.lims},
            }
        return out


class _NullPermit:
    __slots__ = ("waited",)

    def __init__(self) -> None:
        self.waited = 0.0

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Nothing to release."""


class NullLimiter:
    """No plan, no pacing: every call is granted at once (the server's 429s still get retried).

    Examples:
        ```python
        permit = asyncio.run(NullLimiter().acquire(CallInfo("coze", "a", "GET", "/v1/x")))
        permit.waited
        # 0.0
        ```
    """

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Permit:
        """Grant at once.

        Args:
            call: the attempt (not looked at).
            max_wait: ignored: nothing ever waits.

        Returns:
            A `Permit` with ``waited == 0.0``.
        """
        return _NullPermit()

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        """Nothing to pause: the corridor's retry backoff handles the 429.

        Args:
            call: the throttled attempt (not looked at).
            seconds: ignored.
        """

    async def aclose(self) -> None:
        """Nothing to close."""

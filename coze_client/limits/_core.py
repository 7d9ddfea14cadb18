"""The scheduling rule shared by every limiter backend.

Waiters of one key (provider + account) form one queue in arrival order. A pass over the queue
(`select`) grants, in order, every waiter that fits all its limits, under two rules:

* **FIFO per limit.** A waiter that does not fit a limit *closes* that limit for everyone behind
  it, so a heavy token request at the head is never overtaken by light ones (no starvation).
* **Reservation, not head-of-line blocking.** A waiter held by *another* limit (or a pause)
  reserves its share of the limits it does fit, and later waiters may still use what is left.
  So a workflow call is not held behind chat calls waiting for chat QPS, yet it can never take
  the model-RPM slot an earlier chat call will need: the earlier call is granted the instant its
  own limit frees.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from .._call import CallInfo
from ..errors import LimitUnsatisfiableError
from .plans import Limit

__all__ = ["Waiter", "check_satisfiable", "select"]


class Waiter:
    """One call waiting for its slot. ``needs`` are ``(limit index, demand)`` pairs."""

    __slots__ = ("call", "fut", "groups", "needs", "permit", "since")

    #: A waiter of another process (sqlite backend): it keeps its place and reserves its share,
    #: but only its own process can grant it.
    foreign = False

    def __init__(self, call: CallInfo, needs: tuple[tuple[int, int], ...], since: float) -> None:
        self.call = call
        self.needs = needs
        # The pause check treats "all" as a group of every call.
        self.groups = (*call.groups, "all")
        self.since = since
        self.fut: asyncio.Future[None] | None = None
        self.permit: object | None = None


def select(
    waiters: Iterable[Waiter],
    avail: list[int],
    closed: list[bool],
    short: list[int],
    paused: set[str],
    wanted: list[int] | None = None,
    needless: int | None = None,
) -> tuple[list[Waiter], list[Waiter]]:
    """Split ``waiters`` (in arrival order) into granted and still blocked.

    ``avail[i]`` is what limit ``i`` can admit now; it is decreased by every grant and every
    reservation. ``closed[i]`` is set when a waiter did not fit limit ``i``, and ``short[i]`` says
    by how much (the timer then waits for exactly that much to expire). ``wanted[i]`` counts the
    waiters that need limit ``i`` and ``needless`` those that need none (held only by a pause):
    once every wanted limit is closed and no such waiter is queued, the rest of the queue is left
    as it is without looking at each waiter (a long queue costs O(1) per pass, not O(n)).
    """
    granted: list[Waiter] = []
    blocked: list[Waiter] = []
    queue = waiters if isinstance(waiters, list) else list(waiters)
    if wanted is None or needless is None:
        wanted = [0] * len(avail)
        needless = 0
        for w in queue:
            if not w.needs:
                needless += 1
            for i, _ in w.needs:
                wanted[i] += 1
    open_count = sum(1 for c in wanted if c)
    can_stop = not paused and not needless and bool(avail)
    for pos, w in enumerate(queue):
        if can_stop and open_count <= 0:
            # Every limit is closed to whoever comes next: the rest of the queue waits as it is.
            blocked.extend(queue[pos:])
            break
        ok = not w.foreign and (not paused or paused.isdisjoint(w.groups))
        if ok:
            for i, d in w.needs:
                if closed[i] or avail[i] < d:
                    ok = False
                    break
        if ok:
            for i, d in w.needs:
                avail[i] -= d
            granted.append(w)
            continue
        for i, d in w.needs:
            if closed[i]:
                continue
            if avail[i] < d:
                closed[i] = True
                short[i] = d - avail[i]
                if wanted[i]:
                    open_count -= 1
            else:
                avail[i] -= d
        blocked.append(w)
    return granted, blocked


def check_satisfiable(limits: Sequence[Limit], call: CallInfo) -> None:
    """Raise `LimitUnsatisfiableError` when ``call`` can never fit a token limit."""
    est = call.est_tokens
    for lim in limits:
        if lim.kind != "tokens":
            continue
        if lim.max_per_request is not None and est > lim.max_per_request:
            raise LimitUnsatisfiableError(
                f"a request of ~{est} tokens exceeds {lim.name!r}: at most {lim.max_per_request} tokens "
                f"per request ({lim.source or 'plan'})"
            )
        if est > lim.limit:
            raise LimitUnsatisfiableError(
                f"a request of ~{est} tokens can never fit {lim.name!r}: {lim.limit} tokens per "
                f"{lim.window:g}s ({lim.source or 'plan'}); shorten it or raise the limit"
            )

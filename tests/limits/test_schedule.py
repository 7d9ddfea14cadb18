"""The memory limiter grants exactly on the greedy strict-window schedule: never later, never earlier.

The schedule, computed here independently of the limiter: calls are taken in arrival order, and a
call ``i`` is granted at the earliest ``t >= arrival(i)`` at which, for every limit ``L`` it needs,

    sum(weight(j, L) for earlier calls j that need L and still count at t) + weight(i, L) <= cap(L)

where a call counts for ``L`` until ``e(j, L)``: its response head + window for a request count,
the end of its body + window for tokens, the end of its body for concurrency. Earlier calls that
still wait count too (FIFO per limit with reservation: a waiter keeps its share of the limits it
fits, and a limit it does not fit is closed to everyone behind it), which is why the sum runs over
*every* earlier call, granted or not. Anything later than this is a stall; anything earlier
would let a strict server see more than the limit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coze_client._call import CallInfo
from coze_client.limits import Limit, MemoryLimiter, Plan, VirtualClock
from coze_client.limits.base import mark_responded

GROUPS = [("chat", "model"), ("workflow", "model"), ("upload",), ()]


@st.composite
def limit_sets(draw: st.DrawFn) -> tuple[Limit, ...]:
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(["requests", "requests", "requests", "tokens", "concurrency"]))
        group = draw(st.sampled_from(["chat", "workflow", "model", "upload", "all"]))
        cap = draw(st.integers(1, 5)) if kind != "tokens" else draw(st.integers(10, 60))
        window = draw(st.sampled_from([0.5, 1.0, 2.0, 5.0, 60.0]))
        out.append(Limit(name=f"l{i}", group=group, kind=kind, limit=cap, window=window))
    return tuple(out)


@dataclass(frozen=True)
class Call:
    gap: float  # after the previous call arrived
    groups: tuple[str, ...]
    head: float  # grant -> response head
    body: float  # response head -> end of the body
    est: int


calls = st.builds(
    Call,
    gap=st.sampled_from([0.0, 0.0, 0.01, 0.1, 0.3, 1.0]),
    groups=st.sampled_from(GROUPS),
    head=st.sampled_from([0.0, 0.05, 0.2, 0.7]),
    body=st.sampled_from([0.0, 0.0, 0.5, 3.0, 20.0]),
    est=st.integers(1, 10),
)


def applies(limit: Limit, groups: tuple[str, ...]) -> bool:
    return limit.applies_to(CallInfo("coze", "a", "POST", "/x", groups=groups))


def weight(limit: Limit, call: Call) -> int:
    return call.est if limit.kind == "tokens" else 1


def greedy(limits: tuple[Limit, ...], traffic: list[Call]) -> list[float]:
    """Grant times of the strict-window schedule (see the module docstring)."""
    arrivals, t = [], 0.0
    for c in traffic:
        t += c.gap
        arrivals.append(t)
    grants: list[float] = []
    ends: list[dict[int, float]] = []  # per call: limit index -> until when it counts
    for i, c in enumerate(traffic):
        t = arrivals[i]
        for li, lim in enumerate(limits):
            if not applies(lim, c.groups):
                continue
            mine = sorted((ends[j][li], weight(lim, traffic[j])) for j in range(i) if li in ends[j])
            total = sum(w for _, w in mine) + weight(lim, c)
            for until, w in mine:  # free the earliest-ending first until the call fits
                if total <= lim.limit:
                    break
                total -= w
                t = max(t, until)
        grants.append(t)
        head = t + c.head
        end = head + c.body
        ends.append({
            li: (head + lim.window if lim.kind == "requests" else end + lim.window if lim.kind == "tokens" else end)
            for li, lim in enumerate(limits)
            if applies(lim, c.groups)
        })
    return grants


async def limiter_grants(limits: tuple[Limit, ...], traffic: list[Call]) -> list[float]:
    clock = VirtualClock()
    lim = MemoryLimiter(Plan(name="p", provider="coze", limits=limits), clock=clock)
    grants = [0.0] * len(traffic)

    async def client(i: int, start: float, c: Call) -> None:
        await clock.sleep(start)
        permit = await lim.acquire(CallInfo("coze", "acct", "POST", "/x", groups=c.groups, est_tokens=c.est))
        grants[i] = clock.now()
        await clock.sleep(c.head)
        mark_responded(permit)
        await clock.sleep(c.body)
        await permit.release(used_tokens=c.est)

    tasks, start = [], 0.0
    for i, c in enumerate(traffic):
        start += c.gap
        tasks.append(asyncio.ensure_future(client(i, start, c)))
    await clock.run()
    assert all(t.done() for t in tasks), "a waiter was never served"
    for t in tasks:
        t.result()
    return grants


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limits=limit_sets(), traffic=st.lists(calls, min_size=1, max_size=30))
def test_grants_follow_the_greedy_strict_window_schedule(limits: tuple[Limit, ...], traffic: list[Call]) -> None:
    got = asyncio.run(limiter_grants(limits, traffic))
    want = greedy(limits, traffic)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert abs(g - w) < 1e-9, f"call {i}: granted at {g}, the strict schedule allows {w}"


def test_the_reduced_case_of_issue_13() -> None:
    limits = (
        Limit(name="qps", group="chat", limit=2, window=1.0),
        Limit(name="qpm", group="chat", limit=10, window=60.0),
    )
    traffic = [Call(0.0, ("chat",), 0.05, 0.0, 1)] * 14
    assert [round(t, 6) for t in greedy(limits, traffic)][:6] == [0, 0, 1.05, 1.05, 2.1, 2.1]
    got = asyncio.run(limiter_grants(limits, traffic))
    assert [round(t, 6) for t in got] == [round(t, 6) for t in greedy(limits, traffic)]

"""Property tests on a virtual clock: for random limit sets and traffic, no window of any limit
ever sees more than its limit at the server, whenever in [grant, response head] a request arrives
(request-count slots are released at the head, while bodies run on for seconds); every waiter is
served; calls of one endpoint group are served in arrival order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coze_client._call import CallInfo
from coze_client.errors import LimitUnsatisfiableError, RateLimitWaitError
from coze_client.limits import Limit, MemoryLimiter, Plan, VirtualClock
from coze_client.limits.base import mark_responded

GROUPS = [("chat", "model"), ("workflow", "model"), ("upload",), ()]


@st.composite
def limit_sets(draw: st.DrawFn) -> tuple[Limit, ...]:
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(["requests", "requests", "tokens", "concurrency"]))
        group = draw(st.sampled_from(["chat", "workflow", "model", "upload", "all"]))
        cap = draw(st.integers(1, 5)) if kind != "tokens" else draw(st.integers(10, 60))
        window = draw(st.sampled_from([0.5, 1.0, 2.0, 5.0]))
        out.append(Limit(name=f"l{i}", group=group, kind=kind, limit=cap, window=window))
    return tuple(out)


@dataclass(frozen=True)
class Req:
    gap: float  # after the previous request started
    groups: tuple[str, ...]
    latency: float  # grant -> response head
    frac: float  # where in [grant, response head] the server sees it arrive
    est: int
    used_frac: float  # real tokens as a fraction of the estimate (<= 1: estimates are upper bounds)
    sent: bool
    max_wait: float | None
    body: float = 0.0  # response head -> end of the body (a stream)


reqs = st.builds(
    Req,
    gap=st.sampled_from([0.0, 0.0, 0.01, 0.1, 0.3, 1.0]),
    groups=st.sampled_from(GROUPS),
    latency=st.sampled_from([0.0, 0.05, 0.2, 0.7, 2.0]),
    frac=st.floats(0, 1),
    est=st.integers(1, 70),
    used_frac=st.floats(0, 1),
    sent=st.sampled_from([True, True, True, False]),
    max_wait=st.none() | st.none() | st.sampled_from([0.0, 0.5, 3.0]),
    body=st.sampled_from([0.0, 0.0, 0.4, 3.0]),
)


@dataclass
class Seen:
    seq: int
    req: Req
    asked: float
    grant: float
    response: float
    arrival: float
    used: int
    end: float


async def simulate(limits: tuple[Limit, ...], traffic: list[Req]) -> tuple[list[Seen], int, int]:
    clock = VirtualClock()
    lim = MemoryLimiter(Plan(name="p", provider="coze", limits=limits), clock=clock)
    seen: list[Seen] = []
    refused = [0, 0]

    async def client(seq: int, start: float, req: Req) -> None:
        await clock.sleep(start)
        call = CallInfo("coze", "acct", "POST", "/x", groups=req.groups, est_tokens=req.est)
        asked = clock.now()
        try:
            permit = await lim.acquire(call, max_wait=req.max_wait)
        except LimitUnsatisfiableError:
            refused[0] += 1
            return
        except RateLimitWaitError:
            refused[1] += 1
            assert clock.now() - asked <= (req.max_wait or 0) + 1e-9
            return
        grant = clock.now()
        assert abs(permit.waited - (grant - asked)) < 1e-9
        if req.max_wait is not None:
            assert grant - asked <= req.max_wait + 1e-9
        await clock.sleep(req.latency)
        response = clock.now()
        used = int(req.est * req.used_frac)
        if req.sent:
            mark_responded(permit)
            await clock.sleep(req.body)
        await permit.release(used_tokens=used, sent=req.sent)
        if req.sent:
            arrival = grant + req.frac * (response - grant)
            seen.append(Seen(seq, req, asked, grant, response, arrival, used, clock.now()))

    tasks = []
    start = 0.0
    for seq, req in enumerate(traffic):
        start += req.gap
        tasks.append(asyncio.ensure_future(client(seq, start, req)))
    await clock.run()
    # No starvation: once the clock has nothing left to do, every client has finished.
    assert all(t.done() for t in tasks), "a waiter was never served"
    for t in tasks:
        t.result()
    # Everything released: nothing is left counted in flight.
    assert lim.stats()["coze/acct"]["waiters"] == 0
    return seen, refused[0], refused[1]


def applies(limit: Limit, groups: tuple[str, ...]) -> bool:
    return limit.applies_to(CallInfo("coze", "a", "POST", "/x", groups=groups))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limits=limit_sets(), traffic=st.lists(reqs, min_size=1, max_size=30))
def test_no_server_window_ever_exceeded(limits: tuple[Limit, ...], traffic: list[Req]) -> None:
    seen, unsatisfiable, _ = asyncio.run(simulate(limits, traffic))
    expected_unsat = sum(
        1
        for r in traffic
        if any(lim.kind == "tokens" and applies(lim, r.groups) and r.est > lim.limit for lim in limits)
    )
    assert unsatisfiable == expected_unsat
    for lim in limits:
        mine = [s for s in seen if applies(lim, s.req.groups)]
        if lim.kind == "concurrency":
            # In flight over [grant, end of body): count the calls in flight at every grant instant
            # (a zero-latency call is in flight for no time at all).
            for t in {s.grant for s in mine}:
                in_flight = sum(1 for o in mine if o.grant <= t < o.end)
                assert in_flight <= lim.limit
            continue
        weight = (lambda s: s.used) if lim.kind == "tokens" else (lambda s: 1)
        arrivals = sorted((s.arrival, weight(s)) for s in mine)
        for i, (a, _) in enumerate(arrivals):
            total = sum(w for b, w in arrivals[i:] if b < a + lim.window)
            assert total <= lim.limit, f"{lim.name}: {total} > {lim.limit} in [{a}, {a + lim.window})"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limits=limit_sets(), traffic=st.lists(reqs, min_size=2, max_size=30))
def test_one_group_is_served_first_come_first_served(limits: tuple[Limit, ...], traffic: list[Req]) -> None:
    plain = [Req(r.gap, r.groups, r.latency, r.frac, min(r.est, 10), 1.0, True, None) for r in traffic]
    seen, _, _ = asyncio.run(simulate(limits, plain))
    for groups in GROUPS:
        same = sorted((s for s in seen if s.req.groups == groups), key=lambda s: s.seq)
        grants = [s.grant for s in same]
        assert grants == sorted(grants), f"{groups}: served out of order"

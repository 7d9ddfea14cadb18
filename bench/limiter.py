#!/usr/bin/env python
"""Benchmark of the client-side rate limiter (issue 4). One run prints three tables.

(a) acquire + release overhead when no limit binds: our memory and sqlite backends against
    aiolimiter, pyrate-limiter and limits, with a weight of 1 and of 4000 tokens.
(b) 200 concurrent callers at a plan's binding limit against a loopback HTTP server that judges
    strict sliding windows by arrival time and answers 429 over the limit: rejections and
    utilisation (calls made / the most a strict server admits in the same time).
(c) the same with 4 processes (50 callers each) sharing one account through the sqlite backend.

Usage::

    python bench/limiter.py                 # (b) and (c) run 20 s per scenario
    python bench/limiter.py --seconds 60    # the issue's 60 s figure
    python bench/limiter.py --only a
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from coze_client._call import CallInfo
from coze_client.errors import RateLimitWaitError
from coze_client.limits import Limit, MemoryLimiter, Plan, RateLimiter, SqliteLimiter, get_plan

BIG = 10**9

# --------------------------------------------------------------------------------------------
# (a) overhead


async def _time_ops(op: Callable[[], Awaitable[object]], n: int, repeat: int = 3) -> tuple[float, float]:
    """Best of ``repeat``: (wall µs, CPU µs of this process, all threads) per operation.

    The CPU figure is steadier on a shared machine: time spent descheduled does not count.
    """
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            await op()
        best_wall = min(best_wall, (time.perf_counter() - wall) / n)
        best_cpu = min(best_cpu, (time.process_time() - cpu) / n)
    return best_wall * 1e6, best_cpu * 1e6


def _unbound(name: str) -> Plan:
    plan = get_plan(name)
    return plan.with_overrides(
        limits={
            lim.name: {"limit": BIG, **({"max_per_request": BIG} if lim.kind == "tokens" else {})}
            for lim in plan.limits
        }
    )


async def part_a(n: int) -> list[tuple[str, str, tuple[float, float]]]:
    rows: list[tuple[str, str, tuple[float, float]]] = []
    chat = CallInfo("coze", "acct", "POST", "/v3/chat", groups=("chat", "model"))

    def ours(limiter: RateLimiter, call: CallInfo) -> Callable[[], Awaitable[object]]:
        async def op() -> None:
            permit = await limiter.acquire(call)
            await permit.release(used_tokens=call.est_tokens or None)

        return op

    mem = MemoryLimiter(_unbound("coze.personal_free"))
    rows.append(("ours memory", "coze.personal_free chat: 2 limits (20 QPS + 300 RPM)", (0.0, 0.0)))
    rows[-1] = (*rows[-1][:2], await _time_ops(ours(mem, chat), n))
    basic = MemoryLimiter(_unbound("coze.basic"))
    rows.append(("ours memory", "coze.basic model call: 4 limits (QPS, QPS, QPM, QPD)", (0.0, 0.0)))
    rows[-1] = (*rows[-1][:2], await _time_ops(ours(basic, chat), n))
    xc = MemoryLimiter(_unbound("xingchen.default"))
    heavy = CallInfo("xingchen", "acct", "POST", "/chat", groups=("chat",), est_tokens=4000)
    rows.append(("ours memory", "xingchen.default: QPS + QPM + TPM, weight 4000 tokens", (0.0, 0.0)))
    rows[-1] = (*rows[-1][:2], await _time_ops(ours(xc, heavy), n))

    with tempfile.TemporaryDirectory() as tmp:
        sq = SqliteLimiter(_unbound("coze.personal_free"), os.path.join(tmp, "a.db"))
        rows.append(("ours sqlite", "coze.personal_free chat: 2 limits, shared file", (0.0, 0.0)))
        rows[-1] = (*rows[-1][:2], await _time_ops(ours(sq, chat), max(500, n // 100)))
        sq4 = SqliteLimiter(_unbound("xingchen.default"), os.path.join(tmp, "b.db"))
        rows.append(("ours sqlite", "xingchen.default, weight 4000 tokens", (0.0, 0.0)))
        rows[-1] = (*rows[-1][:2], await _time_ops(ours(sq4, heavy), max(500, n // 100)))
        sqt = SqliteLimiter(_unbound("coze.personal_free"), os.path.join(tmp, "c.db"), inline=False)
        rows.append(("ours sqlite", "same, every transaction on the worker thread", (0.0, 0.0)))
        rows[-1] = (*rows[-1][:2], await _time_ops(ours(sqt, chat), max(500, n // 100)))
        await sq.aclose()
        await sq4.aclose()
        await sqt.aclose()

    from aiolimiter import AsyncLimiter

    a1, a2 = AsyncLimiter(BIG, 1), AsyncLimiter(BIG, 60)

    async def aio2() -> None:
        await a1.acquire()
        await a2.acquire()

    async def aio_heavy() -> None:
        await a1.acquire(4000)

    rows.append(("aiolimiter", "2 leaky buckets (acquire only; no release)", await _time_ops(aio2, n)))
    rows.append(("aiolimiter", "1 leaky bucket, weight 4000", await _time_ops(aio_heavy, n)))

    from pyrate_limiter import Duration, InMemoryBucket, Rate
    from pyrate_limiter import Limiter as PyrateLimiter

    pyrate = PyrateLimiter(InMemoryBucket([Rate(BIG, Duration.SECOND), Rate(BIG * 60, Duration.MINUTE)]))

    async def pyr() -> None:
        await pyrate.try_acquire_async("k", 1)

    async def pyr_heavy() -> None:
        await pyrate.try_acquire_async("k", 4000)

    rows.append(("pyrate-limiter", "in-memory log, 2 rates, async", await _time_ops(pyr, n // 4)))
    pyrate2 = PyrateLimiter(InMemoryBucket([Rate(BIG, Duration.SECOND), Rate(BIG * 60, Duration.MINUTE)]))

    async def pyr_heavy2() -> None:
        await pyrate2.try_acquire_async("k", 4000)

    rows.append(("pyrate-limiter", "in-memory log, 2 rates, weight 4000", await _time_ops(pyr_heavy2, 300, 1)))
    try:
        from pyrate_limiter import SQLiteBucket

        with tempfile.TemporaryDirectory() as tmp:
            bucket = SQLiteBucket.init_from_file(
                [Rate(BIG, Duration.SECOND), Rate(BIG * 60, Duration.MINUTE)],
                db_path=os.path.join(tmp, "p.db"),
                use_file_lock=True,
            )
            pysql = PyrateLimiter(bucket)

            async def pys() -> None:
                pysql.try_acquire("k", 1, blocking=False)

            rows.append(("pyrate-limiter", "SQLite + file lock (multi-process)", await _time_ops(pys, 500)))
    except Exception as exc:  # optional dependency (filelock) missing: say so, don't fail
        rows.append(("pyrate-limiter", f"SQLite + file lock: n/a ({type(exc).__name__})", (math.nan, math.nan)))
    del pyr_heavy

    from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
    from limits.aio.storage import MemoryStorage
    from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

    per_s, per_m = RateLimitItemPerSecond(BIG), RateLimitItemPerMinute(BIG)
    moving = MovingWindowRateLimiter(MemoryStorage())
    counter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def lim_moving() -> None:
        await moving.hit(per_s, "k")
        await moving.hit(per_m, "k")

    async def lim_counter() -> None:
        await counter.hit(per_s, "k")
        await counter.hit(per_m, "k")

    moving2 = MovingWindowRateLimiter(MemoryStorage())

    async def lim_heavy() -> None:
        await moving2.hit(per_s, "k", cost=4000)

    rows.append(("limits", "moving window (log), 2 items, async", await _time_ops(lim_moving, n // 4)))
    rows.append(("limits", "sliding window counter, 2 items, async", await _time_ops(lim_counter, n // 4)))
    rows.append(("limits", "moving window, weight 4000", await _time_ops(lim_heavy, 200, 1)))
    return rows


# --------------------------------------------------------------------------------------------
# loopback server that judges arrivals


class Judge:
    """Strict sliding windows by arrival time: an arrival is refused when any window
    ``(t - W, t]`` of a limit already holds ``limit`` admitted arrivals."""

    def __init__(self, limits: tuple[Limit, ...]) -> None:
        self.limits = limits
        self.logs: dict[str, deque[float]] = {lim.name: deque() for lim in limits}
        self.ok = 0
        self.rejected = 0

    def admit(self, groups: tuple[str, ...]) -> bool:
        t = time.monotonic()
        call = CallInfo("coze", "acct", "POST", "/", groups=groups)
        applicable = [lim for lim in self.limits if lim.kind == "requests" and lim.applies_to(call)]
        for lim in applicable:
            log = self.logs[lim.name]
            while log and log[0] <= t - lim.window:
                log.popleft()
            if len(log) >= lim.limit:
                self.rejected += 1
                return False
        for lim in applicable:
            self.logs[lim.name].append(t)
        self.ok += 1
        return True


def make_app(judge: Judge, rng: random.Random) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        groups = tuple(g for g in scope["path"].strip("/").split("+") if g)
        admitted = judge.admit(groups)
        await asyncio.sleep(rng.uniform(0.005, 0.030))  # the model thinks
        status = 200 if admitted else 429
        body = b'{"code":0}' if admitted else b'{"code":4009,"msg":"rate limited"}'
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
        )
        await send({"type": "http.response.body", "body": body})

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_server(judge: Judge) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    port = free_port()
    config = uvicorn.Config(
        make_app(judge, random.Random(1)), host="127.0.0.1", port=port, log_level="error", lifespan="off", backlog=1024
    )
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no "started" event
        await asyncio.sleep(0.01)
    return server, task, f"http://127.0.0.1:{port}"


def ideal_count(limits: tuple[Limit, ...], groups: tuple[str, ...], seconds: float) -> int:
    """The most arrivals a strict server admits in ``[0, seconds)`` (zero-latency greedy client)."""
    call = CallInfo("coze", "acct", "POST", "/", groups=groups)
    applicable = [lim for lim in limits if lim.kind == "requests" and lim.applies_to(call)]
    logs = [deque[float]() for _ in applicable]
    t, count = 0.0, 0
    while t < seconds:
        wait = t
        for lim, log in zip(applicable, logs, strict=True):
            while log and log[0] <= t - lim.window:
                log.popleft()
            if len(log) >= lim.limit:
                wait = max(wait, log[len(log) - lim.limit] + lim.window)
        if wait > t:
            t = wait
            continue
        for log in logs:
            log.append(t)
        count += 1
    return count


@dataclass
class Outcome:
    ok: int
    rejected: int
    waits: list[float]


async def callers(limiter: RateLimiter, url: str, groups: tuple[str, ...], n: int, deadline: float) -> Outcome:
    """``n`` tasks calling in a loop until ``deadline`` (monotonic), paced by ``limiter``."""
    out = Outcome(0, 0, [])
    call = CallInfo("coze", "acct", "POST", "/" + "+".join(groups), groups=groups)
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10), timeout=30
    ) as client:

        async def one() -> None:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                try:
                    permit = await limiter.acquire(call, max_wait=left)
                except RateLimitWaitError:
                    return
                if time.monotonic() >= deadline:
                    await permit.release(sent=False)
                    return
                out.waits.append(permit.waited)
                try:
                    resp = await client.post(url + call.path, content=b"{}")
                finally:
                    await permit.release()
                if resp.status_code == 429:
                    out.rejected += 1
                    await limiter.penalize(call, 1.0)
                else:
                    out.ok += 1

        await asyncio.gather(*(one() for _ in range(n)))
    return out


SCENARIOS: list[tuple[str, str, tuple[str, ...]]] = [
    ("coze.personal_free", "chat (20 QPS + 300 RPM)", ("chat", "model")),
    ("coze.personal_free", "upload (10 QPS)", ("upload",)),
]


async def part_b(seconds: float) -> list[tuple[str, int, int, int, float, float]]:
    rows = []
    for preset, label, groups in SCENARIOS:
        plan = get_plan(preset)
        judge = Judge(plan.limits)
        server, task, url = await start_server(judge)
        limiter = MemoryLimiter(plan)
        start = time.monotonic()
        out = await callers(limiter, url, groups, 200, start + seconds)
        server.should_exit = True
        await task
        ideal = ideal_count(plan.limits, groups, seconds)
        p99 = statistics.quantiles(out.waits, n=100)[98] if len(out.waits) > 1 else 0.0
        rows.append((f"{preset} {label}", out.ok, judge.rejected, ideal, out.ok / ideal, p99))
    return rows


def _child(
    path: str, preset: str, url: str, groups: tuple[str, ...], n: int, start: float, deadline: float
) -> tuple[int, int]:
    async def main() -> tuple[int, int]:
        limiter = SqliteLimiter(get_plan(preset), path, poll_interval=0.005)
        # Everyone starts together: CLOCK_MONOTONIC is shared by the processes of a host.
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        out = await callers(limiter, url, groups, n, deadline)
        await limiter.aclose()
        return out.ok, out.rejected

    return asyncio.run(main())


async def part_c(seconds: float, processes: int = 4) -> list[tuple[str, int, int, int, float]]:
    rows = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        list(pool.map(int, range(processes)))  # start the workers before the clock runs
        for preset, label, groups in SCENARIOS:
            plan = get_plan(preset)
            judge = Judge(plan.limits)
            server, task, url = await start_server(judge)
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "shared.db")
                loop = asyncio.get_running_loop()
                start = time.monotonic() + 1.0
                deadline = start + seconds
                futs = [
                    loop.run_in_executor(pool, _child, path, preset, url, groups, 200 // processes, start, deadline)
                    for _ in range(processes)
                ]
                results = await asyncio.gather(*futs)
            server.should_exit = True
            await task
            ok = sum(r[0] for r in results)
            ideal = ideal_count(plan.limits, groups, seconds)
            rows.append((f"{preset} {label}", ok, judge.rejected, ideal, ok / ideal))
    return rows


# --------------------------------------------------------------------------------------------


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each (b)/(c) scenario")
    parser.add_argument("--ops", type=int, default=100_000, help="operations per overhead measurement")
    parser.add_argument("--only", choices=["a", "b", "c"], help="run one part only")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.only in (None, "a"):
        rows = await part_a(args.ops)
        table(
            "(a) acquire + release when no limit binds (best of 3, us per call: wall clock / CPU of the process)",
            ["library", "what", "wall us", "CPU us"],
            [[a, b, f"{c[0]:.2f}", f"{c[1]:.2f}"] for a, b, c in rows],
        )
    if args.only in (None, "b"):
        brows = await part_b(args.seconds)
        table(
            f"(b) 200 callers, memory backend, {args.seconds:g} s per scenario, loopback server judging arrivals",
            ["plan / endpoint", "ok", "rejected", "strict max", "utilisation", "p99 wait s"],
            [[a, str(b), str(c), str(d), f"{e:.1%}", f"{f:.2f}"] for a, b, c, d, e, f in brows],
        )
    if args.only in (None, "c"):
        crows = await part_c(args.seconds)
        table(
            f"(c) 4 processes x 50 callers, one account via sqlite, {args.seconds:g} s per scenario",
            ["plan / endpoint", "ok", "rejected", "strict max", "utilisation"],
            [[a, str(b), str(c), str(d), f"{e:.1%}"] for a, b, c, d, e in crows],
        )


if __name__ == "__main__":
    asyncio.run(main())

#!/usr/bin/env python
"""Benchmark of a fleet sharing one account through Redis (issue 8). One run prints two tables.

(a) Fleet: ``--procs`` processes (8) x ``--tasks`` callers each share one ``coze.personal_free``
    account against the loopback fake Coze server (``coze_client.testing.FakeCoze``, which judges
    the plan's strict windows by arrival and locks the account out past its 500 free calls).
    Every caller is an ``AsyncCoze`` client (``max_retries=0``) sending ``chat.create``. Two runs:

    * throughput: the real windows, the free quota lifted, ``--seconds`` (10) long;
    * free quota: windows scaled by ``--scale`` (0.1: 20 calls per 0.1 s, 300 per 6 s) so the 500
      free calls take seconds, until the ledger refuses (``--scale 1``: the real plan, ~70 s).

    Reported: calls sent, server rejections (must be 0), the fake's peak per window against the
    limit, the free quota used (must be exactly 500), utilisation (the time a perfect strict client
    needs for the same calls, every window filled the instant it allows, divided by the time the
    fleet took), the median slot hold (grant to release: the response time) and the median reuse
    delay (a freed chat slot, release + window, to its next grant anywhere in the fleet).
    The same fleet runs on the sqlite backends (one host) for comparison.
(b) Overhead per call, one process, no limit binding: limiter acquire + release and ledger
    reserve + settle on the memory, sqlite and redis backends, one caller and 50 callers.

Usage::

    python bench/fleet.py                        # redis-server from PATH on a free port
    python bench/fleet.py --redis redis://host:6379/0 --procs 8 --scale 0.1
    python bench/fleet.py --only b
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from coze_client._call import CallInfo, Usage
from coze_client.limits import get_plan
from coze_client.limits.plans import Plan

TOKEN = "pat_fleetbench0000000000000000"
BOT = "7350000000000000001"
ACCOUNT = "fleet-bench"


def scaled_plan(scale: float, *, quota: bool = True) -> Plan:
    """``coze.personal_free`` with every window multiplied by ``scale`` (and without its free quota)."""
    plan = get_plan("coze.personal_free")
    return plan.with_overrides(
        limits={lim.name: {"window": lim.window * scale} for lim in plan.limits},
        quotas=None if quota else {"free_calls": None},
    )


# -- redis-server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis() -> tuple[subprocess.Popen[bytes], str, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: install it (apt-get install redis-server) or pass --redis URL")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="fleet-bench-redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            workdir,
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0", workdir
        except OSError:
            time.sleep(0.02)
    proc.terminate()
    raise SystemExit("redis-server did not start")


# -- (a) the fleet -------------------------------------------------------------------------------------


def ideal_seconds(plan: Plan, n: int, groups: tuple[str, ...] = ("chat", "model")) -> float:
    """Time from the first to the last of ``n`` arrivals when every window is filled at once.

    Strict sliding windows: arrival ``k`` may come no sooner than one window after arrival
    ``k - limit`` of every request limit that applies.
    """
    probe = CallInfo("coze", "a", "POST", "/v3/chat", groups=groups)
    lims = [x for x in plan.limits if x.kind == "requests" and x.applies_to(probe)]
    times: list[float] = []
    for k in range(n):
        t = 0.0
        for lim in lims:
            if k >= lim.limit:
                t = max(t, times[k - lim.limit] + lim.window)
        times.append(t)
    return times[-1] - times[0] if times else 0.0


class _TimedPermit:
    """A permit that records how long its slot was held (grant to release: one response time)."""

    def __init__(self, permit: Any, holds: list[tuple[float, float]]) -> None:
        self._permit = permit
        self._holds = holds
        self._t0 = time.monotonic()
        self.waited = permit.waited

    def responded(self) -> None:
        from coze_client.limits.base import mark_responded

        mark_responded(self._permit)  # the head: the limiter's request slots start their last window

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        self._holds.append((self._t0, time.monotonic()))
        await self._permit.release(used_tokens=used_tokens, sent=sent)


class _TimedLimiter:
    """Delegates to a limiter and times every slot, to explain the utilisation: window / (window + hold)."""

    def __init__(self, limiter: Any) -> None:
        self._limiter = limiter
        self.holds: list[tuple[float, float]] = []  # (grant, release), CLOCK_MONOTONIC: shared by the host

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> _TimedPermit:
        return _TimedPermit(await self._limiter.acquire(call, max_wait=max_wait), self.holds)

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        await self._limiter.penalize(call, seconds)

    async def aclose(self) -> None:
        await self._limiter.aclose()


async def child_main(args: argparse.Namespace) -> None:
    """One fleet member: ``--tasks`` callers, each sending until the ledger refuses."""
    from coze_client import AsyncCoze
    from coze_client.errors import CozeError, QuotaExhaustedError

    plan = scaled_plan(args.scale, quota=not args.no_quota)
    if args.backend == "redis":
        from coze_client.ledger.redis import RedisLedger
        from coze_client.limits.redis import RedisLimiter

        limiter: Any = RedisLimiter(plan, args.redis, prefix=args.prefix)
        ledger: Any = RedisLedger(args.redis, prefix=args.prefix)
    else:
        from coze_client.ledger.sqlite import SqliteLedger
        from coze_client.limits.sqlite import SqliteLimiter

        limiter = SqliteLimiter(plan, os.path.join(args.prefix, "limits.db"))
        ledger = SqliteLedger(os.path.join(args.prefix, "ledger.sqlite3"))
    limiter = _TimedLimiter(limiter)
    counts = {"sent": 0, "refused": 0, "errors": 0}
    errors: list[str] = []
    delay = args.start - time.time()
    if delay > 0:
        await asyncio.sleep(delay)
    deadline = time.monotonic() + args.seconds
    async with AsyncCoze(
        token=TOKEN, base_url=args.base_url, plan=plan, account=ACCOUNT, limiter=limiter, ledger=ledger, max_retries=0
    ) as coze:

        async def caller() -> None:
            while time.monotonic() < deadline:
                try:
                    await coze.chat.create(bot_id=BOT, user_id="u1", additional_messages=["hi"])
                    counts["sent"] += 1
                except QuotaExhaustedError:
                    counts["refused"] += 1
                    return
                except CozeError as exc:
                    counts["errors"] += 1
                    errors.append(type(exc).__name__)

        tasks = [asyncio.ensure_future(caller()) for _ in range(args.tasks)]
        _, late = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()) + 0.01)
        for task in late:  # the run is over: callers still waiting for a window give up
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    await limiter.aclose()  # instances passed in are ours to close (the client closes only what it built)
    await ledger.aclose()
    print(json.dumps({**counts, "error_kinds": sorted(set(errors)), "slots": limiter.holds}), flush=True)


def run_fleet(
    args: argparse.Namespace, backend: str, redis_url: str | None, *, scale: float, quota: bool, seconds: float
) -> dict[str, Any]:
    from coze_client.testing import FakeCoze, LoopbackServer

    plan = scaled_plan(scale, quota=quota)
    fake = FakeCoze(tokens=[TOKEN], plan=plan)
    fake.bot(BOT, replies=["hello"])
    server = LoopbackServer(fake).start()
    workdir = tempfile.mkdtemp(prefix="fleet-bench-")
    prefix = f"bench-{uuid.uuid4().hex[:8]}" if backend == "redis" else workdir
    start = time.time() + 2.0 + 0.25 * args.procs  # every member imported and connected before it
    base = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--backend",
        backend,
        "--prefix",
        prefix,
        "--base-url",
        server.base_url,
        "--scale",
        str(scale),
        "--tasks",
        str(args.tasks),
        "--seconds",
        str(seconds),
        "--start",
        str(start),
    ] + ([] if quota else ["--no-quota"])
    if redis_url:
        base += ["--redis", redis_url]
    try:
        procs = [subprocess.Popen(base, stdout=subprocess.PIPE, text=True) for _ in range(args.procs)]
        results = []
        for p in procs:
            out, _ = p.communicate(timeout=seconds + 60)
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    chats = sorted(r.arrived_at for r in fake.requests if r.path == "/v3/chat")
    sent = sum(r["sent"] for r in results)
    took = chats[-1] - chats[0] if len(chats) > 1 else 0.0
    ideal = ideal_seconds(plan, len(chats))
    stats = fake.stats
    return {
        "backend": backend,
        "sent": sent,
        "arrived": len(chats),
        "rejections": stats.rejections,
        "errors": sum(r["errors"] for r in results),
        "error_kinds": sorted({k for r in results for k in r["error_kinds"]}),
        "refused": sum(r["refused"] for r in results),
        "quota_used": stats.quota_used.get("free_calls", 0),
        "peaks": {k: (stats.peaks.get(k, 0), stats.limits.get(k, 0)) for k in ("chat_qps", "model_rpm")},
        "took": took,
        "ideal": ideal,
        "utilisation": ideal / took if took else 0.0,
        **slot_times(results, plan.limit("chat_qps").limit, plan.limit("chat_qps").window),
        "marks": [round(t - chats[0], 3) for t in chats[299:302]] if len(chats) > 301 else [],
    }


def slot_times(results: list[dict[str, Any]], limit: int, window: float) -> dict[str, float]:
    """Median slot hold (grant to release) and reuse delay, across the fleet.

    The reuse delay is how long after a slot freed (release + window of the binding chat limit) the
    fleet granted it again: the k-th grant after the first ``limit`` uses the k-th slot to free.
    """
    slots = sorted((g, r) for res in results for g, r in res["slots"])
    if not slots:
        return {"hold": 0.0, "reuse": 0.0}
    grants = sorted(g for g, _ in slots)
    frees = sorted(r + window for _, r in slots)
    reuse = [grants[k + limit] - frees[k] for k in range(len(grants) - limit) if grants[k + limit] >= frees[k]]
    return {
        "hold": statistics.median(r - g for g, r in slots),
        "reuse": statistics.median(reuse) if reuse else 0.0,
    }


# -- (b) overhead per call -------------------------------------------------------------------------------


def open_plan() -> Plan:
    """``coze.personal_free`` with limits and quota far out of reach: only the bookkeeping is measured."""
    plan = get_plan("coze.personal_free")
    return plan.with_overrides(
        limits={lim.name: 10_000_000 for lim in plan.limits}, quotas={"free_calls": 1_000_000_000}
    )


async def overhead(backend: str, redis_url: str | None, calls: int, callers: int) -> tuple[float, float]:
    """(limiter µs per call, ledger µs per call) with ``callers`` concurrent callers."""
    plan = open_plan()
    workdir = tempfile.mkdtemp(prefix="fleet-overhead-")
    prefix = f"ovh-{uuid.uuid4().hex[:8]}"
    limiter: Any
    ledger: Any
    if backend == "memory":
        from coze_client.ledger.memory import MemoryLedger
        from coze_client.limits.memory import MemoryLimiter

        limiter, ledger = MemoryLimiter(plan), MemoryLedger(plan)
    elif backend == "sqlite":
        from coze_client.ledger.sqlite import SqliteLedger
        from coze_client.limits.sqlite import SqliteLimiter

        limiter = SqliteLimiter(plan, os.path.join(workdir, "limits.db"))
        ledger = SqliteLedger(os.path.join(workdir, "ledger.sqlite3"), plan)
    else:
        from coze_client.ledger.redis import RedisLedger
        from coze_client.limits.redis import RedisLimiter

        assert redis_url is not None
        limiter = RedisLimiter(plan, redis_url, prefix=prefix)
        ledger = RedisLedger(redis_url, plan, prefix=prefix)
    call = CallInfo("coze", ACCOUNT, "POST", "/v3/chat", ("chat", "model"))
    per = calls // callers

    async def lim_loop() -> None:
        for _ in range(per):
            permit = await limiter.acquire(call)
            await permit.release()

    async def led_loop() -> None:
        for _ in range(per):
            res = await ledger.reserve(call)
            await ledger.settle(res, Usage(input_tokens=10, output_tokens=20))

    # Warm up: connections, schema, scripts.
    await (await limiter.acquire(call)).release()
    await ledger.settle(await ledger.reserve(call))
    t0 = time.perf_counter()
    await asyncio.gather(*(lim_loop() for _ in range(callers)))
    t_lim = (time.perf_counter() - t0) / (per * callers)
    t0 = time.perf_counter()
    await asyncio.gather(*(led_loop() for _ in range(callers)))
    t_led = (time.perf_counter() - t0) / (per * callers)
    await limiter.aclose()
    await ledger.aclose()
    shutil.rmtree(workdir, ignore_errors=True)
    return t_lim * 1e6, t_led * 1e6


# -- tables ------------------------------------------------------------------------------------------------


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--tasks", type=int, default=20, help="callers per process")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the throughput run (real windows)")
    ap.add_argument("--scale", type=float, default=0.1, help="window scale of the free-quota run")
    ap.add_argument("--redis", default=None, help="redis URL (default: start redis-server on a free port)")
    ap.add_argument("--backends", default="redis,sqlite")
    ap.add_argument("--calls", type=int, default=2000, help="calls per overhead measurement")
    ap.add_argument("--only", choices=["a", "b"], default=None)
    # Internal: a fleet member.
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="redis", help=argparse.SUPPRESS)
    ap.add_argument("--prefix", default="", help=argparse.SUPPRESS)
    ap.add_argument("--base-url", default="", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--no-quota", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        asyncio.run(child_main(args))
        return
    server: subprocess.Popen[bytes] | None = None
    workdir = None
    redis_url = args.redis
    if redis_url is None:
        server, redis_url, workdir = start_redis()
    try:
        if args.only in (None, "a"):
            rows = []
            runs = [
                ("throughput", 1.0, False, args.seconds),
                ("free quota", args.scale, True, 60 * args.scale * 3 + 10),
            ]
            for name, scale, quota, seconds in runs:
                for backend in args.backends.split(","):
                    r = run_fleet(args, backend, redis_url, scale=scale, quota=quota, seconds=seconds)
                    if r["marks"]:
                        print(f"{backend}: arrivals 300-302 at {r['marks']} s after the first", file=sys.stderr)
                    rows.append(
                        [
                            f"{name}, windows x{scale:g}",
                            r["backend"],
                            str(r["sent"]),
                            str(r["rejections"]),
                            str(r["errors"]) + (f" {r['error_kinds']}" if r["errors"] else ""),
                            f"{r['quota_used']:g} / 500" if quota else "-",
                            " ".join(f"{k} {p:g}/{lim:g}" for k, (p, lim) in r["peaks"].items()),
                            f"{r['took']:.2f} s",
                            f"{r['ideal']:.2f} s",
                            f"{r['utilisation']:.1%}",
                            f"{r['hold'] * 1000:.0f} ms",
                            f"{r['reuse'] * 1000:.0f} ms" if quota is False else "-",
                        ]
                    )
            table(
                f"(a) {args.procs} processes x {args.tasks} callers share one coze.personal_free account",
                [
                    "run",
                    "backend",
                    "sent",
                    "429s",
                    "errors",
                    "free quota",
                    "peak/limit",
                    "took",
                    "ideal",
                    "utilisation",
                    "median hold",
                    "median reuse delay",
                ],
                rows,
            )
        if args.only in (None, "b"):
            rows = []
            for backend in ("memory", "sqlite", "redis"):
                one = asyncio.run(overhead(backend, redis_url, args.calls, 1))
                many = asyncio.run(overhead(backend, redis_url, args.calls, 50))
                rows.append([backend, f"{one[0]:.0f}", f"{one[1]:.0f}", f"{many[0]:.0f}", f"{many[1]:.0f}"])
            table(
                f"(b) overhead per call, µs ({args.calls} calls), no limit binding",
                ["backend", "limiter, 1 caller", "ledger, 1 caller", "limiter, 50 callers", "ledger, 50 callers"],
                rows,
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

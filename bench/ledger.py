"""Benchmark the usage ledger: what it costs per call, and what one sqlite file sustains.

Run:  python bench/ledger.py [--calls 3000] [--procs 8] [--seconds 3] [--repeat 3]

A "call" is what the corridor does for one attempt: ``hold`` (before the limiter wait), ``mark``
(counted, durably, before the send) and ``settle`` (the usage) -- or ``reserve`` + ``settle`` on a
ledger without ``hold`` (an older coze-client: run this script with ``PYTHONPATH`` pointing at one
to measure it the same way). The plan is the default one, ``coze.personal_free``.

Prints one table:

* per-call cost (microseconds), one call at a time: memory; sqlite as ``AsyncCoze(token)`` builds it
  (the default); sqlite with ``asyncio.to_thread``; sqlite ``synchronous=FULL``;
* calls/s with 64 concurrent tasks in one process (the default sqlite ledger);
* calls/s sustained by N processes (8 by default) x 8 tasks on ONE sqlite file;
* one thread hop, for scale.

Every multi-process wait has a timeout: a worker that dies is reported, never waited for forever.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from coze_client._call import CallInfo, Usage
from coze_client.ledger import MemoryLedger, SqliteLedger
from coze_client.limits import get_plan

PLAN = get_plan("coze.personal_free").model_copy(
    update={"quotas": tuple(q.model_copy(update={"limit": 10**12}) for q in get_plan("coze.personal_free").quotas)}
)
CALL = CallInfo("coze", "bench", "POST", "/v3/chat", ("chat", "model"))
USAGE = Usage(120, 30)
TIMEOUT = 120.0


async def _one(ledger: Any) -> None:
    """One attempt as the corridor runs it."""
    if hasattr(ledger, "hold"):
        res = await ledger.hold(CALL)
        await ledger.mark(res)
    else:  # a coze-client from before hold/mark
        res = await ledger.reserve(CALL)
    await ledger.settle(res, USAGE)


async def sequential(ledger: Any, calls: int) -> float:
    """Microseconds per call, one at a time (closing, which writes what is batched, included)."""
    for _ in range(50):  # warm up: open the file, run migrations, fill caches
        await _one(ledger)
    start = time.perf_counter()
    for _ in range(calls):
        await _one(ledger)
    await ledger.aclose()
    return (time.perf_counter() - start) / calls * 1e6


async def concurrent(ledger: Any, calls: int, tasks: int = 64) -> float:
    """Calls per second with ``tasks`` concurrent tasks in one process."""
    for _ in range(50):
        await _one(ledger)
    per_task = calls // tasks

    async def worker() -> None:
        for _ in range(per_task):
            await _one(ledger)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    await ledger.aclose()
    return per_task * tasks / (time.perf_counter() - start)


async def hop_cost(n: int = 3000) -> tuple[float, float]:
    """Microseconds of one round trip to a worker thread: dedicated executor vs asyncio.to_thread."""
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=1)
    out = []
    for hop in (lambda: loop.run_in_executor(pool, int), lambda: asyncio.to_thread(int)):
        for _ in range(100):
            await hop()
        start = time.perf_counter()
        for _ in range(n):
            await hop()
        out.append((time.perf_counter() - start) / n * 1e6)
    pool.shutdown()
    return out[0], out[1]


def _proc(path: str, seconds: float, barrier: Any, out: Any) -> None:
    async def main() -> int:
        ledger = SqliteLedger(path, PLAN)
        await _one(ledger)
        barrier.wait(TIMEOUT)  # never forever: a sibling that died breaks the barrier
        done = 0
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await _one(ledger)
                done += 1

        await asyncio.gather(*(worker() for _ in range(8)))
        await ledger.aclose()
        return done

    try:
        out.put(asyncio.run(main()))
    except BaseException as exc:
        out.put(f"{type(exc).__name__}: {exc}")
        raise


def processes(path: str, procs: int, seconds: float) -> tuple[float, int, list[str]]:
    """Calls per second sustained by ``procs`` processes on one sqlite file; the total; worker failures."""
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(procs + 1), ctx.Queue()
    workers = [ctx.Process(target=_proc, args=(path, seconds, barrier, out)) for _ in range(procs)]
    for w in workers:
        w.start()
    failures: list[str] = []
    try:
        barrier.wait(TIMEOUT)
    except Exception as exc:  # BrokenBarrierError: a worker died before the start
        failures.append(f"start barrier: {type(exc).__name__}")
    start = time.perf_counter()
    total = 0
    for _ in workers:
        try:
            got = out.get(timeout=TIMEOUT)
        except Exception:
            failures.append("a worker did not report")
            break
        if isinstance(got, int):
            total += got
        else:
            failures.append(got)
    elapsed = time.perf_counter() - start
    for w in workers:
        w.join(5)
        if w.is_alive():
            w.kill()
    return total / elapsed, total, failures


def _counted(path: Path) -> int:
    """Calls the file counts in the plan's quota (read as a new process would: what was counted ahead
    and not used is given back first)."""

    async def read() -> int:
        ledger = SqliteLedger(path, PLAN)
        try:
            rows = await ledger.snapshot(current_only=False)
        finally:
            await ledger.aclose()
        return int(sum(r.calls for r in rows if r.quota == "free_calls"))

    return asyncio.run(read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    rows: list[tuple[str, str]] = []
    api = "hold+mark+settle" if hasattr(SqliteLedger, "hold") else "reserve+settle"

    def db(name: str) -> Path:
        return tmp / f"{name}.sqlite3"

    def median(make: Any, fn: Any, calls: int) -> float:
        # The machine is shared: take the median of --repeat runs, each on a fresh file.
        return statistics.median(asyncio.run(fn(make(i), calls)) for i in range(args.repeat))

    us = median(lambda i: MemoryLedger(PLAN), sequential, args.calls)
    rows.append((f"memory: {api}, sequential", f"{us:.1f} us/call"))
    us = median(lambda i: SqliteLedger(db(f"seq-default-{i}"), PLAN), sequential, args.calls)
    rows.append((f"sqlite, the default: {api}, sequential", f"{us:.1f} us/call"))
    us = median(lambda i: SqliteLedger(db(f"seq-tt-{i}"), PLAN, executor="to_thread"), sequential, args.calls)
    rows.append((f"sqlite (to_thread): {api}, sequential", f"{us:.1f} us/call"))
    us = median(lambda i: SqliteLedger(db(f"full-{i}"), PLAN, synchronous="FULL"), sequential, args.calls // 3)
    rows.append((f"sqlite (FULL): {api}, sequential", f"{us:.1f} us/call"))
    rate = median(lambda i: SqliteLedger(db(f"conc-{i}"), PLAN), concurrent, args.calls * 2)
    rows.append(("sqlite, the default: 64 tasks, 1 process", f"{rate:,.0f} calls/s"))
    hops = asyncio.run(hop_cost())
    rows.append(("one thread hop: dedicated thread / asyncio.to_thread", f"{hops[0]:.1f} / {hops[1]:.1f} us"))
    rate, total, failures = processes(str(db("procs")), args.procs, args.seconds)
    # Every call must be in the file once the processes closed (each made one more before the start).
    counted = _counted(db("procs"))
    if counted != total + args.procs and not failures:
        failures.append(f"the file counts {counted:,} calls, not {total + args.procs:,}")
    note = f" -- FAILED: {'; '.join(failures)}" if failures else ", every one in the file"
    name = f"sqlite, the default: {args.procs} processes x 8 tasks, one file"
    rows.append((name, f"{rate:,.0f} calls/s ({total:,} calls{note})"))

    width = max(len(r[0]) for r in rows)
    print(
        f"ledger benchmark (python {sys.version.split()[0]}, {os.cpu_count()} cpus, calls={args.calls}, "
        f"median of {args.repeat})"
    )
    print(f"{'case':<{width}}  result")
    print(f"{'-' * width}  {'-' * 28}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()

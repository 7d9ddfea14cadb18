"""Benchmark the usage ledger: what it costs per call, and what one sqlite file sustains.

Run:  /work/venv/bin/python bench/ledger.py [--calls 3000] [--procs 8] [--seconds 3]

Prints one table:
* per-call cost (microseconds) of reserve + settle, one call at a time, on memory and on sqlite
  (dedicated thread vs ``asyncio.to_thread``; ``synchronous=NORMAL`` and ``FULL``);
* calls/s with 64 concurrent tasks in one process (sqlite, both executors);
* calls/s sustained by N processes (8 by default) x 8 tasks on ONE sqlite file.
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
from coze_client.ledger import BaseLedger, MemoryLedger, SqliteLedger
from coze_client.limits import get_plan

PLAN = get_plan("coze.personal_free").model_copy(
    update={"quotas": tuple(q.model_copy(update={"limit": 10**12}) for q in get_plan("coze.personal_free").quotas)}
)
CALL = CallInfo("coze", "bench", "POST", "/v3/chat", ("chat", "model"))
USAGE = Usage(120, 30)


async def _one(ledger: BaseLedger) -> None:
    await ledger.settle(await ledger.reserve(CALL), USAGE)


async def sequential(ledger: BaseLedger, calls: int) -> float:
    """Microseconds per reserve + settle, one at a time."""
    for _ in range(50):  # warm up: open the file, run migrations, fill caches
        await _one(ledger)
    start = time.perf_counter()
    for _ in range(calls):
        await _one(ledger)
    elapsed = time.perf_counter() - start
    await ledger.aclose()
    return elapsed / calls * 1e6


async def concurrent(ledger: BaseLedger, calls: int, tasks: int = 64) -> float:
    """Calls per second with ``tasks`` concurrent tasks in one process."""
    for _ in range(50):
        await _one(ledger)
    per_task = calls // tasks

    async def worker() -> None:
        for _ in range(per_task):
            await _one(ledger)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    elapsed = time.perf_counter() - start
    await ledger.aclose()
    return per_task * tasks / elapsed


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
        barrier.wait()
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

    out.put(asyncio.run(main()))


def processes(path: str, procs: int, seconds: float) -> tuple[float, int]:
    """Calls per second sustained by ``procs`` processes on one sqlite file; also the total count."""
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(procs + 1), ctx.Queue()
    workers = [ctx.Process(target=_proc, args=(path, seconds, barrier, out)) for _ in range(procs)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    total = sum(out.get(timeout=120) for _ in workers)
    elapsed = time.perf_counter() - start
    for w in workers:
        w.join()
    return total / elapsed, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    rows: list[tuple[str, str]] = []

    def db(name: str) -> Path:
        return tmp / f"{name}.sqlite3"

    def median(make: Any, fn: Any, calls: int) -> float:
        # The machine is shared: take the median of --repeat runs, each on a fresh file.
        return statistics.median(asyncio.run(fn(make(i), calls)) for i in range(args.repeat))

    us = median(lambda i: MemoryLedger(PLAN), sequential, args.calls)
    rows.append(("memory: reserve+settle, sequential", f"{us:.1f} us/call"))
    for executor in ("thread", "to_thread"):
        us = median(lambda i, e=executor: SqliteLedger(db(f"seq-{e}-{i}"), PLAN, executor=e), sequential, args.calls)
        rows.append((f"sqlite ({executor}, NORMAL): reserve+settle, sequential", f"{us:.1f} us/call"))
    us = median(lambda i: SqliteLedger(db(f"full-{i}"), PLAN, synchronous="FULL"), sequential, args.calls // 3)
    rows.append(("sqlite (thread, FULL): reserve+settle, sequential", f"{us:.1f} us/call"))
    for executor in ("thread", "to_thread"):
        rate = median(lambda i, e=executor: SqliteLedger(db(f"conc-{e}-{i}"), PLAN, executor=e), concurrent, args.calls)
        rows.append((f"sqlite ({executor}): 64 tasks, 1 process", f"{rate:,.0f} calls/s"))
    hops = asyncio.run(hop_cost())
    rows.append(("one thread hop: dedicated thread / asyncio.to_thread", f"{hops[0]:.1f} / {hops[1]:.1f} us"))
    rate, total = processes(str(db("procs")), args.procs, args.seconds)
    rows.append(
        (f"sqlite (thread): {args.procs} processes x 8 tasks, one file", f"{rate:,.0f} calls/s ({total:,} calls)")
    )

    width = max(len(r[0]) for r in rows)
    print(
        f"ledger benchmark (python {sys.version.split()[0]}, {os.cpu_count()} cpus, calls={args.calls}, "
        f"median of {args.repeat})"
    )
    print(f"{'case':<{width}}  result")
    print(f"{'-' * width}  {'-' * 28}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

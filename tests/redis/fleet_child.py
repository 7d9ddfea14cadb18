"""One member of a test fleet: a separate process that uses the Redis limiter or ledger.

Usage: ``fleet_child.py MODE URL PREFIX START [ARGS...]``; START is a ``time.time()`` at which all
members begin together. Prints one JSON object per line on stdout.

Modes:
    limiter LIMIT WINDOW TASKS CALLS   TASKS tasks x CALLS calls each; prints the (send, response head) spans
    reserve QUOTA N                    N concurrent reservations against a 'free_calls' quota of QUOTA
    crash QUOTA                        reserves one call after another, printing each as it is counted,
                                       until killed (the parent sends SIGKILL)
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

from redis_helpers import chat, short_plan

from coze_client.errors import QuotaExhaustedError
from coze_client.ledger.redis import RedisLedger
from coze_client.limits.base import mark_responded
from coze_client.limits.redis import RedisLimiter


def out(obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def limiter_mode(url: str, prefix: str, limit: int, window: float, tasks: int, calls: int) -> None:
    limiter = RedisLimiter(short_plan(limit, window), url, prefix=prefix, poll_interval=0.01)
    spans: list[tuple[float, float]] = []

    async def worker() -> None:
        for _ in range(calls):
            permit = await limiter.acquire(chat())
            sent = time.monotonic()  # CLOCK_MONOTONIC: shared by the processes of this host
            await asyncio.sleep(random.uniform(0.0, 0.03))  # the request is on the wire
            answered = time.monotonic()  # the response head: the request has arrived by now
            mark_responded(permit)
            await asyncio.sleep(random.uniform(0.0, 0.1))  # the body streams on; the request slot is already free
            await permit.release()
            spans.append((sent, answered))

    await asyncio.gather(*(worker() for _ in range(tasks)))
    await limiter.aclose()
    out({"spans": spans})


async def reserve_mode(url: str, prefix: str, quota: int, n: int) -> None:
    ledger = RedisLedger(url, short_plan(quota=quota), prefix=prefix)

    async def one() -> bool:
        try:
            res = await ledger.reserve(chat())
        except QuotaExhaustedError:
            return False
        await ledger.settle(res)
        return True

    results = await asyncio.gather(*(one() for _ in range(n)))
    await ledger.aclose()
    out({"ok": sum(results), "refused": len(results) - sum(results)})


async def crash_mode(url: str, prefix: str, quota: int) -> None:
    ledger = RedisLedger(url, short_plan(quota=quota), prefix=prefix)
    i = 0
    while True:
        res = await ledger.reserve(chat())
        out({"reserved": res.id})  # counted from here on, whatever happens next
        if i % 3 == 0:
            await ledger.settle(res)
        i += 1


def main() -> None:
    mode, url, prefix, start, *args = sys.argv[1:]
    delay = float(start) - time.time()
    if delay > 0:
        time.sleep(delay)
    if mode == "limiter":
        asyncio.run(limiter_mode(url, prefix, int(args[0]), float(args[1]), int(args[2]), int(args[3])))
    elif mode == "reserve":
        asyncio.run(reserve_mode(url, prefix, int(args[0]), int(args[1])))
    elif mode == "crash":
        asyncio.run(crash_mode(url, prefix, int(args[0])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()

"""What virtual time buys a user's pacing test: the same paced workload in real and in virtual time.

The workload is the testing guide's: N chats at once through ``AsyncCoze`` on the ``coze.personal_free``
plan (20 chats per second) against an in-process ``FakeCoze`` enforcing the same plan, the client's
limiter on :class:`~coze_client.testing.clock.LoopTimeClock` (what the ``make_coze`` fixture builds).
Real time waits out every window; virtual time (``virtual_time()``, what ``coze_clock`` turns on) jumps
over them. Both report the seconds the clock saw and the seconds the wall saw; the ratio is the speed-up.

Run: ``python bench/virtual_time.py [--chats 60] [--rounds 3] [--virtual-only]`` (at most 500 chats: the
free plan's quota; past 300 the plan's 300-per-minute model limit makes the client wait a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time

from coze_client import AsyncCoze
from coze_client.limits import MemoryLimiter, get_plan
from coze_client.testing import FakeCoze
from coze_client.testing.clock import LoopTimeClock, virtual_time

PLAN = "coze.personal_free"


async def paced(chats: int, virtual: bool) -> tuple[float, float, float]:
    clock = LoopTimeClock()
    fake = FakeCoze(plan=PLAN, clock=clock, wall_clock=clock.wall)
    fake.bot("b", replies=["hi"])
    with virtual_time() if virtual else contextlib.nullcontext(), fake.mock():
        limiter = MemoryLimiter(get_plan(PLAN), clock=clock)
        async with AsyncCoze(token="pat_bench", plan=PLAN, ledger="memory://", limiter=limiter) as coze:
            start, wall = clock.now(), time.perf_counter()
            await asyncio.gather(
                *(coze.chat.create(bot_id="b", user_id=f"u{i}", additional_messages=["hi"]) for i in range(chats))
            )
            seen, spent = clock.now() - start, time.perf_counter() - wall
    assert fake.stats.rejections == 0 and fake.stats.max_over_limit == 0
    return seen, spent, fake.stats.peaks["chat_qps"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--virtual-only", action="store_true", help="skip the real-time run (long workloads)")
    args = parser.parse_args()
    results = {}
    for virtual in (True,) if args.virtual_only else (False, True):
        runs = [asyncio.run(paced(args.chats, virtual)) for _ in range(args.rounds)]
        results[virtual] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        label = "virtual" if virtual else "real"
        print(f"{label:8} {args.chats} chats: clock {results[virtual][0]:.3f} s, wall {results[virtual][1]:.3f} s")
    if False in results:
        print(f"speed-up (real wall / virtual wall): {results[False][1] / results[True][1]:.0f}x")


if __name__ == "__main__":
    main()

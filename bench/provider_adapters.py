"""Benchmark: client-side cost of the provider adapters, and the EasyDL single-flight token refresh.

Every adapter answers from the testing kit's fake server through ``fake.transport()`` (in process, no
sockets), with ``plan=None`` (nothing to wait for: the limiter's pacing is measured in bench/limiter.py)
and the memory ledger, so only the adapter + corridor cost is measured.

    /work/venv/bin/python bench/provider_adapters.py [--calls 300] [--rounds 3] [--concurrent 200]

Prints one table: per provider, median microseconds per blocking chat and per streamed chat (a short
reply of 8 deltas), and EasyDL inference; then the time for N concurrent EasyDL calls that all find
the token expired, and how many token fetches they caused.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

import providers
from coze_client.testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeXingchen

REPLY = "one two three four five six seven eight"


async def per_call(fn: Callable[[], Awaitable[Any]], calls: int, rounds: int) -> float:
    """Median over ``rounds`` of the mean microseconds per call (calls made one after another)."""
    results = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            await fn()
        results.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(results)


async def stream_once(bot: Any, message: str) -> None:
    async with bot.stream(message) as s:
        async for _ in s:
            pass


async def bench_chat(name: str, fake: Any, config: dict[str, Any], calls: int, rounds: int) -> tuple[float, float]:
    http = httpx.AsyncClient(transport=fake.transport())
    async with providers.open(name, plan=None, ledger="memory://", http_client=http, **config) as bot:
        if name == "gptbots":
            conv = await bot.new_conversation()
            blocking = await per_call(lambda: bot.chat("hello", conversation=conv), calls, rounds)
            streamed = await per_call(lambda: stream_once_conv(bot, conv), calls, rounds)
        else:
            await bot.chat("warm up")
            blocking = await per_call(lambda: bot.chat("hello"), calls, rounds)
            streamed = await per_call(lambda: stream_once(bot, "hello"), calls, rounds)
    await http.aclose()
    return blocking, streamed


async def stream_once_conv(bot: Any, conv: Any) -> None:
    async with bot.stream("hello", conversation=conv) as s:
        async for _ in s:
            pass


async def bench_easydl(calls: int, rounds: int, concurrent: int) -> tuple[float, float, int]:
    fake = FakeEasyDL()
    http = httpx.AsyncClient(transport=fake.transport())
    async with providers.open("easydl", api_key="ak", secret_key="sk", plan=None, ledger="memory://",
                              http_client=http) as easydl:
        image = b"\x89PNG" + bytes(range(256)) * 16
        await easydl.classify_image("flowers", image)
        infer = await per_call(lambda: easydl.classify_image("flowers", image), calls, rounds)
        fake.expire_tokens()
        fake.faults.latency(0.01, path="/rpc/")  # keep them all in flight with the expired token
        before = easydl.token.refreshes
        t0 = time.perf_counter()
        await asyncio.gather(*(easydl.classify_text("news", f"t{i}") for i in range(concurrent)))
        refresh_all = time.perf_counter() - t0
        fetches = easydl.token.refreshes - before
    await http.aclose()
    return infer, refresh_all, fetches


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()

    coze = FakeCoze()
    coze.bot("bot_1", replies=[REPLY], stream_chunks=8)
    cases = [
        ("coze", coze, {"token": "pat_benchbenchbench", "bot_id": "bot_1"}),
        ("xingchen", FakeXingchen(replies=[REPLY]), {"api_key": "lm-benchbenchbench", "character_id": "c1"}),
        ("gptbots", FakeGPTBots(replies=[REPLY]), {"api_key": "app-benchbenchbench1"}),
    ]
    rows = []
    for name, fake, config in cases:
        blocking, streamed = await bench_chat(name, fake, config, args.calls, args.rounds)
        rows.append((name, f"{blocking:,.0f}", f"{streamed:,.0f}"))
    infer, refresh_all, fetches = await bench_easydl(args.calls, args.rounds, args.concurrent)
    print("| adapter | blocking chat (µs/call) | streamed chat, 8 deltas (µs/call) |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    print(f"| easydl | classify_image: {infer:,.0f} | — |")
    print()
    print(f"EasyDL: {args.concurrent} concurrent calls with an expired token: {refresh_all * 1000:,.0f} ms "
          f"(incl. 10 ms fake latency per attempt), token fetches: {fetches}")


if __name__ == "__main__":
    asyncio.run(main())

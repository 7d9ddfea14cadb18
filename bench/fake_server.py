"""How fast the fake Coze server answers: its own cost, so benchmarks built on it measure the client.

Cases (each the median of ``--rounds`` runs):

- ``handle()`` called directly (the fake's own cost), and in-process through ``fake.transport()``:
  ``GET /v1/users/me`` and a chat create + retrieve pair, plain and with the ``coze.personal_free``
  plan enforced (windows, quota);
- a chat stream of ``--events`` ``conversation.message.delta`` events, read with ``aiter_raw``;
- the enforcer alone: ``admit`` calls per second;
- the same ``users/me`` call over the loopback socket (uvicorn, h11), with a keep-alive client.

Run: ``python bench/fake_server.py [--calls 2000] [--events 20000] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx

from coze_client.limits.plans import Limit, Quota
from coze_client.testing import Enforcer, FakeCoze, serve_loopback

AUTH = {"Authorization": "Bearer pat_benchtoken000000"}


async def _timed(fn: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await fn()
    return time.perf_counter() - started


async def users_me(client: httpx.AsyncClient, calls: int) -> None:
    for _ in range(calls):
        (await client.get("/v1/users/me")).raise_for_status()


async def chat_pairs(client: httpx.AsyncClient, calls: int) -> None:
    for _ in range(calls // 2):
        chat = (await client.post("/v3/chat", json={"bot_id": "b", "user_id": "u"})).json()["data"]
        await client.get(
            "/v3/chat/retrieve", params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
        )


def in_process(fake: FakeCoze) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH)


async def bench(calls: int, events: int, rounds: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []

    # The fake's own cost: handle() called directly, no client in between.
    direct = []
    for _ in range(rounds):
        fake = FakeCoze()
        request = httpx.Request("GET", "https://api.coze.cn/v1/users/me", headers=AUTH)

        async def loop(fake: FakeCoze = fake, request: httpx.Request = request) -> None:
            for _ in range(calls):
                await fake.handle(request)

        direct.append(await _timed(loop))
    rows.append(("handle() alone, users/me", f"{statistics.median(direct) / calls * 1e6:.0f} µs/call"))

    async def per_call(
        label: str, make: Callable[[], FakeCoze], body: Callable[[httpx.AsyncClient, int], Awaitable[None]]
    ) -> None:
        times = []
        for _ in range(rounds):
            fake = make()
            async with in_process(fake) as client:
                times.append(await _timed(lambda client=client: body(client, calls)))  # type: ignore[misc]
        rows.append((label, f"{statistics.median(times) / calls * 1e6:.0f} µs/call"))

    await per_call("users/me, in-process", FakeCoze, users_me)
    await per_call("chat create+retrieve, in-process", FakeCoze, chat_pairs)
    # The free plan's windows and quota, with figures raised so nothing is refused during the run.
    quota = [Quota(name="free_calls", limit=10**9, lockout=True)]
    big = [
        Limit(name="chat_qps", group="chat", limit=10**9),
        Limit(name="model_rpm", group="model", limit=10**9, window=60),
    ]
    await per_call(
        "chat create+retrieve, plan enforced",
        lambda: FakeCoze(plan="coze.personal_free", limits=big, quotas=quota),
        chat_pairs,
    )

    stream_times = []
    for _ in range(rounds):
        fake = FakeCoze()
        fake.bot("b", replies=["x"], stream_chunks=events)
        async with in_process(fake) as client:

            async def read(client: httpx.AsyncClient = client) -> None:
                async with client.stream("POST", "/v3/chat", json={"bot_id": "b", "user_id": "u", "stream": True}) as r:
                    async for _ in r.aiter_raw():
                        pass

            stream_times.append(await _timed(read))
    best = min(stream_times)
    rows.append((f"stream of {events:,} deltas, in-process", f"{best:.3f} s ({events / best:,.0f} events/s)"))

    enforcer = Enforcer("coze.personal_free", limits=big)
    enforcer.quotas = ()
    n = 100_000
    started = time.perf_counter()
    for _ in range(n):
        enforcer.admit(("chat", "model"))
    rows.append(("Enforcer.admit (4 windows)", f"{(time.perf_counter() - started) / n * 1e6:.2f} µs/call"))

    loop_times = []
    for _ in range(rounds):
        async with serve_loopback(FakeCoze()) as base_url, httpx.AsyncClient(base_url=base_url, headers=AUTH) as client:
            await users_me(client, 50)  # warm the connection
            loop_times.append(await _timed(lambda client=client: users_me(client, calls)))  # type: ignore[misc]
    rows.append(("users/me, loopback socket", f"{statistics.median(loop_times) / calls * 1e6:.0f} µs/call"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = asyncio.run(bench(args.calls, args.events, args.rounds))
    width = max(len(label) for label, _ in rows)
    print(f"| {'case':<{width}} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for label, value in rows:
        print(f"| {label:<{width}} | {value} |")


if __name__ == "__main__":
    main()

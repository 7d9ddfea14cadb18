"""A child process for the multi-process tests (run as a script, not collected by pytest).

``race PATH LIMIT TASKS EXECUTOR``: open the ledger, say "ready", wait for a line on stdin, then
fire TASKS concurrent calls and print ``{"sent": n, "refused": m}``.

``crash PATH CONCURRENCY``: reserve forever with CONCURRENCY tasks; write ``sent`` to stdout right after
each reservation returns (the moment a real client would hit the network), then settle.

``hold PATH LIMIT CALLS AHEAD_SECONDS``: make CALLS calls one after another (so the ledger counts calls
ahead), print ``done CALLS``, then idle holding what was counted ahead until killed.

``corridor PATH TASKS SLOTS``: TASKS tasks call ``chat.retrieve`` forever through the real corridor; a
limiter lets SLOTS of them send at a time and keeps the others queued for random times; the transport
writes ``sent`` to stdout the moment a request reaches it (the network), then answers after a random
delay. Killed at any instant, at most SLOTS calls are counted that did not (yet) reach the transport.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys

from coze_client._call import CallInfo, Usage
from coze_client.errors import QuotaExhaustedError
from coze_client.ledger import SqliteLedger
from coze_client.limits.plans import Plan, Quota

CALL = CallInfo("coze", "team-a", "POST", "/v3/chat", ("chat", "model"))


def plan(limit: int) -> Plan:
    return Plan(name="child", provider="coze", quotas=(Quota(name="free_calls", limit=limit, lockout=True),))


async def race(path: str, limit: int, tasks: int, executor: str) -> None:
    ledger = SqliteLedger(path, plan(limit), executor=executor)  # type: ignore[arg-type]
    await ledger.snapshot()  # open and migrate before the start line
    os.write(1, b"ready\n")
    await asyncio.to_thread(sys.stdin.readline)  # the parent's start signal

    async def one() -> bool:
        try:
            res = await ledger.reserve(CALL)
        except QuotaExhaustedError:
            return False
        await ledger.settle(res, Usage(3, 4))
        return True

    results = await asyncio.gather(*(one() for _ in range(tasks)))
    await ledger.aclose()
    os.write(1, json.dumps({"sent": sum(results), "refused": tasks - sum(results)}).encode() + b"\n")


async def crash(path: str, concurrency: int) -> None:
    ledger = SqliteLedger(path, plan(10**9))
    await ledger.snapshot()
    os.write(1, b"ready\n")

    async def worker() -> None:
        while True:
            res = await ledger.reserve(CALL)
            os.write(1, b"sent\n")  # unbuffered: in the pipe before anything else can happen
            await asyncio.sleep(random.random() * 0.002)
            await ledger.settle(res, Usage(1, 1))

    await asyncio.gather(*(worker() for _ in range(concurrency)))


class _Permit:
    waited = 0.0

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self.slots = slots

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        self.slots.release()


class _QueueingLimiter:
    """SLOTS calls in flight at most; every call first waits its turn for a random time (queued)."""

    def __init__(self, slots: int) -> None:
        self.slots = asyncio.Semaphore(slots)

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> _Permit:
        await asyncio.sleep(random.random() * 0.02)
        await self.slots.acquire()
        return _Permit(self.slots)

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        pass

    async def aclose(self) -> None:
        pass


async def corridor(path: str, tasks: int, slots: int) -> None:
    import httpx

    from coze_client import AsyncCoze

    chat = {"id": "c1", "conversation_id": "v1", "bot_id": "b", "status": "completed", "created_at": 1}

    async def handler(request: httpx.Request) -> httpx.Response:
        os.write(1, b"sent\n")  # the request reached the network
        await asyncio.sleep(random.random() * 0.003)
        return httpx.Response(200, json={"code": 0, "msg": "", "data": chat})

    coze = AsyncCoze(
        token="pat_TESTsecretTOKEN1234567890",
        plan=plan(10**9),
        account="team-a",
        ledger=f"sqlite://{path}",
        limiter=_QueueingLimiter(slots),
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    await coze.ledger.snapshot()  # type: ignore[attr-defined]
    os.write(1, b"ready\n")

    async def worker() -> None:
        while True:
            await coze.chat.retrieve(conversation_id="v1", chat_id="c1")

    await asyncio.gather(*(worker() for _ in range(tasks)))


async def hold(path: str, limit: int, calls: int, ahead_seconds: float) -> None:
    ledger = SqliteLedger(path, plan(limit), ahead_seconds=ahead_seconds)
    for _ in range(calls):
        await ledger.settle(await ledger.reserve(CALL), Usage(1, 1))
    os.write(1, f"done {calls}\n".encode())
    await asyncio.sleep(3600)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "hold":
        asyncio.run(hold(args[0], int(args[1]), int(args[2]), float(args[3])))
    elif mode == "race":
        asyncio.run(race(args[0], int(args[1]), int(args[2]), args[3]))
    elif mode == "corridor":
        asyncio.run(corridor(args[0], int(args[1]), int(args[2])))
    else:
        asyncio.run(crash(args[0], int(args[1])))

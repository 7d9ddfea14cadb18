"""The sqlite limiter: same rules as memory, shared by limiters and processes on one file."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest

from coze_client._call import CallInfo
from coze_client.errors import LimitUnsatisfiableError, RateLimitWaitError
from coze_client.limits import Limit, SqliteLimiter, get_plan

from . import sqlite_child
from .helpers import CHAT, WORKFLOW, coze_call, plan_of


async def test_slot_counts_until_one_window_after_release(tmp_path: Path) -> None:
    lim = SqliteLimiter(plan_of(Limit(name="q", group="chat", limit=1, window=0.3)), tmp_path / "l.db")
    try:
        p1 = await lim.acquire(coze_call(*CHAT))
        second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
        await asyncio.sleep(0.4)
        assert not second.done()  # in flight: counts however long it takes
        await p1.release()
        released = time.monotonic()
        p2 = await second
        late = time.monotonic() - (released + 0.3)
        assert 0 <= late < 0.05
        assert p2.waited >= 0.7
        await p2.release(sent=False)
        p3 = await lim.acquire(coze_call(*CHAT))  # not sent: freed at once
        assert p3.waited < 0.05
        await p3.release()
    finally:
        await lim.aclose()


async def test_two_limiters_on_one_file_share_the_limit(tmp_path: Path) -> None:
    plan = plan_of(Limit(name="rpm", group="model", limit=3, window=60.0))
    a = SqliteLimiter(plan, tmp_path / "l.db")
    b = SqliteLimiter(plan, tmp_path / "l.db")
    try:
        for _ in range(2):
            await (await a.acquire(coze_call(*CHAT))).release()
        await (await b.acquire(coze_call(*WORKFLOW))).release()
        with pytest.raises(RateLimitWaitError) as info:
            await b.acquire(coze_call(*CHAT), max_wait=1.0)
        assert info.value.limit == "rpm" and info.value.wait > 50
        other = await b.acquire(coze_call(*CHAT, account="someone-else"), max_wait=0)
        await other.release()
    finally:
        await a.aclose()
        await b.aclose()


async def test_crashed_process_slot_expires_conservatively(tmp_path: Path) -> None:
    plan = plan_of(Limit(name="q", group="chat", limit=1, window=0.2))
    crashed = SqliteLimiter(plan, tmp_path / "l.db", stale_after=0.3)
    await crashed.acquire(coze_call(*CHAT))  # never released: its process "dies"
    await crashed.aclose()
    survivor = SqliteLimiter(plan, tmp_path / "l.db", stale_after=0.3, poll_interval=0.01)
    try:
        start = time.monotonic()
        permit = await survivor.acquire(coze_call(*CHAT))
        waited = time.monotonic() - start
        assert 0.4 < waited < 0.7  # grant + stale_after + window
        await permit.release()
    finally:
        await survivor.aclose()


async def test_penalize_is_seen_by_every_limiter(tmp_path: Path) -> None:
    plan = plan_of(Limit(name="q", group="chat", limit=100, window=1.0))
    a = SqliteLimiter(plan, tmp_path / "l.db")
    b = SqliteLimiter(plan, tmp_path / "l.db")
    try:
        await a.penalize(coze_call(*CHAT), 0.3)
        start = time.monotonic()
        upload = await b.acquire(coze_call("upload"))
        assert upload.waited < 0.05
        permit = await b.acquire(coze_call(*WORKFLOW))  # shares "model" with the penalized chat
        assert 0.25 < time.monotonic() - start < 0.4
        await permit.release()
        await upload.release()
    finally:
        await a.aclose()
        await b.aclose()


async def test_concurrency_tokens_and_fifo(tmp_path: Path) -> None:
    lim = SqliteLimiter(
        get_plan("xingchen.default", {"limits": {"qps": 1000, "qpm": 1000, "tpm": {"window": 0.5}}}),
        tmp_path / "l.db",
    )

    def call(tokens: int) -> CallInfo:
        return CallInfo("xingchen", "a", "POST", "/chat", groups=("chat",), est_tokens=tokens)

    try:
        with pytest.raises(LimitUnsatisfiableError):
            await lim.acquire(call(1001))
        p1 = await lim.acquire(call(800))
        order: list[int] = []

        async def one(i: int, tokens: int) -> None:
            permit = await lim.acquire(call(tokens))
            order.append(i)
            await permit.release(used_tokens=tokens // 2)

        tasks = []
        for i, tokens in enumerate([900, 100, 100]):
            tasks.append(asyncio.ensure_future(one(i, tokens)))
            await asyncio.sleep(0.01)
        await p1.release(used_tokens=50)  # corrected down: 50 + 900 fits at once
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        assert order == [0, 1, 2]
    finally:
        await lim.aclose()

    easydl = SqliteLimiter(get_plan("easydl.paid"), tmp_path / "e.db", poll_interval=0.01)
    try:
        c = CallInfo("easydl", "api", "POST", "/x", groups=("inference",))
        permits = [await easydl.acquire(c) for _ in range(4)]
        fifth = asyncio.ensure_future(easydl.acquire(c))
        await asyncio.sleep(0.1)
        assert not fifth.done()
        await permits[0].release()
        await asyncio.wait_for(fifth, 1)
    finally:
        await easydl.aclose()


@pytest.mark.slow
def test_processes_sharing_one_file_never_exceed(tmp_path: Path) -> None:
    limits = [
        {"name": "chat_qps", "group": "chat", "limit": 8, "window": 0.5},
        {"name": "model_rpm", "group": "model", "limit": 20, "window": 1.5},
    ]
    path = str(tmp_path / "shared.db")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.starmap(sqlite_child.run, [(path, limits, 25, seed) for seed in range(3)])
    rows = [row for result in results for row in result]
    assert len(rows) == 75
    for spec in limits:
        window, cap = float(spec["window"]), int(spec["limit"])  # type: ignore[arg-type,call-overload]
        arrivals = sorted(arrival for _, _, arrival in rows)
        for i, a in enumerate(arrivals):
            assert sum(1 for b in arrivals[i:] if b < a + window) <= cap


async def test_waiters_keep_their_place_across_processes(tmp_path: Path) -> None:
    """A heavy waiter in one limiter (process) is not overtaken by light calls of another."""
    plan = get_plan("xingchen.default", {"limits": {"qps": 1000, "qpm": 1000, "tpm": {"window": 0.5}}})
    a = SqliteLimiter(plan, tmp_path / "l.db", poll_interval=0.01)
    b = SqliteLimiter(plan, tmp_path / "l.db", poll_interval=0.01)

    def call(tokens: int) -> CallInfo:
        return CallInfo("xingchen", "acct", "POST", "/chat", groups=("chat",), est_tokens=tokens)

    order: list[str] = []
    try:
        first = await b.acquire(call(500))

        async def heavy() -> None:
            permit = await a.acquire(call(900))
            order.append("heavy")
            await permit.release()

        async def light(i: int) -> None:
            permit = await b.acquire(call(100))
            order.append(f"light{i}")
            await permit.release()

        heavy_task = asyncio.ensure_future(heavy())
        await asyncio.sleep(0.05)  # the heavy call now holds a ticket in the shared file
        lights = []
        for i in range(6):
            lights.append(asyncio.ensure_future(light(i)))
            await asyncio.sleep(0.03)
        await first.release()
        await asyncio.wait_for(asyncio.gather(heavy_task, *lights), 10)
        # Without the shared queue all six lights would fit beside the first call at once. With it
        # they wait behind the heavy call; at most one (the 100 tokens left beside its 900) may be
        # granted in the same instant, by whichever process looks first.
        assert order.index("heavy") <= 1, order
    finally:
        await a.aclose()
        await b.aclose()

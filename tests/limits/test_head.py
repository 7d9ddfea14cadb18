"""Request-count slots free one window after the response head; no release leaves a waiter stalled.

Each rule is checked on every local backend (memory on a virtual clock; sqlite on the real clock,
with windows short enough to keep the test quick and wide enough to judge).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from coze_client.limits import Limit, MemoryLimiter, VirtualClock, get_plan
from coze_client.limits.base import mark_responded

from .helpers import CHAT, coze_call, plan_of


def memory(*limits: Limit) -> tuple[MemoryLimiter, VirtualClock]:
    clock = VirtualClock()
    return MemoryLimiter(plan_of(*limits), clock=clock), clock


async def test_request_slot_frees_one_window_after_the_head_not_the_end() -> None:
    lim, clock = memory(Limit(name="chat_qps", group="chat", limit=1, window=1.0))
    stream = await lim.acquire(coze_call(*CHAT))
    second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
    await clock.advance(0.2)
    mark_responded(stream)  # status and headers back at 0.2; the body streams on for 10 s
    await clock.advance(0.99)
    assert not second.done()
    await clock.advance(0.02)  # 1.21 > 0.2 + 1.0
    assert second.done() and second.result().waited == pytest.approx(1.2)
    await clock.advance(9.0)
    await stream.release()  # the end of the body frees nothing more: the slot is already counted
    await second.result().release()
    assert lim.stats()["coze/acct"]["used"] == {"chat_qps": 1}  # the stream's slot expired at 1.2
    await clock.advance(1.0)
    assert lim.stats()["coze/acct"]["used"] == {"chat_qps": 0}


async def test_concurrency_is_held_until_the_body_ends() -> None:
    lim, clock = memory(Limit(name="conc", group="chat", kind="concurrency", limit=1, window=1.0))
    stream = await lim.acquire(coze_call(*CHAT))
    second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
    await clock.advance(0.2)
    mark_responded(stream)
    await clock.advance(5.0)
    assert not second.done()
    await stream.release()
    await clock.settle()
    assert second.done()
    await second.result().release()


async def test_tokens_keep_the_estimate_until_the_end_then_settle() -> None:
    lim, clock = memory(Limit(name="tpm", group="chat", kind="tokens", limit=100, window=1.0))
    stream = await lim.acquire(coze_call(*CHAT, est_tokens=80))
    second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT, est_tokens=50)))
    await clock.advance(0.1)
    mark_responded(stream)
    await clock.advance(3.0)
    assert not second.done()  # the estimate still counts while the body runs
    await stream.release(used_tokens=30)  # settled with the real usage: 30 + 50 fits now
    await clock.settle()
    assert second.done()
    await second.result().release(used_tokens=50)
    assert lim.stats()["coze/acct"]["used"] == {"tpm": 80}


async def test_responded_twice_or_after_release_changes_nothing() -> None:
    lim, clock = memory(Limit(name="q", group="chat", limit=2, window=1.0))
    p = await lim.acquire(coze_call(*CHAT))
    mark_responded(p)
    await clock.advance(0.5)
    mark_responded(p)  # the first head counts; a second one would move the window
    await p.release()
    mark_responded(p)
    await clock.advance(0.51)
    assert lim.stats()["coze/acct"]["used"] == {"q": 0}


async def test_mark_responded_accepts_permits_without_the_hook() -> None:
    class Bare:
        waited = 0.0

        async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
            return None

    mark_responded(Bare())  # a user's own limiter: nothing to do, nothing raised


async def test_release_brings_the_wake_up_forward() -> None:
    """The reduced case of issue 13: 2 per 1 s and 10 per 60 s, 14 calls of 50 ms each."""
    lim, clock = memory(
        Limit(name="qps", group="chat", limit=2, window=1.0),
        Limit(name="qpm", group="chat", limit=10, window=60.0),
    )
    grants: list[float] = []

    async def one() -> None:
        permit = await lim.acquire(coze_call(*CHAT))
        grants.append(round(clock.now(), 6))
        await clock.sleep(0.05)
        await permit.release()

    tasks = [asyncio.ensure_future(one()) for _ in range(14)]
    await clock.run()
    await asyncio.gather(*tasks)
    assert grants == [0, 0, 1.05, 1.05, 2.1, 2.1, 3.15, 3.15, 4.2, 4.2, 60.05, 60.05, 61.1, 61.1]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sqlite_request_slot_frees_after_the_head(backend: str, tmp_path: Path) -> None:
    from coze_client.limits import SqliteLimiter

    lim = SqliteLimiter(plan_of(Limit(name="q", group="chat", limit=1, window=0.3)), tmp_path / "l.db",
                        poll_interval=0.01)
    loop = asyncio.get_running_loop()
    try:
        stream = await lim.acquire(coze_call(*CHAT))
        second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
        await asyncio.sleep(0.05)
        head = loop.time()
        mark_responded(stream)
        # Granted while the stream is still open (it is released only below), and not before head + window.
        # No upper bound on a real clock: a loaded machine may be late, never early.
        permit = await asyncio.wait_for(second, 10.0)
        assert loop.time() - head >= 0.3 - 0.005
        await stream.release()
        await permit.release()
    finally:
        await lim.aclose()


async def test_sqlite_concurrency_and_tokens_wait_for_the_end(tmp_path: Path) -> None:
    from coze_client.limits import SqliteLimiter

    plan = get_plan("xingchen.default", {"limits": {"qps": 1000, "qpm": 1000, "tpm": {"window": 0.3}}})
    lim = SqliteLimiter(plan, tmp_path / "l.db", poll_interval=0.01)

    def call(tokens: int):  # type: ignore[no-untyped-def]
        from coze_client._call import CallInfo

        return CallInfo("xingchen", "a", "POST", "/chat", groups=("chat",), est_tokens=tokens)

    try:
        stream = await lim.acquire(call(800))
        second = asyncio.ensure_future(lim.acquire(call(800)))
        mark_responded(stream)
        await asyncio.sleep(0.5)
        assert not second.done()  # tokens stay counted while the body runs
        await stream.release(used_tokens=100)
        await asyncio.wait_for(second, 2.0)
        await second.result().release()
    finally:
        await lim.aclose()


async def test_memory_aclose_fails_waiters_at_once() -> None:
    from coze_client.errors import LimiterError

    lim, clock = memory(Limit(name="q", group="chat", limit=1, window=60.0))
    p = await lim.acquire(coze_call(*CHAT))
    waiter = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
    await clock.settle()
    await lim.aclose()
    await clock.settle()
    assert waiter.done() and isinstance(waiter.exception(), LimiterError)
    await p.release()

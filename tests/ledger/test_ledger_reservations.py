"""Issue 14, points 4 and 5: a held call is not a counted call, and a failing callback changes nothing.

The corridor holds a call before the limiter wait (an immediate refusal when the quota cannot cover
it), marks it just before the send (from then on it counts, durably, in the periods of the send
time) and settles or cancels it after. Every rule runs on every backend.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from ledger_helpers import Clock, MakeLedger, chat, coze_free

from coze_client import AsyncCoze, CallInfo
from coze_client._call import Usage
from coze_client.errors import QuotaExhaustedError
from coze_client.ledger import MemoryLedger, QuotaEvent, SqliteLedger
from coze_client.limits.plans import Plan, Quota

TOKEN = "pat_TESTsecretTOKEN1234567890"
CHAT = {"id": "c1", "conversation_id": "v1", "bot_id": "b", "status": "completed", "created_at": 1}


def _used(rows: Any, quota: str = "free_calls") -> float:
    found = [r.used for r in rows if r.quota == quota]
    return found[0] if found else 0


# -- point 5: hold, mark, settle ------------------------------------------------------------------


async def test_a_held_call_is_not_counted_until_marked(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(3))
    held = await ledger.hold(chat())
    assert _used(await ledger.snapshot()) == 0  # nothing durable yet: a kill here loses nothing
    await ledger.mark(held)
    assert _used(await ledger.snapshot()) == 1  # from the mark on it counts, settled or not
    await ledger.settle(held, Usage(3, 4))
    row = next(r for r in await ledger.snapshot() if r.quota == "free_calls")
    assert (row.calls, row.input_tokens, row.output_tokens) == (1, 3, 4)


async def test_refusal_is_immediate_when_counted_and_held_calls_fill_the_quota(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(3))
    await ledger.reserve(chat())  # one counted
    first, second = await ledger.hold(chat()), await ledger.hold(chat())  # two queued
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.hold(chat())  # 1 counted + 2 held: a fourth cannot be covered, refused before any wait
    assert (info.value.used, info.value.limit) == (3, 3)
    await ledger.cancel(first)  # the queued call gave up (max_wait, cancelled): its place is free again
    third = await ledger.hold(chat())
    for res in (second, third):
        await ledger.mark(res)
    assert _used(await ledger.snapshot()) == 3


async def test_a_cancelled_hold_is_never_counted(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(2))
    for _ in range(5):
        await ledger.cancel(await ledger.hold(chat()))
    assert _used(await ledger.snapshot()) == 0
    await ledger.reserve(chat())
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError):
        await ledger.hold(chat())


async def test_periods_are_judged_by_send_time(make_ledger: MakeLedger, clock: Clock) -> None:
    plan = Plan(name="d", provider="coze", quotas=(Quota(name="daily", limit=10, period="day"),))
    ledger = make_ledger(plan, clock=clock)
    clock.now = datetime(2026, 3, 10, 15, 59, tzinfo=timezone.utc)  # 23:59 in Shanghai
    held = await ledger.hold(chat())
    clock.now += timedelta(minutes=2)  # the limiter let it go after midnight
    await ledger.mark(held)
    await ledger.settle(held)
    days = {r.period_key: r.used for r in await ledger.snapshot(current_only=False) if r.quota == "daily"}
    assert days == {"2026-03-11": 1}


async def test_mark_refuses_when_another_process_took_the_quota_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    mine, theirs = SqliteLedger(path, coze_free(1)), SqliteLedger(path, coze_free(1))
    try:
        held = await mine.hold(chat())
        await theirs.reserve(chat())  # the other process's call went first
        with pytest.raises(QuotaExhaustedError):
            await mine.mark(held)
        assert _used(await mine.snapshot()) == 1
        await mine.cancel(held)  # closing a refused reservation is a no-op
    finally:
        await mine.aclose()
        await theirs.aclose()


async def test_a_killed_holders_calls_are_not_counted_after_recovery(tmp_path: Path) -> None:
    # A process that held calls and died (it never closed its ledger): the next one sees the full quota.
    path = tmp_path / "ledger.sqlite3"
    dead = SqliteLedger(path, coze_free(3))
    for _ in range(3):
        await dead.hold(chat())
    survivor = SqliteLedger(path, coze_free(3))
    try:
        for _ in range(3):
            await survivor.reserve(chat())
        assert _used(await survivor.snapshot()) == 3
    finally:
        await survivor.aclose()
        await dead.aclose()


# -- the corridor: hold before the wait, mark before the send ----------------------------------------


class _GateLimiter:
    """Grants a slot only when the test opens the gate (a limiter wait of any length)."""

    def __init__(self, expect: int) -> None:
        self.gate = asyncio.Event()
        self.all_queued = asyncio.Event()
        self.expect = expect
        self.acquired = 0

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Any:
        self.acquired += 1
        if self.acquired >= self.expect:
            self.all_queued.set()
        await self.gate.wait()
        return _Permit()

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        pass

    async def aclose(self) -> None:
        pass


class _Permit:
    waited = 0.0

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        pass


def _client(ledger: Any, hits: list[httpx.Request], limiter: Any = None, limit: int = 5) -> AsyncCoze:
    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(request)
        return httpx.Response(200, json={"code": 0, "msg": "", "data": CHAT})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncCoze(
        token=TOKEN, plan=coze_free(limit), account="team-a", ledger=ledger, http_client=http, limiter=limiter
    )


async def test_calls_queued_at_the_limiter_are_not_counted_and_refused_at_once_when_the_quota_is_full(
    tmp_path: Path,
) -> None:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    limiter = _GateLimiter(expect=3)
    hits: list[httpx.Request] = []
    coze = _client(ledger, hits, limiter, limit=3)
    try:
        queued = [asyncio.create_task(coze.chat.retrieve(conversation_id="v1", chat_id="c1")) for _ in range(3)]
        await asyncio.wait_for(limiter.all_queued.wait(), 10)
        assert _used(await ledger.snapshot()) == 0  # waiting is not sending
        with pytest.raises(QuotaExhaustedError):  # the three queued calls fill the quota: refused now
            await coze.chat.retrieve(conversation_id="v1", chat_id="c1")
        assert limiter.acquired == 3  # the refused call never waited at the limiter
        queued[0].cancel()  # a caller gives up while queued: its call is given back
        await asyncio.gather(queued[0], return_exceptions=True)
        limiter.gate.set()
        await asyncio.gather(*queued[1:])
        assert len(hits) == 2 and _used(await ledger.snapshot()) == 2
    finally:
        await coze.aclose()


# -- point 4: a failing callback -------------------------------------------------------------------


def _boom(event: QuotaEvent) -> None:
    raise RuntimeError("the user's callback failed")


async def _aboom(event: QuotaEvent) -> None:
    await asyncio.sleep(0)
    raise RuntimeError("the user's async callback failed")


@pytest.mark.parametrize("callback", [_boom, _aboom])
async def test_a_failing_threshold_callback_never_changes_what_is_counted(
    callback: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = MemoryLedger(thresholds=(0.4, 0.8), on_threshold=callback)
    hits: list[httpx.Request] = []
    coze = _client(ledger, hits)
    try:
        with caplog.at_level(logging.WARNING, logger="coze_client"):
            for _ in range(5):  # calls 2 and 4 cross a threshold: the callback raises there
                await coze.chat.retrieve(conversation_id="v1", chat_id="c1")
        assert len(hits) == 5
        assert _used(await ledger.snapshot()) == 5  # ledger == server
        failures = [r for r in caplog.records if "on_threshold" in r.getMessage()]
        assert len(failures) == 2 and "failed" in failures[0].getMessage()
    finally:
        await coze.aclose()


async def test_a_failing_callback_on_the_ledger_api(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(5), thresholds=(0.2,), on_threshold=_boom)
    res = await ledger.reserve(chat())  # crosses 20%: the callback raises, the reservation stands
    await ledger.settle(res)
    assert _used(await ledger.snapshot()) == 1


def test_one_sqlite_ledger_across_event_loops(tmp_path: Path) -> None:
    # Batched writes are scheduled on a loop; a ledger used again under a new loop must not wait for the old one.
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3", coze_free(10))

    async def some_calls() -> None:
        for _ in range(2):
            res = await ledger.reserve(chat())
            await ledger.settle(res, Usage(1, 1))  # batched: due on this loop's timer

    asyncio.run(some_calls())
    asyncio.run(some_calls())

    async def read_and_close() -> float:
        rows = await ledger.snapshot()
        await ledger.aclose()
        return _used(rows)

    assert asyncio.run(asyncio.wait_for(read_and_close(), 10)) == 4


async def test_a_reset_elsewhere_is_seen_by_the_next_hold_at_once(tmp_path: Path) -> None:
    # The sqlite hold may trust rows it confirmed a moment ago, but never refuses on them.
    path = tmp_path / "ledger.sqlite3"
    mine, cli = SqliteLedger(path, coze_free(2)), SqliteLedger(path, coze_free(2))
    try:
        await mine.reserve(chat())
        await mine.reserve(chat())
        with pytest.raises(QuotaExhaustedError):
            await mine.hold(chat())
        await cli.set_used("coze", "team-a", "free_calls", 0)  # `coze-client usage set` in another process
        await mine.mark(await mine.hold(chat()))
        assert _used(await cli.snapshot()) == 1
    finally:
        await mine.aclose()
        await cli.aclose()


async def test_a_batched_settlement_reaches_the_file_within_the_flush_interval(tmp_path: Path) -> None:
    # Coze counts calls: the mark is committed before the send, the usage detail may follow in a batch.
    import sqlite3

    path = tmp_path / "ledger.sqlite3"
    ledger = SqliteLedger(path, coze_free(10), flush_interval=0.05)
    try:
        res = await ledger.reserve(chat())
        with sqlite3.connect(path) as conn:  # another process's view: the call is there at once
            assert conn.execute("SELECT calls FROM usage WHERE quota = 'free_calls'").fetchone() == (1,)
        await ledger.settle(res, Usage(7, 8))
        for _ in range(100):  # no further call: the batch timer writes it
            await asyncio.sleep(0.02)
            with sqlite3.connect(path) as conn:
                found = conn.execute("SELECT input_tokens FROM usage WHERE quota = 'free_calls'").fetchone()
            if found == (7,):
                break
        assert found == (7,)
    finally:
        await ledger.aclose()


async def test_a_plan_bound_between_calls_applies_to_the_next_call_at_once(make_ledger: MakeLedger) -> None:
    # The rows a call counts in are cached per minute for the hot path; a bind must never be served stale.
    ledger = make_ledger(coze_free(5))
    await ledger.settle(await ledger.reserve(chat()))
    ledger.bind("coze", "team-a", coze_free(1))  # this account's own, stricter plan
    with pytest.raises(QuotaExhaustedError):  # the one call already counted fills it
        await ledger.reserve(chat())

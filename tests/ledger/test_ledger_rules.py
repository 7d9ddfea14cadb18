"""Every quota rule of issue 5, on every backend (memory, sqlite on its thread, sqlite via to_thread)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from ledger_helpers import Clock, MakeLedger, chat, coze_free

from coze_client._call import CallInfo, Usage
from coze_client.errors import QuotaExhaustedError, ValidationError
from coze_client.ledger import USAGE_QUOTA, QuotaEvent
from coze_client.limits.plans import Plan, Quota

SH = ZoneInfo("Asia/Shanghai")


def _row(rows, quota):  # type: ignore[no-untyped-def]
    found = [r for r in rows if r.quota == quota]
    assert len(found) == 1, rows
    return found[0]


async def test_calls_quota_refuses_the_call_that_would_cross(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(3))
    for _ in range(3):
        await ledger.settle(await ledger.reserve(chat()), Usage(10, 2))
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat())
    err = info.value
    assert (err.provider, err.account, err.quota, err.used, err.limit) == ("coze", "team-a", "free_calls", 3, 3)
    assert err.resets_at is None and err.lockout
    assert "locks the account out" in str(err)
    row = _row(await ledger.snapshot(), "free_calls")
    assert (row.calls, row.used, row.left, row.input_tokens, row.output_tokens) == (3, 3, 0, 30, 6)


async def test_refused_call_is_counted_nowhere(make_ledger: MakeLedger) -> None:
    plan = Plan(
        name="p",
        provider="coze",
        quotas=(
            Quota(name="free_calls", limit=10),
            Quota(name="paid_plugin", limit=1, period="day", group="plugin"),
        ),
    )
    ledger = make_ledger(plan)
    await ledger.reserve(chat(groups=("plugin",)))
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat(groups=("plugin",)))
    assert info.value.quota == "paid_plugin"
    resets = info.value.resets_at
    assert resets is not None and resets > datetime.now(SH) and resets.astimezone(SH).time() == time(0)
    rows = await ledger.snapshot()
    # All or nothing: the refused call did not reach free_calls or the monthly usage row either.
    assert _row(rows, "free_calls").calls == 1
    assert _row(rows, USAGE_QUOTA).calls == 1
    # A call outside the plugin group is not under paid_plugin at all.
    await ledger.reserve(chat())
    assert _row(await ledger.snapshot(), "free_calls").calls == 2


async def test_tokens_quota_refuses_only_once_reached(make_ledger: MakeLedger) -> None:
    plan = Plan(name="x", provider="xingchen", quotas=(Quota(name="free_tokens", unit="tokens", limit=1000),))
    ledger = make_ledger(plan)
    call = chat(provider="xingchen", est_tokens=900)
    await ledger.settle(await ledger.reserve(call), Usage(600, 300))  # 900 used: a 900-token call may still go
    await ledger.settle(await ledger.reserve(call), Usage(100, 50))  # 1050 >= 1000 now
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(call)
    assert (info.value.used, info.value.limit) == (1050, 1000)


async def test_points_quota_reserves_points_up_front(make_ledger: MakeLedger) -> None:
    plan = Plan(name="e", provider="easydl", quotas=(Quota(name="free_points", unit="points", limit=10),))
    ledger = make_ledger(plan)
    call = CallInfo(
        "easydl",
        "api-1",
        "POST",
        "/rpc/2.0/ai_custom/v1/classification/x",
        ("inference", "image_classification_high_perf"),
        points=4,
    )
    first = await ledger.reserve(call)
    second = await ledger.reserve(call)  # 8 of 10 reserved before any settle
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(call)  # 8 + 4 > 10
    assert (info.value.used, info.value.limit) == (8, 10)
    # EasyDL failed calls count too: settle them (marked failed), the points stay used.
    await ledger.settle(first, Usage(extra={"failed": 1}))
    await ledger.settle(second, None)
    assert _row(await ledger.snapshot(), "free_points").used == 8


async def test_credits_quota(make_ledger: MakeLedger) -> None:
    plan = Plan(name="g", provider="gptbots", quotas=(Quota(name="credits", unit="credits", limit=5, period="month"),))
    ledger = make_ledger(plan)
    await ledger.settle(await ledger.reserve(chat(provider="gptbots")), Usage(credits=4.5))
    await ledger.settle(await ledger.reserve(chat(provider="gptbots")), Usage(credits=0.6))
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat(provider="gptbots"))
    row = _row(await ledger.snapshot(), "credits")
    assert row.used == pytest.approx(5.1) and row.cost == pytest.approx(5.1) and row.currency == "credits"


async def test_warn_policy_logs_and_calls_back_at_thresholds(
    make_ledger: MakeLedger, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[QuotaEvent] = []
    plan = Plan(name="w", provider="coze", quotas=(Quota(name="soft", limit=5, policy="warn"),))
    ledger = make_ledger(plan, on_threshold=events.append)
    with caplog.at_level(logging.WARNING, logger="coze_client"):
        for _ in range(7):  # warn never refuses, even past the limit
            await ledger.settle(await ledger.reserve(chat()))
    assert [(e.threshold, e.used) for e in events] == [(0.8, 4), (1.0, 5)]
    assert events[0].quota == "soft" and events[0].fraction == pytest.approx(0.8)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("coze_client")]
    assert len(messages) == 2 and "quota 'soft' of coze/team-a at 80%" in messages[0]
    assert _row(await ledger.snapshot(), "soft").used == 7


async def test_async_callback_and_token_threshold_on_settle(make_ledger: MakeLedger) -> None:
    seen: list[float] = []

    async def callback(event: QuotaEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event.threshold)

    plan = Plan(
        name="x", provider="xingchen", quotas=(Quota(name="free_tokens", unit="tokens", limit=100, policy="warn"),)
    )
    ledger = make_ledger(plan, on_threshold=callback, thresholds=(0.5, 0.9, 1.0))
    await ledger.settle(await ledger.reserve(chat(provider="xingchen")), Usage(40, 15))
    assert seen == [0.5]
    await ledger.settle(await ledger.reserve(chat(provider="xingchen")), Usage(40, 15))
    assert seen == [0.5, 0.9, 1.0]


async def test_allow_policy_only_counts(make_ledger: MakeLedger, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[QuotaEvent] = []
    plan = Plan(name="a", provider="coze", quotas=(Quota(name="n", limit=1, policy="allow"),))
    ledger = make_ledger(plan, on_threshold=calls.append)
    with caplog.at_level(logging.WARNING, logger="coze_client"):
        for _ in range(3):
            await ledger.reserve(chat())
    assert calls == [] and not caplog.records
    assert _row(await ledger.snapshot(), "n").used == 3


async def test_cancel_gives_the_call_back_and_unsettled_keeps_counting(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(2))
    never_left = await ledger.reserve(chat())
    await ledger.cancel(never_left)
    await ledger.reserve(chat())  # never settled (e.g. the process died): still counts
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat())
    # Closing twice is ignored: the first close is the truth.
    await ledger.cancel(never_left)
    await ledger.settle(never_left, Usage(5, 5))
    row = _row(await ledger.snapshot(), "free_calls")
    assert (row.calls, row.input_tokens) == (2, 0)
    with pytest.raises(TypeError):
        await ledger.settle(object())


async def test_accounts_and_bindings_are_separate(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(1))  # every coze account gets 1
    ledger.bind("coze", "big", coze_free(3))  # except this one
    await ledger.reserve(chat("a"))
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat("a"))
    await ledger.reserve(chat("b"))
    for _ in range(3):
        await ledger.reserve(chat("big"))
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat("big"))
    with pytest.raises(ValidationError):
        ledger.bind("xingchen", "a", coze_free())  # a coze plan cannot guard xingchen


async def test_unbound_provider_is_counted_not_guarded(make_ledger: MakeLedger) -> None:
    ledger = make_ledger()
    for _ in range(3):
        await ledger.settle(await ledger.reserve(chat(provider="gptbots")), Usage(10, 10, credits=0.25))
    (row,) = await ledger.snapshot()
    assert (row.quota, row.unit, row.used, row.limit, row.period) == (USAGE_QUOTA, "credits", 0.75, None, "month")


async def test_set_used_and_reset(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(500))
    await ledger.reserve(chat())
    row = await ledger.set_used("coze", "team-a", "free_calls", 499)  # the console says 499
    assert (row.used, row.left, row.calls) == (499, 1, 1)
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat())
    assert info.value.used == 500
    with pytest.raises(ValidationError):
        await ledger.set_used("coze", "team-a", "no_such_quota", 1)
    with pytest.raises(ValidationError):
        await ledger.set_used("coze", "team-a", "free_calls", -1)
    assert await ledger.reset("coze", "team-a", "free_calls") == 1
    await ledger.reserve(chat())
    assert _row(await ledger.snapshot(), "free_calls").used == 1
    assert await ledger.reset() == 2  # free_calls + usage


async def test_concurrent_tasks_exact(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(50))

    async def one() -> bool:
        try:
            res = await ledger.reserve(chat())
        except QuotaExhaustedError:
            return False
        await asyncio.sleep(0)
        await ledger.settle(res, Usage(1, 1))
        return True

    results = await asyncio.gather(*(one() for _ in range(80)))
    assert sum(results) == 50
    assert _row(await ledger.snapshot(), "free_calls").calls == 50


async def test_snapshot_shows_untouched_quotas_and_history(make_ledger: MakeLedger, clock: Clock) -> None:
    plan = Plan(
        name="b",
        provider="coze",
        quotas=(Quota(name="free_calls", limit=100), Quota(name="paid_plugin", limit=20, period="day")),
    )
    ledger = make_ledger(clock=clock)
    ledger.bind("coze", "team-a", plan)
    rows = await ledger.snapshot()
    assert [(r.quota, r.used, r.left) for r in rows] == [("free_calls", 0, 100), ("paid_plugin", 0, 20)]
    await ledger.reserve(chat(groups=("plugin",)))
    clock.now = clock.now.replace(day=clock.now.day + 1)
    await ledger.reserve(chat(groups=("plugin",)))
    current = {(r.quota, r.period_key): r.used for r in await ledger.snapshot()}
    assert current == {("free_calls", "ever"): 2, ("paid_plugin", "2026-03-11"): 1, (USAGE_QUOTA, "2026-03"): 2}
    history = {(r.quota, r.period_key) for r in await ledger.snapshot(current_only=False)}
    assert ("paid_plugin", "2026-03-10") in history
    assert [r.as_dict()["resets_at"] for r in await ledger.snapshot() if r.quota == "paid_plugin"] == [
        "2026-03-12T00:00:00+08:00"
    ]

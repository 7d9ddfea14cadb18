"""Period roll-over at midnight and at month start in the provider's timezone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from ledger_helpers import Clock, MakeLedger, chat

from coze_client.errors import QuotaExhaustedError
from coze_client.ledger import period_key, resets_at
from coze_client.limits.plans import Plan, Quota

SH = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


def test_keys_follow_the_shanghai_calendar() -> None:
    # 15:59:59 UTC on Nov 30 is 23:59:59 in Shanghai; a second later it is Dec 1st there.
    before = datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)
    after = before + timedelta(seconds=1)
    assert period_key("day", before) == "2026-11-30" and period_key("day", after) == "2026-12-01"
    assert period_key("month", before) == "2026-11" and period_key("month", after) == "2026-12"
    assert period_key("ever", after) == "ever"
    # The same instant is still Nov 30 in UTC: the timezone decides.
    assert period_key("day", after, "UTC") == "2026-11-30"


def test_resets_at() -> None:
    assert resets_at("day", "2026-11-30") == datetime(2026, 12, 1, tzinfo=SH)
    assert resets_at("month", "2026-12") == datetime(2027, 1, 1, tzinfo=SH)
    assert resets_at("month", "2026-02", "UTC") == datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))
    assert resets_at("ever", "ever") is None
    # Across a DST change the reset is still local midnight.
    ny = resets_at("day", "2026-03-07", "America/New_York")
    assert ny is not None and ny.isoformat() == "2026-03-08T00:00:00-05:00"


async def test_daily_quota_rolls_over_at_shanghai_midnight(make_ledger: MakeLedger) -> None:
    clock = Clock(datetime(2026, 11, 30, 15, 59, 0, tzinfo=UTC))  # 23:59 in Shanghai
    plan = Plan(name="b", provider="coze", quotas=(Quota(name="paid_plugin", limit=2, period="day", group="plugin"),))
    ledger = make_ledger(plan, clock=clock)
    plugin = chat(groups=("plugin",))
    await ledger.reserve(plugin)
    await ledger.reserve(plugin)
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(plugin)
    assert info.value.resets_at == datetime(2026, 12, 1, tzinfo=SH)
    clock.now = datetime(2026, 11, 30, 15, 59, 59, 999000, tzinfo=UTC)  # still the same Shanghai day
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(plugin)
    clock.now = datetime(2026, 11, 30, 16, 0, 0, tzinfo=UTC)  # midnight in Shanghai (08:00 is midnight UTC)
    await ledger.reserve(plugin)
    await ledger.reserve(plugin)
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(plugin)
    assert info.value.resets_at == datetime(2026, 12, 2, tzinfo=SH)


async def test_monthly_quota_rolls_over_at_month_start(make_ledger: MakeLedger) -> None:
    clock = Clock(datetime(2027, 1, 31, 15, 30, tzinfo=UTC))  # Jan 31 23:30 in Shanghai
    plan = Plan(name="m", provider="gptbots", quotas=(Quota(name="monthly", limit=1, period="month"),))
    ledger = make_ledger(plan, clock=clock)
    await ledger.reserve(chat(provider="gptbots"))
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat(provider="gptbots"))
    assert info.value.resets_at == datetime(2027, 2, 1, tzinfo=SH)
    clock.now = datetime(2027, 1, 31, 16, 0, tzinfo=UTC)  # Feb 1st 00:00 in Shanghai, Jan 31 in UTC
    await ledger.reserve(chat(provider="gptbots"))
    keys = sorted(r.period_key for r in await ledger.snapshot(current_only=False) if r.quota == "monthly")
    assert keys == ["2027-01", "2027-02"]


async def test_plan_timezone_is_respected(make_ledger: MakeLedger) -> None:
    clock = Clock(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))  # June 1st in UTC, 10:00 in Shanghai
    plan = Plan(name="u", provider="coze", timezone="UTC", quotas=(Quota(name="daily", limit=1, period="day"),))
    ledger = make_ledger(plan, clock=clock)
    await ledger.reserve(chat())
    clock.now = datetime(2026, 6, 1, 23, 59, tzinfo=UTC)  # June 2nd in Shanghai, still June 1st in UTC
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat())
    clock.now = datetime(2026, 6, 2, 0, 0, tzinfo=UTC)
    await ledger.reserve(chat())


async def test_settle_after_midnight_lands_in_the_reserved_bucket(make_ledger: MakeLedger) -> None:
    from coze_client._call import Usage

    clock = Clock(datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC))
    plan = Plan(
        name="d", provider="xingchen", quotas=(Quota(name="daily_tokens", unit="tokens", limit=10**6, period="day"),)
    )
    ledger = make_ledger(plan, clock=clock)
    res = await ledger.reserve(chat(provider="xingchen"))
    clock.now += timedelta(seconds=5)  # the response arrives after midnight
    await ledger.settle(res, Usage(100, 20))
    rows = {r.period_key: r for r in await ledger.snapshot(current_only=False) if r.quota == "daily_tokens"}
    assert list(rows) == ["2026-11-30"] and rows["2026-11-30"].used == 120

"""Price tables and the costs the ledger records (plans.md figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ledger_helpers import MakeLedger, chat

from coze_client._call import CallInfo, Usage
from coze_client.ledger import USAGE_QUOTA, estimate_cost, prices
from coze_client.limits.plans import Plan, Quota


def test_easydl_tiered_example() -> None:
    # plans.md: 2,000,000 points in a month (after the free quota) cost 1000 + 800 = 1800 yuan.
    assert prices.easydl_month_cost(2_000_000) == Decimal(1800)
    assert prices.easydl_month_cost(1_000_000) == Decimal(1000)
    assert prices.easydl_month_cost(6_000_000) == Decimal(1000 + 3200 + 640)
    # A call straddling a tier boundary is split across the tiers.
    assert prices.easydl_tiered_cost(999_998, 4) == Decimal("0.002") + Decimal("0.0016")
    assert prices.easydl_tiered_cost(5_000_000, 100) == Decimal("0.064")
    # Adding month by month equals the month total.
    total = sum((prices.easydl_tiered_cost(n * 250_000, 250_000) for n in range(8)), Decimal(0))
    assert total == Decimal(1800)


def test_point_packs_and_points_per_call() -> None:
    assert [p.yuan_per_1000 for p in prices.EASYDL_POINT_PACKS][:3] == [Decimal("0.9"), Decimal("0.86"), Decimal("0.8")]
    assert prices.easydl_points("object_detection_ultra_high_accuracy") == 60
    assert prices.easydl_points("image_classification_high_perf") == 4
    with pytest.raises(KeyError, match="known"):
        prices.easydl_points("nope")


def test_xingchen_and_gptbots_prices() -> None:
    assert prices.xingchen_cost("xingchen-max", 1000, 1000) == Decimal("0.16")
    assert prices.xingchen_cost("xingchen-longcontext", 500, 500) == Decimal("0.02")
    with pytest.raises(KeyError):
        prices.xingchen_cost("gpt-4", 1, 1)
    assert prices.gptbots_credits("OpenAI GPT-4o-mini-128k", 2000, 1000) == Decimal("0.0995")
    assert prices.gptbots_credits("gpt-4o-mini-128k", 2000, 1000, "own") == Decimal("0.009")
    assert prices.gptbots_credits("Tencent Hunyuan-lite-4k", 10**6, 10**6) == 0
    assert prices.GPTBOTS_CREDITS_PER_USD * 10 == 1000  # "$10 = 1000 credits"


def test_estimate_cost_prefers_reported_credits() -> None:
    assert estimate_cost("gptbots", model="deepseek-v3", input_tokens=1000, credits=0.5).amount == Decimal("0.5")
    assert estimate_cost("gptbots", model="deepseek-v3", input_tokens=1000).amount == Decimal("0.0157")
    assert estimate_cost("coze", input_tokens=1000) == prices.Cost(Decimal(0), "")


async def test_xingchen_free_tokens_then_billed(make_ledger: MakeLedger) -> None:
    plan = Plan(
        name="x", provider="xingchen", quotas=(Quota(name="free_tokens", unit="tokens", limit=1000, policy="warn"),)
    )
    ledger = make_ledger(plan)
    call = chat(provider="xingchen", model="xingchen-max")
    await ledger.settle(await ledger.reserve(call), Usage(600, 200))  # all free
    await ledger.settle(await ledger.reserve(call), Usage(300, 100))  # 200 of 400 tokens billable
    await ledger.settle(await ledger.reserve(call), Usage(1000, 1000))  # all billable
    rows = {r.quota: r for r in await ledger.snapshot()}
    # 2nd call list price 0.012 + 0.012 = 0.024, half billable; 3rd 0.04 + 0.12.
    assert rows["free_tokens"].cost == pytest.approx(0.012 + 0.16)
    assert rows[USAGE_QUOTA].cost == pytest.approx(0.172) and rows[USAGE_QUOTA].currency == "yuan"


async def test_easydl_paid_points_cost_by_monthly_tier(make_ledger: MakeLedger) -> None:
    plan = Plan(
        name="e", provider="easydl", quotas=(Quota(name="free_points", unit="points", limit=10, policy="warn"),)
    )
    ledger = make_ledger(plan)
    call = CallInfo("easydl", "api-1", "POST", "/rpc/x", ("inference",), points=6)
    await ledger.settle(await ledger.reserve(call))  # 6 free
    await ledger.settle(await ledger.reserve(call))  # 4 free, 2 billed
    await ledger.settle(await ledger.reserve(call), Usage(extra={"failed": 1}))  # failed: free points, no bill
    await ledger.settle(await ledger.reserve(call))  # 6 billed
    rows = {r.quota: r for r in await ledger.snapshot()}
    assert rows["free_points"].used == 24
    assert rows[USAGE_QUOTA].cost == pytest.approx(8 * 0.001)


async def test_gptbots_credits_as_reported(make_ledger: MakeLedger) -> None:
    ledger = make_ledger()
    await ledger.settle(await ledger.reserve(chat(provider="gptbots")), Usage(100, 100, credits=1.25))
    await ledger.settle(
        await ledger.reserve(chat(provider="gptbots")), Usage(1000, 1000, model="OpenAI GPT-4.1-1M")
    )  # no credits reported: table estimate 0.22 + 0.88
    (row,) = await ledger.snapshot()
    assert row.cost == pytest.approx(1.25 + 1.10) and row.currency == "credits"

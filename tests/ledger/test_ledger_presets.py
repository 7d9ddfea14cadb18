"""The quotas of the shipped plan presets (coze_client.limits.presets), guarded by the ledger."""

from __future__ import annotations

import logging

import pytest
from ledger_helpers import MakeLedger, chat

from coze_client._call import CallInfo, Usage
from coze_client.errors import QuotaExhaustedError
from coze_client.limits import get_plan


async def test_coze_personal_free_500_calls_then_lockout_refusal(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(get_plan("coze.personal_free"))
    await ledger.set_used("coze", "team-a", "free_calls", 498)
    await ledger.reserve(chat())
    await ledger.reserve(CallInfo("coze", "team-a", "POST", "/v1/files/upload", ("upload",)))  # every API counts
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(CallInfo("coze", "team-a", "GET", "/v1/files/retrieve"))
    assert (info.value.quota, info.value.used, info.value.limit, info.value.lockout) == ("free_calls", 500, 500, True)


async def test_coze_basic_counts_what_an_api_client_sees(make_ledger: MakeLedger) -> None:
    """Basic: 100 API calls ever (lock-out); paid-plugin trials and resource points are not guards (issue 14.3)."""
    ledger = make_ledger(get_plan("coze.basic"))
    for _ in range(25):
        await ledger.settle(await ledger.reserve(chat()), Usage(points=30))  # points reported: still no guard
    rows = {r.quota: r for r in await ledger.snapshot()}
    # Only quotas the client counts appear: no row that stays at 0 while posing as a guard.
    assert set(rows) == {"free_calls", "usage"}
    assert rows["free_calls"].used == 25 and rows["free_calls"].policy == "block"
    for _ in range(75):
        await ledger.reserve(chat(groups=("paid_plugin",)))  # a plugin group changes nothing
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat())
    assert info.value.quota == "free_calls" and info.value.limit == 100 and info.value.lockout


@pytest.mark.parametrize("preset", ["coze.basic", "coze.pro"])
def test_legacy_quotas_an_api_client_cannot_see_are_marked_not_counted(preset: str) -> None:
    plan = get_plan(preset)
    counted = {q.name for q in plan.quotas if q.counted}
    hidden = {q.name: q for q in plan.quotas if not q.counted}
    assert counted == {"free_calls"}
    assert set(hidden) == {"paid_plugin_calls", "resource_points"}
    assert all(q.policy != "block" and q.note for q in hidden.values())


async def test_xingchen_default_one_million_tokens_warns(
    make_ledger: MakeLedger, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = make_ledger(get_plan("xingchen.default"))
    call = chat(provider="xingchen", model="xingchen-plus")
    with caplog.at_level(logging.WARNING, logger="coze_client"):
        await ledger.settle(await ledger.reserve(call), Usage(700_000, 150_000))
        await ledger.settle(await ledger.reserve(call), Usage(150_000, 50_000))
        await ledger.settle(await ledger.reserve(call), Usage(1000, 0))  # warn never refuses
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "quota 'free_tokens' of xingchen/team-a at 85%",
        "quota 'free_tokens' of xingchen/team-a at 105%",
    ]
    row = next(r for r in await ledger.snapshot() if r.quota == "free_tokens")
    assert row.used == 1_051_000 and row.left == 0
    # 50,000 billable tokens of the second call (3/4 of them input) and all of the third, at plus prices.
    assert row.cost == pytest.approx((150_000 * 0.004 + 50_000 * 0.012) / 1000 / 4 + 0.004)


async def test_easydl_free_10000_points_block(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(get_plan("easydl.free"))
    call = CallInfo("easydl", "my-api", "POST", "/rpc/x", ("inference", "object_detection_high_accuracy"), points=14)
    await ledger.set_used("easydl", "my-api", "free_points", 9_990)
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(call)
    assert (info.value.used, info.value.limit) == (9_990, 10_000)
    small = CallInfo("easydl", "my-api", "POST", "/rpc/x", ("inference",), points=4)
    await ledger.settle(await ledger.reserve(small), Usage(extra={"failed": 1}))  # failed calls count too
    await ledger.reserve(small)
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(small)


def test_a_quota_the_client_cannot_count_cannot_be_made_a_guard() -> None:
    from coze_client.errors import ValidationError

    with pytest.raises(ValidationError, match="not counted by the client"):
        get_plan("coze.basic").with_overrides(quotas={"resource_points": {"policy": "block"}})
    # Counting it is an explicit choice (e.g. a user who feeds the console's figure with set_used).
    plan = get_plan("coze.basic").with_overrides(quotas={"resource_points": {"policy": "block", "counted": True}})
    assert plan.quota("resource_points").counted

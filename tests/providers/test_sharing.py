"""One ledger (and limiter) shared by several clients and adapters (issue 14, points 1 and 2).

A client or adapter closes only the limiter and ledger it built itself (from a URL or the default),
never one it was given: closing one of them must leave the others working.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from coze_client import AsyncCoze
from coze_client.errors import CozeError, PlanConflictError, QuotaExhaustedError
from coze_client.ledger import MemoryLedger, SqliteLedger
from coze_client.limits import build_limiter, get_plan
from coze_client.testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeXingchen
from providers import EasyDL, GPTBotsProvider, XingchenProvider

from .conftest import COZE_TOKEN, EASYDL_KEY, EASYDL_SECRET, FAST_XINGCHEN, GPTBOTS_KEY, XINGCHEN_KEY


async def test_two_clients_share_one_ledger_and_limiter(fake_coze: FakeCoze, tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    limiter = build_limiter(f"sqlite:///{tmp_path / 'limits.db'}", get_plan("coze.personal_paid"))
    first = AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="team", ledger=ledger, limiter=limiter)
    second = AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="team", ledger=ledger, limiter=limiter)
    async with first:
        await first.chat.create(bot_id="bot_1", user_id="u1", additional_messages=["hi"])
    # The first client is closed; the ledger and limiter it was given still serve the second.
    async with second:
        await second.chat.create(bot_id="bot_1", user_id="u1", additional_messages=["hi"])
    rows = await ledger.snapshot(provider="coze", account="team")
    assert next(r for r in rows if r.quota == "usage").calls == 2
    await ledger.aclose()
    await limiter.aclose()


async def test_two_clients_share_one_sqlite_limiter(fake_coze: FakeCoze, tmp_path: Path) -> None:
    limiter = build_limiter(f"sqlite:///{tmp_path / 'limits.db'}", get_plan("coze.personal_paid"))

    async def two_clients() -> None:
        for _ in range(2):  # the second client still finds the limiter open
            async with AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="team", ledger="memory://",
                                 limiter=limiter) as coze:
                await coze.chat.create(bot_id="bot_1", user_id="u1", additional_messages=["hi"])

    # Before the fix the second client waited forever on the limiter the first had closed: a hang guard,
    # not a timing assertion (the two calls take milliseconds).
    await asyncio.wait_for(two_clients(), timeout=60)
    await limiter.aclose()


async def test_a_client_closes_the_ledger_it_built(fake_coze: FakeCoze, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    coze = AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="team", ledger=url)
    closed: list[str] = []
    original = coze.ledger.aclose

    async def spy() -> None:
        closed.append("ledger")
        await original()

    coze.ledger.aclose = spy  # type: ignore[method-assign]
    async with coze:
        await coze.chat.create(bot_id="bot_1", user_id="u1", additional_messages=["hi"])
    assert closed == ["ledger"]


async def test_xingchen_and_gptbots_share_one_ledger(
    fake_xingchen: FakeXingchen, fake_gptbots: FakeGPTBots, tmp_path: Path
) -> None:
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    xing = XingchenProvider(api_key=XINGCHEN_KEY, character_id="char_1", plan=FAST_XINGCHEN, ledger=ledger)
    gpt = GPTBotsProvider(api_key=GPTBOTS_KEY, ledger=ledger, max_retries=0)
    async with xing:
        await xing.chat("你好")
    async with gpt:
        await gpt.chat("hello")  # failed with "cannot schedule new futures after shutdown"
    providers = {r.provider for r in await ledger.snapshot() if r.calls}
    assert providers == {"xingchen", "gptbots"}
    await ledger.aclose()


async def test_easydl_paid_does_not_switch_off_the_free_guard(fake_easydl: FakeEasyDL) -> None:
    ledger = MemoryLedger()
    free = EasyDL(api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.free", account="free-app",
                  ledger=ledger, max_retries=0)
    paid = EasyDL(api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.paid", account="paid-app",
                  ledger=ledger, max_retries=0)
    await ledger.set_used("easydl", "free-app:flowers", "free_points", 9_998)
    with pytest.raises(QuotaExhaustedError):
        await free.classify_image("flowers", b"\x89PNG....")
    # The paid adapter's own service is billed past the free points, only warned about.
    await ledger.set_used("easydl", "paid-app:flowers", "free_points", 9_998)
    result = await paid.classify_image("flowers", b"\x89PNG....")
    assert result.points == 4
    await free.aclose()
    await paid.aclose()


def test_two_plans_for_one_provider_account_is_a_typed_error() -> None:
    ledger = MemoryLedger()
    EasyDL(api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.free", account="app", ledger=ledger)
    with pytest.raises(PlanConflictError, match=r"easydl\.free") as info:
        EasyDL(api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.paid", account="app", ledger=ledger)
    assert isinstance(info.value, CozeError)
    assert "easydl.paid" in str(info.value)
    # The same plan again is fine (two adapters of one account on one ledger).
    EasyDL(api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.free", account="app", ledger=ledger)


def test_two_coze_plans_for_one_account_is_a_typed_error() -> None:
    ledger = MemoryLedger()
    AsyncCoze(token=COZE_TOKEN, plan="coze.personal_free", account="team", ledger=ledger)
    with pytest.raises(PlanConflictError):
        AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="team", ledger=ledger)
    AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="other", ledger=ledger)


def test_gptbots_key_modes_of_one_bot_must_agree() -> None:
    ledger = MemoryLedger()
    GPTBotsProvider(api_key=GPTBOTS_KEY, key_mode="own", account="bot", ledger=ledger)
    GPTBotsProvider(api_key=GPTBOTS_KEY, key_mode="own", account="bot", ledger=ledger)  # the same: fine
    with pytest.raises(PlanConflictError, match="key_mode"):
        GPTBotsProvider(api_key=GPTBOTS_KEY, account="bot", ledger=ledger)  # would re-price the first's calls


def test_a_limiter_instance_serves_only_the_plan_it_was_built_for() -> None:
    """A limiter paces the plan it was built with: another plan's client would be paced wrongly, or not at all."""
    from coze_client.errors import ValidationError

    free = build_limiter("memory://", get_plan("coze.personal_free"))
    AsyncCoze(token=COZE_TOKEN, plan="coze.personal_free", account="a", ledger="memory://", limiter=free)
    with pytest.raises(ValidationError, match=r"coze\.personal_free"):
        AsyncCoze(token=COZE_TOKEN, plan="coze.personal_paid", account="b", ledger="memory://", limiter=free)
    xing = build_limiter("memory://", FAST_XINGCHEN)
    XingchenProvider(api_key=XINGCHEN_KEY, character_id="c", plan=FAST_XINGCHEN, ledger="memory://", limiter=xing)
    with pytest.raises(ValidationError, match="one limiter per plan"):
        GPTBotsProvider(api_key=GPTBOTS_KEY, ledger="memory://", limiter=xing)  # GPTBots calls would go unpaced

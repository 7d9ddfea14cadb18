"""Coze adapter: built on AsyncCoze (its plan, limiter, ledger), failures and options."""

from __future__ import annotations

from typing import Any

import pytest

from coze_client import AsyncCoze
from coze_client.errors import AuthenticationError, QuotaExhaustedError, StreamError, ValidationError
from coze_client.testing import FakeCoze
from providers import CozeProvider

from .conftest import COZE_TOKEN


def bot(**kw: Any) -> CozeProvider:
    opts: dict[str, Any] = {"token": COZE_TOKEN, "bot_id": "bot_1", "ledger": "memory://"}
    opts.update(kw)
    return CozeProvider(**opts)


async def test_chat_reads_the_answer_deltas_and_usage(fake_coze: FakeCoze) -> None:
    async with bot() as b:
        reply = await b.chat(["earlier question", {"role": "assistant", "content": "earlier answer"}, "Hi"],
                             custom_variables={"name": "Ann"})
    sent = fake_coze.find(path="/v3/chat")[0].json
    assert sent["stream"] is True and sent["bot_id"] == "bot_1" and sent["custom_variables"] == {"name": "Ann"}
    assert [m["role"] for m in sent["additional_messages"]] == ["user", "assistant", "user"]
    assert reply.text == "Hello from Coze" and reply.request_id and reply.ids["chat_id"] == reply.request_id
    assert reply.usage.total_tokens > 0 and reply.message_id


async def test_bot_id_per_conversation_and_call(fake_coze: FakeCoze) -> None:
    fake_coze.bot("bot_2", replies=["I am bot two"])
    async with bot() as b:
        conv = await b.new_conversation(user_id="u9", bot_id="bot_2")
        assert (await b.chat("hi", conversation=conv)).text == "I am bot two"
        assert (await b.chat("hi", bot_id="bot_2")).text == "I am bot two"
    assert fake_coze.find(path="/v3/chat")[0].json["user_id"] == "u9"


async def test_failed_chat_raises_stream_error(fake_coze: FakeCoze) -> None:
    fake_coze.script_chat(failed=(5000, "event interval error"))
    async with bot() as b:
        with pytest.raises(StreamError, match="event interval error"):
            await b.chat("hi")


async def test_bad_token_is_typed(fake_coze: FakeCoze) -> None:
    async with bot(token="pat_Wrongwrongwrongwrong") as b:
        with pytest.raises(AuthenticationError) as info:
            await b.chat("hi")
    assert "pat_Wrongwrongwrongwrong" not in str(info.value)


async def test_the_free_plan_quota_guards_the_adapter(fake_coze: FakeCoze) -> None:
    async with bot(plan="coze.personal_free") as b:
        await b.client.ledger.set_used("coze", b.client.account, "free_calls", 500)  # type: ignore[attr-defined]
        with pytest.raises(QuotaExhaustedError):
            await b.chat("hi")
    assert not fake_coze.find(path="/v3/chat")


async def test_an_injected_client_is_not_closed(fake_coze: FakeCoze) -> None:
    client = AsyncCoze(token=COZE_TOKEN, ledger="memory://")
    async with CozeProvider(bot_id="bot_1", client=client) as b:
        await b.chat("hi")
    assert (await client.chat.create(bot_id="bot_1", user_id="u", additional_messages=["still open"])).id
    await client.aclose()
    with pytest.raises(ValidationError):
        CozeProvider(bot_id="bot_1", client=client, token=COZE_TOKEN)
    with pytest.raises(ValidationError):
        await bot().chat("hi", system_prompt="no")


def test_coze_provider_exposes_its_ledger_and_limiter() -> None:
    """Like the other adapters: ``.ledger`` and ``.limiter`` are the client's (issue 14.7)."""
    from coze_client.ledger import MemoryLedger

    ledger = MemoryLedger()
    bot = CozeProvider(token=COZE_TOKEN, bot_id="bot_1", ledger=ledger)
    assert bot.ledger is ledger and bot.ledger is bot.client.ledger
    assert bot.limiter is bot.client.limiter

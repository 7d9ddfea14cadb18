"""``providers.open_sync``: the one chat interface for sync code gives the same replies and streams."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import providers
from coze_client import Coze
from coze_client.errors import StreamError, ValidationError
from providers import ChatReply, SyncChatProvider
from tests.providers.conftest import (
    COZE_TOKEN,
    EASYDL_KEY,
    EASYDL_SECRET,
    config,
    fake_coze,
    fake_easydl,
    fake_gptbots,
    fake_xingchen,
    router,
)
from tests.providers.test_unified import story_app

__all__ = ["fake_coze", "fake_easydl", "fake_gptbots", "fake_xingchen", "router"]

CHAT = ["coze", "xingchen", "gptbots"]


def sync_story_app(bot: SyncChatProvider) -> dict[str, Any]:
    """``story_app`` of the unified tests, written for sync code."""
    conv = bot.new_conversation(user_id="user_42")
    first = bot.chat("Hi, I am Ann.", conversation=conv)
    deltas: list[str] = []
    with bot.stream([{"role": "user", "content": "Tell me a story"}], conversation=conv) as stream:
        for delta in stream:
            deltas.append(delta.text)
    second = stream.reply
    assert second is not None
    return {"first": first, "second": second, "deltas": deltas, "conv": conv}


@pytest.mark.parametrize("name", CHAT)
def test_sync_app_gets_what_the_async_app_gets(name: str, request: pytest.FixtureRequest) -> None:
    request.getfixturevalue(f"fake_{name}")

    async def run_async() -> dict[str, Any]:
        async with providers.open(name, **config(name)) as bot:
            return await story_app(bot)

    expected = asyncio.run(run_async())
    with providers.open_sync(name, **config(name)) as bot:
        assert isinstance(bot, SyncChatProvider) and bot.name == name
        got = sync_story_app(bot)
    for key in ("first", "second"):
        a: ChatReply = expected[key]
        s: ChatReply = got[key]
        assert (s.text, s.provider, s.usage, s.cost) == (a.text, a.provider, a.usage, a.cost)
    assert got["deltas"] == expected["deltas"] and len(got["deltas"]) > 1
    assert [m.role for m in got["conv"].history] == ["user", "assistant", "user", "assistant"]


def test_final_reply_break_and_validation(fake_coze: Any) -> None:
    with providers.open_sync("coze", **config("coze")) as bot:
        with pytest.raises(ValidationError):
            bot.chat([])
        with pytest.raises(ValidationError):
            bot.stream({"role": "robot", "content": "x"})
        reply = bot.stream("hello").final_reply()
        assert reply.text.startswith("Hello from")
        with bot.stream("hello") as s:
            for _ in s:
                break  # leaving early closes the stream
        with pytest.raises(StreamError):
            list(s)  # read once
        assert fake_coze.stats.requests == 2


def test_coze_adapter_can_share_a_sync_client(fake_coze: Any) -> None:
    with Coze(token=COZE_TOKEN, ledger="memory://", plan="coze.personal_free") as coze:
        with providers.open_sync("coze", bot_id="bot_1", client=coze) as bot:
            assert bot.chat("hello").text.startswith("Hello from")
        assert coze.users.me().user_id  # not closed by the adapter
        rows = coze.run(coze.ledger.snapshot())
        assert sum(r.used for r in rows if r.quota == "free_calls") == 2  # one ledger for both


def test_easydl_through_the_generic_sync_adapter(fake_easydl: Any) -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with providers.open_sync("easydl", api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, ledger="memory://") as ai:
        result = ai.classify_image("flowers", image)
        assert result.results[0].name == "daisy"

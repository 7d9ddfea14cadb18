"""The one interface: the SAME app function runs against Coze, Xingchen and GPTBots by changing one string."""

from __future__ import annotations

from typing import Any

import pytest

import providers
from coze_client.errors import StreamError, ValidationError
from providers import ChatProvider, ChatReply, Conversation, normalize_messages

from .conftest import SECRETS, config

CHAT = ["coze", "xingchen", "gptbots"]


async def story_app(bot: ChatProvider) -> dict[str, Any]:
    """An application written once against the interface."""
    conv = await bot.new_conversation(user_id="user_42")
    first = await bot.chat("Hi, I am Ann.", conversation=conv)
    deltas: list[str] = []
    async with bot.stream([{"role": "user", "content": "Tell me a story"}], conversation=conv) as stream:
        async for delta in stream:
            deltas.append(delta.text)
    second = stream.reply
    assert second is not None
    return {"first": first, "second": second, "deltas": deltas, "conv": conv}


@pytest.fixture(params=CHAT)
def fakes(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue(f"fake_{request.param}")
    return str(request.param)


async def test_same_app_runs_on_every_chat_provider(fakes: str) -> None:
    name = fakes
    async with providers.open(name, **config(name)) as bot:
        assert isinstance(bot, ChatProvider)
        out = await story_app(bot)
    first: ChatReply = out["first"]
    second: ChatReply = out["second"]
    assert first.provider == second.provider == name
    assert first.text.startswith("Hello from")
    assert second.text == "Once upon a time there was a cat"
    assert "".join(out["deltas"]) == second.text and len(out["deltas"]) > 1
    for reply in (first, second):
        assert reply.usage.input_tokens > 0 and reply.usage.output_tokens > 0
        assert reply.usage.total_tokens == reply.usage.input_tokens + reply.usage.output_tokens
        assert reply.raw is not None and reply.meta is not None and reply.meta.attempts == 1
    conv: Conversation = out["conv"]
    # Continuity: both turns are in the handle, and the second turn used the first's conversation.
    assert [m.role for m in conv.history] == ["user", "assistant", "user", "assistant"]
    assert second.conversation is conv
    if name != "xingchen":  # the Xingchen fake leaves sessionId empty
        assert first.conversation_id and second.conversation_id == first.conversation_id == conv.id


async def test_costs_come_from_the_price_data(fake_xingchen: Any, fake_gptbots: Any, fake_coze: Any) -> None:
    async with providers.open("xingchen", **config("xingchen")) as x, providers.open("gptbots", **config("gptbots")) \
            as g, providers.open("coze", **config("coze")) as c:
        rx, rg, rc = await x.chat("hello"), await g.chat("hello"), await c.chat("hello")
    assert rx.cost.currency == "yuan" and rx.cost.amount > 0
    assert rg.cost.currency == "credits" and rg.usage.credits > 0
    assert float(rg.cost.amount) == pytest.approx(rg.usage.credits)
    assert rc.cost.currency == "" and rc.cost.amount == 0


@pytest.mark.parametrize("name", CHAT)
async def test_inputs_are_validated_before_sending(name: str, router: Any) -> None:
    async with providers.open(name, **config(name)) as bot:
        with pytest.raises(ValidationError):
            await bot.chat([])
        with pytest.raises(ValidationError):
            await bot.chat([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}])
        with pytest.raises(ValidationError):
            bot.stream({"role": "robot", "content": "x"})
        with pytest.raises(ValidationError):
            await bot.chat("hi", no_such_option=1)
        other = Conversation(provider="elsewhere", user_id="u")
        with pytest.raises(ValidationError):
            await bot.chat("hi", conversation=other)
    assert not router.calls  # nothing reached the network


def test_normalize_messages_accepts_strings_and_dicts() -> None:
    msgs = normalize_messages(["a", {"role": "assistant", "content": "b"}, {"content": "c"}])
    assert [(m.role, m.content) for m in msgs] == [("user", "a"), ("assistant", "b"), ("user", "c")]
    assert normalize_messages("solo")[0].as_dict() == {"role": "user", "content": "solo"}
    with pytest.raises(ValidationError):
        normalize_messages([{"role": "system", "content": "s"}, "q"], roles=("user", "assistant"))
    with pytest.raises(ValidationError):
        normalize_messages([{"role": "user", "content": 3}])


def test_open_unknown_provider() -> None:
    with pytest.raises(ValidationError, match="unknown provider"):
        providers.open("openai")


@pytest.mark.parametrize("name", [*CHAT, "easydl"])
async def test_secrets_never_in_reprs(name: str) -> None:
    cfg = config(name) if name != "easydl" else {"api_key": SECRETS[3], "secret_key": SECRETS[4], "ledger": "memory://"}
    bot = providers.open(name, **cfg)
    try:
        shown = repr(bot) + repr(getattr(bot, "token", "")) + repr(getattr(bot, "client", ""))
        assert bot.name in shown.lower() or "provider" in shown.lower()
        for secret in SECRETS:
            assert secret not in shown
    finally:
        await bot.aclose()


async def test_stream_broken_off_early_settles_and_has_no_reply(fake_gptbots: Any) -> None:
    async with providers.open("gptbots", **config("gptbots")) as bot:
        stream = bot.stream("Tell me a story")
        async with stream:
            async for _ in stream:
                break
        assert stream.reply is None
        with pytest.raises(StreamError):
            await stream.final_reply()
        # The limiter slot and the ledger reservation were released: a new call goes through.
        assert (await bot.chat("again")).text

"""The chat adapters over real sockets (the fakes served on 127.0.0.1): streaming framing end to end."""

from __future__ import annotations

import pytest

import providers
from coze_client.testing import FakeGPTBots, FakeXingchen, serve_loopback

from .conftest import FAST_XINGCHEN, GPTBOTS_KEY, XINGCHEN_KEY


@pytest.mark.parametrize("prefix", [True, False])
async def test_gptbots_stream_over_a_socket(prefix: bool) -> None:
    fake = FakeGPTBots(replies=["over a real socket"], stream_prefix=prefix)
    async with serve_loopback(fake) as base_url, providers.open(
        "gptbots", api_key=GPTBOTS_KEY, base_url=base_url, ledger="memory://"
    ) as bot:
        async with bot.stream("hi") as s:
            deltas = [d.text async for d in s]
    assert "".join(deltas) == "over a real socket" and len(deltas) == 4
    assert s.reply is not None and s.reply.usage.total_tokens > 0


async def test_xingchen_cumulative_stream_over_a_socket() -> None:
    fake = FakeXingchen(replies=["心 想 事 成"])
    async with serve_loopback(fake) as base_url, providers.open(
        "xingchen", api_key=XINGCHEN_KEY, base_url=base_url, character_id="c1", plan=FAST_XINGCHEN,
        ledger="memory://", incremental_output=False,
    ) as bot:
        async with bot.stream("祝福") as s:
            deltas = [d.text async for d in s]
    assert "".join(deltas) == "心 想 事 成" and len(deltas) == 4

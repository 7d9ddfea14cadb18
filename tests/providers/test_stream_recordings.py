"""Provider streams replayed in the shapes the services send: the last event without its blank line or newline.

Xingchen streams SSE (``id:n`` / ``data:{ChatResult}``); GPTBots streams one JSON line per event.
Either may end the body right after the last event's data. The reply must come whole; a body cut
inside the last event's data is still truncation.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

import providers
from coze_client.errors import StreamError

from .conftest import config

XC = "https://nlp.aliyuncs.com/v2/api/chat/send"
GB = "https://api-sg.gptbots.ai"


def xingchen_result(content: str, stop: str | None, out_tokens: int) -> str:
    return json.dumps({
        "choices": [{"stopReason": stop, "messages": [{"role": "assistant", "content": content,
                                                       "finishReason": stop, "meta": None}]}],
        "usage": {"userTokens": None, "inputTokens": 12, "outputTokens": out_tokens},
        "context": {"sessionId": None, "chatId": "c1", "messageId": None, "replyMessageId": "r1",
                    "requestId": None, "modelName": None},
    }, ensure_ascii=False, separators=(",", ":"))


XINGCHEN_STREAM = "\n\n".join(
    f"id:{i}\ndata:{xingchen_result(piece, 'stop' if i == 2 else None, i + 1)}"
    for i, piece in enumerate(["从前", "有一只", "猫。"])
).encode()

GPTBOTS_LINES = "\n".join(json.dumps(event, ensure_ascii=False) for event in [
    {"code": 11, "message": "MessageInfo", "data": {"message_id": "m1"}},
    {"code": 3, "message": "Text", "data": "Once upon "},
    {"code": 3, "message": "Text", "data": "a time"},
    {"code": 4, "message": "Cost", "data": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}},
    {"code": 0, "message": "End", "data": None},
]).encode()


def chunked(payload: bytes, chunk: int) -> httpx.Response:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), chunk):
            yield payload[i : i + chunk]

    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=gen())


async def read(name: str) -> tuple[list[str], Any]:
    async with providers.open(name, **config(name)) as bot, bot.stream("tell me a story") as stream:
        deltas = [delta.text async for delta in stream]
    return deltas, stream.reply


@pytest.fixture
def router() -> Any:
    with respx.mock(assert_all_called=False) as mock:
        mock.post(f"{GB}/v1/conversation").mock(return_value=httpx.Response(200, json={"conversation_id": "cv1"}))
        yield mock


@pytest.mark.parametrize("chunk", [1, 9, 8192])
async def test_xingchen_last_event_without_blank_line(router: respx.MockRouter, chunk: int) -> None:
    router.post(XC).mock(return_value=chunked(XINGCHEN_STREAM, chunk))
    deltas, reply = await read("xingchen")
    assert "".join(deltas) == reply.text == "从前有一只猫。"
    assert reply.usage.output_tokens == 3 and reply.usage.input_tokens == 12


async def test_xingchen_cut_inside_the_last_data_is_truncated(router: respx.MockRouter) -> None:
    router.post(XC).mock(return_value=chunked(XINGCHEN_STREAM[:-10], 7))
    with pytest.raises(StreamError, match="truncated"):
        await read("xingchen")


@pytest.mark.parametrize("chunk", [1, 9, 8192])
async def test_gptbots_last_line_without_newline(router: respx.MockRouter, chunk: int) -> None:
    router.post(f"{GB}/v2/conversation/message").mock(return_value=chunked(GPTBOTS_LINES, chunk))
    deltas, reply = await read("gptbots")
    assert "".join(deltas) == reply.text == "Once upon a time"
    assert reply.usage.output_tokens == 4


async def test_gptbots_cut_inside_the_last_line_is_truncated(router: respx.MockRouter) -> None:
    router.post(f"{GB}/v2/conversation/message").mock(return_value=chunked(GPTBOTS_LINES[:-6], 7))
    with pytest.raises(StreamError, match="truncated"):
        await read("gptbots")

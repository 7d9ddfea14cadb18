"""Sync streams decode their events on the calling thread; every stream rule holds for both clients.

The SDK loop only reads the body: it hands raw bytes over, and the thread that iterates runs the SSE
framing and the typed decoding (decoded events never cross threads, so they die young, as with
``async for``). The rules the decoding carries (the service's missing final blank line, truncation,
error events, a final chat state without ``done``, a workflow's ``Done``, usage for the ledger) are
checked on ``AsyncCoze`` and on ``Coze`` alike.
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from coze_client import Coze, errors
from coze_client.testing import FakeCoze, LoopbackServer

from ..core.doubles import RecordingLedger
from .conftest import open_client

TOKEN = "pat_TESTsecretTOKEN1234567890"
BASE = "https://api.coze.cn"
CHAT = {"id": "c1", "conversation_id": "v1", "bot_id": "b", "status": "in_progress"}
DONE_CHAT = {**CHAT, "status": "completed", "usage": {"token_count": 12, "output_count": 9, "input_count": 3}}


def sse(*events: tuple[str, object], last_blank_line: bool = True) -> bytes:
    text = "".join(f"event: {name}\ndata: {data if isinstance(data, str) else json.dumps(data)}\n\n"
                   for name, data in events)
    return (text if last_blank_line else text[:-1]).encode()


def delta(content: str) -> dict[str, str]:
    return {"id": "m1", "conversation_id": "v1", "chat_id": "c1", "role": "assistant", "type": "answer",
            "content": content, "content_type": "text"}


def streamed(body: bytes, chunk: int = 7) -> httpx.Response:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(0, len(body), chunk):
            yield body[i : i + chunk]

    return httpx.Response(200, headers={"content-type": "text/event-stream", "x-tt-logid": "S"}, content=gen())


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def ledger() -> RecordingLedger:
    return RecordingLedger()


@pytest.fixture
async def client(api: respx.MockRouter, kind: str, ledger: RecordingLedger) -> AsyncIterator[Any]:
    """``AsyncCoze``, or the sync ``Coze`` seen through ``AsyncView`` (each call from a worker thread)."""
    async for made in open_client(kind, ledger):
        yield made


async def read(client: Any, **kwargs: Any) -> tuple[Any, list[Any]]:
    async with client.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"], **kwargs) as events:
        got = [event async for event in events]
    return events, got


async def test_a_last_event_without_its_blank_line_is_dispatched(client: Any, api: respx.MockRouter,
                                                                 ledger: RecordingLedger) -> None:
    body = sse(("conversation.message.delta", delta("hi")), ("conversation.chat.completed", DONE_CHAT),
               ("done", '"[DONE]"'), last_blank_line=False)
    api.post("/v3/chat").mock(return_value=streamed(body))
    events, got = await read(client)
    assert [e.event for e in got] == ["conversation.message.delta", "conversation.chat.completed"]
    assert events.ended and events.end_data == "[DONE]"
    # The usage the completed event reported reaches the ledger when the stream settles.
    assert events.usage is not None and (events.usage.input_tokens, events.usage.output_tokens) == (3, 9)
    assert ledger.settled[-1][1] == events.usage


async def test_a_body_cut_inside_an_event_is_truncation(client: Any, api: respx.MockRouter,
                                                        ledger: RecordingLedger) -> None:
    body = sse(("conversation.message.delta", delta("hi")), ("conversation.message.delta", delta("there")))
    api.post("/v3/chat").mock(return_value=streamed(body[:-20]))
    seen: list[str] = []
    with pytest.raises(errors.StreamError, match="truncated"):
        async with client.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
            async for event in events:
                seen.append(event.message.content)
    assert seen == ["hi"]  # the whole event before the cut arrived first
    assert len(ledger.settled) + len(ledger.cancelled) == len(ledger.reserved) == 1


async def test_an_error_event_raises_its_stream_error_in_place(client: Any, api: respx.MockRouter) -> None:
    body = sse(("conversation.message.delta", delta("hi")), ("error", {"code": 4000, "msg": "bad"}),
               ("conversation.message.delta", delta("never")))
    api.post("/v3/chat").mock(return_value=streamed(body, chunk=len(body)))  # all in one chunk
    seen: list[str] = []
    with pytest.raises(errors.StreamError) as info:
        async with client.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
            async for event in events:
                seen.append(event.message.content)
    assert seen == ["hi"]
    assert (info.value.code, info.value.msg, info.value.logid) == (4000, "bad", "S")


async def test_a_final_chat_state_may_end_the_body_without_done(client: Any, api: respx.MockRouter) -> None:
    failed = {**CHAT, "status": "failed", "last_error": {"code": 5000, "msg": "event interval error"}}
    api.post("/v3/chat").mock(return_value=streamed(sse(("conversation.chat.failed", failed))))
    events, got = await read(client)
    assert [e.event for e in got] == ["conversation.chat.failed"] and not events.ended


async def test_a_workflow_stream_stops_at_done(client: Any, api: respx.MockRouter) -> None:
    body = b"".join([
        b'id: 0\nevent: Message\ndata: {"content": "a", "usage": {"input_count": 2, "output_count": 5}}\n\n',
        b'id: 1\nevent: Done\ndata: {"debug_url": "https://d"}\n\n',
        b'id: 2\nevent: Message\ndata: {"content": "after"}\n\n',
    ])
    api.post("/v1/workflow/stream_run").mock(return_value=streamed(body))
    async with client.workflows.runs.stream(workflow_id="w1") as events:
        got = [event async for event in events]
    assert [e.event for e in got] == ["Message", "Done"]
    assert events.debug_url == "https://d" and events.gaps == [] and events.ended
    assert events.usage is not None and events.usage.output_tokens == 5


def test_events_are_decoded_on_the_calling_thread_and_only_bytes_cross(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK loop reads; the thread that iterates decodes. What crosses between the threads is the body's
    # raw bytes (not tracked by the garbage collector), never decoded events.
    from coze_client._sync import _wrap
    from coze_client.resources import chat

    decoded_on: set[int] = set()
    decode = chat.decode_chat_event

    def recorded_decode(sse: Any, stream: Any) -> Any:
        decoded_on.add(threading.get_ident())
        return decode(sse, stream)

    monkeypatch.setattr(chat, "decode_chat_event", recorded_decode)
    crossed: list[type[Any]] = []
    hand_over = _wrap.SyncStream._hand_over

    def recorded_hand_over(self: _wrap.SyncStream[Any], batch: list[Any]) -> None:
        crossed.extend(type(item) for item in batch if item is not _wrap._DONE)
        hand_over(self, batch)

    monkeypatch.setattr(_wrap.SyncStream, "_hand_over", recorded_hand_over)
    fake = FakeCoze(plan=None)
    fake.bot("b1", replies=["one two three four five"], stream_chunks=5)
    with LoopbackServer(fake) as server, Coze(token=TOKEN, base_url=server.base_url, plan=None,
                                              ledger="memory://") as coze:
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            names = [event.event for event in events]
        assert names[-1] == "conversation.chat.completed" and events.ended
        assert events.usage is not None
    assert decoded_on == {threading.get_ident()}
    assert crossed and set(crossed) == {bytes}


def test_a_batch_holds_a_bounded_number_of_body_chunks(api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    # Raw chunks weigh nothing for the garbage collector, but their bytes count: a batch holds at most
    # _CHUNKS reads (here the body comes in 7-byte chunks, every one ready at once).
    from coze_client._sync import _wrap

    monkeypatch.setattr(_wrap, "_CHUNKS", 3)
    sizes: list[int] = []
    hand_over = _wrap.SyncStream._hand_over

    def recorded_hand_over(self: _wrap.SyncStream[Any], batch: list[Any]) -> None:
        sizes.append(sum(1 for item in batch if isinstance(item, bytes)))
        hand_over(self, batch)

    monkeypatch.setattr(_wrap.SyncStream, "_hand_over", recorded_hand_over)
    words = [f"w{i}" for i in range(40)]
    body = sse(*[("conversation.message.delta", delta(w)) for w in words], ("done", '"[DONE]"'))
    api.post("/v3/chat").mock(return_value=streamed(body))
    with Coze(token=TOKEN, base_url=BASE, plan=None, ledger="memory://") as coze:
        with coze.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
            got = [event.message.content for event in events]
    assert got == words and events.ended
    assert max(sizes) == 3 and sum(sizes) == -(-len(body) // 7)

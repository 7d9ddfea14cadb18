"""The corridor tells the limiter when a response head arrives, before the body is read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import respx

from coze_client import AsyncCoze, CallInfo

from ..core.doubles import RecordingLedger

BASE = "https://api.coze.cn"
TOKEN = "pat_TESTsecretTOKEN1234567890"


@dataclass
class OrderPermit:
    log: list[str]
    waited: float = 0.0

    def responded(self) -> None:
        self.log.append("head")

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        self.log.append("release")


class OrderLimiter:
    def __init__(self) -> None:
        self.log: list[str] = []

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> OrderPermit:
        self.log.append("acquire")
        return OrderPermit(self.log)

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        pass

    async def aclose(self) -> None:
        pass


async def test_blocking_call_marks_the_head_before_the_body_is_read() -> None:
    limiter = OrderLimiter()
    gate = asyncio.Event()
    seen_at_body: list[list[str]] = []

    async def slow_body() -> AsyncIterator[bytes]:
        seen_at_body.append(list(limiter.log))  # the head is out; the body has not been read
        await gate.wait()
        yield json.dumps({"code": 0, "msg": "", "data": {"id": "c1", "conversation_id": "v1"}}).encode()

    async with AsyncCoze(token=TOKEN, base_url=BASE, plan=None, limiter=limiter, ledger=RecordingLedger()) as coze:
        with respx.mock(base_url=BASE) as api:
            api.post("/v3/chat").mock(return_value=httpx.Response(
                200, headers={"content-type": "application/json"}, content=slow_body()))
            task = asyncio.ensure_future(coze.chat.create(bot_id="b", user_id="u", additional_messages=["hi"]))
            for _ in range(50):
                await asyncio.sleep(0)
            assert limiter.log == ["acquire", "head"]
            gate.set()
            await task
    assert limiter.log == ["acquire", "head", "release"]
    assert seen_at_body == [["acquire", "head"]]


async def test_stream_marks_the_head_when_it_opens() -> None:
    limiter = OrderLimiter()
    body = (b'event: conversation.chat.completed\ndata: {"id":"c1","conversation_id":"v1"}\n\n'
            b'event: done\ndata: "[DONE]"\n\n')

    async with AsyncCoze(token=TOKEN, base_url=BASE, plan=None, limiter=limiter, ledger=RecordingLedger()) as coze:
        with respx.mock(base_url=BASE) as api:
            api.post("/v3/chat").mock(return_value=httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body))
            async with coze.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                assert limiter.log == ["acquire", "head"]
                _ = [e async for e in events]
    assert limiter.log == ["acquire", "head", "release"]


async def test_websocket_handshake_is_the_head_and_a_held_slot_waits_for_the_end() -> None:
    from coze_client.testing.fake_realtime import FakeRealtime

    limiter = OrderLimiter()
    async with FakeRealtime(tokens=[TOKEN]) as fake, AsyncCoze(
        token=TOKEN, base_url=fake.base_url, plan=None, limiter=limiter, ledger=RecordingLedger()
    ) as coze:
        async with coze.websockets.audio.speech(hold_slot=True) as speech:
            await speech.receive(timeout=2)
            assert limiter.log == ["acquire", "head"]  # request slots free; the held (concurrency) slot stays
        assert limiter.log == ["acquire", "head", "release"]

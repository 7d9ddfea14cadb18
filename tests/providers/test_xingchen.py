"""Xingchen adapter: wire format, deltas, token checks, limiter/ledger accounting, typed errors, CRUD."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from coze_client._call import CallInfo
from coze_client.errors import (
    AuthenticationError,
    BadRequestError,
    InsufficientBalanceError,
    LimitUnsatisfiableError,
    RateLimitError,
    StreamError,
)
from coze_client.limits.memory import MemoryLimiter
from coze_client.testing import FakeXingchen
from providers import XingchenProvider
from providers._pipeline import estimate_tokens
from providers.xingchen import XingchenResult

from .conftest import FAST_XINGCHEN, XINGCHEN_KEY

BASE = "https://nlp.aliyuncs.com"


def bot(**kw: Any) -> XingchenProvider:
    opts: dict[str, Any] = {"api_key": XINGCHEN_KEY, "character_id": "char_1", "plan": FAST_XINGCHEN,
                            "ledger": "memory://", "max_retries": 0}
    opts.update(kw)
    return XingchenProvider(**opts)


class RecordingLimiter(MemoryLimiter):
    """The real limiter, remembering what it was told (estimates, then actual tokens)."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.calls: list[CallInfo] = []
        self.used: list[int | None] = []

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Any:
        self.calls.append(call)
        permit = await super().acquire(call, max_wait=max_wait)
        outer = self

        class Spy:
            waited = permit.waited

            async def release(self, used_tokens: int | None = None, sent: bool = True) -> None:
                outer.used.append(used_tokens)
                await permit.release(used_tokens=used_tokens, sent=sent)

        return Spy()


async def test_blocking_chat_sends_the_gateway_headers_and_body(fake_xingchen: FakeXingchen) -> None:
    async with bot(user_name="Ann", parameters={"top_p": 0.8}) as b:
        reply = await b.chat("你好")
    rec = fake_xingchen.requests[-1]
    assert rec.path == "/v2/api/chat/send"
    assert rec.headers["x-fag-appcode"] == "aca" and rec.headers["x-fag-servicename"] == "aca-chat-send"
    assert "x-aca-sse" not in rec.headers
    assert rec.json["input"]["aca"]["botProfile"] == {"characterId": "char_1"}
    assert rec.json["input"]["aca"]["userProfile"]["userName"] == "Ann"
    assert rec.json["parameters"]["topP"] == 0.8 and "stream" not in rec.json
    assert reply.text == "Hello from Xingchen" and reply.model == "xingchen-plus"
    assert reply.request_id  # the envelope's requestId


@pytest.mark.parametrize("incremental", [True, False])
async def test_stream_yields_deltas_for_incremental_and_cumulative_output(
    fake_xingchen: FakeXingchen, incremental: bool
) -> None:
    fake_xingchen.replies = ["one two three four"]
    async with bot(incremental_output=incremental) as b, b.stream("count") as s:
        deltas = [d.text async for d in s]
    assert "".join(deltas) == "one two three four"
    assert deltas == ["one", " two", " three", " four"]
    rec = fake_xingchen.requests[-1]
    assert rec.headers["x-aca-sse"] == "enable" and rec.headers["x-fag-servicename"] == "aca-chat-send-sse"
    assert rec.json["parameters"]["incrementalOutput"] is incremental
    assert s.reply is not None and s.reply.usage.output_tokens > 0


async def test_conversation_resends_history(fake_xingchen: FakeXingchen) -> None:
    async with bot() as b:
        conv = await b.new_conversation(user_id="u7")
        await b.chat("first", conversation=conv)
        await b.chat("second", conversation=conv)
    sent = fake_xingchen.requests[-1].json["input"]
    assert [m["content"] for m in sent["messages"]] == ["first", "Hello from Xingchen", "second"]
    assert sent["aca"]["userProfile"]["userId"] == "u7"


async def test_estimate_goes_to_the_limiter_and_is_corrected_by_usage(fake_xingchen: FakeXingchen) -> None:
    limiter = RecordingLimiter(FAST_XINGCHEN)
    async with bot(limiter=limiter) as b:
        reply = await b.chat("hello world, how are you")
    call = limiter.calls[0]
    assert call.groups == ("chat",) and call.model == "xingchen-plus"
    # 24 characters at 3 per token (the pessimistic end of the published rule), plus the output cap sent.
    assert call.est_tokens == 8 + 500 and fake_xingchen.requests[-1].json["parameters"]["maxLength"] == 500
    assert limiter.used == [reply.usage.total_tokens]
    rows = {r.quota: r for r in await b.ledger.snapshot(provider="xingchen")}
    assert rows["free_tokens"].input_tokens == reply.usage.input_tokens
    assert rows["free_tokens"].output_tokens == reply.usage.output_tokens
    assert rows["free_tokens"].used == reply.usage.total_tokens


async def test_model_input_limit_checked_before_sending(router: respx.MockRouter) -> None:
    async with bot(plan=None) as b:
        with pytest.raises(LimitUnsatisfiableError, match="6500"):
            await b.chat("字" * 6600)  # plus: 6.5k input tokens
        with pytest.raises(LimitUnsatisfiableError, match="32000"):
            await b.chat("字" * 29000, model="xingchen-plus-v2", parameters={"maxLength": 4000})
        with pytest.raises(LimitUnsatisfiableError, match="30000"):
            b.stream("字" * 30500, model="xingchen-plus-v2")
    assert not router.calls


async def test_default_tpm_refuses_a_request_that_can_never_fit(fake_xingchen: FakeXingchen) -> None:
    async with bot(plan="xingchen.default") as b:
        with pytest.raises(LimitUnsatisfiableError):
            await b.chat("字" * 1500)  # under 6.5k input, but over TPM 1000
        assert (await b.ledger.snapshot(provider="xingchen"))[0].calls == 0  # the reservation was given back
    assert not fake_xingchen.requests


async def test_default_plan_paces_one_request_per_second(router: respx.MockRouter) -> None:
    fake = FakeXingchen(plan="xingchen.default")  # the fake enforces the same plan, strictly
    fake.install(router)
    async with bot(plan="xingchen.default") as b:
        first, second = await asyncio.gather(b.chat("a"), b.chat("b"))
    assert max(first.meta.limiter_wait, second.meta.limiter_wait) > 0.5  # type: ignore[union-attr]
    assert fake.stats.rejections == 0 and fake.stats.max_over_limit == 0
    assert fake.stats.peaks["qps"] == 1


async def test_bad_key_is_an_authentication_error_without_the_key(fake_xingchen: FakeXingchen) -> None:
    async with bot(api_key="lm-d3JvbmdrZXl3cm9uZ2tleQ==") as b:
        with pytest.raises(AuthenticationError) as info:
            await b.chat("hi")
    assert "apikey is invalid" in str(info.value)
    assert "d3JvbmdrZXl3cm9uZ2tleQ" not in str(info.value) + repr(info.value)


def envelope(status: int, name: str, msg: str = "refused") -> httpx.Response:
    body = {"requestId": "r1", "code": status, "success": False, "errorCode": status, "errorName": name,
            "errorMessage": msg, "httpStatusCode": status, "data": None}
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(("status", "name", "cls"), [
    (429, "Throttling.RateQuota", RateLimitError),
    (429, "Throttling.AllocationQuota", RateLimitError),
    (400, "Arrearage", InsufficientBalanceError),
    (400, "DataInspectionFailed", BadRequestError),
    (200, "InvalidParameter", BadRequestError),
])
async def test_error_envelope_is_typed(router: respx.MockRouter, status: int, name: str, cls: type) -> None:
    router.post(f"{BASE}/v2/api/chat/send").mock(return_value=envelope(status, name))
    async with bot() as b:
        with pytest.raises(cls) as info:
            await b.chat("hi")
    assert info.value.logid == "r1"


async def test_throttling_is_retried(fake_xingchen: FakeXingchen) -> None:
    fake_xingchen.faults.throttle(times=1)
    # The throttled attempt keeps its estimate (input + the 500-token output cap) in the TPM window:
    # a plan with room for both, so the retry does not wait a minute.
    roomy = FAST_XINGCHEN.with_overrides(limits={"tpm": 10_000})
    async with bot(max_retries=2, plan=roomy, max_output_tokens=500) as b:
        reply = await b.chat("hi")
    assert reply.meta is not None and reply.meta.attempts == 2


async def test_stream_error_event_and_truncation(router: respx.MockRouter) -> None:
    err = {"errorCode": 500, "errorName": "InternalError", "errorMessage": "model failed", "success": False}
    ok = {"choices": [{"stopReason": None, "messages": [{"role": "assistant", "content": "par"}]}],
          "usage": {"inputTokens": 3, "outputTokens": 1}}
    route = router.post(f"{BASE}/v2/api/chat/send")
    route.side_effect = [
        httpx.Response(200, headers={"content-type": "text/event-stream"},
                       content=f"data:{json.dumps(ok)}\n\ndata:{json.dumps(err)}\n\n".encode()),
        httpx.Response(200, headers={"content-type": "text/event-stream"},
                       content=f"data:{json.dumps(ok)}\n\n".encode()),
    ]
    async with bot() as b:
        with pytest.raises(StreamError, match="model failed"):
            async with b.stream("hi") as s:
                [d async for d in s]
        with pytest.raises(StreamError, match="truncated"):
            async with b.stream("hi") as s:
                [d async for d in s]
        rows = {r.quota: r for r in await b.ledger.snapshot(provider="xingchen")}
    assert rows["free_tokens"].calls == 2 and rows["free_tokens"].input_tokens == 6  # settled with what arrived


async def test_character_crud_history_reset_rating(router: respx.MockRouter) -> None:
    seen: list[httpx.Request] = []

    def answer(data: Any) -> Any:
        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json={"requestId": "r", "code": 200, "success": True, "data": data})
        return handler

    router.post(f"{BASE}/v2/api/character/create").mock(side_effect=answer({"characterId": "c9", "version": 1}))
    router.post(f"{BASE}/v2/api/character/update").mock(side_effect=answer(True))
    router.get(f"{BASE}/v2/api/character/details").mock(
        side_effect=answer({"characterId": "c9", "name": "Ann", "version": 2, "openingLine": "Hi!"}))
    router.post(f"{BASE}/v2/api/character/delete").mock(side_effect=answer(True))
    router.post(f"{BASE}/v2/api/character/search").mock(
        side_effect=answer({"list": [{"characterId": "c9", "name": "Ann"}], "page": 1, "pageSize": 10, "total": 1}))
    router.post(f"{BASE}/v2/api/chat/message/histories").mock(side_effect=answer(
        {"list": [{"content": "hi", "messageType": "user", "messageId": "m1", "sessionId": "s1"}], "total": 1}))
    router.post(f"{BASE}/v2/api/chat/reset").mock(side_effect=answer(True))
    router.post(f"{BASE}/v2/api/chat/rating").mock(side_effect=answer(True))
    async with bot() as b:
        key = await b.characters.create(name="Ann", basic_information="A guide", opening_line="Hi!")
        assert key.character_id == "c9" and key.version == 1
        updated = await b.characters.update("c9", version=1, traits="kind")
        assert updated.ok and updated and updated.request_id == "r" and updated.logid == "r"
        char = await b.characters.details("c9", version=2)
        assert char.name == "Ann" and char.opening_line == "Hi!"
        deleted = await b.characters.delete("c9", version=2)
        assert isinstance(deleted, XingchenResult) and deleted.ok and deleted.meta is not None
        page = await b.characters.search(name="Ann", scope="public")
        assert page.total == 1 and page.items[0].character_id == "c9"
        history = await b.history(session_id="s1", page_size=50)
        assert history.items[0].message_id == "m1" and history.items[0].message_type == "user"
        reset = await b.reset(user_id="u1")
        assert reset.ok and reset.meta is not None and reset.meta.attempts == 1
        assert (await b.rate("m1", 5)).ok
        with pytest.raises(ValueError):
            await b.rate("m1", 6)
        with pytest.raises(ValueError):
            await b.characters.create(name="x" * 21, basic_information="too long a name")
    services = [r.headers["x-fag-servicename"] for r in seen]
    assert services == ["aca-character-create", "aca-character-update", "aca-character-details",
                        "aca-character-delete", "aca-character-search", "aca-message-history", "aca-chat-reset",
                        "aca-message-rating"]
    assert json.loads(seen[0].content) == {"name": "Ann", "basicInformation": "A guide", "openingLine": "Hi!"}
    assert seen[2].url.params["characterId"] == "c9" and seen[2].url.params["version"] == "2"
    assert seen[3].url.params["characterId"] == "c9" and json.loads(seen[3].content)["characterId"] == "c9"
    assert json.loads(seen[6].content) == {"characterId": "char_1", "userId": "u1"}
    assert all(r.headers["authorization"] == f"Bearer {XINGCHEN_KEY}" for r in seen)


async def test_stream_refused_at_open_is_typed(fake_xingchen: FakeXingchen) -> None:
    async with bot(api_key="lm-d3JvbmdrZXl3cm9uZ2tleQ==") as b:
        stream = b.stream("hi")
        with pytest.raises(AuthenticationError):
            async with stream:
                [d async for d in stream]
        rows = await b.ledger.snapshot(provider="xingchen")
    assert rows[0].calls == 1 and stream.reply is None  # the refused attempt reached the server: counted


async def _drive(clock: Any, work: Any) -> Any:
    task = asyncio.ensure_future(work)
    while not task.done():
        await clock.run(until=clock.now() + 1.0)
    return task.result()


async def test_a_growing_conversation_is_trimmed_to_fit_the_plan(router: respx.MockRouter) -> None:
    """xingchen.default (1000 TPM): a conversation of short turns goes on, oldest turns dropped (issue 13.5)."""
    from coze_client.limits import VirtualClock, get_plan

    clock = VirtualClock()
    answer = "好的，我明白你的意思了，我们继续聊吧。" * 4  # ~76 tokens a reply
    fake = FakeXingchen(replies=[answer], keys=[XINGCHEN_KEY], plan="xingchen.default", clock=clock.now)
    fake.install(router)
    limiter = RecordingLimiter(get_plan("xingchen.default"), clock=clock)
    b = bot(plan="xingchen.default", limiter=limiter)
    conv = await b.new_conversation(user_id="u1")

    async def talk() -> None:
        for i in range(12):
            await b.chat(f"第{i}个问题：请再多告诉我一些细节。", conversation=conv)

    await _drive(clock, talk())
    await b.aclose()
    assert len(conv.history) == 24 and fake.stats.rejections == 0
    bodies = [r.json for r in fake.requests if r.path == "/v2/api/chat/send"]
    assert len(bodies) == 12
    for call, body in zip(limiter.calls, bodies, strict=True):
        cap = body["parameters"]["maxLength"]
        assert isinstance(cap, int) and cap > 0  # the output cap the estimate counts is sent
        assert call.est_tokens <= 1000  # input + output cap: an upper bound the plan can admit
        sent = [m["content"] for m in body["input"]["messages"]]
        assert call.est_tokens >= estimate_tokens(*sent) + cap
    last = bodies[-1]["input"]["messages"]
    assert last[-1]["content"].startswith("第11个问题") and last[0]["role"] == "user"
    assert len(last) < 23  # the oldest turns were dropped
    # The turns kept are the newest ones, in order.
    assert [m["content"] for m in last] == [m.content for m in conv.history[-len(last) - 1 : -1]]


async def test_history_budget_and_output_cap_are_configurable(fake_xingchen: FakeXingchen) -> None:
    limiter = RecordingLimiter(FAST_XINGCHEN)
    async with bot(limiter=limiter, history_budget=40, max_output_tokens=100) as b:
        conv = await b.new_conversation()
        for i in range(4):
            await b.chat(f"问题{i}：" + "字" * 10, conversation=conv)
    body = fake_xingchen.requests[-1].json
    assert body["parameters"]["maxLength"] == 100
    assert limiter.calls[-1].est_tokens <= 40 + 100
    assert body["input"]["messages"][-1]["content"].startswith("问题3")
    with pytest.raises(ValueError):
        bot(history_budget=0)


async def test_only_a_newest_turn_that_cannot_fit_alone_is_refused(fake_xingchen: FakeXingchen) -> None:
    async with bot(plan="xingchen.default") as b:
        conv = await b.new_conversation()
        await b.chat("你好", conversation=conv)
        with pytest.raises(LimitUnsatisfiableError, match="newest turn"):
            await b.chat("字" * 700, conversation=conv)  # 700 input + the output cap > 1000 TPM
    assert len(fake_xingchen.requests) == 1

"""GPTBots adapter: regions, conversations, blocking and line-delimited streams, credits, typed errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from coze_client.errors import (
    AuthenticationError,
    BadRequestError,
    InsufficientBalanceError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    ValidationError,
)
from coze_client.testing import FakeGPTBots
from providers import GPTBotsProvider, open
from providers.gptbots import GPTBotsCredits, GPTBotsMessages

from .conftest import GPTBOTS_KEY

BASE = "https://api-sg.gptbots.ai"


def bot(**kw: Any) -> GPTBotsProvider:
    opts: dict[str, Any] = {"api_key": GPTBOTS_KEY, "ledger": "memory://", "max_retries": 0}
    opts.update(kw)
    return GPTBotsProvider(**opts)


def test_regions_pick_the_base_url() -> None:
    assert bot().base_url == "https://api-sg.gptbots.ai"
    assert bot(region="th").base_url == "https://api-th.gptbots.ai"
    assert bot(region="jp").base_url == "https://api-jp.gptbots.ai"
    assert bot(base_url="https://api.gptbots.ai/").base_url == "https://api.gptbots.ai"
    with pytest.raises(ValidationError, match="region"):
        bot(region="mars")
    with pytest.raises(ValidationError, match="32"):
        bot(user_id="u" * 33)


async def test_blocking_chat_records_credits_in_the_ledger(fake_gptbots: FakeGPTBots) -> None:
    async with bot(model="gpt-4o-mini-128k") as b:
        conv = await b.new_conversation(user_id="u1", conversation_config={"long_term_memory": True})
        reply = await b.chat("hello", conversation=conv)
        rows = await b.ledger.snapshot(provider="gptbots")
    assert conv.id and reply.conversation_id == conv.id and reply.message_id
    sent = fake_gptbots.requests[-1]
    assert sent.path == "/v2/conversation/message"
    assert sent.json["response_mode"] == "blocking" and sent.json["conversation_id"] == conv.id
    assert sent.json["messages"] == [{"role": "user", "content": "hello"}]
    assert sent.json["conversation_config"] == {"long_term_memory": True}
    assert fake_gptbots.requests[0].json == {"user_id": "u1"}
    assert reply.usage.credits > 0
    usage = next(r for r in rows if r.quota == "usage")
    assert usage.credits == pytest.approx(reply.usage.credits)
    assert usage.input_tokens == reply.usage.input_tokens and usage.output_tokens == reply.usage.output_tokens


async def test_one_off_chat_creates_its_conversation(fake_gptbots: FakeGPTBots) -> None:
    async with bot() as b:
        reply = await b.chat("hi")
    assert [r.path for r in fake_gptbots.requests] == ["/v1/conversation", "/v2/conversation/message"]
    assert reply.conversation_id in fake_gptbots.conversations


@pytest.mark.parametrize("prefix", [True, False])
async def test_stream_lines_with_or_without_data_prefix(fake_gptbots: FakeGPTBots, prefix: bool) -> None:
    fake_gptbots.stream_prefix = prefix
    fake_gptbots.replies = ["alpha beta gamma"]
    async with bot(model="gpt-4o-mini-128k") as b:
        conv = await b.new_conversation()
        async with b.stream("go", conversation=conv) as s:
            deltas = [d.text async for d in s]
    assert deltas == ["alpha", " beta", " gamma"]
    reply = s.reply
    assert reply is not None and reply.text == "alpha beta gamma" and reply.message_id
    assert reply.usage.input_tokens > 0 and reply.usage.output_tokens > 0
    assert reply.usage.credits == 0  # the Cost event carries tokens only...
    assert reply.cost.currency == "credits" and reply.cost.amount > 0  # ...so credits are estimated from the table
    assert fake_gptbots.requests[-1].json["response_mode"] == "streaming"


async def test_flow_output_events_become_deltas(router: respx.MockRouter) -> None:
    lines = [
        {"code": 11, "message": "MessageInfo", "data": {"message_id": "m1"}},
        {"code": 10, "message": "FlowOutput", "data": [{"content": "branch one", "branch": "1"}]},
        {"code": 10, "message": "FlowOutput", "data": [{"content": " and two", "branch": "2"}]},
        {"code": 4, "message": "Cost", "data": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}},
        {"code": 0, "message": "End", "data": None},
    ]
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    router.post(f"{BASE}/v2/conversation/message").mock(
        return_value=httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    async with bot() as b:
        async with b.stream("go", conversation_id="c1") as s:
            deltas = [d.text async for d in s]
        rows = await b.ledger.snapshot(provider="gptbots")
    assert deltas == ["branch one", " and two"]
    assert s.reply is not None and s.reply.message_id == "m1" and s.reply.usage.total_tokens == 9
    assert rows[0].input_tokens == 5 and rows[0].output_tokens == 4  # the ledger got the stream's usage


async def test_stream_without_end_is_truncated(fake_gptbots: FakeGPTBots) -> None:
    async with bot() as b:
        conv = await b.new_conversation()
        fake_gptbots.faults.truncate(after_chunks=2, path="/v2/conversation/message")
        with pytest.raises(StreamError, match="truncated"):
            async with b.stream("hello there friend", conversation=conv) as s:
                [d async for d in s]


def err(code: int, status: int = 400, message: str = "refused") -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message})


@pytest.mark.parametrize(("response", "cls"), [
    (err(20022), InsufficientBalanceError),
    (err(40127, 401), AuthenticationError),
    (err(40356), NotFoundError),
    (err(40000), BadRequestError),
    (err(20040), BadRequestError),
    (err(20055, 403), PermissionDeniedError),
    (err(50000, 500), ServerError),
    (err(429, 429), RateLimitError),
    (err(20022, 200), InsufficientBalanceError),  # an error code under HTTP 200 is still an error
])
async def test_error_codes_are_typed(router: respx.MockRouter, response: httpx.Response, cls: type) -> None:
    router.post(f"{BASE}/v2/conversation/message").mock(return_value=response)
    async with bot() as b:
        with pytest.raises(cls) as info:
            await b.chat("hi", conversation_id="c1")
    assert info.value.code == response.json()["code"]


async def test_fake_errors_bad_key_and_unknown_conversation(fake_gptbots: FakeGPTBots) -> None:
    async with bot(api_key="app-wrongwrongwrong12") as b:
        with pytest.raises(AuthenticationError) as info:
            await b.new_conversation()
    assert "app-wrongwrongwrong12" not in str(info.value)
    async with bot() as b:
        with pytest.raises(NotFoundError):
            await b.chat("hi", conversation_id="nope")


async def test_error_inside_a_stream_is_typed(router: respx.MockRouter) -> None:
    body = b'data: {"code": 11, "message": "MessageInfo", "data": {"message_id": "m"}}\n\n' \
           b'data: {"code": 20022, "message": "insufficient credits"}\n\n'
    router.post(f"{BASE}/v2/conversation/message").mock(
        return_value=httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    async with bot() as b:
        with pytest.raises(InsufficientBalanceError):
            async with b.stream("hi", conversation_id="c1") as s:
                [d async for d in s]


async def test_throttling_is_retried_and_paced(fake_gptbots: FakeGPTBots) -> None:
    fake_gptbots.faults.throttle(times=1, path="/v2/conversation/message", retry_after=0)
    async with bot(max_retries=2) as b:
        reply = await b.chat("hi")
    assert reply.meta is not None and reply.meta.attempts == 2


async def test_messages_and_credit_endpoints(router: respx.MockRouter) -> None:
    msgs = router.get(f"{BASE}/v2/messages").mock(return_value=httpx.Response(
        200, json={"total": 1, "conversation_content": [{"message_id": "m1", "role": "user"}]}))
    total = router.get(f"{BASE}/v1/account/bill/total").mock(return_value=httpx.Response(
        200, json={"total": 12.5, "chat": 10.0, "asr": 0}))
    daily = router.get(f"{BASE}/v1/account/bill/page").mock(return_value=httpx.Response(200, json={"list": []}))
    per_conv = router.get(f"{BASE}/v1/account/agent/conversation/credits").mock(
        return_value=httpx.Response(200, json=[{"conversation_id": "c1", "credit": 1.5}]))
    per_run = router.get(f"{BASE}/v1/account/workflow/run/credits").mock(return_value=httpx.Response(200, json=[]))
    async with bot() as b:
        page = await b.messages("c1", page=2, page_size=50)
        assert isinstance(page, GPTBotsMessages) and page.total == 1
        assert page.conversation_content[0].message_id == "m1" and page.conversation_content[0].role == "user"
        assert page.meta is not None and page.meta.status_code == 200 and page.meta.attempts == 1
        credits = await b.credits_total(start_time=1_700_000_000_000, end_time=1_700_086_400_000)
        assert isinstance(credits, GPTBotsCredits) and credits.chat == 10.0 and credits.total == 12.5
        assert credits.asr == 0 and credits.meta is not None
        day_rows = await b.credits_daily(start_time=1, end_time=2)
        assert day_rows.items == [] and day_rows.meta is not None
        conv_rows = await b.conversation_credits()
        assert conv_rows[0]["credit"] == 1.5 and conv_rows.meta is not None
        assert await b.workflow_credits() == []
        with pytest.raises(ValidationError):
            await b.credits_total(start_time=0, end_time=366 * 86_400_000)
        with pytest.raises(ValidationError):
            await b.messages("c1", page_size=101)
    assert msgs.calls.last.request.url.params["page_size"] == "50"
    assert total.calls.last.request.url.params["start_time"] == "1700000000000"
    assert daily.called and per_conv.called and per_run.called
    assert msgs.calls.last.request.headers["authorization"] == f"Bearer {GPTBOTS_KEY}"


async def test_plan_is_about_100_requests_a_minute(fake_gptbots: FakeGPTBots) -> None:
    async with open("gptbots", api_key=GPTBOTS_KEY, ledger="memory://") as b:
        assert b.pipeline.plan is not None and b.pipeline.plan.limit("chat_rpm").limit == 100
        with pytest.raises(ValidationError):
            await b.chat("hi", conversation_config={"x": 1}, bogus=True)


async def test_stream_labelled_application_json_is_still_a_stream() -> None:
    """GPTBots may label its JSON-lines stream application/json; it must not be read as an error body."""
    import httpx
    import respx

    import providers

    lines = (b'{"code":11,"data":{"message_id":"m1"}}\n{"code":3,"data":"Hel"}\ndata: {"code":3,"data":"lo"}\n'
             b'{"code":0,"message":"end"}\n')
    with respx.mock(assert_all_called=False) as api:
        api.route(url__regex=r".*/v1/conversation$").mock(return_value=httpx.Response(
            200, json={"conversation_id": "c1"}))
        api.route(url__regex=r".*/v2/conversation/message$").mock(return_value=httpx.Response(
            200, headers={"content-type": "application/json"}, content=lines))
        async with providers.open("gptbots", api_key="app-0123456789abcdefgh", ledger="memory://") as bot:
            deltas = []
            async with bot.stream(["hi"]) as stream:
                async for delta in stream:
                    deltas.append(delta.text)
    assert "".join(deltas) == "Hello"


async def test_conversation_creation_is_paced_in_the_per_bot_window(router: respx.MockRouter) -> None:
    """1 creation + 100 chats in a burst: the server's 100-a-minute window never sees 101 (issue 13.4)."""
    from coze_client.limits import Limit, MemoryLimiter, VirtualClock, get_plan

    clock = VirtualClock()
    # The server's truth: conversation-type endpoints, about 100 requests a minute per bot.
    server_window = Limit(name="per_bot", group="conversation", limit=100, window=60.0)
    fake = FakeGPTBots(replies=["ok"], keys=[GPTBOTS_KEY], limits=[server_window], clock=clock.now)
    fake.install(router)
    limiter = MemoryLimiter(get_plan("gptbots.default"), clock=clock)

    async def burst() -> list[str]:
        async with bot(limiter=limiter) as b:
            conv = await b.new_conversation()
            replies = await asyncio.gather(*(b.chat("hi", conversation=conv) for _ in range(100)))
        return [r.text for r in replies]

    task = asyncio.ensure_future(burst())
    while not task.done():
        await clock.run(until=clock.now() + 1.0)
    assert task.result() == ["ok"] * 100
    assert fake.stats.rejections == 0
    assert fake.stats.peaks["per_bot"] <= 100
    assert clock.now() >= 60.0  # the 101st request waited for the window

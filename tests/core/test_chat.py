"""Chat v3 over respx: what is sent, what is parsed, streams and polling."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from coze_client import AsyncCoze, EnterMessage, errors

from .doubles import RecordingLedger, RecordingLimiter

CHAT = {"id": "c1", "conversation_id": "v1", "bot_id": "b", "status": "in_progress"}


def env(data: object, **extra: object) -> dict[str, object]:
    return {"code": 0, "msg": "", "data": data, "detail": {"logid": "L"}, **extra}


def sse(*events: tuple[str, object], space: bool = True) -> bytes:
    sep = ": " if space else ":"
    out = []
    for name, data in events:
        payload = data if isinstance(data, str) else json.dumps(data)
        out.append(f"event{sep}{name}\ndata{sep}{payload}\n\n")
    return "".join(out).encode()


def stream_response(body: bytes, chunk: int = 7) -> httpx.Response:
    async def gen():  # type: ignore[no-untyped-def]
        for i in range(0, len(body), chunk):
            yield body[i : i + chunk]

    return httpx.Response(200, headers={"content-type": "text/event-stream", "x-tt-logid": "S"}, content=gen())


async def test_create_sends_every_documented_field(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    chat = await coze.chat.create(
        bot_id="b", user_id="u", conversation_id="v1",
        additional_messages=["hi", {"role": "assistant", "content": "yo", "type": "answer"},
                             EnterMessage.user_text("x", meta_data={"k": "v"})],
        custom_variables={"name": "A"}, meta_data={"m": "1"}, extra_params={"latitude": "1", "longitude": "2"},
        parameters={"p": 1}, shortcut_command={"command_id": "7", "parameters": {}}, enable_card=True,
        publish_status="published_online", bot_version="3",
    )
    request = route.calls[0].request
    assert request.url.params["conversation_id"] == "v1"
    body = json.loads(request.content)
    assert body["bot_id"] == "b" and body["stream"] is False and body["auto_save_history"] is True
    assert body["additional_messages"][0] == {"role": "user", "type": "question", "content": "hi",
                                              "content_type": "text"}
    assert body["additional_messages"][2]["meta_data"] == {"k": "v"}
    for key in ("custom_variables", "meta_data", "extra_params", "parameters", "shortcut_command", "enable_card",
                "publish_status", "bot_version"):
        assert key in body
    assert request.headers["authorization"].startswith("Bearer pat_")
    assert chat.id == "c1" and chat.status == "in_progress" and chat.logid == "L"


async def test_create_omits_unset_options(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    await coze.chat.create(bot_id="b", user_id="u")
    body = json.loads(route.calls[0].request.content)
    assert set(body) == {"bot_id", "user_id", "stream", "auto_save_history"}
    assert "conversation_id" not in route.calls[0].request.url.params


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bot_id": "", "user_id": "u"},
        {"bot_id": "b", "user_id": None},
        {"bot_id": "b", "user_id": "u", "auto_save_history": False},
        {"bot_id": "b", "user_id": "u", "additional_messages": [{"role": "robot", "content": "x"}]},
        {"bot_id": "b", "user_id": "u", "additional_messages": ["x"] * 101},
        {"bot_id": "b", "user_id": "u", "meta_data": {f"k{i}": "v" for i in range(17)}},
        {"bot_id": "b", "user_id": "u", "meta_data": {"k": "v" * 513}},
        {"bot_id": "b", "user_id": "u", "publish_status": "unpublished_draft", "bot_version": "1"},
    ],
)
async def test_bad_input_is_refused_before_sending(coze: AsyncCoze, api: respx.MockRouter,
                                                   ledger: RecordingLedger, kwargs: dict[str, object]) -> None:
    route = api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    with pytest.raises(errors.ValidationError):
        await coze.chat.create(**kwargs)  # type: ignore[arg-type]
    assert route.call_count == 0 and ledger.reserved == []


async def test_oversized_body_refused_before_sending(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    with pytest.raises(errors.RequestTooLargeError):
        await coze.chat.create(bot_id="b", user_id="u", additional_messages=["x" * (15 * 1024 * 1024)])
    assert route.call_count == 0


async def test_retrieve_is_a_get(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(200, json=env({**CHAT,
                                                                                          "status": "completed"})))
    chat = await coze.chat.retrieve(conversation_id="v1", chat_id="c1")
    assert route.calls[0].request.url.params == httpx.QueryParams({"conversation_id": "v1", "chat_id": "c1"})
    assert chat.is_final


async def test_messages_list(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v3/chat/message/list").mock(return_value=httpx.Response(200, json=env([
        {"id": "m1", "role": "assistant", "type": "answer", "content": "hello", "content_type": "text"},
        {"id": "m2", "role": "assistant", "type": "verbose", "content": '{"msg_type":"generate_answer_finish"}'},
    ])))
    msgs = await coze.chat.messages.list(conversation_id="v1", chat_id="c1")
    assert [m.id for m in msgs] == ["m1", "m2"] and msgs.logid == "L"


async def test_submit_tool_outputs_and_cancel(coze: AsyncCoze, api: respx.MockRouter) -> None:
    submit = api.post("/v3/chat/submit_tool_outputs").mock(return_value=httpx.Response(200, json=env(CHAT)))
    cancel = api.post("/v3/chat/cancel").mock(return_value=httpx.Response(200, json=env({**CHAT,
                                                                                         "status": "canceled"})))
    await coze.chat.submit_tool_outputs(conversation_id="v1", chat_id="c1",
                                        tool_outputs=[{"tool_call_id": "t1", "output": "22C"}])
    body = json.loads(submit.calls[0].request.content)
    assert body == {"tool_outputs": [{"tool_call_id": "t1", "output": "22C"}], "stream": False}
    assert submit.calls[0].request.url.params["chat_id"] == "c1"
    chat = await coze.chat.cancel(conversation_id="v1", chat_id="c1")
    assert json.loads(cancel.calls[0].request.content) == {"conversation_id": "v1", "chat_id": "c1"}
    assert chat.status == "canceled"
    with pytest.raises(errors.ValidationError):
        await coze.chat.submit_tool_outputs(conversation_id="v1", chat_id="c1", tool_outputs=[{"output": "x"}])


STREAM = [
    ("conversation.chat.created", {**CHAT, "status": "created"}),
    ("conversation.chat.in_progress", CHAT),
    ("conversation.message.delta", {"id": "m", "role": "assistant", "type": "answer", "content": "Hel"}),
    ("conversation.message.delta", {"id": "m", "role": "assistant", "type": "answer", "content": "lo"}),
    ("conversation.message.completed", {"id": "m", "role": "assistant", "type": "answer", "content": "Hello"}),
    ("conversation.chat.completed", {**CHAT, "status": "completed",
                                     "usage": {"token_count": 30, "input_count": 20, "output_count": 10}}),
    ("done", '"[DONE]"'),
]


@pytest.mark.parametrize("space", [True, False])
async def test_stream_events_and_usage(coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger,
                                       limiter: RecordingLimiter, space: bool) -> None:
    route = api.post("/v3/chat").mock(return_value=stream_response(sse(*STREAM, space=space)))
    async with coze.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
        got = [e async for e in events]
    assert json.loads(route.calls[0].request.content)["stream"] is True
    assert [e.event for e in got] == [name for name, _ in STREAM[:-1]]
    text = "".join(e.message.content for e in got if e.event == "conversation.message.delta" and e.message)
    assert text == "Hello" and events.logid == "S"
    # usage settled once, when the stream closed, with the completed chat's tokens
    assert len(ledger.settled) == 1 and ledger.settled[0][1] is not None
    assert ledger.settled[0][1].input_tokens == 20 and ledger.settled[0][1].output_tokens == 10
    assert limiter.permits[0].released == [(30, True)]


async def test_stream_without_context_manager(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(sse(*STREAM)))
    names = [e.event async for e in coze.chat.stream(bot_id="b", user_id="u")]
    assert names[-1] == "conversation.chat.completed"


async def test_breaking_early_closes_the_connection(coze: AsyncCoze, api: respx.MockRouter,
                                                    ledger: RecordingLedger) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(sse(*STREAM)))
    async with coze.chat.stream(bot_id="b", user_id="u") as events:
        async for _event in events:
            break
    assert events.response is not None and events.response.is_closed
    assert len(ledger.settled) == 1  # still counted: it reached the server


async def test_stream_error_event_is_typed(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(sse(STREAM[0], ("error", {"code": 4000, "msg": "bad"}))))
    with pytest.raises(errors.StreamError) as info:
        async with coze.chat.stream(bot_id="b", user_id="u") as events:
            async for _ in events:
                pass
    assert info.value.code == 4000 and info.value.msg == "bad" and info.value.logid == "S"


async def test_failed_chat_is_yielded_and_can_be_raised(coze: AsyncCoze, api: respx.MockRouter) -> None:
    failed = {**CHAT, "status": "failed", "last_error": {"code": 5000, "msg": "event interval error"}}
    api.post("/v3/chat").mock(return_value=stream_response(sse(("conversation.chat.failed", failed), STREAM[-1])))
    events = [e async for e in coze.chat.stream(bot_id="b", user_id="u")]
    assert events[0].is_failed and events[0].chat is not None and events[0].chat.last_error is not None
    with pytest.raises(errors.StreamError) as info:
        events[0].raise_for_failure()
    assert info.value.code == 5000


async def test_unknown_events_are_kept(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(sse(("brand.new.event", {"x": 1}), STREAM[-1])))
    events = [e async for e in coze.chat.stream(bot_id="b", user_id="u")]
    assert events[0].event == "brand.new.event" and events[0].data == {"x": 1}


async def test_truncated_stream_raises(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(sse(*STREAM[:3])))
    with pytest.raises(errors.StreamError, match="truncated"):
        async for _ in coze.chat.stream(bot_id="b", user_id="u"):
            pass


async def test_malformed_event_data_raises(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=stream_response(b"event: conversation.chat.created\ndata: {nope\n\n"))
    with pytest.raises(errors.StreamError, match="malformed"):
        async for _ in coze.chat.stream(bot_id="b", user_id="u"):
            pass


async def test_json_error_instead_of_stream(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=httpx.Response(200, json={"code": 4015, "msg": "not published"}))
    with pytest.raises(errors.BadRequestError) as info:
        async with coze.chat.stream(bot_id="b", user_id="u"):
            pass
    assert info.value.code == 4015


async def test_connection_reset_mid_stream_is_a_stream_error(coze: AsyncCoze, api: respx.MockRouter) -> None:
    async def broken():  # type: ignore[no-untyped-def]
        yield sse(STREAM[0])
        raise httpx.RemoteProtocolError("peer closed connection")

    api.post("/v3/chat").mock(return_value=httpx.Response(200, headers={"content-type": "text/event-stream"},
                                                          content=broken()))
    with pytest.raises(errors.StreamError, match="broke"):
        async for _ in coze.chat.stream(bot_id="b", user_id="u"):
            pass


async def test_create_and_poll(coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    import coze_client.resources.chat as chat_module

    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(chat_module.asyncio, "sleep", fake_sleep)
    api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    done = {**CHAT, "status": "completed", "usage": {"token_count": 3, "input_count": 1, "output_count": 2}}
    retrieve = api.get("/v3/chat/retrieve").mock(side_effect=[httpx.Response(200, json=env(CHAT)),
                                                              httpx.Response(200, json=env(done))])
    api.get("/v3/chat/message/list").mock(return_value=httpx.Response(200, json=env([
        {"id": "m1", "role": "assistant", "type": "answer", "content": "hi"}])))
    result = await coze.chat.create_and_poll(bot_id="b", user_id="u", additional_messages=["hi"])
    assert result.chat.status == "completed" and result.messages[0].content == "hi"
    assert retrieve.call_count == 2 and slept == [1.0, 1.0]
    usages = [u for _, u in ledger.settled if u is not None]
    assert len(usages) == 1 and usages[0].output_tokens == 2
    with pytest.raises(errors.ValidationError):
        await coze.chat.create_and_poll(bot_id="b", user_id="u", poll_interval=0.1)


async def test_create_and_poll_cancels_on_timeout(coze: AsyncCoze, api: respx.MockRouter,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import coze_client.resources.chat as chat_module

    async def no_sleep(seconds: float) -> None:
        pass

    monkeypatch.setattr(chat_module.asyncio, "sleep", no_sleep)
    api.post("/v3/chat").mock(return_value=httpx.Response(200, json=env(CHAT)))
    api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(200, json=env(CHAT)))
    cancel = api.post("/v3/chat/cancel").mock(return_value=httpx.Response(200, json=env({**CHAT,
                                                                                         "status": "canceled"})))
    api.get("/v3/chat/message/list").mock(return_value=httpx.Response(200, json=env([])))
    result = await coze.chat.create_and_poll(bot_id="b", user_id="u", poll_timeout=0)
    assert cancel.call_count == 1 and result.chat.status == "canceled"


async def test_event_with_wrong_shape_is_a_stream_error(coze: AsyncCoze, api: respx.MockRouter) -> None:
    # A null is read as the default (lenient responses); a value of another type is still an error.
    bad = sse(("conversation.message.delta", {"id": "m", "content": {"not": "text"}}), STREAM[-1])
    api.post("/v3/chat").mock(return_value=stream_response(bad))
    with pytest.raises(errors.StreamError, match="unexpected"):
        async for _ in coze.chat.stream(bot_id="b", user_id="u"):
            pass


async def test_response_of_the_wrong_shape_is_a_typed_error(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(200, json=env({"id": ["not", "a", "string"]})))
    with pytest.raises(errors.APIError, match="unexpected response shape"):
        await coze.chat.retrieve(conversation_id="v1", chat_id="c1")

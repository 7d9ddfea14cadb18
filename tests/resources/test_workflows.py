"""Workflows over respx: run, stream, resume, histories, chatflow, list, retrieve, versions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors
from coze_client.resources.workflows import WorkflowStream

from ..core.doubles import RecordingLedger, RecordingLimiter
from .helpers import body_of, chunked, ok, query_of, top, wf_sse

RUN_BODY = {
    "code": 0, "msg": "", "data": '{"answer": "sunny", "n": 3}', "execute_id": "e1",
    "debug_url": "https://www.coze.cn/work_flow?execute_id=e1", "usage": {"input_count": 5, "output_count": 7,
                                                                         "token_count": 12},
    "detail": {"logid": "L"},
}


async def test_run_sends_every_documented_field_and_decodes_data(
    coze: AsyncCoze, api: respx.MockRouter, limiter: RecordingLimiter, ledger: RecordingLedger,
) -> None:
    route = api.post("/v1/workflow/run").mock(return_value=httpx.Response(200, json=RUN_BODY))
    result = await coze.workflows.runs.create(
        workflow_id="w1", parameters={"city": "Beijing"}, bot_id="b1", ext={"user_id": "u9"},
        workflow_version="v0.0.3", connector_id="1024",
    )
    assert body_of(route) == {"workflow_id": "w1", "parameters": {"city": "Beijing"}, "bot_id": "b1",
                              "ext": {"user_id": "u9"}, "workflow_version": "v0.0.3", "connector_id": "1024"}
    assert result.data == {"answer": "sunny", "n": 3}
    assert result.raw_data == '{"answer": "sunny", "n": 3}'
    assert result.execute_id == "e1" and (result.debug_url or "").endswith("execute_id=e1")
    assert result.usage is not None and result.usage.token_count == 12
    assert result.logid == "L"
    # Limits: workflow QPS group and model RPM; usage settled to the ledger.
    assert limiter.acquired[-1].groups == ("workflow", "model")
    usage = ledger.settled[-1][1]
    assert usage is not None and (usage.input_tokens, usage.output_tokens) == (5, 7)
    # Default timeout: just past the server's 90 s cut-off.
    assert route.calls[0].request.extensions["timeout"]["read"] == pytest.approx(100.0)


async def test_run_keeps_non_json_data_and_parses_interrupt(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v1/workflow/run").mock(return_value=top(data="plain words"))
    plain = await coze.workflows.runs.create(workflow_id="w1")
    assert plain.data == "plain words" and plain.raw_data == "plain words"
    assert not plain.is_interrupted

    interrupt = {"event_id": "e1/9", "type": 2, "data": '{"content": "Which city?"}'}
    api.post("/v1/workflow/run").mock(return_value=top(data="", interrupt_data=interrupt))
    paused = await coze.workflows.runs.create(workflow_id="w1")
    assert paused.is_interrupted and paused.interrupt_data is not None
    assert (paused.interrupt_data.event_id, paused.interrupt_data.type) == ("e1/9", 2)


async def test_run_async_flag_and_explicit_timeout(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/workflow/run").mock(return_value=top(execute_id="e2", data=""))
    result = await coze.workflows.runs.create(workflow_id="w1", app_id="a1", is_async=True, timeout=5)
    assert body_of(route) == {"workflow_id": "w1", "app_id": "a1", "is_async": True}
    assert result.execute_id == "e2"
    assert route.calls[0].request.extensions["timeout"]["read"] == pytest.approx(5.0)
    await coze.workflows.runs.create(workflow_id="w1")
    assert "is_async" not in body_of(route)


async def test_run_rejects_bad_input_before_sending(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/workflow/run").mock(return_value=top(data=""))
    with pytest.raises(errors.ValidationError, match="bot_id and app_id"):
        await coze.workflows.runs.create(workflow_id="w1", bot_id="b", app_id="a")
    with pytest.raises(errors.ValidationError):
        await coze.workflows.runs.create(workflow_id="")
    with pytest.raises(errors.ValidationError, match="ext"):
        await coze.workflows.runs.create(workflow_id="w1", ext={"lat": 1.5})  # type: ignore[dict-item]
    assert route.call_count == 0


async def test_run_is_not_retried_after_a_server_error(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/workflow/run").mock(return_value=httpx.Response(502, text="bad gateway"))
    with pytest.raises(errors.APIError):
        await coze.workflows.runs.create(workflow_id="w1")
    assert route.call_count == 1


async def test_workflow_body_cap_is_20_mb(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/workflow/run").mock(return_value=top(data=""))
    await coze.workflows.runs.create(workflow_id="w1", parameters={"blob": "x" * (16 * 1024 * 1024)})
    assert route.call_count == 1  # over the 15 MB general cap, under the 20 MB workflow cap
    with pytest.raises(errors.RequestTooLargeError):
        await coze.workflows.runs.create(workflow_id="w1", parameters={"blob": "x" * (20 * 1024 * 1024)})
    assert route.call_count == 1


STREAM = wf_sse(
    (0, "Message", {"content": "Hel", "node_title": "LLM", "node_seq_id": "0", "node_is_finish": False}),
    (1, "PING", {"content": "{}"}),
    (2, "Message", {"content": "lo", "node_title": "End", "node_seq_id": "0", "node_is_finish": True,
                    "usage": {"input_count": 3, "output_count": 4, "token_count": 7}, "node_execute_uuid": "n1"}),
    (3, "Done", {"debug_url": "https://www.coze.cn/work_flow?execute_id=e5"}),
)


async def test_stream_types_every_event_and_keeps_debug_url(
    coze: AsyncCoze, api: respx.MockRouter, limiter: RecordingLimiter, ledger: RecordingLedger,
) -> None:
    route = api.post("/v1/workflow/stream_run").mock(return_value=chunked(STREAM))
    async with coze.workflows.runs.stream(workflow_id="w1", parameters={"q": "hi"}, app_id="a1",
                                          workflow_version="v1", connector_id="1024") as events:
        got = [event async for event in events]
    assert body_of(route) == {"workflow_id": "w1", "parameters": {"q": "hi"}, "app_id": "a1",
                              "workflow_version": "v1", "connector_id": "1024"}
    assert [e.event for e in got] == ["Message", "PING", "Message", "Done"]
    assert [e.id for e in got] == [0, 1, 2, 3]
    assert got[0].message is not None and got[0].message.content == "Hel"
    assert got[1].is_ping and got[1].type.value == "PING" and got[1].data == {"content": "{}"}
    assert got[2].message is not None and got[2].message.node_is_finish and got[2].message.node_execute_uuid == "n1"
    assert got[3].debug_url == "https://www.coze.cn/work_flow?execute_id=e5"
    assert events.debug_url == got[3].debug_url and events.ended
    assert not any(e.gap for e in got) and events.gaps == []
    assert events.logid == "S"
    assert limiter.acquired[-1].groups == ("workflow", "model")
    usage = ledger.settled[-1][1]
    assert usage is not None and (usage.input_tokens, usage.output_tokens) == (3, 4)


async def test_stream_reports_an_id_gap(coze: AsyncCoze, api: respx.MockRouter,
                                        caplog: pytest.LogCaptureFixture) -> None:
    body = wf_sse((0, "Message", {"content": "a"}), (1, "Message", {"content": "b"}),
                  (4, "Message", {"content": "c"}), (5, "Done", {}))
    api.post("/v1/workflow/stream_run").mock(return_value=chunked(body))
    with caplog.at_level("WARNING", logger="coze_client"):
        async with coze.workflows.runs.stream(workflow_id="w1") as events:
            got = await events.collect()
    assert [e.gap for e in got] == [False, False, True, False]
    assert got[2].expected_id == 2
    assert events.gaps == [(2, 4)]
    assert "event id 4 arrived where 2 was due" in caplog.text
    assert events.debug_url is None  # Done without data


async def test_stream_unknown_event_kept_and_error_event_ends_cleanly(coze: AsyncCoze, api: respx.MockRouter) -> None:
    body = wf_sse((0, "Message", {"content": "a"}), (1, "Future", {"x": 1}),
                  (2, "Error", {"error_code": 4000, "error_message": "Request parameter error"}))
    api.post("/v1/workflow/stream_run").mock(return_value=chunked(body))
    async with coze.workflows.runs.stream(workflow_id="w1") as events:
        got = await events.collect()
    assert [e.event for e in got] == ["Message", "Future", "Error"]
    assert got[1].type.value == "unknown" and got[1].data == {"x": 1}
    assert got[2].error is not None and got[2].error.error_code == 4000
    assert events.error is not None and events.error.error_message == "Request parameter error"
    with pytest.raises(errors.StreamError, match="Request parameter error") as info:
        got[2].raise_for_error()
    assert info.value.code == 4000


async def test_stream_interrupt_then_resume(coze: AsyncCoze, api: respx.MockRouter) -> None:
    first = wf_sse((0, "Interrupt", {"interrupt_data": {"event_id": "e7/1", "type": 2, "data": "Which city?"},
                                     "node_title": "Question"}))
    api.post("/v1/workflow/stream_run").mock(return_value=chunked(first))
    async with coze.workflows.runs.stream(workflow_id="w1") as events:
        got = await events.collect()
    assert got[0].interrupt is not None and events.interrupt is not None
    pending = got[0].interrupt.interrupt_data
    assert (pending.event_id, pending.type, pending.data) == ("e7/1", 2, "Which city?")

    # Ids restart at 0 on resume: no gap reported.
    resumed = wf_sse((0, "Message", {"content": "Sunny"}), (1, "Done", {"debug_url": "https://d"}))
    route = api.post("/v1/workflow/stream_resume").mock(return_value=chunked(resumed))
    stream = coze.workflows.runs.resume(workflow_id="w1", event_id=pending.event_id, interrupt_type=pending.type,
                                        resume_data="Beijing")
    assert isinstance(stream, WorkflowStream)
    async with stream as events2:
        got2 = await events2.collect()
    assert body_of(route) == {"workflow_id": "w1", "event_id": "e7/1", "interrupt_type": 2, "resume_data": "Beijing"}
    assert [e.event for e in got2] == ["Message", "Done"] and events2.gaps == []
    assert events2.debug_url == "https://d"


async def test_stream_truncated_without_done_raises(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v1/workflow/stream_run").mock(return_value=chunked(wf_sse((0, "Message", {"content": "a"}))))
    with pytest.raises(errors.StreamError, match="truncated"):
        async with coze.workflows.runs.stream(workflow_id="w1") as events:
            await events.collect()


async def test_stream_malformed_message_is_a_stream_error(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v1/workflow/stream_run").mock(
        return_value=chunked(wf_sse((0, "Message", "{not json"), (1, "Done", {}))))
    with pytest.raises(errors.StreamError, match="malformed"):
        async with coze.workflows.runs.stream(workflow_id="w1") as events:
            await events.collect()
    api.post("/v1/workflow/stream_run").mock(
        return_value=chunked(wf_sse((0, "Error", {"error_code": "not-a-number"}), (1, "Done", {}))))
    with pytest.raises(errors.StreamError, match="unexpected Error event"):
        async with coze.workflows.runs.stream(workflow_id="w1") as events:
            await events.collect()


async def test_resume_validation(coze: AsyncCoze) -> None:
    with pytest.raises(errors.ValidationError, match="interrupt_type"):
        coze.workflows.runs.resume(workflow_id="w", event_id="e", interrupt_type="2",  # type: ignore[arg-type]
                                   resume_data="x")
    with pytest.raises(errors.ValidationError, match="resume_data"):
        coze.workflows.runs.resume(workflow_id="w", event_id="e", interrupt_type=2,
                                   resume_data={"a": 1})  # type: ignore[arg-type]


async def test_blocking_resume(coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger) -> None:
    route = api.post("/v1/workflows/resume").mock(return_value=httpx.Response(200, json=RUN_BODY))
    result = await coze.workflows.runs.resume_blocking(workflow_id="w1", event_id="e1/2", interrupt_type=5,
                                                       resume_data="yes")
    assert body_of(route) == {"workflow_id": "w1", "event_id": "e1/2", "interrupt_type": 5, "resume_data": "yes"}
    assert result.data == {"answer": "sunny", "n": 3}
    assert ledger.settled[-1][1] is not None


async def test_run_history_one_element_list_and_node_output(
    coze: AsyncCoze, api: respx.MockRouter, limiter: RecordingLimiter,
) -> None:
    history = {"execute_id": "e1", "execute_status": "Success", "run_mode": 2, "logid": "X", "output": '{"o": 1}',
               "error_code": "", "usage": {"input_count": 1, "output_count": 2, "token_count": 3},
               "node_execute_status": {"n": {"node_id": "900001", "is_finish": True, "node_execute_uuid": "u1"}}}
    route = api.get("/v1/workflows/w1/run_histories/e1").mock(return_value=ok([history]))
    h = await coze.workflows.runs.run_histories.retrieve(workflow_id="w1", execute_id="e1")
    assert route.call_count == 1
    assert h.execute_status == "Success" and not h.is_running and h.error_code is None
    assert h.output_data == {"o": 1} and h.logid_ == "X"
    assert h.node_execute_status is not None and h.node_execute_status["n"].node_execute_uuid == "u1"
    assert limiter.acquired[-1].groups == ("workflow",)

    api.get("/v1/workflows/w1/run_histories/e1/execute_nodes/u1").mock(
        return_value=ok({"is_finish": True, "node_output": '{"text": "hi"}'}))
    node = await coze.workflows.runs.run_histories.execute_nodes.retrieve(workflow_id="w1", execute_id="e1",
                                                                          node_execute_uuid="u1")
    assert node.is_finish and node.output_data == {"text": "hi"}
    assert limiter.acquired[-1].groups == ("workflow",)

    api.get("/v1/workflows/w1/run_histories/e9").mock(return_value=ok([]))
    with pytest.raises(errors.NotFoundError):
        await coze.workflows.runs.run_histories.retrieve(workflow_id="w1", execute_id="e9")


def chat_sse(*events: tuple[str, object]) -> bytes:
    return "".join(f"event:{n}\ndata:{d if isinstance(d, str) else json.dumps(d)}\n\n" for n, d in events).encode()


async def test_chatflow_stream_body_and_done_debug_url(
    coze: AsyncCoze, api: respx.MockRouter, limiter: RecordingLimiter, ledger: RecordingLedger,
) -> None:
    chat = {"id": "c1", "conversation_id": "v1", "status": "completed",
            "usage": {"token_count": 9, "input_count": 4, "output_count": 5}}
    body = chat_sse(
        ("conversation.chat.created", {**chat, "status": "created"}),
        ("conversation.message.delta", {"id": "m1", "conversation_id": "v1", "role": "assistant",
                                        "type": "answer", "content": "Hi"}),
        ("conversation.chat.completed", chat),
        ("done", {"debug_url": "https://www.coze.cn/work_flow?execute_id=x"}),
    )
    route = api.post("/v1/workflows/chat").mock(return_value=chunked(body))
    async with coze.workflows.chat.stream(workflow_id="w1", app_id="a1", additional_messages=["hello"],
                                          parameters={"k": "v"}, conversation_id="v1", ext={"user_id": "u"},
                                          workflow_version="v2", connector_id="1024") as events:
        got = await events.collect()
    sent = body_of(route)
    assert sent["workflow_id"] == "w1" and sent["app_id"] == "a1" and sent["conversation_id"] == "v1"
    assert sent["parameters"] == {"k": "v"} and sent["workflow_version"] == "v2" and sent["connector_id"] == "1024"
    assert sent["ext"] == {"user_id": "u"}
    assert sent["additional_messages"][0]["content"] == "hello" and sent["additional_messages"][0]["role"] == "user"
    assert [e.event for e in got] == ["conversation.chat.created", "conversation.message.delta",
                                      "conversation.chat.completed"]
    assert events.end_data == {"debug_url": "https://www.coze.cn/work_flow?execute_id=x"}
    assert limiter.acquired[-1].groups == ("workflow", "model")
    usage = ledger.settled[-1][1]
    assert usage is not None and usage.output_tokens == 5


async def test_chatflow_validation(coze: AsyncCoze) -> None:
    with pytest.raises(errors.ValidationError, match="app_id"):
        coze.workflows.chat.stream(workflow_id="w1", additional_messages=["hi"])
    with pytest.raises(errors.ValidationError, match="text only"):
        coze.workflows.chat.stream(workflow_id="w1", bot_id="b", additional_messages=[
            {"role": "user", "content": "[]", "content_type": "object_string"}])
    with pytest.raises(errors.ValidationError, match="at most 50"):
        coze.workflows.chat.stream(workflow_id="w1", bot_id="b", additional_messages=["q"] * 51)
    with pytest.raises(errors.ValidationError, match="at least one"):
        coze.workflows.chat.stream(workflow_id="w1", bot_id="b", additional_messages=[])


async def test_chatflow_parameters_default_to_empty_object(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/workflows/chat").mock(return_value=chunked(chat_sse(("done", "[DONE]"))))
    async with coze.workflows.chat.stream(workflow_id="w1", bot_id="b1", additional_messages=["hi"]) as events:
        await events.collect()
    assert body_of(route)["parameters"] == {} and body_of(route)["bot_id"] == "b1"


async def test_list_requires_workspace_and_pages_by_has_more(coze: AsyncCoze, api: respx.MockRouter) -> None:
    with pytest.raises(errors.ValidationError):
        coze.workflows.list(workspace_id="")
    with pytest.raises(errors.ValidationError, match="between 1 and 30"):
        coze.workflows.list(workspace_id="s1", page_size=31)
    item = {"workflow_id": "w1", "workflow_name": "weather", "creator": {"id": "u", "name": "me"}}
    route = api.get("/v1/workflows").mock(side_effect=[
        ok({"items": [item], "has_more": True}), ok({"items": [{**item, "workflow_id": "w2"}], "has_more": False})])
    got = await coze.workflows.list(workspace_id="s1", workflow_mode="chatflow", app_id="a1",
                                    publish_status="all", page_size=1).to_list()
    assert [w.workflow_id for w in got] == ["w1", "w2"]
    assert got[0].creator is not None and got[0].creator.name == "me"
    assert query_of(route, 0) == {"workspace_id": "s1", "page_num": "1", "page_size": "1",
                                  "workflow_mode": "chatflow", "app_id": "a1", "publish_status": "all"}
    assert query_of(route, 1)["page_num"] == "2"
    api.get("/v1/workflows").mock(return_value=ok({"items": [], "has_more": False}))
    await coze.workflows.list(workspace_id="s1")
    assert query_of(route)["page_size"] == "10"  # the documented default, not cozepy's 100
    with pytest.raises(errors.ValidationError):
        coze.workflows.list(workspace_id="s1", workflow_mode="flow")  # type: ignore[arg-type]


async def test_retrieve_with_input_output_schema(coze: AsyncCoze, api: respx.MockRouter) -> None:
    data = {"workflow_detail": {"workflow_id": "w1", "workflow_name": "weather", "app_id": "a"},
            "input": {"parameters": {"city": {"type": "string", "required": True}}},
            "output": {"parameters": {"text": {"type": "string"}}, "terminate_plan": "return_variables"}}
    route = api.get("/v1/workflows/w1").mock(return_value=ok(data))
    info = await coze.workflows.retrieve(workflow_id="w1", include_input_output=True)
    assert query_of(route) == {"include_input_output": "true"}
    assert info.workflow_detail.workflow_name == "weather"
    assert info.input is not None and info.input.parameters == {"city": {"type": "string", "required": True}}
    assert info.output is not None and info.output.terminate_plan == "return_variables"


async def test_versions_follow_the_page_token(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/workflows/w1/versions").mock(side_effect=[
        ok({"items": [{"version": "v2", "workflow_id": "w1"}], "has_more": True, "next_page_token": "t2"}),
        ok({"items": [{"version": "v1", "workflow_id": "w1"}], "has_more": False, "next_page_token": ""}),
    ])
    versions = await coze.workflows.versions.list(workflow_id="w1", publish_status="published_online",
                                                  include_input_output=False, page_size=1).to_list()
    assert [v.version for v in versions] == ["v2", "v1"]
    assert query_of(route, 0) == {"publish_status": "published_online", "page_size": "1",
                                  "include_input_output": "false"}
    assert query_of(route, 1)["page_token"] == "t2"
    with pytest.raises(errors.ValidationError):
        coze.workflows.versions.list(workflow_id="w1", page_size=0)


async def test_stream_stops_at_done_even_if_the_server_keeps_the_connection_open(
    coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger,
) -> None:
    import asyncio

    body = wf_sse((0, "Message", {"content": "a"}), (1, "Done", {"debug_url": "https://d"}))

    async def hanging() -> AsyncIterator[bytes]:
        yield body
        await asyncio.sleep(30)  # never closes on its own

    api.post("/v1/workflow/stream_run").mock(return_value=httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=hanging()))

    async def read() -> list[str]:
        return [e.event async for e in coze.workflows.runs.stream(workflow_id="w1")]

    assert await asyncio.wait_for(read(), timeout=5) == ["Message", "Done"]
    assert len(ledger.settled) == 1  # closed and settled without `async with`

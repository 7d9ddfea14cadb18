"""Replays of stream bodies in the shapes the live service sends (our own recordings, not cozepy's).

The live service ends every stream without the final blank line (``event:done\\ndata:"[DONE]"``
and nothing after), writes ``event:x`` without the space, and may end a chat with its final state
(``conversation.chat.failed``) instead of ``done``. Each stream type is replayed here whole, cut
at every byte where that matters, and fed in awkward chunk sizes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors

from .doubles import RecordingLedger, RecordingLimiter

BOT, CONV, CHAT, MSG = "7400000000000000001", "7400000000000000002", "7400000000000000003", "7400000000000000004"
CHAT_STATE = {"id": CHAT, "conversation_id": CONV, "bot_id": BOT, "created_at": 1733000000,
              "last_error": {"code": 0, "msg": ""}, "usage": {"token_count": 0, "output_count": 0, "input_count": 0}}


def chat_state(status: str, **extra: Any) -> str:
    return json.dumps({**CHAT_STATE, "status": status, **extra}, ensure_ascii=False, separators=(",", ":"))


def message(kind: str, content: str, **extra: Any) -> str:
    return json.dumps({"id": MSG, "conversation_id": CONV, "bot_id": BOT, "chat_id": CHAT, "role": "assistant",
                       "type": kind, "content": content, "content_type": "text", **extra},
                      ensure_ascii=False, separators=(",", ":"))


def recording(*events: tuple[str, str], sep: str = ":", ids: bool = False) -> bytes:
    """Events as the service frames them: no space after the colon, no blank line after the last one."""
    blocks = []
    for number, (name, data) in enumerate(events):
        head = f"id{sep}{number}\n" if ids else ""
        blocks.append(f"{head}event{sep}{name}\ndata{sep}{data}")
    return "\n\n".join(blocks).encode()


COMPLETED = chat_state("completed", completed_at=1733000002,
                       usage={"token_count": 45, "output_count": 12, "input_count": 33})
TEXT_STREAM = recording(
    ("conversation.chat.created", chat_state("created")),
    ("conversation.chat.in_progress", chat_state("in_progress")),
    ("conversation.message.delta", message("answer", "今天")),
    ("conversation.message.delta", message("answer", "是周六。")),
    ("conversation.message.completed", message("answer", "今天是周六。")),
    ("conversation.message.completed", message("verbose", '{"msg_type":"generate_answer_finish","data":""}')),
    ("conversation.chat.completed", COMPLETED),
    ("done", '"[DONE]"'),
)
AUDIO_STREAM = recording(
    ("conversation.chat.created", chat_state("created")),
    ("conversation.audio.delta", message("answer", "UklGRiQAAABXQVZF", content_type="audio")),
    ("conversation.audio.completed", message("answer", "", content_type="audio")),
    ("conversation.message.completed", message("answer", "hello there")),
    ("conversation.chat.completed", COMPLETED),
    ("done", '"[DONE]"'),
)
TOOL_STREAM = recording(
    ("conversation.chat.in_progress", chat_state("in_progress")),
    ("conversation.message.delta", message("answer", "It is 22 C.")),
    ("conversation.chat.completed", COMPLETED),
    ("done", '"[DONE]"'),
)
CHATFLOW_STREAM = recording(
    ("conversation.chat.created", chat_state("created")),
    ("conversation.message.delta", message("answer", "fine")),
    ("conversation.chat.completed", COMPLETED),
    ("done", '{"debug_url":"https://www.coze.cn/work_flow?execute_id=7400\\u0026space_id=1"}'),
)
FAILED_STREAM = recording(
    ("conversation.chat.failed", chat_state("failed", failed_at=1733000001,
                                            last_error={"code": 5000, "msg": "model overloaded"})),
)
WORKFLOW_STREAM = recording(
    ("Message", '{"content":"hi","node_is_finish":false,"node_seq_id":"0","node_title":"End"}'),
    ("Message", '{"content":"!","node_is_finish":true,"node_seq_id":"1","node_title":"End","token":5}'),
    ("Done", "{}"),
    ids=True,
)


def body(payload: bytes, chunk: int = 5) -> httpx.Response:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), chunk):
            yield payload[i : i + chunk]

    return httpx.Response(200, headers={"content-type": "text/event-stream", "x-tt-logid": "S"}, content=gen())


StreamOf = Callable[[AsyncCoze], Any]
CHAT_STREAMS: dict[str, tuple[str, StreamOf]] = {
    "chat": ("/v3/chat", lambda c: c.chat.stream(bot_id=BOT, user_id="u", additional_messages=["hi"])),
    "tool_outputs": ("/v3/chat/submit_tool_outputs", lambda c: c.chat.submit_tool_outputs_stream(
        conversation_id=CONV, chat_id=CHAT, tool_outputs=[{"tool_call_id": "call_1", "output": "22 C"}])),
    "chatflow": ("/v1/workflows/chat", lambda c: c.workflows.chat.stream(
        workflow_id="w1", bot_id=BOT, additional_messages=["hi"])),
}


async def replay(coze: AsyncCoze, api: respx.MockRouter, path: str, stream_of: StreamOf, payload: bytes,
                 chunk: int = 5) -> list[Any]:
    api.post(path).mock(return_value=body(payload, chunk))
    async with stream_of(coze) as events:
        return [event async for event in events]


@pytest.mark.parametrize("kind", CHAT_STREAMS)
@pytest.mark.parametrize("payload", [TEXT_STREAM, AUDIO_STREAM, TOOL_STREAM, CHATFLOW_STREAM],
                         ids=["text", "audio", "tool", "chatflow"])
@pytest.mark.parametrize("chunk", [1, 7, 4096])
async def test_unterminated_last_event_ends_every_chat_stream(
    coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger, limiter: RecordingLimiter,
    kind: str, payload: bytes, chunk: int, caplog: pytest.LogCaptureFixture,
) -> None:
    path, stream_of = CHAT_STREAMS[kind]
    with caplog.at_level(logging.DEBUG, logger="coze_client.stream"):
        events = await replay(coze, api, path, stream_of, payload, chunk)
    assert events[-1].event == "conversation.chat.completed"
    assert ledger.settled[-1][1] is not None and ledger.settled[-1][1].output_tokens == 12
    assert limiter.permits[-1].released  # slot given back
    assert any("lacked its final blank line" in r.getMessage() for r in caplog.records)


async def test_chatflow_done_data_survives_the_missing_blank_line(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v1/workflows/chat").mock(return_value=body(CHATFLOW_STREAM))
    async with coze.workflows.chat.stream(workflow_id="w1", bot_id=BOT, additional_messages=["hi"]) as events:
        _ = [e async for e in events]
    assert events.ended and events.end_data["debug_url"].startswith("https://www.coze.cn/work_flow")


@pytest.mark.parametrize("kind", CHAT_STREAMS)
async def test_failed_chat_alone_is_a_normal_end(coze: AsyncCoze, api: respx.MockRouter, kind: str) -> None:
    path, stream_of = CHAT_STREAMS[kind]
    events = await replay(coze, api, path, stream_of, FAILED_STREAM)
    assert [e.event for e in events] == ["conversation.chat.failed"]
    with pytest.raises(errors.StreamError, match="model overloaded"):
        events[0].raise_for_failure()


@pytest.mark.parametrize("status", ["completed", "requires_action", "canceled"])
async def test_every_final_chat_state_may_end_the_body(coze: AsyncCoze, api: respx.MockRouter, status: str) -> None:
    payload = recording(("conversation.chat.in_progress", chat_state("in_progress")),
                        (f"conversation.chat.{status}", chat_state(status)))
    events = await replay(coze, api, *CHAT_STREAMS["chat"], payload)
    assert events[-1].chat.status == status


@pytest.mark.parametrize("kind", CHAT_STREAMS)
@pytest.mark.parametrize(("data", "code", "text"), [
    ('{"code":4000,"msg":"Request parameter error"}', 4000, "Request parameter error"),
    ('{"error_code":4100,"error_message":"token expired"}', 4100, "token expired"),
    ("{}", None, "without details"),
])
async def test_error_recording_raises_the_error_not_truncation(
    coze: AsyncCoze, api: respx.MockRouter, kind: str, data: str, code: int | None, text: str,
) -> None:
    path, stream_of = CHAT_STREAMS[kind]
    with pytest.raises(errors.StreamError) as info:
        await replay(coze, api, path, stream_of, recording(("error", data)))
    assert "truncated" not in str(info.value) and text in str(info.value)
    assert info.value.code == code and info.value.logid == "S"


@pytest.mark.parametrize("kind", CHAT_STREAMS)
async def test_a_stream_without_a_final_state_is_truncated(coze: AsyncCoze, api: respx.MockRouter,
                                                           kind: str) -> None:
    path, stream_of = CHAT_STREAMS[kind]
    payload = recording(("conversation.chat.created", chat_state("created")), ("brand.new", "{}"))
    with pytest.raises(errors.StreamError, match="truncated"):
        await replay(coze, api, path, stream_of, payload)


def _cut_points(payload: bytes) -> list[int]:
    """Every byte of the last event (where a cut must be told from a missing blank line)."""
    start = payload.rindex(b"\n\nevent:")
    return list(range(start, len(payload)))


async def test_a_body_cut_anywhere_before_the_final_event_is_truncation(coze: AsyncCoze,
                                                                        api: respx.MockRouter) -> None:
    # Cut inside the last event: "done" never (fully) arrived, and no final state came before it either.
    payload = recording(("conversation.chat.created", chat_state("created")),
                        ("conversation.message.delta", message("answer", "x")),
                        ("conversation.chat.in_progress", chat_state("in_progress")))
    for cut in _cut_points(payload):
        with pytest.raises(errors.StreamError, match="truncated"):
            await replay(coze, api, *CHAT_STREAMS["chat"], payload[:cut])


async def test_a_body_cut_inside_the_last_data_is_truncation_not_an_event(coze: AsyncCoze,
                                                                          api: respx.MockRouter) -> None:
    whole = recording(("conversation.chat.created", chat_state("created")),
                      ("conversation.chat.completed", COMPLETED))
    start = whole.rindex(b"data:") + len(b"data:") + 1
    for cut in range(start, len(whole)):
        with pytest.raises(errors.StreamError, match="truncated"):
            await replay(coze, api, *CHAT_STREAMS["chat"], whole[:cut])
    assert (await replay(coze, api, *CHAT_STREAMS["chat"], whole))[-1].chat.status == "completed"


@pytest.mark.parametrize("chunk", [1, 6, 4096])
@pytest.mark.parametrize("resume", [False, True])
async def test_workflow_stream_ends_on_an_unterminated_done(coze: AsyncCoze, api: respx.MockRouter,
                                                            chunk: int, resume: bool) -> None:
    path = "/v1/workflow/stream_resume" if resume else "/v1/workflow/stream_run"
    api.post(path).mock(return_value=body(WORKFLOW_STREAM, chunk))
    runs = coze.workflows.runs
    opener: Callable[[], Any] = (
        (lambda: runs.resume(workflow_id="w1", event_id="e/1", interrupt_type=2, resume_data="Paris"))
        if resume else (lambda: runs.stream(workflow_id="w1", parameters={"q": "hi"})))
    async with opener() as events:
        names = [e.event async for e in events]
    assert names == ["Message", "Message", "Done"] and events.gaps == []


@pytest.mark.parametrize("data", ['{"error_code":4000,"error_message":"Request parameter error"}',
                                  '{"interrupt_data":{"data":"","event_id":"1/2","type":2},"node_title":"Ask"}'])
async def test_workflow_error_or_interrupt_as_the_unterminated_last_event(coze: AsyncCoze, api: respx.MockRouter,
                                                                          data: str) -> None:
    name = "Error" if "error_code" in data else "Interrupt"
    api.post("/v1/workflow/stream_run").mock(return_value=body(recording((name, data), ids=True)))
    async with coze.workflows.runs.stream(workflow_id="w1") as events:
        got = [e async for e in events]
    assert [e.event for e in got] == [name]
    assert (events.error or events.interrupt) is not None


async def test_workflow_stream_without_done_is_truncated(coze: AsyncCoze, api: respx.MockRouter) -> None:
    payload = recording(("Message", '{"content":"hi","node_is_finish":false,"node_seq_id":"0"}'),
                        ("invalid", "{}"), ids=True)
    api.post("/v1/workflow/stream_run").mock(return_value=body(payload))
    with pytest.raises(errors.StreamError, match="truncated"):
        async with coze.workflows.runs.stream(workflow_id="w1") as events:
            _ = [e async for e in events]




@pytest.mark.parametrize("kind", CHAT_STREAMS)
async def test_an_error_only_json_body_instead_of_a_stream(coze: AsyncCoze, api: respx.MockRouter, kind: str) -> None:
    path, stream_of = CHAT_STREAMS[kind]
    api.post(path).mock(return_value=httpx.Response(200, json={"error_message": "bot not published"}))
    with pytest.raises(errors.APIError, match="bot not published"):
        async with stream_of(coze) as events:
            _ = [e async for e in events]


async def test_text_data_in_unknown_and_error_events_is_kept(coze: AsyncCoze, api: respx.MockRouter) -> None:
    payload = recording(("keepalive", "pong"), ("conversation.chat.completed", COMPLETED))
    events = await replay(coze, api, *CHAT_STREAMS["chat"], payload)
    assert events[0].event == "keepalive" and events[0].data == "pong"
    with pytest.raises(errors.StreamError, match="upstream model timeout"):
        # (terminated: an unterminated last event must parse as JSON to be told from a cut one)
        await replay(coze, api, *CHAT_STREAMS["chat"], recording(("error", "upstream model timeout")) + b"\n\n")

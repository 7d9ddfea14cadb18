"""Proof of faithfulness: the official cozepy 0.20.0, unmodified, against the loopback FakeCoze.

cozepy is sync here (``Coze(auth=TokenAuth(...), base_url=...)``), so the fake runs on its own
thread behind a real socket (the ``coze_loopback`` fixture of our pytest plugin).

Where cozepy deviates from the reference (coze-api.md §9), the fake follows the reference and the
test says how:

- ``chat.retrieve`` sends POST where the spec says GET. The fake *tolerates* POST (answers it like GET,
  so ``create_and_poll`` works) and records the method, so a test of our own client can assert that
  it never sends POST (see ``test_cozepy_retrieve_uses_post_which_we_record``).
- ``bots.list`` sends ``page_index`` where the spec says ``page_num``. The fake ignores the unknown
  parameter, as a server ignores unknown query parameters: every cozepy page request gets page 1.
- The workflow ``Done`` event (with its ``debug_url``) is swallowed by cozepy and ``PING`` becomes
  UNKNOWN; the fake sends both as the real server does.
"""

from __future__ import annotations

import json

import pytest

cozepy = pytest.importorskip("cozepy")

from coze_client.testing import LoopbackServer  # noqa: E402

TOKEN = "pat_faketoken0123456789"


@pytest.fixture
def coze(coze_loopback: LoopbackServer) -> object:
    return cozepy.Coze(auth=cozepy.TokenAuth(TOKEN), base_url=coze_loopback.base_url)


def _user(text: str) -> object:
    return cozepy.Message.build_user_question_text(text)


def test_chat_create_and_poll(coze_loopback: LoopbackServer, coze: object) -> None:
    fake = coze_loopback.fake
    fake.bot("bot_1", replies=["hello from the fake"])
    result = coze.chat.create_and_poll(bot_id="bot_1", user_id="u1", additional_messages=[_user("hi")])
    assert result.chat.status == cozepy.ChatStatus.COMPLETED
    assert result.chat.usage.token_count == result.chat.usage.input_count + result.chat.usage.output_count
    answers = [m.content for m in result.messages if m.type == cozepy.MessageType.ANSWER]
    assert answers == ["hello from the fake"]
    verbose = [m for m in result.messages if m.type == cozepy.MessageType.VERBOSE]
    assert json.loads(verbose[0].content)["msg_type"] == "generate_answer_finish"
    # Every recorded request hides the token.
    assert all(r.headers.get("authorization") == "REDACTED" for r in fake.requests)
    assert TOKEN not in repr(fake.requests)


def test_cozepy_retrieve_uses_post_which_we_record(coze_loopback: LoopbackServer, coze: object) -> None:
    fake = coze_loopback.fake
    chat = coze.chat.create(bot_id="bot_x", user_id="u1", additional_messages=[_user("echo me")])
    assert chat.status == cozepy.ChatStatus.IN_PROGRESS
    again = coze.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert again.status == cozepy.ChatStatus.COMPLETED
    # cozepy's deviation (§9.6) is visible in the record; the documented GET is what we expect from ours.
    assert [r.method for r in fake.find(path="/v3/chat/retrieve")] == ["POST"]
    messages = coze.chat.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert [m.content for m in messages if m.type == cozepy.MessageType.ANSWER] == ["echo me"]  # default echo


@pytest.mark.parametrize("sse_space", [False, True])
def test_chat_stream_events(coze_loopback: LoopbackServer, coze: object, sse_space: bool) -> None:
    fake = coze_loopback.fake
    fake.sse_space = sse_space
    fake.bot("bot_s", replies=["one two three four"])
    events = list(coze.chat.stream(bot_id="bot_s", user_id="u1", additional_messages=[_user("go")]))
    kinds = [e.event for e in events]
    assert kinds[0] == cozepy.ChatEventType.CONVERSATION_CHAT_CREATED
    assert kinds[1] == cozepy.ChatEventType.CONVERSATION_CHAT_IN_PROGRESS
    deltas = [e.message.content for e in events if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert "".join(deltas) == "one two three four" and len(deltas) == 4
    completed = [e.message for e in events if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_COMPLETED]
    assert [m.type for m in completed] == [cozepy.MessageType.ANSWER, cozepy.MessageType.VERBOSE]
    final = events[-1]
    assert final.event == cozepy.ChatEventType.CONVERSATION_CHAT_COMPLETED  # cozepy drops "done"
    assert final.chat.usage.output_count > 0


def test_chat_stream_many_chunks(coze_loopback: LoopbackServer, coze: object) -> None:
    coze_loopback.fake.bot("bot_n", replies=["x"], stream_chunks=500)
    events = list(coze.chat.stream(bot_id="bot_n", user_id="u1", additional_messages=[_user("go")]))
    deltas = [e for e in events if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_DELTA]
    assert len(deltas) == 500


def test_chat_stream_failed_and_requires_action(coze_loopback: LoopbackServer, coze: object) -> None:
    fake = coze_loopback.fake
    fake.script_chat(failed=True)
    events = list(coze.chat.stream(bot_id="bot_f", user_id="u1", additional_messages=[_user("go")]))
    assert events[-1].event == cozepy.ChatEventType.CONVERSATION_CHAT_FAILED
    assert events[-1].chat.last_error.code == 5000

    fake.script_chat(requires_action=[{"name": "get_weather", "arguments": {"city": "Hangzhou"}}])
    events = list(coze.chat.stream(bot_id="bot_f", user_id="u1", additional_messages=[_user("weather?")]))
    action = events[-1]
    assert action.event == cozepy.ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
    call = action.chat.required_action.submit_tool_outputs.tool_calls[0]
    assert call.function.name == "get_weather"
    stream = coze.chat.submit_tool_outputs(
        conversation_id=action.chat.conversation_id,
        chat_id=action.chat.id,
        tool_outputs=[cozepy.ToolOutput(tool_call_id=call.id, output="sunny")],
        stream=True,
    )
    after = list(stream)
    assert after[-1].event == cozepy.ChatEventType.CONVERSATION_CHAT_COMPLETED
    text = "".join(e.message.content for e in after if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_DELTA)
    assert text == "sunny"  # the default bot echoes the tool output


def test_cancel_finished_chat_is_4104(coze_loopback: LoopbackServer, coze: object) -> None:
    chat = coze.chat.create(bot_id="bot_c", user_id="u1", additional_messages=[_user("x")])
    cancelled = coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert cancelled.status == cozepy.ChatStatus.CANCELED
    with pytest.raises(cozepy.CozeAPIError) as info:
        coze.chat.cancel(conversation_id=chat.conversation_id, chat_id=chat.id)
    assert info.value.code == 4104
    assert info.value.logid  # read from x-tt-logid


def test_conversations(coze_loopback: LoopbackServer, coze: object) -> None:
    created = [coze.conversations.create(bot_id="bot_conv") for _ in range(3)]
    got = coze.conversations.retrieve(conversation_id=created[0].id)
    assert got.id == created[0].id
    listed = coze.conversations.list(bot_id="bot_conv", page_size=2)
    ids = [c.id for c in listed]
    assert sorted(ids) == sorted(c.id for c in created)  # paged over has_more (2 + 1)
    updated = coze.conversations.update(conversation_id=created[0].id, name="renamed")
    assert updated.name == "renamed"
    section = coze.conversations.clear(conversation_id=created[0].id)
    assert section.conversation_id == created[0].id
    coze.conversations.delete(conversation_id=created[1].id)
    with pytest.raises(cozepy.CozeAPIError) as info:
        coze.conversations.retrieve(conversation_id=created[1].id)
    assert info.value.code == 4002


def test_messages(coze_loopback: LoopbackServer, coze: object) -> None:
    conv = coze.conversations.create(bot_id="bot_m")
    made = [
        coze.conversations.messages.create(conversation_id=conv.id, role="user", content=f"m{i}", content_type="text")
        for i in range(5)
    ]
    # cozepy pages forward with after_id=last_id; desc order lists the newest first.
    listed = list(coze.conversations.messages.list(conversation_id=conv.id, limit=2))
    assert [m.content for m in listed] == ["m4", "m3", "m2", "m1", "m0"]
    one = coze.conversations.messages.retrieve(conversation_id=conv.id, message_id=made[0].id)
    assert one.content == "m0"
    changed = coze.conversations.messages.update(conversation_id=conv.id, message_id=made[0].id, content="new")
    assert changed.content == "new"  # parsed from the top-level "message" field
    deleted = coze.conversations.messages.delete(conversation_id=conv.id, message_id=made[1].id)
    assert deleted.id == made[1].id
    assert len(list(coze.conversations.messages.list(conversation_id=conv.id))) == 4


def test_workflow_run_and_stream(coze_loopback: LoopbackServer, coze: object) -> None:
    fake = coze_loopback.fake
    fake.workflow("wf_1", output={"answer": 42}, messages=["thinking", "still thinking"], ping_every=1)
    result = coze.workflows.runs.create(workflow_id="wf_1", parameters={"q": "x"})
    assert json.loads(result.data) == {"answer": 42}
    assert "execute_id=" in result.debug_url
    events = list(coze.workflows.runs.stream(workflow_id="wf_1", parameters={"q": "x"}))
    kinds = [e.event for e in events]
    # PING arrives as UNKNOWN in cozepy (§6.2); Done is swallowed by cozepy (coze-py #325).
    assert cozepy.WorkflowEventType.UNKNOWN in kinds
    messages = [e.message for e in events if e.event == cozepy.WorkflowEventType.MESSAGE]
    assert json.loads(messages[-1].content) == {"answer": 42}
    assert [e.id for e in events] == sorted(e.id for e in events)
    raw = fake.find(path="/v1/workflow/stream_run")
    assert len(raw) == 1


def test_workflow_interrupt_and_resume(coze_loopback: LoopbackServer, coze: object) -> None:
    coze_loopback.fake.workflow("wf_q", interrupt="Which city?", resume_output={"city": "Beijing"})
    events = list(coze.workflows.runs.stream(workflow_id="wf_q", parameters={}))
    interrupt = events[-1]
    assert interrupt.event == cozepy.WorkflowEventType.INTERRUPT
    data = interrupt.interrupt.interrupt_data
    resumed = list(
        coze.workflows.runs.resume(
            workflow_id="wf_q", event_id=data.event_id, resume_data="Beijing", interrupt_type=data.type
        )
    )
    assert json.loads(resumed[0].message.content) == {"city": "Beijing"}
    with pytest.raises(cozepy.CozeAPIError) as info:
        list(
            coze.workflows.runs.resume(
                workflow_id="wf_q", event_id=data.event_id, resume_data="again", interrupt_type=data.type
            )
        )
    assert info.value.code == 4315  # the execution already ended


def test_auth_and_files(coze_loopback: LoopbackServer) -> None:
    fake = coze_loopback.fake
    fake.tokens = {TOKEN}
    bad = cozepy.Coze(auth=cozepy.TokenAuth("pat_wrongtoken000000"), base_url=coze_loopback.base_url)
    with pytest.raises(cozepy.CozeAPIError) as info:
        bad.conversations.create()
    assert info.value.code == 4100
    good = cozepy.Coze(auth=cozepy.TokenAuth(TOKEN), base_url=coze_loopback.base_url)
    uploaded = good.files.upload(file=("notes.txt", b"hello file"))
    assert uploaded.bytes == 10 and uploaded.file_name == "notes.txt"
    assert good.files.retrieve(file_id=uploaded.id).id == uploaded.id

"""Chat, streams, conversations, the message pager and files: one test body, both clients.

``client`` is ``AsyncCoze`` or the sync ``Coze`` (through ``facade.AsyncView``); the recording limiter
and ledger show that both walk the same corridor and book the same calls.
"""

from __future__ import annotations

from typing import Any

import pytest

from coze_client import errors
from coze_client.testing import FakeCoze

from ..core.doubles import RecordingLedger


def ledger_of(client: Any) -> RecordingLedger:
    inner = getattr(client, "sync", client)
    return inner.ledger  # type: ignore[no-any-return]


async def test_chat_create_stream_and_messages(fake: FakeCoze, client: Any) -> None:
    fake.bot("b1", replies=["alpha beta gamma"])
    chat = await client.chat.create(bot_id="b1", user_id="u1", additional_messages=["hi"])
    assert chat.id and chat.status in ("created", "in_progress", "completed")

    async with client.chat.stream(bot_id="b1", user_id="u1", additional_messages=["hi"]) as events:
        got = [event async for event in events]
    names = [e.event for e in got]
    assert names[0] == "conversation.chat.created" and names[-1] == "conversation.chat.completed"
    text = "".join(e.message.content for e in got if e.event == "conversation.message.delta")
    assert text == "alpha beta gamma"
    assert events.ended and events.usage is not None and events.usage.output_tokens > 0
    done = got[-1].chat
    messages = await client.chat.messages.list(conversation_id=done.conversation_id, chat_id=done.id)
    assert any(m.content == "alpha beta gamma" for m in messages)
    # Both calls booked, the stream settled with the usage it reported.
    ledger = ledger_of(client)
    assert len(ledger.reserved) == 3 and len(ledger.settled) == 3 and ledger.settled[1][1] == events.usage


async def test_stream_collect_and_break_closes(fake: FakeCoze, client: Any) -> None:
    fake.bot("b1", replies=["one two three four five six"])
    events = client.chat.stream(bot_id="b1", user_id="u1", additional_messages=["hi"])
    collected = await events.collect()  # without a with block: opened and closed by the iteration
    assert collected[-1].event == "conversation.chat.completed"

    async with client.chat.stream(bot_id="b1", user_id="u1", additional_messages=["hi"]) as events:
        async for _event in events:
            break  # leaving early closes the connection and settles the call
    ledger = ledger_of(client)
    assert len(ledger.settled) + len(ledger.cancelled) == len(ledger.reserved) == 2
    with pytest.raises(errors.StreamError):
        await events.collect()  # a stream is read once


async def test_stream_errors_and_validation(fake: FakeCoze, client: Any) -> None:
    with pytest.raises(errors.ValidationError):
        client.chat.stream(bot_id="", user_id="u1")  # refused at once, before anything is sent
    fake.script_chat(error=(4000, "bad things"), bot_id="b1")
    fake.bot("b1", replies=["x"])
    with pytest.raises(errors.StreamError) as info:
        async with client.chat.stream(bot_id="b1", user_id="u1", additional_messages=["hi"]) as events:
            async for _ in events:
                pass
    assert info.value.code == 4000
    with pytest.raises(errors.BadRequestError) as bad:  # the same typed APIError, code and logid
        await client.conversations.retrieve(conversation_id="7400000000000009999")
    assert bad.value.code == 4002 and bad.value.logid


async def test_conversations_and_message_pager(fake: FakeCoze, client: Any) -> None:
    conv = await client.conversations.create(bot_id="b1", name="support")
    made = [await client.conversations.messages.create(conversation_id=conv.id, role="user", content=f"m{i}")
            for i in range(5)]
    assert (await client.conversations.retrieve(conversation_id=conv.id)).id == conv.id
    first = await client.conversations.messages.list(conversation_id=conv.id, order="asc", limit=2)
    assert [m.content for m in first.items] == ["m0", "m1"] and first.has_more
    every = [m.content async for m in client.conversations.messages.list(conversation_id=conv.id, order="asc",
                                                                         limit=2)]
    assert every == [f"m{i}" for i in range(5)]
    pages = [p async for p in client.conversations.messages.list(conversation_id=conv.id, order="asc",
                                                                 limit=2).pages()]
    assert [len(p.items) for p in pages] == [2, 2, 1]
    updated = await client.conversations.messages.update(conversation_id=conv.id, message_id=made[0].id,
                                                         content="edited")
    assert updated.content == "edited"
    await client.conversations.messages.delete(conversation_id=conv.id, message_id=made[1].id)
    renamed = await client.conversations.update(conversation_id=conv.id, name="renamed")
    assert renamed.name == "renamed"
    convs = await client.conversations.list(bot_id="b1").to_list()
    assert [c.id for c in convs] == [conv.id]
    await client.conversations.clear(conversation_id=conv.id)
    await client.conversations.delete(conversation_id=conv.id)


async def test_files_upload_and_retrieve(fake: FakeCoze, client: Any, tmp_path: Any) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello file")
    uploaded = await client.files.upload(file=path)
    assert uploaded.file_name == "notes.txt" and uploaded.bytes == 10
    with path.open("rb") as fh:
        second = await client.files.upload(file=fh)
    assert (await client.files.retrieve(file_id=second.id)).file_name == "notes.txt"
    with pytest.raises(errors.ValidationError):
        await client.files.upload(file=b"")

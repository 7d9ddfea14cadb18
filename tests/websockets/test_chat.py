"""Voice chat sessions: text and audio turns, typed events, tool calls, cancel, clear, generate_audio, drops."""

from __future__ import annotations

import pytest

from coze_client import AsyncCoze
from coze_client.errors import ValidationError
from coze_client.testing.fake_realtime import CHAT, FakeRealtime
from coze_client.websockets import RealtimeAPIError, RealtimeConnectionError
from coze_client.websockets.events import (
    ChatUpdated,
    ConversationAudioDelta,
    ConversationAudioTranscriptCompleted,
    ConversationChatCanceled,
    ConversationChatCompleted,
    ConversationChatRequiresAction,
    ConversationCleared,
    ConversationMessageCompleted,
    ConversationMessageDelta,
)
from tests.core.doubles import RecordingLedger, RecordingLimiter


async def test_text_turn(coze: AsyncCoze, fake: FakeRealtime, limiter: RecordingLimiter,
                         ledger: RecordingLedger) -> None:
    async with coze.websockets.chat(bot_id="bot_1", chat_config={"user_id": "u1"},
                                    output_audio={"codec": "pcm", "voice_id": "v1"}) as chat:
        await chat.create_message("hi there")
        events = [e async for e in chat.until("conversation.chat.completed", timeout=2)]
    assert fake.connections[0].query == {"bot_id": "bot_1"}
    assert fake.connections[0].received[0]["data"] == {"chat_config": {"user_id": "u1"},
                                                       "output_audio": {"codec": "pcm", "voice_id": "v1"}}
    assert any(isinstance(e, ChatUpdated) for e in events)
    text = "".join(e.data.content for e in events if isinstance(e, ConversationMessageDelta))
    assert text == "Hello from the fake bot."
    audio = b"".join(e.audio for e in events if isinstance(e, ConversationAudioDelta))
    assert audio == b"AUDIO[Hello from the fake bot.]"
    done = events[-1]
    assert isinstance(done, ConversationChatCompleted) and done.data.usage is not None
    assert limiter.acquired[0].groups == ("model",)
    usage = ledger.settled[0][1]
    assert usage is not None and usage.input_tokens == 10 and usage.output_tokens == done.data.usage.output_count


async def test_audio_turn(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.transcript = "what time is it"
    fake.reply = lambda heard: f"You asked: {heard}"
    async with coze.websockets.chat(bot_id="bot_1") as chat:
        await chat.stream_audio(b"\0" * 3000, chunk_size=1000)
        await chat.complete_audio()
        events = [e async for e in chat.until("conversation.chat.completed", timeout=2)]
    heard = [e for e in events if isinstance(e, ConversationAudioTranscriptCompleted)]
    assert heard[0].data.content == "what time is it"
    completed = [e for e in events if isinstance(e, ConversationMessageCompleted)]
    assert completed[0].data.content == "You asked: what time is it"


async def test_tool_call_round_trip(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.require_action({"name": "get_weather", "arguments": {"city": "Beijing"}})
    async with coze.websockets.chat(bot_id="bot_1") as chat:
        await chat.create_message("weather?")
        events = [e async for e in chat.until("conversation.chat.requires_action", timeout=2)]
        action = events[-1]
        assert isinstance(action, ConversationChatRequiresAction) and action.data.required_action is not None
        call = action.data.required_action.submit_tool_outputs.tool_calls[0]
        assert call.function.name == "get_weather"
        await chat.submit_tool_outputs(action.data.id, [{"tool_call_id": call.id, "output": "sunny"}])
        events = [e async for e in chat.until("conversation.chat.completed", timeout=2)]
    completed = [e for e in events if isinstance(e, ConversationMessageCompleted)]
    assert completed[0].data.content == "Tool said: sunny"


async def test_cancel_clear_and_errors(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.chat(bot_id="bot_1") as chat:
        await chat.cancel()
        canceled = [e async for e in chat.until("conversation.chat.canceled", timeout=2)][-1]
        assert isinstance(canceled, ConversationChatCanceled) and canceled.data.msg
        await chat.clear_conversation()
        cleared = [e async for e in chat.until("conversation.cleared", timeout=2)][-1]
        assert isinstance(cleared, ConversationCleared)
        await chat.submit_tool_outputs("no_such_chat", [{"tool_call_id": "c", "output": "x"}])
        with pytest.raises(RealtimeAPIError) as info:
            await chat.receive(timeout=2)
        assert info.value.code == 4001 and info.value.logid


async def test_generate_audio_respects_the_1024_byte_rule(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.chat(bot_id="bot_1") as chat:
        with pytest.raises(ValidationError, match="under 1024"):
            await chat.generate_audio("a" * 1024)
        assert await chat.generate_audio("short") == 1
        _ = [e async for e in chat.until("conversation.audio.completed", timeout=2)]
        assert await chat.generate_audio("word " * 500, split=True) == 3
        for _ in range(3):
            _ = [e async for e in chat.until("conversation.audio.completed", timeout=2)]
    texts = [m["data"]["text"] for m in fake.connections[0].received if m["event_type"] == "input_text.generate_audio"]
    assert len(texts) == 4 and all(len(t.encode()) < 1024 for t in texts)
    assert "error" not in fake.connections[0].sent_types()


async def test_drop_during_a_reply(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.drop_after(4, path=CHAT)
    async with coze.websockets.chat(bot_id="bot_1") as chat:
        await chat.create_message("hi")
        with pytest.raises(RealtimeConnectionError) as info:
            async for _ in chat.until("conversation.chat.completed", timeout=2):
                pass
    assert info.value.close_code == 1006


def test_inputs_are_checked(coze: AsyncCoze) -> None:
    with pytest.raises(ValidationError):
        coze.websockets.chat(bot_id="")
    with pytest.raises(ValidationError):
        coze.websockets.chat(bot_id="b", output_audio={"speech_rate": 200})

"""Realtime voice chat with a bot over ``wss://ws.coze.cn/v1/chat?bot_id=...`` (the Coze realtime pages).

Up: ``chat.update``, ``input_audio_buffer.append`` / ``complete`` / ``clear``, ``conversation.message.create``,
``conversation.clear``, ``conversation.chat.submit_tool_outputs``, ``conversation.chat.cancel``,
``input_text.generate_audio`` (text under 1024 bytes). Down: ``chat.created``, ``chat.updated``, the
``conversation.*`` reply events, transcripts, VAD events and ``error`` (see `.events`).
A chat session does not reconnect on its own: the conversation state lives on the server, and a
reply cut off mid-way cannot be resumed, so a drop is reported (RealtimeConnectionError) instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..types.chat import ToolOutput
from ._audio import DEFAULT_CHUNK_SIZE, TEXT_LIMIT_BYTES, AudioSource, split_text
from ._session import RealtimeSession
from .events import ConversationChatCompleted, WebsocketEvent

if TYPE_CHECKING:
    from . import AsyncWebsockets

__all__ = ["ChatSession"]

_UPDATE_FIELDS = ("chat_config", "input_audio", "output_audio", "event_subscriptions", "need_play_prologue",
                  "prologue_content", "turn_detection", "asr_config")


class ChatSession(RealtimeSession):
    """A voice chat session: ``async with coze.websockets.chat(bot_id=...) as chat:``.

    Args:
        owner: the `AsyncWebsockets` it belongs to (``coze.websockets``, whose methods build sessions): its
            WebSocket host, auth, limiter and ledger are used.
        bot_id: the bot (query parameter); ``workflow_id`` and ``device_id`` are optional.
        workflow_id: optional workflow to run (query parameter).
        device_id: optional device id (query parameter).
        chat_config: ``chat.update`` field, sent on connect.
        input_audio: ``chat.update`` field, sent on connect.
        output_audio: ``chat.update`` field, sent on connect (``speech_rate`` -50 to 100).
        event_subscriptions: ``chat.update`` field: the event types to receive.
        need_play_prologue: ``chat.update`` field: play the bot's opening line.
        prologue_content: ``chat.update`` field: the opening line to play.
        turn_detection: ``chat.update`` field (server VAD or client interrupt).
        asr_config: ``chat.update`` field: speech recognition options.
        **options: the `RealtimeSession` options (``raise_errors``, ``open_timeout``, ``max_wait``,
            ``extra_headers`` ...); a chat session never reconnects (a dropped connection raises
            `RealtimeConnectionError`).

    Examples:
        ```python
        async with coze.websockets.chat(bot_id="7351...", output_audio={"codec": "pcm"}) as chat:
            await chat.create_message("What's the weather?")
            async for event in chat.until("conversation.chat.completed"):
                print(event.event_type)
        ```
    """

    path = "/v1/chat"
    groups = ("model",)  # a voice chat runs the bot's model: model RPM applies (plans.md, Coze table)
    update_event = "chat.update"
    can_reconnect = False

    def __init__(
        self,
        owner: AsyncWebsockets,
        *,
        bot_id: str,
        workflow_id: str | None = None,
        device_id: str | None = None,
        chat_config: Mapping[str, Any] | None = None,
        input_audio: Mapping[str, Any] | None = None,
        output_audio: Mapping[str, Any] | None = None,
        event_subscriptions: Sequence[str] | None = None,
        need_play_prologue: bool | None = None,
        prologue_content: str | None = None,
        turn_detection: Mapping[str, Any] | None = None,
        asr_config: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        if not bot_id or not str(bot_id).strip():
            raise ValidationError("bot_id is required")
        if output_audio and "speech_rate" in output_audio and not -50 <= int(output_audio["speech_rate"]) <= 100:
            raise ValidationError("output_audio.speech_rate must be -50..100")
        values: dict[str, Any] = dict(zip(_UPDATE_FIELDS, (
            chat_config, input_audio, output_audio, list(event_subscriptions) if event_subscriptions else None,
            need_play_prologue, prologue_content, turn_detection, asr_config), strict=True))
        update = {k: v for k, v in values.items() if v is not None}
        super().__init__(owner, query={"bot_id": bot_id, "workflow_id": workflow_id, "device_id": device_id},
                         update=update or None, **options)

    def _observe(self, event: WebsocketEvent) -> None:
        super()._observe(event)
        if isinstance(event, ConversationChatCompleted) and event.data.usage is not None:
            usage = event.data.usage
            self.usage.input_tokens += usage.input_count
            self.usage.output_tokens += usage.output_count

    async def append_audio(self, audio: bytes) -> None:
        """Send audio bytes (``input_audio_buffer.append``, in chunks of at most 32 KiB).

        Args:
            audio: the audio bytes, in the format ``input_audio`` announced.
        """
        await self.stream_audio(audio)

    async def stream_audio(self, source: AudioSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                           pace: float | None = None) -> int:
        """Send audio from bytes, a path, a binary file, or a (sync/async) iterable, chunk by chunk.

        Args:
            source: bytes, a file path, a binary file object, or a (sync or async) iterable of bytes; files are
                read one chunk at a time.
            chunk_size: the most audio bytes per ``input_audio_buffer.append`` event (default 32 KiB).
            pace: send no faster than this many audio bytes per second (real time, as a microphone would);
                ``None`` sends as fast as possible.

        Returns:
            The number of audio bytes sent.
        """
        return await self._send_audio("input_audio_buffer.append", source, chunk_size=chunk_size, pace=pace)

    async def complete_audio(self) -> str:
        """Send ``input_audio_buffer.complete`` (push-to-talk: the user finished speaking)."""
        return await self.send_event("input_audio_buffer.complete")

    async def clear_audio(self) -> str:
        """Send ``input_audio_buffer.clear``."""
        return await self.send_event("input_audio_buffer.clear")

    async def create_message(self, content: str | Sequence[Mapping[str, Any]], *, role: str = "user",
                             content_type: str | None = None) -> str:
        """Send ``conversation.message.create``: a user message starts a reply; an assistant one adds context.

        ``content`` is text, or a list of ``object_string`` parts (``{"type": "image", "file_id": ...}``).

        Args:
            content: the message text, or a list of ``object_string`` parts (plain dicts), sent as JSON.
            role: ``"user"`` (default: the bot replies) or ``"assistant"`` (context only).
            content_type: the ``content_type`` to send (default: ``"text"`` for text, ``"object_string"`` for
                a list).

        Returns:
            The id of the event sent.
        """
        if role not in ("user", "assistant"):
            raise ValidationError("role must be 'user' or 'assistant'")
        if isinstance(content, str):
            text, ctype = content, content_type or "text"
        else:
            text, ctype = json.dumps(list(content), ensure_ascii=False), content_type or "object_string"
        if not text:
            raise ValidationError("content must not be empty")
        return await self.send_event("conversation.message.create",
                                     {"role": role, "content_type": ctype, "content": text})

    async def clear_conversation(self) -> str:
        """Send ``conversation.clear``: start a new context section."""
        return await self.send_event("conversation.clear")

    async def submit_tool_outputs(self, chat_id: str, tool_outputs: Sequence[ToolOutput | Mapping[str, Any]]) -> str:
        """Send ``conversation.chat.submit_tool_outputs`` for a ``requires_action`` event.

        Args:
            chat_id: the ``id`` of the chat that requires action (from the ``requires_action`` event).
            tool_outputs: one output per tool call: `ToolOutput` records or plain dicts
                (``{"tool_call_id": ..., "output": ...}``); not empty.
        """
        if not chat_id:
            raise ValidationError("chat_id is required")
        outputs = [ToolOutput.model_validate(o).model_dump() if not isinstance(o, ToolOutput) else o.model_dump()
                   for o in tool_outputs]
        if not outputs:
            raise ValidationError("tool_outputs must not be empty")
        return await self.send_event("conversation.chat.submit_tool_outputs",
                                     {"chat_id": chat_id, "tool_outputs": outputs})

    async def cancel(self) -> str:
        """Send ``conversation.chat.cancel``: interrupt the bot's reply."""
        return await self.send_event("conversation.chat.cancel")

    async def generate_audio(self, text: str, *, split: bool = False) -> int:
        """Send ``input_text.generate_audio``: the bot speaks ``text`` (no reply is generated).

        The text must be under 1024 UTF-8 bytes (the Coze realtime pages); longer text is refused before
        sending, or, with ``split=True``, sent as several events. Returns how many were sent.

        Args:
            text: the text to speak (not empty).
            split: send text of 1024 bytes or more as several events, split at sentence breaks, instead of
                raising `ValidationError`.
        """
        if not text:
            raise ValidationError("text must not be empty")
        if len(text.encode("utf-8")) >= TEXT_LIMIT_BYTES and not split:
            raise ValidationError(
                f"input_text.generate_audio text must be under {TEXT_LIMIT_BYTES} UTF-8 bytes, got "
                f"{len(text.encode('utf-8'))}; pass split=True to send it in several pieces"
            )
        pieces = split_text(text, TEXT_LIMIT_BYTES - 1)
        for piece in pieces:
            await self.send_event("input_text.generate_audio", {"mode": "text", "text": piece})
        return len(pieces)

"""Typed realtime events (the Coze realtime pages): what the server sends down, parsed from JSON frames.

Frames are ``{id, event_type, data, detail{logid, origin_message?}}``. Each known ``event_type`` has
a class with a typed ``data``; an unknown type (or one whose ``data`` does not fit its model) is
kept as a plain `WebsocketEvent` with the raw ``data``, never dropped. Audio arrives as
base64: the ``audio`` property decodes it on demand (decoding every frame up front would cost time
for callers that forward the base64 as is).

Examples:
    ```python
    event = parse_event({"id": "1", "event_type": "speech.audio.update", "data": {"delta": "AAE="}})
    type(event).__name__, event.audio
    # ('SpeechAudioUpdate', b'\\x00\\x01')
    parse_event({"event_type": "brand.new", "data": {"x": 1}}).data
    # {'x': 1}
    ```
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any, ClassVar

from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from .._models import ResponseModel
from ..types.chat import Chat, Message

__all__ = [
    "AudioDelta",
    "ChatCreated",
    "ChatUpdated",
    "ConversationAudioCompleted",
    "ConversationAudioDelta",
    "ConversationAudioSentenceStart",
    "ConversationAudioTranscriptCompleted",
    "ConversationAudioTranscriptUpdate",
    "ConversationChatCanceled",
    "ConversationChatCompleted",
    "ConversationChatCreated",
    "ConversationChatFailed",
    "ConversationChatInProgress",
    "ConversationChatRequiresAction",
    "ConversationCleared",
    "ConversationMessageCompleted",
    "ConversationMessageDelta",
    "ErrorData",
    "ErrorEvent",
    "EventDetail",
    "InputAudioBufferCleared",
    "InputAudioBufferCompleted",
    "InputAudioBufferSpeechStarted",
    "InputAudioBufferSpeechStopped",
    "InputTextBufferCompleted",
    "Reconnected",
    "SpeechAudioCompleted",
    "SpeechAudioUpdate",
    "SpeechCreated",
    "SpeechUpdated",
    "TextContent",
    "TranscriptionsCreated",
    "TranscriptionsMessageCompleted",
    "TranscriptionsMessageUpdate",
    "TranscriptionsUpdated",
    "WebsocketEvent",
    "parse_event",
]

log = logging.getLogger("coze_client.websockets")


class EventDetail(ResponseModel):
    """``detail`` of a server frame: the log id, and for ``error`` the client frame that caused it."""

    model_config = ConfigDict(extra="allow")

    logid: str | None = None
    origin_message: str | None = None


class WebsocketEvent(ResponseModel):
    """A server event. Unknown event types are kept as this class, with the raw ``data``."""

    model_config = ConfigDict(extra="allow", protected_namespaces=())
    EVENT_TYPE: ClassVar[str] = ""

    id: str = ""
    event_type: str
    data: Any = None
    detail: EventDetail | None = None

    @property
    def logid(self) -> str | None:
        """The server's log id of this frame (quote it to support)."""
        return self.detail.logid if self.detail else None


class AudioDelta(ResponseModel):
    """``{delta: base64}`` of ``speech.audio.update``."""

    model_config = ConfigDict(extra="allow")
    delta: str = ""


class TextContent(ResponseModel):
    """``{content}`` of transcript events."""

    model_config = ConfigDict(extra="allow")
    content: str = ""


class ErrorData(ResponseModel):
    """``{code, msg}`` of an ``error`` frame (and of ``conversation.chat.canceled``)."""

    model_config = ConfigDict(extra="allow")
    code: int = 0
    msg: str = ""


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return b""


# ---------------------------------------------------------------- common
class ErrorEvent(WebsocketEvent):
    """``error``: the server refused something (``data.code``, ``data.msg``; ``detail.logid``)."""

    EVENT_TYPE = "error"
    data: ErrorData = Field(default_factory=ErrorData)


class Reconnected(WebsocketEvent):
    """Client-side event (never sent by the server): the connection dropped and was re-opened.

    ``data`` holds ``attempt``, ``replayed`` (input frames sent again) and ``lost_input`` (True when
    the input since the last finished result was too large to replay and must be sent again).
    """

    EVENT_TYPE = "client.reconnected"
    data: dict[str, Any] = Field(default_factory=dict)


# ---------------------------------------------------------------- speech (TTS)
class SpeechCreated(WebsocketEvent):
    """``speech.created``: the speech connection is ready."""

    EVENT_TYPE = "speech.created"


class SpeechUpdated(WebsocketEvent):
    """``speech.updated``: the configuration (``output_audio``) was applied."""

    EVENT_TYPE = "speech.updated"


class InputTextBufferCompleted(WebsocketEvent):
    """``input_text_buffer.completed``: the text was accepted for synthesis."""

    EVENT_TYPE = "input_text_buffer.completed"


class SpeechAudioUpdate(WebsocketEvent):
    """``speech.audio.update``: a piece of synthesized audio (``audio``: decoded bytes)."""

    EVENT_TYPE = "speech.audio.update"
    data: AudioDelta = Field(default_factory=AudioDelta)

    @property
    def audio(self) -> bytes:
        """The audio bytes of this piece."""
        return _b64(self.data.delta)


class SpeechAudioCompleted(WebsocketEvent):
    """``speech.audio.completed``: all audio for the completed text was sent."""

    EVENT_TYPE = "speech.audio.completed"


# ---------------------------------------------------------------- transcriptions (ASR)
class TranscriptionsCreated(WebsocketEvent):
    """``transcriptions.created``: the transcription connection is ready."""

    EVENT_TYPE = "transcriptions.created"


class TranscriptionsUpdated(WebsocketEvent):
    """``transcriptions.updated``: the configuration (``input_audio``) was applied."""

    EVENT_TYPE = "transcriptions.updated"


class InputAudioBufferCompleted(WebsocketEvent):
    """``input_audio_buffer.completed``: the audio was submitted."""

    EVENT_TYPE = "input_audio_buffer.completed"


class InputAudioBufferCleared(WebsocketEvent):
    """``input_audio_buffer.cleared``: the buffered audio was dropped."""

    EVENT_TYPE = "input_audio_buffer.cleared"


class TranscriptionsMessageUpdate(WebsocketEvent):
    """``transcriptions.message.update``: recognised text so far (``data.content``)."""

    EVENT_TYPE = "transcriptions.message.update"
    data: TextContent = Field(default_factory=TextContent)


class TranscriptionsMessageCompleted(WebsocketEvent):
    """``transcriptions.message.completed``: recognition finished."""

    EVENT_TYPE = "transcriptions.message.completed"


# ---------------------------------------------------------------- chat
class ChatCreated(WebsocketEvent):
    """``chat.created``: the chat connection is ready."""

    EVENT_TYPE = "chat.created"


class ChatUpdated(WebsocketEvent):
    """``chat.updated``: the configuration was applied (``data`` echoes it)."""

    EVENT_TYPE = "chat.updated"


class _ChatEvent(WebsocketEvent):
    data: Chat = Field(default_factory=Chat)


class _MessageEvent(WebsocketEvent):
    data: Message = Field(default_factory=Message)


class ConversationChatCreated(_ChatEvent):
    """``conversation.chat.created``: a reply started (``data``: Chat)."""

    EVENT_TYPE = "conversation.chat.created"


class ConversationChatInProgress(_ChatEvent):
    """``conversation.chat.in_progress``."""

    EVENT_TYPE = "conversation.chat.in_progress"


class ConversationMessageDelta(_MessageEvent):
    """``conversation.message.delta``: a piece of the reply text (``data.content``)."""

    EVENT_TYPE = "conversation.message.delta"


class ConversationAudioSentenceStart(WebsocketEvent):
    """``conversation.audio.sentence_start``: the subtitle of the audio that follows (``data['text']``)."""

    EVENT_TYPE = "conversation.audio.sentence_start"


class ConversationAudioDelta(_MessageEvent):
    """``conversation.audio.delta``: reply audio (``audio``: decoded bytes of ``data.content``)."""

    EVENT_TYPE = "conversation.audio.delta"

    @property
    def audio(self) -> bytes:
        """The audio bytes of this piece."""
        return _b64(self.data.content)


class ConversationMessageCompleted(_MessageEvent):
    """``conversation.message.completed``: one message of the reply is complete."""

    EVENT_TYPE = "conversation.message.completed"


class ConversationAudioCompleted(_MessageEvent):
    """``conversation.audio.completed``: the reply audio is complete."""

    EVENT_TYPE = "conversation.audio.completed"


class ConversationChatCompleted(_ChatEvent):
    """``conversation.chat.completed``: the reply is done (``data.usage`` filled)."""

    EVENT_TYPE = "conversation.chat.completed"


class ConversationChatFailed(_ChatEvent):
    """``conversation.chat.failed``: the reply failed (``data.last_error``)."""

    EVENT_TYPE = "conversation.chat.failed"


class ConversationChatRequiresAction(_ChatEvent):
    """``conversation.chat.requires_action``: answer ``data.required_action`` with ``submit_tool_outputs``."""

    EVENT_TYPE = "conversation.chat.requires_action"


class ConversationChatCanceled(WebsocketEvent):
    """``conversation.chat.canceled``: the reply was interrupted (``data.code``, ``data.msg``)."""

    EVENT_TYPE = "conversation.chat.canceled"
    data: ErrorData = Field(default_factory=ErrorData)


class ConversationCleared(WebsocketEvent):
    """``conversation.cleared``: the context was cleared (a new section)."""

    EVENT_TYPE = "conversation.cleared"


class ConversationAudioTranscriptUpdate(WebsocketEvent):
    """``conversation.audio_transcript.update``: what the user said so far (``data.content``)."""

    EVENT_TYPE = "conversation.audio_transcript.update"
    data: TextContent = Field(default_factory=TextContent)


class ConversationAudioTranscriptCompleted(WebsocketEvent):
    """``conversation.audio_transcript.completed``: the user's speech, recognised (``data.content``)."""

    EVENT_TYPE = "conversation.audio_transcript.completed"
    data: TextContent = Field(default_factory=TextContent)


class InputAudioBufferSpeechStarted(WebsocketEvent):
    """``input_audio_buffer.speech_started``: the server heard speech begin (server_vad)."""

    EVENT_TYPE = "input_audio_buffer.speech_started"


class InputAudioBufferSpeechStopped(WebsocketEvent):
    """``input_audio_buffer.speech_stopped``: the server heard speech end (server_vad)."""

    EVENT_TYPE = "input_audio_buffer.speech_stopped"


_REGISTRY: dict[str, type[WebsocketEvent]] = {
    cls.EVENT_TYPE: cls
    for cls in (
        ErrorEvent, SpeechCreated, SpeechUpdated, InputTextBufferCompleted, SpeechAudioUpdate, SpeechAudioCompleted,
        TranscriptionsCreated, TranscriptionsUpdated, InputAudioBufferCompleted, InputAudioBufferCleared,
        TranscriptionsMessageUpdate, TranscriptionsMessageCompleted, ChatCreated, ChatUpdated,
        ConversationChatCreated, ConversationChatInProgress, ConversationMessageDelta, ConversationAudioSentenceStart,
        ConversationAudioDelta, ConversationMessageCompleted, ConversationAudioCompleted, ConversationChatCompleted,
        ConversationChatFailed, ConversationChatRequiresAction, ConversationChatCanceled, ConversationCleared,
        ConversationAudioTranscriptUpdate, ConversationAudioTranscriptCompleted, InputAudioBufferSpeechStarted,
        InputAudioBufferSpeechStopped,
    )
}


def parse_event(message: dict[str, Any]) -> WebsocketEvent:
    """The typed event for one decoded server frame (unknown or ill-fitting ones stay generic).

    Args:
        message: the frame's decoded JSON object (``id``, ``event_type``, ``data``, ``detail``).
    """
    frame = dict(message)
    frame["event_type"] = str(frame.get("event_type") or "")
    frame["id"] = str(frame.get("id") or "")
    if frame.get("data") is None:
        frame.pop("data", None)
    if not isinstance(frame.get("detail"), dict):
        frame.pop("detail", None)
    cls = _REGISTRY.get(frame["event_type"], WebsocketEvent)
    if cls is not WebsocketEvent:
        try:
            return cls.model_validate(frame)
        except PydanticValidationError:
            log.debug("realtime event %s did not fit its model; kept raw", frame["event_type"])
    try:
        return WebsocketEvent.model_validate(frame)
    except PydanticValidationError:
        # Even a malformed ``detail`` must not lose the event (or kill the reader): keep it bare.
        return WebsocketEvent(id=frame["id"], event_type=frame["event_type"], data=frame.get("data"))

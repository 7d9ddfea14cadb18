"""Streaming speech synthesis (TTS) over ``wss://ws.coze.cn/v1/audio/speech`` (the Coze realtime pages).

Up: ``speech.update{output_audio}``, ``input_text_buffer.append{delta}``, ``input_text_buffer.complete``.
Down: ``speech.created``, ``speech.updated``, ``input_text_buffer.completed``, ``speech.audio.update``
(base64 audio), ``speech.audio.completed``, ``error``. Text is limited to 1024 UTF-8 bytes per request
(error 3010): `SpeechSession.append` refuses more before sending, `SpeechSession.speak`
splits longer text into several requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ._audio import TEXT_LIMIT_BYTES, split_text
from ._session import RealtimeSession
from .events import SpeechAudioUpdate, WebsocketEvent

if TYPE_CHECKING:
    from . import AsyncWebsockets

__all__ = ["SpeechSession"]


class SpeechSession(RealtimeSession):
    """A speech synthesis session: ``async with coze.websockets.audio.speech(...) as speech:``.

    Args:
        owner: the `AsyncWebsockets` it belongs to (``coze.websockets``, whose methods build sessions): its
            WebSocket host, auth, limiter and ledger are used.
        output_audio: the ``output_audio`` config (``codec``, ``pcm_config``, ``opus_config``,
            ``speech_rate``, ``voice_id``), sent as ``speech.update`` when the connection opens.
        voice_id: shortcut for ``output_audio["voice_id"]``.
        codec: shortcut for ``output_audio["codec"]``.
        sample_rate: shortcut for the sample rate in ``output_audio``'s codec config.
        speech_rate: shortcut for ``output_audio["speech_rate"]`` (-50 to 100).
        **options: session options; ``reconnect`` re-opens a dropped connection (``True`` = 3 attempts)
            and replays unfinished text.

    Examples:
        ```python
        async with coze.websockets.audio.speech(voice_id="7426720361733046281") as speech:
            async for audio in speech.synthesize("你好，欢迎使用扣子。"):
                player.write(audio)
        ```
    """

    path = "/v1/audio/speech"
    update_event = "speech.update"
    input_events = frozenset({"input_text_buffer.append", "input_text_buffer.complete"})
    finished_events = frozenset({"speech.audio.completed"})
    can_reconnect = True

    def __init__(
        self,
        owner: AsyncWebsockets,
        *,
        output_audio: Mapping[str, Any] | None = None,
        voice_id: str | None = None,
        codec: str | None = None,
        sample_rate: int | None = None,
        speech_rate: int | None = None,
        **options: Any,
    ) -> None:
        audio = dict(output_audio or {})
        if voice_id is not None:
            audio["voice_id"] = voice_id
        if codec is not None:
            audio["codec"] = codec
        if speech_rate is not None:
            if not -50 <= speech_rate <= 100:
                raise ValidationError("speech_rate must be -50..100")
            audio["speech_rate"] = speech_rate
        if sample_rate is not None:
            audio.setdefault("pcm_config", {})["sample_rate"] = sample_rate
        super().__init__(owner, update={"output_audio": audio} if audio else None, **options)
        self._buffered = 0  # UTF-8 bytes appended since the last complete

    async def append(self, text: str) -> str:
        """Send ``input_text_buffer.append``. Refuses (ValidationError, nothing sent) text that would
        make the pending request exceed 1024 UTF-8 bytes; use `speak` for longer text.

        Args:
            text: the text to add to the pending request.

        Returns:
            The id of the event sent.
        """
        size = len(text.encode("utf-8"))
        if self._buffered + size > TEXT_LIMIT_BYTES:
            raise ValidationError(
                f"speech text is limited to {TEXT_LIMIT_BYTES} UTF-8 bytes per request (error 3010); "
                f"this append would make it {self._buffered + size} bytes. Call complete() first, or use "
                "speak(text), which splits long text into several requests"
            )
        event_id = await self.send_event("input_text_buffer.append", {"delta": text})
        self._buffered += size
        self.usage.extra["tts_characters"] = self.usage.extra.get("tts_characters", 0) + len(text)
        return event_id

    async def complete(self) -> str:
        """Send ``input_text_buffer.complete``: synthesize the appended text."""
        event_id = await self.send_event("input_text_buffer.complete")
        self._buffered = 0
        return event_id

    async def speak(self, text: str) -> int:
        """Append and complete ``text``, split into requests of at most 1024 bytes at sentence breaks.

        Text appended before (not completed yet) is completed first, as a request of its own. Returns
        how many requests were completed: as many ``speech.audio.completed`` events will follow.

        Args:
            text: the text to speak, of any length.
        """
        flushed = 0
        if self._buffered:  # text appended earlier is its own request (and its own completed event)
            await self.complete()
            flushed = 1
        pieces = split_text(text, TEXT_LIMIT_BYTES)
        for piece in pieces:
            await self.append(piece)
            await self.complete()
        return len(pieces) + flushed

    async def synthesize(self, text: str, *, timeout: float | None = None) -> AsyncIterator[bytes]:
        """Speak ``text`` and yield its audio bytes until every request's ``speech.audio.completed``.

        Args:
            text: the text to speak, of any length (split as `speak` does).
            timeout: the most seconds to wait for each event (``TimeoutError`` beyond it); ``None``: no limit.
        """
        remaining = await self.speak(text)
        while remaining:
            event: WebsocketEvent
            async for event in self.until("speech.audio.completed", timeout=timeout):
                if isinstance(event, SpeechAudioUpdate):
                    yield event.audio
            remaining -= 1

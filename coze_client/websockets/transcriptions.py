"""Streaming speech recognition (ASR) over ``wss://ws.coze.cn/v1/audio/transcriptions`` (the Coze realtime pages).

Up: ``transcriptions.update{input_audio{format, codec, sample_rate, channel, bit_depth}}``,
``input_audio_buffer.append{delta: base64}``, ``input_audio_buffer.complete``, ``input_audio_buffer.clear``.
Down: ``transcriptions.created``, ``transcriptions.updated``, ``input_audio_buffer.completed``,
``input_audio_buffer.cleared``, ``transcriptions.message.update{content}``,
``transcriptions.message.completed``, ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ._audio import DEFAULT_CHUNK_SIZE, AudioSource
from ._session import RealtimeSession
from .events import TranscriptionsMessageUpdate

if TYPE_CHECKING:
    from . import AsyncWebsockets

__all__ = ["TranscriptionSession"]

_FORMATS = frozenset({"pcm", "wav", "ogg"})
_CODECS = frozenset({"pcm", "opus", "g711a", "g711u"})


class TranscriptionSession(RealtimeSession):
    """A recognition session: ``async with coze.websockets.audio.transcriptions(...) as asr:``.

    Args:
        owner: the `AsyncWebsockets` it belongs to (``coze.websockets``, whose methods build sessions): its
            WebSocket host, auth, limiter and ledger are used.
        input_audio: the ``input_audio`` config, sent as ``transcriptions.update`` on connect.
        format: shortcut merged into ``input_audio`` (``pcm``, ``wav`` or ``ogg``).
        codec: shortcut merged into ``input_audio`` (``pcm``, ``opus``, ``g711a`` or ``g711u``).
        sample_rate: shortcut merged into ``input_audio``.
        channel: shortcut merged into ``input_audio``.
        bit_depth: shortcut merged into ``input_audio``.
        **options: session options; ``reconnect`` re-opens a dropped connection (``True`` = 3 attempts);
            audio sent since the last finished result is replayed if it is at most ``replay_limit`` bytes
            (4 MiB).

    Examples:
        ```python
        async with coze.websockets.audio.transcriptions(format="pcm", sample_rate=16000) as asr:
            text = await asr.transcribe("question.pcm")
        ```
    """

    path = "/v1/audio/transcriptions"
    update_event = "transcriptions.update"
    input_events = frozenset({"input_audio_buffer.append", "input_audio_buffer.complete"})
    reset_events = frozenset({"input_audio_buffer.clear"})
    finished_events = frozenset({"transcriptions.message.completed", "input_audio_buffer.cleared"})
    can_reconnect = True

    def __init__(
        self,
        owner: AsyncWebsockets,
        *,
        input_audio: Mapping[str, Any] | None = None,
        format: str | None = None,
        codec: str | None = None,
        sample_rate: int | None = None,
        channel: int | None = None,
        bit_depth: int | None = None,
        **options: Any,
    ) -> None:
        audio = dict(input_audio or {})
        for key, value in (("format", format), ("codec", codec), ("sample_rate", sample_rate),
                           ("channel", channel), ("bit_depth", bit_depth)):
            if value is not None:
                audio[key] = value
        if "format" in audio and audio["format"] not in _FORMATS:
            raise ValidationError(f"input_audio.format must be one of {sorted(_FORMATS)}")
        if "codec" in audio and audio["codec"] not in _CODECS:
            raise ValidationError(f"input_audio.codec must be one of {sorted(_CODECS)}")
        super().__init__(owner, update={"input_audio": audio} if audio else None, **options)

    async def append(self, audio: bytes) -> None:
        """Send audio bytes (``input_audio_buffer.append``, in chunks of at most 32 KiB).

        Args:
            audio: the audio bytes, in the format ``input_audio`` announced.
        """
        await self.stream(audio)

    async def stream(self, source: AudioSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                     pace: float | None = None) -> int:
        """Send audio from bytes, a file path, a binary file, or a (sync/async) iterable of bytes, chunk by chunk.

        ``pace`` (bytes per second) sends no faster than real time, as a microphone would. Returns
        the number of audio bytes sent.

        Args:
            source: bytes, a file path, a binary file object, or a (sync or async) iterable of bytes; files are
                read one chunk at a time.
            chunk_size: the most audio bytes per ``input_audio_buffer.append`` event (default 32 KiB).
            pace: send no faster than this many audio bytes per second (real time, as a microphone would);
                ``None`` sends as fast as possible.
        """
        sent = await self._send_audio("input_audio_buffer.append", source, chunk_size=chunk_size, pace=pace)
        self.usage.extra["asr_audio_bytes"] = self.usage.extra.get("asr_audio_bytes", 0) + sent
        return sent

    async def complete(self) -> str:
        """Send ``input_audio_buffer.complete``: the audio is complete, finish recognising it."""
        return await self.send_event("input_audio_buffer.complete")

    async def clear(self) -> str:
        """Send ``input_audio_buffer.clear``: drop the audio sent so far."""
        return await self.send_event("input_audio_buffer.clear")

    async def transcribe(self, source: AudioSource, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                         timeout: float | None = None) -> str:
        """Stream ``source``, complete it, and return the recognised text.

        Args:
            source: bytes, a file path, a binary file object, or a (sync or async) iterable of bytes; files are
                read one chunk at a time.
            chunk_size: the most audio bytes per ``input_audio_buffer.append`` event (default 32 KiB).
            timeout: the most seconds to wait for each result event (``TimeoutError`` beyond it); ``None``: no
                limit.
        """
        await self.stream(source, chunk_size=chunk_size)
        await self.complete()
        text = ""
        async for event in self.until("transcriptions.message.completed", timeout=timeout):
            if isinstance(event, TranscriptionsMessageUpdate):
                text = event.data.content
        return text

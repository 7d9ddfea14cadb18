"""Voice models: voices, speech, transcription, rooms, live, voiceprints (the Coze audio pages)."""

from __future__ import annotations

import asyncio
import os
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .._models import CozeModel, ResponseModel

__all__ = [
    "AudioCodec",
    "AudioFormat",
    "CreatedId",
    "FeatureScore",
    "LiveInfo",
    "Room",
    "RoomAudioConfig",
    "RoomConfig",
    "RoomMode",
    "RoomTranslateConfig",
    "RoomTurnDetection",
    "RoomVideoConfig",
    "SpeakerIdentifyResult",
    "SpeechAudio",
    "SpeechEmotion",
    "SpeechFile",
    "StreamInfo",
    "Transcription",
    "TurnDetectionType",
    "Voice",
    "VoiceEmotion",
    "VoiceModelType",
    "VoiceState",
    "VoiceprintFeature",
    "VoiceprintGroup",
    "VoiceprintUser",
]


class AudioFormat(str, Enum):
    """``response_format`` of speech (mp3 is the default)."""

    MP3 = "mp3"
    WAV = "wav"
    PCM = "pcm"
    OGG_OPUS = "ogg_opus"


class SpeechEmotion(str, Enum):
    """Emotions a speech request may ask for (voices that support them, see ``Voice.support_emotions``)."""

    HAPPY = "happy"
    SAD = "sad"
    ANGRY = "angry"
    SURPRISED = "surprised"
    FEAR = "fear"
    HATE = "hate"
    EXCITED = "excited"
    COLDNESS = "coldness"
    NEUTRAL = "neutral"


class VoiceModelType(str, Enum):
    """Voice model size filter."""

    BIG = "big"
    SMALL = "small"


class VoiceState(str, Enum):
    """Voice state filter of ``voices.list``."""

    INIT = "init"
    CLONED = "cloned"
    ALL = "all"


class EmotionScaleInterval(ResponseModel):
    """The allowed ``emotion_scale`` range for one emotion of a voice."""

    model_config = ConfigDict(extra="allow")

    min: float | None = None
    max: float | None = None
    default: float | None = None


class VoiceEmotion(ResponseModel):
    """One emotion a voice supports (cozepy's model lacks these)."""

    model_config = ConfigDict(extra="allow")

    emotion: str = ""
    display_name: str | None = None
    emotion_scale_interval: EmotionScaleInterval | None = None


class Voice(CozeModel):
    """A voice. Every field but ``voice_id`` is optional, so clone's documented ``{voice_id}`` answer parses."""

    voice_id: str = ""
    name: str | None = None
    is_system_voice: bool | None = None
    language_code: str | None = None
    language_name: str | None = None
    preview_text: str | None = None
    preview_audio: str | None = None
    available_training_times: int | None = None
    create_time: int | None = None
    update_time: int | None = None
    model_type: str | None = None
    state: str | None = None
    support_emotions: list[VoiceEmotion] | None = None


class SpeechAudio(CozeModel):
    """Synthesised audio held in memory (``speech.create``); use ``speech.stream_to_file`` for big outputs."""

    content: bytes = b""

    @property
    def content_type(self) -> str | None:
        """The response's content type (``audio/mpeg`` for mp3, ...)."""
        return self.meta.headers.get("content-type") if self.meta else None

    async def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Write the audio to ``path`` (in a worker thread).

        Args:
            path: the file to write (created or overwritten), a ``str`` or ``os.PathLike``.
        """

        def _write() -> None:
            with open(path, "wb") as fh:
                fh.write(self.content)

        await asyncio.to_thread(_write)


class SpeechFile(CozeModel):
    """Where ``speech.stream_to_file`` wrote the audio."""

    path: str
    bytes_written: int = 0
    content_type: str | None = None


class Transcription(CozeModel):
    """Text recognised from an audio file."""

    text: str = ""


class AudioCodec(str, Enum):
    """Room audio codecs (OPUS is the default)."""

    AACLC = "AACLC"
    G711A = "G711A"
    OPUS = "OPUS"
    G722 = "G722"


class RoomAudioConfig(BaseModel):
    """Audio of an RTC room."""

    model_config = ConfigDict(extra="forbid")

    codec: Literal["AACLC", "G711A", "OPUS", "G722"] = "OPUS"


class RoomVideoConfig(BaseModel):
    """Video of an RTC room; every field optional (the server picks its defaults)."""

    model_config = ConfigDict(extra="forbid")

    codec: Literal["H264", "BYTEVC1"] | None = None
    stream_video_type: Literal["main", "screen"] | None = None
    video_frame_rate: int | None = Field(default=None, ge=1, le=24)
    video_frame_expire_duration: int | None = Field(default=None, ge=1, le=10)


class RoomMode(str, Enum):
    """Conversation mode of a room."""

    DEFAULT = "default"
    S2S = "s2s"
    PODCAST = "podcast"
    TRANSLATE = "translate"


class RoomTranslateConfig(BaseModel):
    """Languages of ``room_mode="translate"`` (``from`` is spelt ``from_`` in Python)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class TurnDetectionType(str, Enum):
    """Who decides when a speaker's turn ends."""

    SERVER_VAD = "server_vad"
    CLIENT_VAD = "client_vad"
    CLIENT_INTERRUPT = "client_interrupt"
    SEMANTIC_VAD = "semantic_vad"


class RoomTurnDetection(BaseModel):
    """Turn detection of a room (cozepy cannot send it, a cozepy 0.20.0 gap)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["server_vad", "client_vad", "client_interrupt", "semantic_vad"] | None = None


class RoomConfig(BaseModel):
    """Configuration of an RTC room. Every field is optional; documented defaults are filled in.

    Examples:
        ```python
        RoomConfig().model_dump(by_alias=True, exclude_none=True)
        # {'prologue_delay_duration_ms': 500, 'room_mode': 'default'}
        RoomConfig(turn_detection={"type": "server_vad"}).turn_detection.type
        # 'server_vad'
        ```
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    audio_config: RoomAudioConfig | None = None
    video_config: RoomVideoConfig | None = None
    prologue_content: str | None = None
    prologue_delay_duration_ms: int = Field(default=500, ge=0, le=5000)
    room_mode: Literal["default", "s2s", "podcast", "translate"] = "default"
    translate_config: RoomTranslateConfig | None = None
    turn_detection: RoomTurnDetection | None = None


class Room(CozeModel):
    """Credentials to join a created RTC room."""

    token: str = Field(default="", repr=False)
    uid: str | None = None
    room_id: str = ""
    app_id: str | None = None


class StreamInfo(ResponseModel):
    """One stream of a live session."""

    model_config = ConfigDict(extra="allow")

    stream_id: str = ""
    name: str | None = None
    live_type: str | None = None


class LiveInfo(CozeModel):
    """A live session's streams (``origin`` / ``translation``)."""

    app_id: str | None = None
    stream_infos: list[StreamInfo] = Field(default_factory=list)


class CreatedId(CozeModel):
    """Answer of a create call that returns only the new ``id``."""

    id: str = ""


class VoiceprintUser(ResponseModel):
    """Who created a voiceprint group or feature."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    name: str | None = None
    nickname: str | None = None
    avatar_url: str | None = None


class VoiceprintGroup(CozeModel):
    """A group of voiceprints (speakers) to identify among."""

    id: str = ""
    name: str = ""
    desc: str | None = None
    icon_url: str | None = None
    feature_count: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    user_info: VoiceprintUser | None = None


class VoiceprintFeature(CozeModel):
    """One speaker's voiceprint. ``created_at`` examples look like milliseconds (the Coze API overview)."""

    id: str = ""
    group_id: str | None = None
    name: str = ""
    desc: str | None = None
    audio_url: str | None = None
    icon_url: str | None = None
    created_at: int | None = None
    updated_at: int | None = None
    user_info: VoiceprintUser | None = None


class FeatureScore(ResponseModel):
    """How well one voiceprint matches the audio."""

    model_config = ConfigDict(extra="allow")

    feature_id: str = ""
    feature_name: str | None = None
    feature_desc: str | None = None
    score: float = 0.0


class SpeakerIdentifyResult(CozeModel):
    """Best matching voiceprints of ``speaker_identify``."""

    feature_score_list: list[FeatureScore] = Field(default_factory=list)

    @property
    def best(self) -> FeatureScore | None:
        """The highest-scoring voiceprint, if any."""
        return max(self.feature_score_list, key=lambda f: f.score, default=None)



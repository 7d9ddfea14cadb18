"""Voice (the Coze audio pages): voices, speech, transcriptions, rooms, live, voiceprints.

Multipart form fields are sent as text parts, so integer fields (``sample_rate``, ``channel``,
``top_k``) work (cozepy crashes on them, a cozepy 0.20.0 gap).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal

import httpx
from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import StreamError, ValidationError, connection_error_from
from ..pagination import AsyncPaginator, Page, number_page
from ..types.audio import (
    AudioFormat,
    CreatedId,
    LiveInfo,
    Room,
    RoomConfig,
    SpeakerIdentifyResult,
    SpeechAudio,
    SpeechEmotion,
    SpeechFile,
    Transcription,
    Voice,
    VoiceModelType,
    VoiceprintFeature,
    VoiceprintGroup,
    VoiceState,
)
from ._base import APIResource, RequestOptions, done, options_of, require
from .files import FileInput, read_file_input

__all__ = [
    "AsyncAudio",
    "AsyncLive",
    "AsyncRooms",
    "AsyncSpeech",
    "AsyncTranscriptions",
    "AsyncVoiceprintFeatures",
    "AsyncVoiceprintGroups",
    "AsyncVoices",
]

MAX_SPEECH_INPUT_BYTES = 1024  # §5.7: input <= 1024 bytes of UTF-8
MAX_TRANSCRIPTION_BYTES = 10 * 1024 * 1024  # §5.7: <= 10 MB (and < 30 min)
SAMPLE_RATES = frozenset({8000, 16000, 22050, 24000, 32000, 44100, 48000})

VOICES = Endpoint("GET", "/v1/audio/voices")
CLONE = Endpoint("POST", "/v1/audio/voices/clone", idempotent=False)
SPEECH = Endpoint("POST", "/v1/audio/speech", envelope="bytes", idempotent=False)
TRANSCRIBE = Endpoint("POST", "/v1/audio/transcriptions", idempotent=False)
ROOMS = Endpoint("POST", "/v1/audio/rooms", idempotent=False)  # billing starts at creation: never retried
LIVE = Endpoint("GET", "/v1/audio/live/{live_id}")
VPG = "/v1/audio/voiceprint_groups"
GROUP_CREATE = Endpoint("POST", VPG, idempotent=False)
GROUP_LIST = Endpoint("GET", VPG)
GROUP_UPDATE = Endpoint("PUT", VPG + "/{group_id}", envelope="none")
GROUP_DELETE = Endpoint("DELETE", VPG + "/{group_id}", envelope="none")
FEATURE_CREATE = Endpoint("POST", VPG + "/{group_id}/features", idempotent=False)
FEATURE_LIST = Endpoint("GET", VPG + "/{group_id}/features")
FEATURE_UPDATE = Endpoint("PUT", VPG + "/{group_id}/features/{feature_id}", envelope="none")
FEATURE_DELETE = Endpoint("DELETE", VPG + "/{group_id}/features/{feature_id}", envelope="none")
IDENTIFY = Endpoint("POST", VPG + "/{group_id}/speaker_identify", idempotent=True)  # read-only


def _form(fields: Mapping[str, Any], file: tuple[str, bytes] | None = None) -> dict[str, Any]:
    """Multipart parts: every field as text (ints and bools too), plus the file when given."""
    parts: dict[str, Any] = {}
    if file is not None:
        parts["file"] = file
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        parts[key] = (None, str(value))
    return parts


def _bytes_len(name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    size = len(value.encode("utf-8"))
    if size > limit:
        raise ValidationError(f"{name} is {size} bytes of UTF-8; at most {limit} are allowed")
    return value


def _pcm(sample_rate: int | None, channel: int | None) -> None:
    for name, value in (("sample_rate", sample_rate), ("channel", channel)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            raise ValidationError(f"{name} must be a positive int")


def _page(page_num: int, page_size: int, max_size: int) -> None:
    if page_num < 1 or not 1 <= page_size <= max_size:
        raise ValidationError(f"page_num must be >= 1 and page_size between 1 and {max_size}")


class AsyncVoices(APIResource):
    """``coze.audio.voices``: system and cloned voices."""

    def list(
        self, *, filter_system_voice: bool | None = None,
        model_type: VoiceModelType | Literal["big", "small"] | None = None,
        voice_state: VoiceState | Literal["init", "cloned", "all"] | None = None,
        page_num: int = 1, page_size: int = 100, **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Voice]:
        """Voices you can use (``page_size`` 1-100); each lists the emotions it supports.

        Args:
            filter_system_voice: leave out the system voices (True) to list only yours.
            model_type: ``"big"`` or ``"small"`` model voices.
            voice_state: ``"init"``, ``"cloned"`` or ``"all"``.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for voice in coze.audio.voices.list(filter_system_voice=True):
                print(voice.voice_id, voice.name, [e.emotion for e in voice.support_emotions or []])
            ```
        """
        _page(page_num, page_size, 100)
        mtype = validate(VoiceModelType, model_type, "model_type").value if model_type else None
        state = validate(VoiceState, voice_state, "voice_state").value if voice_state else None
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Voice]:
            def cast(payload: Any) -> Page[Voice]:
                payload = payload or {}
                items = [Voice.model_validate(v) for v in payload.get("voice_list") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(VOICES, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"filter_system_voice": filter_system_voice, "model_type": mtype,
                                      "voice_state": state, "page_num": page_num, "page_size": page_size})

    async def clone(
        self, *, file: FileInput, voice_name: str, audio_format: str, text: str | None = None,
        language: Literal["zh", "en", "ja", "es", "id", "pt"] | None = None, voice_id: str | None = None,
        preview_text: str | None = None, space_id: str | None = None, description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Voice:
        """Clone a voice from a recording (``voice_id`` retrains an existing one, overwriting it).

        ``text`` is compared with the recording (1109 when they differ). The documented answer
        holds just ``voice_id``, which parses into `Voice`.

        Args:
            file: the recording (path, bytes, binary file or ``(name, bytes)``).
            voice_name: at most 128 bytes.
            audio_format: ``wav``, ``mp3``, ``ogg``, ``m4a``, ``aac`` or ``pcm``.
            text: what the recording says (compared with it; 1109 when they differ).
            language: ``zh``, ``en``, ``ja``, ``es``, ``id`` or ``pt``.
            voice_id: retrain this voice instead (it is overwritten).
            preview_text: the text of the preview audio.
            space_id: the workspace the voice belongs to.
            description: a description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            v = await coze.audio.voices.clone(file="me.wav", audio_format="wav",
                                              voice_name="my voice")
            v.voice_id
            ```
        """
        name = _bytes_len("voice_name", require("voice_name", voice_name), 128)
        if not isinstance(audio_format, str) or not audio_format.strip():
            raise ValidationError("audio_format is required (wav, mp3, ogg, m4a, aac, pcm)")
        fields = {"voice_name": name, "audio_format": audio_format, "text": _bytes_len("text", text, 1024),
                  "language": language, "voice_id": voice_id, "preview_text": preview_text,
                  "space_id": space_id, "description": description}
        fname, content = await read_file_input(file)
        return await self._corridor.request(CLONE, Voice.model_validate, files=_form(fields, (fname, content)),
                                            options=options_of(options))


class AsyncSpeech(APIResource):
    """``coze.audio.speech``: text to speech."""

    @staticmethod
    def _body(input: str, voice_id: str, response_format: Any, speed: float | None, sample_rate: int | None,
              emotion: Any, emotion_scale: float | None, loudness_rate: int | None,
              context_texts: Sequence[str] | None) -> dict[str, Any]:
        if not isinstance(input, str) or not input:
            raise ValidationError("input must be a non-empty string")
        _bytes_len("input", input, MAX_SPEECH_INPUT_BYTES)
        fmt = validate(AudioFormat, response_format, "response_format").value if response_format else None
        # Large-model voices take 0.5-2, small-model ones 0.2-3 (§5.7): the widest range is checked here.
        if speed is not None and not 0.2 <= speed <= 3.0:
            raise ValidationError("speed must be between 0.2 and 3.0 (0.5-2 for large-model voices)")
        if sample_rate is not None and sample_rate not in SAMPLE_RATES:
            raise ValidationError(f"sample_rate must be one of {sorted(SAMPLE_RATES)}")
        emo = validate(SpeechEmotion, emotion, "emotion").value if emotion else None
        if emotion_scale is not None and not 1.0 <= emotion_scale <= 5.0:
            raise ValidationError("emotion_scale must be between 1.0 and 5.0")
        if loudness_rate is not None and (isinstance(loudness_rate, bool) or not -50 <= loudness_rate <= 100):
            raise ValidationError("loudness_rate must be between -50 and 100")
        texts = None
        if context_texts is not None:
            if isinstance(context_texts, str) or not all(isinstance(t, str) for t in context_texts):
                raise ValidationError("context_texts must be a list of strings")
            texts = list(context_texts)
        return {"input": input, "voice_id": require("voice_id", voice_id), "response_format": fmt, "speed": speed,
                "sample_rate": sample_rate, "emotion": emo, "emotion_scale": emotion_scale,
                "loudness_rate": loudness_rate, "context_texts": texts}

    async def create(
        self, *, input: str, voice_id: str,
        response_format: AudioFormat | Literal["mp3", "wav", "pcm", "ogg_opus"] | None = None,
        speed: float | None = None, sample_rate: int | None = None,
        emotion: SpeechEmotion | str | None = None, emotion_scale: float | None = None,
        loudness_rate: int | None = None, context_texts: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SpeechAudio:
        """Synthesise speech (``input`` at most 1024 bytes of UTF-8) and return the audio in memory.

        Args:
            input: the text, at most 1024 bytes of UTF-8.
            voice_id: the voice (`voices.list`).
            response_format: ``mp3`` (default), ``wav``, ``pcm`` or ``ogg_opus``.
            speed: 0.2-3 (0.5-2 for large-model voices); 1 is normal.
            sample_rate: 8000, 16000, 22050, 24000 (default), 32000, 44100 or 48000 Hz.
            emotion: an emotion the voice supports (`SpeechEmotion`; `Voice.support_emotions`).
            emotion_scale: how strongly, 1.0-5.0 (default 4).
            loudness_rate: -50 to 100 (0 is normal).
            context_texts: style hints (TTS 2.0 voices only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            audio = await coze.audio.speech.create(input="你好", voice_id="7426...",
                                                   emotion="happy", emotion_scale=4)
            await audio.write_to_file("hello.mp3")
            ```
        """
        body = self._body(input, voice_id, response_format, speed, sample_rate, emotion, emotion_scale,
                          loudness_rate, context_texts)
        return await self._corridor.request(SPEECH, lambda content: SpeechAudio(content=content or b""), json=body,
                                            options=options_of(options))

    async def stream_to_file(
        self, path: str | os.PathLike[str], *, input: str, voice_id: str,
        response_format: AudioFormat | Literal["mp3", "wav", "pcm", "ogg_opus"] | None = None,
        speed: float | None = None, sample_rate: int | None = None,
        emotion: SpeechEmotion | str | None = None, emotion_scale: float | None = None,
        loudness_rate: int | None = None, context_texts: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SpeechFile:
        """Synthesise speech and write it to ``path`` as it arrives, never holding it all in memory.

        The audio goes to ``<path>.part`` first and is renamed when complete, so a broken download
        never leaves a truncated file at ``path``. Disk writes run in a worker thread.

        Args:
            path: where to write the audio.
            input: the text, at most 1024 bytes of UTF-8.
            voice_id: the voice (`voices.list`).
            response_format: ``mp3`` (default), ``wav``, ``pcm`` or ``ogg_opus``.
            speed: 0.2-3 (0.5-2 for large-model voices); 1 is normal.
            sample_rate: 8000, 16000, 22050, 24000 (default), 32000, 44100 or 48000 Hz.
            emotion: an emotion the voice supports (`SpeechEmotion`; `Voice.support_emotions`).
            emotion_scale: how strongly, 1.0-5.0 (default 4).
            loudness_rate: -50 to 100 (0 is normal).
            context_texts: style hints (TTS 2.0 voices only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = await coze.audio.speech.stream_to_file(
                "out.mp3", input="你好", voice_id="7426...")
            f.bytes_written
            ```
        """
        body = self._body(input, voice_id, response_format, speed, sample_rate, emotion, emotion_scale,
                          loudness_rate, context_texts)
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        # Open the file first: a bad path must fail before a billed request is sent.
        fh = await asyncio.to_thread(partial.open, "wb")
        open_fh: IO[bytes] | None = fh
        try:
            attempt, meta = await self._corridor.open_stream(SPEECH, json=body,
                                                             options=options_of(options))
        except BaseException:
            await asyncio.to_thread(_discard, fh, partial)
            raise
        written = 0
        try:
            try:
                async for chunk in attempt.response.aiter_bytes():
                    await asyncio.to_thread(fh.write, chunk)
                    written += len(chunk)
            except httpx.TransportError as exc:
                err = connection_error_from(exc)
                raise StreamError(f"the audio stream broke: {err.message}", logid=meta.logid) from None
            await asyncio.to_thread(fh.close)
            open_fh = None
            await asyncio.to_thread(os.replace, partial, target)
        except BaseException:
            await asyncio.to_thread(_discard, open_fh, partial)
            raise
        finally:
            try:
                await attempt.response.aclose()
            finally:
                await self._corridor.finish(attempt)
        meta.headers = attempt.response.headers
        result = SpeechFile(path=str(target), bytes_written=written,
                            content_type=attempt.response.headers.get("content-type"))
        object.__setattr__(result, "_meta", meta)
        return result


def _discard(fh: IO[bytes] | None, partial: Path) -> None:
    if fh is not None:
        fh.close()
    partial.unlink(missing_ok=True)


class AsyncTranscriptions(APIResource):
    """``coze.audio.transcriptions``: speech to text."""

    async def create(self, *, file: FileInput, **options: Unpack[RequestOptions]) -> Transcription:
        """Transcribe an audio file (at most 10 MB and 30 minutes; mp3, wav, ogg, m4a, ...).

        Args:
            file: the recording (path, bytes, binary file or ``(name, bytes)``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            t = await coze.audio.transcriptions.create(file="meeting.mp3")
            t.text
            ```
        """
        fname, content = await read_file_input(file, limit=MAX_TRANSCRIPTION_BYTES)
        return await self._corridor.request(TRANSCRIBE, Transcription.model_validate,
                                            files={"file": (fname, content)}, options=options_of(options))


class AsyncRooms(APIResource):
    """``coze.audio.rooms``: real-time (RTC) voice rooms."""

    async def create(
        self, *, bot_id: str, voice_id: str | None = None, conversation_id: str | None = None,
        uid: str | None = None, workflow_id: str | None = None, config: RoomConfig | Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Room:
        """Create a room the bot joins. Billing starts now (3 minutes minimum); never retried once sent.

        Every ``config`` field is optional (documented defaults are filled in).

        Args:
            bot_id: the bot's id.
            voice_id: the voice the bot speaks with.
            conversation_id: the conversation's id.
            uid: your id for the user in the room.
            workflow_id: the workflow's id.
            config: a `RoomConfig` (or dict): audio, video and turn-detection settings.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            room = await coze.audio.rooms.create(bot_id="7351...",
                config={"turn_detection": {"type": "server_vad"}, "audio_config": {"codec": "OPUS"}})
            room.room_id, room.app_id
            ```
        """
        cfg = (validate(RoomConfig, config, "config").model_dump(mode="json", by_alias=True, exclude_none=True)
               if config is not None else None)
        return await self._corridor.request(
            ROOMS, Room.model_validate,
            json={"bot_id": require("bot_id", bot_id), "voice_id": voice_id, "conversation_id": conversation_id,
                  "uid": uid, "workflow_id": workflow_id, "config": cfg},
            options=options_of(options),
        )


class AsyncLive(APIResource):
    """``coze.audio.live``."""

    async def retrieve(self, *, live_id: str, **options: Unpack[RequestOptions]) -> LiveInfo:
        """The streams of a live session.

        Args:
            live_id: the live session's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            live = await coze.audio.live.retrieve(live_id="7501...")
            [s.live_type for s in live.stream_infos]
            ```
        """
        return await self._corridor.request(LIVE, LiveInfo.model_validate, path_params={"live_id": live_id},
                                            options=options_of(options))


class AsyncVoiceprintFeatures(APIResource):
    """``coze.audio.voiceprint_groups.features``: speakers of a group."""

    async def create(
        self, *, group_id: str, file: FileInput, name: str, desc: str | None = None,
        sample_rate: int | None = None, channel: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedId:
        """Add a speaker from a recording (``sample_rate`` / ``channel`` for pcm; defaults 16000 / 1).

        Args:
            group_id: the voiceprint group's id.
            file: the speaker's recording.
            name: the speaker's name.
            desc: a description.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            feat = await coze.audio.voiceprint_groups.features.create(
                group_id="75...", file="alice.pcm", name="Alice", sample_rate=16000, channel=1)
            ```
        """
        _pcm(sample_rate, channel)
        fields = {"name": require("name", name), "desc": desc, "sample_rate": sample_rate, "channel": channel}
        fname, content = await read_file_input(file)
        return await self._corridor.request(FEATURE_CREATE, CreatedId.model_validate,
                                            path_params={"group_id": group_id},
                                            files=_form(fields, (fname, content)), options=options_of(options))

    def list(self, *, group_id: str, page_num: int = 1, page_size: int = 10,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[VoiceprintFeature]:
        """Speakers of a group (``page_size`` 1-200).

        Args:
            group_id: the voiceprint group's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for feat in coze.audio.voiceprint_groups.features.list(group_id="75..."):
                print(feat.id, feat.name)
            ```
        """
        gid = require("group_id", group_id)
        _page(page_num, page_size, 200)
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[VoiceprintFeature]:
            def cast(payload: Any) -> Page[VoiceprintFeature]:
                payload = payload or {}
                items = [VoiceprintFeature.model_validate(f) for f in payload.get("items") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(FEATURE_LIST, cast, path_params={"group_id": gid}, params=params,
                                          options=call_options)

        return AsyncPaginator(fetch, {"page_num": page_num, "page_size": page_size})

    async def update(
        self, *, group_id: str, feature_id: str, file: FileInput | None = None, name: str | None = None,
        desc: str | None = None, sample_rate: int | None = None, channel: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change a speaker's name, description or recording (multipart even without a file).

        Args:
            group_id: the voiceprint group's id.
            feature_id: the voiceprint's id.
            file: a new recording.
            name: a new name.
            desc: a new description.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.audio.voiceprint_groups.features.update(
                group_id="75...", feature_id="76...", name="Alice B.")
            ```
        """
        _pcm(sample_rate, channel)
        upload = await read_file_input(file) if file is not None else None
        fields = {"name": name, "desc": desc, "sample_rate": sample_rate, "channel": channel}
        if upload is None and all(v is None for v in fields.values()):
            raise ValidationError("nothing to update: give file, name, desc, sample_rate or channel")
        return await self._corridor.request(FEATURE_UPDATE, done,
                                     path_params={"group_id": group_id, "feature_id": feature_id},
                                     files=_form(fields, upload), options=options_of(options))

    async def delete(self, *, group_id: str, feature_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove a speaker.

        Args:
            group_id: the voiceprint group's id.
            feature_id: the voiceprint's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.audio.voiceprint_groups.features.delete(
                group_id="75...", feature_id="76...")
            ```
        """
        return await self._corridor.request(FEATURE_DELETE, done,
                                     path_params={"group_id": group_id, "feature_id": feature_id},
                                     options=options_of(options))


class AsyncVoiceprintGroups(APIResource):
    """``coze.audio.voiceprint_groups``: groups of speakers, and speaker identification."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.audio.voiceprint_groups``).
        """
        super().__init__(corridor)
        self.features = AsyncVoiceprintFeatures(corridor)

    async def create(self, *, name: str, desc: str | None = None, **options: Unpack[RequestOptions]) -> CreatedId:
        """Create a group (``name`` at most 20 characters).

        Args:
            name: the group's name.
            desc: a description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            group = await coze.audio.voiceprint_groups.create(name="team")
            ```
        """
        return await self._corridor.request(GROUP_CREATE, CreatedId.model_validate,
                                            json={"name": _group_name(name), "desc": _desc(desc)},
                                            options=options_of(options))

    def list(
        self, *, page_num: int = 1, page_size: int = 10, name: str | None = None, user_id: str | None = None,
        group_id: str | None = None, **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[VoiceprintGroup]:
        """Groups (``name`` matches by prefix; ``page_size`` 1-200).

        Args:
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            name: only groups whose name starts with this.
            user_id: only groups of this user.
            group_id: the voiceprint group's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for g in coze.audio.voiceprint_groups.list():
                print(g.id, g.name, g.feature_count)
            ```
        """
        _page(page_num, page_size, 200)
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[VoiceprintGroup]:
            def cast(payload: Any) -> Page[VoiceprintGroup]:
                payload = payload or {}
                items = [VoiceprintGroup.model_validate(g) for g in payload.get("items") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(GROUP_LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"page_num": page_num, "page_size": page_size, "name": name,
                                      "user_id": user_id, "group_id": group_id})

    async def update(self, *, group_id: str, name: str | None = None, desc: str | None = None,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Rename a group or change its description (at most 500 characters).

        Args:
            group_id: the voiceprint group's id.
            name: a new name.
            desc: a new description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.audio.voiceprint_groups.update(group_id="75...", desc="the support team")
            ```
        """
        if name is None and desc is None:
            raise ValidationError("give name and/or desc")
        return await self._corridor.request(
            GROUP_UPDATE, done, path_params={"group_id": group_id},
            json={"name": _group_name(name) if name is not None else None, "desc": _desc(desc)},
            options=options_of(options),
        )

    async def delete(self, *, group_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a group and its speakers.

        Args:
            group_id: the voiceprint group's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.audio.voiceprint_groups.delete(group_id="75...")
            ```
        """
        return await self._corridor.request(GROUP_DELETE, done, path_params={"group_id": group_id},
                                     options=options_of(options))

    async def speaker_identify(
        self, *, group_id: str, file: FileInput, top_k: int | None = None, sample_rate: int | None = None,
        channel: int | None = None, **options: Unpack[RequestOptions],
    ) -> SpeakerIdentifyResult:
        """Which speakers of the group best match a recording.

        Args:
            group_id: the voiceprint group's id.
            file: the recording to identify.
            top_k: how many best matches to return.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = await coze.audio.voiceprint_groups.speaker_identify(group_id="75...",
                                                                    file="who.wav", top_k=3)
            r.best.feature_name
            ```
        """
        _pcm(sample_rate, channel)
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValidationError("top_k must be a positive int")
        fname, content = await read_file_input(file)
        fields = {"top_k": top_k, "sample_rate": sample_rate, "channel": channel}
        return await self._corridor.request(IDENTIFY, SpeakerIdentifyResult.model_validate,
                                            path_params={"group_id": group_id},
                                            files=_form(fields, (fname, content)), options=options_of(options))


def _group_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 20:
        raise ValidationError("name is required and must be at most 20 characters")
    return name


def _desc(desc: Any) -> str | None:
    if desc is not None and (not isinstance(desc, str) or len(desc) > 500):
        raise ValidationError("desc must be a string of at most 500 characters")
    return desc  # type: ignore[no-any-return]


class AsyncAudio(APIResource):
    """``coze.audio``: voices, speech, transcriptions, rooms, live and voiceprints."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.audio``).
        """
        super().__init__(corridor)
        self.voices = AsyncVoices(corridor)
        self.speech = AsyncSpeech(corridor)
        self.transcriptions = AsyncTranscriptions(corridor)
        self.rooms = AsyncRooms(corridor)
        self.live = AsyncLive(corridor)
        self.voiceprint_groups = AsyncVoiceprintGroups(corridor)

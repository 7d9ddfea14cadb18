"""Voice over respx: voices, clone, speech (bytes and to-file), transcriptions, rooms, live, voiceprints."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors

from ..core.doubles import RecordingLedger
from .helpers import body_of, multipart_fields, ok, query_of

VOICE = {"voice_id": "v1", "name": "Aria", "is_system_voice": True, "language_code": "zh", "model_type": "big",
         "state": "active", "support_emotions": [{"emotion": "happy", "display_name": "开心",
                                                  "emotion_scale_interval": {"min": 1, "max": 5, "default": 4}}]}


async def test_voices_list_parses_emotions_and_pages(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/audio/voices").mock(side_effect=[
        ok({"voice_list": [VOICE], "has_more": True}), ok({"voice_list": [{"voice_id": "v2"}], "has_more": False})])
    voices = await coze.audio.voices.list(filter_system_voice=True, model_type="big", voice_state="all",
                                          page_size=1).to_list()
    assert [v.voice_id for v in voices] == ["v1", "v2"]
    emo = voices[0].support_emotions
    assert emo is not None and emo[0].emotion == "happy" and emo[0].emotion_scale_interval is not None
    assert emo[0].emotion_scale_interval.default == 4
    assert query_of(route, 0) == {"filter_system_voice": "true", "model_type": "big", "voice_state": "all",
                                  "page_num": "1", "page_size": "1"}
    assert query_of(route, 1)["page_num"] == "2"
    with pytest.raises(errors.ValidationError):
        coze.audio.voices.list(page_size=101)
    with pytest.raises(errors.ValidationError):
        coze.audio.voices.list(voice_state="gone")  # type: ignore[arg-type]


async def test_clone_is_multipart_and_parses_the_documented_answer(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/audio/voices/clone").mock(return_value=ok({"voice_id": "v77"}))
    voice = await coze.audio.voices.clone(file=("me.wav", b"RIFFdata"), voice_name="mine", audio_format="wav",
                                          text="hello", language="en", preview_text="hi", space_id="s1",
                                          description="d", voice_id="v76")
    assert voice.voice_id == "v77" and voice.name is None
    fields = multipart_fields(route.calls[0].request)
    assert fields == {"file": b"RIFFdata", "voice_name": "mine", "audio_format": "wav", "text": "hello",
                      "language": "en", "voice_id": "v76", "preview_text": "hi", "space_id": "s1",
                      "description": "d"}
    with pytest.raises(errors.ValidationError, match="128"):
        await coze.audio.voices.clone(file=b"x", voice_name="名" * 43, audio_format="wav")  # 129 bytes
    with pytest.raises(errors.ValidationError, match="1024"):
        await coze.audio.voices.clone(file=b"x", voice_name="n", audio_format="wav", text="a" * 1025)
    assert route.call_count == 1


async def test_speech_create_sends_every_parameter_and_returns_bytes(
    coze: AsyncCoze, api: respx.MockRouter, ledger: RecordingLedger,
) -> None:
    route = api.post("/v1/audio/speech").mock(
        return_value=httpx.Response(200, content=b"ID3\x00\xffaudio", headers={"content-type": "audio/mpeg"}))
    audio = await coze.audio.speech.create(
        input="你好", voice_id="v1", response_format="wav", speed=1.5, sample_rate=48000, emotion="happy",
        emotion_scale=4.5, loudness_rate=-20, context_texts=["whisper softly"])
    assert audio.content == b"ID3\x00\xffaudio" and audio.content_type == "audio/mpeg"
    assert body_of(route) == {"input": "你好", "voice_id": "v1", "response_format": "wav", "speed": 1.5,
                              "sample_rate": 48000, "emotion": "happy", "emotion_scale": 4.5,
                              "loudness_rate": -20, "context_texts": ["whisper softly"]}
    assert len(ledger.settled) == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"input": "好" * 342}, "1024"),  # 1026 bytes of UTF-8, only 342 characters
    ({"speed": 3.5}, "speed"),
    ({"sample_rate": 44000}, "sample_rate"),
    ({"emotion": "bored"}, "emotion"),
    ({"emotion_scale": 0.5}, "emotion_scale"),
    ({"loudness_rate": 101}, "loudness_rate"),
    ({"context_texts": "not a list"}, "context_texts"),
    ({"response_format": "flac"}, "response_format"),
])
async def test_speech_validation(coze: AsyncCoze, api: respx.MockRouter, kwargs: dict[str, object],
                                 match: str) -> None:
    route = api.post("/v1/audio/speech").mock(return_value=httpx.Response(200, content=b"a"))
    args: dict[str, object] = {"input": "hi", "voice_id": "v1", **kwargs}
    with pytest.raises(errors.ValidationError, match=match):
        await coze.audio.speech.create(**args)  # type: ignore[arg-type]
    assert route.call_count == 0


def audio_stream(chunks: list[bytes], fail_after: int | None = None) -> httpx.Response:
    async def gen() -> AsyncIterator[bytes]:
        for i, chunk in enumerate(chunks):
            if fail_after is not None and i == fail_after:
                raise httpx.ReadError("connection reset")
            yield chunk

    return httpx.Response(200, headers={"content-type": "audio/mpeg", "x-tt-logid": "A"}, content=gen())


async def test_speech_stream_to_file_writes_chunks(coze: AsyncCoze, api: respx.MockRouter, tmp_path: Path,
                                                   ledger: RecordingLedger) -> None:
    chunks = [bytes([i]) * 1000 for i in range(50)]
    route = api.post("/v1/audio/speech").mock(return_value=audio_stream(chunks))
    target = tmp_path / "out.mp3"
    result = await coze.audio.speech.stream_to_file(target, input="hello", voice_id="v1", emotion="sad")
    assert target.read_bytes() == b"".join(chunks)
    assert result.bytes_written == 50_000 and result.path == str(target) and result.content_type == "audio/mpeg"
    assert result.logid == "A"
    assert not (tmp_path / "out.mp3.part").exists()
    assert body_of(route)["emotion"] == "sad"
    assert len(ledger.settled) == 1  # the call was settled once the body was read


async def test_speech_stream_to_file_leaves_no_file_on_failure(coze: AsyncCoze, api: respx.MockRouter,
                                                               tmp_path: Path, ledger: RecordingLedger) -> None:
    target = tmp_path / "out.mp3"
    api.post("/v1/audio/speech").mock(return_value=audio_stream([b"a" * 10, b"b" * 10, b"c"], fail_after=2))
    with pytest.raises(errors.StreamError, match="broke"):
        await coze.audio.speech.stream_to_file(target, input="hello", voice_id="v1", max_retries=0)
    assert not target.exists() and not (tmp_path / "out.mp3.part").exists()
    assert len(ledger.settled) == 1

    api.post("/v1/audio/speech").mock(return_value=httpx.Response(
        400, json={"code": 4000, "msg": "voice not found", "detail": {"logid": "E"}}))
    with pytest.raises(errors.APIError, match="voice not found"):
        await coze.audio.speech.stream_to_file(target, input="hello", voice_id="nope")
    assert not target.exists() and await asyncio.to_thread(os.listdir, tmp_path) == []


async def test_transcriptions_multipart_and_size_cap(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/audio/transcriptions").mock(return_value=ok({"text": "hello world"}))
    result = await coze.audio.transcriptions.create(file=("a.mp3", b"ID3audio"))
    assert result.text == "hello world"
    assert multipart_fields(route.calls[0].request) == {"file": b"ID3audio"}
    with pytest.raises(errors.ValidationError, match="limit"):
        await coze.audio.transcriptions.create(file=("big.wav", b"0" * (10 * 1024 * 1024 + 1)))
    assert route.call_count == 1


async def test_rooms_config_defaults_and_turn_detection(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/audio/rooms").mock(return_value=ok({"token": "rtc-secret", "uid": "u", "room_id": "r1",
                                                              "app_id": "app"}))
    room = await coze.audio.rooms.create(bot_id="b1", voice_id="v1", conversation_id="c1", uid="u", workflow_id="w",
                                         config={"turn_detection": {"type": "server_vad"},
                                                 "room_mode": "translate",
                                                 "translate_config": {"from": "zh", "to": "en"},
                                                 "video_config": {"video_frame_rate": 15}})
    assert room.room_id == "r1" and "rtc-secret" not in repr(room)
    assert body_of(route) == {"bot_id": "b1", "voice_id": "v1", "conversation_id": "c1", "uid": "u",
                              "workflow_id": "w", "config": {
                                  "turn_detection": {"type": "server_vad"}, "room_mode": "translate",
                                  "translate_config": {"from": "zh", "to": "en"},
                                  "video_config": {"video_frame_rate": 15}, "prologue_delay_duration_ms": 500}}
    await coze.audio.rooms.create(bot_id="b1", config={"audio_config": {}})
    assert body_of(route)["config"] == {"audio_config": {"codec": "OPUS"}, "prologue_delay_duration_ms": 500,
                                        "room_mode": "default"}
    await coze.audio.rooms.create(bot_id="b1")
    assert body_of(route) == {"bot_id": "b1"}
    with pytest.raises(errors.ValidationError):
        await coze.audio.rooms.create(bot_id="b1", config={"prologue_delay_duration_ms": 6000})
    with pytest.raises(errors.ValidationError):
        await coze.audio.rooms.create(bot_id="b1", config={"turn_detection": {"type": "psychic"}})
    assert route.call_count == 3


async def test_live_retrieve(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v1/audio/live/l1").mock(return_value=ok({"app_id": "a", "stream_infos": [
        {"stream_id": "s1", "name": "main", "live_type": "origin"}]}))
    live = await coze.audio.live.retrieve(live_id="l1")
    assert live.app_id == "a" and live.stream_infos[0].live_type == "origin"


async def test_voiceprint_groups_crud(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/audio/voiceprint_groups").mock(return_value=ok({"id": "g1"}))
    group = await coze.audio.voiceprint_groups.create(name="team", desc="support")
    assert group.id == "g1" and body_of(create) == {"name": "team", "desc": "support"}
    with pytest.raises(errors.ValidationError, match="20"):
        await coze.audio.voiceprint_groups.create(name="x" * 21)

    listing = api.get("/v1/audio/voiceprint_groups").mock(return_value=ok({"items": [
        {"id": "g1", "name": "team", "feature_count": 2, "user_info": {"id": "u", "nickname": "n"}}], "total": 1}))
    page = await coze.audio.voiceprint_groups.list(name="te", user_id="u", group_id="g1", page_size=50)
    assert page.total == 1 and not page.has_more and page.items[0].feature_count == 2
    assert page.items[0].user_info is not None and page.items[0].user_info.nickname == "n"
    assert query_of(listing) == {"page_num": "1", "page_size": "50", "name": "te", "user_id": "u", "group_id": "g1"}

    update = api.put("/v1/audio/voiceprint_groups/g1").mock(return_value=ok())
    await coze.audio.voiceprint_groups.update(group_id="g1", desc="new")
    assert body_of(update) == {"desc": "new"}
    with pytest.raises(errors.ValidationError, match="500"):
        await coze.audio.voiceprint_groups.update(group_id="g1", desc="x" * 501)
    delete = api.delete("/v1/audio/voiceprint_groups/g1").mock(return_value=ok())
    await coze.audio.voiceprint_groups.delete(group_id="g1")
    assert delete.call_count == 1


async def test_voiceprint_features_send_integer_form_fields(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/audio/voiceprint_groups/g1/features").mock(return_value=ok({"id": "f1"}))
    feat = await coze.audio.voiceprint_groups.features.create(group_id="g1", file=("a.pcm", b"\x00\x01"),
                                                              name="Alice", desc="lead", sample_rate=16000, channel=1)
    assert feat.id == "f1"
    assert multipart_fields(create.calls[0].request) == {"file": b"\x00\x01", "name": "Alice", "desc": "lead",
                                                         "sample_rate": "16000", "channel": "1"}

    listing = api.get("/v1/audio/voiceprint_groups/g1/features").mock(return_value=ok({"items": [
        {"id": "f1", "group_id": "g1", "name": "Alice", "created_at": 1735689600000}], "total": 1}))
    page = await coze.audio.voiceprint_groups.features.list(group_id="g1")
    assert page.items[0].name == "Alice" and query_of(listing) == {"page_num": "1", "page_size": "10"}

    update = api.put("/v1/audio/voiceprint_groups/g1/features/f1").mock(return_value=ok())
    await coze.audio.voiceprint_groups.features.update(group_id="g1", feature_id="f1", name="Alice B.", channel=2)
    # Multipart even without a file, as documented.
    assert multipart_fields(update.calls[0].request) == {"name": "Alice B.", "channel": "2"}
    with pytest.raises(errors.ValidationError, match="nothing to update"):
        await coze.audio.voiceprint_groups.features.update(group_id="g1", feature_id="f1")
    with pytest.raises(errors.ValidationError, match="sample_rate"):
        await coze.audio.voiceprint_groups.features.update(group_id="g1", feature_id="f1",
                                                           sample_rate="16k")  # type: ignore[arg-type]
    delete = api.delete("/v1/audio/voiceprint_groups/g1/features/f1").mock(return_value=ok())
    await coze.audio.voiceprint_groups.features.delete(group_id="g1", feature_id="f1")
    assert delete.call_count == 1


async def test_speaker_identify(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/audio/voiceprint_groups/g1/speaker_identify").mock(return_value=ok({
        "feature_score_list": [{"feature_id": "f1", "feature_name": "Alice", "score": 0.41},
                               {"feature_id": "f2", "feature_name": "Bob", "score": 0.93}]}))
    result = await coze.audio.voiceprint_groups.speaker_identify(group_id="g1", file=("q.wav", b"RIFF"), top_k=2,
                                                                 sample_rate=16000, channel=1)
    assert result.best is not None and result.best.feature_name == "Bob"
    assert multipart_fields(route.calls[0].request) == {"file": b"RIFF", "top_k": "2", "sample_rate": "16000",
                                                        "channel": "1"}
    with pytest.raises(errors.ValidationError, match="top_k"):
        await coze.audio.voiceprint_groups.speaker_identify(group_id="g1", file=b"x", top_k=0)


async def test_speech_stream_to_file_bad_path_sends_nothing(coze: AsyncCoze, api: respx.MockRouter,
                                                            tmp_path: Path) -> None:
    route = api.post("/v1/audio/speech").mock(return_value=audio_stream([b"a"]))
    with pytest.raises(FileNotFoundError):
        await coze.audio.speech.stream_to_file(tmp_path / "missing-dir" / "x.mp3", input="hi", voice_id="v1")
    assert route.call_count == 0  # a speech request is billed: never sent when the file cannot be written

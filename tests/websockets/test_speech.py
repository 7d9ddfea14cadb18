"""Speech sessions against the fake: synthesis, accounting, the 1024-byte rule, error frames, drops, reconnect."""

from __future__ import annotations

import asyncio
import time

import pytest

from coze_client import AsyncCoze
from coze_client._secrets import fingerprint
from coze_client.errors import AuthenticationError, ValidationError
from coze_client.testing.fake_realtime import SPEECH, FakeRealtime
from coze_client.websockets import RealtimeAPIError, RealtimeConnectionError, ws_base_url
from coze_client.websockets.events import ErrorEvent, Reconnected, SpeechAudioUpdate, SpeechCreated, WebsocketEvent
from tests.core.doubles import RecordingLedger, RecordingLimiter

from .conftest import TOKEN


def test_ws_host_is_derived_from_the_api_host() -> None:
    assert ws_base_url("https://api.coze.cn") == "wss://ws.coze.cn"
    assert ws_base_url("https://api.coze.com/") == "wss://ws.coze.com"
    assert ws_base_url("https://api-bot.coze.cn") == "wss://ws-bot.coze.cn"
    assert ws_base_url("http://127.0.0.1:8123") == "ws://127.0.0.1:8123"


async def test_synthesize_through_the_client(coze: AsyncCoze, fake: FakeRealtime, limiter: RecordingLimiter,
                                             ledger: RecordingLedger) -> None:
    async with coze.websockets.audio.speech(voice_id="v1", codec="pcm", sample_rate=24000) as speech:
        first = await speech.receive(timeout=2)
        assert isinstance(first, SpeechCreated) and first.logid
        # The slot was released as soon as the handshake was answered; the reservation stays open.
        assert limiter.permits[0].released == [(None, True)] and ledger.settled == []
        audio = b"".join([chunk async for chunk in speech.synthesize("hello world, this is audio", timeout=2)])
    assert audio == b"AUDIO[hello world, this is audio]"
    conn = fake.connections[0]
    assert conn.path == SPEECH and conn.headers["authorization"] == "REDACTED"
    assert conn.token_fingerprint == fingerprint(TOKEN)
    assert conn.received[0] == {"id": conn.received[0]["id"], "event_type": "speech.update", "data": {
        "output_audio": {"voice_id": "v1", "codec": "pcm", "pcm_config": {"sample_rate": 24000}}}}
    assert conn.received_types()[1:] == ["input_text_buffer.append", "input_text_buffer.complete"]
    assert [c.path for c in limiter.acquired] == [SPEECH]
    assert len(ledger.reserved) == 1 and ledger.settled[0][0] == ledger.reserved[0].id
    usage = ledger.settled[0][1]
    assert usage is not None and usage.extra["tts_characters"] == len("hello world, this is audio")
    await asyncio.sleep(0.05)
    assert conn.close_code == 1000 and conn.ended_by == "client"  # a clean close from our side


async def test_text_over_1024_bytes_is_refused_before_sending(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.audio.speech() as speech:
        with pytest.raises(ValidationError, match="1024"):
            await speech.append("字" * 342)  # 1026 bytes in UTF-8
        await speech.append("a" * 1000)
        with pytest.raises(ValidationError, match="1024"):
            await speech.append("b" * 25)  # 1025 bytes pending in one request
        await speech.complete()
        _ = [e async for e in speech.until("speech.audio.completed", timeout=2)]
        await speech.append("b" * 25)  # a new request starts empty
    await asyncio.sleep(0.05)  # let the fake's handler record the last frame
    received = fake.connections[0].received
    appended = [m["data"]["delta"] for m in received if m["event_type"] == "input_text_buffer.append"]
    assert appended == ["a" * 1000, "b" * 25]


async def test_long_text_is_split_into_requests_of_at_most_1024_bytes(coze: AsyncCoze, fake: FakeRealtime) -> None:
    text = "这是一个很长的句子，用来测试分段。" * 120  # 6120 bytes
    async with coze.websockets.audio.speech() as speech:
        audio = b"".join([chunk async for chunk in speech.synthesize(text, timeout=2)])
    received = fake.connections[0].received
    pieces = [m["data"]["delta"] for m in received if m["event_type"] == "input_text_buffer.append"]
    assert len(pieces) >= 6 and all(len(p.encode()) <= 1024 for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith(("。", "，")) for p in pieces[:-1])  # cut at punctuation, never mid-character
    assert "error" not in fake.connections[0].sent_types()
    assert audio == b"".join(f"AUDIO[{p}]".encode() for p in pieces)


async def test_error_frames_are_typed(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.error_on("input_text_buffer.complete", 4000, "invalid parameter: voice_id")
    async with coze.websockets.audio.speech() as speech:
        await speech.append("hi")
        await speech.complete()
        with pytest.raises(RealtimeAPIError) as info:
            async for _ in speech:
                pass
        err = info.value
        assert err.code == 4000 and err.msg == "invalid parameter: voice_id" and err.logid
        assert err.origin_message is not None and "input_text_buffer.complete" in err.origin_message
        # The session is still usable after an error frame.
        await speech.complete()
        events = [e async for e in speech.until("speech.audio.completed", timeout=2)]
        assert any(isinstance(e, SpeechAudioUpdate) for e in events)


async def test_error_frames_can_be_yielded_and_unknown_events_are_kept(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.script_next(SPEECH, {"id": "x1", "event_type": "speech.brand_new", "data": {"answer": 42}},
                     {"id": "x2", "event_type": "error", "data": {"code": 3010, "msg": "too long"},
                      "detail": {"logid": "L1"}})
    async with coze.websockets.audio.speech(raise_errors=False) as speech:
        events = [await speech.receive(timeout=2) for _ in range(3)]
    assert isinstance(events[0], SpeechCreated)
    assert type(events[1]) is WebsocketEvent and events[1].data == {"answer": 42}
    assert isinstance(events[2], ErrorEvent) and events[2].data.code == 3010 and events[2].logid == "L1"


async def test_server_side_text_limit_answer(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.audio.speech() as speech:
        await speech.send_event("input_text_buffer.append", {"delta": "x" * 1100})  # bypasses the local check
        with pytest.raises(RealtimeAPIError) as info:
            async for _ in speech:
                pass
    assert info.value.code == 3010


async def test_drop_mid_stream_is_a_typed_error_not_a_hang(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.drop_after(4, path=SPEECH)  # created, completed, 2 audio frames, then the TCP connection dies
    fake.audio_chunk = 4
    started = time.monotonic()
    async with coze.websockets.audio.speech() as speech:
        with pytest.raises(RealtimeConnectionError) as info:
            async for _ in speech.synthesize("a sentence long enough for several frames"):
                pass
        assert info.value.close_code == 1006
        with pytest.raises(RealtimeConnectionError):
            await speech.append("more")  # sending on a dropped session fails loudly too
        assert speech.closed
    assert time.monotonic() - started < 2


async def test_server_closes_cleanly(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.close_after(1, path=SPEECH)
    async with coze.websockets.audio.speech() as speech:
        assert isinstance(await speech.receive(timeout=2), SpeechCreated)
        assert await speech.receive(timeout=2) is None  # closed by the server: the iteration just ends
        assert [e async for e in speech] == []
        with pytest.raises(RealtimeConnectionError, match=r"before speech\.audio\.completed"):
            async for _ in speech.until("speech.audio.completed"):
                pass


async def test_reconnect_replays_the_unfinished_text(coze: AsyncCoze, fake: FakeRealtime,
                                                     ledger: RecordingLedger) -> None:
    fake.drop_after(3, path=SPEECH)  # created, updated, input_text_buffer.completed; drop before the audio
    async with coze.websockets.audio.speech(voice_id="v1", reconnect=True) as speech:
        events = []
        await speech.append("hello again")
        await speech.complete()
        async for event in speech.until("speech.audio.completed", timeout=3):
            events.append(event)
        assert speech.reconnects == 1
    reconnected = [e for e in events if isinstance(e, Reconnected)]
    assert len(reconnected) == 1 and reconnected[0].data["replayed"] == 2 and not reconnected[0].data["lost_input"]
    assert b"".join(e.audio for e in events if isinstance(e, SpeechAudioUpdate)) == b"AUDIO[hello again]"
    assert len(fake.connections) == 2
    assert fake.connections[1].received_types() == ["speech.update", "input_text_buffer.append",
                                                     "input_text_buffer.complete"]
    assert len(ledger.reserved) == 2 and len(ledger.settled) == 2  # each connection is one call


async def test_slow_frames_and_receive_timeout(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.frame_delay = 0.2
    async with coze.websockets.audio.speech() as speech:
        with pytest.raises(TimeoutError):
            await speech.receive(timeout=0.05)
        assert isinstance(await speech.receive(timeout=2), SpeechCreated)


async def test_refused_handshake_is_typed_and_counted(fake: FakeRealtime, limiter: RecordingLimiter,
                                                      ledger: RecordingLedger) -> None:
    async with AsyncCoze(token="pat_WRONGtoken0000000000", base_url=fake.base_url, plan=None, limiter=limiter,
                         ledger=ledger) as coze:
        with pytest.raises(AuthenticationError) as info:
            async with coze.websockets.audio.speech():
                pass
    assert info.value.code == 4100 and info.value.status_code == 401 and info.value.logid
    assert "WRONG" not in str(info.value)
    assert limiter.permits[0].released == [(None, True)] and ledger.settled[0][0] == ledger.reserved[0].id


async def test_refused_connection_is_given_back(limiter: RecordingLimiter, ledger: RecordingLedger) -> None:
    server = FakeRealtime()
    await server.start()
    base = server.base_url
    await server.stop()  # nothing listens on that port any more
    async with AsyncCoze(token=TOKEN, base_url=base, plan=None, limiter=limiter, ledger=ledger) as coze:
        with pytest.raises(RealtimeConnectionError) as info:
            async with coze.websockets.audio.speech():
                pass
    assert info.value.sent is False
    assert limiter.permits[0].released == [(None, False)] and ledger.cancelled == [ledger.reserved[0].id]


async def test_close_does_not_hang_when_nobody_reads(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.audio_chunk = 1  # about 1000 frames for the text below
    started = time.monotonic()
    async with coze.websockets.audio.speech(max_queue=4) as speech:
        await speech.append("x" * 1000)
        await speech.complete()
        await asyncio.sleep(0.1)  # the queue fills up; the reader stops reading the socket
        assert speech._queue.full()
    assert time.monotonic() - started < 3
    assert speech.closed


async def test_a_silent_peer_is_detected_by_keepalive(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.freeze_after(1, path=SPEECH)  # sends speech.created, then nothing, and stops answering pings
    started = time.monotonic()
    # Detection takes ping_interval + ping_timeout, plus close_timeout for the (unanswered) close handshake.
    async with coze.websockets.audio.speech(ping_interval=0.1, ping_timeout=0.2, close_timeout=0.2) as speech:
        await speech.append("hello")
        await speech.complete()
        with pytest.raises(RealtimeConnectionError, match="ping timeout") as info:
            async for _ in speech.until("speech.audio.completed"):
                pass
    assert info.value.close_code == 1011
    assert time.monotonic() - started < 3


async def test_malformed_frames_neither_crash_nor_hang(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.script_next(SPEECH, "this is not json", '["a", "list"]',
                     {"event_type": "speech.audio.update", "data": {"delta": 5}, "detail": {"logid": 123}},
                     {"event_type": "speech.audio.completed", "data": {}})
    async with coze.websockets.audio.speech() as speech:
        events = [e async for e in speech.until("speech.audio.completed", timeout=2)]
    assert [e.event_type for e in events] == ["speech.created", "speech.audio.update", "speech.audio.completed"]
    assert type(events[1]) is WebsocketEvent and events[1].data == {"delta": 5}  # kept raw, not dropped


async def test_synthesize_after_pending_append_waits_for_every_request(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.audio.speech() as speech:
        await speech.append("first. ")
        audio = b"".join([chunk async for chunk in speech.synthesize("second.", timeout=2)])
    assert audio == b"AUDIO[first. ]AUDIO[second.]"

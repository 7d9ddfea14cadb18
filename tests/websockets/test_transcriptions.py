"""Transcription sessions: chunked audio from files and iterators, clear, reconnect with replay."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from coze_client import AsyncCoze
from coze_client.errors import ValidationError
from coze_client.testing.fake_realtime import TRANSCRIPTIONS, FakeRealtime
from coze_client.websockets import RealtimeConnectionError, iter_audio
from coze_client.websockets.events import InputAudioBufferCleared, Reconnected, TranscriptionsMessageUpdate


def _audio_sizes(fake: FakeRealtime, index: int = 0) -> list[int]:
    return [len(base64.b64decode(m["data"]["delta"])) for m in fake.connections[index].received
            if m["event_type"] == "input_audio_buffer.append"]


async def test_transcribe_a_file_in_chunks(coze: AsyncCoze, fake: FakeRealtime, tmp_path: Path) -> None:
    path = tmp_path / "speech.pcm"
    path.write_bytes(bytes(range(256)) * 800)  # 204800 bytes
    async with coze.websockets.audio.transcriptions(format="pcm", codec="pcm", sample_rate=16000) as asr:
        text = await asr.transcribe(path, chunk_size=16384, timeout=2)
    assert text == "204800 bytes of audio"
    sizes = _audio_sizes(fake)
    assert sizes == [16384] * 12 + [8192]
    assert fake.connections[0].received[0]["data"] == {"input_audio": {"format": "pcm", "codec": "pcm",
                                                                       "sample_rate": 16000}}


async def test_files_are_read_chunk_by_chunk() -> None:
    class Recording(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.reads: list[int] = []

        def read(self, size: int | None = -1) -> bytes:
            self.reads.append(-1 if size is None else size)
            return super().read(size)

    source = Recording(b"x" * 10_000)
    chunks = [c async for c in iter_audio(source, 4096)]
    assert [len(c) for c in chunks] == [4096, 4096, 1808]
    assert source.reads and all(r == 4096 for r in source.reads)  # never read(-1): no whole file in memory


async def test_async_iterator_source_and_updates(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.transcript = "今天天气怎么样"

    async def microphone() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"\x01\x02" * 500

    async with coze.websockets.audio.transcriptions() as asr:
        await asr.stream(microphone(), pace=1_000_000)
        await asr.complete()
        updates = [e.data.content async for e in asr.until("transcriptions.message.completed", timeout=2)
                   if isinstance(e, TranscriptionsMessageUpdate)]
    assert updates == ["今天天", "今天天气怎么样"]
    assert sum(_audio_sizes(fake)) == 5000


async def test_clear(coze: AsyncCoze, fake: FakeRealtime) -> None:
    async with coze.websockets.audio.transcriptions() as asr:
        await asr.append(b"\0" * 100)
        await asr.clear()
        events = [e async for e in asr.until("input_audio_buffer.cleared", timeout=2)]
        assert isinstance(events[-1], InputAudioBufferCleared)
        assert await asr.transcribe(b"\0" * 10, timeout=2) == "10 bytes of audio"


def test_bad_config_is_refused(coze: AsyncCoze) -> None:
    with pytest.raises(ValidationError, match="codec"):
        coze.websockets.audio.transcriptions(codec="mp3")


async def test_reconnect_replays_audio(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.drop_after(2, path=TRANSCRIPTIONS)  # created, updated; the drop comes instead of the result
    async with coze.websockets.audio.transcriptions(format="pcm", reconnect=2) as asr:
        await asr.stream(b"\0" * 70_000)
        await asr.complete()
        events = [e async for e in asr.until("transcriptions.message.completed", timeout=3)]
    reconnected = [e for e in events if isinstance(e, Reconnected)]
    assert reconnected and reconnected[0].data["replayed"] == 4  # 3 audio chunks + complete
    final = [e.data.content for e in events if isinstance(e, TranscriptionsMessageUpdate)][-1]
    assert final == "70000 bytes of audio"  # nothing lost, nothing doubled
    assert fake.connections[1].received_types()[0] == "transcriptions.update"


async def test_reconnect_reports_lost_input_over_the_replay_limit(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.drop_after(2, path=TRANSCRIPTIONS)  # created, updated, then the drop instead of the result
    async with coze.websockets.audio.transcriptions(format="pcm", reconnect=True, replay_limit=100) as asr:
        await asr.stream(b"\0" * 5000)
        await asr.complete()
        events = [e async for e in asr.until(Reconnected.EVENT_TYPE, timeout=3)]
        event = events[-1]
        assert isinstance(event, Reconnected) and event.data["lost_input"] is True
        assert await asr.transcribe(b"\0" * 8, timeout=2) == "8 bytes of audio"  # the user sends it again


async def test_reconnect_gives_up_with_a_typed_error(coze: AsyncCoze, fake: FakeRealtime) -> None:
    fake.drop_after(0, path=TRANSCRIPTIONS, times=5)
    async with coze.websockets.audio.transcriptions(reconnect=2) as asr:
        with pytest.raises(RealtimeConnectionError, match="all 2 reconnect attempts"):
            while True:
                await asr.receive(timeout=3)
    assert len(fake.connections) == 3


def test_chat_cannot_reconnect(coze: AsyncCoze) -> None:
    with pytest.raises(ValidationError, match="cannot reconnect"):
        coze.websockets.chat(bot_id="b1", reconnect=True)

"""The official SDK's async realtime clients (cozepy 0.20.0) against our fake server.

They work against it, which checks the fake speaks the same frames. Where cozepy is wrong we follow
the reference (coze-api.md §7, §9) and show the difference:

* it only accepts ``https://`` base URLs (``http_base_url_to_ws``), so it cannot be pointed at a
  loopback server through ``AsyncCoze``: the clients are built directly with a ``ws://`` base here;
* it sends speech text of any size (the service answers 3010 past 1024 bytes);
* ``wait()`` never returns when the connection drops: the reader task dies with the exception.
"""

from __future__ import annotations

import asyncio
import base64
import warnings
from typing import Any

import pytest

from coze_client.testing.fake_realtime import SPEECH, FakeRealtime

from .conftest import TOKEN

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib.jose deprecation warning raised by cozepy's import
    import cozepy
    from cozepy.request import Requester
    from cozepy.websockets.audio.speech import InputTextBufferAppendEvent, SpeechUpdateEvent
    from cozepy.websockets.audio.transcriptions import InputAudioBufferAppendEvent, TranscriptionsUpdateEvent
    from cozepy.websockets.chat import ConversationMessageCreateEvent
    from cozepy.websockets.ws import InputAudio, OutputAudio, WebsocketsEventType

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _requester() -> Requester:
    return Requester(auth=cozepy.AsyncTokenAuth(TOKEN))


async def test_cozepy_speech_client(fake: FakeRealtime) -> None:
    audio: list[bytes] = []

    async def on_audio(client: Any, event: Any) -> None:
        audio.append(event.data.delta)

    client = cozepy.AsyncWebsocketsAudioSpeechClient(
        base_url=fake.ws_url, requester=_requester(),
        on_event={WebsocketsEventType.SPEECH_AUDIO_UPDATE: on_audio})
    async with client() as speech:
        await speech.speech_update(SpeechUpdateEvent.model_validate(
            {"data": SpeechUpdateEvent.Data(output_audio=OutputAudio(codec="pcm", voice_id="v1"))}))
        await speech.input_text_buffer_append(InputTextBufferAppendEvent.Data(delta="hello from cozepy"))
        await speech.input_text_buffer_complete()
        await asyncio.wait_for(speech.wait(), 3)
    assert b"".join(audio) == b"AUDIO[hello from cozepy]"
    assert fake.connections[0].received_types() == ["speech.update", "input_text_buffer.append",
                                                     "input_text_buffer.complete"]


async def test_cozepy_transcriptions_client(fake: FakeRealtime) -> None:
    texts: list[str] = []

    async def on_update(client: Any, event: Any) -> None:
        texts.append(event.data.content)

    client = cozepy.AsyncWebsocketsAudioTranscriptionsClient(
        base_url=fake.ws_url, requester=_requester(),
        on_event={WebsocketsEventType.TRANSCRIPTIONS_MESSAGE_UPDATE: on_update})
    async with client() as asr:
        await asr.transcriptions_update(TranscriptionsUpdateEvent.Data(input_audio=InputAudio(
            format="pcm", codec="pcm", sample_rate=16000, channel=1, bit_depth=16)))
        await asr.input_audio_buffer_append(InputAudioBufferAppendEvent.Data(delta=b"\0" * 3200))
        await asr.input_audio_buffer_complete()
        await asyncio.wait_for(asr.wait(), 3)
    assert texts[-1] == "3200 bytes of audio"
    sent = fake.connections[0].received[1]["data"]["delta"]
    assert base64.b64decode(sent) == b"\0" * 3200


async def test_cozepy_chat_client(fake: FakeRealtime) -> None:
    deltas: list[str] = []

    async def on_delta(client: Any, event: Any) -> None:
        deltas.append(event.data.content)

    client = cozepy.AsyncWebsocketsChatClient(
        base_url=fake.ws_url, requester=_requester(), bot_id="bot_1",
        on_event={WebsocketsEventType.CONVERSATION_MESSAGE_DELTA: on_delta})
    async with client() as chat:
        await chat.conversation_message_create(ConversationMessageCreateEvent.Data(
            role="user", content_type="text", content="hi"))
        await asyncio.wait_for(chat.wait(), 3)
    assert "".join(deltas) == "Hello from the fake bot."
    assert fake.connections[0].query == {"bot_id": "bot_1"}


async def test_cozepy_sends_oversized_text_and_hangs_on_a_drop(fake: FakeRealtime) -> None:
    errors: list[Any] = []

    async def on_error(client: Any, error: Any) -> None:
        errors.append(error)

    client = cozepy.AsyncWebsocketsAudioSpeechClient(
        base_url=fake.ws_url, requester=_requester(), on_event={WebsocketsEventType.ERROR: on_error})
    async with client() as speech:
        await speech.input_text_buffer_append(InputTextBufferAppendEvent.Data(delta="x" * 1100))
        await asyncio.sleep(0.2)
    assert errors and errors[0].data.code == 3010  # refused by the service, not before sending

    fake.drop_after(1, path=SPEECH)
    client = cozepy.AsyncWebsocketsAudioSpeechClient(base_url=fake.ws_url, requester=_requester(),
                                                     on_event={WebsocketsEventType.ERROR: on_error})
    async with client() as speech:
        await speech.input_text_buffer_append(InputTextBufferAppendEvent.Data(delta="hi"))
        await speech.input_text_buffer_complete()
        with pytest.raises(TimeoutError):  # our sessions raise RealtimeConnectionError here instead
            await asyncio.wait_for(speech.wait(), 0.5)

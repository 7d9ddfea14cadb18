"""Realtime sessions and OAuth refresh: coze-client against the official SDK (cozepy 0.20.0).

1. Realtime receive: one speech session on a loopback ``FakeRealtime`` (same event loop, so the fake's
   own cost is included) synthesizes text whose audio arrives as N ``speech.audio.update`` frames;
   events per second until the last ``speech.audio.completed``, best of the rounds. cozepy's async
   speech client runs the same script through its callback API.
2. OAuth under load: C concurrent requests for a token when the cached JWT token has expired; the token
   endpoint (``FakeOAuth`` on respx) answers after 20 ms. Counts token requests and the wall time.
   cozepy's ``AsyncJWTAuth`` has no lock, so every caller refreshes.
3. ``get_token()`` with a valid cached token: microseconds per call, median of the rounds.
4. Decoding and typing one audio frame without sockets (ours: JSON + pydantic event model; cozepy: the same
   through its event factory, which also base64-decodes eagerly): the stable part of figure 1.

Run: ``python bench/realtime_auth.py [--frames 20000] [--concurrency 100] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import warnings
from typing import Any

import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from coze_client import AsyncCoze
from coze_client.auth import JWTAuth, OAuthToken, TokenResponse
from coze_client.testing.fake_oauth import FakeOAuth
from coze_client.testing.fake_realtime import FakeRealtime
from coze_client.websockets.events import SpeechAudioUpdate

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import cozepy
    from cozepy.request import Requester
    from cozepy.websockets.audio.speech import InputTextBufferAppendEvent
    from cozepy.websockets.ws import WebsocketsEventType

TOKEN = "pat_benchTOKEN0000000000"
BASE = "https://api.coze.cn"


def _segments(frames: int) -> list[str]:
    # With audio_chunk=1 every byte of "AUDIO[<text>]" is one frame; 1000 ASCII bytes per request.
    count = max(1, frames // 1007)
    return ["x" * 1000 for _ in range(count)]


async def realtime_ours(frames: int) -> tuple[int, float]:
    async with FakeRealtime(audio_chunk=1) as fake:
        async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=None, ledger="memory://") as coze:
            async with coze.websockets.audio.speech(max_queue=4096) as speech:
                started = time.perf_counter()
                received = 0
                for text in _segments(frames):
                    await speech.append(text)
                    await speech.complete()
                for _ in _segments(frames):
                    async for event in speech.until("speech.audio.completed"):
                        received += isinstance(event, SpeechAudioUpdate)
                return received, time.perf_counter() - started


async def realtime_cozepy(frames: int) -> tuple[int, float]:
    segments = _segments(frames)
    async with FakeRealtime(audio_chunk=1) as fake:
        received = 0
        completed = 0
        done = asyncio.Event()

        async def on_audio(client: Any, event: Any) -> None:
            nonlocal received
            received += 1

        async def on_completed(client: Any, event: Any) -> None:
            nonlocal completed
            completed += 1
            if completed == len(segments):
                done.set()

        client = cozepy.AsyncWebsocketsAudioSpeechClient(
            base_url=fake.ws_url, requester=Requester(auth=cozepy.AsyncTokenAuth(TOKEN)),
            on_event={WebsocketsEventType.SPEECH_AUDIO_UPDATE: on_audio,
                      WebsocketsEventType.SPEECH_AUDIO_COMPLETED: on_completed})
        async with client() as speech:
            started = time.perf_counter()
            for text in segments:
                await speech.input_text_buffer_append(InputTextBufferAppendEvent.Data(delta=text))
                await speech.input_text_buffer_complete()
            await asyncio.wait_for(done.wait(), 120)
            return received, time.perf_counter() - started


def _pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


async def oauth_burst(concurrency: int, ours: bool, private: str, public: str) -> tuple[int, float]:
    oauth = FakeOAuth()
    oauth.client("jwt_app", public_key=public, kid="kid_1")
    oauth.faults.latency(0.02, path="/api/permission/oauth2/token")
    with respx.mock(assert_all_called=False) as router:
        oauth.install(router)
        if ours:
            auth = JWTAuth(client_id="jwt_app", private_key=private, public_key_id="kid_1", base_url=BASE)

            async def one() -> str:
                return await auth.get_token()
        else:
            cz = cozepy.AsyncJWTAuth(client_id="jwt_app", private_key=private, public_key_id="kid_1", base_url=BASE)

            async def one() -> str:
                return await cz.atoken

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        return oauth.grants["urn:ietf:params:oauth:grant-type:jwt-bearer"], time.perf_counter() - started


async def cached_token_cost(calls: int) -> float:
    async def fetch(previous: TokenResponse | None) -> TokenResponse:
        return TokenResponse(access_token="czu_bench", expires_at=time.time() + 3600, obtained_at=time.time())

    provider = OAuthToken(fetch)
    await provider.get_token()
    started = time.perf_counter()
    for _ in range(calls):
        await provider.get_token()
    return (time.perf_counter() - started) / calls * 1e6


def parse_cost(events: int, rounds: int) -> tuple[float, float]:
    """Microseconds to decode and type one ``speech.audio.update`` frame (no sockets): ours, cozepy's."""
    import base64
    import json

    from cozepy.websockets.audio.speech import _audio_speech_event_factory as factory

    from coze_client.websockets.events import parse_event

    frame = json.dumps({"id": "7500000000000000001", "event_type": "speech.audio.update",
                        "data": {"delta": base64.b64encode(b"0123456789abcdef" * 4).decode()},
                        "detail": {"logid": "20261125152829000000000000000000001"}})
    results = []
    for decode in (lambda raw: parse_event(json.loads(raw)),
                   lambda raw: factory.create_event("v1/audio/speech", json.loads(raw))):
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(events):
                decode(frame)
            best = min(best, time.perf_counter() - started)
        results.append(best / events * 1e6)
    return results[0], results[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--frames", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    for name, run in (("coze-client", realtime_ours), ("cozepy 0.20.0", realtime_cozepy)):
        results = [await run(args.frames) for _ in range(args.rounds)]
        count, seconds = min(results, key=lambda r: r[1])
        rows.append((f"realtime speech: {count} audio frames over loopback", name,
                     f"{count / seconds:,.0f} events/s ({seconds:.2f} s)"))
    ours_us, cozepy_us = parse_cost(args.frames, args.rounds)
    rows.append(("decode + type one audio frame (no sockets)", "coze-client", f"{ours_us:.1f} µs/event"))
    rows.append(("decode + type one audio frame (no sockets)", "cozepy 0.20.0", f"{cozepy_us:.1f} µs/event"))
    private, public = _pem()
    for name, ours in (("coze-client", True), ("cozepy 0.20.0", False)):
        requests, seconds = await oauth_burst(args.concurrency, ours, private, public)
        rows.append((f"{args.concurrency} concurrent calls, expired JWT token", name,
                     f"{requests} token requests, {seconds * 1000:.0f} ms"))
    cost = statistics.median([await cached_token_cost(20000) for _ in range(args.rounds)])
    rows.append(("get_token() with a valid cached token", "coze-client", f"{cost:.2f} µs/call"))

    width = max(len(r[0]) for r in rows)
    print(f"| {'case':<{width}} | client | result |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for case, client, result in rows:
        print(f"| {case:<{width}} | {client} | {result} |")


if __name__ == "__main__":
    asyncio.run(main())

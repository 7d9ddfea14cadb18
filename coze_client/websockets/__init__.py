"""Realtime voice over WebSockets: ``coze.websockets.audio.speech``, ``.audio.transcriptions`` and ``.chat``.

Built on the ``websockets`` library (asyncio implementation): see docs/realtime.md for why it was
chosen over httpx-ws. The WebSocket host is derived from the API base URL (the Coze API overview):
``https://api.coze.cn`` -> ``wss://ws.coze.cn``, ``api-`` -> ``ws-``, ``http://127.0.0.1:port`` ->
``ws://127.0.0.1:port`` (the testing kit's fake server).

Examples:
    ```python
    ws_base_url("https://api.coze.cn"), ws_base_url("http://127.0.0.1:8123")
    # ('wss://ws.coze.cn', 'ws://127.0.0.1:8123')
    ```
"""

from __future__ import annotations

from typing import Any

import httpx

from ._audio import DEFAULT_CHUNK_SIZE, TEXT_LIMIT_BYTES, AudioSource, iter_audio, split_text
from ._session import RealtimeSession
from .chat import ChatSession
from .errors import RealtimeAPIError, RealtimeConnectionError
from .events import WebsocketEvent, parse_event
from .speech import SpeechSession
from .transcriptions import TranscriptionSession

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "TEXT_LIMIT_BYTES",
    "AsyncWebsockets",
    "AsyncWebsocketsAudio",
    "AudioSource",
    "ChatSession",
    "RealtimeAPIError",
    "RealtimeConnectionError",
    "RealtimeSession",
    "SpeechSession",
    "TranscriptionSession",
    "WebsocketEvent",
    "iter_audio",
    "parse_event",
    "split_text",
    "ws_base_url",
]


def ws_base_url(base_url: str) -> str:
    """The WebSocket base URL for an API base URL (scheme to ws/wss; host ``api.``/``api-`` to ``ws.``/``ws-``).

    Args:
        base_url: the HTTP API base URL (e.g. ``https://api.coze.cn``); its path is dropped.
    """
    url = httpx.URL(base_url)
    scheme = {"https": "wss", "http": "ws", "wss": "wss", "ws": "ws"}.get(url.scheme, "wss")
    host = url.host
    if host.startswith("api."):
        host = "ws." + host[4:]
    elif host.startswith("api-"):
        host = "ws-" + host[4:]
    port = f":{url.port}" if url.port else ""
    return f"{scheme}://{host}{port}"


class AsyncWebsocketsAudio:
    """``coze.websockets.audio``: ``speech(...)`` and ``transcriptions(...)`` sessions.

    Args:
        owner: the `AsyncWebsockets` the sessions belong to (it builds this as its ``audio``).
    """

    def __init__(self, owner: AsyncWebsockets) -> None:
        self._owner = owner

    def speech(self, **options: Any) -> SpeechSession:
        """A streaming speech-synthesis session (use with ``async with``); see `SpeechSession`.

        Args:
            **options: the `SpeechSession` arguments (``voice_id``, ``output_audio``, ``reconnect`` ...).
        """
        return SpeechSession(self._owner, **options)

    def transcriptions(self, **options: Any) -> TranscriptionSession:
        """A streaming recognition session (use with ``async with``); see `TranscriptionSession`.

        Args:
            **options: the `TranscriptionSession` arguments (``format``, ``sample_rate``, ``reconnect`` ...).
        """
        return TranscriptionSession(self._owner, **options)


class AsyncWebsockets:
    """``coze.websockets``: realtime sessions that share the client's auth, limiter and ledger.

    Examples:
        ```python
        async with coze.websockets.audio.speech(voice_id="742...") as speech:
            await speech.speak("hello")
        ```

    Args:
        corridor: the client's request corridor (its auth, limiter and ledger); ``AsyncCoze`` builds this
            as ``coze.websockets``.
        base_url: the client's HTTP API base URL; the WebSocket host is derived from it (`ws_base_url`).
        ws_url: the WebSocket base URL to use instead (e.g. ``wss://ws.coze.cn``).
    """

    def __init__(self, corridor: Any, *, base_url: str, ws_url: str | None = None) -> None:
        self.corridor = corridor
        self.ws_base_url = (ws_url or ws_base_url(base_url)).rstrip("/")
        self.audio = AsyncWebsocketsAudio(self)

    def chat(self, *, bot_id: str, **options: Any) -> ChatSession:
        """A realtime voice chat with ``bot_id`` (use with ``async with``); see `ChatSession`.

        Args:
            bot_id: the bot to talk to.
            **options: the other `ChatSession` arguments (``output_audio``, ``turn_detection`` ...).
        """
        return ChatSession(self, bot_id=bot_id, **options)

    def __repr__(self) -> str:
        return f"AsyncWebsockets(ws_base_url={self.ws_base_url!r})"

"""A fake Coze realtime WebSocket server on loopback: ``/v1/audio/speech``, ``/v1/audio/transcriptions``, ``/v1/chat``.

It speaks the frames of the Coze realtime pages (``{id, event_type, data, detail{logid}}``), answers every
documented client event with the documented server events, and injects faults: drop the TCP
connection after N server frames (no close frame: the client sees 1006), close cleanly after N
frames, ``error`` frames for chosen client events, slow frames, and refused handshakes. Every
connection is recorded (Authorization redacted; a fingerprint identifies the token).

Built on the ``websockets`` server (the same library the client uses), on the current event loop.

Examples:
    ```python
    async with FakeRealtime() as fake:
        async with AsyncCoze(token="pat_x", base_url=fake.base_url, plan=None) as coze:
            async with coze.websockets.audio.speech(voice_id="v1") as speech:
                audio = b"".join([a async for a in speech.synthesize("hello")])
        assert fake.connections[0].path == "/v1/audio/speech"
    ```
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import needs_extra

with needs_extra("realtime", "The fake realtime server (FakeRealtime)"):
    from websockets.asyncio.server import Server, ServerConnection, serve
    from websockets.exceptions import ConnectionClosed
    from websockets.http11 import Request, Response

from .._secrets import fingerprint, redact

__all__ = ["FakeRealtime", "RealtimeConnection", "RealtimeFault"]

SPEECH = "/v1/audio/speech"
TRANSCRIPTIONS = "/v1/audio/transcriptions"
CHAT = "/v1/chat"
PATHS = (SPEECH, TRANSCRIPTIONS, CHAT)
TEXT_LIMIT = 1024  # bytes per speech request (error 3010, coze-api.md §2.1 / §7)


@dataclass
class RealtimeConnection:
    """One connection as the fake saw it.

    Args:
        path: the WebSocket path (``"/v1/chat"``...).
        query: the handshake's query parameters.
        headers: the handshake's headers, lower-cased names (``authorization`` REDACTED).
        token_fingerprint: a non-reversible fingerprint of the bearer token (None without one).
        received: the client's frames, parsed, in order.
        sent: the server's frames, in order.
        close_code: the close code the connection ended with (None while open).
        ended_by: ``"client"``, ``"server"`` (a clean close fault), ``"drop"`` or ``"freeze"`` (faults).
    """

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    token_fingerprint: str | None
    received: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None
    ended_by: str | None = None  # "client", "server" (clean close fault), "drop" (abort fault)

    def received_types(self) -> list[str]:
        """``event_type`` of every client frame, in order."""
        return [str(m.get("event_type")) for m in self.received]

    def sent_types(self) -> list[str]:
        """``event_type`` of every server frame, in order."""
        return [str(m.get("event_type")) for m in self.sent]


@dataclass
class RealtimeFault:
    """A fault for the next ``times`` connections to ``path`` (None: any path).

    Args:
        kind: ``"drop"`` (no close frame), ``"freeze"`` (silent peer), ``"close"`` (clean close) or
            ``"reject"`` (the handshake is refused).
        path: the WebSocket path it applies to; None: any.
        after_frames: server frames sent before a drop, freeze or close.
        times: how many connections it hits (counts down).
        close_code: the close code of a ``close`` fault.
        status: the HTTP status of a ``reject`` fault.
        code: the Coze error code in a ``reject`` body.
        msg: the message in a ``reject`` body.
    """

    kind: str  # "drop" | "freeze" | "close" | "reject"
    path: str | None = None
    after_frames: int = 0
    times: int = 1
    close_code: int = 1000
    status: int = 401
    code: int = 4100
    msg: str = "authentication is invalid"


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())  # handshake headers are logged at DEBUG
        record.args = ()
        return True


_server_log = logging.getLogger("coze_client.testing.fake_realtime")
_server_log.addFilter(_RedactFilter())


class _Dropped(Exception):
    pass


class _Sender:
    def __init__(
        self, fake: FakeRealtime, ws: ServerConnection, conn: RealtimeConnection, fault: RealtimeFault | None
    ) -> None:
        self.fake = fake
        self.ws = ws
        self.conn = conn
        self.fault = fault
        self.frames = 0

    async def send(self, event_type: str, data: Any = None, *, detail: dict[str, Any] | None = None) -> None:
        frame: dict[str, Any] = {"id": self.fake.next_id(), "event_type": event_type}
        if data is not None:
            frame["data"] = data
        frame["detail"] = {"logid": self.fake.logid(), **(detail or {})}
        await self.raw(frame)

    async def raw(self, frame: dict[str, Any]) -> None:
        await self.check_fault()  # a drop replaces frame after_frames + 1
        if self.fake.frame_delay:
            await asyncio.sleep(self.fake.frame_delay)
        await self.ws.send(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
        self.frames += 1
        self.conn.sent.append(frame)
        await self.check_fault(kinds=("close",))  # a clean close follows frame after_frames at once

    async def check_fault(self, kinds: tuple[str, ...] = ("drop", "freeze", "close")) -> None:
        """Apply the connection's fault once ``after_frames`` server frames were sent."""
        fault = self.fault
        if fault is None or fault.kind not in kinds or self.frames < fault.after_frames:
            return
        if fault.kind == "drop":
            self.conn.ended_by = "drop"
            self.ws.transport.abort()  # no close frame: the client sees an abnormal closure (1006)
            raise _Dropped
        if fault.kind == "freeze":
            # A dead peer: the socket stays open but nothing is read or sent (pings go unanswered).
            self.conn.ended_by = "freeze"
            self.ws.transport.pause_reading()
            self.fake._frozen.add(self.ws)
            try:
                await self.ws.wait_closed()  # ends when stop() aborts it
            finally:
                self.fake._frozen.discard(self.ws)
            raise _Dropped
        self.conn.ended_by = "server"
        await self.ws.close(fault.close_code, "closed by the fake")
        raise _Dropped

    async def error(self, code: int, msg: str, origin: str | None = None) -> None:
        await self.send("error", {"code": code, "msg": msg}, detail={"origin_message": origin} if origin else None)


@dataclass
class _State:
    config: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    audio: int = 0
    conversation_id: str = ""
    pending_chat: dict[str, Any] | None = None


class FakeRealtime:
    """The fake realtime server. Start with ``async with FakeRealtime() as fake`` (or ``await fake.start()``).

    Args:
        tokens: accepted bearer tokens (None: any non-empty token).
        reply: the chat bot's answer (a string, or a function of the user's text).
        transcript: what recognition returns (default: a description of the audio received).
        audio_chunk: bytes of fake audio per audio frame.
        frame_delay: seconds before every server frame ("slow frames").
        host: the loopback address to listen on (the port is picked free at start).
    """

    def __init__(
        self,
        *,
        tokens: Sequence[str] | None = None,
        reply: str | Callable[[str], str] = "Hello from the fake bot.",
        transcript: str | None = None,
        audio_chunk: int = 64,
        frame_delay: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.tokens = set(tokens) if tokens is not None else None
        self.reply = reply
        self.transcript = transcript
        self.audio_chunk = audio_chunk
        self.frame_delay = frame_delay
        self.host = host
        self.port = 0
        self.connections: list[RealtimeConnection] = []
        self.faults: list[RealtimeFault] = []
        self.errors: dict[str, list[tuple[int, str]]] = {}
        self.scripted: dict[str, list[dict[str, Any] | str]] = {}
        self.tool_calls: list[dict[str, Any]] = []
        self._server: Server | None = None
        self._frozen: set[ServerConnection] = set()
        self._seq = 0

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> FakeRealtime:
        """Listen on a free loopback port."""
        self._server = await serve(
            self._handler, self.host, 0, process_request=self._process_request, ping_interval=None, logger=_server_log
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        for ws in list(self._frozen):
            ws.transport.abort()  # a frozen connection cannot take part in a close handshake
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> FakeRealtime:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The HTTP base URL to give ``AsyncCoze`` (the client derives ``ws://`` from it)."""
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The WebSocket base URL."""
        return f"ws://{self.host}:{self.port}"

    # -- scripting ----------------------------------------------------------------------------
    def drop_after(self, frames: int, *, path: str | None = None, times: int = 1) -> RealtimeFault:
        """The next ``times`` connections (to ``path``) drop without a close frame after ``frames`` server frames
        (when frame ``frames + 1`` is due; ``0``: right after the handshake).

        Args:
            frames: server frames sent before the drop.
            path: the WebSocket path (``"/v1/chat"``, ``"/v1/audio/speech"``, ``"/v1/audio/transcriptions"``);
                None: any.
            times: how many connections it hits.
        """
        return self._fault(RealtimeFault("drop", path, frames, times))

    def freeze_after(self, frames: int, *, path: str | None = None, times: int = 1) -> RealtimeFault:
        """The next ``times`` connections go silent after ``frames`` server frames: nothing more is read or
        sent, pings are not answered (a dead peer behind a NAT), until the client gives up.

        Args:
            frames: server frames sent before the freeze.
            path: the WebSocket path (``"/v1/chat"``, ``"/v1/audio/speech"``, ``"/v1/audio/transcriptions"``);
                None: any.
            times: how many connections it hits.
        """
        return self._fault(RealtimeFault("freeze", path, frames, times))

    def close_after(self, frames: int, *, path: str | None = None, code: int = 1000, times: int = 1) -> RealtimeFault:
        """The next ``times`` connections close cleanly (``code``) after ``frames`` server frames.

        Args:
            frames: server frames sent before the close.
            path: the WebSocket path (``"/v1/chat"``, ``"/v1/audio/speech"``, ``"/v1/audio/transcriptions"``);
                None: any.
            code: the WebSocket close code.
            times: how many connections it hits.
        """
        return self._fault(RealtimeFault("close", path, frames, times, close_code=code))

    def reject_next(
        self,
        *,
        status: int = 401,
        code: int = 4100,
        msg: str = "authentication is invalid",
        path: str | None = None,
        times: int = 1,
    ) -> RealtimeFault:
        """Refuse the next ``times`` handshakes with HTTP ``status`` and a JSON ``{code, msg}`` body.

        Args:
            status: the HTTP status.
            code: the Coze error code in the body.
            msg: the message in the body.
            path: the WebSocket path (``"/v1/chat"``, ``"/v1/audio/speech"``, ``"/v1/audio/transcriptions"``);
                None: any.
            times: how many connections it hits.
        """
        return self._fault(RealtimeFault("reject", path, times=times, status=status, code=code, msg=msg))

    def error_on(self, event_type: str, code: int = 4000, msg: str = "invalid parameter", *, times: int = 1) -> None:
        """Answer the next ``times`` client events of ``event_type`` with an ``error`` frame instead.

        Args:
            event_type: the client event (``"input_text_buffer.append"``...).
            code: the Coze error code in the frame.
            msg: the message in the frame.
            times: how many such events fail.
        """
        self.errors.setdefault(event_type, []).extend([(code, msg)] * times)

    def script_next(self, path: str, *events: dict[str, Any] | str) -> None:
        """Raw frames the next connection to ``path`` sends right after its ``*.created`` event
        (a ``str`` is sent verbatim, so malformed frames can be scripted too).

        Args:
            path: the WebSocket path (``"/v1/chat"``...).
            *events: frames as dicts (sent as JSON) or strings (sent verbatim).
        """
        self.scripted.setdefault(path, []).extend(events)

    def require_action(self, *tool_calls: dict[str, Any]) -> None:
        """The next chat reply asks for these tool calls (``{"name": ..., "arguments": {...}}``) first.

        Args:
            *tool_calls: the calls; none given: one ``get_weather`` call.
        """
        self.tool_calls = list(tool_calls) or [{"name": "get_weather", "arguments": {"city": "Beijing"}}]

    def _fault(self, fault: RealtimeFault) -> RealtimeFault:
        self.faults.append(fault)
        return fault

    def _take_fault(self, path: str, kinds: tuple[str, ...]) -> RealtimeFault | None:
        for fault in self.faults:
            if fault.kind in kinds and fault.times > 0 and fault.path in (None, path):
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    # -- helpers ------------------------------------------------------------------------------
    def next_id(self) -> str:
        """A fresh event id."""
        self._seq += 1
        return str(7_500_000_000_000_000_000 + self._seq)

    def logid(self) -> str:
        """A log id shaped like the real ones."""
        return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{self._seq:019X}"

    def _audio_frames(self, text: str) -> list[str]:
        audio = f"AUDIO[{text}]".encode()
        return [
            base64.b64encode(audio[i : i + self.audio_chunk]).decode() for i in range(0, len(audio), self.audio_chunk)
        ]

    # -- handshake ----------------------------------------------------------------------------
    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        if path not in PATHS:
            return self._reject(connection, 404, 4200, "resource not found")
        fault = self._take_fault(path, ("reject",))
        if fault is not None:
            return self._reject(connection, fault.status, fault.code, fault.msg)
        value = request.headers.get("Authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token or (self.tokens is not None and token not in self.tokens):
            return self._reject(connection, 401, 4100, "authentication is invalid")
        return None

    def _reject(self, connection: ServerConnection, status: int, code: int, msg: str) -> Response:
        logid = self.logid()
        body = json.dumps({"code": code, "msg": msg, "detail": {"logid": logid}})
        response = connection.respond(status, body)
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = "application/json"
        response.headers["x-tt-logid"] = logid
        return response

    # -- sessions -----------------------------------------------------------------------------
    async def _handler(self, ws: ServerConnection) -> None:
        parts = urlsplit(ws.request.path if ws.request else "/")
        path = parts.path
        headers = {
            k.lower(): ("REDACTED" if k.lower() == "authorization" else v)
            for k, v in (ws.request.headers.raw_items() if ws.request else [])
        }
        auth = ws.request.headers.get("Authorization", "") if ws.request else ""
        token = auth.partition(" ")[2] or None
        conn = RealtimeConnection(path, dict(parse_qsl(parts.query)), headers, fingerprint(token) if token else None)
        self.connections.append(conn)
        sender = _Sender(self, ws, conn, self._take_fault(path, ("drop", "freeze", "close")))
        state = _State(conversation_id=self.next_id())
        created = {SPEECH: "speech.created", TRANSCRIPTIONS: "transcriptions.created", CHAT: "chat.created"}[path]
        try:
            await sender.check_fault()
            await sender.send(created, {})
            for frame in self.scripted.pop(path, []):
                if isinstance(frame, str):
                    await ws.send(frame)  # verbatim, e.g. a frame that is not JSON
                else:
                    await sender.raw(frame)
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    await sender.error(4000, "frame is not JSON")
                    continue
                conn.received.append(message)
                event_type = str(message.get("event_type", ""))
                queued = self.errors.get(event_type)
                if queued:
                    code, msg = queued.pop(0)
                    await sender.error(code, msg, raw if isinstance(raw, str) else None)
                    continue
                handler = {SPEECH: self._speech, TRANSCRIPTIONS: self._asr, CHAT: self._chat}[path]
                await handler(sender, state, event_type, message.get("data") or {}, raw)
            conn.ended_by = conn.ended_by or "client"
        except (_Dropped, ConnectionClosed):
            conn.ended_by = conn.ended_by or "client"
        finally:
            conn.close_code = ws.close_code

    async def _speech(self, s: _Sender, st: _State, event: str, data: dict[str, Any], raw: Any) -> None:
        if event == "speech.update":
            st.config.update(data)
            await s.send("speech.updated", st.config)
        elif event == "input_text_buffer.append":
            delta = str(data.get("delta", ""))
            if len((st.text + delta).encode()) > TEXT_LIMIT:
                await s.error(3010, f"text is longer than {TEXT_LIMIT} bytes", raw)
                return
            st.text += delta
        elif event == "input_text_buffer.complete":
            text, st.text = st.text, ""
            await s.send("input_text_buffer.completed", {})
            for delta in self._audio_frames(text):
                await s.send("speech.audio.update", {"delta": delta})
            await s.send("speech.audio.completed", {})
        else:
            await s.error(4000, f"unknown event_type {event!r}", raw)

    async def _asr(self, s: _Sender, st: _State, event: str, data: dict[str, Any], raw: Any) -> None:
        if event == "transcriptions.update":
            st.config.update(data)
            await s.send("transcriptions.updated", st.config)
        elif event == "input_audio_buffer.append":
            st.audio += len(base64.b64decode(str(data.get("delta", ""))))
        elif event == "input_audio_buffer.complete":
            text = self.transcript if self.transcript is not None else f"{st.audio} bytes of audio"
            st.audio = 0
            await s.send("input_audio_buffer.completed", {})
            await s.send("transcriptions.message.update", {"content": text[: max(1, len(text) // 2)]})
            await s.send("transcriptions.message.update", {"content": text})
            await s.send("transcriptions.message.completed", {})
        elif event == "input_audio_buffer.clear":
            st.audio = 0
            await s.send("input_audio_buffer.cleared", {})
        else:
            await s.error(4000, f"unknown event_type {event!r}", raw)

    async def _chat(self, s: _Sender, st: _State, event: str, data: dict[str, Any], raw: Any) -> None:
        bot_id = s.conn.query.get("bot_id", "")
        if event == "chat.update":
            st.config.update(data)
            await s.send("chat.updated", st.config)
        elif event == "conversation.message.create":
            if data.get("role", "user") == "user":
                await self._reply(s, st, bot_id, str(data.get("content", "")))
        elif event == "input_audio_buffer.append":
            st.audio += len(base64.b64decode(str(data.get("delta", ""))))
        elif event == "input_audio_buffer.complete":
            heard = self.transcript if self.transcript is not None else f"{st.audio} bytes of audio"
            st.audio = 0
            await s.send("input_audio_buffer.completed", {})
            await s.send("conversation.audio_transcript.update", {"content": heard})
            await s.send("conversation.audio_transcript.completed", {"content": heard})
            await self._reply(s, st, bot_id, heard)
        elif event == "input_audio_buffer.clear":
            st.audio = 0
            await s.send("input_audio_buffer.cleared", {})
        elif event == "conversation.clear":
            await s.send("conversation.cleared", {})
        elif event == "conversation.chat.cancel":
            await s.send("conversation.chat.canceled", {"code": 0, "msg": "canceled by the client"})
        elif event == "conversation.chat.submit_tool_outputs":
            chat = st.pending_chat
            if chat is None or data.get("chat_id") != chat["id"]:
                await s.error(4001, "invalid chat: no tool call is pending", raw)
                return
            st.pending_chat = None
            outputs = "; ".join(str(o.get("output")) for o in data.get("tool_outputs") or [])
            await self._answer(s, chat, f"Tool said: {outputs}")
        elif event == "input_text.generate_audio":
            text = str(data.get("text", ""))
            if len(text.encode()) >= TEXT_LIMIT:
                await s.error(3010, f"text must be under {TEXT_LIMIT} bytes", raw)
                return
            message = {
                "id": self.next_id(),
                "conversation_id": st.conversation_id,
                "role": "assistant",
                "type": "answer",
                "content_type": "audio",
            }
            for delta in self._audio_frames(text):
                await s.send("conversation.audio.delta", {**message, "content": delta})
            await s.send("conversation.audio.completed", {**message, "content": ""})
        else:
            await s.error(4000, f"unknown event_type {event!r}", raw)

    async def _reply(self, s: _Sender, st: _State, bot_id: str, text: str) -> None:
        chat = {
            "id": self.next_id(),
            "conversation_id": st.conversation_id,
            "bot_id": bot_id,
            "created_at": int(time.time()),
            "status": "created",
        }
        await s.send("conversation.chat.created", chat)
        await s.send("conversation.chat.in_progress", {**chat, "status": "in_progress"})
        if self.tool_calls:
            calls = [
                {
                    "id": f"call_{i}",
                    "type": "function",
                    "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}))},
                }
                for i, c in enumerate(self.tool_calls)
            ]
            self.tool_calls = []
            st.pending_chat = chat
            await s.send(
                "conversation.chat.requires_action",
                {
                    **chat,
                    "status": "requires_action",
                    "required_action": {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}},
                },
            )
            return
        answer = self.reply(text) if callable(self.reply) else self.reply
        await self._answer(s, chat, answer)

    async def _answer(self, s: _Sender, chat: dict[str, Any], answer: str) -> None:
        message = {
            "id": self.next_id(),
            "conversation_id": chat["conversation_id"],
            "bot_id": chat["bot_id"],
            "chat_id": chat["id"],
            "role": "assistant",
            "type": "answer",
            "content_type": "text",
        }
        words = answer.split(" ")
        for i, word in enumerate(words):
            piece = word + (" " if i < len(words) - 1 else "")
            await s.send("conversation.message.delta", {**message, "content": piece})
        await s.send("conversation.audio.sentence_start", {"text": answer})
        audio = {**message, "content_type": "audio"}
        for delta in self._audio_frames(answer):
            await s.send("conversation.audio.delta", {**audio, "content": delta})
        await s.send("conversation.message.completed", {**message, "content": answer})
        await s.send("conversation.audio.completed", {**audio, "content": ""})
        tokens_in, tokens_out = 10, max(1, len(answer) // 4)
        await s.send(
            "conversation.chat.completed",
            {
                **chat,
                "status": "completed",
                "completed_at": int(time.time()),
                "usage": {"token_count": tokens_in + tokens_out, "input_count": tokens_in, "output_count": tokens_out},
            },
        )

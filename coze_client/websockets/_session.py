"""One realtime WebSocket session: connect, send client events, receive typed server events, close.

A session counts as one call for the limiter and the ledger (every reconnect is one more): the ledger holds
it before the limiter wait, the limiter grants a slot, the ledger counts it (durably) just before connecting,
and the slot is released as soon as the handshake is answered (the server counted the connection when it
arrived, and holding a request slot for a minutes-long session would stall every other call of the group).
The ledger reservation is settled when the session closes, with the usage the session reported. A failed
connect before any byte left gives both back.

A background task reads frames into a bounded queue (so a slow consumer pushes back on the socket
instead of growing memory); the consumer takes events with ``async for`` or `receive`. A
connection that drops surfaces as `RealtimeConnectionError` from the iterator and from any
send (no silent hang: websockets' keepalive pings detect a dead peer within ``ping_interval +
ping_timeout``), unless the session was opened with ``reconnect=`` (speech and transcriptions).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import random
import uuid
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from ..errors import needs_extra

with needs_extra("realtime", "Realtime voice (coze.websockets)"):
    from websockets.asyncio.client import ClientConnection, connect
    from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake, InvalidStatus

from .._auth import StaticToken
from .._call import Usage
from .._request import Endpoint
from .._secrets import redact
from ..errors import APIError, AuthenticationError, CozeError, ValidationError, error_class_for
from ..limits.base import mark_responded
from ._audio import AudioSource, iter_audio
from .errors import RealtimeAPIError, RealtimeConnectionError
from .events import ErrorEvent, Reconnected, WebsocketEvent, parse_event

if TYPE_CHECKING:
    from . import AsyncWebsockets

__all__ = ["RealtimeSession"]

log = logging.getLogger("coze_client.websockets")


class _RedactFilter(logging.Filter):
    """The websockets library logs handshake headers at DEBUG, Authorization included: redact them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


# The library's protocol logger for our connections (instead of "websockets.client").
wire_log = logging.getLogger("coze_client.websockets.wire")
wire_log.addFilter(_RedactFilter())

_END = object()
DEFAULT_REPLAY_LIMIT = 4 * 1024 * 1024
DEFAULT_MAX_FRAME = 16 * 1024 * 1024


class RealtimeSession:
    """Base of the speech, transcription and chat sessions (use those).

    Args:
        owner: the client's ``coze.websockets`` (sessions are opened through it, never built by hand).
        query: query parameters of the handshake URL (``bot_id``, ...); ``None`` values are left out.
        update: the configuration sent as the session's first event (``speech.update``, ...).
        reconnect: speech and transcriptions only: ``True`` (3 attempts) or how many times in the
            session's life a dropped connection may be re-opened. The configuration is sent again,
            and the input since the last finished result is replayed when it is at most ``replay_limit``
            bytes; a `Reconnected` event tells the consumer.
        replay_limit: the most bytes of unfinished input kept for replay after a reconnect.
        raise_errors: raise `RealtimeAPIError` for ``error`` frames (default) instead of
            yielding `ErrorEvent`.
        open_timeout: seconds to open the connection (websockets' meaning).
        ping_interval: seconds between keep-alive pings (websockets' meaning).
        ping_timeout: seconds to wait for a pong (websockets' meaning).
        close_timeout: seconds to wait for the closing handshake (websockets' meaning).
        max_queue: events buffered before the reader stops reading the socket.
        max_frame: the largest frame accepted from the server, in bytes.
        max_wait: most seconds to wait for the rate limiter (else `RateLimitWaitError`).
        hold_slot: keep the limiter slot until the connection ends instead of releasing it when the
            handshake is answered (for a plan with a ``concurrency`` limit on sessions).
        extra_headers: more handshake headers.
    """

    path: ClassVar[str] = ""
    groups: ClassVar[tuple[str, ...]] = ()
    update_event: ClassVar[str] = ""
    input_events: ClassVar[frozenset[str]] = frozenset()  # kept for replay after a reconnect
    reset_events: ClassVar[frozenset[str]] = frozenset()  # client events that drop the replay buffer
    finished_events: ClassVar[frozenset[str]] = frozenset()  # server events that end the pending input
    can_reconnect: ClassVar[bool] = False

    def __init__(
        self,
        owner: AsyncWebsockets,
        *,
        query: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
        reconnect: bool | int = False,
        replay_limit: int = DEFAULT_REPLAY_LIMIT,
        raise_errors: bool = True,
        open_timeout: float = 10.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        close_timeout: float = 5.0,
        max_queue: int = 1024,
        max_frame: int = DEFAULT_MAX_FRAME,
        max_wait: float | None = None,
        hold_slot: bool = False,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        attempts = (3 if reconnect is True else int(reconnect)) if reconnect else 0
        if attempts and not self.can_reconnect:
            raise ValidationError(f"{type(self).__name__} cannot reconnect: its state lives on the server")
        self._owner = owner
        self._corridor = owner.corridor
        self._query = {k: str(v) for k, v in (query or {}).items() if v is not None}
        self._update: dict[str, Any] | None = dict(update) if update else None
        self._max_reconnects = attempts
        self._attempts_left = attempts
        self._replay_limit = replay_limit
        self.raise_errors = raise_errors
        self._open_timeout = open_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._close_timeout = close_timeout
        self._max_frame = max_frame
        self._max_wait = max_wait
        self._hold_slot = hold_slot
        self._held: list[Any] = []  # limiter permits held for the connection's life (hold_slot=True)
        self._extra_headers = dict(extra_headers or {})
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_queue)
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._cond = asyncio.Condition()
        self._gen = 0
        self._closing = False
        self._ended = False
        self._end_error: CozeError | None = None
        self._consumed_end = False
        self._reservations: list[Any] = []
        self._pending: list[str] = []
        self._pending_bytes = 0
        self.usage = Usage()
        """What the session reported using (chat tokens; speech characters; transcription audio bytes)."""
        self.logid: str | None = None
        """``x-tt-logid`` of the latest handshake."""
        self.reconnects = 0
        """How many times the connection was re-opened."""
        self.close_code: int | None = None
        """The WebSocket close code once the connection ended."""

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        """The WebSocket URL of this session (no credentials in it)."""
        query = f"?{urlencode(self._query)}" if self._query else ""
        return f"{self._owner.ws_base_url}{self.path}{query}"

    @property
    def closed(self) -> bool:
        """True once the connection ended (either side) and no reconnect is under way."""
        return self._ended

    async def connect(self) -> None:
        """Open the connection (counted by the ledger and the limiter) and send the configuration."""
        if self._ws is not None or self._ended:
            raise ValidationError("this session was already opened; create a new one")
        try:
            await self._open(replay=False)
        except BaseException:
            await self.close()  # settles a connection that opened but could not be configured
            raise
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    async def close(self) -> None:
        """Close cleanly (code 1000), stop reading and settle the ledger. Safe to call twice."""
        if self._closing:
            return
        self._closing = True
        # Events nobody will read are dropped, and the reader discards the rest, so a full queue
        # cannot keep the socket paused and stall the close handshake until close_timeout.
        while not self._queue.empty():
            self._queue.get_nowait()
        ws = self._ws
        try:
            if ws is not None:
                with contextlib.suppress(Exception):
                    await ws.close()
                self.close_code = ws.close_code
        finally:
            reader = self._reader
            if reader is not None and not reader.done():
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reader
            while not self._queue.empty():
                self._queue.get_nowait()
            self._mark_ended(None)
            await self._settle()

    async def __aenter__(self) -> RealtimeSession:
        await self.connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ receiving
    def __aiter__(self) -> RealtimeSession:
        return self

    async def __anext__(self) -> WebsocketEvent:
        event = await self.receive()
        if event is None:
            raise StopAsyncIteration
        return event

    async def receive(self, timeout: float | None = None) -> WebsocketEvent | None:
        """The next server event; None once the connection was closed cleanly.

        Args:
            timeout: the most seconds to wait for the event (``None``: no bound).

        Raises `RealtimeAPIError` for an ``error`` frame (unless ``raise_errors=False``),
        `RealtimeConnectionError` when the connection dropped, and ``TimeoutError`` when no
        event came within ``timeout`` seconds.
        """
        if self._consumed_end or (self._ended and self._queue.empty()):
            self._consumed_end = True
            self._raise_end_error()
            return None
        if not self._queue.empty():
            item = self._queue.get_nowait()
        elif timeout is None:
            item = await self._queue.get()
        else:
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout)
            except asyncio.TimeoutError:  # a distinct class before Python 3.11: raise the builtin one
                raise TimeoutError(f"no realtime event within {timeout}s") from None
        if item is _END:
            self._consumed_end = True
            self._raise_end_error()
            return None
        event: WebsocketEvent = item
        if isinstance(event, ErrorEvent) and self.raise_errors:
            raise RealtimeAPIError(event.data.msg or "error event", code=event.data.code, logid=event.logid,
                                   event_id=event.id or None,
                                   origin_message=event.detail.origin_message if event.detail else None)
        return event

    def _raise_end_error(self) -> None:
        if self._end_error is not None:
            raise self._end_error

    async def until(self, *event_types: str, timeout: float | None = None) -> AsyncIterator[WebsocketEvent]:
        """Yield events up to and including the first one of ``event_types``.

        A connection that ends first raises `RealtimeConnectionError` (the awaited event will
        never come).

        Args:
            *event_types: the event types that end the iteration (e.g. ``"speech.audio.completed"``).
            timeout: the most seconds to wait for each event (``None``: no bound).
        """
        wanted = set(event_types)
        while True:
            event = await self.receive(timeout)
            if event is None:
                raise RealtimeConnectionError(
                    f"connection closed before {' / '.join(sorted(wanted))} arrived", close_code=self.close_code)
            yield event
            if event.event_type in wanted:
                return

    # ------------------------------------------------------------------ sending
    async def send_event(self, event_type: str, data: Mapping[str, Any] | None = None) -> str:
        """Send any client event ``{id, event_type, data}`` (the typed methods call this); returns its id.

        Args:
            event_type: the client event's type (e.g. ``"input_audio_buffer.append"``).
            data: its ``data`` object, if it has one.
        """
        event_id = uuid.uuid4().hex
        frame: dict[str, Any] = {"id": event_id, "event_type": event_type}
        if data is not None:
            frame["data"] = dict(data)
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        replayed = False
        if event_type in self.input_events and self._max_reconnects:
            self._pending.append(text)
            self._pending_bytes += len(text)
            replayed = True
        elif event_type in self.reset_events:
            self._clear_pending()
        if event_type == self.update_event and data is not None:
            self._update = {**(self._update or {}), **frame["data"]}
            replayed = True
        await self._send_text(text, replayed=replayed)
        return event_id

    async def update(self, **config: Any) -> str:
        """Send the configuration event (``speech.update``, ``transcriptions.update``, ``chat.update``).

        Args:
            **config: the event's ``data`` fields (``None`` values are left out).
        """
        return await self.send_event(self.update_event, {k: v for k, v in config.items() if v is not None})

    async def _send_text(self, text: str, *, replayed: bool) -> None:
        while True:
            if self._ended:
                raise self._end_error or RealtimeConnectionError("the session is closed", close_code=self.close_code)
            ws, gen = self._ws, self._gen
            if ws is None:
                raise ValidationError("the session is not connected: use `async with` or await connect()")
            try:
                await ws.send(text)
                return
            except ConnectionClosed as exc:
                if self._closing or not self._max_reconnects:
                    raise RealtimeConnectionError(_closed_message(exc), close_code=_code(exc)) from None
            # The reader re-opens the connection (and replays input frames); wait for it.
            async with self._cond:
                await self._cond.wait_for(lambda gen=gen: self._gen != gen or self._ended)  # type: ignore[misc]
            if replayed and not self._ended:
                return

    async def _send_audio(self, event_type: str, source: AudioSource, *, chunk_size: int,
                          pace: float | None) -> int:
        sent = 0
        async for chunk in iter_audio(source, chunk_size):
            await self.send_event(event_type, {"delta": base64.b64encode(chunk).decode("ascii")})
            sent += len(chunk)
            if pace:
                await asyncio.sleep(len(chunk) / pace)
        return sent

    # ------------------------------------------------------------------ connection
    async def _open(self, *, replay: bool) -> dict[str, Any]:
        try:
            ws = await self._connect_counted()
        except AuthenticationError:
            if isinstance(self._corridor.auth, StaticToken):
                raise
            self._corridor.auth.invalidate()  # an OAuth token was rejected: refresh once and retry
            ws = await self._connect_counted()
        self._ws = ws
        self.logid = ws.response.headers.get("x-tt-logid") if ws.response is not None else None
        info: dict[str, Any] = {"replayed": 0, "lost_input": False}
        try:
            if self._update:
                await ws.send(json.dumps({"id": uuid.uuid4().hex, "event_type": self.update_event,
                                          "data": self._update}, ensure_ascii=False, separators=(",", ":")))
            if replay and self._pending:
                if self._pending_bytes <= self._replay_limit:
                    for text in self._pending:
                        await ws.send(text)
                    info["replayed"] = len(self._pending)
                else:
                    info["lost_input"] = True
                    self._clear_pending()
        except ConnectionClosed as exc:
            raise RealtimeConnectionError(_closed_message(exc), close_code=_code(exc)) from None
        return info

    async def _connect_counted(self) -> ClientConnection:
        corridor = self._corridor
        call = corridor.call_info(Endpoint("GET", self.path, groups=self.groups))
        token = await corridor.auth.get_token()
        # Held before the wait (refused at once when the quota is full), counted durably just before the
        # connect, as for every HTTP call: a session killed while queued counts nothing (ledger/_core.py).
        reservation = await corridor.hold(call)
        try:
            permit = await corridor.limiter.acquire(call, max_wait=self._max_wait)
        except BaseException:
            await corridor.ledger.cancel(reservation)
            raise
        await corridor.mark(reservation, permit)
        corridor.stats.calls += 1
        corridor.stats.attempts += 1
        corridor.stats.limiter_wait += permit.waited
        headers = {"Authorization": f"Bearer {token}", **self._extra_headers}
        try:
            ws = await connect(
                self.url,
                additional_headers=headers,
                user_agent_header=corridor.headers.get("User-Agent"),
                open_timeout=self._open_timeout,
                ping_interval=self._ping_interval,
                ping_timeout=self._ping_timeout,
                close_timeout=self._close_timeout,
                max_size=self._max_frame,
                logger=wire_log,
            )
        except BaseException as exc:
            error = self._connect_error(exc)
            sent = error.sent if isinstance(error, RealtimeConnectionError) else True
            try:
                await _quietly(permit.release(sent=sent))
            finally:
                if sent:
                    await corridor.ledger.settle(reservation, None)
                else:
                    await corridor.ledger.cancel(reservation)
            if error is exc:
                raise
            raise error from None
        mark_responded(permit)  # the handshake is the head: request-count slots start their last window
        try:
            if self._hold_slot:
                self._held.append(permit)
            else:
                await permit.release(sent=True)
        finally:
            self._reservations.append(reservation)
        return ws

    def _connect_error(self, exc: BaseException) -> BaseException:
        """The library error for a failed connect (``exc`` itself when it is not a connection failure)."""
        if isinstance(exc, InvalidStatus):
            return _handshake_error(exc)
        if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return RealtimeConnectionError(f"opening {self.path} timed out after {self._open_timeout}s")
        if isinstance(exc, OSError):
            # Refused or unreachable: nothing reached the server, so the call is given back.
            return RealtimeConnectionError(f"cannot connect to {self.path}: {type(exc).__name__}: {exc}", sent=False)
        if isinstance(exc, InvalidHandshake):
            return RealtimeConnectionError(f"WebSocket handshake for {self.path} failed: {exc}")
        return exc

    async def _read_loop(self) -> None:
        while True:
            ws = self._ws
            assert ws is not None
            try:
                async for raw in ws:
                    if self._closing:
                        continue  # closing: read on (so the close handshake completes) but keep nothing
                    event = self._decode(raw)
                    if event is not None:
                        self._observe(event)
                        try:
                            self._queue.put_nowait(event)  # the common case, without a coroutine
                        except asyncio.QueueFull:
                            await self._queue.put(event)  # the consumer lags: stop reading the socket
                self.close_code = ws.close_code
                await self._end(None)  # closed cleanly (by the server, or by us)
                return
            except ConnectionClosed as exc:
                self.close_code = _code(exc)
                if self._closing:
                    await self._end(None)
                    return
                if not self._max_reconnects:
                    await self._end(RealtimeConnectionError(_closed_message(exc), close_code=self.close_code))
                    return
                try:
                    info = await self._reconnect(exc)
                except CozeError as err:
                    await self._end(err)
                    return
                await self._queue.put(Reconnected(event_type=Reconnected.EVENT_TYPE,
                                                  data={"attempt": self.reconnects, **info}))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must end the session loudly, never leave the consumer waiting
                log.exception("realtime %s: the reader failed", self.path)
                await self._end(RealtimeConnectionError(f"the realtime reader failed: {type(exc).__name__}: {exc}"))
                return

    async def _reconnect(self, exc: ConnectionClosed) -> dict[str, Any]:
        last: CozeError | None = None
        # The budget is for the whole session, so a server that accepts and then drops every
        # connection cannot keep the session reconnecting forever.
        await self._release_held()  # the dropped connection no longer occupies its slot
        while self._attempts_left > 0:
            self._attempts_left -= 1
            attempt = self._max_reconnects - self._attempts_left
            # Exponential backoff with jitter (0.2 s, 0.4 s, 0.8 s ... at most 5 s).
            await asyncio.sleep(min(0.2 * 2 ** (attempt - 1), 5.0) * random.uniform(0.75, 1.0))
            try:
                info = await self._open(replay=True)
            except RealtimeConnectionError as err:
                last = err
                continue
            except APIError as err:
                last = err
                if err.status_code is not None and err.status_code < 500 and err.status_code != 429:
                    break  # refused for good (auth, bad request): retrying will not help
                continue
            self.reconnects += 1
            log.info("realtime %s reconnected after %s (attempt %d)", self.path, _closed_message(exc), attempt)
            async with self._cond:
                self._gen += 1
                self._cond.notify_all()
            return info
        raise RealtimeConnectionError(
            f"{_closed_message(exc)}; all {self._max_reconnects} reconnect attempts of this session are used up"
            + (f" (last: {last.message})" if last is not None else ""), close_code=_code(exc))

    async def _end(self, error: CozeError | None) -> None:
        self._mark_ended(error)
        async with self._cond:
            self._cond.notify_all()
        await self._queue.put(_END)

    def _mark_ended(self, error: CozeError | None) -> None:
        if not self._ended:
            self._ended = True
            self._end_error = error
            if self._closing and self._queue.empty():
                self._queue.put_nowait(_END)

    async def _release_held(self) -> None:
        held, self._held = self._held, []
        for permit in held:
            await _quietly(permit.release(sent=True))

    async def _settle(self) -> None:
        await self._release_held()
        reservations, self._reservations = self._reservations, []
        usage = self.usage if (self.usage.total_tokens or self.usage.extra) else None
        for index, reservation in enumerate(reservations):
            # The whole session's usage is filed once, with its last connection.
            await self._corridor.ledger.settle(reservation, usage if index == len(reservations) - 1 else None)

    # ------------------------------------------------------------------ events
    def _decode(self, raw: str | bytes) -> WebsocketEvent | None:
        try:
            message = json.loads(raw)
        except ValueError:
            log.warning("realtime %s: a frame that is not JSON was skipped (%d bytes)", self.path, len(raw))
            return None
        if not isinstance(message, dict):
            return None
        return parse_event(message)

    def _observe(self, event: WebsocketEvent) -> None:
        """Session bookkeeping per event (subclasses add usage)."""
        if event.event_type in self.finished_events:
            self._clear_pending()

    def _clear_pending(self) -> None:
        self._pending.clear()
        self._pending_bytes = 0

    def __repr__(self) -> str:
        state = "closed" if self._ended else ("open" if self._ws is not None else "new")
        return f"{type(self).__name__}(url={self.url!r}, state={state})"


async def _quietly(awaitable: Any) -> None:
    with contextlib.suppress(Exception):
        await awaitable


def _code(exc: ConnectionClosed) -> int | None:
    frame = exc.rcvd or exc.sent
    return frame.code if frame is not None else 1006


def _closed_message(exc: ConnectionClosed) -> str:
    if isinstance(exc, ConnectionClosedOK):
        return "the connection was closed"
    frame = exc.rcvd
    if frame is None:
        if exc.sent is not None and exc.sent.code != 1000:
            # We closed it: typically 1011 "keepalive ping timeout" (the peer stopped answering).
            return f"the connection failed: {exc.sent.code} {exc.sent.reason}".rstrip()
        return "the connection dropped without a close frame (1006)"
    return f"the server closed the connection abnormally ({frame.code} {frame.reason})".rstrip()


def _handshake_error(exc: InvalidStatus) -> APIError:
    response = exc.response
    status = response.status_code
    body: Any = None
    code: int | None = None
    msg = f"WebSocket handshake refused with HTTP {status}"
    logid = response.headers.get("x-tt-logid")
    try:
        body = json.loads(response.body or b"")
    except ValueError:
        body = (response.body or b"").decode("utf-8", "replace")[:500] or None
    if isinstance(body, dict):
        raw = body.get("code")
        code = raw if isinstance(raw, int) else None
        msg = str(body.get("msg") or msg)
        detail = body.get("detail")
        if logid is None and isinstance(detail, dict) and isinstance(detail.get("logid"), str):
            logid = detail["logid"]
    cls = error_class_for(code, status)
    return cls(msg, code=code, logid=logid, status_code=status, body=body)


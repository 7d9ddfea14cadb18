"""Typed event streams over SSE: ``async with ... as events: async for event in events``.

Leaving the ``async with`` block (or breaking out of ``async for`` inside it) closes the connection at
once, releases the limiter slot and settles the ledger with whatever usage the stream reported.

The rule without ``async with``: the iteration is an async generator, so ``break`` drops it and the
event loop's async-generator finalizer closes the stream as a task, before your next ``await``
completes. A stream that is garbage-collected while still open (opened by hand with ``__aenter__``
and never closed, say) warns (``ResourceWarning`` and a log record) and is closed on the running
loop. Python has no hook that runs code synchronously on ``break``; ``async with`` is the way to
close at a known point.

A stream that ends without its terminating event raises `StreamError`
(truncation is never mistaken for a normal end). The service ends its streams without the final
blank line; such a last event is dispatched when its data is whole (see `coze_client._sse`).

Reading and decoding are separate pieces: `EventStream.chunks` reads the body (network, on the event
loop), `EventStream.decoder` turns its bytes into typed events (pure work, any thread; see
`coze_client._decoding`). ``async for`` runs both in one task; the sync client reads on its SDK loop
and decodes in the calling thread.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

import httpx

from ._call import Usage
from ._decoding import END, EventDecoder, StreamEnd
from ._models import CallMeta
from ._sse import ServerSentEvent
from ._transport import Attempt, Corridor
from .errors import StreamError, connection_error_from

__all__ = ["END", "EventStream", "StreamEnd"]

log = logging.getLogger("coze_client.stream")

E = TypeVar("E")


class EventStream(Generic[E]):
    """An async iterator of typed events that owns its HTTP response.

    Examples:
        ```python
        async def main(coze):
            async with coze.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                async for event in events:
                    print(event.event)
        ```

    You get one from a ``stream`` method; building one by hand is for provider adapters.

    Args:
        corridor: the client's request corridor; closing the stream settles the call through it.
        opener: opens the HTTP response (limiter, ledger, retries) and returns it with the call's `CallMeta`;
            awaited on ``__aenter__`` or on the first ``async for``.
        decode: turns one server-sent event into a typed event, ``END`` for the terminating event, or
            ``None`` to skip it; it receives the stream too.
        usage_of: reads the `Usage` an event reports (the last one reported is settled); ``None`` when
            events carry no usage.
        require_end: True (default) raises `StreamError` when the body ends without the terminating event.
        framing: ``"sse"`` (default) for server-sent events, ``"lines"`` for newline-delimited JSON (GPTBots).
    """

    def __init__(
        self,
        corridor: Corridor,
        opener: Callable[[], Awaitable[tuple[Attempt, CallMeta]]],
        decode: Callable[[ServerSentEvent, EventStream[E]], E | StreamEnd | None],
        *,
        usage_of: Callable[[E], Usage | None] | None = None,
        require_end: bool = True,
        framing: Literal["sse", "lines"] = "sse",
    ) -> None:
        self._corridor = corridor
        self._opener = opener
        self._decode = decode
        self._usage_of = usage_of
        self._require_end = require_end
        self._framing = framing
        self._attempt: Attempt | None = None
        self._meta: CallMeta | None = None
        self._usage: Usage | None = None
        self._closed = False
        self._iterating = False
        self.ended = False
        self.end_data: Any = None
        """Data of the terminating event (the chatflow's ``done`` carries ``debug_url``)."""
        self.last_event_id: str | None = None

    # -- context manager
    async def __aenter__(self) -> EventStream[E]:
        await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _open(self) -> None:
        if self._attempt is None:
            if self._closed:
                raise StreamError("stream already closed")
            self._attempt, self._meta = await self._opener()

    @property
    def response(self) -> httpx.Response | None:
        """The underlying HTTP response (after opening)."""
        return self._attempt.response if self._attempt else None

    @property
    def meta(self) -> CallMeta | None:
        """What the corridor did to open this stream (attempts, waits, logid)."""
        return self._meta

    @property
    def logid(self) -> str | None:
        """The stream's ``x-tt-logid``."""
        return self._meta.logid if self._meta else None

    @property
    def usage(self) -> Usage | None:
        """Usage reported by the stream so far (tokens of a completed chat)."""
        return self._usage

    def __aiter__(self) -> AsyncIterator[E]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[E]:
        # Reading (`chunks`) and decoding (`decoder`) composed; the sync client runs them on two threads.
        self._claim()  # before the try: a second reader must not close the first one's stream
        chunks = self._body()
        decoder = self.decoder()
        frames, event = decoder.frames, decoder.event
        try:
            async for chunk in chunks:
                for sse in frames(chunk):
                    item = event(sse)
                    if item is not None:
                        yield item
                    if self.ended:
                        return
            for item in decoder.finish():
                yield item
        finally:
            await chunks.aclose()
            await self.aclose()

    def chunks(self) -> AsyncGenerator[bytes, None]:
        """The body's bytes as they arrive (the stream opens first); `decoder` turns them into events.

        For readers that decode elsewhere (the sync client decodes on the calling thread). A stream is
        read once, by ``async for`` or by this. It neither decodes nor closes: close the stream when done,
        which settles the call with the usage the decoder recorded. A second read, or a broken
        connection, raises `StreamError` from the first step.
        """
        return self._body(claim=True)

    def _claim(self) -> None:
        if self._iterating:
            raise StreamError("a stream can be iterated only once")
        self._iterating = True

    async def _body(self, *, claim: bool = False) -> AsyncGenerator[bytes, None]:
        if claim:
            self._claim()
        await self._open()
        assert self._attempt is not None
        try:
            async for chunk in self._attempt.response.aiter_bytes():
                yield chunk
        except httpx.TransportError as exc:
            err = connection_error_from(exc)
            raise StreamError(f"the stream broke: {err.message}", logid=self.logid) from None

    def decoder(self) -> EventDecoder[E]:
        """A decoder of this stream's body (framing, typed events, usage): pure work, for any thread."""
        return EventDecoder(self, self._decode, self._usage_of, self._framing)

    def _mark_final(self) -> None:
        """A final state arrived: the body may now end without the terminating event."""
        self._require_end = False

    def __del__(self) -> None:
        # Dropped while open: the generator finalizer did not run (the stream was opened by hand, or
        # the loop is gone). Say so, and close on the running loop without resurrecting ``self``.
        attempt = self._attempt
        if attempt is None or self._closed or attempt.finished:
            return
        self._closed = True
        logid = self._meta.logid if self._meta else None
        warnings.warn(f"an event stream (logid={logid}) was dropped open; use `async with` to close it",
                      ResourceWarning, stacklevel=1)
        log.warning("an event stream (logid=%s) was dropped open; closing it (use `async with`)", logid)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: the connection goes with the client; the ledger keeps the reservation
        task = loop.create_task(_close_dropped(self._corridor, attempt, self._usage))
        _DROPPED.add(task)
        task.add_done_callback(_DROPPED.discard)

    async def aclose(self) -> None:
        """Close the connection and settle the call (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._attempt is not None:
            try:
                await self._attempt.response.aclose()
            finally:
                await self._corridor.finish(self._attempt, self._usage)

    async def collect(self) -> list[E]:
        """Read the whole stream into a list."""
        return [item async for item in self]


_DROPPED: set[asyncio.Task[None]] = set()  # strong references while dropped streams close


async def _close_dropped(corridor: Corridor, attempt: Attempt, usage: Usage | None) -> None:
    try:
        await attempt.response.aclose()
    finally:
        await corridor.finish(attempt, usage)

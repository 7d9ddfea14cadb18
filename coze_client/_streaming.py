"""Typed event streams over SSE: ``async with ... as events: async for event in events``.

Leaving the ``async with`` block (or breaking out of ``async for``) closes the connection at once,
releases the limiter slot and settles the ledger with whatever usage the stream reported.
A stream that ends without its terminating event raises `StreamError`
(truncation is never mistaken for a normal end).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

import httpx

from ._call import Usage
from ._models import CallMeta
from ._sse import LineDecoder, ServerSentEvent, SSEDecoder
from ._transport import Attempt, Corridor
from .errors import StreamError, connection_error_from

__all__ = ["END", "EventStream"]

E = TypeVar("E")


class _End:
    """Sentinel a decoder returns for the terminating event."""

    def __repr__(self) -> str:
        return "END"


END = _End()


class EventStream(Generic[E]):
    """An async iterator of typed events that owns its HTTP response.

    Examples:
        ```python
        async def main(coze):
            async with coze.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                async for event in events:
                    print(event.event)
        ```
    """

    def __init__(
        self,
        corridor: Corridor,
        opener: Callable[[], Awaitable[tuple[Attempt, CallMeta]]],
        decode: Callable[[ServerSentEvent, EventStream[E]], E | _End | None],
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
        if self._iterating:
            raise StreamError("a stream can be iterated only once")
        self._iterating = True
        await self._open()
        assert self._attempt is not None
        decoder: SSEDecoder | LineDecoder = SSEDecoder() if self._framing == "sse" else LineDecoder()
        try:
            async for chunk in self._attempt.response.aiter_bytes():
                for sse in decoder.feed(chunk):
                    item = self._handle(sse)
                    if item is END:
                        return
                    if item is not None:
                        yield item  # type: ignore[misc]
            for sse in decoder.flush():
                item = self._handle(sse)
                if item is END:
                    return
                if item is not None:
                    yield item  # type: ignore[misc]
            if self._require_end:
                raise StreamError("the stream ended before its final event (truncated)", logid=self.logid)
        except httpx.TransportError as exc:
            err = connection_error_from(exc)
            raise StreamError(f"the stream broke: {err.message}", logid=self.logid) from None
        finally:
            await self.aclose()

    def _handle(self, sse: ServerSentEvent) -> E | _End | None:
        if sse.id is not None:
            self.last_event_id = sse.id
        item = self._decode(sse, self)
        if item is END:
            self.ended = True
            return END
        if item is not None and self._usage_of is not None:
            usage = self._usage_of(item)  # type: ignore[arg-type]
            if usage is not None:
                self._usage = usage
        return item

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

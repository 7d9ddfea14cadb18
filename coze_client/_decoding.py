"""One stream's raw body -> its typed events: framing, the stream's decode function, usage and ids.

Pure work, no I/O, so it runs wherever the events are wanted: on the event loop for ``async for``, on
the calling thread for the sync client (whose SDK loop only reads the bytes: decoded events never cross
threads). Reading the body is `coze_client._streaming.EventStream`'s job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from ._call import Usage
from ._sse import LineDecoder, ServerSentEvent, SSEDecoder
from .errors import StreamError

if TYPE_CHECKING:
    from ._streaming import EventStream

__all__ = ["END", "EventDecoder", "StreamEnd"]

log = logging.getLogger("coze_client.stream")

E = TypeVar("E")


class StreamEnd:
    """The type of `END`, the sentinel a decoder returns for the terminating event (no event is yielded for it)."""

    def __repr__(self) -> str:
        return "END"


END = StreamEnd()


class EventDecoder(Generic[E]):
    """Decodes the bytes of one stream's body, chunk by chunk, into its typed events.

    What it learns it records on the stream: ``last_event_id``, ``usage`` (settled when the stream
    closes), ``ended``; the decode function records its own facts there too (``end_data``, a final
    state that lets the body end without the terminating event).

    A reader passes each chunk to `frames` and each frame to `event`, yields the events that are not
    ``None`` and stops once ``stream.ended``; at the end of the body it yields what `finish` yields.

    Args:
        stream: the stream whose body this is (its facts are kept there).
        decode: turns one server-sent event into a typed event, ``END`` for the terminating event, or
            ``None`` to skip it.
        usage_of: reads the `Usage` an event reports; ``None`` when events carry no usage.
        framing: ``"sse"`` for server-sent events, ``"lines"`` for newline-delimited JSON.
    """

    __slots__ = ("_decode", "_frames", "_stream", "_usage_of")

    def __init__(
        self,
        stream: EventStream[E],
        decode: Callable[[ServerSentEvent, EventStream[E]], E | StreamEnd | None],
        usage_of: Callable[[E], Usage | None] | None,
        framing: Literal["sse", "lines"],
    ) -> None:
        self._stream = stream
        self._decode = decode
        self._usage_of = usage_of
        self._frames: SSEDecoder | LineDecoder = SSEDecoder() if framing == "sse" else LineDecoder()

    def frames(self, chunk: bytes) -> list[ServerSentEvent]:
        """The server-sent events ``chunk`` completes (pass each to `event`, in order).

        Args:
            chunk: the next bytes of the body, as read.
        """
        return self._frames.feed(chunk)

    def event(self, sse: ServerSentEvent) -> E | None:
        """The typed event of one frame, or ``None`` (skipped, or the terminating event: then ``stream.ended``).

        Stop after the event that set ``stream.ended`` (a workflow's ``Done`` is yielded, then the end).
        Error events raise here, in their place among the events.

        Args:
            sse: one frame, from `frames`.
        """
        stream = self._stream
        if sse.id is not None:
            stream.last_event_id = sse.id
        item = self._decode(sse, stream)
        if item is END:
            stream.ended = True
            return None
        if item is not None and self._usage_of is not None:
            usage = self._usage_of(item)  # type: ignore[arg-type]
            if usage is not None:
                stream._usage = usage
        return item  # type: ignore[return-value]

    def finish(self) -> Iterator[E]:
        """End of body: its last event if whole, then `StreamError` if the stream never reached its end.

        The service ends its streams without the final blank line: such a last event is dispatched when
        its data is whole (it parses), and dropped as the tail of a cut body when not.
        """
        stream = self._stream
        for sse in self._frames.flush():
            if not sse.terminated and not self._whole(sse):
                break
            item = self.event(sse)
            if item is not None:
                yield item
            if stream.ended:
                return
        if stream._require_end:
            raise StreamError("the stream ended before its final event (truncated)", logid=stream.logid)

    def _whole(self, sse: ServerSentEvent) -> bool:
        """Whether the body's unterminated last event is whole (its data parses as JSON) or was cut."""
        try:
            if sse.data.strip() != "[DONE]":  # the bare sentinel some services end with is whole too
                json.loads(sse.data)
        except ValueError:
            log.info("stream ended inside an event (%d bytes of unparsable data), logid=%s", len(sse.data),
                     self._stream.logid)
            return False
        log.debug("stream's last event %r lacked its final blank line; dispatched at end of body, logid=%s",
                  sse.event, self._stream.logid)
        return True

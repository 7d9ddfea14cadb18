"""A server-sent events decoder that follows the spec (WHATWG HTML §9.2), not a fixed line count.

cozepy reads exactly two or three field lines per event and breaks on comments, ``retry:``,
multi-line ``data:`` or a missing field (the official SDK's stream parser). This decoder handles: comments and
keep-alives (``: ping``), ``retry:`` and ``id:`` fields, ``event:x`` with or without the space,
multi-line ``data:`` (joined with ``\\n``), CRLF / CR / LF line ends, a BOM, and events or even
UTF-8 characters split across network chunks.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

__all__ = ["LineDecoder", "SSEDecoder", "ServerSentEvent", "aiter_sse"]

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event. ``event`` defaults to ``"message"`` as the spec says."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None
    terminated: bool = True
    """False for a last event the body ended without its blank line (see `SSEDecoder.flush`)."""


class SSEDecoder:
    """Incremental decoder: feed bytes as they arrive, get complete events back.

    Examples:
        ```python
        d = SSEDecoder()
        [e.event for e in d.feed(b"event:a\\ndata:1\\n\\n: ping\\n\\nevent: b\\nda")]
        # ['a']
        [(e.event, e.data) for e in d.feed(b"ta: 2\\n\\n")]
        # [('b', '2')]
        ```
    """

    __slots__ = ("_buffer", "_data", "_decoder", "_event", "_first", "_has_data", "_last_id", "_retry", "_trailing_cr")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._trailing_cr = False
        self._first = True
        self._event = ""
        self._data: list[str] = []
        self._has_data = False
        self._last_id: str | None = None
        self._retry: int | None = None

    @property
    def last_event_id(self) -> str | None:
        """The last ``id:`` seen (the spec's last event ID buffer)."""
        return self._last_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return the events it completed."""
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if self._first:
            self._first = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._trailing_cr:
            # A CR ended the previous chunk; an LF starting this one belongs to the same line end.
            self._trailing_cr = False
            if text.startswith("\n"):
                text = text[1:]
        text = self._buffer + text
        if "\r" in text:
            self._trailing_cr = text.endswith("\r")
            lines = _LINE_SPLIT.split(text)
        else:
            lines = text.split("\n")
        self._buffer = lines.pop()
        return self._process(lines)

    def flush(self) -> list[ServerSentEvent]:
        """End of body: process a last unterminated line and return a pending event, flagged.

        The spec drops an event whose blank line never came; the Coze service ends its streams
        that way (``event:done\ndata:"[DONE]"`` and no final blank line). So a pending event that
        has a ``data`` field is returned with ``terminated=False``: the caller decides whether it
        is complete (its data parses) or the tail of a cut body.
        """
        tail = self._decoder.decode(b"", final=True)
        rest = self._buffer + tail
        self._buffer = ""
        events = self._process([rest]) if rest else []
        if self._has_data:
            events.append(self._pending(terminated=False))
        self._reset()
        return events

    def _pending(self, *, terminated: bool = True) -> ServerSentEvent:
        return ServerSentEvent(event=self._event or "message", data="\n".join(self._data), id=self._last_id,
                               retry=self._retry, terminated=terminated)

    def _reset(self) -> None:
        self._event = ""
        self._data = []
        self._has_data = False

    def _process(self, lines: Iterable[str]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        for line in lines:
            if not line:
                # Dispatch only when the data buffer is non-empty: a block of just ``event:`` is not an event.
                # (Inlined, not self._pending() / self._reset(): this runs once per event of every stream.)
                if self._has_data:
                    events.append(ServerSentEvent(self._event or "message", "\n".join(self._data), self._last_id,
                                                  self._retry))
                self._event = ""
                self._data = []
                self._has_data = False
                continue
            if line[0] == ":":
                continue  # comment / keep-alive
            name, sep, value = line.partition(":")
            if sep and value[:1] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
                self._has_data = True
            elif name == "event":
                self._event = value
            elif name == "id":
                if "\x00" not in value:
                    self._last_id = value
            elif name == "retry":
                if value.isascii() and value.isdigit():  # ASCII digits only: "²".isdigit() is True
                    self._retry = int(value)
            # Unknown field names are ignored, as the spec says.
        return events


class LineDecoder:
    """Newline-delimited JSON streams (GPTBots): one event per non-empty line, ``data:`` prefix optional.

    Examples:
        ```python
        d = LineDecoder()
        [e.data for e in d.feed(b'{"a":1}\\ndata: {"b":2}\\n{"c"')] + [e.data for e in d.flush()]
        # ['{"a":1}', '{"b":2}', '{"c"']
        ```
    """

    __slots__ = ("_buffer", "_decoder")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return one event per completed line."""
        lines = _LINE_SPLIT.split(self._buffer + self._decoder.decode(chunk))
        self._buffer = lines.pop()
        return [ev for ev in map(self._event, lines) if ev is not None]

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: the last line, even without its newline (flagged ``terminated=False``)."""
        rest = self._buffer + self._decoder.decode(b"", final=True)
        self._buffer = ""
        event = self._event(rest)
        if event is None:
            return []
        event.terminated = False
        return [event]

    @staticmethod
    def _event(line: str) -> ServerSentEvent | None:
        line = line.strip()
        if not line or line.startswith(":"):
            return None
        if line.startswith("data:"):
            line = line[5:].lstrip()
        return ServerSentEvent(data=line)


async def aiter_sse(chunks: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
    """Decode an async byte stream into events (the last may be an unterminated one, ``terminated=False``)."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event

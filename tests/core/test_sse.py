"""The SSE decoder follows the spec, whatever the chunking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coze_client._sse import LineDecoder, ServerSentEvent, SSEDecoder


def decode(payload: bytes, cuts: list[int] | None = None) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    points = sorted(set(cuts or []))
    start = 0
    for cut in [*points, len(payload)]:
        events += decoder.feed(payload[start:cut])
        start = cut
    return events + decoder.flush()


def test_event_with_and_without_space() -> None:
    events = decode(b"event:a\ndata:{}\n\nevent: b\ndata: {\"x\":1}\n\n")
    assert [(e.event, e.data) for e in events] == [("a", "{}"), ("b", '{"x":1}')]


def test_comments_keepalives_retry_and_id() -> None:
    events = decode(b": ping\n\nretry: 3000\nid: 7\nevent: m\ndata: x\n\n:keepalive\n\n")
    assert len(events) == 1
    assert events[0].id == "7" and events[0].retry == 3000 and events[0].data == "x"


def test_multiline_data_joined_with_newline() -> None:
    assert decode(b"data: line1\ndata: line2\n\n")[0].data == "line1\nline2"


def test_crlf_and_cr_line_endings() -> None:
    events = decode(b"event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r")
    assert [(e.event, e.data) for e in events] == [("a", "1"), ("b", "2")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    payload = b"event: a\r\ndata: 1\r\n\r\n"
    for cut in range(len(payload) + 1):
        events = decode(payload, [cut])
        assert [(e.event, e.data) for e in events] == [("a", "1")], cut


def test_utf8_character_split_across_chunks() -> None:
    payload = "data: 你好\n\n".encode()
    for cut in range(len(payload) + 1):
        assert decode(payload, [cut])[0].data == "你好"


def test_default_event_name_is_message_and_unknown_fields_ignored() -> None:
    events = decode(b"foo: bar\ndata: x\n\n")
    assert events[0].event == "message"


def test_event_without_final_blank_line_is_returned_flagged() -> None:
    events = decode(b"event: a\ndata: 1\n\nevent: b\ndata: 2")
    assert [(e.event, e.data, e.terminated) for e in events] == [("a", "1", True), ("b", "2", False)]
    # without data, nothing is pending
    assert decode(b"event: a\ndata: 1\n\nevent: b") == decode(b"event: a\ndata: 1\n\n")


def test_a_block_of_only_event_is_not_dispatched() -> None:
    assert decode(b"event: a\n\nevent: b\ndata\n\n") == [ServerSentEvent(event="b", data="")]
    assert decode(b"event: lonely\n\n") == []


def test_retry_takes_ascii_digits_only() -> None:
    events = decode("retry: 10\ndata: a\n\nretry:\u00b2\ndata: b\n\nretry: \u0663\ndata: c\n\n".encode())
    assert [e.retry for e in events] == [10, 10, 10]


def test_bom_is_skipped() -> None:
    assert decode(b"\xef\xbb\xbfdata: 1\n\n")[0].data == "1"


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    payload = (
        b"event:conversation.chat.created\r\ndata:{\"id\":\"1\"}\r\n\r\n: ping\n\n"
        + "event: conversation.message.delta\ndata: {\"content\":\"héllo 世界\"}\n\n".encode()
        + b"id: 3\nretry: 10\nevent: done\ndata: \"[DONE]\"\n\n"
    )
    cuts = [c % (len(payload) + 1) for c in cuts]
    assert decode(payload, cuts) == decode(payload)


def test_line_decoder_accepts_data_prefix_or_not() -> None:
    d = LineDecoder()
    got = d.feed(b'{"code":3}\r\ndata: {"code":0}\n\n') + d.feed(b'{"code":11}') + d.flush()
    assert [e.data for e in got] == ['{"code":3}', '{"code":0}', '{"code":11}']


# -------------------------------------------------- a reference parser, written from the spec's own steps

def spec_parse(payload: bytes) -> list[ServerSentEvent]:
    """WHATWG HTML "Interpreting an event stream", step by step, on the whole body at once.

    Decode as UTF-8 (errors replaced), drop one leading BOM; split lines at CRLF, LF or CR; a line
    without its line end at the end of the body is not a line; a blank line dispatches (only when
    the data buffer is not empty); ``:`` starts a comment; the field name runs to the first colon and
    one space after it is dropped; ``data`` appends value + LF, ``event`` sets the type, ``id`` sets
    the last event id unless it holds NULL, ``retry`` sets the time when all ASCII digits. Whatever
    is pending at the end is discarded.
    """
    text = payload.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\r\n":
            lines.append("".join(current))
            current = []
            if ch == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
        else:
            current.append(ch)
        i += 1
    events: list[ServerSentEvent] = []
    data, kind, last_id, retry = "", "", None, None
    for line in lines:
        if line == "":
            if data:
                events.append(ServerSentEvent(event=kind or "message", data=data[:-1], id=last_id, retry=retry))
            data, kind = "", ""
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            name, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            kind = value
        elif name == "data":
            data += value + "\n"
        elif name == "id":
            if "\x00" not in value:
                last_id = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events


TOKENS = ["data", "event", "id", "retry", "foo", ":", ": ", " ", "x", "{}", "é", "世", "²", "0", "42", "\x00",
          "\n", "\r", "\r\n", "\n\n", "\r\n\r\n", ": ping\n", "data: y\n", "event: e\n"]


@given(
    st.booleans(),
    st.lists(st.sampled_from(TOKENS), max_size=60),
    st.lists(st.integers(min_value=0, max_value=1000), max_size=15),
    st.sampled_from(["", "\n", "\r", "\r\n", "\n\n", "\r\n\r\n"]),
)
def test_decoder_agrees_with_the_spec_reference(bom: bool, tokens: list[str], cuts: list[int], end: str) -> None:
    payload = (("\ufeff" if bom else "") + "".join(tokens) + end).encode()
    cuts = [c % (len(payload) + 1) for c in cuts]
    got = decode(payload, cuts)
    # Terminated events are exactly the spec's; at most one unterminated event follows them ...
    assert [e for e in got if e.terminated] == spec_parse(payload)
    assert all(e.terminated for e in got[:-1])
    # ... and it is the event the spec would have dispatched had the body ended with its blank line.
    closed = [ServerSentEvent(e.event, e.data, e.id, e.retry) for e in got]
    assert closed == spec_parse(payload + b"\n\n")


async def test_aiter_sse_yields_the_flagged_last_event() -> None:
    from coze_client._sse import aiter_sse

    async def chunks():  # type: ignore[no-untyped-def]
        yield b"data: 1\n\nda"
        yield b"ta: [DONE]"

    got = [(e.data, e.terminated) async for e in aiter_sse(chunks())]
    assert got == [("1", True), ("[DONE]", False)]

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


def test_event_without_final_blank_line_is_dropped() -> None:
    assert decode(b"event: a\ndata: 1\n\nevent: b\ndata: 2") == decode(b"event: a\ndata: 1\n\n")


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

"""Many threads, one ``Coze``: one limiter and one ledger see every call, over real sockets."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from coze_client import Coze, errors
from coze_client.testing import FakeCoze, LoopbackServer

TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(FakeCoze(plan="coze.personal_free")) as server:
        yield server


def in_threads(n: int, work: object) -> list[BaseException]:
    errors_seen: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run() -> None:
        barrier.wait()
        try:
            work()  # type: ignore[operator]
        except BaseException as exc:  # reported to the test
            errors_seen.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "a thread hung"
    return errors_seen


def used(coze: Coze, quota: str) -> float:
    rows = coze.run(coze.ledger.snapshot())
    return sum(r.used for r in rows if r.quota == quota)


def test_16_threads_50_calls_share_one_free_quota_exactly(server: LoopbackServer) -> None:
    # coze.personal_free: 500 calls ever, then the account is locked out. 800 attempts from 16
    # threads: exactly 500 reach the service, 300 are refused locally, none is throttled.
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    with Coze(token=TOKEN, base_url=server.base_url, plan="coze.personal_free", ledger="memory://") as coze:

        def work() -> None:
            for _ in range(50):
                try:
                    coze.users.me()
                    result = "ok"
                except errors.QuotaExhaustedError:
                    result = "refused"
                with lock:
                    outcomes[result] += 1

        assert in_threads(16, work) == []
        assert outcomes == {"ok": 500, "refused": 300}
        assert used(coze, "free_calls") == 500
        assert coze.stats.calls == 800
    stats = server.fake.stats
    assert stats.requests == 500 and stats.rejections == 0
    assert stats.max_over_limit == 0


@pytest.mark.slow
def test_threads_never_exceed_the_chat_qps_together(server: LoopbackServer) -> None:
    # chat_qps 20/s on the free plan: 16 threads x 4 chats in one burst; the server sees none over.
    server.fake.bot("b1", replies=["ok"])
    with Coze(token=TOKEN, base_url=server.base_url, plan="coze.personal_free", ledger="memory://") as coze:

        def work() -> None:
            for _ in range(4):
                coze.chat.create(bot_id="b1", user_id="u", additional_messages=["hi"])

        assert in_threads(16, work) == []
        assert used(coze, "free_calls") == 64
    stats = server.fake.stats
    assert stats.by_path.get("POST /v3/chat") == 64 and stats.rejections == 0
    assert stats.peaks["chat_qps"] <= 20 and stats.max_over_limit == 0


def test_a_slow_stream_reader_does_not_block_other_threads(server: LoopbackServer) -> None:
    server.fake.bot("b1", replies=["one two three four"])
    other_done = threading.Event()
    with Coze(token=TOKEN, base_url=server.base_url, plan=None, ledger="memory://") as coze:
        seen: list[str] = []

        def slow_reader() -> None:
            with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
                for event in events:
                    seen.append(event.event)
                    # Holds the stream open (unread) until the other thread has finished its calls.
                    assert other_done.wait(30), "the other thread's calls were blocked by this stream"

        reader = threading.Thread(target=slow_reader)
        reader.start()
        while not seen and reader.is_alive():
            threading.Event().wait(0.005)
        for _ in range(20):
            coze.users.me()
        other_done.set()
        reader.join(30)
        assert not reader.is_alive()
        assert seen[-1] == "conversation.chat.completed"


def test_a_long_stream_read_in_small_batches_loses_nothing(server: LoopbackServer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # At most 3 events per hand-over, many network reads, a slow reader, and calls from this thread
    # in between: every event arrives once, in order, and the other calls are served meanwhile.
    from coze_client._sync import _wrap

    monkeypatch.setattr(_wrap, "_BATCH", 3)
    sizes: list[int] = []
    hand_over = _wrap.SyncStream._hand_over

    def recorded(self: _wrap.SyncStream[object], batch: list[object]) -> None:
        sizes.append(len(batch))
        hand_over(self, batch)

    monkeypatch.setattr(_wrap.SyncStream, "_hand_over", recorded)
    words = [f"w{i}" for i in range(400)]
    server.fake.bot("b1", replies=[" ".join(words)], stream_chunks=400)
    server.fake.faults.slow_stream(0.001, path="/v3/chat")  # one network read per event
    with Coze(token=TOKEN, base_url=server.base_url, plan=None, ledger="memory://") as coze:
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            text = []
            for event in events:
                if event.event == "conversation.message.delta":
                    text.append(event.message.content)
                    if len(text) % 100 == 0:
                        assert coze.users.me().user_id  # the loop serves other calls meanwhile
                        threading.Event().wait(0.02)  # a slow consumer
        assert "".join(text) == " ".join(words) and events.ended
        assert max(sizes) <= 3 and len(sizes) > 100


def test_leaving_a_stream_while_it_waits_for_bytes_settles_it(server: LoopbackServer) -> None:
    # The reader holds a half-run step (waiting for the next chunk) when the caller leaves: it is
    # cancelled like an async task, the connection closes and the ledger settles the call.
    from ..core.doubles import RecordingLedger

    server.fake.bot("b1", replies=["one two three four five six"], stream_chunks=6)
    server.fake.faults.slow_stream(0.3, path="/v3/chat")
    ledger = RecordingLedger()
    with Coze(token=TOKEN, base_url=server.base_url, plan=None, ledger=ledger) as coze:  # type: ignore[arg-type]
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            for _event in events:
                break
        # The reader was waiting for the next chunk inside the half-run step, and was cancelled there.
        assert events._reader is not None and events._reader.cancelled()
        assert len(ledger.reserved) == 1 and len(ledger.settled) + len(ledger.cancelled) == 1
        assert coze.users.me().user_id  # the loop is healthy


def test_a_caller_slower_than_the_read_timeout_is_not_timed_out(server: LoopbackServer) -> None:
    # As with `async for`: the stream's read timeout runs only while it waits for the network, never
    # while the caller works on events (the reader rests at a yield, not inside a read, meanwhile).
    server.fake.bot("b1", replies=["one two three four five six"], stream_chunks=6)
    server.fake.faults.slow_stream(0.02, path="/v3/chat")
    with Coze(token=TOKEN, base_url=server.base_url, plan=None, ledger="memory://") as coze:
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"], timeout=0.3) as events:
            seen = []
            for event in events:
                seen.append(event.event)
                if len(seen) in (1, 3):
                    threading.Event().wait(0.8)  # longer than the read timeout
        assert seen[-1] == "conversation.chat.completed" and events.ended


def test_the_reader_reads_a_bounded_way_ahead_of_a_slow_caller(server: LoopbackServer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole body is ready at once and the caller stops after its first event: the reader runs
    # ahead, but rests once _AHEAD batches wait untaken (never the whole stream in memory), and
    # picks up again when the caller takes them: every event arrives once, in order.
    from coze_client._sync import _wrap

    monkeypatch.setattr(_wrap, "_BATCH", 5)
    monkeypatch.setattr(_wrap, "_MIN_BATCH", 5)
    waiting: list[int] = []
    handed = [0]
    hand_over = _wrap.SyncStream._hand_over

    def recorded(self: _wrap.SyncStream[object], batch: list[object]) -> None:
        waiting.append(self._batches.qsize())
        handed[0] += len(batch)
        hand_over(self, batch)

    monkeypatch.setattr(_wrap.SyncStream, "_hand_over", recorded)
    words = [f"w{i}" for i in range(300)]
    server.fake.bot("b1", replies=[" ".join(words)], stream_chunks=300)
    with Coze(token=TOKEN, base_url=server.base_url, plan=None, ledger="memory://") as coze:
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            text = []
            for event in events:
                if not text:
                    threading.Event().wait(0.3)  # the reader could read the whole body meanwhile
                    assert handed[0] <= (_wrap._AHEAD + 2) * 5, handed[0]  # it did not
                if event.event == "conversation.message.delta":
                    text.append(event.message.content)
        assert "".join(text) == " ".join(words) and events.ended
        assert max(waiting) < _wrap._AHEAD  # a batch is handed over only while fewer wait
        assert coze.users.me().user_id


def test_batches_are_sized_to_the_events_weight_for_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    # Events alive between the threads must stay under the young generation's threshold: a batch
    # holds at most half of it in GC-tracked objects (one batch waiting), measured as the stream goes.
    import gc

    from coze_client._sync import _wrap

    monkeypatch.setattr(_wrap, "_AHEAD", 1)
    stream = _wrap.SyncStream(object(), None)  # type: ignore[arg-type]
    threshold = gc.get_threshold()[0]
    stream._size_batches(40, 40 * 6)  # 6 tracked objects per event
    assert stream._limit == min(_wrap._BATCH, max(_wrap._MIN_BATCH, threshold // 12))
    stream._size_batches(40, 40)  # light events: big batches, up to the cap
    assert stream._limit == min(_wrap._BATCH, threshold // 2)
    stream._size_batches(40, 40 * 1000)  # very heavy ones: the floor
    assert stream._limit == _wrap._MIN_BATCH
    stream._size_batches(40, -5)  # a collection ran meanwhile: nothing learnt
    assert stream._limit == _wrap._MIN_BATCH
    gc.disable()
    try:
        stream._size_batches(40, 400)
        assert stream._limit == _wrap._BATCH
    finally:
        gc.enable()

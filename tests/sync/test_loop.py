"""The SDK loop thread: running loops in the caller, the loop's own thread, lifetime, fork and Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from coze_client import AsyncCoze, Coze, SyncContextError
from coze_client._sync import _loop
from coze_client.testing import FakeCoze, LoopbackServer

from ..core.doubles import RecordingLedger

TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def fake() -> Iterator[FakeCoze]:
    fake = FakeCoze()
    with fake.mock():
        yield fake


def new(**options: object) -> Coze:
    return Coze(token=TOKEN, plan=None, ledger="memory://", **options)  # type: ignore[arg-type]


async def test_works_where_the_calling_thread_already_runs_a_loop(fake: FakeCoze) -> None:
    # A notebook cell or a sync view inside an ASGI server: this coroutine's loop is running.
    asyncio.get_running_loop()
    fake.bot("b1", replies=["from a running loop"])
    with new() as coze:
        assert coze.users.me().user_id
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            text = "".join(e.message.content for e in events if e.event == "conversation.message.delta")
        assert text == "from a running loop"
        assert _loop.current() is not None and _loop.current().loop is not asyncio.get_running_loop()


def test_asyncio_run_around_sync_calls(fake: FakeCoze) -> None:
    async def notebook_cell() -> str:
        with new() as coze:
            return coze.users.me().user_id

    assert asyncio.run(notebook_cell())


def test_calling_from_the_sdk_loop_is_a_clear_error(fake: FakeCoze) -> None:
    fake.document_process_seconds = 0.0
    with new() as coze:
        ds = coze.datasets.create(name="FAQ", space_id=fake.workspace_id, format_type=0)
        docs = coze.datasets.documents.create(dataset_id=ds.dataset_id, document_bases=[
            {"name": "site", "source_info": {"web_url": "https://example.com", "document_source": 1}}])

        def progress(_items: object) -> None:
            coze.users.me()  # runs on the SDK loop: it would wait for itself forever

        with pytest.raises(SyncContextError, match="own event loop"):
            coze.datasets.documents.wait_until_processed(ds.dataset_id, [docs[0].document_id], progress=progress,
                                                         poll_interval=0.5)
        assert coze.users.me().user_id  # the loop is fine afterwards


def test_one_loop_for_every_client_ends_with_the_last(fake: FakeCoze) -> None:
    assert _loop.current() is None
    first = new()
    second = new()
    lt = _loop.current()
    assert lt is not None and first._loop.thread is second._loop.thread is lt and lt.users == 2
    assert TOKEN not in repr(first) and "StaticToken(pat_" in repr(first)
    assert first.users.me().user_id and second.users.me().user_id
    first.close()
    first.close()  # idempotent
    assert lt.thread.is_alive() and _loop.current() is lt
    with pytest.raises(SyncContextError, match="closed"):
        first.users.me()  # closed, while the loop still serves the other client
    assert second.users.me().user_id
    second.close()
    assert not lt.thread.is_alive() and _loop.current() is None
    with pytest.raises(SyncContextError, match="closed"):
        second.users.me()
    with new() as third:  # a new loop starts on demand
        assert third.users.me().user_id and third._loop.thread is not lt


def test_a_failed_constructor_releases_the_loop() -> None:
    with pytest.raises(ValueError):
        new(max_retries=-1)
    assert _loop.current() is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() of a multi-threaded process
def test_a_forked_child_gets_its_own_loop() -> None:
    with LoopbackServer(FakeCoze()) as server, new(base_url=server.base_url) as parent:
        assert parent.users.me().user_id
        parent_loop = parent._loop.thread
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report with the exit code, never return into pytest
            code = 1
            try:
                try:
                    parent.users.me()
                    code = 2  # the parent's client must refuse to run here
                except SyncContextError:
                    with new(base_url=server.base_url) as child:
                        ok = bool(child.users.me().user_id)
                        fresh = child._loop.thread is not parent_loop and child._loop.pid == os.getpid()
                        code = 0 if ok and fresh else 3
            finally:
                os.write(write, bytes([code]))
                os._exit(code)
        os.close(write)
        _, status = os.waitpid(pid, 0)
        reported = os.read(read, 1)
        os.close(read)
        assert reported == b"\x00" and os.waitstatus_to_exitcode(status) == 0
        assert parent.users.me().user_id  # the parent's loop is untouched


def _interrupt_when(condition: object, thread_id: int) -> threading.Thread:
    def watch() -> None:
        for _ in range(2000):
            if condition():  # type: ignore[operator]
                signal.pthread_kill(thread_id, signal.SIGINT)
                return
            time.sleep(0.005)

    t = threading.Thread(target=watch)
    t.start()
    return t


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals go to main")
def test_ctrl_c_cancels_the_call_with_the_async_ledger_rules(fake: FakeCoze) -> None:
    fake.faults.latency(30.0, path="/v1/users/me", times=None)

    # The reference: an async task cancelled while its request is at the server.
    async def async_cancel() -> RecordingLedger:
        ledger = RecordingLedger()
        async with AsyncCoze(token=TOKEN, plan=None, ledger=ledger) as coze:  # type: ignore[arg-type]
            task = asyncio.create_task(coze.users.me())
            while fake.stats.requests < 1:  # noqa: ASYNC110 - polling the fake's counter
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        return ledger

    expected = asyncio.run(async_cancel())
    assert len(expected.reserved) == 1

    ledger = RecordingLedger()
    with Coze(token=TOKEN, plan=None, ledger=ledger) as coze:  # type: ignore[arg-type]
        before = fake.stats.requests
        watcher = _interrupt_when(lambda: fake.stats.requests > before, threading.get_ident())
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            coze.users.me()
        watcher.join()
        assert time.monotonic() - started < 25  # did not wait for the 30 s answer
        # Cancelled on the loop and settled by the same rules as the async cancel, before Ctrl-C returned.
        assert len(ledger.reserved) == 1
        assert len(ledger.settled) == len(expected.settled) and len(ledger.cancelled) == len(expected.cancelled)
        fake.faults.clear()
        assert coze.users.me().user_id  # the client still works


@pytest.mark.slow
def test_a_client_never_closed_is_closed_at_exit_and_its_calls_are_booked(tmp_path: object) -> None:
    import subprocess
    import sys
    from pathlib import Path

    db = Path(str(tmp_path)) / "ledger.db"
    script = f"""
import threading
from coze_client import Coze
from coze_client.testing import FakeCoze
fake = FakeCoze(plan="coze.personal_free")
mock = fake.mock()
mock.__enter__()
coze = Coze(token="{TOKEN}", plan="coze.personal_free", ledger="sqlite:///{db}")
for _ in range(3):
    coze.users.me()
print(sorted(t.name for t in threading.enumerate()))
# no close(): the interpreter exits with the client open
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "coze-client-sync-loop" in done.stdout and "Traceback" not in done.stderr
    check = f"""
from coze_client import Coze
from coze_client.testing import FakeCoze
with FakeCoze().mock(), Coze(token="{TOKEN}", plan="coze.personal_free", ledger="sqlite:///{db}") as coze:
    rows = coze.run(coze.ledger.snapshot())
    print(sum(r.used for r in rows if r.quota == "free_calls"))
"""
    again = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "3.0"

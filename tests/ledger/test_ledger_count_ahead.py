"""The sqlite ledger counts a busy process's calls ahead (ledger/_credit.py): fewer transactions, same counts.

What must hold: the rows never count fewer calls than were sent, even when the process is killed; after
a close or a recovery they count exactly the calls sent; a warning threshold fires on the call that
really crosses it; and calls counted ahead by one process never make another process refuse a call the
quota still has room for.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from ledger_helpers import chat, coze_free

from coze_client._call import Usage
from coze_client.errors import QuotaExhaustedError, ValidationError
from coze_client.ledger import QuotaEvent, SqliteLedger
from coze_client.ledger._credit import journal_dir, parse_journal

CHILD = str(Path(__file__).with_name("ledger_child.py"))


def _raw(path: Path, sql: str) -> Any:
    with sqlite3.connect(path) as conn:
        found = conn.execute(sql).fetchone()
    return found[0] if found else None


def _raw_calls(path: Path) -> int:
    return int(_raw(path, "SELECT calls FROM usage WHERE quota = 'free_calls'") or 0)


async def _used(ledger: SqliteLedger) -> int:
    rows = {r.quota: r for r in await ledger.snapshot()}
    return int(rows["free_calls"].used)


async def _spawn_holder(path: Path, limit: int, calls: int, ahead_seconds: float) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, CHILD, "hold", str(path), str(limit), str(calls), str(ahead_seconds),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    if line != f"done {calls}\n".encode():
        err = await proc.stderr.read() if proc.stderr else b""
        raise AssertionError(f"holder failed: {line!r} {err.decode()[-2000:]}")
    return proc


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGKILL)
    await proc.wait()


@pytest.fixture
def marks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of mark transactions the sqlite ledgers of the test ran (one element, counting)."""
    counted = [0]
    original = SqliteLedger._count

    async def counting(self: SqliteLedger, fn: Any) -> Any:
        counted[0] += 1
        return await original(self, fn)

    monkeypatch.setattr(SqliteLedger, "_count", counting)
    return counted


async def test_a_busy_process_counts_ahead_in_few_transactions_and_ends_exact(
    tmp_path: Path, marks: list[int]
) -> None:
    path = tmp_path / "ledger.sqlite3"
    ledger = SqliteLedger(path, coze_free(10**6))
    for _ in range(500):
        await ledger.settle(await ledger.reserve(chat()), Usage(2, 3))
    # Counted ahead: every call is in the file, most of them before they were made.
    assert _raw_calls(path) >= 500
    assert marks[0] < 50, f"{marks[0]} mark transactions for 500 calls"
    assert await _used(ledger) == 500  # a snapshot gives back what was counted ahead first
    await ledger.aclose()
    assert _raw_calls(path) == 500
    assert _raw(path, "SELECT COUNT(*) FROM credits") == 0
    assert not any(journal_dir(path).iterdir()), "the journal of a closed ledger is removed"
    tokens = _raw(path, "SELECT input_tokens + output_tokens FROM usage WHERE quota = 'free_calls'")
    assert tokens == 500 * 5  # merged settlements add up to what one step per call writes


async def test_count_ahead_zero_counts_every_call_alone(tmp_path: Path, marks: list[int]) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", coze_free(10**6), count_ahead=0)
    for _ in range(50):
        await ledger.reserve(chat())
    assert marks[0] == 50
    await ledger.aclose()


@pytest.mark.parametrize("bad", [-1, 1.5, True, "8"])
def test_count_ahead_must_be_a_count(bad: Any) -> None:
    with pytest.raises(ValidationError, match="count_ahead"):
        SqliteLedger("/tmp/never-opened.sqlite3", count_ahead=bad)


async def test_thresholds_fire_on_the_call_that_crosses_them(tmp_path: Path) -> None:
    seen: list[tuple[int, float]] = []
    calls = 0

    def on_threshold(event: QuotaEvent) -> None:
        seen.append((calls, event.used))

    ledger = SqliteLedger(tmp_path / "l.sqlite3", coze_free(100), on_threshold=on_threshold)
    for calls in range(1, 101):  # noqa: B007 - read by on_threshold
        await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat())
    assert seen == [(80, 80), (100, 100)]
    await ledger.aclose()
    assert _raw_calls(tmp_path / "l.sqlite3") == 100


async def test_a_cancelled_call_gives_its_counted_ahead_place_back(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    ledger = SqliteLedger(path, coze_free(10**6))
    for _ in range(20):
        await ledger.reserve(chat())
    res = await ledger.reserve(chat())
    assert res.credit, "the call was counted on calls counted ahead"
    await ledger.cancel(res)  # it never left (connect refused)
    for _ in range(5):
        await ledger.reserve(chat())
    assert await _used(ledger) == 25
    await ledger.aclose()
    assert _raw_calls(path) == 25


async def test_set_used_and_reset_with_calls_counted_ahead(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", coze_free(10**6))
    for _ in range(30):
        await ledger.reserve(chat())
    await ledger.set_used("coze", "team-a", "free_calls", 10)
    for _ in range(30):
        await ledger.reserve(chat())
    assert await _used(ledger) == 40
    await ledger.reset()
    for _ in range(7):
        await ledger.reserve(chat())
    assert await _used(ledger) == 7
    await ledger.aclose()


async def test_a_killed_process_is_recovered_to_exactly_the_calls_it_made(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    proc = await _spawn_holder(path, 10**6, 50, ahead_seconds=60)
    try:
        assert _raw_calls(path) > 50, "the holder counted calls ahead"
        journal = next(journal_dir(path).iterdir())
        assert sum(parse_journal(journal.read_bytes()).values()) > 0
    finally:
        await _kill(proc)
    assert _raw_calls(path) > 50  # a dead process's calls counted ahead stay counted until recovery
    ledger = SqliteLedger(path)
    assert await _used_any(ledger) == 50  # opening the file recovered them: exact
    await ledger.aclose()
    assert _raw_calls(path) == 50
    assert _raw(path, "SELECT COUNT(*) FROM credits") == 0
    assert not any(journal_dir(path).iterdir())


async def _used_any(ledger: SqliteLedger) -> int:
    rows = await ledger.snapshot(current_only=False)
    return int(sum(r.calls for r in rows if r.quota == "free_calls"))


async def _calls_until_refused(ledger: SqliteLedger) -> int:
    sent = 0
    while True:
        try:
            await ledger.reserve(chat())
        except QuotaExhaustedError:
            return sent
        sent += 1


async def test_a_live_process_counting_ahead_never_refuses_another_one(tmp_path: Path) -> None:
    # The holder counted calls ahead near the end of a 100-call quota and keeps them for a second:
    # the other process waits for them to come back instead of being refused with room left.
    path = tmp_path / "ledger.sqlite3"
    proc = await _spawn_holder(path, 100, 10, ahead_seconds=1.0)
    try:
        ledger = SqliteLedger(path, coze_free(100))
        assert await _calls_until_refused(ledger) == 90
        await ledger.aclose()
    finally:
        await _kill(proc)


async def test_a_dead_process_counting_ahead_never_refuses_another_one(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    ledger = SqliteLedger(path, coze_free(100))
    await ledger.snapshot()  # open before the holder dies: the recovery happens at the refusal
    proc = await _spawn_holder(path, 100, 10, ahead_seconds=3600)
    await _kill(proc)
    assert _raw_calls(path) > 10
    assert await _calls_until_refused(ledger) == 90
    await ledger.aclose()
    assert _raw_calls(path) == 100


def _forked_child(ledger: SqliteLedger, parent_owner: str, out: Any) -> None:
    out.send((dict(ledger._credit), ledger._journal.owner != parent_owner, ledger._journal.is_open))


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
async def test_a_forked_child_never_uses_its_parents_calls_counted_ahead(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", coze_free(10**6), ahead_seconds=60)
    for _ in range(20):
        await ledger.reserve(chat())
    assert ledger._credit
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_forked_child, args=(ledger, ledger._journal.owner, send))
    child.start()
    credit, new_owner, journal_open = await asyncio.to_thread(recv.recv)
    await asyncio.to_thread(child.join, 10)
    assert credit == {} and new_owner and not journal_open
    assert ledger._credit  # the parent's own are untouched
    await ledger.aclose()
    assert _raw_calls(tmp_path / "l.sqlite3") == 20


async def test_the_journal_starts_over_once_its_ids_run_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ids past the threshold start again at the next moment nothing is counted ahead: counts stay exact,
    # and a call cancelled after that is taken out of the rows (its grant id may name a new grant now).
    import coze_client.ledger.sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "JOURNAL_ROTATE_IDS", 8)
    path = tmp_path / "l.sqlite3"
    ledger = SqliteLedger(path, coze_free(10**6), ahead_seconds=0.01)
    early = None
    for round_ in range(12):
        for _ in range(10):
            res = await ledger.reserve(chat())
            if early is None and res.credit:
                early = res
        await asyncio.sleep(0.05)  # given back; the journal may start over
        if round_ == 0:
            assert early is not None
    assert ledger._journal_epoch >= 2
    assert early is not None
    await ledger.cancel(early)  # from an old epoch: its place is given back through the rows
    assert await _used(ledger) == 119
    await ledger.aclose()
    assert _raw_calls(path) == 119


async def test_synchronous_full_never_counts_ahead(tmp_path: Path) -> None:
    # FULL promises to survive power loss; the journal is not synced to disk, so nothing is counted ahead.
    path = tmp_path / "l.sqlite3"
    ledger = SqliteLedger(path, coze_free(10**6), synchronous="FULL")
    for _ in range(40):
        await ledger.reserve(chat())
    assert _raw_calls(path) == 40
    assert not ledger._credit
    await ledger.aclose()


def test_event_loops_one_after_another_share_one_ledger_exactly(tmp_path: Path) -> None:
    # A script that runs asyncio.run() several times with one ledger: calls counted ahead on one loop
    # are used or given back on the next (its timers died with the first loop).
    path = tmp_path / "l.sqlite3"
    ledger = SqliteLedger(path, coze_free(10**6), ahead_seconds=60)

    async def calls() -> None:
        for _ in range(300):
            await ledger.settle(await ledger.reserve(chat()), Usage(1, 1))

    for _ in range(4):
        asyncio.run(calls())
    assert ledger._credit  # still counted ahead: the give-back timer of a closed loop never ran
    asyncio.run(ledger.aclose())
    assert _raw_calls(path) == 1200
    assert _raw(path, "SELECT COUNT(*) FROM credits") == 0


async def test_a_reset_keeps_what_another_process_counted_ahead(tmp_path: Path) -> None:
    # A reset while another process holds calls counted ahead: when those come back (here: its recovery
    # after a kill), the new count must not drop below the calls made since the reset.
    path = tmp_path / "ledger.sqlite3"
    proc = await _spawn_holder(path, 10**6, 50, ahead_seconds=3600)
    ledger = SqliteLedger(path, coze_free(10**6), count_ahead=0)
    try:
        assert await ledger.reset() >= 1
        for _ in range(5):
            await ledger.reserve(chat())
    finally:
        await _kill(proc)
    await ledger.aclose()
    reader = SqliteLedger(path)
    counted = await _used_any(reader)  # the dead holder's unused calls are given back here
    await reader.aclose()
    # The holder's calls before the reset may stay counted (the safe side); the 5 since never go missing.
    assert 5 <= counted <= 5 + 50

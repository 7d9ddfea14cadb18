"""The sqlite limiter under contention and failure: transient errors wait, real ones are typed."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from coze_client import _sqlite
from coze_client.errors import CozeError, LimiterError
from coze_client.limits import Limit, SqliteLimiter

from .helpers import CHAT, coze_call, plan_of

PLAN = plan_of(Limit(name="q", group="chat", limit=1, window=0.2))


async def test_limiters_opening_a_fresh_file_together_never_fail(tmp_path: Path) -> None:
    """Issue 13: the WAL switch answered 'database is locked' to one of several starting processes."""
    for round_ in range(15):
        path = tmp_path / f"fresh{round_}.db"
        limiters = [SqliteLimiter(plan_of(Limit(name="q", group="chat", limit=100, window=60.0)), path)
                    for _ in range(6)]
        try:
            permits = await asyncio.gather(*(lim.acquire(coze_call(*CHAT)) for lim in limiters))
            for p in permits:
                await p.release()
        finally:
            for lim in limiters:
                await lim.aclose()


def test_open_wal_retries_a_locked_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "x.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # nobody can switch the journal mode while this is held
    calls = {"n": 0}

    def sleep(seconds: float) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            holder.execute("COMMIT")  # the other process finished starting up

    monkeypatch.setattr(_sqlite.time, "sleep", sleep)
    db = _sqlite.open_wal(path, timeout=0)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert calls["n"] >= 3
    db.close()
    holder.close()


def test_retry_gives_up_after_the_deadline_and_never_retries_other_errors() -> None:
    tries = {"n": 0}

    def locked() -> None:
        tries["n"] += 1
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        _sqlite.retry_transient(locked, deadline=0.05, sleep=lambda s: time.sleep(s))
    assert tries["n"] >= 2

    def broken() -> None:
        tries["n"] = 100
        raise sqlite3.OperationalError("no such table: slots")

    with pytest.raises(sqlite3.OperationalError):
        _sqlite.retry_transient(broken, sleep=lambda s: pytest.fail("retried a real error"))


async def test_transient_errors_never_fail_waiters_nor_drop_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sqlite, "DEADLINE", 0.0)  # no retry inside the transaction: the limiter must wait
    lim = SqliteLimiter(PLAN, tmp_path / "l.db", poll_interval=0.01)
    real = SqliteLimiter._txn
    failures = {"left": 0}

    def flaky(self: SqliteLimiter, *a: Any, **kw: Any) -> Any:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise sqlite3.OperationalError("database is locked")
        return real(self, *a, **kw)

    try:
        p1 = await lim.acquire(coze_call(*CHAT))
        second = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
        await asyncio.sleep(0.05)
        monkeypatch.setattr(SqliteLimiter, "_txn", flaky)
        failures["left"] = 6
        await p1.release()  # its write fails six times in a row
        p2 = await asyncio.wait_for(second, 5.0)  # granted once the release got through
        assert failures["left"] == 0
        await p2.release()
    finally:
        await lim.aclose()


async def test_an_unusable_file_is_a_typed_error_naming_the_fix(tmp_path: Path) -> None:
    lim = SqliteLimiter(PLAN, tmp_path / "missing-dir" / "l.db")
    try:
        with pytest.raises(LimiterError) as info:
            await lim.acquire(coze_call(*CHAT))
        assert isinstance(info.value, CozeError)
        assert info.value.backend == "sqlite"
        assert "missing-dir" in str(info.value) and "writable" in str(info.value)
    finally:
        await lim.aclose()


async def test_aclose_fails_waiters_at_once(tmp_path: Path) -> None:
    lim = SqliteLimiter(plan_of(Limit(name="q", group="chat", limit=1, window=60.0)), tmp_path / "l.db")
    p1 = await lim.acquire(coze_call(*CHAT))
    waiter = asyncio.ensure_future(lim.acquire(coze_call(*CHAT)))
    await asyncio.sleep(0.05)
    await p1.release()
    await lim.aclose()
    assert waiter.done()  # failed by aclose itself, not 60 s later by the window
    with pytest.raises(LimiterError, match="closed"):
        await waiter
    with pytest.raises(LimiterError, match="closed"):
        await lim.acquire(coze_call(*CHAT))
    # The release queued before the close was written: the slot is no longer in flight.
    db = sqlite3.connect(tmp_path / "l.db")
    assert db.execute("SELECT inflight FROM slots").fetchall() == [(0,)]
    db.close()


def _ticket(path: Path, heartbeat: float, boot: str | None = None) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    if boot is not None:
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('boot', ?)", (boot,))
    # A waiter of a live process (ours, under another owner) that needs the only slot.
    db.execute(
        "INSERT INTO tickets (k, owner, pid, needs, groups, heartbeat) VALUES (?, ?, ?, ?, ?, ?)",
        ("coze\x1facct", "other:1", os.getpid(), '[["q", 1]]', '["chat"]', heartbeat),
    )
    db.close()


async def test_a_heartbeat_from_the_future_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    first = SqliteLimiter(PLAN, path)
    await (await first.acquire(coze_call(*CHAT, account="x"))).release()  # creates the schema
    await first.aclose()
    _ticket(path, time.monotonic() + 1e6)
    lim = SqliteLimiter(PLAN, path)
    try:
        permit = await asyncio.wait_for(lim.acquire(coze_call(*CHAT)), 2.0)
        await permit.release()
    finally:
        await lim.aclose()


async def test_tickets_of_a_previous_boot_are_cleared(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    first = SqliteLimiter(PLAN, path)
    await (await first.acquire(coze_call(*CHAT, account="x"))).release()
    await first.aclose()
    _ticket(path, time.monotonic(), boot="an-earlier-boot")
    lim = SqliteLimiter(PLAN, path)
    try:
        permit = await asyncio.wait_for(lim.acquire(coze_call(*CHAT)), 2.0)
        await permit.release()
        db = sqlite3.connect(path)
        assert db.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
        db.close()
    finally:
        await lim.aclose()

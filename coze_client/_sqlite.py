"""Opening and using a SQLite file that other processes open at the same time.

SQLite answers ``database is locked`` / ``database is busy`` in moments its busy timeout does not
cover: switching a fresh file to WAL (``PRAGMA journal_mode=WAL`` needs the file to itself),
recovering a WAL index another process is rebuilding, or a ``BEGIN IMMEDIATE`` that meets a
writer in the instant a connection opens. Those errors are transient: the same statement works a
few milliseconds later. This module retries them with a bounded, jittered backoff, so that four
web workers starting together never fail a call because they started together.

Used by the sqlite limiter (`coze_client.limits.sqlite`); the sqlite ledger can open its file
with `open_wal` as well. Everything here blocks: call it on a worker thread.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["is_transient", "open_wal", "retry_transient", "rollback", "write_transaction"]

T = TypeVar("T")

# SQLite's primary result codes (sqlite3.SQLITE_BUSY exists from Python 3.11 only).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6

#: Backoff between attempts: from 5 ms, doubling, at most 250 ms, with jitter so that processes
#: started together do not retry together.
FIRST_DELAY = 0.005
MAX_DELAY = 0.25
#: How long to keep retrying one operation before giving up (seconds).
DEADLINE = 30.0


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "try again" (``SQLITE_BUSY`` / ``SQLITE_LOCKED``).

    Examples:
        ```python
        is_transient(sqlite3.OperationalError("database is locked"))
        # True
        is_transient(sqlite3.OperationalError("no such table: slots"))
        # False
        ```
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return (code & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED)
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def retry_transient(
    fn: Callable[[], T],
    *,
    deadline: float | None = None,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Run ``fn()``, again after a short backoff while it fails with a transient error.

    ``fn`` must be safe to repeat: a whole transaction (rolled back when it failed), or an open.
    After ``deadline`` seconds (`DEADLINE` by default) the last transient error is raised;
    any other error at once.

    Examples:
        ```python
        retry_transient(lambda: 42)
        # 42
        ```
    """
    delay = FIRST_DELAY
    give_up = time.monotonic() + (DEADLINE if deadline is None else deadline)
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_transient(exc) or time.monotonic() + delay > give_up:
                raise
        (sleep or time.sleep)(delay * random.uniform(0.5, 1.0))
        delay = min(delay * 2, MAX_DELAY)


def rollback(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if any (a failed ``BEGIN`` leaves none to roll back)."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.OperationalError:  # pragma: no cover - SQLite rolled back already
            pass


def write_transaction(db: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``fn(db)`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back if anything fails).

    Examples:
        ```python
        db = sqlite3.connect(":memory:", isolation_level=None)
        write_transaction(db, lambda c: c.execute("CREATE TABLE t (x)").rowcount)
        # -1
        ```
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        result = fn(db)
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise
    return result


def open_wal(
    path: str,
    *,
    timeout: float = 5.0,
    synchronous: str = "NORMAL",
    setup: Callable[[sqlite3.Connection], object] | None = None,
    deadline: float | None = None,
) -> sqlite3.Connection:
    """Open ``path`` in WAL mode (autocommit, usable from any thread), retrying transient errors.

    ``timeout`` is SQLite's busy timeout for later statements; ``setup`` runs on the fresh
    connection (schema, migrations) and is retried with the open, so it must be idempotent
    (``CREATE TABLE IF NOT EXISTS``). A half-opened connection is closed before each retry.

    Examples:
        ```python
        db = open_wal("/tmp/state.db", setup=lambda db: db.execute("CREATE TABLE IF NOT EXISTS t (x)"))
        db.execute("PRAGMA journal_mode").fetchone()[0]
        # 'wal'
        ```
    """

    def attempt() -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            level = synchronous.upper()
            if level not in ("OFF", "NORMAL", "FULL", "EXTRA"):
                raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
            db.execute(f"PRAGMA synchronous={level}")
            if setup is not None:
                setup(db)
        except BaseException:
            rollback(db)
            db.close()
            raise
        return db

    return retry_transient(attempt, deadline=deadline)

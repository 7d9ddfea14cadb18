"""The default ledger: one sqlite file shared safely by every process of the user.

* Exact across processes: every count (a mark just before the send, or a grant of calls counted
  ahead), cancel and synchronous settlement is a ``BEGIN IMMEDIATE`` transaction (the check and
  the increment happen under sqlite's write lock), so 3 processes racing for the last 500 calls
  send exactly 500.
* Calls counted ahead: a process that calls often counts up to ``count_ahead`` calls in one
  transaction; each of those calls then records its use in a memory-mapped journal before it is
  sent, and the unused rest is given back within ``ahead_seconds`` (``ledger/_credit.py`` says why
  nothing is lost or under-counted, even after a SIGKILL).
* Durable before ``mark`` returns: the transaction is committed to the WAL. With
  ``synchronous=NORMAL`` (the default here) a committed transaction survives the process being
  killed at any instant (the WAL write is in the OS page cache, which the kill does not touch);
  only an OS crash or power loss can drop the last ones. Pass ``synchronous="FULL"`` to survive
  those too, at the cost of an fsync per call. Settlements of calls-only quotas are batched
  (within ``flush_interval``): a kill can lose that usage detail, never a counted call.
* Private: the file is created ``0600`` and a directory the ledger creates ``0700``; sqlite gives
  the ``-wal`` and ``-shm`` files the database file's permissions.
* Short and on the loop's thread: a mark is one transaction of its own (``BEGIN IMMEDIATE``,
  ``PRAGMA data_version``, one write, ``COMMIT``) run with a busy timeout of 0; when another
  process holds the lock, or callers overlap (group commit), the step goes to a batch, and a
  batch that must wait for the lock waits on the ledger's worker thread (``executor="thread"``,
  the default) or ``asyncio.to_thread``. See ``docs/performance.md`` (## Ledger).
* Versioned schema: ``PRAGMA user_version`` and the ordered `MIGRATIONS`.

Examples:
    ```python
    ledger = SqliteLedger("/tmp/ledger.sqlite3", get_plan("coze.personal_free"))
    res = await ledger.hold(call)  # before the limiter wait: refused at once when the quota is full
    await ledger.mark(res)  # just before the send: counted, committed
    await ledger.settle(res, usage)
    await ledger.aclose()
    ```
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from .._call import Usage
from .._sqlite import is_transient, open_wal, retry_transient, write_transaction
from ..errors import LedgerError, QuotaExhaustedError, ValidationError
from ..limits.plans import Plan
from . import _core, prices
from ._base import BaseLedger, ThresholdCallback
from ._core import LedgerReservation, QuotaEvent, Row, Store
from ._credit import JOURNAL_ROTATE_IDS, CreditJournal, grant_room, journal_dir, outstanding, recover_dead

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SqliteLedger", "default_ledger_path", "migrate"]

T = TypeVar("T")
logger = logging.getLogger("coze_client.ledger")
Key = tuple[str, str, str, str]


def default_ledger_path() -> Path:
    """``$COZE_CLIENT_STATE_DIR/ledger.sqlite3``, else ``$XDG_STATE_HOME/coze-client/ledger.sqlite3``,
    else ``~/.local/state/coze-client/ledger.sqlite3``."""
    explicit = os.environ.get("COZE_CLIENT_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser() / "ledger.sqlite3"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "coze-client" / "ledger.sqlite3"


# -- schema -------------------------------------------------------------------------------------


def _migrate_1(conn: sqlite3.Connection) -> None:
    """Version 1: the counters per provider, account, quota and period bucket."""
    conn.execute(
        """CREATE TABLE usage (
            provider TEXT NOT NULL, account TEXT NOT NULL, quota TEXT NOT NULL, period_key TEXT NOT NULL,
            calls INTEGER NOT NULL DEFAULT 0,
            input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
            points REAL NOT NULL DEFAULT 0, credits REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (provider, account, quota, period_key)
        ) WITHOUT ROWID"""
    )


def _migrate_2(conn: sqlite3.Connection) -> None:
    """Version 2: each row carries its quota's terms (readable without the plan), cost and corrections."""
    for column in (
        "period TEXT NOT NULL DEFAULT 'ever'",
        "unit TEXT NOT NULL DEFAULT 'calls'",
        "limit_value REAL",
        "policy TEXT NOT NULL DEFAULT 'allow'",
        "lockout INTEGER NOT NULL DEFAULT 0",
        "timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai'",
        "cost REAL NOT NULL DEFAULT 0",
        "currency TEXT NOT NULL DEFAULT ''",
        "billable REAL NOT NULL DEFAULT 0",
        "adjust REAL NOT NULL DEFAULT 0",
        "updated_at REAL NOT NULL DEFAULT 0",
    ):
        conn.execute(f"ALTER TABLE usage ADD COLUMN {column}")
    # Version 1 kept the period only in the key's shape: ever / YYYY-MM-DD / YYYY-MM.
    conn.execute(
        "UPDATE usage SET period = CASE WHEN period_key = 'ever' THEN 'ever' "
        "WHEN length(period_key) = 10 THEN 'day' ELSE 'month' END"
    )


def _migrate_3(conn: sqlite3.Connection) -> None:
    """Version 3: calls a running process counted ahead and may not have used yet (``_credit``)."""
    conn.execute(
        """CREATE TABLE credits (
            owner TEXT NOT NULL, id INTEGER NOT NULL,
            provider TEXT NOT NULL, account TEXT NOT NULL, quota TEXT NOT NULL, period_key TEXT NOT NULL,
            calls INTEGER NOT NULL,
            PRIMARY KEY (owner, id)
        ) WITHOUT ROWID"""
    )


#: Ordered migrations: ``MIGRATIONS[i]`` brings a database from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_1, _migrate_2, _migrate_3)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database to ``target`` in one write transaction (safe when processes race). Returns it.

    Args:
        conn: an open connection to the ledger file, outside any transaction.
        target: the schema version to reach (default `SCHEMA_VERSION`, the newest); a file newer than
            this package raises `ValidationError`.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ValidationError(
                f"ledger schema version {version} is newer than this coze-client ({SCHEMA_VERSION}); upgrade it"
            )
        for step in MIGRATIONS[version:target]:
            step(conn)
        if target > version:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return max(version, target)


_COLUMNS = (
    "provider, account, quota, period_key, period, unit, limit_value, policy, lockout, timezone, calls, "
    "input_tokens, output_tokens, points, credits, cost, currency, billable, adjust, updated_at"
)
_SELECT = f"SELECT {_COLUMNS} FROM usage"
_GET = _SELECT + " WHERE provider = ? AND account = ? AND quota = ? AND period_key = ?"
_PUT = f"INSERT OR REPLACE INTO usage ({_COLUMNS}) VALUES ({', '.join('?' * 20)})"
_GRANT = "INSERT INTO credits (owner, id, provider, account, quota, period_key, calls) VALUES (?, ?, ?, ?, ?, ?, ?)"
_RETURN = "DELETE FROM credits WHERE owner = ? AND id = ?"
_TAKE_BACK = (
    "UPDATE usage SET calls = calls - ? WHERE provider = ? AND account = ? AND quota = ? AND period_key = ?"
)


def _row(values: tuple[object, ...]) -> Row:
    row = Row(*values)  # type: ignore[arg-type]
    row.lockout = bool(row.lockout)
    return row


def _values(row: Row) -> tuple[object, ...]:
    return (
        row.provider,
        row.account,
        row.quota,
        row.period_key,
        row.period,
        row.unit,
        row.limit,
        row.policy,
        int(row.lockout),
        row.timezone,
        row.calls,
        row.input_tokens,
        row.output_tokens,
        row.points,
        row.credits,
        row.cost,
        row.currency,
        row.billable,
        row.adjust,
        row.updated_at,
    )


class _SqlStore:
    """Rows read straight from a connection (a hold's check, outside any transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: Key) -> Row | None:
        found = self.conn.execute(_GET, key).fetchone()
        return _row(found) if found else None

    def put(self, row: Row) -> None:
        raise AssertionError("a read-only step wrote a row")  # pragma: no cover


class _CachedStore:
    """Rows read through a cache of what this connection last saw (a hold's check, outside a transaction)."""

    def __init__(self, conn: sqlite3.Connection, cache: dict[Key, Row]) -> None:
        self.conn = conn
        self.cache = cache

    def get(self, key: Key) -> Row | None:
        row = self.cache.get(key)
        if row is None:
            found = self.conn.execute(_GET, key).fetchone()
            if not found:
                return None
            row = self.cache[key] = _row(found)
        return row.copy()

    def put(self, row: Row) -> None:
        raise AssertionError("a read-only step wrote a row")  # pragma: no cover


class _BatchStore:
    """The rows inside one write transaction: a step sees the writes of the steps before it.

    ``cache`` holds rows as this connection last wrote or read them, valid while no other connection
    committed (``PRAGMA data_version`` unchanged): then a batch reads nothing from the file.
    """

    def __init__(self, conn: sqlite3.Connection, shared: dict[Key, Row], cache: dict[Key, Row]) -> None:
        self.conn = conn
        self.shared = shared
        self.cache = cache
        self.pending: dict[Key, Row] = {}

    def get(self, key: Key) -> Row | None:
        row = self.pending.get(key) or self.shared.get(key) or self.cache.get(key)
        if row is not None:
            return row.copy()
        found = self.conn.execute(_GET, key).fetchone()
        if not found:
            return None
        row = self.cache[key] = _row(found)
        return row.copy()

    def put(self, row: Row) -> None:
        self.pending[row.key] = row


class _Job:
    """One step of a batch; ``fut`` is None for a step nobody waits for (a batched settlement)."""

    __slots__ = ("fn", "fut")

    def __init__(self, fn: Callable[[Store], Any], fut: asyncio.Future[Any] | None) -> None:
        self.fn = fn
        self.fut = fut


Outcome = tuple[bool, Any]

#: Seconds a hold may trust rows this process confirmed current (a mark always re-reads under the lock):
#: a quota another process used up in that moment is refused at the mark instead of at the hold. A hold
#: that would be refused always asks sqlite first (a reset elsewhere is never a false refusal).
HOLD_FRESHNESS = 0.05
#: Batched steps that are written at once, not after flush_interval: keeps one batch transaction (and the
#: write lock other processes wait for) short.
_BATCH_MAX = 64


def _is_busy(exc: BaseException) -> bool:
    return is_transient(exc)


class SqliteLedger(BaseLedger):
    """A ledger in a sqlite file (the default backend).

    Args:
        path: the database file; default `default_ledger_path`.
        plans: see `BaseLedger`.
        clock: see `BaseLedger`.
        thresholds: see `BaseLedger`.
        on_threshold: see `BaseLedger`.
        executor: where a write waits when another process holds the file's write lock:
            ``"thread"`` (one dedicated thread and connection; default) or ``"to_thread"``.
        synchronous: sqlite ``synchronous`` pragma, ``"NORMAL"`` (survives process kills) or ``"FULL"``.
        busy_timeout: seconds to wait for another process's write lock before failing.
        flush_interval: seconds a settlement nobody waits for may stay unwritten (batched with the
            next write, or written after this long). A kill loses at most this much usage detail.
        inline: write a lone step at once on the loop's thread when the file's lock is free (default);
            ``False`` always queues steps for a shared batch (group commit).
        count_ahead: at most this many calls counted ahead by one transaction when this process
            calls often (each later call then costs one store into a memory-mapped journal, not a
            transaction); 0 counts every call in a transaction of its own, as ``synchronous="FULL"``
            always does. See ``docs/ledger.md`` (Calls counted ahead).
        ahead_seconds: calls counted ahead and not used are given back after this long.
    """

    backend = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        plans: Plan | Iterable[Plan] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        thresholds: Sequence[float] = (0.8, 1.0),
        on_threshold: ThresholdCallback | None = None,
        executor: Literal["thread", "to_thread"] = "thread",
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        busy_timeout: float = 60.0,
        flush_interval: float = 0.1,
        inline: bool = True,
        count_ahead: int = 64,
        ahead_seconds: float = 0.25,
    ) -> None:
        super().__init__(plans, clock=clock, thresholds=thresholds, on_threshold=on_threshold)
        if executor not in ("thread", "to_thread"):
            raise ValidationError(f"executor must be 'thread' or 'to_thread', not {executor!r}")
        if synchronous not in ("NORMAL", "FULL"):
            raise ValidationError(f"synchronous must be 'NORMAL' or 'FULL', not {synchronous!r}")
        if flush_interval < 0:
            raise ValidationError(f"flush_interval must be >= 0, not {flush_interval!r}")
        if isinstance(count_ahead, bool) or not isinstance(count_ahead, int) or count_ahead < 0:
            raise ValidationError(f"count_ahead must be an int >= 0, not {count_ahead!r}")
        if not ahead_seconds > 0:
            raise ValidationError(f"ahead_seconds must be > 0, not {ahead_seconds!r}")
        self.path = Path(path).expanduser() if path is not None else default_ledger_path()
        self._mode = executor
        self._synchronous = synchronous
        self._busy_timeout = busy_timeout
        self._flush_interval = flush_interval
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="coze-ledger") if executor == "thread" else None
        )
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._init_lock = threading.Lock()
        self._opened = False
        # The connection used on the event loop's thread: it never waits (busy_timeout 0); when another
        # process holds the write lock, the batch goes to the worker thread, which does wait.
        self._fast: sqlite3.Connection | None = None
        self._fast_lock = threading.Lock()
        self._cache: dict[Key, Row] = {}  # rows as the loop-thread connection last saw them
        self._cache_version: int | None = None  # its data_version then
        self._checked_at = 0.0  # when data_version last confirmed the cache (monotonic seconds)
        self._jobs: list[_Job] = []
        self._jobs_lock = threading.Lock()
        self._flush_handle: asyncio.Handle | None = None
        self._flush_loop: asyncio.AbstractEventLoop | None = None  # the loop the handle belongs to
        self._flush_now = False
        self._in_thread = False
        self._inline = inline
        self._crowded: asyncio.AbstractEventLoop | None = None  # a write ran inline in this turn of this loop
        # Calls counted ahead (ledger/_credit.py): per row key, [grant id, calls left] of its current grant.
        # FULL promises to survive power loss: the journal's pages are not synced to disk, so every
        # call is counted in a transaction of its own there (fsynced), none ahead.
        self._count_ahead = count_ahead if synchronous == "NORMAL" else 0
        self._ahead_seconds = ahead_seconds
        self._credit: dict[Key, list[int]] = {}
        self._retired: list[tuple[Key, int, int]] = []  # grants replaced while calls were left: give back too
        self._next_grant = 1  # the next grant id (an index into the journal's counters)
        self._journal_epoch = 0  # grant ids start again at each start_over: a call's ids name their epoch
        self._merged: dict[int, _Merged] = {}  # by id() of the reservations' entries (kept alive by _Merged)
        self._grant_size = 1
        self._last_grant = -1e9
        self._granting = 0  # grants in flight (one at a time: a concurrent call waits for it)
        self._grant_done: asyncio.Future[None] | None = None
        self._returning = 0  # give-backs queued and not yet committed
        self._give_back_handle: asyncio.TimerHandle | None = None
        self._give_back_loop: asyncio.AbstractEventLoop | None = None
        self._journal = CreditJournal(journal_dir(self.path), f"{os.getpid()}-{secrets.token_hex(6)}")
        _LEDGERS.add(self)

    def __repr__(self) -> str:
        return f"SqliteLedger({str(self.path)!r})"

    def _path_text(self) -> str:
        return str(self.path)

    # -- errors -------------------------------------------------------------------------------------
    def _error(self, exc: BaseException) -> LedgerError:
        """A LedgerError for a sqlite or file-system failure, naming the file and the fix."""
        path = str(self.path)
        if isinstance(exc, OSError) or "unable to open" in str(exc).lower():
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            message = (
                f"the sqlite ledger cannot use {path}: {reason}. Set COZE_CLIENT_STATE_DIR to a writable "
                "directory, or pass ledger='sqlite:///a/writable/file.sqlite3' (or ledger='memory://' to count "
                "in memory only)"
            )
        elif _is_busy(exc):
            message = (
                f"the sqlite ledger at {path} stayed locked by another process for more than "
                f"{self._busy_timeout:g}s ({exc}); retry, or give this process its own ledger file (ledger=)"
            )
        else:
            message = (
                f"the sqlite ledger at {path} failed: {type(exc).__name__}: {exc}. If the file is damaged, move "
                "it away (a new one is created) or pass another ledger= (a path, 'memory://' or 'redis://...')"
            )
        return LedgerError(message, backend="sqlite", path=path)

    # -- connections ------------------------------------------------------------------------------------
    def _prepare_file(self) -> None:
        path = self.path
        parent = path.parent
        if not parent.exists():
            os.makedirs(parent, mode=0o700, exist_ok=True)
            os.chmod(parent, 0o700)  # the mode given to makedirs is filtered by the umask
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)

    def _connect(self, timeout: float) -> sqlite3.Connection:
        """Open a WAL connection, retrying the open race of processes creating a fresh file together.

        Switching a new file to WAL takes an exclusive lock that sqlite does not wait for (no busy
        handler), so "database is locked" there only means another process is doing the same
        (`coze_client._sqlite.open_wal` retries it, as for the sqlite limiter).
        """
        return open_wal(
            str(self.path), timeout=timeout, synchronous=self._synchronous, deadline=max(self._busy_timeout, 1.0)
        )

    def _open_sync(self) -> None:
        """Create the file, migrate it and open the loop-thread connection (once, on a worker thread)."""
        with self._init_lock:
            if self._opened:
                return
            if self._closed:
                raise RuntimeError("closed")
            try:
                self._prepare_file()
                conn = self._conn_unlocked()
                retry_transient(lambda: migrate(conn), deadline=max(self._busy_timeout, 1.0))
                self._recover(conn)
                self._fast = self._connect(0)
                self._conns.append(self._fast)
            except (OSError, sqlite3.Error) as exc:
                raise self._error(exc) from None
            self._opened = True

    def _conn_unlocked(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(self._busy_timeout)
            self._conns.append(conn)
            self._local.conn = conn
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This worker thread's connection (waits up to ``busy_timeout`` for the write lock)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._init_lock:
            try:
                return self._conn_unlocked()
            except (OSError, sqlite3.Error) as exc:
                raise self._error(exc) from None

    async def _ensure_open(self) -> None:
        if not self._opened:
            self._check_open()
            try:
                await self._call(self._open_sync)
            except RuntimeError:  # the executor was shut down by aclose meanwhile
                self._check_open()
                raise

    async def _call(self, fn: Callable[[], T]) -> T:
        if self._executor is not None:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn)
        return await asyncio.to_thread(fn)

    # -- batches: group commit ----------------------------------------------------------------------
    def _write(self, conn: sqlite3.Connection, jobs: list[_Job], *, wait: bool) -> list[Outcome] | None:
        """Run ``jobs`` in one write transaction. None when ``wait`` is false and the lock is taken."""
        try:
            conn.execute("BEGIN IMMEDIATE")  # the write lock before reading: check-then-count is atomic
            fast = conn is self._fast
            version = conn.execute("PRAGMA data_version").fetchone()[0] if fast else None
        except sqlite3.Error as exc:
            if not wait and _is_busy(exc):
                return None
            return [(False, self._error(exc))] * len(jobs)
        # The cache serves the loop-thread connection while no other connection committed meanwhile.
        cache = self._cache if fast and version == self._cache_version else {}
        if fast and cache is not self._cache:
            self._cache.clear()
            self._cache_version = version
            cache = self._cache
        if fast:
            self._checked_at = time.monotonic()
        shared: dict[Key, Row] = {}
        outcomes: list[Outcome] = []
        try:
            for job in jobs:
                store = _BatchStore(conn, shared, cache)
                try:
                    result = job.fn(store)
                except sqlite3.Error:
                    raise
                except Exception as exc:  # e.g. QuotaExhaustedError: this step writes nothing
                    outcomes.append((False, exc))
                    continue
                shared.update(store.pending)
                outcomes.append((True, result))
            if shared:
                conn.executemany(_PUT, [_values(row) for row in shared.values()])
            conn.execute("COMMIT")
            if fast:
                cache.update(shared)  # our own commit leaves data_version as it was
            else:
                self._cache_version = None  # another connection of ours wrote: the cache is stale
        except BaseException as exc:
            self._cache.clear()
            self._cache_version = None
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            failure: BaseException = self._error(exc) if isinstance(exc, sqlite3.Error) else exc
            return [(False, failure)] * len(jobs)
        return outcomes

    def _enqueue(self, fn: Callable[[Store], Any], fut: asyncio.Future[Any] | None) -> None:
        with self._jobs_lock:
            self._jobs.append(_Job(fn, fut))
            now = fut is not None or len(self._jobs) >= _BATCH_MAX
        self._schedule(asyncio.get_running_loop(), now)

    def _schedule(self, loop: asyncio.AbstractEventLoop, now: bool) -> None:
        handle = self._flush_handle
        if handle is not None and self._flush_loop is not loop:
            handle = None  # scheduled on another (maybe closed) loop: it may never run
            self._flush_now = False
        if handle is not None:
            if self._flush_now or not now:
                return  # a flush is already due at least as soon
            handle.cancel()
        self._flush_now = now
        self._flush_loop = loop
        self._flush_handle = loop.call_soon(self._flush) if now else loop.call_later(self._flush_interval, self._flush)

    def _flush(self) -> None:
        """Write every queued step in one transaction (on the loop's thread when the lock is free)."""
        self._flush_handle = None
        self._flush_now = False
        if self._in_thread:
            return  # the batch on the worker thread schedules the next one when it is done
        with self._jobs_lock:
            jobs, self._jobs = self._jobs, []
        jobs = [j for j in jobs if j.fut is None or not j.fut.done()]  # a cancelled waiter: never run
        if not jobs:
            return
        fast = self._fast
        if fast is not None and self._fast_lock.acquire(blocking=False):
            try:
                outcomes = self._write(fast, jobs, wait=False)
            finally:
                self._fast_lock.release()
            if outcomes is not None:
                self._resolve(jobs, outcomes)
                return
        # Another process holds the write lock: wait for it on the worker thread, off the loop.
        self._in_thread = True
        loop = asyncio.get_running_loop()
        task = loop.create_task(self._write_in_thread(jobs))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _write_in_thread(self, jobs: list[_Job]) -> None:
        try:
            outcomes = await self._call(lambda: self._write(self._conn(), jobs, wait=True) or [])
        except BaseException as exc:  # LedgerError from the connection, executor shut down, cancelled
            outcomes = [(False, exc if isinstance(exc, Exception) else self._error(sqlite3.Error(str(exc))))] * len(
                jobs
            )
        finally:
            self._in_thread = False
        self._resolve(jobs, outcomes)
        with self._jobs_lock:
            more = bool(self._jobs)
        if more:
            self._schedule(asyncio.get_running_loop(), True)

    def _resolve(self, jobs: list[_Job], outcomes: list[Outcome]) -> None:
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            fut = job.fut
            if fut is None:
                if ok:
                    self._emit_later(value)
                else:
                    logger.error("usage of a settled call could not be written to %s: %s", self.path, value)
                continue
            if fut.done():
                continue
            if ok:
                _set(fut, value, None)
            else:
                _set(fut, None, value)

    async def _drain(self) -> None:
        """Wait until every step queued so far is written."""
        if not self._opened:
            return
        with self._jobs_lock:
            pending = bool(self._jobs)
        if pending or self._in_thread:
            await self._transact(_nothing)

    # -- BaseLedger -----------------------------------------------------------------------------------
    async def _transact(self, fn: Callable[[Store], T]) -> T:
        return await self._transact_inline(fn, alone=False)

    async def _count(self, fn: Callable[[Store], T]) -> T:
        return await self._transact_inline(fn, alone=True)

    async def _transact_inline(self, fn: Callable[[Store], T], *, alone: bool) -> T:
        if not self._opened:
            await self._ensure_open()
        if self._inline:
            done = self._write_inline(fn, alone=alone)
            if done is not None:
                ok, value = done
                if ok:
                    return cast(T, value)
                raise value
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._enqueue(fn, fut)
        return await fut

    def _uncrowd(self) -> None:
        self._crowded = None

    def _write_inline(self, fn: Callable[[Store], Any], *, alone: bool = False) -> Outcome | None:
        """Write ``fn`` right now, on the loop's thread, after the batched steps queued before it.

        ``alone`` (a mark): the queued batched settlements stay for their own batch (within
        ``flush_interval``, mostly while this call waits for its response), off the path between
        this write and the send; settlements of calls-only quotas never change what a mark checks.

        Only when no batch is due or running, no other write ran inline in this turn of the loop and
        no other process holds the write lock: then a caller alone pays one short transaction and no
        trip through the event loop. None otherwise (the step joins the next batch, which overlapping
        callers share: group commit).
        """
        loop = asyncio.get_running_loop()
        if self._in_thread or self._fast is None or self._crowded is loop:
            return None
        if self._flush_now and self._flush_loop is loop:
            return None
        if not self._fast_lock.acquire(blocking=False):
            return None
        try:
            queued: list[_Job] = []
            if not alone:
                with self._jobs_lock:
                    queued, self._jobs = self._jobs, []
            jobs = [*queued, _Job(fn, None)]
            outcomes = self._write(self._fast, jobs, wait=False)
            if outcomes is None:  # another process writes: queue everything for the next batch
                if queued:
                    with self._jobs_lock:
                        self._jobs[:0] = queued
                return None
        finally:
            self._fast_lock.release()
        # Another write in this same turn of the loop means callers overlap: they share the next batch.
        self._crowded = loop
        loop.call_soon(self._uncrowd)
        if queued:
            self._resolve(queued, outcomes[:-1])
        return outcomes[-1]

    # -- settlements merged ------------------------------------------------------------------------------
    def _settle_merged(self, res: LedgerReservation, usage: Usage | None) -> bool:
        """Merge settlements of a provider without prices into one step per row set and batch.

        Every figure such a settlement writes adds up (tokens, credits, points, calls past the free
        allowance), so one step for N calls writes what N steps would: the batch costs one step.
        """
        if res.points or prices.currency_for(res.provider) or (usage is not None and usage.extra):
            return False
        key = id(res.entries)
        with self._jobs_lock:
            merged = self._merged.get(key)
            if merged is not None and merged.res.entries is res.entries:
                merged.add(usage)
                return True
            merged = self._merged[key] = _Merged(res)
            merged.add(usage)
        now = self._clock()
        thresholds = self._thresholds

        def run(store: Store) -> list[QuotaEvent]:
            with self._jobs_lock:
                if self._merged.get(key) is merged:
                    del self._merged[key]  # later settlements start a new merge (and a new step)
            # key_mode only picks a price column, and these providers have no prices
            return _core.settle_in(store, merged.res, merged.usage(), now, thresholds, "gptbots", calls=merged.calls)

        self._enqueue(run, None)
        return True

    # -- calls counted ahead (ledger/_credit.py) ------------------------------------------------------
    async def _count_call(self, res: LedgerReservation, now: datetime, rows: _core.CallRows) -> list[QuotaEvent]:
        if not self._count_ahead or res.points or rows.usage_guarded:
            return await self._count_exact(res, self._mark_step(res, now))
        keys = rows.keys
        # Under the hold lock: a ledger shared by event loops in several threads never spends one call twice.
        with self._hold_lock:
            credit = self._credit
            grants = [credit.get(key) for key in keys]
            for grant in grants:
                if grant is None or grant[1] <= 0:
                    break
            else:
                return self._use_credit(res, cast("list[list[int]]", grants))
        return await self._grant(res, now, rows, self._mark_step(res, now))

    def _use_credit(self, res: LedgerReservation, grants: list[list[int]]) -> list[QuotaEvent]:
        """Count the call on calls counted ahead: its use stored in the journal before the send (hold lock held)."""
        ids = tuple(grant[0] for grant in grants)
        try:
            self._journal.use(ids)
        except (OSError, ValueError) as exc:  # ValueError: the mapping was closed
            raise self._error(exc) from None
        for grant in grants:
            grant[1] -= 1
        self._drop_holds(res)  # released in the same step as the count (the hold lock is held)
        res.credit = (self._journal_epoch, *ids)
        return []  # a grant never reaches a warning threshold: the call crossing it is counted exactly

    async def _grant(
        self, res: LedgerReservation, now: datetime, rows: _core.CallRows, run: Callable[[Store], list[QuotaEvent]]
    ) -> list[QuotaEvent]:
        """Count the call exactly and, when this process calls often, count more of its rows ahead."""
        keys = rows.keys
        pending = self._grant_done
        if pending is not None and pending.get_loop() is asyncio.get_running_loop():
            # Another task is counting ahead right now: wait for its grant, which likely covers this call too.
            await asyncio.shield(pending)
            return await self._count_call(res, now, rows)
        mono = time.monotonic()
        busy = mono - self._last_grant < self._ahead_seconds
        size = min(self._grant_size * 2, self._count_ahead) if busy else max(1, self._grant_size // 2)
        self._grant_size = size
        self._last_grant = mono
        wanted = size - 1
        if not wanted:
            return await self._count_exact(res, run)
        # One grant at a time in the whole ledger (loops in other threads included): its ids are the
        # journal's next ones, and the journal's resize must never meet a use.
        with self._hold_lock:
            if self._granting:
                alone = False
            else:
                alone = True
                try:
                    self._journal.open()
                    self._journal.ensure(self._next_grant + 2 * len(keys))  # every id this grant may take
                except OSError:
                    logger.debug("no credit journal beside %s: every call is counted alone", self.path)
                    self._count_ahead = 0
                    alone = False
                else:
                    self._granting += 1
            credit = self._credit
            needy = [key for key in keys if key not in credit or credit[key][1] <= 0]
            first_id = self._next_grant
        if not alone:
            return await self._count_exact(res, run)
        thresholds = self._thresholds
        owner = self._journal.owner
        granted: dict[Key, list[int]] = {}

        def grant(store: Store) -> list[QuotaEvent]:
            granted.clear()  # a step may be run again (the wait for other processes' grants)
            self._next_grant = first_id
            events = run(store)
            counted = [cast(Row, store.get(key)) for key in needy]  # empty: another thread's grant came first
            n = min((grant_room(row, thresholds, wanted) for row in counted), default=0)
            if n > 0:
                conn = cast(_BatchStore, store).conn
                for row in counted:
                    gid = self._next_grant
                    self._next_grant += 1
                    row.calls += n
                    store.put(row)
                    conn.execute(_GRANT, (owner, gid, *row.key, n))
                    granted[row.key] = [gid, n]
            return events

        done = self._grant_done = asyncio.get_running_loop().create_future()
        try:
            events = await self._count_exact(res, grant)
        finally:
            self._grant_done = None
            done.set_result(None)
            with self._hold_lock:
                self._granting -= 1
        if granted:
            with self._hold_lock:
                credit = self._credit  # a give-back may have replaced the dict during the transaction
                for key, grant_ in granted.items():
                    old = credit.get(key)
                    if old is not None:  # its row in the credits table goes at the next give-back
                        self._retired.append((key, old[0], old[1]))
                    credit[key] = grant_
            loop = asyncio.get_running_loop()
            handle = self._give_back_handle
            if handle is None or self._give_back_loop is not loop:  # none yet, or on another (maybe closed) loop
                if handle is not None:
                    handle.cancel()
                self._give_back_loop = loop
                self._give_back_handle = loop.call_later(self._ahead_seconds, self._give_back_later)
        return events

    async def _count_exact(self, res: LedgerReservation, run: Callable[[Store], list[QuotaEvent]]) -> list[QuotaEvent]:
        """One transaction. A call refused only because of calls counted ahead and maybe unused (this
        process's or another's) waits for them to be given back, then is decided on exact counts."""
        owner = self._journal.owner

        def checked(store: Store) -> list[QuotaEvent]:
            try:
                return run(store)
            except QuotaExhaustedError as exc:
                # Decided in the same transaction as the refusal: no give-back can slip in between.
                conn = cast(_BatchStore, store).conn
                key = (exc.provider, exc.account, exc.quota, _period_of(res, exc.quota))
                ahead = outstanding(conn, key)
                if ahead and exc.used - ahead + 1 <= exc.limit:
                    others = outstanding(conn, key, exclude=owner)
                    raise _MayBeFreed(exc, own=ahead - others, others=others) from None
                raise

        deadline = time.monotonic() + self._ahead_seconds + self._flush_interval + 2.0
        while True:
            try:
                return await self._count(checked)
            except _MayBeFreed as wait:
                if time.monotonic() > deadline:
                    raise wait.refusal from None
                if wait.own and (self._credit or self._retired):
                    await self._give_back()  # this process's own calls counted ahead were in the way
                    continue
                if not (wait.others or self._returning):
                    raise wait.refusal from None
                await self._freed_soon([])  # gives back what dead processes held
                await asyncio.sleep(0.02)

    def _hold_ahead(self, res: LedgerReservation, keys: tuple[Key, ...]) -> bool:
        if not self._credit or res.points:
            return False
        with self._hold_lock:
            credit, held = self._credit, self._held
            for key in keys:
                grant = credit.get(key)
                if grant is None or grant[1] - held.get(key, 0.0) < 1:
                    return False
            for key in keys:
                held[key] = held.get(key, 0.0) + 1.0
            res.holds = tuple((key, 1.0) for key in keys)
        return True

    def _held_view(self, rows: Sequence[Row]) -> dict[Key, float]:
        # Rows counted ahead already hold this process's next calls: held calls take those first.
        credit = self._credit
        if not credit:
            return self._held
        view = dict(self._held)
        for row in rows:
            grant = credit.get(row.key)
            if grant is not None and grant[1]:
                view[row.key] = view.get(row.key, 0.0) - grant[1]
        return view

    def _uncredit(self, res: LedgerReservation) -> bool:
        keys = [(res.provider, res.account, e.track.name, e.period_key) for e in res.entries]
        epoch, *rest = res.credit
        ids = tuple(rest)
        with self._hold_lock:
            grants = [self._credit.get(key) for key in keys]
            if epoch != self._journal_epoch or not all(
                g is not None and g[0] == gid for g, gid in zip(grants, ids, strict=True)
            ):
                return False  # given back meanwhile: the call is taken out of the rows instead
            try:
                self._journal.unuse(ids)
            except (OSError, ValueError):
                return False
            for grant in grants:
                assert grant is not None
                grant[1] += 1
        res.credit = ()
        return True

    async def _freed_soon(self, keys: Sequence[Key]) -> bool:
        """Give back what dead processes counted ahead; True when every row of ``keys`` could take one
        more call once the calls still counted ahead are given back (read in one transaction)."""
        if not self._opened:
            await self._ensure_open()
        unique = list(dict.fromkeys(keys))

        def fits(conn: sqlite3.Connection) -> bool:
            self._recover_in(conn)
            room, ahead_somewhere = True, False
            for key in unique:
                found = conn.execute(_GET, key).fetchone()
                if found is None:
                    continue
                row = _row(found)
                track = self._book.track(key[0], key[1], key[2])
                limit = track[0].limit if track else row.limit
                ahead = outstanding(conn, key)
                ahead_somewhere = ahead_somewhere or ahead > 0
                if limit is not None and row.used - ahead + self._held.get(key, 0.0) + 1 > limit:
                    room = False
            return room and ahead_somewhere

        return await self._write_in_worker(fits)

    async def _write_in_worker(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn`` in a write transaction of the worker thread's connection (it may wait for the lock)."""

        def run() -> T:
            try:
                return write_transaction(self._conn(), fn)
            except sqlite3.Error as exc:
                raise self._error(exc) from None

        try:
            return await self._call(run)
        finally:
            self._cache_version = None  # written through another connection: the cache is stale

    def _ahead_elsewhere(self, store: Store, key: Key) -> int:
        return outstanding(cast(_BatchStore, store).conn, key, exclude=self._journal.owner)

    def _recover(self, conn: sqlite3.Connection) -> None:
        """Give back the unused calls of processes that died holding them (at open)."""

        retry_transient(lambda: write_transaction(conn, self._recover_in), deadline=max(self._busy_timeout, 1.0))

    def _recover_in(self, conn: sqlite3.Connection) -> bool:
        taken = recover_dead(conn, self._journal.directory, self._journal.owner)
        for key, calls in taken.items():
            conn.execute(_TAKE_BACK, (calls, *key))
        if taken:
            logger.info("gave back %d calls counted ahead by processes that ended", sum(taken.values()))
        return bool(taken)

    def _give_back_later(self) -> None:
        self._give_back_handle = None
        if self._closed or not (self._credit or self._retired):
            return
        task = asyncio.get_running_loop().create_task(self._give_back_logged())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _give_back_logged(self) -> None:
        try:
            await self._give_back()
        except Exception as exc:
            logger.error("calls counted ahead could not be given back to %s (tried again later): %s", self.path, exc)

    async def _give_back(self) -> None:
        """Give back what this ledger counted ahead and did not use: one transaction."""
        if not (self._credit or self._retired):
            return
        with self._hold_lock:
            grants = [(key, gid, left) for key, (gid, left) in self._credit.items()] + self._retired
            self._credit = {}
            self._retired = []
            self._returning += 1
        owner = self._journal.owner

        def run(store: Store) -> None:
            conn = cast(_BatchStore, store).conn
            for key, _gid, left in grants:
                if left > 0:
                    row = store.get(key)
                    if row is not None:
                        row.calls -= left
                        store.put(row)
            conn.executemany(_RETURN, [(owner, gid) for _key, gid, _left in grants])

        try:
            await self._transact(run)
        except BaseException:
            # Not given back (no call can use them any more): tried again at the next give-back or at
            # aclose; till then they stay counted (over, never under).
            with self._hold_lock:
                self._retired.extend(grants)
                self._returning -= 1
            raise
        with self._hold_lock:
            self._returning -= 1
            if self._next_grant > JOURNAL_ROTATE_IDS and not (
                self._credit or self._retired or self._granting or self._returning
            ):
                self._journal.start_over()  # every grant it counted was given back: ids start again
                self._next_grant = 1
                self._journal_epoch += 1

    async def _write_later(self, fn: Callable[[Store], list[QuotaEvent]]) -> list[QuotaEvent]:
        if not self._opened:
            await self._ensure_open()
        self._enqueue(fn, None)
        return []

    async def _peek(self, fn: Callable[[Store], T], *, fresh: bool = False) -> T:
        if not self._opened:
            await self._ensure_open()
        fast = self._fast
        if fast is not None and self._fast_lock.acquire(blocking=False):
            try:
                # A hold's check is advisory (the mark checks again under the write lock): rows this
                # connection confirmed current less than HOLD_FRESHNESS ago are read without asking sqlite.
                now = time.monotonic()
                if fresh or self._cache_version is None or now - self._checked_at > HOLD_FRESHNESS:
                    version = fast.execute("PRAGMA data_version").fetchone()[0]
                    if version != self._cache_version:
                        self._cache.clear()
                        self._cache_version = version
                    self._checked_at = now
                return fn(_CachedStore(fast, self._cache))
            except sqlite3.Error as exc:
                if not _is_busy(exc):
                    raise self._error(exc) from None
            finally:
                self._fast_lock.release()

        def read() -> T:
            try:
                return fn(_SqlStore(self._conn()))
            except sqlite3.Error as exc:
                raise self._error(exc) from None

        return await self._call(read)

    async def _rows(self) -> list[Row]:
        self._check_open()
        await self._ensure_open()
        await self._drain()

        def read() -> list[Row]:
            try:
                return [_row(r) for r in self._conn().execute(_SELECT).fetchall()]
            except sqlite3.Error as exc:
                raise self._error(exc) from None

        return await self._call(read)

    async def _delete(self, provider: str | None, account: str | None, quota: str | None) -> int:
        self._check_open()
        await self._ensure_open()
        await self._drain()
        where, args = [], []
        for column, value in (("provider", provider), ("account", account), ("quota", quota)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        match = " AND ".join([*where, "1"])
        # A row with calls counted ahead by another process (live, or dead and not yet recovered) keeps
        # exactly those: they are given back (less what was used) later, and must find them there.
        ahead = (
            "EXISTS (SELECT 1 FROM credits c WHERE c.provider = usage.provider AND c.account = usage.account "
            "AND c.quota = usage.quota AND c.period_key = usage.period_key)"
        )
        keep = (
            "UPDATE usage SET calls = (SELECT SUM(c.calls) FROM credits c WHERE c.provider = usage.provider "
            "AND c.account = usage.account AND c.quota = usage.quota AND c.period_key = usage.period_key), "
            "input_tokens = 0, output_tokens = 0, points = 0, credits = 0, cost = 0, billable = 0, adjust = 0 "
            f"WHERE {match} AND {ahead}"
        )
        drop = f"DELETE FROM usage WHERE {match} AND NOT {ahead}"

        def run(conn: sqlite3.Connection) -> int:
            return int(conn.execute(keep, args).rowcount) + int(conn.execute(drop, args).rowcount)

        return await self._write_in_worker(run)

    async def aclose(self) -> None:
        """Write what is queued, then close the connections and the worker thread. Idempotent."""
        if self._closed:
            return
        given_back = False
        try:
            if self._give_back_handle is not None:
                self._give_back_handle.cancel()
                self._give_back_handle = None
            if self._opened:
                await self._give_back()
            await self._drain()
            given_back = True
        finally:
            # Given back: the journal goes. Not: it stays, locked until exit, for the next opener to read.
            with self._hold_lock:
                self._journal.close(remove=given_back)
            self._closed = True
            if self._flush_handle is not None:
                self._flush_handle.cancel()
                self._flush_handle = None

            def close_all() -> None:
                with self._fast_lock:
                    for conn in self._conns:
                        conn.close()
                    self._conns.clear()
                    self._fast = None

            await self._call(close_all)
            if self._executor is not None:
                self._executor.shutdown(wait=False)


class _Merged:
    """Settlements of calls counted in the same rows, added up until their batch is written."""

    __slots__ = ("calls", "credits", "input_tokens", "output_tokens", "points", "res")

    def __init__(self, res: LedgerReservation) -> None:
        self.res = res
        self.calls = 0
        self.input_tokens = self.output_tokens = self.points = 0
        self.credits = 0.0

    def add(self, usage: Usage | None) -> None:
        self.calls += 1
        if usage is not None:
            self.input_tokens += usage.input_tokens
            self.output_tokens += usage.output_tokens
            self.points += usage.points
            self.credits += usage.credits

    def usage(self) -> Usage:
        return Usage(self.input_tokens, self.output_tokens, self.points, self.credits)


class _MayBeFreed(Exception):
    """A mark refused only by calls counted ahead that may be given back unused: wait, then decide."""

    def __init__(self, refusal: QuotaExhaustedError, *, own: int, others: int) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal
        self.own = own
        self.others = others


def _period_of(res: LedgerReservation, quota: str) -> str:
    for entry in res.entries:
        if entry.track.name == quota:
            return entry.period_key
    return ""


_LEDGERS: weakref.WeakSet[SqliteLedger] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # A forked child must never use its parent's calls counted ahead: both would spend them.
    for ledger in list(_LEDGERS):
        ledger._credit = {}
        ledger._retired = []
        ledger._give_back_handle = None
        ledger._journal.forget_after_fork()
        ledger._journal = CreditJournal(ledger._journal.directory, f"{os.getpid()}-{secrets.token_hex(6)}")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _nothing(store: Store) -> None:
    return None


def _set(fut: asyncio.Future[Any], value: Any, exc: BaseException | None) -> None:
    """Resolve ``fut`` from whichever thread, on its own loop."""

    def apply() -> None:
        if fut.done():
            return
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(value)

    loop = fut.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        apply()
    else:
        loop.call_soon_threadsafe(apply)

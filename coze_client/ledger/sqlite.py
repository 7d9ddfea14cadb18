"""The default ledger: one sqlite file shared safely by every process of the user.

* Exact across processes: every reserve / settle / cancel is one ``BEGIN IMMEDIATE`` transaction
  (the check and the increment happen under sqlite's write lock), so 3 processes racing for the
  last 500 calls send exactly 500.
* Durable before ``reserve`` returns: the transaction is committed to the WAL. With
  ``synchronous=NORMAL`` (the default here) a committed transaction survives the process being
  killed at any instant; only an OS crash or power loss can drop the last ones. Pass
  ``synchronous="FULL"`` to survive those too, at the cost of an fsync per call.
* Private: the file is created ``0600`` and a directory the ledger creates ``0700``; sqlite gives
  the ``-wal`` and ``-shm`` files the database file's permissions.
* Off the event loop: sqlite calls run on one dedicated thread per ledger (``executor="thread"``,
  the default, measured cheaper) or on ``asyncio.to_thread`` with a connection per worker thread
  (``executor="to_thread"``). See ``docs/performance.md`` (## Ledger).
* Versioned schema: ``PRAGMA user_version`` and the ordered `MIGRATIONS`.

Examples:
    ```python
    ledger = SqliteLedger("/tmp/ledger.sqlite3", get_plan("coze.personal_free"))
    res = await ledger.reserve(call)
    await ledger.settle(res, usage)
    await ledger.aclose()
    ```
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

from ..errors import ValidationError
from ..limits.plans import Plan
from ._base import BaseLedger, ThresholdCallback
from ._core import Row, Store

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SqliteLedger", "default_ledger_path", "migrate"]

T = TypeVar("T")
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


#: Ordered migrations: ``MIGRATIONS[i]`` brings a database from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_1, _migrate_2)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database to ``target`` in one write transaction (safe when processes race). Returns it."""
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
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: Key) -> Row | None:
        found = self.conn.execute(_GET, key).fetchone()
        return _row(found) if found else None

    def put(self, row: Row) -> None:
        self.conn.execute(_PUT, _values(row))


class SqliteLedger(BaseLedger):
    """A ledger in a sqlite file (the default backend).

    Args:
        path: the database file; default `default_ledger_path`.
        plans: see `BaseLedger`.
        clock: see `BaseLedger`.
        thresholds: see `BaseLedger`.
        on_threshold: see `BaseLedger`.
        executor: ``"thread"`` (one dedicated thread and connection; default) or ``"to_thread"``.
        synchronous: sqlite ``synchronous`` pragma, ``"NORMAL"`` (survives process kills) or ``"FULL"``.
        busy_timeout: seconds to wait for another process's write lock before failing.
    """

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
    ) -> None:
        super().__init__(plans, clock=clock, thresholds=thresholds, on_threshold=on_threshold)
        if executor not in ("thread", "to_thread"):
            raise ValidationError(f"executor must be 'thread' or 'to_thread', not {executor!r}")
        if synchronous not in ("NORMAL", "FULL"):
            raise ValidationError(f"synchronous must be 'NORMAL' or 'FULL', not {synchronous!r}")
        self.path = Path(path).expanduser() if path is not None else default_ledger_path()
        self._mode = executor
        self._synchronous = synchronous
        self._busy_timeout = busy_timeout
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="coze-ledger") if executor == "thread" else None
        )
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._init_lock = threading.Lock()
        self._migrated = False
        self._closed = False

    def __repr__(self) -> str:
        return f"SqliteLedger({str(self.path)!r})"

    # -- connections (always on a worker thread) ----------------------------------------------------
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

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise RuntimeError("the ledger is closed")
        with self._init_lock:
            self._prepare_file()
            conn = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False)
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            if not self._migrated:
                migrate(conn)
                self._migrated = True
            self._conns.append(conn)
        self._local.conn = conn
        return conn

    def _tx_sync(self, fn: Callable[[Store], T]) -> T:
        conn = self._conn()
        # IMMEDIATE takes the write lock before reading, so check-then-increment is atomic across processes.
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(_SqlStore(conn))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return result

    async def _call(self, fn: Callable[[], T]) -> T:
        if self._executor is not None:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn)
        return await asyncio.to_thread(fn)

    # -- BaseLedger -----------------------------------------------------------------------------------
    async def _transact(self, fn: Callable[[Store], T]) -> T:
        return await self._call(lambda: self._tx_sync(fn))

    async def _rows(self) -> list[Row]:
        return await self._call(lambda: [_row(r) for r in self._conn().execute(_SELECT).fetchall()])

    async def _delete(self, provider: str | None, account: str | None, quota: str | None) -> int:
        where, args = [], []
        for column, value in (("provider", provider), ("account", account), ("quota", quota)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = "DELETE FROM usage" + (" WHERE " + " AND ".join(where) if where else "")

        def run() -> int:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                count = conn.execute(sql, args).rowcount
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return int(count)

        return await self._call(run)

    async def aclose(self) -> None:
        """Close the connections and the worker thread. Idempotent."""
        if self._closed:
            return
        self._closed = True

        def close_all() -> None:
            for conn in self._conns:
                conn.close()
            self._conns.clear()

        await self._call(close_all)
        if self._executor is not None:
            self._executor.shutdown(wait=False)

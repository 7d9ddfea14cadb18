"""A limiter shared by every process of one host through a SQLite file.

Same rule as `coze_client.limits.memory` (a request-count slot counts from its grant until
one window after the response head; concurrency until the release; tokens until one window after
the release, settled with the real usage), kept in a table so that web-server workers using one
account pace together. The proof that no server window sees more than the limit is in
`coze_client.limits.memory`; it holds here because every process writes the same rows.

* Every decision is one ``BEGIN IMMEDIATE`` transaction (WAL journal): read the running sums,
  grant the local waiters that fit (same FIFO-with-reservation rule as the memory backend),
  insert their slots, commit. Releases are written the same way.
* Running sums per limit live in a ``usage`` table and are corrected as slots expire, so a
  transaction costs the same with 3000 slots in a day window as with 3.
* A slot is written with a *stale* expiry (grant + ``stale_after`` + window): when its process
  dies before releasing it, it still counts, conservatively, until then.
* SQLite calls block, so they run on one dedicated worker thread (the connection never changes
  threads); concurrent acquires of one key are folded into one transaction.
* Time is ``CLOCK_MONOTONIC``, which all processes of a host share. The file remembers the boot
  it was written in and forgets its slots after a reboot (the old times mean nothing then).

Waiters keep their place across processes: a waiter that cannot be served at once writes a
*ticket* (its needs, in arrival order) to the file, and every process runs the same FIFO rule over
all tickets, reserving the share of waiters of other processes ahead of its own. Tickets of a dead
process (pid gone, or heartbeat older than 5 s) are dropped. A process learns about slots released
elsewhere by polling (``poll_interval``) while it waits on capacity held by in-flight calls;
expiries it knows of wake it at the exact time.

Failures: opening the file, the WAL switch and every transaction retry SQLite's transient
``locked``/``busy`` with a bounded backoff (`coze_client._sqlite`); when a transaction still
fails that way, its releases go back to the queue and the waiters keep waiting (their ``max_wait``
still applies) while it is tried again. Any other failure reaches the callers as a
`LimiterError` that names the file and the fix. `aclose` fails the
calls still waiting at once, writes the releases already queued, and closes the file.

Examples:
    ```python
    limiter = SqliteLimiter(get_plan("coze.personal_free"), "/tmp/coze-limits.db")
    ```
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .._call import CallInfo
from .._sqlite import is_transient, open_wal, retry_transient, rollback
from ..errors import LimiterError, RateLimitWaitError
from ._clock import Clock, LoopClock, TimerHandle
from ._core import Waiter, check_satisfiable, select
from .base import Permit
from .plans import Limit, Plan

__all__ = ["SqliteLimiter"]

_INF = math.inf

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slots (
    id INTEGER PRIMARY KEY, k TEXT NOT NULL, lim TEXT NOT NULL,
    w INTEGER NOT NULL, expiry REAL NOT NULL, inflight INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slots_k_lim_expiry ON slots (k, lim, expiry);
CREATE INDEX IF NOT EXISTS slots_k_expiry ON slots (k, expiry);
CREATE TABLE IF NOT EXISTS usage (k TEXT NOT NULL, lim TEXT NOT NULL, used INTEGER NOT NULL,
    PRIMARY KEY (k, lim));
CREATE TABLE IF NOT EXISTS pauses (k TEXT NOT NULL, grp TEXT NOT NULL, until REAL NOT NULL,
    PRIMARY KEY (k, grp));
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY, k TEXT NOT NULL, owner TEXT NOT NULL, pid INTEGER NOT NULL,
    needs TEXT NOT NULL, groups TEXT NOT NULL, heartbeat REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_k ON tickets (k, id);
"""

# A process refreshes the tickets of its waiters this often; others ignore a ticket this old (or
# this far in the future: written under another clock, it would otherwise never grow old).
_TICKET_REFRESH = 1.0
_TICKET_TTL = 5.0
# SQLite's busy timeout per statement; transient errors beyond it are retried (coze_client._sqlite).
_BUSY_TIMEOUT = 5.0
# After a transaction failed with a transient error even so, look again after this long (doubling).
_RETRY_FIRST = 0.02
_RETRY_MAX = 1.0


class _Foreign(Waiter):
    """A waiter of another process, read from its ticket."""

    __slots__ = ()
    foreign = True

    def __init__(self, groups: tuple[str, ...], needs: tuple[tuple[int, int], ...]) -> None:
        super().__init__(CallInfo("", "", "", "", groups=groups), needs, 0.0)


class _SWaiter(Waiter):
    __slots__ = ("checked", "max_wait", "ticket", "timeout")

    def __init__(
        self, call: CallInfo, needs: tuple[tuple[int, int], ...], since: float, max_wait: float | None
    ) -> None:
        super().__init__(call, needs, since)
        self.max_wait = max_wait
        self.checked = False
        self.timeout: TimerHandle | None = None
        self.ticket: int | None = None  # its place in the cross-process queue, once it waits


@dataclass
class _Release:
    rows: list[tuple[int, int, int]]  # (slot row id, limit index, weight written)
    used_tokens: int | None
    sent: bool
    done: asyncio.Future[None] | None = None


@dataclass
class _Outcome:
    now: float
    granted: list[tuple[_SWaiter, list[tuple[int, int, int]]]] = field(default_factory=list)
    bounds: dict[int, tuple[float, str]] = field(default_factory=dict)  # id(waiter) -> lower bound
    tickets: dict[int, int] = field(default_factory=dict)  # id(waiter) -> new ticket id
    wake: float = _INF


class _SKey:
    __slots__ = (
        "backoff",
        "foreign",
        "job",
        "k",
        "kicked",
        "lims",
        "pending",
        "routes",
        "tickets",
        "timer",
        "timer_at",
        "waiters",
    )

    def __init__(self, k: str, lims: tuple[Limit, ...]) -> None:
        self.k = k
        self.lims = lims
        self.routes: dict[tuple[str, ...], tuple[tuple[int, ...], tuple[Limit, ...]]] = {}
        self.waiters: list[_SWaiter] = []
        self.pending: list[_Release] = []
        self.job: asyncio.Task[None] | None = None
        self.kicked = False
        self.timer: TimerHandle | None = None
        self.timer_at = _INF
        self.tickets = False  # this limiter may have tickets of this key in the file (worker thread)
        self.foreign: dict[int, _Foreign] = {}  # parsed tickets of other processes (worker thread)
        self.backoff = 0.0  # the delay before the next try after a transient failure (0: none failed)

    def route(self, groups: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[Limit, ...]]:
        r = self.routes.get(groups)
        if r is None:
            probe = CallInfo("", "", "", "", groups=groups)
            idx = tuple(i for i, lim in enumerate(self.lims) if lim.applies_to(probe))
            r = self.routes[groups] = (idx, tuple(self.lims[i] for i in idx))
        return r


class _SqlPermit:
    __slots__ = ("_headed", "_key", "_open", "_owner", "_rows", "waited")

    def __init__(self, owner: SqliteLimiter, key: _SKey, rows: list[tuple[int, int, int]], waited: float):
        self._owner = owner
        self._key = key
        self._rows = rows
        self._open = True
        self._headed = False
        self.waited = waited

    def responded(self) -> None:
        """The response head arrived: write the request-count slots' last window now.

        Concurrency and token rows stay with the permit until `release`.
        """
        if not self._open or self._headed:
            return
        self._headed = True
        lims = self._key.lims
        counts = [r for r in self._rows if lims[r[1]].kind == "requests"]
        if counts:
            self._rows = [r for r in self._rows if lims[r[1]].kind != "requests"]
            self._owner._push(self._key, _Release(counts, None, True))

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Close the slot.

        The write is queued and folded into the key's next transaction (often the next acquire),
        which starts at once; until it commits the slot still counts as in flight, which only
        errs on the safe side.
        """
        if self._open:
            self._open = False
            if self._rows:
                self._owner._push(self._key, _Release(self._rows, used_tokens, sent or self._headed))

    def release_nowait(self, *, sent: bool = False) -> None:
        """Queue the release without waiting for it to be written."""
        if self._open:
            self._open = False
            if self._rows:
                self._owner._push(self._key, _Release(self._rows, None, sent or self._headed))

    def __repr__(self) -> str:
        return f"<Permit waited={self.waited:.3f}s open={self._open}>"


class SqliteLimiter:
    """Paces the calls of every process on this host that uses the same SQLite ``path``.

    Args:
        plan: the plan whose limits apply (to calls of ``plan.provider``).
        path: the database file (created when missing; WAL mode).
        stale_after: seconds after which an unreleased slot of a crashed process is presumed
            answered; it still counts one window more.
        poll_interval: while waiting on capacity held by in-flight calls (maybe of other
            processes), how often to look again.
        clock: time source (defaults to ``CLOCK_MONOTONIC``, shared by all processes).
        inline: True (default) runs a transaction that need not wait for the file's lock on the event
            loop's thread (fast, no fsync); False sends every transaction to the worker thread.

    Examples:
        ```python
        async def main() -> None:
            limiter = SqliteLimiter(get_plan("coze.personal_free"), "/tmp/limits.db")
            permit = await limiter.acquire(call)
            await permit.release()
            await limiter.aclose()
        ```
    """

    def __init__(
        self,
        plan: Plan,
        path: str | os.PathLike[str],
        *,
        stale_after: float = 600.0,
        poll_interval: float = 0.02,
        clock: Clock | None = None,
        inline: bool = True,
    ) -> None:
        self.plan = plan
        self.inline = inline
        self.path = os.fspath(path)
        self.stale_after = stale_after
        self.poll_interval = poll_interval
        self._clock: Clock = clock or LoopClock()
        self._real_clock = clock is None
        self._keys: dict[tuple[str, str], _SKey] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coze-limits-sqlite")
        self._db: sqlite3.Connection | None = None
        # The loop thread's own connection (``inline``): it never waits for the lock, so a
        # transaction on it is pure CPU work (WAL, no fsync on commit, no checkpoint); when another
        # process holds the lock the transaction goes to the worker thread instead.
        self._fast: sqlite3.Connection | None = None
        self._fast_commits = 0
        self._checkpoint: asyncio.Future[None] | None = None
        self._closing = False  # aclose() began: no new calls, waiters failed, releases still written
        self._closed = False
        # Names this limiter's tickets; the pid lets other processes drop them if it dies.
        self._owner = f"{os.getpid()}:{uuid.uuid4().hex[:12]}"

    # ---- connection (worker thread only) -------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            # WAL + NORMAL: durable across app crashes. Opening, the WAL switch and the schema are
            # retried while another process holds the file for a moment (four workers starting
            # together on a fresh file).
            self._db = open_wal(self.path, timeout=_BUSY_TIMEOUT, setup=self._setup)
        return self._db

    def _setup(self, db: sqlite3.Connection) -> None:
        db.executescript(_SCHEMA)
        self._check_boot(db)

    def _open_fast(self) -> sqlite3.Connection:
        """Open the loop thread's connection (on the worker thread: opening a file blocks)."""
        self._conn()  # schema and boot check first
        # Checkpoints fsync: the worker thread runs them, never the loop thread's connection.
        return open_wal(self.path, timeout=0, setup=lambda db: db.execute("PRAGMA wal_autocheckpoint=0"))

    def _txn_retrying(self, key: _SKey, waiters: list[_SWaiter], releases: list[_Release]) -> _Outcome:
        """`_txn` on the worker thread, retried while the file is busy for a moment."""
        return retry_transient(lambda: self._txn(key, waiters, releases))

    def _run_checkpoint(self) -> None:
        try:
            self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # only keeps the WAL short; the next one (500 commits later) tries again

    def _check_boot(self, db: sqlite3.Connection) -> None:
        """Forget all slots when the file was written during another boot (monotonic time reset)."""
        if not self._real_clock:
            return
        boot = _boot_id()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT value FROM meta WHERE name='boot'").fetchone()
            if row is None or row[0] != boot:
                db.execute("DELETE FROM slots")
                db.execute("DELETE FROM usage")
                db.execute("DELETE FROM pauses")
                db.execute("DELETE FROM tickets")  # their heartbeats are times of the old boot
                db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('boot', ?)", (boot,))
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    # ---- public API ---------------------------------------------------------------------

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Permit:
        """Wait until ``call`` fits every limit, counting every process; see `RateLimiter`.

        Raises `LimiterError` when the file cannot be used (the message
        says why and what to do) or the limiter is closed.

        Args:
            call: the attempt asking for a slot: its provider, account, endpoint groups and token estimate.
            max_wait: the longest wait accepted, in seconds (longer raises `RateLimitWaitError` at once);
                ``None`` (default) waits as long as it takes.

        Returns:
            The `Permit` to release when the attempt is over.
        """
        if self._closing:
            raise self._closed_error("the call was not sent")
        key = self._key(call)
        idx, specs = key.route(call.groups)
        if any(s.kind == "tokens" for s in specs):
            check_satisfiable(specs, call)
        now = self._clock.now()
        est = call.est_tokens
        needs = tuple((i, est if key.lims[i].kind == "tokens" else 1) for i in idx)
        w = _SWaiter(call, needs, now, max_wait)
        w.fut = asyncio.get_running_loop().create_future()
        key.waiters.append(w)
        self._kick(key)
        try:
            await w.fut
        except BaseException:
            if isinstance(w.permit, _SqlPermit):
                w.permit.release_nowait(sent=False)
            elif w in key.waiters:
                key.waiters.remove(w)
                self._kick(key)  # its reservation is gone
            raise
        finally:
            if w.timeout is not None:
                w.timeout.cancel()
        assert isinstance(w.permit, _SqlPermit)
        return w.permit

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        """Hold every group of ``call`` for ``seconds``, in every process sharing the file.

        Args:
            call: the attempt the server throttled; its groups (``"all"`` when it has none) are held.
            seconds: how long to hold them, in seconds; 0 or less does nothing.
        """
        if seconds <= 0:
            return
        if self._closing:
            return
        key = self._key(call)
        groups = call.groups or ("all",)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                self._executor, lambda: retry_transient(lambda: self._txn_pause(key.k, groups, seconds))
            )
        except Exception as exc:
            raise self._error(exc) from None
        self._kick(key)

    async def aclose(self) -> None:
        """Fail the calls still waiting (at once), write queued releases, then close the file."""
        if self._closing:
            return
        self._closing = True
        error = self._closed_error("the call was not sent")
        for key in self._keys.values():
            if key.timer is not None:
                key.timer.cancel()
                key.timer = None
            for w in key.waiters:
                if w.fut is not None and not w.fut.done():
                    w.fut.set_exception(error)
        for key in self._keys.values():
            if key.job is not None:
                await asyncio.gather(key.job, return_exceptions=True)
            if key.pending:  # a release queued meanwhile: write it before the file closes
                self._kick(key)
                if key.job is not None:
                    await asyncio.gather(key.job, return_exceptions=True)
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close_db)
        self._executor.shutdown(wait=False)

    # ---- loop side ----------------------------------------------------------------------

    def _key(self, call: CallInfo) -> _SKey:
        k = (call.provider, call.account)
        key = self._keys.get(k)
        if key is None:
            lims = self.plan.limits if call.provider == self.plan.provider else ()
            # Unit separator: neither provider names nor account names contain it.
            key = self._keys[k] = _SKey(f"{call.provider}\x1f{call.account}", lims)
        return key

    def _push(self, key: _SKey, rel: _Release) -> None:
        key.pending.append(rel)
        self._kick(key)

    def _kick(self, key: _SKey) -> None:
        key.kicked = True
        if key.job is None and not self._closed:
            key.job = asyncio.get_running_loop().create_task(self._run(key))

    def _error(self, exc: BaseException) -> LimiterError:
        """The caller's view of a failure of the file: what failed and what to do."""
        return LimiterError(
            f"the sqlite limiter file {self.path!r} cannot be used ({type(exc).__name__}: {exc}); "
            "check that its directory exists, is writable and is on a local disk (not a network share), "
            "or choose another limiter (limiter='memory' for one process, a redis:// URL for many hosts)",
            backend="sqlite",
        )

    def _closed_error(self, what: str) -> LimiterError:
        return LimiterError(
            f"the sqlite limiter at {self.path!r} is closed; {what}. Close the client (or limiter) only "
            "after its calls have finished",
            backend="sqlite",
        )

    def _retry_later(self, key: _SKey) -> None:
        """A transaction failed with a transient error: look again soon; nobody is failed."""
        key.backoff = min(_RETRY_MAX, key.backoff * 2) if key.backoff else _RETRY_FIRST
        loop = asyncio.get_running_loop()
        loop.call_later(key.backoff, self._kick, key)

    def _on_timer(self, key: _SKey) -> None:
        key.timer = None
        key.timer_at = _INF
        self._kick(key)

    async def _run(self, key: _SKey) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key.kicked:
                key.kicked = False
                waiters = [w for w in key.waiters if w.fut is not None and not w.fut.done()]
                releases, key.pending = key.pending, []
                try:
                    out = self._txn_inline(key, waiters, releases) if self.inline else None
                    if out is None:
                        if self.inline and self._fast is None:
                            self._fast = await loop.run_in_executor(self._executor, self._open_fast)
                        out = await loop.run_in_executor(self._executor, self._txn_retrying, key, waiters, releases)
                except Exception as exc:
                    # Nothing was written: the releases go back in front of the queue, never lost.
                    key.pending[:0] = releases
                    if is_transient(exc):
                        # Busy beyond every retry (another process holds the file): the callers
                        # keep waiting (their max_wait still applies) and we look again soon.
                        self._retry_later(key)
                        break
                    # The file is unusable: fail the callers (typed, with the fix), not the loop.
                    error = self._error(exc)
                    for w in waiters:
                        if w.fut is not None and not w.fut.done():
                            w.fut.set_exception(error)
                    for rel in releases:
                        if rel.done is not None and not rel.done.done():
                            rel.done.set_exception(error)
                    continue
                key.backoff = 0.0
                for rel in releases:
                    if rel.done is not None and not rel.done.done():
                        rel.done.set_result(None)
                self._apply(key, out)
        finally:
            key.job = None

    def _txn_inline(self, key: _SKey, waiters: list[_SWaiter], releases: list[_Release]) -> _Outcome | None:
        """The transaction on the loop thread, or None when the lock is taken (then: worker thread)."""
        if self._fast is None:
            return None
        try:
            out = self._txn(key, waiters, releases, self._fast)
        except sqlite3.OperationalError as exc:
            if is_transient(exc):
                return None
            raise
        self._fast_commits += 1
        if self._fast_commits % 500 == 0 and (self._checkpoint is None or self._checkpoint.done()):
            self._checkpoint = asyncio.get_running_loop().run_in_executor(self._executor, self._run_checkpoint)
        return out

    def _apply(self, key: _SKey, out: _Outcome) -> None:
        granted_ids = set()
        for w, rows in out.granted:
            granted_ids.add(id(w))
            permit = _SqlPermit(self, key, rows, max(0.0, out.now - w.since))
            if w.fut is not None and not w.fut.done():
                w.permit = permit
                w.fut.set_result(None)
            else:  # cancelled or timed out while the transaction ran: give the slot back
                permit.release_nowait(sent=False)
        if granted_ids:
            key.waiters = [w for w in key.waiters if id(w) not in granted_ids]
        for w in key.waiters:
            ticket = out.tickets.get(id(w))
            if ticket is not None:
                w.ticket = ticket
        for w in list(key.waiters):
            bound = out.bounds.get(id(w))
            if bound is None or w.checked:
                continue
            w.checked = True
            if w.max_wait is None or w.fut is None or w.fut.done():
                continue
            if bound[0] > w.max_wait:
                w.fut.set_exception(RateLimitWaitError(limit=bound[1], wait=bound[0], max_wait=w.max_wait))
            else:  # the bound was too optimistic if still waiting at the deadline
                w.timeout = self._clock.call_at(w.since + w.max_wait, _expire(w, bound[1] or "queue"))
        wake = out.wake
        if key.timer is not None and wake != key.timer_at:
            key.timer.cancel()
            key.timer = None
            key.timer_at = _INF
        if wake != _INF and key.timer is None and any(w.fut and not w.fut.done() for w in key.waiters):
            key.timer_at = wake
            key.timer = self._clock.call_at(wake, lambda: self._on_timer(key))

    # ---- worker thread ------------------------------------------------------------------

    def _close_db(self) -> None:
        if self._fast is not None:
            self._fast.close()
            self._fast = None
        db = self._db
        if db is not None:
            try:
                retry_transient(lambda: db.execute("DELETE FROM tickets WHERE owner = ?", (self._owner,)),
                                deadline=_BUSY_TIMEOUT)
            except sqlite3.Error:
                pass  # others drop our tickets anyway once the heartbeat is old
            finally:
                db.close()
                self._db = None

    def _txn_pause(self, k: str, groups: tuple[str, ...], seconds: float) -> None:
        db = self._conn()
        until = self._clock.now() + seconds
        db.execute("BEGIN IMMEDIATE")
        try:
            for g in groups:
                db.execute(
                    "INSERT INTO pauses (k, grp, until) VALUES (?, ?, ?) "
                    "ON CONFLICT (k, grp) DO UPDATE SET until = max(until, excluded.until)",
                    (k, g, until),
                )
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise

    def _txn(
        self, key: _SKey, waiters: list[_SWaiter], releases: list[_Release], db: sqlite3.Connection | None = None
    ) -> _Outcome:
        db = db or self._conn()
        lims = key.lims
        k = key.k
        db.execute("BEGIN IMMEDIATE")
        try:
            now = self._clock.now()
            out = _Outcome(now=now)
            delta: dict[str, int] = {}
            for rel in releases:
                self._write_release(db, lims, rel, now, delta)
            expired = db.execute(
                "SELECT lim, SUM(w) FROM slots WHERE k = ? AND expiry <= ? GROUP BY lim", (k, now)
            ).fetchall()
            if expired:
                db.execute("DELETE FROM slots WHERE k = ? AND expiry <= ?", (k, now))
                for name, total in expired:
                    delta[name] = delta.get(name, 0) - total
            self._write_usage(db, k, delta)
            if not lims or not waiters:
                if waiters:  # no limits: grant all
                    out.granted = [(w, []) for w in waiters]
                if key.tickets:  # nobody of ours waits: no ticket of ours should stay
                    db.execute("DELETE FROM tickets WHERE k = ? AND owner = ?", (k, self._owner))
                    key.tickets = False
                db.execute("COMMIT")
                return out
            used = dict(db.execute("SELECT lim, used FROM usage WHERE k = ?", (k,)).fetchall())
            pauses = dict(db.execute("SELECT grp, until FROM pauses WHERE k = ? AND until > ?", (k, now)).fetchall())
            n = len(lims)
            avail = [lim.limit - used.get(lim.name, 0) for lim in lims]
            closed = [False] * n
            short = [0] * n
            queue, dead = self._queue(db, key, waiters, now)
            granted, blocked = select(queue, avail, closed, short, set(pauses))
            self._write_tickets(db, key, granted, blocked, dead, now, out)
            delta = {}
            # One multi-row INSERT for every slot of every grant (fewer statements per txn).
            params: list[object] = []
            for w in granted:
                for i, d in w.needs:
                    lim = lims[i]
                    tail = 0.0 if lim.kind == "concurrency" else lim.window
                    params += (k, lim.name, d, now + self.stale_after + tail)
                    delta[lim.name] = delta.get(lim.name, 0) + d
            ids: list[int] = []
            if params:
                values = ", ".join(["(?, ?, ?, ?, 1)"] * (len(params) // 4))
                # RETURNING's order is unspecified, but rowids of one INSERT ascend in VALUES order.
                ids = sorted(
                    row[0]
                    for row in db.execute(
                        f"INSERT INTO slots (k, lim, w, expiry, inflight) VALUES {values} RETURNING id", params
                    )
                )
            pos = 0
            for w in granted:
                rows = []
                for i, d in w.needs:
                    rows.append((ids[pos], i, d))
                    pos += 1
                out.granted.append((w, rows))  # type: ignore[arg-type]
            self._write_usage(db, k, delta)
            if blocked:
                lower = [now] * n
                # With another process's waiters in the queue, whoever is ahead of ours may be
                # served at any expiry, by its own process, without telling us: look again at
                # every expiry of a closed limit, not only once enough is free for our waiter.
                others = any(w.foreign for w in blocked)
                for i in range(n):
                    if closed[i]:
                        wake, lower[i] = self._free_at(db, k, lims[i], 1 if others else short[i], now)
                        out.wake = min(out.wake, wake)
                for until in pauses.values():
                    out.wake = min(out.wake, until)
                if any(not w.foreign for w in blocked):
                    out.wake = min(out.wake, now + _TICKET_REFRESH)  # keep our tickets fresh
                for w in blocked:
                    if isinstance(w, _SWaiter) and w.max_wait is not None and not w.checked:
                        out.bounds[id(w)] = self._bound(w, closed, lower, [x.name for x in lims], pauses, now)
            db.execute("COMMIT")
            return out
        except BaseException:
            rollback(db)
            raise

    def _queue(
        self, db: sqlite3.Connection, key: _SKey, waiters: list[_SWaiter], now: float
    ) -> tuple[list[Waiter], list[int]]:
        """All waiters of the key across processes, in ticket order, then our new ones.

        Returns the queue and the tickets to delete (ours whose waiter left, or of dead processes).
        """
        rows = db.execute(
            "SELECT id, owner, pid, needs, groups, heartbeat FROM tickets WHERE k = ? ORDER BY id", (key.k,)
        ).fetchall()
        if not rows:
            key.foreign = {}
            return list(waiters), []
        mine = {w.ticket: w for w in waiters if w.ticket is not None}
        queue: list[Waiter] = []
        dead: list[int] = []
        alive: dict[int, bool] = {}
        cache = key.foreign
        seen: dict[int, _Foreign] = {}
        for tid, owner, pid, needs, groups, heartbeat in rows:
            if owner == self._owner:
                w = mine.pop(tid, None)
                if w is None:
                    dead.append(tid)
                else:
                    queue.append(w)
                continue
            if pid not in alive:
                alive[pid] = _alive(pid)
            if not now - _TICKET_TTL <= heartbeat <= now + _TICKET_TTL or not alive[pid]:
                dead.append(tid)
                continue
            foreign = cache.get(tid)
            if foreign is None:  # parse each ticket once, not in every transaction
                index = {lim.name: i for i, lim in enumerate(key.lims)}
                foreign_needs = tuple((index[name], d) for name, d in json.loads(needs) if name in index)
                foreign = _Foreign(tuple(json.loads(groups)), foreign_needs)
            seen[tid] = foreign
            queue.append(foreign)
        key.foreign = seen
        lost = set(mine)
        for w in waiters:
            if w.ticket is None or w.ticket in lost:
                w.ticket = None
                queue.append(w)
        return queue, dead

    def _write_tickets(
        self,
        db: sqlite3.Connection,
        key: _SKey,
        granted: list[Waiter],
        blocked: list[Waiter],
        dead: list[int],
        now: float,
        out: _Outcome,
    ) -> None:
        gone = dead + [w.ticket for w in granted if isinstance(w, _SWaiter) and w.ticket is not None]
        if gone:
            db.execute(f"DELETE FROM tickets WHERE id IN ({', '.join('?' * len(gone))})", gone)
        fresh = False
        for w in blocked:
            if not isinstance(w, _SWaiter):
                continue
            if w.ticket is None:
                needs = json.dumps([[key.lims[i].name, d] for i, d in w.needs])
                cur = db.execute(
                    "INSERT INTO tickets (k, owner, pid, needs, groups, heartbeat) VALUES (?, ?, ?, ?, ?, ?)",
                    (key.k, self._owner, os.getpid(), needs, json.dumps(w.call.groups), now),
                )
                assert cur.lastrowid is not None
                out.tickets[id(w)] = cur.lastrowid
                key.tickets = True
            else:
                fresh = True
        if fresh:
            db.execute("UPDATE tickets SET heartbeat = ? WHERE k = ? AND owner = ?", (now, key.k, self._owner))

    def _write_release(
        self, db: sqlite3.Connection, lims: tuple[Limit, ...], rel: _Release, now: float, delta: dict[str, int]
    ) -> None:
        for row_id, i, weight in rel.rows:
            lim = lims[i]
            new = weight
            if lim.kind == "tokens" and rel.used_tokens is not None:
                new = max(0, rel.used_tokens)
            if lim.kind == "concurrency" or not rel.sent or new == 0:
                cur = db.execute("DELETE FROM slots WHERE id = ?", (row_id,))
                if cur.rowcount:  # a stale slot may already have expired and been counted out
                    delta[lim.name] = delta.get(lim.name, 0) - weight
            else:
                cur = db.execute(
                    "UPDATE slots SET w = ?, expiry = ?, inflight = 0 WHERE id = ?",
                    (new, now + lim.window, row_id),
                )
                if cur.rowcount:
                    delta[lim.name] = delta.get(lim.name, 0) + new - weight

    @staticmethod
    def _write_usage(db: sqlite3.Connection, k: str, delta: dict[str, int]) -> None:
        changes = [(name, d) for name, d in delta.items() if d]
        if not changes:
            return
        values = ", ".join(["(?, ?, ?)"] * len(changes))
        params: list[object] = []
        for name, d in changes:
            params += (k, name, d)
        db.execute(
            f"INSERT INTO usage (k, lim, used) VALUES {values} "
            "ON CONFLICT (k, lim) DO UPDATE SET used = used + excluded.used",
            params,
        )

    def _free_at(self, db: sqlite3.Connection, k: str, lim: Limit, short: int, now: float) -> tuple[float, float]:
        """When to look again for ``short`` units of ``lim``, and a lower bound of when they free.

        Released slots expire at known times (an exact timer); a slot still in flight, maybe in
        another process, frees at a release we only see by looking again (a poll).
        """
        poll = now + self.poll_interval
        if lim.kind == "concurrency":
            return poll, now
        acc = 0
        for expiry, weight, inflight in db.execute(
            "SELECT expiry, w, inflight FROM slots WHERE k = ? AND lim = ? ORDER BY expiry", (k, lim.name)
        ):
            if inflight:
                # A requests slot frees one window after a release that has not happened yet;
                # a token estimate may be corrected down at release (no useful bound).
                return min(expiry, poll), now + (lim.window if lim.kind == "requests" else 0.0)
            acc += weight
            if acc >= short:
                return float(expiry), float(expiry)
        return poll, now

    @staticmethod
    def _bound(
        w: Waiter,
        closed: list[bool],
        lower: list[float],
        names: list[str],
        pauses: dict[str, float],
        now: float,
    ) -> tuple[float, str]:
        best, name = 0.0, ""
        for i, _ in w.needs:
            if closed[i] and lower[i] - now > best:
                best, name = lower[i] - now, names[i]
        for g in w.groups:
            t = pauses.get(g, now) - now
            if t > best:
                best, name = t, f"pause:{g}"
        return best, name


def _expire(w: _SWaiter, name: str) -> Callable[[], None]:
    def expire() -> None:
        if w.fut is not None and not w.fut.done() and w.max_wait is not None:
            w.fut.set_exception(RateLimitWaitError(limit=name, wait=w.max_wait, max_wait=w.max_wait))

    return expire


def _alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (a dead waiter's ticket is dropped)."""
    if os.name != "posix":
        return True  # the heartbeat alone decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _boot_id() -> str:
    """An id of the current boot: Linux's boot_id, else the boot time rounded to a minute."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as fh:  # tiny procfs read, once per process
            return fh.read().strip()
    except OSError:
        return str(round((time.time() - time.monotonic()) / 60))

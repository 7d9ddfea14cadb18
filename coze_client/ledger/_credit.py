"""Calls counted ahead: how the sqlite ledger counts a busy process's calls without a transaction each.

A mark must be durable before its call is sent. One sqlite transaction per call does that, at
45-65 µs on a warm machine (docs/performance.md). A busy process instead **counts calls ahead**:
one transaction counts its call plus ``n`` more in the rows the call falls under (a *grant*), and
records the grant in the ``credits`` table under the process's owner id. The next ``n`` calls of
the same rows are already counted: their mark only adds one to the grant's counter in the owner's
**journal**, a memory-mapped file the owner holds an exclusive ``flock`` on, and sends. What a
grant leaves unused is given back (rows decremented, grant deleted) within a fraction of a second.

Why nothing is lost or under-counted:

* A grant is committed before any call uses it, so the rows never count fewer calls than were sent.
* A call that used a grant counted itself in the journal (a store into a shared file mapping: in
  the OS page cache at once, which a SIGKILL does not touch) before it was sent.
* A killed owner's grants are given back by whoever next opens the file, or meets its grants in
  a refusal: the ``flock`` is free once the owner is dead; the journal says how many calls of each
  grant were used (they stay counted), and the rest is taken off. Without the journal the rows
  would keep the whole grant (over-counted, never under-counted).

Why nobody is refused wrongly: a grant never takes more than a quarter of what a quota has left,
never crosses a warning threshold (so `QuotaEvent` fires on the call that really crosses it), and
is given back after ``ahead_seconds``; a call that would be refused while another live process
holds grants on that row waits for them to come back, then is decided on exact counts.
"""

from __future__ import annotations

import array
import contextlib
import errno
import math
import mmap
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import cast

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so no calls counted ahead (see CreditJournal.open)
    fcntl = None  # type: ignore[assignment]

from ._core import Row

__all__ = ["CreditJournal", "grant_room", "journal_dir", "outstanding", "parse_journal", "recover_dead"]

Key = tuple[str, str, str, str]

#: Grant ids a journal has room for at first (4 bytes each); it doubles when a grant needs more.
JOURNAL_SLOTS = 1 << 12
#: Past this many grant ids, the journal starts over at the next moment no grant is outstanding.
JOURNAL_ROTATE_IDS = 1 << 16


def journal_dir(db_path: Path) -> Path:
    """Where the owners' journals of a ledger file live (beside it, private)."""
    return db_path.with_name(db_path.name + "-credit")


class CreditJournal:
    """One owner's record of how many calls used each of its grants, held by ``flock``.

    The file is an array of 32-bit counters indexed by grant id, mapped into memory (``MAP_SHARED``):
    recording a use is one store into the OS page cache, with no system call, and it survives the
    process being killed (the page cache is the kernel's). A cancelled call takes its use back.
    """

    def __init__(self, directory: Path, owner: str) -> None:
        self.directory = directory
        self.owner = owner
        self.path = directory / owner
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        self._counts: memoryview | None = None

    @property
    def is_open(self) -> bool:
        """True once the file is created and locked."""
        return self._fd is not None

    def open(self) -> None:
        """Create, lock and map the file. Called before the owner's first grant is committed, so a
        process that finds a grant of this owner also finds its journal locked while it lives."""
        if self._fd is not None:
            return
        if fcntl is None:
            raise OSError("no flock on this platform: calls are counted one by one")
        if not self.directory.exists():
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            os.chmod(self.directory, 0o700)  # the mode given to makedirs is filtered by the umask
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._fd = fd
            self._resize(JOURNAL_SLOTS)
        except BaseException:
            self._fd = None
            os.close(fd)
            raise

    def _unmap(self) -> None:
        if self._counts is not None:
            self._counts.release()
            self._counts = None
        if self._map is not None:
            self._map.close()
            self._map = None

    def _resize(self, slots: int) -> None:
        assert self._fd is not None
        self._unmap()
        os.ftruncate(self._fd, slots * 4)
        self._map = mmap.mmap(self._fd, slots * 4)
        self._counts = memoryview(self._map).cast("I")

    def ensure(self, last_id: int) -> None:
        """Make room for grant ids up to ``last_id`` (before a grant with those ids is committed)."""
        assert self._counts is not None
        slots = len(self._counts)
        if last_id >= slots:
            while last_id >= slots:
                slots *= 2
            self._resize(slots)

    def use(self, ids: tuple[int, ...]) -> None:
        """Record one call that used each grant of ``ids`` (durable against a kill when this returns).

        The caller serialises every method of a journal (the ledger's hold lock): a use must never
        meet a resize. Raises ValueError once the journal is closed.
        """
        counts = self._counts
        if counts is None:
            raise ValueError(f"the credit journal {self.path} is closed")
        for gid in ids:
            counts[gid] += 1

    def unuse(self, ids: tuple[int, ...]) -> None:
        """Take back the use of a call that certainly never left."""
        counts = self._counts
        if counts is None:
            raise ValueError(f"the credit journal {self.path} is closed")
        for gid in ids:
            counts[gid] -= 1

    def start_over(self) -> None:
        """Zero every counter (only when no grant of this owner is outstanding)."""
        if self._counts is not None:
            slots = len(self._counts)
            os.ftruncate(cast(int, self._fd), 0)  # drop the old pages, then map zeroes
            self._resize(slots)

    def close(self, *, remove: bool) -> None:
        """Close (and delete, when every grant was given back) the file, releasing the lock."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        self._unmap()
        if remove:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        os.close(fd)

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's file. Closing the child's copy of the descriptor leaves
        the parent's lock in place (it is the parent's too) and lets it go when the parent dies."""
        fd, self._fd = self._fd, None
        self._unmap()
        if fd is not None:
            os.close(fd)


def parse_journal(data: bytes) -> dict[int, int]:
    """Uses per grant id in a journal's bytes (counters of 4 bytes, indexed by grant id)."""
    counts = array.array("I")
    counts.frombytes(data[: len(data) // 4 * 4])
    return {gid: n for gid, n in enumerate(counts) if n}


def grant_room(row: Row, thresholds: Iterable[float], wanted: int) -> int:
    """How many calls may be counted ahead in ``row`` (after the call itself was counted).

    At most ``wanted``; for a row with a limit, at most a quarter of what is left and never up to a
    warning threshold, so refusals stay exact and each threshold event fires on the real call.
    """
    limit = row.limit
    if wanted <= 0 or limit is None or row.policy == "allow":
        return max(wanted, 0)
    used = row.used
    room = min(wanted, math.floor((limit - used) / 4))
    for threshold in thresholds:
        line = threshold * limit
        if used < line:
            room = min(room, math.ceil(line) - 1 - math.floor(used))
    return max(room, 0)


def outstanding(conn: sqlite3.Connection, key: Key, *, exclude: str | None = None) -> int:
    """Calls counted ahead in row ``key`` by grants not yet given back (of every owner but ``exclude``)."""
    found = conn.execute(
        "SELECT COALESCE(SUM(calls), 0) FROM credits WHERE provider = ? AND account = ? AND quota = ? "
        "AND period_key = ? AND owner != ?",
        (*key, exclude or ""),
    ).fetchone()
    return int(found[0])


def recover_dead(conn: sqlite3.Connection, directory: Path, me: str) -> dict[Key, int]:
    """Give back the unused part of every dead owner's grants; inside the caller's write transaction.

    Returns the calls taken off per row key (the caller applies them to the rows, then commits).
    An owner whose journal is locked is alive and left alone.
    """
    owners = [r[0] for r in conn.execute("SELECT DISTINCT owner FROM credits WHERE owner != ?", (me,))]
    taken: dict[Key, int] = {}
    for owner in owners:
        used = _dead_owner_uses(directory / owner)
        if used is None:
            continue  # alive
        rows = conn.execute(
            "SELECT id, provider, account, quota, period_key, calls FROM credits WHERE owner = ?", (owner,)
        ).fetchall()
        for rid, provider, account, quota, period_key, calls in rows:
            unused = int(calls) - max(0, used.get(int(rid), 0)) if used is not _UNKNOWN else 0
            if unused > 0:
                key = (provider, account, quota, period_key)
                taken[key] = taken.get(key, 0) + unused
        conn.execute("DELETE FROM credits WHERE owner = ?", (owner,))
        with contextlib.suppress(OSError):
            os.unlink(directory / owner)
    return taken


_UNKNOWN: dict[int, int] = {}


def _dead_owner_uses(path: Path) -> dict[int, int] | None:
    """The uses in a dead owner's journal; None while the owner lives (its lock is held).

    A missing or unreadable journal returns `_UNKNOWN`: its grants stay counted (the safe side).
    """
    if fcntl is None:  # pragma: no cover - no journals were written here
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return _UNKNOWN
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None
            return _UNKNOWN
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return parse_journal(b"".join(chunks))
    finally:
        os.close(fd)  # releases the lock

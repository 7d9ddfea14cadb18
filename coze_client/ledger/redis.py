"""A ledger shared by every process on every host through one Redis server.

The quota rules are not written again here: the functions of :mod:`coze_client.ledger._core`
(``reserve_in``, ``settle_in``, ``cancel_in``, ``set_used_in``) run against the rows exactly as in
the memory and sqlite backends. What this module adds is the transaction around them:

* **Optimistic transactions.** ``WATCH`` the rows a call touches, read them (one ``MGET``), run
  the rule in Python, then write everything in one ``MULTI``/``EXEC``. When another process wrote
  one of those rows in between, ``EXEC`` does nothing and the step runs again with fresh rows; so
  the check and the increment are one atomic step across hosts, and 3 processes racing for the
  last 500 calls send exactly 500. The rows a call touches are known before it runs (the plan
  says which quotas apply), so a step usually costs three round trips. Within one process the
  steps run one at a time, so conflicts happen only between processes.
* **Reserve before send.** ``reserve`` returns once ``EXEC`` has been acknowledged. Durability
  beyond that is Redis's own: run it with ``appendonly yes`` and ``appendfsync always`` (or
  ``everysec`` and accept up to a second of counts on a power loss); see ``docs/fleet.md``.
* **Crashed clients.** A reservation counts as a call from the moment it is made; ``settle`` only
  adds what the response reported. Open reservations are kept in a sorted set; one that was never
  settled expires after ``reservation_ttl`` and stays counted (never an under-count), and a late
  ``cancel`` of an expired or unknown reservation gives nothing back.
* **Keys** ``<prefix>:ledger:{<provider>:<account>}:row:<quota>:<period>`` (JSON of the row; parts
  percent-quoted; one hash tag per account so a transaction never spans cluster slots) and
  ``...:open``. Lifetime ("ever") rows are kept; day rows expire ``keep_days`` after their period
  ends, month rows ``keep_months`` x 31 days after; the open set expires with its last reservation.
* **Redis unavailable.** ``on_unavailable="closed"`` (default) refuses with
  :class:`~coze_client.errors.BackendUnavailableError`: better no call than a lock-out.
  ``"open"`` lets calls through uncounted (for plans without lock-out quotas). A ``settle`` that
  cannot be written is kept and written when Redis answers again (the call itself already
  counts); a ``cancel`` that cannot be written keeps the call counted.

Example:
    >>> ledger = RedisLedger("redis://127.0.0.1:6379/0", get_plan("coze.personal_free"))  # doctest: +SKIP
    >>> res = await ledger.reserve(call)         # QuotaExhaustedError at the 501st call, fleet-wide
    >>> await ledger.settle(res, usage)
    >>> await ledger.aclose()
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from .._call import CallInfo, Usage
from .._secrets import redact
from ..errors import BackendUnavailableError, ValidationError
from ..limits.plans import Plan
from ..limits.redis import UNAVAILABLE, connect_redis, describe_url, key_part
from . import _core
from ._base import BaseLedger, ThresholdCallback
from ._core import LedgerReservation, QuotaEvent, Row, Store
from .periods import resets_at
from .prices import KeyMode

__all__ = ["RedisLedger"]

T = TypeVar("T")
Key = tuple[str, str, str, str]
logger = logging.getLogger("coze_client.ledger")

_OFFLINE = "offline-"
_FIELDS = tuple(f.name for f in dataclasses.fields(Row))


@dataclass
class _Op:
    """What the current transaction is for: the rows it will touch and the reservation it closes."""

    kind: Literal["reserve", "settle", "cancel"]
    keys: tuple[Key, ...]
    res_id: str | None = None


_OP: contextvars.ContextVar[_Op | None] = contextvars.ContextVar("coze_redis_ledger_op", default=None)


class _Miss(Exception):
    """The rule asked for a row not read yet: watch and read it, then run the rule again."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.key = key


class _WatchedStore:
    """The rows read under WATCH; writes are collected for the MULTI/EXEC."""

    def __init__(self, rows: dict[Key, Row | None]) -> None:
        self.rows = rows
        self.pending: dict[Key, Row] = {}

    def get(self, key: Key) -> Row | None:
        if key in self.pending:
            return dataclasses.replace(self.pending[key])
        if key not in self.rows:
            raise _Miss(key)
        row = self.rows[key]
        return dataclasses.replace(row) if row is not None else None

    def put(self, row: Row) -> None:
        self.pending[row.key] = row


def _encode(row: Row) -> str:
    return json.dumps(dataclasses.asdict(row), separators=(",", ":"))


def _decode(raw: str | bytes) -> Row:
    data = json.loads(raw)  # bytes too: a client given without decode_responses
    return Row(**{k: data[k] for k in _FIELDS if k in data})


class RedisLedger(BaseLedger):
    """A ledger in Redis, exact across processes and hosts.

    Args:
        url: ``redis://[:password@]host:port/db`` (or ``rediss://``), or a ``redis.asyncio.Redis``
            client you own (not closed by :meth:`aclose`).
        plans, clock, thresholds, on_threshold: see :class:`~coze_client.ledger.BaseLedger`.
        prefix: namespace of every key.
        on_unavailable: ``"closed"`` (refuse calls while Redis is away; default) or ``"open"``.
        reservation_ttl: seconds after which a reservation never settled (its client crashed) is
            dropped from the open set; it stays counted as a call.
        keep_days: days a day row is kept after its day ends (for ``snapshot(current_only=False)``).
        keep_months: months (of 31 days) a month row is kept after its month ends.
        timeout: connect timeout in seconds (reads get twice as long).

    Example:
        >>> ledger = RedisLedger("redis://127.0.0.1:6379/0", get_plan("coze.personal_free"))
        >>> res = await ledger.reserve(call)
        >>> await ledger.settle(res, usage)
    """

    def __init__(
        self,
        url: str | aioredis.Redis = "redis://127.0.0.1:6379/0",
        plans: Plan | Iterable[Plan] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        thresholds: Sequence[float] = (0.8, 1.0),
        on_threshold: ThresholdCallback | None = None,
        prefix: str = "coze-client",
        on_unavailable: Literal["closed", "open"] = "closed",
        reservation_ttl: float = 86400.0,
        keep_days: int = 40,
        keep_months: int = 13,
        timeout: float = 1.0,
    ) -> None:
        super().__init__(plans, clock=clock, thresholds=thresholds, on_threshold=on_threshold)
        if on_unavailable not in ("closed", "open"):
            raise ValidationError(f"on_unavailable must be 'closed' or 'open', not {on_unavailable!r}")
        self.prefix = prefix
        self.on_unavailable = on_unavailable
        self.reservation_ttl = reservation_ttl
        self.keep_days = keep_days
        self.keep_months = keep_months
        if isinstance(url, str):
            self._where = describe_url(url)
            self._redis = connect_redis(url, timeout=timeout)
            self._owns = True
        else:
            self._where = "the given Redis client"
            self._redis = url
            self._owns = False
        self._lock: asyncio.Lock | None = None
        self._pending: list[tuple[LedgerReservation, Usage | None]] = []
        self._was_down = False
        self._closed = False

    def __repr__(self) -> str:
        return f"RedisLedger({self._where!r}, prefix={self.prefix!r})"

    # -- keys -------------------------------------------------------------------------------------
    def _base(self, provider: str, account: str) -> str:
        return f"{self.prefix}:ledger:{{{key_part(provider)}:{key_part(account)}}}"

    def _row_key(self, key: Key) -> str:
        provider, account, quota, period = key
        return f"{self._base(provider, account)}:row:{key_part(quota)}:{key_part(period)}"

    def _open_key(self, provider: str, account: str) -> str:
        return f"{self._base(provider, account)}:open"

    def _expire_at(self, row: Row) -> int | None:
        """Unix time when ``row`` may be forgotten, None to keep it (lifetime quotas)."""
        end = resets_at(row.period, row.period_key, row.timezone)
        if end is None:
            return None
        keep = timedelta(days=self.keep_days if row.period == "day" else 31 * self.keep_months)
        return int((end + keep).timestamp())

    # -- the corridor's calls ---------------------------------------------------------------------
    async def reserve(self, call: CallInfo) -> LedgerReservation:
        """Count ``call`` in every quota it falls under, fleet-wide, or raise QuotaExhaustedError.

        Raises :class:`~coze_client.errors.BackendUnavailableError` when Redis cannot be reached
        (``on_unavailable="closed"``).
        """
        await self._flush()
        now = self._clock()
        keys = tuple(
            (call.provider, call.account, e.track.name, e.period_key) for e in self._book.entries_for(call, now)
        )
        token = _OP.set(_Op("reserve", keys))
        try:
            return await super().reserve(call)
        except BackendUnavailableError:
            if self.on_unavailable == "closed":
                raise
            logger.warning(
                "Redis ledger at %s unavailable: %s/%s call let through uncounted",
                self._where,
                call.provider,
                call.account,
            )
            return LedgerReservation(
                _OFFLINE + uuid.uuid4().hex, call.provider, call.account, call.model, call.points, ()
            )
        finally:
            _OP.reset(token)

    async def settle(self, reservation: object, usage: Usage | None = None) -> None:
        """Keep the reserved call and add its usage; kept for later when Redis is away (never raises for it)."""
        if isinstance(reservation, LedgerReservation) and reservation.id.startswith(_OFFLINE):
            reservation.state = "settled"
            return
        await self._flush()
        token = _OP.set(_Op("settle", _keys_of(reservation), getattr(reservation, "id", None)))
        try:
            await super().settle(reservation, usage)
        except BackendUnavailableError:
            assert isinstance(reservation, LedgerReservation)
            if reservation.state == "open":
                # The call already counts; its usage is written when Redis answers again.
                reservation.state = "settled"
                self._pending.append((reservation, usage))
                logger.warning(
                    "Redis ledger at %s unavailable: usage of %s kept for later", self._where, reservation.id
                )
        finally:
            _OP.reset(token)

    async def cancel(self, reservation: object) -> None:
        """Give the reservation back (only while it is still open in Redis; else it stays counted)."""
        if isinstance(reservation, LedgerReservation) and reservation.id.startswith(_OFFLINE):
            reservation.state = "cancelled"
            return
        token = _OP.set(_Op("cancel", _keys_of(reservation), getattr(reservation, "id", None)))
        try:
            await super().cancel(reservation)
        except BackendUnavailableError:
            assert isinstance(reservation, LedgerReservation)
            if reservation.state == "open":
                reservation.state = "settled"  # conservative: the call keeps counting
                logger.warning(
                    "Redis ledger at %s unavailable: cancel of %s not written; it stays counted",
                    self._where,
                    reservation.id,
                )
        finally:
            _OP.reset(token)

    async def _flush(self) -> None:
        """Write the usage of settles that failed while Redis was away."""
        while self._pending:
            res, usage = self._pending[0]
            key_mode = self._book.binding(res.provider, res.account).key_mode
            now = self._clock()
            token = _OP.set(_Op("settle", _keys_of(res), res.id))
            try:
                events = await self._transact(_settler(res, usage, now, self._thresholds, key_mode))
            except BackendUnavailableError:
                return
            finally:
                _OP.reset(token)
            self._pending.pop(0)
            await self._emit(events)

    # -- BaseLedger's backend part ------------------------------------------------------------------
    async def _transact(self, fn: Callable[[Store], T]) -> T:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            try:
                result = await self._optimistic(fn, _OP.get())
            except UNAVAILABLE as exc:
                self._down(exc)
                raise BackendUnavailableError(
                    f"the Redis ledger at {self._where} cannot be reached; the call was not sent "
                    f"(on_unavailable='closed' refuses rather than risk crossing a quota)",
                    role="ledger",
                ) from None
        if self._was_down:
            self._was_down = False
            logger.warning("Redis ledger at %s is back", self._where)
        return result

    def _down(self, exc: BaseException) -> None:
        if not self._was_down:
            self._was_down = True
            logger.warning("Redis ledger at %s unavailable: %s", self._where, redact(str(exc)) or type(exc).__name__)

    async def _optimistic(self, fn: Callable[[Store], T], op: _Op | None) -> T:
        """Run ``fn`` on watched rows and write its result in one MULTI/EXEC; again on a conflict."""
        while True:
            async with self._redis.pipeline(transaction=True) as pipe:
                try:
                    return await self._attempt(pipe, fn, op)
                except WatchError:
                    continue  # another process wrote a row we read: run the rule again on fresh rows

    async def _attempt(self, pipe: Any, fn: Callable[[Store], T], op: _Op | None) -> T:
        rows: dict[Key, Row | None] = {}
        open_key: str | None = None
        still_open = True
        first: list[str] = []
        if op is not None and op.keys:
            provider, account = op.keys[0][0], op.keys[0][1]
            if op.kind == "cancel":
                open_key = self._open_key(provider, account)
            first = [self._row_key(k) for k in op.keys]
            await pipe.watch(*first, *([open_key] if open_key else []))
            values = await pipe.mget(first)
            for k, raw in zip(op.keys, values, strict=True):
                rows[k] = _decode(raw) if raw is not None else None
            if open_key is not None and op.res_id is not None:
                still_open = await pipe.zscore(open_key, op.res_id) is not None
        if op is not None and op.kind == "cancel" and not still_open:
            # Expired (its client was presumed crashed) or never recorded: keep it counted.
            await pipe.unwatch()
            logger.info("cancel of reservation %s ignored: no longer open in Redis; it stays counted", op.res_id)
            return None  # type: ignore[return-value]  # cancel_in returns None as well
        while True:
            store = _WatchedStore(rows)
            try:
                result = fn(store)
            except _Miss as miss:
                rk = self._row_key(miss.key)
                await pipe.watch(rk)
                raw = await pipe.get(rk)
                rows[miss.key] = _decode(raw) if raw is not None else None
                continue
            break
        pipe.multi()
        for key, row in store.pending.items():
            rk = self._row_key(key)
            at = self._expire_at(row)
            if at is None:
                pipe.set(rk, _encode(row))
            else:
                pipe.set(rk, _encode(row), exat=at)
        pruned_index = None
        if op is not None and op.keys:
            provider, account = op.keys[0][0], op.keys[0][1]
            ok = self._open_key(provider, account)
            stamp = time.time()
            if op.kind == "reserve" and isinstance(result, tuple) and isinstance(result[0], LedgerReservation):
                pipe.zadd(ok, {result[0].id: stamp})
                pruned_index = len(pipe.command_stack)  # EXEC answers one reply per queued command
                pipe.zremrangebyscore(ok, "-inf", stamp - self.reservation_ttl)
                pipe.expire(ok, int(self.reservation_ttl) + 60)
            elif op.res_id is not None:
                pipe.zrem(ok, op.res_id)
        out = await pipe.execute()
        if pruned_index is not None:
            pruned = out[pruned_index]
            if pruned:
                logger.warning(
                    "%d reservation(s) of %s/%s never settled within %.0fs (client crashed?): kept counted as calls",
                    pruned,
                    op.keys[0][0] if op else "?",
                    op.keys[0][1] if op else "?",
                    self.reservation_ttl,
                )
        return result

    async def _scan(self, match: str) -> list[str]:
        found: list[str] = []
        async for k in self._redis.scan_iter(match=match, count=500):
            found.append(k)
        return found

    async def _rows(self) -> list[Row]:
        try:
            keys = await self._scan(f"{self.prefix}:ledger:*:row:*")
            out: list[Row] = []
            for i in range(0, len(keys), 500):
                for raw in await self._redis.mget(keys[i : i + 500]):
                    if raw is not None:
                        out.append(_decode(raw))
            return out
        except UNAVAILABLE as exc:
            self._down(exc)
            raise BackendUnavailableError(
                f"the Redis ledger at {self._where} cannot be reached", role="ledger"
            ) from None

    async def _delete(self, provider: str | None, account: str | None, quota: str | None) -> int:
        p = key_part(provider) if provider is not None else "*"
        a = key_part(account) if account is not None else "*"
        q = key_part(quota) if quota is not None else "*"
        try:
            keys = await self._scan(f"{self.prefix}:ledger:{{{p}:{a}}}:row:{q}:*")
            removed = 0
            for i in range(0, len(keys), 500):
                removed += int(await self._redis.delete(*keys[i : i + 500]))
            return removed
        except UNAVAILABLE as exc:
            self._down(exc)
            raise BackendUnavailableError(
                f"the Redis ledger at {self._where} cannot be reached", role="ledger"
            ) from None

    async def open_reservations(self, provider: str, account: str) -> int:
        """How many reservations of ``provider``/``account`` are open (made, not yet settled or cancelled)."""
        return int(await self._redis.zcard(self._open_key(provider, account)))

    async def aclose(self) -> None:
        """Write kept usage if Redis answers, then close the connection (when this ledger opened it)."""
        if self._closed:
            return
        self._closed = True
        if self._pending:
            await self._flush()
            if self._pending:
                logger.warning("Redis ledger closed with %d settle(s) unwritten (Redis away)", len(self._pending))
        if self._owns:
            await self._redis.aclose()


def _settler(
    res: LedgerReservation, usage: Usage | None, now: datetime, thresholds: Sequence[float], key_mode: KeyMode
) -> Callable[[Store], list[QuotaEvent]]:
    def run(store: Store) -> list[QuotaEvent]:
        return _core.settle_in(store, res, usage, now, thresholds, key_mode)

    return run


def _keys_of(reservation: object) -> tuple[Key, ...]:
    if not isinstance(reservation, LedgerReservation):
        return ()
    return tuple((reservation.provider, reservation.account, e.track.name, e.period_key) for e in reservation.entries)

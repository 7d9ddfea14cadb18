"""A ledger shared by every process on every host through one Redis server.

The quota rules are not written again here: the functions of `coze_client.ledger._core`
(``reserve_in``, ``settle_in``, ``cancel_in``, ``set_used_in``) run against the rows exactly as in
the memory and sqlite backends. What this module adds is the transaction around them:

* **Optimistic transactions.** Read the rows a call touches (one ``MGET``), run the rule in
  Python, then write the result with a small compare-and-set Lua script that first checks every
  row read is still what it was. When another process wrote one of them in between, nothing is
  written and the step runs again on fresh rows; so the check and the increment are one atomic
  step across hosts, and 3 processes racing for the last 500 calls send exactly 500. The rows a
  call touches are known before it runs (the plan says which quotas apply), so a step costs two
  round trips. Steps queued in one process at the same time for one account form one batch:
  they run one after another on the same rows and are written by one compare-and-set, so 50
  concurrent callers cost about what one does, and conflicts happen only between processes.
  (``WATCH``/``MULTI`` would do the same in three round trips per step, holding a connection.)
* **Mark before send.** A ``hold`` (before the limiter wait) writes nothing; ``mark`` (just
  before the send) and ``reserve`` return once the compare-and-set has been acknowledged, so a
  client killed while its calls queue counts none of them (the rules: `._core`). Durability
  beyond that is Redis's own: run it with ``appendonly yes`` and ``appendfsync always`` (or
  ``everysec`` and accept up to a second of counts on a power loss); see ``docs/fleet.md``.
* **Crashed clients.** A marked reservation counts as a call; ``settle`` only adds what the
  response reported. Open reservations are kept in a sorted set; one that was never
  settled expires after ``reservation_ttl`` and stays counted (never an under-count), and a late
  ``cancel`` of an expired or unknown reservation gives nothing back.
* **Keys** ``<prefix>:ledger:{<provider>:<account>}:row:<quota>:<period>`` (JSON of the row; parts
  percent-quoted; one hash tag per account so a transaction never spans cluster slots) and
  ``...:open``. Lifetime ("ever") rows are kept; day rows expire ``keep_days`` after their period
  ends, month rows ``keep_months`` x 31 days after; the open set expires with its last reservation.
* **Redis unavailable.** ``on_unavailable="closed"`` (default) refuses with
  `BackendUnavailableError`: better no call than a lock-out.
  ``"open"`` lets calls through uncounted (for plans without lock-out quotas). A ``settle`` that
  cannot be written is kept and written when Redis answers again (the call itself already
  counts); a ``cancel`` that cannot be written keeps the call counted.

Examples:
    ```python
    ledger = RedisLedger("redis://127.0.0.1:6379/0", get_plan("coze.personal_free"))
    res = await ledger.reserve(call)         # QuotaExhaustedError at the 501st call, fleet-wide
    await ledger.settle(res, usage)
    await ledger.aclose()
    ```
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
from typing import Any, Literal, TypeVar, cast

from ..errors import needs_extra

with needs_extra("redis", "The Redis ledger"):
    import redis.asyncio as aioredis

from .._call import CallInfo, Usage
from .._secrets import redact
from ..errors import BackendUnavailableError
from ..limits.plans import Plan
from ..limits.redis import UNAVAILABLE, backend_options, choice, connect_redis, describe_url, key_part
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

    kind: Literal["hold", "mark", "settle", "cancel"]
    keys: tuple[Key, ...]
    res_id: str | None = None


@dataclass
class _Job:
    """One queued step: the rule to run, what it is for, and who waits for its result."""

    fn: Callable[[Store], Any]
    op: _Op | None
    fut: asyncio.Future[Any]

    @property
    def account(self) -> tuple[str, str] | None:
        return (self.op.keys[0][0], self.op.keys[0][1]) if self.op is not None and self.op.keys else None


def j_account(batch: list[_Job], keys: list[Key]) -> tuple[str, str] | None:
    """The (provider, account) of a batch: of its steps, or of the first row a step asked for.

    Args:
        batch: the queued steps of one transaction.
        keys: the row keys (provider, account, quota, period key) the steps asked for.
    """
    for j in batch:
        if j.account is not None:
            return j.account
    return (keys[0][0], keys[0][1]) if keys else None


def _resolve(job: _Job, kind: str, value: Any) -> None:
    if job.fut.done():
        return
    if kind == "err":
        job.fut.set_exception(value)
    else:
        job.fut.set_result(value)


_MAX_BATCH = 256

# Options a ledger URL may carry (``redis://host/0?prefix=app&keep_days=90``), and defaults.
_OPTIONS: dict[str, Callable[[str], Any]] = {
    "prefix": str,
    "on_unavailable": choice("closed", "open"),
    "reservation_ttl": float,
    "keep_days": int,
    "keep_months": int,
    "timeout": float,
    "reconnect_interval": float,
}
_DEFAULTS: dict[str, Any] = {
    "prefix": "coze-client",
    "on_unavailable": "closed",
    "reservation_ttl": 86400.0,
    "keep_days": 40,
    "keep_months": 13,
    "timeout": 1.0,
    "reconnect_interval": 0.5,
}

# Compare-and-set of one batch. KEYS[1] the account's open-reservation set, KEYS[1 + i] row i.
# ARGV[1] JSON: e expected row texts ('' = absent); c reservations that must still be open;
# w writes {row index, text, unix expiry or 0}; a reservations to add, r to remove; s now; ttl; keep.
# Answers {1, pruned} when written, {0, 0} when a row or an open reservation changed meanwhile.
_CAS = r"""
local a = cjson.decode(ARGV[1])
for i, expected in ipairs(a.e) do
  local v = redis.call('GET', KEYS[i + 1])
  if v == false then v = '' end
  if v ~= expected then return {0, 0} end
end
for _, id in ipairs(a.c) do
  if redis.call('ZSCORE', KEYS[1], id) == false then return {0, 0} end
end
for _, w in ipairs(a.w) do
  if w[3] > 0 then
    redis.call('SET', KEYS[w[1] + 1], w[2], 'EXAT', w[3])
  else
    redis.call('SET', KEYS[w[1] + 1], w[2])
  end
end
for _, id in ipairs(a.r) do redis.call('ZREM', KEYS[1], id) end
local pruned = 0
if #a.a > 0 then
  for _, id in ipairs(a.a) do redis.call('ZADD', KEYS[1], a.s, id) end
  pruned = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (a.s - a.ttl))
  redis.call('EXPIRE', KEYS[1], a.keep)
end
return {1, pruned}
"""

_OP: contextvars.ContextVar[_Op | None] = contextvars.ContextVar("coze_redis_ledger_op", default=None)


class _Miss(Exception):
    """The rule asked for a row not read yet: watch and read it, then run the rule again."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.key = key


class _WatchedStore:
    """The rows as read, under the writes of earlier steps of the batch; this step's writes are collected."""

    def __init__(self, rows: dict[Key, Row | None], shared: dict[Key, Row]) -> None:
        self.rows = rows
        self.shared = shared
        self.pending: dict[Key, Row] = {}

    def get(self, key: Key) -> Row | None:
        if key in self.pending:
            return self.pending[key].copy()
        if key in self.shared:
            return self.shared[key].copy()
        if key not in self.rows:
            raise _Miss(key)
        row = self.rows[key]
        return row.copy() if row is not None else None

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
            client you own (not closed by `aclose`). The options from ``prefix`` on may also
            be given in the URL's query (``?prefix=myapp&keep_days=90``); keywords win.
        plans: see `BaseLedger`.
        clock: see `BaseLedger`.
        thresholds: see `BaseLedger`.
        on_threshold: see `BaseLedger`.
        prefix: namespace of every key (``"coze-client"``).
        on_unavailable: ``"closed"`` (default: refuse calls while Redis is away) or ``"open"``.
        reservation_ttl: seconds (86400) after which a reservation never settled (its client
            crashed) is dropped from the open set; it stays counted as a call.
        keep_days: days (40) a day row is kept after its day ends (``snapshot(current_only=False)``).
        keep_months: months of 31 days (13) a month row is kept after its month ends.
        timeout: connect timeout in seconds (1.0; reads get twice as long).
        reconnect_interval: after a failure, how long to refuse at once before trying Redis again (0.5 s).

    Examples:
        ```python
        ledger = RedisLedger("redis://127.0.0.1:6379/0", get_plan("coze.personal_free"))
        res = await ledger.reserve(call)
        await ledger.settle(res, usage)
        ```
    """

    backend = "redis"

    def __init__(
        self,
        url: str | aioredis.Redis = "redis://127.0.0.1:6379/0",
        plans: Plan | Iterable[Plan] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        thresholds: Sequence[float] = (0.8, 1.0),
        on_threshold: ThresholdCallback | None = None,
        prefix: str | None = None,
        on_unavailable: Literal["closed", "open"] | None = None,
        reservation_ttl: float | None = None,
        keep_days: int | None = None,
        keep_months: int | None = None,
        timeout: float | None = None,
        reconnect_interval: float | None = None,
    ) -> None:
        super().__init__(plans, clock=clock, thresholds=thresholds, on_threshold=on_threshold)
        url, o = backend_options(url, _OPTIONS, _DEFAULTS, {
            "prefix": prefix,
            "on_unavailable": on_unavailable,
            "reservation_ttl": reservation_ttl,
            "keep_days": keep_days,
            "keep_months": keep_months,
            "timeout": timeout,
            "reconnect_interval": reconnect_interval,
        })
        self.prefix: str = o["prefix"]
        self.on_unavailable = cast(Literal["closed", "open"], o["on_unavailable"])
        self.reservation_ttl: float = o["reservation_ttl"]
        self.keep_days: int = o["keep_days"]
        self.keep_months: int = o["keep_months"]
        self.reconnect_interval: float = o["reconnect_interval"]
        if isinstance(url, str):
            self._where = describe_url(url)
            self._redis = connect_redis(url, timeout=o["timeout"])
            self._owns = True
        else:
            self._where = "the given Redis client"
            self._redis = url
            self._owns = False
        self._queue: list[_Job] = []
        self._worker: asyncio.Task[None] | None = None
        self._cas = self._redis.register_script(_CAS)
        self._pending: list[tuple[LedgerReservation, Usage | None]] = []
        self._was_down = False
        self._down_until = 0.0
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
    async def hold(self, call: CallInfo) -> LedgerReservation:
        """Keep a place for ``call`` (nothing written), or raise QuotaExhaustedError against the fleet's count.

        Raises `BackendUnavailableError` when Redis cannot be reached
        (``on_unavailable="closed"``).

        Args:
            call: the call about to be sent: provider, account, endpoint groups, points, model.
        """
        await self._flush()
        now = self._clock()
        keys = tuple(
            (call.provider, call.account, e.track.name, e.period_key) for e in self._book.guards_for(call, now)
        )
        token = _OP.set(_Op("hold", keys))
        try:
            return await super().hold(call)
        except BackendUnavailableError:
            if self.on_unavailable == "closed":
                raise
            self._let_through(call)
            return LedgerReservation(
                _OFFLINE + uuid.uuid4().hex, call.provider, call.account, call.model, call.points, ()
            )
        finally:
            _OP.reset(token)

    async def mark(self, reservation: object) -> None:
        """Count the held call fleet-wide (``EXEC`` acknowledged before this returns); it may leave from here on.

        Args:
            reservation: the reservation `hold` returned; one not held (already marked or closed) is left alone.
        """
        if isinstance(reservation, LedgerReservation) and reservation.id.startswith(_OFFLINE):
            return
        res = reservation if isinstance(reservation, LedgerReservation) else None
        keys: tuple[Key, ...] = ()
        if res is not None and res.call is not None and res.state == "held":
            keys = tuple(
                (res.provider, res.account, e.track.name, e.period_key)
                for e in self._book.entries_for(res.call, self._clock())
            )
        token = _OP.set(_Op("mark", keys, res.id if res is not None else None))
        try:
            await super().mark(reservation)
        except BackendUnavailableError:
            if self.on_unavailable == "closed" or res is None:
                raise
            self._let_through(res.call)
            res.id = _OFFLINE + res.id
            res.state = "open"
        finally:
            _OP.reset(token)

    def _let_through(self, call: CallInfo | None) -> None:
        logger.debug(
            "Redis ledger at %s unavailable: %s/%s call let through uncounted",
            self._where,
            call.provider if call else "?",
            call.account if call else "?",
        )

    async def settle(self, reservation: object, usage: Usage | None = None) -> None:
        """Keep the reserved call and add its usage; kept for later when Redis is away (never raises for it).

        Args:
            reservation: the reservation `hold` or `reserve` returned.
            usage: what the response reported; ``None`` when it reported nothing (the call still counts).
        """
        if isinstance(reservation, LedgerReservation) and reservation.id.startswith(_OFFLINE):
            reservation.state = "settled"
            return
        await self._flush()
        token = _OP.set(_Op("settle", _keys_of(reservation), getattr(reservation, "id", None)))
        was_open = isinstance(reservation, LedgerReservation) and reservation.state == "open"
        try:
            await super().settle(reservation, usage)
        except BackendUnavailableError:
            assert isinstance(reservation, LedgerReservation)
            if was_open:
                # The call already counts; its usage is written when Redis answers again.
                reservation.state = "settled"
                self._pending.append((reservation, usage))
                logger.debug("Redis ledger at %s unavailable: usage of %s kept for later", self._where, reservation.id)
        finally:
            _OP.reset(token)

    async def cancel(self, reservation: object) -> None:
        """Give the reservation back (only while it is still open in Redis; else it stays counted).

        Args:
            reservation: the reservation `hold` or `reserve` returned.
        """
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
                logger.debug(
                    "Redis ledger at %s unavailable: cancel of %s not written; it stays counted",
                    self._where,
                    reservation.id,
                )
        finally:
            _OP.reset(token)

    async def _flush(self) -> None:
        """Write the usage of settles that failed while Redis was away."""
        while self._pending:
            # Taken off the list before the await: concurrent callers never write the same usage twice.
            res, usage = self._pending.pop(0)
            key_mode = self._book.binding(res.provider, res.account).key_mode
            now = self._clock()
            token = _OP.set(_Op("settle", _keys_of(res), res.id))
            try:
                events = await self._transact(_settler(res, usage, now, self._thresholds, key_mode))
            except BackendUnavailableError:
                self._pending.insert(0, (res, usage))
                return
            finally:
                _OP.reset(token)
            await self._emit(events)

    # -- BaseLedger's backend part ------------------------------------------------------------------
    async def _transact(self, fn: Callable[[Store], T]) -> T:
        if time.monotonic() < self._down_until:
            # Redis failed a moment ago: answer at once instead of waiting for a connect timeout per call.
            raise self._unavailable()
        loop = asyncio.get_running_loop()
        job = _Job(fn, _OP.get(), loop.create_future())
        self._queue.append(job)
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._drain())
        result: T = await job.fut
        if self._was_down:
            self._was_down = False
            logger.warning("Redis ledger at %s is back", self._where)
        return result

    def _down(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + self.reconnect_interval
        if not self._was_down:
            self._was_down = True
            logger.warning("Redis ledger at %s unavailable: %s", self._where, redact(str(exc)) or type(exc).__name__)

    def _unavailable(self) -> BackendUnavailableError:
        return BackendUnavailableError(
            f"the Redis ledger at {self._where} cannot be reached; the call was not sent "
            "(on_unavailable='closed' refuses rather than risk crossing a quota)",
            role="ledger",
        )

    async def _drain(self) -> None:
        """Run queued steps, one account's batch at a time (a batch is one compare-and-set)."""
        while self._queue:
            account = self._queue[0].account
            batch = [j for j in self._queue if j.account == account][:_MAX_BATCH]
            taken = {id(j) for j in batch}
            self._queue = [j for j in self._queue if id(j) not in taken]
            try:
                await self._run_batch(batch)
            except UNAVAILABLE as exc:
                self._down(exc)
                for j in batch:
                    if not j.fut.done():
                        j.fut.set_exception(self._unavailable())
            except Exception as exc:  # a protocol or script error: fail these callers, keep serving
                for j in batch:
                    if not j.fut.done():
                        j.fut.set_exception(exc)

    async def _run_batch(self, batch: list[_Job]) -> None:
        """Read the rows, run every step on them in order, write all results if no row changed meanwhile.

        Steps of one batch see each other's writes, exactly as if they ran one after another.
        When another process wrote one of the rows read, nothing is written and the batch runs
        again on fresh rows (optimistic concurrency, like WATCH/MULTI but in two round trips).
        """
        keys: list[Key] = []
        for j in batch:
            for k in j.op.keys if j.op else ():
                if k not in keys:
                    keys.append(k)
        cancels = [j for j in batch if j.op is not None and j.op.kind == "cancel" and j.op.res_id]
        while True:
            account = j_account(batch, keys)
            open_key = self._open_key(*account) if account else None
            rkeys = [self._row_key(k) for k in keys]
            pipe = self._redis.pipeline(transaction=False)
            if rkeys:
                pipe.mget(rkeys)
            for j in cancels:
                assert open_key is not None and j.op is not None and j.op.res_id is not None
                pipe.zscore(open_key, j.op.res_id)
            replies = await pipe.execute() if (rkeys or cancels) else []
            raws: list[str | None] = [
                raw.decode() if isinstance(raw, bytes) else raw for raw in (replies[0] if rkeys else [])
            ]
            still_open = {id(j): r is not None for j, r in zip(cancels, replies[1 if rkeys else 0 :], strict=True)}
            rows: dict[Key, Row | None] = {
                k: (_decode(raw) if raw is not None else None) for k, raw in zip(keys, raws, strict=True)
            }
            shared: dict[Key, Row] = {}
            outcomes: list[tuple[str, Any]] = []
            missing: Key | None = None
            for j in batch:
                if id(j) in still_open and not still_open[id(j)]:
                    # Expired (its client was presumed crashed) or never recorded: keep it counted.
                    outcomes.append(("skip", None))
                    continue
                store = _WatchedStore(rows, shared)
                try:
                    result = j.fn(store)
                except _Miss as miss:
                    missing = miss.key
                    break
                except Exception as exc:  # e.g. QuotaExhaustedError: this step writes nothing
                    outcomes.append(("err", exc))
                    continue
                shared.update(store.pending)
                outcomes.append(("ok", result))
            if missing is not None:
                keys.append(missing)
                continue
            if not keys:
                for j, (kind, value) in zip(batch, outcomes, strict=True):
                    _resolve(j, kind, value)
                return
            unread = [k for k in shared if k not in keys]
            if unread:  # a rule wrote a row it never read: read it too, so the write is checked as well
                keys.extend(unread)
                continue
            account = j_account(batch, keys)
            assert account is not None
            open_key = self._open_key(*account)
            index = {k: i for i, k in enumerate(keys)}
            writes = []
            for key, row in shared.items():
                at = self._expire_at(row)
                writes.append([index[key] + 1, _encode(row), at or 0])
            add, remove = [], []
            for j, (kind, _value) in zip(batch, outcomes, strict=True):
                if kind != "ok" or j.op is None:
                    continue
                if j.op.kind == "mark" and j.op.res_id is not None:
                    add.append(j.op.res_id)  # counted from now on: open until settled or cancelled
                elif j.op.kind != "hold" and j.op.res_id is not None:
                    remove.append(j.op.res_id)
            payload = {
                "e": ["" if raw is None else raw for raw in raws],
                "c": [j.op.res_id for j in cancels if j.op is not None and still_open.get(id(j))],
                "w": writes,
                "a": add,
                "r": remove,
                "s": time.time(),
                "ttl": self.reservation_ttl,
                "keep": int(self.reservation_ttl) + 60,
            }
            applied, pruned = await self._cas(
                keys=[open_key, *rkeys], args=[json.dumps(payload, separators=(",", ":"))]
            )
            if not int(applied):
                continue  # another process changed a row we read: run the batch again on fresh rows
            if pruned:
                logger.warning(
                    "%d reservation(s) of %s/%s never settled within %.0fs (client crashed?): kept counted as calls",
                    int(pruned),
                    account[0],
                    account[1],
                    self.reservation_ttl,
                )
            for j, (kind, value) in zip(batch, outcomes, strict=True):
                _resolve(j, kind, value)
            return

    async def _scan(self, match: str) -> list[str]:
        found: list[str] = []
        async for k in self._redis.scan_iter(match=match, count=500):
            found.append(k)
        return found

    async def _rows(self) -> list[Row]:
        try:
            keys = await self._scan(f"{_glob_escape(self.prefix)}:ledger:*:row:*")
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
            keys = await self._scan(f"{_glob_escape(self.prefix)}:ledger:{{{p}:{a}}}:row:{q}:*")
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
        """How many reservations of ``provider``/``account`` are open (made, not yet settled or cancelled).

        Args:
            provider: the provider (``"coze"``, ``"xingchen"``, ...).
            account: the account name.
        """
        return int(await self._redis.zcard(self._open_key(provider, account)))

    async def aclose(self) -> None:
        """Write kept usage if Redis answers, then close the connection (when this ledger opened it)."""
        if self._closed:
            return
        self._closed = True
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)  # steps already queued finish first
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


def _glob_escape(text: str) -> str:
    """``text`` as a literal inside a SCAN pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _keys_of(reservation: object) -> tuple[Key, ...]:
    if not isinstance(reservation, LedgerReservation):
        return ()
    return tuple((reservation.provider, reservation.account, e.track.name, e.period_key) for e in reservation.entries)

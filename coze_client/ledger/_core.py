"""The quota rules, written once and shared by every ledger backend.

A backend supplies a `Store` (get/put of `Row` inside one transaction); the
functions here decide what a hold, a mark, a settlement or a cancellation does to those rows. The
memory backend runs them under a lock, the sqlite backend inside ``BEGIN IMMEDIATE``, Redis in an
optimistic compare-and-set, so the check and the increment are one atomic step in all three.

Rules (the providers' pricing pages):

* ``calls`` quotas refuse a call when ``used + 1 > limit``;
* ``points`` quotas refuse when ``used + call.points > limit`` (EasyDL: points are known before sending);
* ``tokens`` and ``credits`` quotas, and ``points`` quotas for calls whose points are only known after
  (Coze resource points), refuse only when ``used >= limit`` already;
* only ``block`` quotas refuse; ``block`` and ``warn`` quotas report threshold crossings; ``allow``
  quotas only count.

The life of a call (issue 14, point 5): **hold, mark, settle**.

* ``hold`` (before the limiter wait, which may last hours under a daily window) checks the call
  against what is counted **plus the calls this ledger already holds**, and refuses at once when the
  quota cannot cover it. A hold is kept in the ledger's memory only: nothing durable is written.
* ``mark`` (just before the send: from here on the request may reach the server) counts the call,
  durably, in the buckets of the **send time** (a call held before midnight and sent after counts in
  the new day), checking again against what is counted now. Only the mark must be durable before the
  send; the corridor sends nothing until it has returned.
* ``settle`` adds the usage the response reported; ``cancel`` gives a marked call back only when it
  certainly never left (connect refused), and drops a hold that was never marked.

Why the hold is not written down: the three promises are then kept by construction, with no
recovery step that could itself fail or be raced.

1. *A call that never left is never counted, even if its process was killed.* Only a mark writes,
   and the corridor marks immediately before the send; a process killed while its calls wait holds
   nothing durable, so there is nothing to give back and no owner to declare dead (recovery is
   the empty operation, on every backend: memory, sqlite, Redis).
2. *A call that may have left is always counted (the SIGKILL guarantee).* The mark is committed
   (sqlite WAL, Redis ``EXEC``) before ``mark`` returns, and the send only starts after it.
3. *Refusal stays immediate.* A hold is refused when counted calls plus this process's held calls
   cannot cover it, before any wait. The mark checks again against the counted calls of every
   process, so the quota is never crossed even when another process (whose holds this one cannot
   see) used the last calls meanwhile: such a call is refused at its mark, after its wait, and is
   not sent. That is the one trade: across processes a refusal may come at the send instead of at
   the queue; it never lets a call through. (For the same reason a backend may let a hold pass on
   rows it confirmed current a moment ago -- sqlite: 50 ms -- but refuses only on rows read fresh.)

The hold is released in the same step that writes the mark (inside the transaction function), so
a concurrent hold in this process never sees the call twice (held and counted) nor not at all.

A backend may count a mark ahead of time (the sqlite ledger's calls counted ahead, `_credit`): more
calls counted durably than were sent, never fewer, each use recorded before its send, and the unused
rest given back. That keeps promises 1 and 2 (after a kill the rest is given back from the record) and
3 (a refusal caused only by such calls waits for them).

What a crash can lose: settlements (tokens, cost) and the implicit monthly row of an unguarded call
may be written in batches after the call returned (sqlite: within ``flush_interval``); a kill loses
at most that usage detail of the last moment, never a counted call of a guarded quota.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any, Literal, Protocol

from .._call import CallInfo, Usage
from .._secrets import redact
from ..errors import PlanConflictError, QuotaExhaustedError, ValidationError
from ..limits.plans import Plan, Quota, QuotaPeriod, QuotaPolicy, QuotaUnit
from . import prices
from .periods import DEFAULT_TIMEZONE, period_key, resets_at

__all__ = [
    "USAGE_QUOTA",
    "CallRows",
    "LedgerReservation",
    "QuotaBook",
    "QuotaEvent",
    "Row",
    "SnapshotRow",
    "Store",
    "Track",
]

logger = logging.getLogger("coze_client.ledger")

#: Name of the implicit per-month row every (provider, account) gets: monthly totals and the base
#: of EasyDL's monthly tiered price. It has no limit and never refuses.
USAGE_QUOTA = "usage"

# The unit each provider bills in (plans.md): the implicit monthly row counts this unit.
BILLING_UNIT: dict[str, QuotaUnit] = {"coze": "calls", "xingchen": "tokens", "gptbots": "credits", "easydl": "points"}


@dataclass(slots=True)
class Row:
    """One counter: a provider, account, quota and period bucket, with everything counted in it."""

    provider: str
    account: str
    quota: str
    period_key: str
    period: QuotaPeriod
    unit: QuotaUnit
    limit: float | None
    policy: QuotaPolicy
    lockout: bool
    timezone: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    points: float = 0.0
    credits: float = 0.0
    cost: float = 0.0
    currency: str = ""
    billable: float = 0.0
    adjust: float = 0.0  # set_used() correction: used = natural count + adjust
    updated_at: float = 0.0

    def copy(self) -> Row:
        """An independent copy (8x cheaper than ``dataclasses.replace``: the ledger's hot path copies rows)."""
        return Row(*_row_values(self))

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(provider, account, quota, period_key): the row's identity."""
        return (self.provider, self.account, self.quota, self.period_key)

    @property
    def natural(self) -> float:
        """What was counted locally, in the quota's unit."""
        unit = self.unit
        if unit == "calls":
            return self.calls
        if unit == "tokens":
            return self.input_tokens + self.output_tokens
        if unit == "points":
            return self.points
        return self.credits

    @property
    def used(self) -> float:
        """Used amount in the quota's unit, including any hand correction (``set_used``)."""
        return self.natural + self.adjust


_row_values = attrgetter(*(f.name for f in fields(Row)))


@dataclass(frozen=True, slots=True)
class Track:
    """A quota as the ledger applies it (a plan `Quota`, or the implicit monthly row)."""

    name: str
    unit: QuotaUnit
    limit: float | None
    period: QuotaPeriod
    group: str = "all"
    policy: QuotaPolicy = "allow"
    lockout: bool = False

    @classmethod
    def from_quota(cls, quota: Quota) -> Track:
        """The track for a plan quota."""
        return cls(quota.name, quota.unit, quota.limit, quota.period, quota.group, quota.policy, quota.lockout)


@dataclass(frozen=True, slots=True)
class Entry:
    """One row a reservation touched: enough to rebuild the row if it was reset meanwhile."""

    track: Track
    period_key: str
    timezone: str
    currency: str

    def new_row(self, provider: str, account: str) -> Row:
        t = self.track
        return Row(
            provider,
            account,
            t.name,
            self.period_key,
            t.period,
            t.unit,
            t.limit,
            t.policy,
            t.lockout,
            self.timezone,
            currency=self.currency,
        )


#: One hold: the row key it was checked against, and how much of that quota it keeps aside.
Hold = tuple[tuple[str, str, str, str], float]


@dataclass(slots=True)
class LedgerReservation:
    """A held or counted call (implements `Reservation`).

    ``state`` is ``"held"`` after ``hold`` (nothing written), ``"open"`` once marked (counted, durably),
    then ``"settled"`` or ``"cancelled"``; ``settle`` or ``cancel`` closes it once.

    Ledgers build these; you get one from ``hold`` or ``reserve`` and hand it back.

    Args:
        id: the reservation's id, unique within the process.
        provider: the call's provider (``"coze"``, ``"xingchen"``, ...).
        account: the call's provider account.
        model: the call's model, when the provider prices per model.
        points: points the call costs, known before sending (EasyDL); 0 otherwise.
        entries: the quota buckets the call is counted in (set when it is marked).
        state: ``"held"``, ``"open"`` (default), ``"settled"`` or ``"cancelled"`` (see above).
        call: the call it was made for.
        holds: for each quota bucket checked at ``hold``, its row key and the amount kept aside.
        credit: which calls counted ahead this call used (sqlite ledger: the journal's epoch, then grant
            ids), else empty.
    """

    id: str
    provider: str
    account: str
    model: str | None
    points: int
    entries: tuple[Entry, ...]
    state: Literal["held", "open", "settled", "cancelled"] = "open"
    call: CallInfo | None = None
    holds: tuple[Hold, ...] = ()
    credit: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class QuotaEvent:
    """A quota crossed a warning threshold (e.g. 0.8 or 1.0 of its limit).

    Examples:
        ```python
        def on_threshold(event: QuotaEvent) -> None:
            print(f"{event.quota}: {event.fraction:.0%} used, resets {event.resets_at}")
        ```

    Args:
        provider: the provider (``"coze"``, ``"xingchen"``, ...).
        account: the provider account.
        quota: the quota's name in the plan.
        unit: the quota's unit: ``"calls"``, ``"tokens"``, ``"points"`` or ``"credits"``.
        used: how much is used now, in that unit.
        limit: the quota's size, in that unit.
        threshold: the fraction of ``limit`` that was crossed (e.g. 0.8).
        policy: the quota's policy: ``"block"``, ``"warn"`` or ``"allow"``.
        resets_at: when the quota's period resets; ``None`` for a quota that never resets.
    """

    provider: str
    account: str
    quota: str
    unit: QuotaUnit
    used: float
    limit: float
    threshold: float
    policy: QuotaPolicy
    resets_at: datetime | None

    @property
    def fraction(self) -> float:
        """``used / limit``."""
        return self.used / self.limit if self.limit else float("inf")


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One line of `snapshot`: a quota bucket, how much of it is used and what it cost.

    Args:
        provider: the provider (``"coze"``, ``"xingchen"``, ...).
        account: the provider account.
        quota: the quota's name in the plan, or ``"usage"``: the implicit monthly row of totals (no limit).
        unit: the quota's unit: ``"calls"``, ``"tokens"``, ``"points"`` or ``"credits"``.
        period: ``"ever"``, ``"day"`` or ``"month"``.
        period_key: the bucket: ``"ever"``, ``"YYYY-MM-DD"`` or ``"YYYY-MM"`` (in the plan's time zone).
        used: how much is used, in ``unit``, including any hand correction (``coze-client usage set``).
        limit: the quota's size in ``unit``; ``None`` when the row has no limit.
        left: ``limit - used``, never below 0; ``None`` when there is no limit.
        resets_at: when the bucket ends; ``None`` for ``"ever"``.
        policy: ``"block"``, ``"warn"`` or ``"allow"``.
        lockout: True when crossing the quota locks the account out.
        calls: calls counted in the bucket.
        input_tokens: input tokens the responses reported.
        output_tokens: output tokens the responses reported.
        points: points counted (EasyDL).
        credits: credits the responses reported (GPTBots).
        cost: estimated cost of the counted calls, in ``currency``.
        currency: ``"yuan"`` (Xingchen, EasyDL), ``"credits"`` (GPTBots) or ``""`` when no price data
            exists (Coze).
    """

    provider: str
    account: str
    quota: str
    unit: str
    period: str
    period_key: str
    used: float
    limit: float | None
    left: float | None
    resets_at: datetime | None
    policy: str
    lockout: bool
    calls: int
    input_tokens: int
    output_tokens: int
    points: float
    credits: float
    cost: float
    currency: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (``resets_at`` as ISO 8601 text)."""
        data = {name: getattr(self, name) for name in self.__slots__}
        data["resets_at"] = self.resets_at.isoformat() if self.resets_at else None
        return data


class Store(Protocol):
    """The rows of a backend inside one transaction."""

    def get(self, key: tuple[str, str, str, str]) -> Row | None: ...

    def put(self, row: Row) -> None: ...


@dataclass(frozen=True, slots=True)
class Binding:
    """The plan (and pricing options) bound to a provider/account."""

    tracks: tuple[Track, ...]
    timezone: str
    key_mode: prices.KeyMode
    plan: Plan | None = None


@dataclass(frozen=True, slots=True)
class CallRows:
    """What the ledger needs of one call at one minute, computed once (the hot path asks for every call).

    Args:
        entries: every row the call counts in (`QuotaBook.entries_for`).
        keys: the row keys of ``entries``.
        guards: the rows that may refuse the call (`QuotaBook.guards_for`).
        guard_keys: the row keys of ``guards``.
        usage_guarded: `QuotaBook.usage_guarded` of the call's account.
    """

    entries: tuple[Entry, ...]
    keys: tuple[tuple[str, str, str, str], ...]
    guards: tuple[Entry, ...]
    guard_keys: tuple[tuple[str, str, str, str], ...]
    usage_guarded: bool


@dataclass
class QuotaBook:
    """Which plan applies to which (provider, account), and which rows a call touches.

    A plan is bound per provider and account. ``account`` is a name, ``"<name>:*"`` (every
    sub-account ``<name>:<x>``: EasyDL files each published API as ``<name>:<service>``), or ``"*"``
    (every account of the provider without a binding of its own). Lookup takes the most specific:
    the account, then its ``<name>:*``, then ``"*"``. Binding a *different* plan to a key that
    already has one raises `PlanConflictError`: one account has one plan,
    and the last bind must never silently switch another client's guard off.
    """

    bindings: dict[tuple[str, str], Binding] = field(default_factory=dict)
    # entries_for / guards_for by (kind, provider, account, groups, UTC minute): the hot path asks them
    # for every call, and period keys never change inside a UTC minute (periods.period_key). Cleared by bind.
    _rows_cache: dict[tuple[object, ...], tuple[Entry, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # row_keys by id() of an entries tuple of _rows_cache (kept alive there), usage_guarded by account.
    _keys_cache: dict[int, tuple[tuple[Entry, ...], tuple[tuple[str, str, str, str], ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _guarded_cache: dict[tuple[str, str], bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    # rows_for by id() of a CallInfo (the corridor keeps one per endpoint): (the call, its minute, its rows)
    _calls_cache: dict[int, tuple[CallInfo, int, CallRows]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def bind(self, provider: str, account: str, plan: Plan | None, key_mode: prices.KeyMode = "gptbots") -> None:
        # Quotas the client cannot see (Quota.counted False) are shown by `usage`, never counted or guarded.
        tracks = tuple(Track.from_quota(q) for q in plan.quotas if q.counted) if plan else ()
        names = [t.name for t in tracks]
        if USAGE_QUOTA in names or len(set(names)) != len(names):
            raise ValidationError(f"plan quota names must be unique and not {USAGE_QUOTA!r}: {names}")
        bound = self.bindings.get((provider, account))
        if bound is not None and (bound.plan != plan or bound.key_mode != key_mode):
            same = bound.plan == plan
            raise PlanConflictError(
                provider, account, _plan_name(bound.plan, bound.key_mode if same else None),
                _plan_name(plan, key_mode if same else None),
            )
        tz = plan.timezone if plan else DEFAULT_TIMEZONE
        self.bindings[(provider, account)] = Binding(tracks, tz, key_mode, plan)
        self._rows_cache.clear()
        self._keys_cache.clear()
        self._guarded_cache.clear()
        self._calls_cache.clear()

    def binding(self, provider: str, account: str) -> Binding:
        found = self.bindings.get((provider, account))
        if found is None:
            base, sep, _ = account.rpartition(":")
            if sep:
                found = self.bindings.get((provider, base + ":*"))
            if found is None:
                found = self.bindings.get((provider, "*"))
        return found or Binding((), DEFAULT_TIMEZONE, "gptbots")

    def track(self, provider: str, account: str, quota: str) -> tuple[Track, str] | None:
        """The named track of the bound plan (or the implicit usage row) and its timezone."""
        b = self.binding(provider, account)
        if quota == USAGE_QUOTA:
            return usage_track(provider), b.timezone
        for t in b.tracks:
            if t.name == quota:
                return t, b.timezone
        return None

    def _cached(
        self, kind: str, call: CallInfo, now: datetime, make: Callable[[CallInfo, datetime], tuple[Entry, ...]]
    ) -> tuple[Entry, ...]:
        key = (kind, call.provider, call.account, call.groups, int(now.timestamp() // 60))
        found = self._rows_cache.get(key)
        if found is None:
            if len(self._rows_cache) >= 256:
                self._rows_cache.clear()
                self._keys_cache.clear()
            found = self._rows_cache[key] = make(call, now)
        return found

    def row_keys(
        self, provider: str, account: str, entries: tuple[Entry, ...]
    ) -> tuple[tuple[str, str, str, str], ...]:
        """The row keys of ``entries`` (as `entries_for` or `guards_for` returned them) for an account."""
        # _rows_cache makes one entries tuple per provider and account (an empty one has no keys).
        found = self._keys_cache.get(id(entries))
        if found is not None and found[0] is entries:
            return found[1]
        keys = tuple((provider, account, e.track.name, e.period_key) for e in entries)
        if len(self._keys_cache) >= 256:
            self._keys_cache.clear()
        self._keys_cache[id(entries)] = (entries, keys)
        return keys

    def rows_for(self, call: CallInfo, now: datetime) -> CallRows:
        """Everything the ledger needs of ``call`` at ``now`` (cached per call object and UTC minute)."""
        minute = int(now.timestamp() // 60)
        found = self._calls_cache.get(id(call))
        if found is not None and found[0] is call and found[1] == minute:
            return found[2]
        provider, account = call.provider, call.account
        entries = self.entries_for(call, now)
        guards = self.guards_for(call, now)
        rows = CallRows(
            entries,
            self.row_keys(provider, account, entries),
            guards,
            self.row_keys(provider, account, guards),
            self.usage_guarded(provider, account),
        )
        if len(self._calls_cache) >= 256:
            self._calls_cache.clear()
        self._calls_cache[id(call)] = (call, minute, rows)  # the call is kept alive: its id is not reused
        return rows

    def entries_for(self, call: CallInfo, now: datetime) -> tuple[Entry, ...]:
        """Every row ``call`` counts in at ``now``: its plan's quotas, then the implicit monthly row."""
        return self._cached("entries", call, now, self._entries_for)

    def guards_for(self, call: CallInfo, now: datetime) -> tuple[Entry, ...]:
        """The rows that may refuse ``call`` (``block`` quotas with a limit): what a hold checks."""
        return self._cached("guards", call, now, self._guards_for)

    def _entries_for(self, call: CallInfo, now: datetime) -> tuple[Entry, ...]:
        b = self.binding(call.provider, call.account)
        currency = prices.currency_for(call.provider)
        tracks = [t for t in b.tracks if call.in_group(t.group)]
        tracks.append(usage_track(call.provider))
        return tuple(Entry(t, period_key(t.period, now, b.timezone), b.timezone, currency) for t in tracks)

    def _guards_for(self, call: CallInfo, now: datetime) -> tuple[Entry, ...]:
        b = self.binding(call.provider, call.account)
        if not b.tracks:
            return ()
        currency = prices.currency_for(call.provider)
        return tuple(
            Entry(t, period_key(t.period, now, b.timezone), b.timezone, currency)
            for t in b.tracks
            if t.policy == "block" and t.limit is not None and call.in_group(t.group)
        )

    def usage_guarded(self, provider: str, account: str) -> bool:
        """True when a quota of the bound plan watches what a settlement adds (tokens, credits, points).

        Settlements of such accounts are written before ``settle`` returns (the next check reads them);
        the others (calls quotas only) may be written in batches.
        """
        found = self._guarded_cache.get((provider, account))
        if found is None:
            found = self._guarded_cache[(provider, account)] = any(
                t.unit != "calls" and t.limit is not None and t.policy != "allow"
                for t in self.binding(provider, account).tracks
            )
        return found


def _plan_name(plan: Plan | None, key_mode: str | None = None) -> str:
    name = "no plan" if plan is None else plan.name
    return name if key_mode is None else f"{name} (key_mode {key_mode!r})"


def usage_track(provider: str) -> Track:
    """The implicit monthly row of ``provider`` (no limit, never refuses)."""
    return Track(USAGE_QUOTA, BILLING_UNIT.get(provider, "calls"), None, "month")


def _crossings(row: Row, before: float, thresholds: Sequence[float], out: list[QuotaEvent]) -> None:
    limit = row.limit
    if not limit or row.policy == "allow":
        return
    after = row.used
    for threshold in thresholds:
        mark = threshold * limit
        if before < mark <= after:
            out.append(
                QuotaEvent(
                    row.provider,
                    row.account,
                    row.quota,
                    row.unit,
                    after,
                    limit,
                    threshold,
                    row.policy,
                    resets_at(row.period, row.period_key, row.timezone),
                )
            )


def _over(row: Row, call: CallInfo, held: float) -> bool:
    """True when ``row`` (a block quota) cannot cover ``call`` on top of ``held`` kept for others."""
    assert row.limit is not None
    if row.unit == "calls":
        return row.used + held + 1 > row.limit
    if row.unit == "points" and call.points:  # EasyDL: the call's points are known before sending
        return row.used + held + call.points > row.limit
    # tokens, credits, points charged server-side: known after, so refuse once the line is reached
    return row.used >= row.limit


def _refuse(row: Row, call: CallInfo, held: float) -> QuotaExhaustedError:
    assert row.limit is not None
    return QuotaExhaustedError(
        provider=call.provider,
        account=call.account,
        quota=row.quota,
        used=row.used + held,
        limit=row.limit,
        resets_at=resets_at(row.period, row.period_key, row.timezone),
        lockout=row.lockout,
    )


def hold_amount(row: Row, call: CallInfo) -> float:
    """What a held ``call`` keeps aside in ``row``'s quota (0 when only known after the call)."""
    if row.unit == "calls":
        return 1.0
    if row.unit == "points" and call.points:
        return float(call.points)
    return 0.0


def check_hold(rows: Sequence[Row], call: CallInfo, held: dict[tuple[str, str, str, str], float]) -> tuple[Hold, ...]:
    """Refuse ``call`` now when counted plus ``held`` calls fill a guard; else what its hold keeps aside."""
    holds: list[Hold] = []
    for row in rows:
        if row.limit is None or row.policy != "block":
            continue
        others = held.get(row.key, 0.0)
        if _over(row, call, others):
            raise _refuse(row, call, others)
        amount = hold_amount(row, call)
        if amount:
            holds.append((row.key, amount))
    return tuple(holds)


def mark_in(
    store: Store,
    res: LedgerReservation,
    entries: tuple[Entry, ...],
    now: datetime,
    thresholds: Sequence[float],
    *,
    check: bool = True,
) -> list[QuotaEvent]:
    """Count the call of ``res`` in every row of ``entries`` (or in none): it may leave from now on.

    ``check=False`` counts it even past a limit: a call that may already have reached the server.
    """
    call = res.call
    assert call is not None
    provider, account = res.provider, res.account
    rows = [_load(store, e, provider, account) for e in entries]
    if check:
        for row in rows:
            if row.limit is not None and row.policy == "block" and _over(row, call, 0.0):
                raise _refuse(row, call, 0.0)
    events: list[QuotaEvent] = []
    stamp = now.timestamp()
    for row in rows:
        before = row.used
        row.calls += 1
        row.points += call.points
        row.updated_at = stamp
        store.put(row)
        _crossings(row, before, thresholds, events)
    return events


_ID_PREFIX = secrets.token_hex(8)  # unique per process (Redis keeps ids of every host in one set)
_ids = itertools.count()


def _new_prefix() -> None:
    global _ID_PREFIX
    _ID_PREFIX = secrets.token_hex(8)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_prefix)  # a forked child must not repeat its parent's ids


def new_reservation(call: CallInfo) -> LedgerReservation:
    """A held reservation of ``call`` (nothing counted yet)."""
    return LedgerReservation(
        f"{_ID_PREFIX}{next(_ids):x}", call.provider, call.account, call.model, call.points, (), "held", call
    )


def reserve_in(
    store: Store, book: QuotaBook, call: CallInfo, now: datetime, thresholds: Sequence[float]
) -> tuple[LedgerReservation, list[QuotaEvent]]:
    """Check every quota ``call`` falls under, then count it in all of them (or in none): hold and mark at once."""
    res = new_reservation(call)
    res.entries = book.entries_for(call, now)
    events = mark_in(store, res, res.entries, now, thresholds)
    res.state = "open"
    return res, events


def _load(store: Store, entry: Entry, provider: str, account: str) -> Row:
    """The stored row of ``entry`` (or a new one), its limit and policy refreshed from the plan."""
    row = store.get((provider, account, entry.track.name, entry.period_key))
    if row is None:
        return entry.new_row(provider, account)
    t = entry.track
    # The bound plan is the truth (limits can be overridden); stored copies are for readers without it.
    row.unit, row.limit, row.policy, row.lockout, row.timezone = t.unit, t.limit, t.policy, t.lockout, entry.timezone
    return row


load_row = _load


def _rows_of(store: Store, res: LedgerReservation) -> list[Row]:
    return [_load(store, e, res.provider, res.account) for e in res.entries]


def settle_in(
    store: Store,
    res: LedgerReservation,
    usage: Usage | None,
    now: datetime,
    thresholds: Sequence[float],
    key_mode: prices.KeyMode,
    calls: int = 1,
) -> list[QuotaEvent]:
    """Add what the response reported, and the estimated cost, to every row the call was counted in.

    ``calls`` > 1 settles that many calls of ``res``'s rows at once, ``usage`` being their sum (a
    backend merging settlements of a provider without prices, where every figure adds up).
    """
    usage = usage or Usage()
    rows = _rows_of(store, res)
    # Points were reserved up front; a response that reports its own points corrects them.
    points_delta = (usage.points - res.points) if usage.points else 0
    befores = [row.used for row in rows]
    for row in rows:
        row.input_tokens += usage.input_tokens
        row.output_tokens += usage.output_tokens
        row.credits += usage.credits
        row.points += points_delta
    billable, units = _billable(res, rows, usage, calls)
    cost = _cost(res, rows, usage, billable, units, key_mode)
    events: list[QuotaEvent] = []
    stamp = now.timestamp()
    for row, before in zip(rows, befores, strict=True):
        row.billable += billable
        row.cost += cost
        row.updated_at = stamp
        store.put(row)
        _crossings(row, before, thresholds, events)
    return events


def _billable(res: LedgerReservation, rows: list[Row], usage: Usage, calls: int = 1) -> tuple[float, float]:
    """(billable units, units) of the call(s): units beyond the provider's lifetime free allowance."""
    unit = BILLING_UNIT.get(res.provider, "calls")
    units: float
    if unit == "tokens":
        units = usage.total_tokens
    elif unit == "points":
        units = usage.points or res.points
    elif unit == "credits":
        units = usage.credits
    else:
        units = calls
    if usage.extra.get("failed"):
        return 0.0, units  # EasyDL: failed calls use free points but are not billed in paid mode
    for row in rows:
        if row.period == "ever" and row.unit == unit and row.limit is not None and row.quota != USAGE_QUOTA:
            after = row.used
            before = after - units
            return max(0.0, after - row.limit) - max(0.0, before - row.limit), units
    return float(units), units


def _cost(
    res: LedgerReservation, rows: list[Row], usage: Usage, billable: float, units: float, key_mode: prices.KeyMode
) -> float:
    provider = res.provider
    if not prices.currency_for(provider):
        return 0.0  # no published prices (Coze): estimate_cost would say 0
    if provider == "easydl":
        month = next((r for r in rows if r.quota == USAGE_QUOTA), None)
        before = month.billable if month else 0.0
        return float(prices.estimate_cost(provider, points=billable, month_points_before=before).amount)
    full = prices.estimate_cost(
        provider,
        model=usage.model or res.model,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        credits=usage.credits,
        key_mode=key_mode,
    ).amount
    if provider == "xingchen" and units:
        return float(full) * billable / units
    return float(full)


def cancel_in(store: Store, res: LedgerReservation, now: datetime) -> None:
    """Take the reserved call back out of every row it was counted in."""
    stamp = now.timestamp()
    for row in _rows_of(store, res):
        row.calls -= 1
        row.points -= res.points
        row.updated_at = stamp
        store.put(row)


def set_used_in(
    store: Store,
    provider: str,
    account: str,
    track: Track,
    tz: str,
    value: float,
    now: datetime,
    ahead: Callable[[Store, tuple[str, str, str, str]], int] | None = None,
) -> Row:
    """Make the current bucket of ``track`` report ``value`` used (counts stay; a correction is kept).

    ``ahead`` tells the calls other processes counted ahead in the row: they are not part of
    ``value`` and will be given back unused or used, so the correction leaves them out.
    """
    entry = Entry(track, period_key(track.period, now, tz), tz, prices.currency_for(provider))
    row = _load(store, entry, provider, account)
    pending = ahead(store, row.key) if ahead is not None else 0
    row.adjust = value - (row.natural - pending)
    row.updated_at = now.timestamp()
    store.put(row)
    return row


def to_snapshot(row: Row) -> SnapshotRow:
    """The public view of a stored row."""
    used = row.used
    left = None if row.limit is None else max(0.0, row.limit - used)
    return SnapshotRow(
        row.provider,
        row.account,
        row.quota,
        row.unit,
        row.period,
        row.period_key,
        used,
        row.limit,
        left,
        resets_at(row.period, row.period_key, row.timezone),
        row.policy,
        row.lockout,
        row.calls,
        row.input_tokens,
        row.output_tokens,
        row.points,
        row.credits,
        row.cost,
        row.currency,
    )


def build_snapshot(
    rows: Iterable[Row],
    book: QuotaBook,
    now: datetime,
    *,
    current_only: bool,
    provider: str | None,
    account: str | None,
) -> list[SnapshotRow]:
    """Rows for display: stored rows (current buckets only unless asked), plus untouched bound quotas."""
    out: dict[tuple[str, str, str, str], Row] = {}
    for row in rows:
        if provider is not None and row.provider != provider:
            continue
        if account is not None and row.account != account:
            continue
        if current_only and row.period_key != period_key(row.period, now, row.timezone):
            continue
        out[row.key] = row
    for (prov, acct), binding in book.bindings.items():
        if acct.endswith("*") or (provider is not None and prov != provider):
            continue
        if account is not None and acct != account:
            continue
        for track in binding.tracks:
            entry = Entry(
                track, period_key(track.period, now, binding.timezone), binding.timezone, prices.currency_for(prov)
            )
            key = (prov, acct, track.name, entry.period_key)
            if key not in out:
                out[key] = entry.new_row(prov, acct)
    return [to_snapshot(out[k]) for k in sorted(out)]


def emit(events: list[QuotaEvent], callback: Callable[[QuotaEvent], object] | None) -> list[object]:
    """Log each event on the ``coze_client`` logger and hand it to the user's callback."""
    results: list[object] = []
    for ev in events:
        logger.warning(
            "quota %r of %s/%s at %.0f%%: %g of %g %s used (policy %s)",
            ev.quota,
            ev.provider,
            ev.account,
            ev.fraction * 100,
            ev.used,
            ev.limit,
            ev.unit,
            ev.policy,
        )
        if callback is not None:
            try:
                results.append(callback(ev))
            except Exception as exc:  # the user's code: log it, keep the count
                callback_failed(exc)
    return results


def callback_failed(exc: BaseException) -> None:
    """Log an exception of the user's ``on_threshold`` callback (it never changes what is counted)."""
    logger.error(
        "on_threshold callback failed with %s: %s (ignored: the call is counted and goes on)",
        type(exc).__name__,
        redact(str(exc)),
    )


def now_utc() -> datetime:
    """The default clock: an aware UTC datetime."""
    return datetime.now(timezone.utc)

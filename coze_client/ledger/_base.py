"""The async face every ledger backend shares: binding plans, events, snapshot, corrections."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from .._call import CallInfo, Usage
from .._secrets import redact
from ..errors import LedgerError, QuotaExhaustedError, ValidationError
from ..limits.plans import Plan
from . import _core
from ._core import LedgerReservation, QuotaBook, QuotaEvent, Row, SnapshotRow, Store
from .prices import KeyMode

__all__ = ["BaseLedger", "ThresholdCallback"]

T = TypeVar("T")
logger = logging.getLogger("coze_client.ledger")

#: Called with each :class:`QuotaEvent`; may be sync or async.
ThresholdCallback = Callable[[QuotaEvent], object]


class BaseLedger:
    """Common code of the ledger backends; a backend only supplies transactions over its rows.

    Args:
        plans: plan(s) whose quotas apply to every account of their provider (``plan.provider``);
            bind one account to its own plan with `bind`.
        clock: returns the current aware datetime (inject one in tests).
        thresholds: fractions of a ``block``/``warn`` quota's limit that trigger a warning.
        on_threshold: called with a `QuotaEvent` at each crossing.
    """

    #: The backend's name in error messages.
    backend = "memory"

    def __init__(
        self,
        plans: Plan | Iterable[Plan] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        thresholds: Sequence[float] = (0.8, 1.0),
        on_threshold: ThresholdCallback | None = None,
    ) -> None:
        self._book = QuotaBook()
        self._held: dict[tuple[str, str, str, str], float] = {}  # quota kept aside by held calls
        self._hold_lock = threading.Lock()
        self._closed = False
        self._background: set[asyncio.Task[Any]] = set()  # callbacks of batched writes still running
        self._accounts_ok: set[tuple[str, str]] = set()
        self._clock = clock or _core.now_utc
        self._thresholds = tuple(sorted(thresholds))
        self.on_threshold = on_threshold
        for plan in [plans] if isinstance(plans, Plan) else list(plans or ()):
            self.bind(plan.provider, "*", plan)

    # -- the backend's part -------------------------------------------------------------------
    async def _transact(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn`` on the rows in one atomic, durable transaction."""
        raise NotImplementedError

    async def _count(self, fn: Callable[[Store], T]) -> T:
        """A mark's transaction: like `_transact`, but it may go ahead of batched settlements still queued."""
        return await self._transact(fn)

    def _mark_step(self, res: LedgerReservation, now: datetime) -> Callable[[Store], list[QuotaEvent]]:
        """The transaction step that counts the held call of ``res`` in its rows at ``now``."""
        thresholds = self._thresholds

        def run(store: Store) -> list[QuotaEvent]:
            self._release(res)  # in the same step as the count: never seen twice, never missing
            return _core.mark_in(store, res, res.entries, now, thresholds)

        return run

    async def _count_call(self, res: LedgerReservation, now: datetime, rows: _core.CallRows) -> list[QuotaEvent]:
        """Count a held call of a guarded plan durably: by default one transaction of `_mark_step`.

        A backend may count it otherwise, as long as the count is durable when this returns.
        """
        return await self._count(self._mark_step(res, now))

    async def _freed_soon(self, keys: Sequence[tuple[str, str, str, str]]) -> bool:
        """True when calls counted ahead by other processes in these rows may soon be given back."""
        return False

    def _ahead_elsewhere(self, store: Store, key: tuple[str, str, str, str]) -> int:
        """Inside a transaction: calls other processes counted ahead in row ``key``, not used yet or not."""
        return 0

    async def _give_back(self) -> None:
        """Give back what this ledger counted ahead and did not use (before reading or correcting rows)."""

    async def _peek(self, fn: Callable[[Store], T], *, fresh: bool = False) -> T:
        """Run ``fn`` on the rows to read them (it writes nothing); by default a transaction.

        A backend may answer from rows it confirmed current a moment ago unless ``fresh`` is set.
        """
        return await self._transact(fn)

    async def _write_later(self, fn: Callable[[Store], list[QuotaEvent]]) -> list[QuotaEvent]:
        """Run ``fn`` in a transaction that need not be committed before returning (a backend may batch it).

        Returns the events of ``fn`` when it ran now; a batching backend emits them itself and returns [].
        """
        return await self._transact(fn)

    async def _rows(self) -> list[Row]:
        """Every stored row."""
        raise NotImplementedError

    async def _delete(self, provider: str | None, account: str | None, quota: str | None) -> int:
        """Delete matching rows (None matches anything); return how many."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release resources; later calls raise `LedgerError`."""
        self._closed = True

    # -- plans ----------------------------------------------------------------------------------
    def bind(self, provider: str, account: str, plan: Plan | None, *, key_mode: KeyMode = "gptbots") -> None:
        """Apply ``plan``'s quotas to ``account`` of ``provider`` (``"*"``: every account without its own).

        ``"name:*"`` binds every sub-account ``name:<x>`` (EasyDL's services). A different plan (or key
        mode) for an account that already has one raises `PlanConflictError`.

        ``key_mode`` (GPTBots: ``"gptbots"`` or ``"own"``) picks the credit price column for estimates.
        ``account`` must be a name or `fingerprint`, never a token.

        Args:
            provider: the provider the plan is for (``"coze"``, ``"xingchen"``, ...); must be ``plan.provider``.
            account: the account name, ``"*"`` for every account without its own, or ``"name:*"``.
            plan: the plan whose quotas apply; ``None`` binds no quota (calls are counted, never refused).
            key_mode: GPTBots only: ``"gptbots"`` (default, the platform's key) or ``"own"`` (your model key).

        Examples:
            ```python
            ledger = MemoryLedger()
            ledger.bind("coze", "team-a", get_plan("coze.personal_free"))
            ```
        """
        _check_account(account)
        if plan is not None and plan.provider != provider:
            raise ValidationError(f"plan {plan.name!r} is for {plan.provider!r}, not {provider!r}")
        self._book.bind(provider, account, plan, key_mode)

    # -- the corridor's calls ---------------------------------------------------------------------
    async def hold(self, call: CallInfo) -> LedgerReservation:
        """Keep a place for ``call`` before the limiter wait, or raise QuotaExhaustedError at once.

        Nothing is written: a held call is not counted, so a process killed while its calls wait
        loses none of the account's quota. `mark` counts it just before the send.

        Args:
            call: the call about to be sent: provider, account, endpoint groups, points, model.
        """
        self._check_open()
        if (call.provider, call.account) not in self._accounts_ok:
            _check_account(call.account)
            self._accounts_ok.add((call.provider, call.account))
        res = _core.new_reservation(call)
        rows_of_call = self._book.rows_for(call, self._clock())
        guards = rows_of_call.guards
        if not guards:
            return res  # nothing can refuse this call: no read, no write
        provider, account = call.provider, call.account
        if self._hold_ahead(res, rows_of_call.guard_keys):
            return res

        def read(store: Store) -> list[Row]:
            return [_core.load_row(store, e, provider, account) for e in guards]

        rows = await self._peek(read)
        for fresh in (False, True):
            with self._hold_lock:  # check and keep aside in one step (holds of other tasks and threads)
                try:
                    res.holds = _core.check_hold(rows, call, self._held_view(rows))
                except QuotaExhaustedError as exc:
                    if fresh:
                        refused = exc
                        break
                else:
                    for key, amount in res.holds:
                        self._held[key] = self._held.get(key, 0.0) + amount
                    return res
            rows = await self._peek(read, fresh=True)  # refuse only on rows read just now
        # Calls other processes counted ahead and will give back unused: the mark decides on exact counts.
        if await self._freed_soon([row.key for row in rows]):
            return res
        raise refused

    def _hold_ahead(self, res: LedgerReservation, keys: tuple[tuple[str, str, str, str], ...]) -> bool:
        """Hold ``res`` on calls this ledger counted ahead in rows ``keys``, when they cover it (no read).

        False here: only a backend that counts calls ahead (sqlite) can.
        """
        return False

    def _held_view(self, rows: Sequence[Row]) -> dict[tuple[str, str, str, str], float]:
        """What held calls keep aside per row (a backend that counts calls ahead takes those off)."""
        return self._held

    async def mark(self, reservation: object) -> None:
        """Count a held call, durably, in the periods of now (the send time): it may leave from here on.

        Raises QuotaExhaustedError (and drops the hold) when the quota was used up meanwhile, by another
        process; the call must then not be sent. Committed when this returns.

        Args:
            reservation: the reservation `hold` returned; one not held (already marked or closed) is left alone.
        """
        res = self._own(reservation)
        if res is None or res.state != "held":
            return
        try:
            self._check_open()
            assert res.call is not None
            now = self._clock()
            rows_of_call = self._book.rows_for(res.call, now)
            res.entries = rows_of_call.entries
            if len(res.entries) > 1:  # a quota of the plan: durable before the send
                events = await self._count_call(res, now, rows_of_call)
            else:  # only the implicit monthly row: nothing to guard, it may be written in a batch
                events = await self._write_later(self._mark_step(res, now))
        except BaseException:
            self._release(res)
            res.state = "cancelled"
            raise
        res.state = "open"
        if events:
            await self._emit(events)

    async def reserve(self, call: CallInfo) -> LedgerReservation:
        """Hold and mark ``call`` at once: count it now, or raise QuotaExhaustedError (nothing counted).

        The reservation is committed when this returns. The corridor holds before the limiter wait and
        marks before the send instead (`hold`, `mark`).

        Args:
            call: the call about to be sent: provider, account, endpoint groups, points, model.
        """
        res = await self.hold(call)
        await self.mark(res)
        return res

    async def settle(self, reservation: object, usage: Usage | None = None) -> None:
        """Keep the reserved call and add the usage (tokens, points, credits) and its estimated cost.

        EasyDL: settle failed calls too (they use free points); ``usage.extra["failed"] = 1`` keeps
        them out of the billed cost. A held call that is settled is counted first, past any limit (it
        may have reached the server). Usage that no quota of the account watches may be written in a
        batch shortly after this returns (the call itself was counted at its mark).

        Args:
            reservation: the reservation `hold` or `reserve` returned; one already settled or cancelled is ignored.
            usage: what the response reported; ``None`` when it reported nothing (the call still counts).
        """
        res = self._own(reservation)
        if res is None:
            return
        self._check_open()
        was_held = res.state == "held"
        guarded = was_held or self._book.usage_guarded(res.provider, res.account)
        if not guarded and self._settle_merged(res, usage):
            res.state = "settled"
            return
        key_mode = self._book.binding(res.provider, res.account).key_mode
        now = self._clock()
        thresholds = self._thresholds
        if was_held:
            assert res.call is not None
            res.entries = self._book.entries_for(res.call, now)

        def run(store: Store) -> list[QuotaEvent]:
            events: list[QuotaEvent] = []
            if was_held:
                self._release(res)
                events += _core.mark_in(store, res, res.entries, now, thresholds, check=False)
            return events + _core.settle_in(store, res, usage, now, thresholds, key_mode)

        res.state = "settled"
        if guarded:
            await self._emit(await self._transact(run))
        else:
            await self._emit(await self._write_later(run))

    def _settle_merged(self, res: LedgerReservation, usage: Usage | None) -> bool:
        """Add a settlement nobody waits for to a merged one (a backend that batches may); False if not."""
        return False

    async def cancel(self, reservation: object) -> None:
        """Give the reservation back: only when the call certainly never reached the server.

        Args:
            reservation: the reservation `hold` or `reserve` returned; one already settled or cancelled is ignored.
        """
        res = self._own(reservation)
        if res is None:
            return
        if res.state == "held":  # never marked: nothing was counted
            self._release(res)
            res.state = "cancelled"
            return
        self._check_open()
        if res.credit and self._uncredit(res):  # it used calls counted ahead: they are its again
            res.state = "cancelled"
            return
        now = self._clock()
        await self._transact(lambda store: _core.cancel_in(store, res, now))
        res.state = "cancelled"

    def _uncredit(self, res: LedgerReservation) -> bool:
        """Put the calls counted ahead that ``res`` used back, if their grant is still held; else False."""
        return False

    def _release(self, res: LedgerReservation) -> None:
        """Drop what ``res`` held aside (once)."""
        if not res.holds:
            return
        with self._hold_lock:
            self._drop_holds(res)

    def _drop_holds(self, res: LedgerReservation) -> None:
        """Drop what ``res`` held aside; the caller holds ``_hold_lock``."""
        for key, amount in res.holds:
            left = self._held.get(key, 0.0) - amount
            if left > 1e-9:
                self._held[key] = left
            else:
                self._held.pop(key, None)
        res.holds = ()

    def _own(self, reservation: object) -> LedgerReservation | None:
        if not isinstance(reservation, LedgerReservation):
            raise TypeError(f"not a reservation of this ledger: {type(reservation).__name__}")
        if reservation.state not in ("held", "open"):
            # The corridor may close twice on an error path; the first close is the truth.
            logger.debug("reservation %s already %s; ignored", reservation.id, reservation.state)
            return None
        return reservation

    def _check_open(self) -> None:
        if self._closed:
            raise LedgerError(
                f"{self!r} is closed; open a new ledger (or a new client) to go on counting calls",
                backend=self.backend,
                path=self._path_text(),
            )

    def _path_text(self) -> str | None:
        return None

    async def _emit(self, events: list[QuotaEvent]) -> None:
        """Log the events and run the user's callback on each: it can never change what was counted.

        The rows are already written when this runs; an exception in the callback (sync or async) is
        logged and swallowed, so a failing callback never costs a call (issue 14, point 4).
        """
        if not events:
            return
        for result in _core.emit(events, self.on_threshold):
            if inspect.isawaitable(result):
                try:
                    await result
                except Exception as exc:  # the user's code: log it, keep the count
                    _core.callback_failed(exc)

    def _emit_later(self, events: list[QuotaEvent]) -> None:
        """Log and report the events of a batched write (nobody awaits it): async callbacks run as tasks."""
        if not events:
            return
        for result in _core.emit(events, self.on_threshold):
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(_guarded(result))
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    # -- truth fed back, and reading ----------------------------------------------------------------
    async def set_used(self, provider: str, account: str, quota: str, value: float) -> SnapshotRow:
        """Make the current bucket of ``quota`` report ``value`` used (e.g. from the provider console).

        The quota must belong to the bound plan, or already have rows (a CLI without plans).

        Args:
            provider: the provider (``"coze"``, ``"xingchen"``, ...).
            account: the account name (never a token).
            quota: the quota's name in the plan (or ``"usage"``).
            value: the amount used, in the quota's unit; must be >= 0.

        Examples:
            ```python
            await ledger.set_used("coze", "team-a", "free_calls", 480)
            ```
        """
        if value < 0:
            raise ValidationError(f"used must be >= 0, got {value}")
        _check_account(account)
        found = self._book.track(provider, account, quota)
        if found is None:
            found = await self._track_from_rows(provider, account, quota)
        track, tz = found
        await self._give_back()
        now = self._clock()

        def run(store: Store) -> Row:
            return _core.set_used_in(store, provider, account, track, tz, value, now, self._ahead_elsewhere)

        row = await self._transact(run)
        return _core.to_snapshot(row)

    async def _track_from_rows(self, provider: str, account: str, quota: str) -> tuple[_core.Track, str]:
        rows = [r for r in await self._rows() if r.key[:3] == (provider, account, quota)]
        if not rows:
            raise ValidationError(
                f"unknown quota {quota!r} for {provider}/{account}: bind its plan first (or pass --plan)"
            )
        r = max(rows, key=lambda x: x.period_key)
        return _core.Track(r.quota, r.unit, r.limit, r.period, "all", r.policy, r.lockout), r.timezone

    async def reset(self, provider: str | None = None, account: str | None = None, quota: str | None = None) -> int:
        """Forget the counts of the matching rows, every period (None matches anything). Returns rows removed.

        Args:
            provider: only rows of this provider; ``None`` (default) matches any.
            account: only rows of this account; ``None`` matches any.
            quota: only rows of this quota; ``None`` matches any.
        """
        await self._give_back()
        return await self._delete(provider, account, quota)

    async def snapshot(
        self, *, provider: str | None = None, account: str | None = None, current_only: bool = True
    ) -> list[SnapshotRow]:
        """Rows for display: provider, account, quota, period, used, limit, left, resets_at, cost, currency.

        Current buckets only unless ``current_only=False``; quotas of bound accounts show even unused.

        Args:
            provider: only rows of this provider; ``None`` (default) shows every provider.
            account: only rows of this account; ``None`` shows every account.
            current_only: True (default) shows only the buckets of the current periods; False also past ones.

        Examples:
            ```python
            for row in await ledger.snapshot():
                print(row.quota, row.used, row.left)
            ```
        """
        await self._give_back()
        rows = await self._rows()
        return _core.build_snapshot(
            rows, self._book, self._clock(), current_only=current_only, provider=provider, account=account
        )


async def _guarded(result: Awaitable[object]) -> None:
    try:
        await result
    except Exception as exc:  # the user's code: log it, keep the count
        _core.callback_failed(exc)


def _check_account(account: str) -> None:
    """Refuse an account that looks like a token: the ledger stores accounts in clear."""
    if not account or redact(account) != account:
        raise ValidationError(
            "ledger accounts must be a name or coze_client._secrets.fingerprint(token), never a token"
        )

"""An in-process ledger: exact across the tasks of one process, forgotten when it exits.

Examples:
    ```python
    ledger = MemoryLedger(get_plan("coze.personal_free"))
    res = await ledger.reserve(call)          # QuotaExhaustedError at the 501st call
    await ledger.settle(res, usage)
    ```
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from ..limits.plans import Plan
from ._base import BaseLedger, ThresholdCallback
from ._core import Row, Store

__all__ = ["MemoryLedger"]

T = TypeVar("T")


class _DictStore:
    """Copy-on-read store, so a transaction that raises half-way leaves nothing behind."""

    def __init__(self, rows: dict[tuple[str, str, str, str], Row]) -> None:
        self.rows = rows
        self.pending: dict[tuple[str, str, str, str], Row] = {}

    def get(self, key: tuple[str, str, str, str]) -> Row | None:
        row = self.pending.get(key) or self.rows.get(key)
        return row.copy() if row is not None else None

    def put(self, row: Row) -> None:
        self.pending[row.key] = row


class MemoryLedger(BaseLedger):
    """A ledger in a dict. Atomic under a lock; no I/O, so it runs in the event loop directly.

    Takes the same arguments as `BaseLedger` (plans, clock, thresholds,
    on_threshold).

    Args:
        plans: plan(s) whose quotas apply to every account of their provider; ``None`` binds none.
        clock: returns the current aware datetime; ``None`` (default) uses the real UTC time (tests inject one).
        thresholds: fractions of a ``block``/``warn`` quota's limit that trigger a `QuotaEvent`
            (default 0.8 and 1.0).
        on_threshold: called (sync or async) with each `QuotaEvent`; its exceptions are logged, never raised.
    """

    def __init__(
        self,
        plans: Plan | Iterable[Plan] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        thresholds: Sequence[float] = (0.8, 1.0),
        on_threshold: ThresholdCallback | None = None,
    ) -> None:
        super().__init__(plans, clock=clock, thresholds=thresholds, on_threshold=on_threshold)
        self._data: dict[tuple[str, str, str, str], Row] = {}
        # A thread lock, not an asyncio one: the critical section never awaits, and a ledger
        # shared between event loops in several threads stays exact.
        self._lock = threading.Lock()

    async def _transact(self, fn: Callable[[Store], T]) -> T:
        with self._lock:
            store = _DictStore(self._data)
            result = fn(store)
            self._data.update(store.pending)
            return result

    async def _rows(self) -> list[Row]:
        with self._lock:
            return [r.copy() for r in self._data.values()]

    async def _delete(self, provider: str | None, account: str | None, quota: str | None) -> int:
        with self._lock:
            doomed = [k for k in self._data if _match(k, provider, account, quota)]
            for key in doomed:
                del self._data[key]
            return len(doomed)


def _match(key: tuple[str, str, str, str], provider: str | None, account: str | None, quota: str | None) -> bool:
    return (
        (provider is None or key[0] == provider)
        and (account is None or key[1] == account)
        and (quota is None or key[2] == quota)
    )

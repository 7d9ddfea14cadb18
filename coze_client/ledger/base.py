"""The seam between the corridor and any usage-ledger backend (memory, sqlite, redis).

The corridor calls, for every attempt:

```python
reservation = await ledger.reserve(call)        # may raise QuotaExhaustedError; durable before return
...send...
await ledger.settle(reservation, usage)          # the attempt may have reached the server
# or
await ledger.cancel(reservation)                 # it certainly never left (connect refused, ...)
```

A reservation counts as a call from the moment ``reserve`` returns, so a process killed at any
instant never leaves the ledger counting fewer calls than reached the server. Ledgers that are
also `Marking` split ``reserve`` into ``hold`` (before the limiter wait) and ``mark`` (just
before the send), so a call killed while it waits is never counted.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .._call import CallInfo, Usage
from ..limits.plans import Plan

__all__ = ["Marking", "PlanAware", "Reservation", "UsageLedger"]


@runtime_checkable
class Reservation(Protocol):
    """A call counted before sending. Opaque to the corridor."""

    id: str


@runtime_checkable
class UsageLedger(Protocol):
    """Counts calls, tokens, points and credits per provider/account/quota/period."""

    async def reserve(self, call: CallInfo) -> Reservation:
        """Count ``call`` against every quota that applies, or refuse it with QuotaExhaustedError.

        Args:
            call: the call about to be sent: provider, account, endpoint groups, points, model.
        """
        ...

    async def settle(self, reservation: Reservation, usage: Usage | None = None) -> None:
        """Keep the reserved call and add the usage the response reported.

        Args:
            reservation: the reservation `hold` or `reserve` returned.
            usage: what the response reported; ``None`` when it reported nothing (the call still counts).
        """
        ...

    async def cancel(self, reservation: Reservation) -> None:
        """Give the reservation back: the call certainly never reached the server.

        Args:
            reservation: the reservation `hold` or `reserve` returned.
        """
        ...

    async def aclose(self) -> None:
        """Release resources."""
        ...


@runtime_checkable
class Marking(Protocol):
    """A ledger that counts a call in two steps, so a call that waits is not counted while it waits.

    The corridor, for every attempt:

    ```python
    reservation = await ledger.hold(call)   # before the limiter wait; QuotaExhaustedError at once
    ...limiter wait...
    await ledger.mark(reservation)           # just before the send: counted, durably
    ...send...; settle or cancel as above
    ```

    ``cancel`` of a held (unmarked) reservation gives back its place; nothing was counted.
    """

    async def hold(self, call: CallInfo) -> Reservation:
        """Keep a place for ``call`` (nothing counted), or refuse it with QuotaExhaustedError.

        Args:
            call: the call about to be sent: provider, account, endpoint groups, points, model.
        """
        ...

    async def mark(self, reservation: Reservation) -> None:
        """Count the held call: it may reach the server from now on. Durable when this returns.

        Args:
            reservation: the reservation `hold` returned.
        """
        ...


@runtime_checkable
class PlanAware(Protocol):
    """A ledger that can be told which plan's quotas apply to an account.

    The client does, once per (provider, account) it talks as:

    ```python
    if isinstance(ledger, PlanAware):
        ledger.bind("coze", account, plan)
    ```
    """

    def bind(self, provider: str, account: str, plan: Plan | None) -> None:
        """Apply ``plan``'s quotas to ``account`` (``"*"``: every account of ``provider``).

        Args:
            provider: the provider the plan is for (``"coze"``, ``"xingchen"``, ...).
            account: the account name (never a token), or ``"*"``.
            plan: the plan whose quotas apply; ``None`` for no quota.
        """
        ...

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
instant never leaves the ledger counting fewer calls than reached the server.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .._call import CallInfo, Usage
from ..limits.plans import Plan

__all__ = ["PlanAware", "Reservation", "UsageLedger"]


@runtime_checkable
class Reservation(Protocol):
    """A call counted before sending. Opaque to the corridor."""

    id: str


@runtime_checkable
class UsageLedger(Protocol):
    """Counts calls, tokens, points and credits per provider/account/quota/period."""

    async def reserve(self, call: CallInfo) -> Reservation:
        """Count ``call`` against every quota that applies, or refuse it with QuotaExhaustedError."""
        ...

    async def settle(self, reservation: Reservation, usage: Usage | None = None) -> None:
        """Keep the reserved call and add the usage the response reported."""
        ...

    async def cancel(self, reservation: Reservation) -> None:
        """Give the reservation back: the call certainly never reached the server."""
        ...

    async def aclose(self) -> None:
        """Release resources."""
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
        """Apply ``plan``'s quotas to ``account`` (``"*"``: every account of ``provider``)."""
        ...

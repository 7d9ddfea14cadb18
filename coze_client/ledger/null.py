"""``ledger="none://"``: count nothing, for accounts that have no quota to guard.

It refuses to be bound to a plan with a ``block`` quota (the Coze free plan's 500-call lock-out, say):
switching the ledger off must never switch a guard off by accident.

Examples:
    ```python
    from coze_client import AsyncCoze
    coze = AsyncCoze(token="pat_example_token_0000", plan="coze.personal_paid", ledger="none://")
    ```
"""

from __future__ import annotations

from dataclasses import dataclass

from .._call import CallInfo, Usage
from ..errors import ValidationError
from ..limits.plans import Plan
from .base import Reservation

__all__ = ["NullLedger"]


@dataclass(slots=True)
class _NullReservation:
    id: str = "none"


_RESERVATION = _NullReservation()


class NullLedger:
    """A ledger that records nothing and refuses nothing (see the module docstring)."""

    def bind(self, provider: str, account: str, plan: Plan | None) -> None:
        """Accept a plan only when none of its quotas would have to block a call.

        Args:
            provider: the plan's provider (not recorded).
            account: the account (not recorded).
            plan: the plan; one with a ``policy="block"`` quota raises `ValidationError`.
        """
        guarded = [q.name for q in (plan.quotas if plan else ()) if q.policy == "block"]
        if guarded:
            raise ValidationError(
                f"ledger='none://' cannot guard the quotas {guarded} of plan {plan.name if plan else ''!r}; "
                "use memory://, sqlite:///path or redis://"
            )

    async def reserve(self, call: CallInfo) -> Reservation:
        """Nothing to count.

        Args:
            call: the call (not looked at).
        """
        return _RESERVATION

    async def hold(self, call: CallInfo) -> Reservation:
        """Nothing to keep aside.

        Args:
            call: the call (not looked at).
        """
        return _RESERVATION

    async def mark(self, reservation: object) -> None:
        """Nothing to count.

        Args:
            reservation: the reservation (ignored).
        """

    async def settle(self, reservation: object, usage: Usage | None = None) -> None:
        """Nothing to record.

        Args:
            reservation: the reservation (ignored).
            usage: the usage (ignored).
        """

    async def cancel(self, reservation: object) -> None:
        """Nothing to give back.

        Args:
            reservation: the reservation (ignored).
        """

    async def aclose(self) -> None:
        """Nothing to close."""

"""The local usage ledger: calls, tokens, points and credits per account and period, and the quota guard.

Examples:
    ```python
    from coze_client.ledger import build_ledger
    ledger = build_ledger("sqlite:///tmp/ledger.sqlite3", plans=get_plan("coze.personal_free"))
    reservation = await ledger.reserve(call)   # QuotaExhaustedError instead of the 501st call
    await ledger.settle(reservation, usage)
    ```
"""

from ._base import BaseLedger, ThresholdCallback
from ._core import USAGE_QUOTA, LedgerReservation, QuotaEvent, SnapshotRow
from .base import PlanAware, Reservation, UsageLedger
from .benefits import BenefitItem, parse_benefits, quota_updates_from_benefits, user_level
from .factory import build_ledger, register_ledger_backend
from .memory import MemoryLedger
from .null import NullLedger
from .periods import period_key, resets_at
from .prices import Cost, estimate_cost
from .sqlite import SCHEMA_VERSION, SqliteLedger, default_ledger_path

__all__ = [
    "SCHEMA_VERSION",
    "USAGE_QUOTA",
    "BaseLedger",
    "BenefitItem",
    "Cost",
    "LedgerReservation",
    "MemoryLedger",
    "NullLedger",
    "PlanAware",
    "QuotaEvent",
    "Reservation",
    "SnapshotRow",
    "SqliteLedger",
    "ThresholdCallback",
    "UsageLedger",
    "build_ledger",
    "default_ledger_path",
    "estimate_cost",
    "parse_benefits",
    "period_key",
    "quota_updates_from_benefits",
    "register_ledger_backend",
    "resets_at",
    "user_level",
]

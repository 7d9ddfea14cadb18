"""Helpers shared by the ledger tests (importable; fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from coze_client._call import CallInfo
from coze_client.ledger import BaseLedger
from coze_client.limits.plans import Plan, Quota


class Clock:
    """A settable clock (aware datetimes)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


MakeLedger = Callable[..., BaseLedger]


def coze_free(limit: int = 500) -> Plan:
    return Plan(
        name="test.coze_free",
        provider="coze",
        quotas=(Quota(name="free_calls", unit="calls", limit=limit, period="ever", policy="block", lockout=True),),
    )


def chat(account: str = "team-a", provider: str = "coze", **kw: Any) -> CallInfo:
    return CallInfo(provider, account, "POST", "/v3/chat", kw.pop("groups", ("chat", "model")), **kw)

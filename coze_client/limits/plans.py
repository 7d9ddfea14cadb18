"""Plan, limit and quota records: the shape of the plan data.

The figures themselves live in :mod:`coze_client.limits.presets` (one place, as data); this module
only says what a plan *is*. A :class:`Plan` carries both the rate limits (used by the limiter) and
the quotas (used by the usage ledger), so the two never drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Limit", "LimitKind", "Plan", "Quota", "QuotaPeriod", "QuotaPolicy", "QuotaUnit"]

LimitKind = Literal["requests", "tokens", "concurrency"]
QuotaUnit = Literal["calls", "tokens", "points", "credits"]
QuotaPeriod = Literal["ever", "day", "month"]
QuotaPolicy = Literal["block", "warn", "allow"]


class Limit(BaseModel):
    """One rate limit: at most ``limit`` units of ``kind`` per ``window`` seconds for ``group``.

    ``kind="concurrency"`` ignores ``window``: at most ``limit`` calls in flight.
    ``max_per_request`` (tokens only) is the largest single request the provider accepts.

    Example:
        >>> Limit(name="chat_qps", group="chat", limit=20, window=1.0)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    group: str = Field(default="all", min_length=1)
    kind: LimitKind = "requests"
    limit: int = Field(gt=0)
    window: float = Field(default=1.0, gt=0)
    max_per_request: int | None = Field(default=None, gt=0)
    source: str = ""


class Quota(BaseModel):
    """One usage quota the ledger guards, e.g. Coze free plan: 500 calls, ever, lock-out.

    Example:
        >>> Quota(name="free_calls", unit="calls", limit=500, period="ever", lockout=True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    unit: QuotaUnit = "calls"
    limit: float = Field(ge=0)
    period: QuotaPeriod = "ever"
    group: str = Field(default="all", min_length=1)
    policy: QuotaPolicy = "block"
    lockout: bool = False
    source: str = ""


class Plan(BaseModel):
    """A provider plan tier: its rate limits and its quotas.

    Example:
        >>> from coze_client.limits import get_plan
        >>> plan = get_plan("coze.personal_free")
        >>> plan.limit("chat_qps").limit
        20
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    limits: tuple[Limit, ...] = ()
    quotas: tuple[Quota, ...] = ()
    timezone: str = "Asia/Shanghai"
    description: str = ""

    def limit(self, name: str) -> Limit:
        """The limit called ``name`` (KeyError naming the known ones otherwise)."""
        for item in self.limits:
            if item.name == name:
                return item
        raise KeyError(f"plan {self.name!r} has no limit {name!r}; known: {[x.name for x in self.limits]}")

    def quota(self, name: str) -> Quota:
        """The quota called ``name`` (KeyError naming the known ones otherwise)."""
        for item in self.quotas:
            if item.name == name:
                return item
        raise KeyError(f"plan {self.name!r} has no quota {name!r}; known: {[x.name for x in self.quotas]}")

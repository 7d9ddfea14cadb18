"""Plan, limit and quota records: the shape of the plan data.

The figures themselves live in `coze_client.limits.presets` (one place, as data); this module
only says what a plan *is*. A `Plan` carries both the rate limits (used by the limiter) and
the quotas (used by the usage ledger), so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._call import CallInfo
from ..errors import ValidationError

__all__ = ["Limit", "LimitKind", "Plan", "Quota", "QuotaPeriod", "QuotaPolicy", "QuotaUnit"]

LimitKind = Literal["requests", "tokens", "concurrency"]
QuotaUnit = Literal["calls", "tokens", "points", "credits"]
QuotaPeriod = Literal["ever", "day", "month"]
QuotaPolicy = Literal["block", "warn", "allow"]


class Limit(BaseModel):
    """One rate limit: at most ``limit`` units of ``kind`` per ``window`` seconds for ``group``.

    ``kind="concurrency"`` ignores ``window``: at most ``limit`` calls in flight.
    ``max_per_request`` (tokens only) is the largest single request the provider accepts.
    ``exclude_groups`` exempts calls of those groups (EasyDL paid: concurrency 4 for every API
    *except* high-performance image classification, which has its own limit of 10).

    Examples:
        ```python
        Limit(name="chat_qps", group="chat", limit=20, window=1.0)
        ```
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    group: str = Field(default="all", min_length=1)
    kind: LimitKind = "requests"
    limit: int = Field(gt=0)
    window: float = Field(default=1.0, gt=0)
    max_per_request: int | None = Field(default=None, gt=0)
    exclude_groups: tuple[str, ...] = ()
    source: str = ""

    def applies_to(self, call: CallInfo) -> bool:
        """True when this limit counts ``call`` (its group matches and no excluded group does).

        Args:
            call: the attempt to test, with its endpoint groups.

        Examples:
            ```python
            from coze_client._call import CallInfo
            Limit(name="chat_qps", group="chat", limit=20).applies_to(
                CallInfo("coze", "me", "POST", "/v3/chat", groups=("chat", "model")))
            # True
            ```
        """
        if not call.in_group(self.group):
            return False
        return not any(g in call.groups for g in self.exclude_groups)


class Quota(BaseModel):
    """One usage quota the ledger guards, e.g. Coze free plan: 500 calls, ever, lock-out.

    ``counted=False`` marks a quota of the plan that an API client cannot see (paid-plugin trials
    spent inside the bot, resource points spent on the web platform): the ledger never counts or
    guards it, and ``coze-client usage`` shows it as "not counted by the client" with its ``note``.
    Such a quota cannot have ``policy="block"``: a guard that counts nothing would only pretend.

    Examples:
        ```python
        Quota(name="free_calls", unit="calls", limit=500, period="ever", lockout=True)
        ```
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    unit: QuotaUnit = "calls"
    limit: float = Field(ge=0)
    period: QuotaPeriod = "ever"
    group: str = Field(default="all", min_length=1)
    policy: QuotaPolicy = "block"
    lockout: bool = False
    counted: bool = True
    note: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _no_guard_that_counts_nothing(self) -> Quota:
        if not self.counted and self.policy == "block":
            raise ValueError(
                f"quota {self.name!r} is not counted by the client, so it cannot block: "
                "use policy 'warn' or 'allow', or counted=True"
            )
        return self


class Plan(BaseModel):
    """A provider plan tier: its rate limits and its quotas.

    Examples:
        ```python
        from coze_client.limits import get_plan
        plan = get_plan("coze.personal_free")
        plan.limit("chat_qps").limit
        # 20
        ```
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    limits: tuple[Limit, ...] = ()
    quotas: tuple[Quota, ...] = ()
    timezone: str = "Asia/Shanghai"
    description: str = ""

    def limit(self, name: str) -> Limit:
        """The limit called ``name`` (KeyError naming the known ones otherwise).

        Args:
            name: the limit's name, e.g. ``"chat_qps"``.
        """
        for item in self.limits:
            if item.name == name:
                return item
        raise KeyError(f"plan {self.name!r} has no limit {name!r}; known: {[x.name for x in self.limits]}")

    def quota(self, name: str) -> Quota:
        """The quota called ``name`` (KeyError naming the known ones otherwise).

        Args:
            name: the quota's name, e.g. ``"free_calls"``.
        """
        for item in self.quotas:
            if item.name == name:
                return item
        raise KeyError(f"plan {self.name!r} has no quota {name!r}; known: {[x.name for x in self.quotas]}")

    def with_overrides(
        self,
        *,
        limits: Mapping[str, Any] | None = None,
        quotas: Mapping[str, Any] | None = None,
        name: str | None = None,
        timezone: str | None = None,
    ) -> Plan:
        """A copy of this plan with some limits or quotas changed, added or removed.

        Each value in ``limits`` / ``quotas`` is, for the record of that name:

        * a number: its new ``limit`` (admins buy extra QPS: ``{"chat_qps": 40}``);
        * a mapping of fields to change (``{"free_calls": {"policy": "warn"}}``); a name the plan
          does not have yet adds a record, which then needs its fields (``group``, ``window`` ...);
        * ``None``: remove the record.

        Malformed figures raise `ValidationError` naming the field.

        Args:
            limits: changes to the rate limits, by limit name (see above); ``None`` changes none.
            quotas: changes to the quotas, by quota name (see above); ``None`` changes none.
            name: a new name for the copy; ``None`` keeps this plan's name.
            timezone: a new IANA time zone for the quota periods (e.g. ``"UTC"``); ``None`` keeps it.

        Examples:
            ```python
            from coze_client.limits import get_plan
            plan = get_plan("coze.personal_free").with_overrides(limits={"chat_qps": 40})
            plan.limit("chat_qps").limit
            # 40
            ```
        """
        new_limits = _apply(self.name, "limit", Limit, self.limits, limits or {})
        new_quotas = _apply(self.name, "quota", Quota, self.quotas, quotas or {})
        update: dict[str, Any] = {"limits": tuple(new_limits), "quotas": tuple(new_quotas)}
        if name is not None:
            update["name"] = name
        if timezone is not None:
            update["timezone"] = timezone
        try:
            return Plan.model_validate({**self.model_dump(), **update})
        except pydantic.ValidationError as exc:
            raise ValidationError(f"plan {self.name!r}: {_explain(exc)}") from None


def _apply(
    plan: str, what: str, cls: type[Limit] | type[Quota], records: tuple[Any, ...], changes: Mapping[str, Any]
) -> list[Any]:
    """Apply ``changes`` (name -> number | mapping | None) to ``records`` of type ``cls``."""
    if not isinstance(changes, Mapping):
        raise ValidationError(f"plan {plan!r}: {what} overrides must be a mapping of name -> value")
    by_name: dict[str, Any] = {r.name: r for r in records}
    for key, change in changes.items():
        if change is None:
            if key not in by_name:
                raise ValidationError(f"plan {plan!r} has no {what} {key!r} to remove; known: {list(by_name)}")
            del by_name[key]
            continue
        if isinstance(change, bool) or not isinstance(change, (int, float, Mapping)):
            raise ValidationError(
                f"plan {plan!r}: override of {what} {key!r} must be a number, a table of fields or None; got {change!r}"
            )
        fields = {"limit": change} if not isinstance(change, Mapping) else dict(change)
        if "name" in fields and fields["name"] != key:
            raise ValidationError(f"plan {plan!r}: {what} {key!r} cannot be renamed to {fields['name']!r}")
        base = by_name[key].model_dump() if key in by_name else {"name": key}
        try:
            by_name[key] = cls.model_validate({**base, **fields, "name": key})
        except pydantic.ValidationError as exc:
            raise ValidationError(f"plan {plan!r}, {what} {key!r}: {_explain(exc)}") from None
    return list(by_name.values())


def _explain(exc: pydantic.ValidationError) -> str:
    """pydantic's errors in one line: ``field: message (got value)``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "value"
        parts.append(f"{loc}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(parts)

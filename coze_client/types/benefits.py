"""Account benefits: the effective limits of the account's plan (the Coze API overview).

``GET /v1/commerce/benefit/benefits/get?benefit_type_list=api_run_qps&resource_id=chat|workflow|plugin``
answers ``basic_info.user_level`` and ``benefit_info[]``; each entry has ``basic``, ``extra[]`` and
``effective`` blocks of ``{status, item_info{strategy, total, used, start_at, end_at}}``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .._models import CozeModel, ResponseModel
from ..limits.plans import Limit, Plan

__all__ = [
    "PLAN_FOR_USER_LEVEL",
    "BenefitBlock",
    "BenefitInfo",
    "BenefitItemInfo",
    "Benefits",
    "BenefitsBasicInfo",
    "PlanMismatch",
]

#: Plan preset matching each ``user_level`` (plans.md Coze table, coze-api.md §2.4: 20 / 100 / 200 / 500 chat QPS
#: for free / personal / team / enterprise). ``v1_pro_instance`` has no matching preset.
PLAN_FOR_USER_LEVEL = {
    "free": "coze.personal_free",
    "pro_personal": "coze.personal_paid",
    "team": "coze.enterprise_standard",
    "enterprise": "coze.enterprise_flagship",
}


class BenefitItemInfo(ResponseModel):
    """The figures of one benefit block."""

    model_config = ConfigDict(extra="allow")

    strategy: str | None = None
    total: float | None = None
    used: float | None = None
    start_at: int | None = None
    end_at: int | None = None


class BenefitBlock(ResponseModel):
    """One block (basic, extra or effective) of a benefit."""

    model_config = ConfigDict(extra="allow")

    status: str | None = None
    item_info: BenefitItemInfo | None = None


class BenefitInfo(ResponseModel):
    """One benefit, e.g. ``api_run_qps`` for resource ``chat``."""

    model_config = ConfigDict(extra="allow")

    benefit_type: str = ""
    resource_id: str = ""
    basic: BenefitBlock | None = None
    extra: list[BenefitBlock] = Field(default_factory=list)
    effective: BenefitBlock | None = None

    @property
    def effective_total(self) -> float | None:
        """The figure in force: ``effective`` when present, else ``basic`` plus valid ``extra`` packs."""
        if self.effective is not None and self.effective.item_info is not None \
                and self.effective.item_info.total is not None:
            return self.effective.item_info.total
        if self.basic is None or self.basic.item_info is None or self.basic.item_info.total is None:
            return None
        extra = sum(b.item_info.total or 0.0 for b in self.extra
                    if b.item_info is not None and (b.status in (None, "", "valid")))
        return self.basic.item_info.total + extra


class BenefitsBasicInfo(ResponseModel):
    """Who the account is: ``user_level`` is free, pro_personal, team, enterprise or v1_pro_instance."""

    model_config = ConfigDict(extra="allow")

    user_level: str | None = None


class Benefits(CozeModel):
    """The account's benefits (``coze.benefits.retrieve``).

    Examples:
        ```python
        b = Benefits.model_validate({"basic_info": {"user_level": "free"}, "benefit_info": [
            {"benefit_type": "api_run_qps", "resource_id": "chat",
             "effective": {"status": "valid", "item_info": {"total": 20}}}]})
        b.qps(), b.suggested_plan
        # ({'chat': 20.0}, 'coze.personal_free')
        ```
    """

    basic_info: BenefitsBasicInfo = Field(default_factory=BenefitsBasicInfo)
    benefit_info: list[BenefitInfo] = Field(default_factory=list)

    @property
    def user_level(self) -> str | None:
        """The account's level."""
        return self.basic_info.user_level

    @property
    def suggested_plan(self) -> str | None:
        """The limiter preset that matches the account's level, or None when none does."""
        return PLAN_FOR_USER_LEVEL.get(self.user_level or "")

    def qps(self, benefit_type: str = "api_run_qps") -> dict[str, float]:
        """Effective QPS per resource (``chat``, ``workflow``, ``plugin``), extra QPS packs included.

        Args:
            benefit_type: the benefit whose totals to read; default ``"api_run_qps"``, the API's QPS.
        """
        out: dict[str, float] = {}
        for info in self.benefit_info:
            total = info.effective_total
            if info.benefit_type == benefit_type and total is not None:
                out[info.resource_id] = total
        return out

    def to_limits(self) -> list[Limit]:
        """The effective QPS as limiter records named like the presets (``chat_qps``, ``workflow_qps``, ...).

        Feed them to ``plan.with_overrides`` to run the limiter at the account's real figures.

        Examples:
            ```python
            b = Benefits.model_validate({"benefit_info": [{"benefit_type": "api_run_qps",
                "resource_id": "workflow", "effective": {"item_info": {"total": 60}}}]})
            [(lim.name, lim.group, lim.limit) for lim in b.to_limits()]
            # [('workflow_qps', 'workflow', 60)]
            ```
        """
        return [
            Limit(name=f"{resource}_qps", group=resource, kind="requests", limit=max(1, int(total)), window=1.0,
                  source="GET /v1/commerce/benefit/benefits/get (effective api_run_qps)")
            for resource, total in self.qps().items() if total >= 1
        ]

    def check_plan(self, plan: Plan) -> list[PlanMismatch]:
        """Where ``plan``'s QPS limits differ from what the server says is in force (empty: they agree).

        Args:
            plan: the limiter plan to compare, e.g. ``PRESETS["coze.personal_free"]`` from ``coze_client.limits``.

        Examples:
            ```python
            from coze_client.limits import PRESETS
            b = Benefits.model_validate({"benefit_info": [{"benefit_type": "api_run_qps",
                "resource_id": "chat", "effective": {"item_info": {"total": 100}}}]})
            [(m.limit, m.plan_value, m.server_value) for m in b.check_plan(PRESETS["coze.personal_free"])]
            # [('chat_qps', 20, 100)]
            ```
        """
        out: list[PlanMismatch] = []
        for limit in self.to_limits():
            try:
                mine: int | None = plan.limit(limit.name).limit
            except KeyError:
                mine = None
            if mine != limit.limit:
                out.append(PlanMismatch(limit=limit.name, plan_value=mine, server_value=limit.limit))
        return out


class PlanMismatch(BaseModel):
    """One limit where a plan preset and the account's effective benefits disagree."""

    limit: str
    plan_value: int | None
    server_value: int

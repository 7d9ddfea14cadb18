"""End-user benefit limitations and bill export tasks (pages 创建/查询/更新终端用户的权益额度,
导出终端用户账单, 查询账单文件).

These are **server-side** quotas per end user (a device or a custom consumer) of an enterprise flagship
account: the service stops an end user at the limit. The client's ledger is a local guard per account;
the two never count the same thing (see the docs page "End-user benefits").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._models import CozeModel
from ._common import Id, RequestItem

__all__ = ["BenefitLimitation", "BenefitLimitationInput", "BillTask", "EntityType"]

EntityType = Literal[
    "enterprise_all_devices", "enterprise_all_custom_consumers", "single_device", "single_custom_consumer",
    "coze_user_id", "coze_role", "coze_workspace", "coze_organization",
]


class BenefitLimitationInput(RequestItem):
    """The limit to create: ``limit`` points (or seconds of voice), reset every ``trigger_time`` units."""

    benefit_type: Literal["resource_point", "voice_unified_duration_system", "voice_unified_duration_custom"] = \
        "resource_point"
    active_mode: Literal["absolute_time"] = "absolute_time"
    started_at: int
    ended_at: int
    limit: int = Field(ge=0)
    status: Literal["valid", "frozen", "cancel"] | None = None
    trigger_unit: Literal["never", "minute", "hour", "day"] | None = None
    trigger_time: int | None = Field(default=None, ge=1)


class BenefitLimitation(CozeModel):
    """A limit the server enforces on an end user (or all of them), as configured.

    The API reports the configured ``limit`` and its period, not what an end user used: usage comes
    from the exported bills (``bill_tasks``).
    """

    benefit_id: Id = None
    benefit_type: str | None = None
    active_mode: str | None = None
    started_at: int | None = None
    ended_at: int | None = None
    limit: float | None = None
    status: str | None = None
    entity_type: str | None = None
    entity_id: Id = None
    trigger_unit: str | None = None
    trigger_time: int | None = None

    @property
    def period(self) -> str:
        """``ever`` for a cumulative limit, else e.g. ``1 day``."""
        if self.trigger_unit in (None, "", "never"):
            return "ever"
        return f"{self.trigger_time or 1} {self.trigger_unit}"


class BillTask(CozeModel):
    """An end-user bill export: ``status`` init, running, succeed or failed; ``file_urls`` once done."""

    task_id: Id = None
    status: str | None = None
    started_at: int | None = None
    ended_at: int | None = None
    created_at: int | None = None
    expires_at: int | None = None
    file_urls: list[str] | str | None = None

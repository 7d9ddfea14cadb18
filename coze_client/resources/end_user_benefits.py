"""End-user benefit limitations and bill exports (pages 创建终端用户权益额度, 查询终端用户的权益配额,
更新终端用户的权益额度, 导出终端用户账单, 查询账单文件).

These quotas are kept by the **server**, per end user (a device or a custom consumer), for enterprise
flagship accounts: the service stops an end user at its limit. The client's ledger is a different thing,
a **local** guard per account that refuses a call before it is sent. See docs "End-user benefits".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from typing_extensions import Unpack

from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator
from ..types.end_user_benefits import BenefitLimitation, BenefitLimitationInput, BillTask, EntityType
from ._base import APIResource, RequestOptions, ids_of, number_pager, options_of, require, token_pager

__all__ = ["AsyncBenefitLimitations", "AsyncBillTasks"]

LIMIT_CREATE = Endpoint("POST", "/v1/commerce/benefit/limitations")
LIMIT_LIST = Endpoint("GET", "/v1/commerce/benefit/limitations")
LIMIT_UPDATE = Endpoint("PUT", "/v1/commerce/benefit/limitations/{benefit_id}")
BILL_CREATE = Endpoint("POST", "/v1/commerce/benefit/bill_tasks")
BILL_LIST = Endpoint("GET", "/v1/commerce/benefit/bill_tasks")

_NEEDS_ID = {"single_device", "single_custom_consumer", "coze_user_id", "coze_role", "coze_workspace",
             "coze_organization"}
_BENEFIT_TYPES = ("resource_point", "voice_unified_duration_system", "voice_unified_duration_custom")


def _entity(entity_type: str, entity_id: str | None, *, need_id: bool = True) -> None:
    if entity_type not in EntityType.__args__:  # type: ignore[attr-defined]
        raise ValidationError(f"entity_type must be one of {', '.join(EntityType.__args__)}")  # type: ignore[attr-defined]
    if need_id and entity_type in _NEEDS_ID and not entity_id:
        raise ValidationError(f"entity_id is required when entity_type is {entity_type}")


def _limitation(payload: Any) -> BenefitLimitation:
    """The create/update answer: the limitation itself, or nested as ``benefit_info``."""
    if isinstance(payload, Mapping) and isinstance(payload.get("benefit_info"), Mapping):
        payload = {**payload["benefit_info"], **{k: v for k, v in payload.items() if k != "benefit_info"}}
    return BenefitLimitation.model_validate(payload or {})


class AsyncBenefitLimitations(APIResource):
    """``coze.benefit_limitations``: server-side usage limits per end user."""

    async def create(self, *, entity_type: EntityType, benefit_info: BenefitLimitationInput | Mapping[str, Any],
                     entity_id: str | None = None, **options: Unpack[RequestOptions]) -> BenefitLimitation:
        """Create a limit: e.g. every device gets 1000 points a day.

        Args:
            entity_type: who the limit applies to: ``"enterprise_all_devices"``,
                ``"enterprise_all_custom_consumers"``, ``"single_device"``, ``"single_custom_consumer"``,
                ``"coze_user_id"``, ``"coze_role"``, ``"coze_workspace"`` or ``"coze_organization"``.
            benefit_info: the limit: a ``BenefitLimitationInput`` or a dict of its fields (``limit``, ``started_at`` /
                ``ended_at`` as Unix seconds, ``trigger_unit``, ``trigger_time``, ...).
            entity_id: the device, consumer, user, role, workspace or organization id; required for the ``single_*``
                and ``coze_*`` entity types.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.benefit_limitations.create(entity_type="enterprise_all_devices",
                benefit_info={"limit": 1000, "started_at": 1743004800, "ended_at": 253402300799,
                              "trigger_unit": "day", "trigger_time": 1})
            ```
        """
        _entity(entity_type, entity_id)
        info = validate(BenefitLimitationInput, benefit_info, "benefit_info")
        return await self._corridor.request(
            LIMIT_CREATE, _limitation,
            json={"entity_type": entity_type, "entity_id": entity_id,
                  "benefit_info": info.model_dump(mode="json", exclude_none=True)},
            options=options_of(options))

    def list(self, *, entity_type: EntityType, benefit_type: str = "resource_point", entity_id: str | None = None,
             status: Literal["valid", "frozen", "cancel"] | None = None, page_token: str | None = None,
             page_size: int = 20, **options: Unpack[RequestOptions]) -> AsyncPaginator[BenefitLimitation]:
        """The limits configured for an entity type (page token, page size 1-200).

        Args:
            entity_type: the entity type whose limits to list (the values of `create`).
            benefit_type: ``"resource_point"`` (default), ``"voice_unified_duration_system"`` or
                ``"voice_unified_duration_custom"``.
            entity_id: only the limits of this entity (``None``: all of the type).
            status: only limits in this state: ``"valid"``, ``"frozen"`` or ``"cancel"`` (``None``: any).
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page, 1-200.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for lim in coze.benefit_limitations.list(entity_type="enterprise_all_devices"):
                print(lim.entity_id, lim.limit, lim.period)
            ```
        """
        _entity(entity_type, entity_id, need_id=False)
        if benefit_type not in _BENEFIT_TYPES:
            raise ValidationError(f"benefit_type must be one of {', '.join(_BENEFIT_TYPES)}")
        if not 1 <= page_size <= 200:
            raise ValidationError("page_size must be 1-200")
        return token_pager(self._corridor, LIMIT_LIST, BenefitLimitation.model_validate, "benefit_infos",
                           {"entity_type": entity_type, "entity_id": entity_id, "benefit_type": benefit_type,
                            "status": status, "page_token": page_token, "page_size": page_size}, options,
                           token_key="page_token")

    async def update(self, *, benefit_id: str, limit: int | None = None,
                     status: Literal["valid", "frozen", "cancel"] | None = None, started_at: int | None = None,
                     ended_at: int | None = None, trigger_unit: Literal["never", "minute", "hour", "day"] | None = None,
                     trigger_time: int | None = None, active_mode: Literal["absolute_time"] | None = None,
                     **options: Unpack[RequestOptions]) -> BenefitLimitation:
        """Change a limit (only the fields you give).

        Args:
            benefit_id: the limit's id.
            limit: the new amount (points, or seconds of voice), >= 0.
            status: ``"valid"``, ``"frozen"`` or ``"cancel"``.
            started_at: when the limit starts, Unix seconds.
            ended_at: when the limit ends, Unix seconds.
            trigger_unit: the reset period's unit: ``"never"``, ``"minute"``, ``"hour"`` or ``"day"``.
            trigger_time: how many ``trigger_unit`` units between resets.
            active_mode: ``"absolute_time"`` (the only mode). Each field left ``None`` is unchanged; give at least
                one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.benefit_limitations.update(benefit_id="123...", limit=2000)
            ```
        """
        body = {"active_mode": active_mode, "started_at": started_at, "ended_at": ended_at, "limit": limit,
                "status": status, "trigger_unit": trigger_unit, "trigger_time": trigger_time}
        if all(v is None for v in body.values()):
            raise ValidationError("give at least one field to change")
        if limit is not None and limit < 0:
            raise ValidationError("limit must be >= 0")
        return await self._corridor.request(
            LIMIT_UPDATE, _limitation, path_params={"benefit_id": require("benefit_id", benefit_id)}, json=body,
            options=options_of(options))


class AsyncBillTasks(APIResource):
    """``coze.bill_tasks``: exports of end users' bills (usage per device, by day)."""

    async def create(self, *, started_at: int | None = None, ended_at: int | None = None,
                     **options: Unpack[RequestOptions]) -> BillTask:
        """Start an export of whole days (the service rounds to 00:00:00 and 23:59:59; not today).

        Args:
            started_at: the first day to export, Unix seconds (rounded down to 00:00:00 by the service).
            ended_at: the last day to export, Unix seconds (rounded up to 23:59:59; not today; not before
                ``started_at``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            task = await coze.bill_tasks.create(started_at=1743004800, ended_at=1743091199)
            ```
        """
        if started_at is not None and ended_at is not None and ended_at < started_at:
            raise ValidationError("ended_at must not be before started_at")
        return await self._corridor.request(BILL_CREATE, BillTask.model_validate,
                                            json={"started_at": started_at, "ended_at": ended_at},
                                            options=options_of(options))

    def list(self, *, task_ids: Sequence[str] | str | None = None, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[BillTask]:
        """Export tasks and their files (``file_urls`` when ``status`` is succeed; links last 7 days).

        Args:
            task_ids: only these tasks (one string is a list of one); ``None``: all.
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for task in coze.bill_tasks.list():
                print(task.task_id, task.status, task.file_urls)
            ```
        """
        ids = ",".join(ids_of("task_ids", task_ids)) if task_ids else None
        return number_pager(self._corridor, BILL_LIST, BillTask.model_validate, "task_infos",
                            {"task_ids": ids, "page_num": page_num, "page_size": page_size}, options)

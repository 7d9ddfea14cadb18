"""Account benefits (reference coze-api.md §2.4): the plan limits in force, to pick or check a plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .._request import Endpoint
from .._transport import TimeoutTypes
from ..errors import ValidationError
from ..types.benefits import Benefits
from ._base import APIResource, opts

__all__ = ["AsyncBenefits"]

RETRIEVE = Endpoint("GET", "/v1/commerce/benefit/benefits/get")


class AsyncBenefits(APIResource):
    """``coze.benefits``."""

    async def retrieve(
        self, *, benefit_type_list: Sequence[str] = ("api_run_qps",),
        resource_id: Literal["chat", "workflow", "plugin"] | str | None = None,
        timeout: TimeoutTypes = None, max_retries: int | None = None,
    ) -> Benefits:
        """The account's level and effective benefits (QPS per resource by default).

        Use :meth:`Benefits.qps`, :meth:`Benefits.to_limits`, :attr:`Benefits.suggested_plan` and
        :meth:`Benefits.check_plan` to pick the limiter preset or check the one you use.

        Example:
            >>> b = await coze.benefits.retrieve()  # doctest: +SKIP
            >>> b.user_level, b.qps(), b.suggested_plan  # doctest: +SKIP
            ('free', {'chat': 20.0, 'workflow': 50.0}, 'coze.personal_free')
        """
        if isinstance(benefit_type_list, str):
            benefit_type_list = [benefit_type_list]
        if not benefit_type_list or not all(isinstance(t, str) and t for t in benefit_type_list):
            raise ValidationError("benefit_type_list must be a non-empty list of benefit type names")
        return await self._corridor.request(
            RETRIEVE, Benefits.model_validate,
            params={"benefit_type_list": ",".join(benefit_type_list), "resource_id": resource_id},
            options=opts(timeout, max_retries),
        )

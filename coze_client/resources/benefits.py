"""Account benefits (the Coze API overview): the plan limits in force, to pick or check a plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from typing_extensions import Unpack

from .._request import Endpoint
from ..errors import ValidationError
from ..types.benefits import Benefits
from ._base import APIResource, RequestOptions, options_of

__all__ = ["AsyncBenefits"]

RETRIEVE = Endpoint("GET", "/v1/commerce/benefit/benefits/get")


class AsyncBenefits(APIResource):
    """``coze.benefits``."""

    async def retrieve(
        self, *, benefit_type_list: Sequence[str] = ("api_run_qps",),
        resource_id: Literal["chat", "workflow", "plugin"] | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Benefits:
        """The account's level and effective benefits (QPS per resource by default).

        Use `Benefits.qps`, `Benefits.to_limits`, `Benefits.suggested_plan` and
        `Benefits.check_plan` to pick the limiter preset or check the one you use.

        Args:
            benefit_type_list: the benefit types to read (default ``api_run_qps``).
            resource_id: narrow to ``"chat"``, ``"workflow"`` or ``"plugin"``.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).

        Examples:
            ```python
            b = await coze.benefits.retrieve()
            b.user_level, b.qps(), b.suggested_plan
            # ('free', {'chat': 20.0, 'workflow': 50.0}, 'coze.personal_free')
            ```
        """
        if isinstance(benefit_type_list, str):
            benefit_type_list = [benefit_type_list]
        if not benefit_type_list or not all(isinstance(t, str) and t for t in benefit_type_list):
            raise ValidationError("benefit_type_list must be a non-empty list of benefit type names")
        return await self._corridor.request(
            RETRIEVE, Benefits.model_validate,
            params={"benefit_type_list": ",".join(benefit_type_list), "resource_id": resource_id},
            options=options_of(options),
        )

    async def sync_ledger(
        self, mapping: Mapping[str, str], *, benefit_type_list: Sequence[str],
        resource_id: str | None = None, **options: Unpack[RequestOptions],
    ) -> dict[str, float]:
        """Feed the service's own usage counts back into the local ledger (the truth wins).

        ``mapping`` names the ledger quota each benefit feeds, by ``"benefit_type"`` or
        ``"benefit_type:resource_id"`` (which benefit carries the free-call count is not in the
        reference, so you say it). Returns the used counts written.

        Args:
            mapping: benefit type -> ledger quota name, e.g. ``{"api_call": "free_calls"}``.
            benefit_type_list: the benefit types to read.
            resource_id: narrow to one resource.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).

        Examples:
            ```python
            await coze.benefits.sync_ledger({"api_call_quota": "free_calls"},
                                            benefit_type_list=["api_call_quota"])
            # {'free_calls': 37.0}
            ```
        """
        from ..ledger import quota_updates_from_benefits

        ledger = self._corridor.ledger
        set_used = getattr(ledger, "set_used", None)
        if set_used is None:
            raise ValidationError(f"the ledger backend {type(ledger).__name__} cannot take corrections (set_used)")
        benefits = await self.retrieve(benefit_type_list=benefit_type_list, resource_id=resource_id, **options)
        updates = quota_updates_from_benefits(benefits.model_dump(mode="json"), mapping)
        for quota, used in updates.items():
            await set_used(self._corridor.provider, self._corridor.account, quota, used)
        return updates

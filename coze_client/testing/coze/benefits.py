"""FakeCoze area. Account benefits: the effective limits of the enforced plan."""

from __future__ import annotations

import httpx

from .._core import Ctx
from ._base import AreaBase


class BenefitRoutes(AreaBase):
    """Account benefits: the effective limits of the enforced plan."""

    def _setup_benefits(self) -> None:
        r = self.route
        r("GET", "/v1/commerce/benefit/benefits/get", self._benefits)

    async def _benefits(self, ctx: Ctx) -> httpx.Response:
        # coze-api.md §2.4: effective limits of the account, derived from the enforced plan.
        infos = []
        limits = self.enforcer.limits if self.enforcer is not None else ()
        resource = ctx.query.get("resource_id", "chat")
        for lim in limits:
            if lim.kind == "requests" and lim.group == resource and lim.window == 1.0:
                item = {
                    "status": "valid",
                    "item_info": {"strategy": "by_quota", "total": lim.limit, "used": 0, "start_at": 0, "end_at": 0},
                }
                infos.append(
                    {
                        "benefit_type": "api_run_qps",
                        "resource_id": resource,
                        "basic": item,
                        "extra": [],
                        "effective": item,
                    }
                )
        return self.ok({"basic_info": {"user_level": self.user_level}, "benefit_info": infos})

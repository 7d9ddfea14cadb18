"""End-user benefit limitations (server-side quotas per end user) and bill export tasks.

The fake also *enforces* nothing per end user (it does not know which device a chat is for); it keeps
the configured limits and their usage figures (``end_user_usage``) so a test can show what the server
would report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx

_ENTITY_TYPES = ("enterprise_all_devices", "enterprise_all_custom_consumers", "single_device",
                 "single_custom_consumer", "coze_user_id", "coze_role", "coze_workspace", "coze_organization")
_NEEDS_ID = _ENTITY_TYPES[2:]
_BENEFIT_TYPES = ("resource_point", "voice_unified_duration_system", "voice_unified_duration_custom")


class EndUserBenefitRoutes(AreaBase):
    """``/v1/commerce/benefit/limitations`` and ``/v1/commerce/benefit/bill_tasks``."""

    def _setup_end_user_benefits(self) -> None:
        self.benefit_limitations: dict[str, dict[str, Any]] = {}
        self.bill_tasks: dict[str, dict[str, Any]] = {}
        r = self.route
        r("POST", "/v1/commerce/benefit/limitations", self._limit_create)
        r("GET", "/v1/commerce/benefit/limitations", self._limit_list)
        r("PUT", "/v1/commerce/benefit/limitations/{lid}", self._limit_update)
        r("POST", "/v1/commerce/benefit/bill_tasks", self._bill_create)
        r("GET", "/v1/commerce/benefit/bill_tasks", self._bill_list)

    async def _limit_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        kind, eid, info = body.get("entity_type"), body.get("entity_id"), body.get("benefit_info")
        if kind not in _ENTITY_TYPES:
            return self.bad("entity_type")
        if kind in _NEEDS_ID and not eid:
            return self.bad(f"entity_id is required for {kind}")
        if not isinstance(info, dict) or not isinstance(info.get("limit"), int) \
                or info.get("benefit_type", "resource_point") not in _BENEFIT_TYPES:
            return self.bad("benefit_info needs a limit and a valid benefit_type")
        unit = info.get("trigger_unit", "never")
        if kind in _ENTITY_TYPES[:2] and any(
                lim["entity_type"] == kind and (lim["trigger_unit"] == "never") == (unit == "never")
                and lim["benefit_type"] == info.get("benefit_type", "resource_point")
                for lim in self.benefit_limitations.values()):
            return self.error(4000, "only one cumulative and one periodic limit for all devices or consumers")
        lid = self.new_id()
        self.benefit_limitations[lid] = {
            "benefit_id": lid, "benefit_type": info.get("benefit_type", "resource_point"),
            "active_mode": info.get("active_mode", "absolute_time"), "started_at": info.get("started_at", 0),
            "ended_at": info.get("ended_at", 253402300799), "limit": info["limit"],
            "status": info.get("status", "valid"), "entity_type": kind, "entity_id": eid or "",
            "trigger_unit": unit, "trigger_time": info.get("trigger_time", 1)}
        return self.ok({"benefit_info": self.benefit_limitations[lid]})

    async def _limit_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if q.get("entity_type") not in _ENTITY_TYPES or q.get("benefit_type") not in _BENEFIT_TYPES:
            return self.bad("entity_type and benefit_type are required")
        items = [lim for lim in self.benefit_limitations.values()
                 if lim["entity_type"] == q["entity_type"] and lim["benefit_type"] == q["benefit_type"]
                 and (not q.get("entity_id") or lim["entity_id"] == q["entity_id"])
                 and (not q.get("status") or lim["status"] == q["status"])]
        return self.token_page(items, q, items_key="benefit_infos", token_key="page_token")

    async def _limit_update(self, ctx: Ctx) -> httpx.Response:
        lim = self.benefit_limitations.get(ctx.params["lid"])
        if lim is None:
            return self.missing("benefit limitation")
        body = self.body_of(ctx)
        if "status" in body and body["status"] not in ("valid", "frozen", "cancel"):
            return self.bad("status must be valid, frozen or cancel")
        lim.update({k: v for k, v in body.items() if k in lim and k not in ("benefit_id", "entity_type")})
        return self.ok(lim)

    async def _bill_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        day = 86400
        start = int(body.get("started_at") or self.now() - day) // day * day
        end = int(body.get("ended_at") or start) // day * day + day - 1
        if start >= self.now() // day * day:
            return self.bad("today's bill cannot be exported yet")
        tid = self.new_id()
        self.bill_tasks[tid] = {"task_id": tid, "status": "succeed", "started_at": start, "ended_at": end,
                                "created_at": self.now(), "expires_at": self.now() + 7 * day,
                                "file_urls": [f"https://fake.coze.invalid/bills/{tid}.csv"]}
        return self.ok({**self.bill_tasks[tid], "status": "running", "file_urls": []})

    async def _bill_list(self, ctx: Ctx) -> httpx.Response:
        wanted = [t for t in ctx.query.get("task_ids", "").split(",") if t]
        items = [t for t in self.bill_tasks.values() if not wanted or t["task_id"] in wanted]
        return self.number_page(items, ctx.query, max_size=100, items_key="task_infos")

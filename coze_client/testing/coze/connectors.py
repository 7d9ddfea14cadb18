"""Connectors: device binding, channel install and the audit result of bots on a channel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class ConnectorRoutes(AreaBase):
    """``/v1/connectors/{id}/user_configs|install`` and ``/v1/connectors/{id}/bots/{bot}``."""

    def _setup_connectors(self) -> None:
        self.connector_configs: dict[str, list[dict[str, Any]]] = {}
        self.installed_connectors: dict[str, set[str]] = {}
        self.audits: dict[tuple[str, str], dict[str, Any]] = {}
        self.route("POST", "/v1/connectors/{cid}/user_configs", self._conn_bind)
        self.route("POST", "/v1/connectors/{cid}/install", self._conn_install)
        self.route("PUT", "/v1/connectors/{cid}/bots/{bid}", self._conn_audit)

    async def _conn_bind(self, ctx: Ctx) -> httpx.Response:
        configs = self.body_of(ctx).get("configs")
        if not isinstance(configs, list) or not all(isinstance(c, dict) and c.get("key") for c in configs):
            return self.bad("configs must be a list of {key, enums}")
        self.connector_configs.setdefault(ctx.params["cid"], []).extend(configs)
        return self.ok(with_data=False)

    async def _conn_install(self, ctx: Ctx) -> httpx.Response:
        wid = self.body_of(ctx).get("workspace_id")
        if wid not in self.workspaces:
            return self.bad("workspace_id must be a workspace you belong to")
        self.installed_connectors.setdefault(str(wid), set()).add(ctx.params["cid"])
        return self.ok(with_data=False)

    async def _conn_audit(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        status = body.get("audit_status")
        if status not in (1, 2, 3):
            return self.bad("audit_status must be 1, 2 or 3")
        if status == 3 and not body.get("reason"):
            return self.bad("reason is required when audit_status is 3")
        self.audits[(ctx.params["cid"], ctx.params["bid"])] = {"audit_status": status, "reason": body.get("reason")}
        return self.ok(with_data=False)

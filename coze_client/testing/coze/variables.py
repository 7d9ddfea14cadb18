"""User variables per bot or app and end user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class VariableRoutes(AreaBase):
    """``GET`` and ``PUT /v1/variables``."""

    def _setup_variables(self) -> None:
        #: (app_id or bot_id, connector_id, connector_uid) -> keyword -> value record
        self.variables: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
        self.route("GET", "/v1/variables", self._var_get)
        self.route("PUT", "/v1/variables", self._var_set)

    def _var_key(self, src: dict[str, Any]) -> tuple[str, str, str] | httpx.Response:
        owner = [str(src[k]) for k in ("app_id", "bot_id") if src.get(k)]
        if len(owner) != 1 or not src.get("connector_uid"):
            return self.bad("exactly one of app_id and bot_id, and connector_uid, are required")
        return owner[0], str(src.get("connector_id") or "1024"), str(src["connector_uid"])

    async def _var_get(self, ctx: Ctx) -> httpx.Response:
        key = self._var_key(dict(ctx.query))
        if isinstance(key, httpx.Response):
            return key
        values = self.variables.get(key, {})
        wanted = [k for k in ctx.query.get("keywords", "").split(",") if k]
        items = [v for k, v in values.items() if not wanted or k in wanted]
        return self.ok({"items": items})

    async def _var_set(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        key = self._var_key(body)
        if isinstance(key, httpx.Response):
            return key
        data = body.get("data")
        if not isinstance(data, list) or not all(isinstance(d, dict) and d.get("keyword") for d in data):
            return self.bad("data must be a list of {keyword, value}")
        store = self.variables.setdefault(key, {})
        for item in data:
            old = store.get(item["keyword"])
            store[item["keyword"]] = {"keyword": item["keyword"], "value": str(item.get("value", "")),
                                      "create_time": old["create_time"] if old else self.now(),
                                      "update_time": self.now()}
        return self.ok(with_data=False)

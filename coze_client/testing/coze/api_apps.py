"""Callback apps and their event subscriptions."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class APIAppRoutes(AreaBase):
    """``/v1/api_apps`` and ``/v1/api_apps/{id}/events``."""

    def _setup_api_apps(self) -> None:
        self.api_apps: dict[str, dict[str, Any]] = {}
        self.api_app_events: dict[str, list[str]] = {}
        r = self.route
        r("POST", "/v1/api_apps", self._api_app_create)
        r("GET", "/v1/api_apps", self._api_app_list)
        r("PUT", "/v1/api_apps/{aid}", self._api_app_update)
        r("DELETE", "/v1/api_apps/{aid}", self._api_app_delete)
        r("POST", "/v1/api_apps/{aid}/events", self._events_subscribe)
        r("GET", "/v1/api_apps/{aid}/events", self._events_list)
        r("DELETE", "/v1/api_apps/{aid}/events", self._events_unsubscribe)

    async def _api_app_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        kind = body.get("app_type")
        if kind not in ("normal", "connector"):
            return self.bad("app_type must be normal or connector")
        if (kind == "normal" and not body.get("name")) or (kind == "connector" and not body.get("connector_id")):
            return self.bad("a normal app needs a name, a connector app a connector_id")
        aid = self.new_id()
        self.api_apps[aid] = {"id": aid, "app_type": kind, "verify_token": secrets.token_hex(8),
                              "name": body.get("name") or "", "connector_id": body.get("connector_id") or "",
                              "callback_url": ""}
        return self.ok(self.api_apps[aid])

    async def _api_app_list(self, ctx: Ctx) -> httpx.Response:
        kind = ctx.query.get("app_type")
        items = [a for a in self.api_apps.values() if not kind or a["app_type"] == kind]
        return self.token_page(items, ctx.query)

    async def _api_app_update(self, ctx: Ctx) -> httpx.Response:
        app = self.api_apps.get(ctx.params["aid"])
        if app is None:
            return self.missing("callback app")
        body = self.body_of(ctx)
        app.update({k: body[k] for k in ("name", "callback_url") if k in body})
        return self.ok(with_data=False)

    async def _api_app_delete(self, ctx: Ctx) -> httpx.Response:
        if self.api_apps.pop(ctx.params["aid"], None) is None:
            return self.missing("callback app")
        self.api_app_events.pop(ctx.params["aid"], None)
        return self.ok(with_data=False)

    def _event_types(self, ctx: Ctx) -> list[str] | httpx.Response:
        if ctx.params["aid"] not in self.api_apps:
            return self.missing("callback app")
        types = self.body_of(ctx).get("event_types")
        if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
            return self.bad("event_types must be a non-empty list of names")
        return types

    async def _events_subscribe(self, ctx: Ctx) -> httpx.Response:
        types = self._event_types(ctx)
        if isinstance(types, httpx.Response):
            return types
        subscribed = self.api_app_events.setdefault(ctx.params["aid"], [])
        subscribed.extend(t for t in types if t not in subscribed)
        return self.ok(with_data=False)

    async def _events_unsubscribe(self, ctx: Ctx) -> httpx.Response:
        types = self._event_types(ctx)
        if isinstance(types, httpx.Response):
            return types
        self.api_app_events[ctx.params["aid"]] = [t for t in self.api_app_events.get(ctx.params["aid"], [])
                                                  if t not in types]
        return self.ok(with_data=False)

    async def _events_list(self, ctx: Ctx) -> httpx.Response:
        aid = ctx.params["aid"]
        if aid not in self.api_apps:
            return self.missing("callback app")
        items = [{"api_app_id": aid, "name": t, "description": "", "event_type": t}
                 for t in self.api_app_events.get(aid, [])]
        return self.token_page(items, ctx.query)

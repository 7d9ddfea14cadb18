"""Paid plugins of the store: script them with ``add_plugin``; a tool call answers the scripted result."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class PluginRoutes(AreaBase):
    """``/v1/stores/plugins|categories``, ``/v1/plugins/{id}``, ``/v1/plugins/mget``, tool calls."""

    def _setup_plugins(self) -> None:
        self.store_plugins: dict[str, dict[str, Any]] = {}
        self.plugin_results: dict[tuple[str, str], Callable[[dict[str, Any]], Any] | Any] = {}
        self.plugin_categories = [{"id": "7327137275714764837", "name": "Utilities"}]
        r = self.route
        r("GET", "/v1/stores/plugins", self._store_plugins)
        r("GET", "/v1/stores/categories", self._store_categories)
        r("GET", "/v1/plugins/mget", self._plugins_mget)
        r("GET", "/v1/plugins/{pid}", self._plugin_retrieve)
        r("POST", "/v1/plugins/{pid}/tools/call", self._plugin_call)
        # The store is never empty: one official plugin, as a fresh account sees the real store.
        self.add_plugin("Speech recognition", tools={"asr_lite": {"text": "hello"}})

    def add_plugin(self, name: str, *, tools: dict[str, Any] | None = None, official: bool = True,
                   category_id: str = "7327137275714764837") -> str:
        """Script a paid plugin. ``tools`` maps a tool name to its result (or a function of the arguments).

        Args:
            name: the plugin's name.
            tools: tool name -> result, or a function of the call's ``arguments`` dict returning it
                (default: one ``echo`` tool that returns its arguments).
            official: whether the store lists it as official.
            category_id: the store category id it is listed under.
        """
        pid = self.new_id()
        tools = tools or {"echo": lambda args: args}
        self.store_plugins[pid] = {"name": name, "official": official, "category_id": category_id,
                                   "tools": list(tools)}
        for tool, result in tools.items():
            self.plugin_results[(pid, tool)] = result
        return pid

    def _store_item(self, pid: str, p: dict[str, Any]) -> dict[str, Any]:
        return {"metainfo": {"name": p["name"], "entity_id": pid, "entity_type": "plugin", "paid_type": "paid",
                             "is_official": p["official"], "category": {"id": p["category_id"], "name": ""},
                             "description": "", "icon_url": "", "entity_version": "0", "product_id": pid},
                "plugin_info": {"heat": 0, "call_count": 0, "is_call_available": True,
                                "total_tools_count": len(p["tools"])}}

    def _detail(self, pid: str) -> dict[str, Any]:
        p = self.store_plugins[pid]
        return {"plugin_id": pid, "name": p["name"], "name_for_model": p["name"].lower(), "description": "",
                "icon_url": "", "is_call_available": True, "created_at": self.now(), "updated_at": self.now(),
                "mcp_json": "", "tools": [{"tool_id": f"{pid}-{t}", "name": t, "description": "",
                                           "inputSchema": {"type": "object"}, "outputSchema": {"type": "object"}}
                                          for t in p["tools"]]}

    async def _store_plugins(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        cats = [c for c in q.get("category_ids", "").split(",") if c]
        items = [self._store_item(pid, p) for pid, p in self.store_plugins.items()
                 if q.get("keyword", "").lower() in p["name"].lower()
                 and ("is_official" not in q or (q["is_official"] == "true") == p["official"])
                 and (not cats or p["category_id"] in cats)]
        return self.number_page(items, q, max_size=100, has_more=True)

    async def _store_categories(self, ctx: Ctx) -> httpx.Response:
        if ctx.query.get("entity_type") != "plugin":
            return self.bad("entity_type must be plugin")
        return self.number_page(self.plugin_categories, ctx.query, max_size=100, has_more=True)

    async def _plugin_retrieve(self, ctx: Ctx) -> httpx.Response:
        if ctx.params["pid"] not in self.store_plugins:
            return self.missing("plugin")
        return self.ok(self._detail(ctx.params["pid"]))

    async def _plugins_mget(self, ctx: Ctx) -> httpx.Response:
        ids = [i for i in ctx.query.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 20:
            return self.bad("ids must hold 1 to 20 plugin ids")
        return self.ok({"items": [self._detail(i) for i in ids if i in self.store_plugins]})

    async def _plugin_call(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        key = (ctx.params["pid"], str(body.get("tool_name") or ""))
        if ctx.params["pid"] not in self.store_plugins:
            return self.missing("plugin")
        if key not in self.plugin_results:
            return self.bad(f"unknown tool {key[1]!r}")
        if not isinstance(body.get("arguments"), dict):
            return self.bad("arguments must be an object")
        result = self.plugin_results[key]
        return self.ok({"result": result(body["arguments"]) if callable(result) else result})

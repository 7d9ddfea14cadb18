"""FakeCoze area. Bots: list and retrieve (management is in BotAdminRoutes below)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .._core import Ctx
from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx
    from ._common import BotScript


from ._common import BotScript


class BotRoutes(AreaBase):
    """Bots: list and retrieve (management is in BotAdminRoutes below)."""

    def _setup_bots(self) -> None:
        r = self.route
        r("GET", "/v1/bots", self._bots_list)
        r("GET", "/v1/bots/{bid}", self._bot_retrieve)

    def _bot_item(self, bot: BotScript) -> dict[str, Any]:
        return {
            "id": bot.bot_id,
            "name": bot.name,
            "description": bot.description,
            "icon_url": "",
            "is_published": True,
            "updated_at": self.now(),
            "owner_user_id": self.user["user_id"],
            "folder_id": "",
            "published_at": self.now(),
        }

    async def _bots_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id"):
            return self.error(4000, "invalid parameter: workspace_id is required")
        if "page_index" in q and "page_num" not in q:
            # coze-api.md §5.9/§9.6: cozepy sends page_index; the documented name is page_num. The
            # fake ignores the unknown parameter as a server does, so every call gets page 1.
            pass
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 20)
        items = list(self.bots.values())
        start = (page_num - 1) * page_size
        return self.ok({"items": [self._bot_item(b) for b in items[start : start + page_size]], "total": len(items)})

    async def _bot_retrieve(self, ctx: Ctx) -> httpx.Response:
        bot = self.bots.get(ctx.params["bid"])
        if bot is None:
            return self.error(4006, "invalid bot")
        return self.ok(
            {
                "bot_id": bot.bot_id,
                "name": bot.name,
                "description": bot.description,
                "icon_url": "",
                "create_time": self.now(),
                "update_time": self.now(),
                "version": "1",
                "prompt_info": {"prompt": ""},
                "onboarding_info": {"prologue": "", "suggested_questions": []},
                "bot_mode": 0,
                "plugin_info_list": [],
                "model_info": {"model_id": "fake", "model_name": "fake"},
            }
        )


class BotAdminRoutes(AreaBase):
    """``/v1/bot/create|update|publish``, ``/v1/bots/{id}/unpublish|versions``, v1 list and online info."""

    def _setup_bot_admin(self) -> None:
        #: bot id -> {"space_id", "prompt", "versions": [{version, description, created_at, ...}], "channels"}
        self.bot_admin: dict[str, dict[str, Any]] = {}
        self.route("POST", "/v1/bot/create", self._bot_create)
        self.route("POST", "/v1/bot/update", self._bot_update)
        self.route("POST", "/v1/bot/publish", self._bot_publish)
        self.route("POST", "/v1/bots/{bid}/unpublish", self._bot_unpublish)
        self.route("GET", "/v1/bots/{bid}/versions", self._bot_versions)
        self.route("GET", "/v1/space/published_bots_list", self._bots_list_v1)
        self.route("GET", "/v1/bot/get_online_info", self._bot_online_info)

    def _admin(self, bot_id: str, *, created: bool = False) -> dict[str, Any]:
        """A bot's admin state; a bot scripted with ``bot()`` starts published on the API channel."""
        return self.bot_admin.setdefault(bot_id, {"space_id": self.workspace_id, "prompt": "", "versions": [],
                                                  "channels": set() if created else {"1024"}})

    async def _bot_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        name = body.get("name")
        if not body.get("space_id") or not isinstance(name, str) or not 1 <= len(name) <= 20:
            return self.bad("space_id and name (1-20 characters) are required")
        bot_id = self.new_id()
        self.bot(bot_id, name=name, description=body.get("description") or "")
        admin = self._admin(bot_id, created=True)
        admin.update(space_id=str(body["space_id"]), prompt=(body.get("prompt_info") or {}).get("prompt", ""))
        return self.ok({"bot_id": bot_id})

    async def _bot_update(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        bot = self.bots.get(str(body.get("bot_id", "")))
        if bot is None:
            return self.error(4006, "invalid bot")
        if "name" in body:
            bot.name = str(body["name"])
        if "description" in body:
            bot.description = str(body["description"])
        if isinstance(body.get("prompt_info"), dict):
            self._admin(bot.bot_id)["prompt"] = body["prompt_info"].get("prompt", "")
        return self.ok(with_data=False)

    async def _bot_publish(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        bot = self.bots.get(str(body.get("bot_id", "")))
        channels = body.get("connector_ids")
        if bot is None:
            return self.error(4006, "invalid bot")
        if not isinstance(channels, list) or not channels:
            return self.bad("connector_ids must be a non-empty list")
        admin = self._admin(bot.bot_id)
        version = str(len(admin["versions"]) + 1)
        admin["versions"].insert(0, {"version": version, "description": "", "created_at": str(self.now()),
                                     "updated_at": str(self.now()),
                                     "creator": {"id": self.user["user_id"], "name": self.user["nick_name"]}})
        admin["channels"].update(str(c) for c in channels)
        return self.ok({"bot_id": bot.bot_id, "version": version})

    async def _bot_unpublish(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        bot_id, channel = ctx.params["bid"], str(body.get("connector_id") or "")
        if bot_id not in self.bots:
            return self.error(4006, "invalid bot")
        if not channel:
            return self.bad("connector_id is required")
        if len(str(body.get("unpublish_reason") or "")) > 1024:
            return self.bad("unpublish_reason is at most 1024 characters")
        channels = self._admin(bot_id)["channels"]
        if channel not in channels:
            return self.error(4000, f"bot is not published on connector {channel}")
        channels.discard(channel)
        return self.ok(with_data=False)

    async def _bot_versions(self, ctx: Ctx) -> httpx.Response:
        if ctx.params["bid"] not in self.bots:
            return self.error(4006, "invalid bot")
        return self.number_page(self._admin(ctx.params["bid"])["versions"], ctx.query, default=10)

    def published_on(self, bot_id: str, connector_id: str = "1024") -> bool:
        """True when the bot is published on the channel (bots scripted with ``bot()`` count as published).

        Args:
            bot_id: the bot's id.
            connector_id: the channel's connector id (``"1024"``, the API channel, by default).
        """
        admin = self.bot_admin.get(bot_id)
        return admin is None or connector_id in admin["channels"]

    async def _bots_list_v1(self, ctx: Ctx) -> httpx.Response:
        if not ctx.query.get("space_id"):
            return self.bad("space_id is required")
        items = [{"bot_id": b.bot_id, "bot_name": b.name, "description": b.description, "icon_url": "",
                  "publish_time": str(self.now())} for b in self.bots.values() if self.published_on(b.bot_id)]
        return self.number_page(items, ctx.query, num_key="page_index", total_key="total", items_key="space_bots")

    async def _bot_online_info(self, ctx: Ctx) -> httpx.Response:
        bot = self.bots.get(ctx.query.get("bot_id", ""))
        if bot is None or not self.published_on(bot.bot_id):
            return self.error(4006, "invalid bot (not published to the API channel)")
        return self.ok({"bot_id": bot.bot_id, "name": bot.name, "description": bot.description,
                        "prompt_info": {"prompt": self._admin(bot.bot_id)["prompt"]}})

"""Bots (the Coze bot, user and workspace pages): list (v2, ``page_num``) and retrieve."""

from __future__ import annotations

from typing import Any, Literal

from .._params import validate
from .._request import Endpoint
from .._transport import TimeoutTypes
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page
from ..types.bots import Bot, BotPublishStatus, SimpleBot
from ._base import APIResource, opts, require

__all__ = ["AsyncBots"]

LIST = Endpoint("GET", "/v1/bots")
RETRIEVE = Endpoint("GET", "/v1/bots/{bot_id}")


class AsyncBots(APIResource):
    """``coze.bots``."""

    def list(
        self, *, workspace_id: str,
        publish_status: BotPublishStatus
        | Literal["all", "published_online", "published_draft", "unpublished_draft"] | None = None,
        connector_id: str | None = None, page_num: int = 1, page_size: int = 20,
        timeout: TimeoutTypes = None, max_retries: int | None = None,
    ) -> AsyncPaginator[SimpleBot]:
        """Bots of a workspace. Sends the documented ``page_num`` (cozepy sends ``page_index``, a cozepy 0.20.0 gap).

        Args:
            workspace_id: the workspace's id.
            publish_status: ``"published_online"`` (default), ``"published_draft"``, ``"unpublished_draft"``
                or ``"all"``.
            connector_id: the channel (connector) id; default the API channel.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).

        Examples:
            ```python
            async for bot in coze.bots.list(workspace_id="74..."):
                print(bot.id, bot.name, bot.is_published)
            ```
        """
        wsid = require("workspace_id", workspace_id)
        if page_num < 1 or page_size < 1:
            raise ValidationError("page_num and page_size must be >= 1")
        status = validate(BotPublishStatus, publish_status, "publish_status").value if publish_status else None
        options = opts(timeout, max_retries)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[SimpleBot]:
            def cast(payload: Any) -> Page[SimpleBot]:
                payload = payload or {}
                items = [SimpleBot.model_validate(b) for b in payload.get("items") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=options)

        return AsyncPaginator(fetch, {"workspace_id": wsid, "publish_status": status, "connector_id": connector_id,
                                      "page_num": page_num, "page_size": page_size})

    async def retrieve(self, *, bot_id: str, is_published: bool | None = None, timeout: TimeoutTypes = None,
                       max_retries: int | None = None) -> Bot:
        """A bot's configuration (``is_published=False`` reads the draft).

        Args:
            bot_id: the bot's id.
            is_published: False reads the draft (the service's ``is_published``).
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).

        Examples:
            ```python
            bot = await coze.bots.retrieve(bot_id="7351...")
            bot.name, bot.model_info
            ```
        """
        return await self._corridor.request(RETRIEVE, Bot.model_validate, path_params={"bot_id": bot_id},
                                            params={"is_published": is_published},
                                            options=opts(timeout, max_retries))

"""Bots: list (v2, ``page_num``), retrieve, create, update, publish, unpublish, versions, collaboration,
and the deprecated v1 reads (pages 创建智能体, 更新智能体, 发布智能体, 下架智能体, 查看智能体列表, 查看智能体配置,
查看智能体版本列表, 【Deprecated】查看已发布智能体列表, 获取已发布智能体的配置（即将下线）)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page
from ..types.bot_management import BotPublishResult, BotVersion, CreatedBot, PublishedBotV1
from ..types.bots import Bot, BotPublishStatus, SimpleBot
from ._base import APIResource, RequestOptions, done, ids_of, number_pager, options_of, require
from .collaboration import AsyncBotCollaborationModes, AsyncBotCollaborators

__all__ = ["AsyncBots"]

LIST = Endpoint("GET", "/v1/bots")
RETRIEVE = Endpoint("GET", "/v1/bots/{bot_id}")
CREATE = Endpoint("POST", "/v1/bot/create")
UPDATE = Endpoint("POST", "/v1/bot/update", idempotent=True)
PUBLISH = Endpoint("POST", "/v1/bot/publish")
UNPUBLISH = Endpoint("POST", "/v1/bots/{bot_id}/unpublish", idempotent=True)
VERSIONS = Endpoint("GET", "/v1/bots/{bot_id}/versions")
LIST_V1 = Endpoint("GET", "/v1/space/published_bots_list")
ONLINE_INFO_V1 = Endpoint("GET", "/v1/bot/get_online_info")

Config = Mapping[str, Any]


def _prompt(prompt_info: str | Config | None) -> Config | None:
    return {"prompt": prompt_info} if isinstance(prompt_info, str) else prompt_info


def _configs(**configs: Any) -> dict[str, Any]:
    for name, value in configs.items():
        if value is not None and not isinstance(value, Mapping):
            raise ValidationError(f"{name} must be a dict (or a model dumped to one)")
    return configs


class AsyncBotVersions(APIResource):
    """``coze.bots.versions``."""

    def list(
        self, *, bot_id: str,
        publish_status: BotPublishStatus | Literal["published_online", "unpublished_draft"] | None = None,
        connector_id: str | None = None, page_num: int = 1, page_size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[BotVersion]:
        """A bot's versions, newest first.

        Args:
            bot_id: the bot's id.
            publish_status: ``"published_online"`` or ``"unpublished_draft"`` (or a ``BotPublishStatus``); ``None``:
                the server's default.
            connector_id: only versions published on this channel (e.g. ``"1024"``, the API channel).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1; default 10).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for v in coze.bots.versions.list(bot_id="7342..."):
                print(v.version, v.description)
            ```
        """
        status = validate(BotPublishStatus, publish_status, "publish_status").value if publish_status else None
        return number_pager(self._corridor, VERSIONS, BotVersion.model_validate, "items",
                            {"publish_status": status, "connector_id": connector_id, "page_num": page_num,
                             "page_size": page_size}, options,
                            path_params={"bot_id": require("bot_id", bot_id)}, default_size=10)


class AsyncBots(APIResource):
    """``coze.bots``: ``.versions``, ``.collaboration_modes``, ``.collaborators``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.bots``).
        """
        super().__init__(corridor)
        self.versions = AsyncBotVersions(corridor)
        self.collaboration_modes = AsyncBotCollaborationModes(corridor)
        self.collaborators = AsyncBotCollaborators(corridor)

    async def create(
        self, *, space_id: str, name: str, description: str | None = None, icon_file_id: str | None = None,
        prompt_info: str | Config | None = None, onboarding_info: Config | None = None,
        suggest_reply_info: Config | None = None, model_info_config: Config | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedBot:
        """Create a bot (a draft) in a workspace; ``prompt_info`` may be the prompt text.

        Args:
            space_id: the workspace's id.
            name: the bot's name, 1-20 characters.
            description: what the bot does.
            icon_file_id: the id of an uploaded image (``coze.files.upload``) to use as the avatar.
            prompt_info: the persona prompt: its text, or a dict such as ``{"prompt": "..."}``.
            onboarding_info: the opening: a dict such as ``{"prologue": "...", "suggested_questions": [...]}``.
            suggest_reply_info: follow-up suggestions config, a dict (e.g. ``{"reply_mode": "enable"}``).
            model_info_config: the model config, a dict (e.g. ``{"model_id": "...", "temperature": 0.7}``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = await coze.bots.create(space_id="7350...", name="helper",
                                         prompt_info="You answer briefly.")
            bot.bot_id
            ```
        """
        if not isinstance(name, str) or not 1 <= len(name) <= 20:
            raise ValidationError("name must be 1-20 characters")
        body = {"space_id": require("space_id", space_id), "name": name, "description": description,
                "icon_file_id": icon_file_id,
                **_configs(prompt_info=_prompt(prompt_info), onboarding_info=onboarding_info,
                           suggest_reply_info=suggest_reply_info, model_info_config=model_info_config)}
        return await self._corridor.request(CREATE, CreatedBot.model_validate, json=body,
                                            options=options_of(options))

    async def update(
        self, *, bot_id: str, name: str | None = None, description: str | None = None,
        icon_file_id: str | None = None, prompt_info: str | Config | None = None,
        onboarding_info: Config | None = None, knowledge: Config | None = None,
        suggest_reply_info: Config | None = None, model_info_config: Config | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change a bot's draft (only the fields you give); ``knowledge`` binds datasets.

        Args:
            bot_id: the bot's id.
            name: a new name, 1-20 characters (``None``: unchanged).
            description: a new description (``None``: unchanged).
            icon_file_id: the id of an uploaded image for the avatar (``None``: unchanged).
            prompt_info: the persona prompt: its text or a dict such as ``{"prompt": "..."}`` (``None``: unchanged).
            onboarding_info: the opening, a dict such as ``{"prologue": "...", "suggested_questions": [...]}``.
            knowledge: the bound datasets, a dict such as ``{"dataset_ids": [...], "auto_call": True}``.
            suggest_reply_info: follow-up suggestions config, a dict (``None``: unchanged).
            model_info_config: the model config, a dict (``None``: unchanged).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.bots.update(bot_id="7342...", knowledge={"dataset_ids": ["74..."]})
            ```
        """
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 20):
            raise ValidationError("name must be 1-20 characters")
        body = {"bot_id": require("bot_id", bot_id), "name": name, "description": description,
                "icon_file_id": icon_file_id,
                **_configs(prompt_info=_prompt(prompt_info), onboarding_info=onboarding_info, knowledge=knowledge,
                           suggest_reply_info=suggest_reply_info, model_info_config=model_info_config)}
        return await self._corridor.request(UPDATE, done, json=body, options=options_of(options))

    async def publish(self, *, bot_id: str, connector_ids: Sequence[str] = ("1024",),
                      **options: Unpack[RequestOptions]) -> BotPublishResult:
        """Publish the draft as a new version on channels (``1024`` is the API channel, the default).

        Args:
            bot_id: the bot's id.
            connector_ids: the channels to publish on (one string is a list of one); default ``("1024",)``, the API
                channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (await coze.bots.publish(bot_id="7342...")).version
            ```
        """
        body = {"bot_id": require("bot_id", bot_id), "connector_ids": ids_of("connector_ids", connector_ids)}
        return await self._corridor.request(PUBLISH, BotPublishResult.model_validate, json=body,
                                            options=options_of(options))

    async def unpublish(self, *, bot_id: str, connector_id: str = "1024", unpublish_reason: str | None = None,
                        **options: Unpack[RequestOptions]) -> OperationResult:
        """Take a bot off one channel (owners only; Doubao channels cannot be unpublished by API).

        Args:
            bot_id: the bot's id.
            connector_id: the channel to take the bot off; default ``"1024"``, the API channel.
            unpublish_reason: why, at most 1024 characters.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.bots.unpublish(bot_id="7342...", connector_id="1024",
                                      unpublish_reason="service ends")
            ```
        """
        if unpublish_reason is not None and len(unpublish_reason) > 1024:
            raise ValidationError("unpublish_reason must be at most 1024 characters")
        return await self._corridor.request(
            UNPUBLISH, done, path_params={"bot_id": require("bot_id", bot_id)},
            json={"connector_id": require("connector_id", connector_id), "unpublish_reason": unpublish_reason},
            options=options_of(options))

    def list_published_v1(self, *, space_id: str, page_num: int = 1, page_size: int = 20,
                          **options: Unpack[RequestOptions]) -> AsyncPaginator[PublishedBotV1]:
        """Deprecated upstream: the v1 list of bots published to the API channel. Use `list`.

        Args:
            space_id: the workspace's id.
            page_num: the page to start at (1-based; sent as ``page_index``).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for bot in coze.bots.list_published_v1(space_id="7350..."):
                print(bot.bot_id, bot.bot_name)
            ```
        """
        warnings.warn("bots.list_published_v1 is deprecated upstream (【Deprecated】查看已发布智能体列表); "
                      "use bots.list", DeprecationWarning, stacklevel=2)
        return number_pager(self._corridor, LIST_V1, PublishedBotV1.model_validate, "space_bots",
                            {"space_id": require("space_id", space_id), "page_index": page_num,
                             "page_size": page_size}, options, num_key="page_index")

    async def retrieve_online_info(self, *, bot_id: str, **options: Unpack[RequestOptions]) -> Bot:
        """Deprecated upstream (soon offline): the v1 config of a bot published to the API channel.

        Use `retrieve` instead.

        Args:
            bot_id: the bot's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = await coze.bots.retrieve_online_info(bot_id="7342...")
            ```
        """
        warnings.warn("bots.retrieve_online_info is deprecated upstream (获取已发布智能体的配置（即将下线）); "
                      "use bots.retrieve", DeprecationWarning, stacklevel=2)
        return await self._corridor.request(ONLINE_INFO_V1, Bot.model_validate,
                                            params={"bot_id": require("bot_id", bot_id)},
                                            options=options_of(options))

    def list(
        self, *, workspace_id: str,
        publish_status: BotPublishStatus
        | Literal["all", "published_online", "published_draft", "unpublished_draft"] | None = None,
        connector_id: str | None = None, page_num: int = 1, page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[SimpleBot]:
        """Bots of a workspace. Sends the documented ``page_num`` (cozepy sends ``page_index``, a cozepy 0.20.0 gap).

        Args:
            workspace_id: the workspace's id.
            publish_status: ``"published_online"`` (default), ``"published_draft"``, ``"unpublished_draft"``
                or ``"all"``.
            connector_id: the channel (connector) id; default the API channel.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

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
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[SimpleBot]:
            def cast(payload: Any) -> Page[SimpleBot]:
                payload = payload or {}
                items = [SimpleBot.model_validate(b) for b in payload.get("items") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"workspace_id": wsid, "publish_status": status, "connector_id": connector_id,
                                      "page_num": page_num, "page_size": page_size})

    async def retrieve(self, *, bot_id: str, is_published: bool | None = None,
                       **options: Unpack[RequestOptions]) -> Bot:
        """A bot's configuration (``is_published=False`` reads the draft).

        Args:
            bot_id: the bot's id.
            is_published: False reads the draft (the service's ``is_published``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = await coze.bots.retrieve(bot_id="7351...")
            bot.name, bot.model_info
            ```
        """
        return await self._corridor.request(RETRIEVE, Bot.model_validate, path_params={"bot_id": bot_id},
                                            params={"is_published": is_published},
                                            options=options_of(options))

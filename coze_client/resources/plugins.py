"""Paid plugins of the plugin store (pages 查询付费插件列表, 查询插件分类, 查询插件详情, 批量查询插件信息,
调用插件工具). Documented by Coze; no official SDK has them.

A tool call runs a paid plugin and is billed by the plugin's terms (its call quota and QPS are on the
page 通过 MCP 方式调用付费插件, which the plan presets do not carry: the call sits in no local limit group).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from typing_extensions import Unpack

from .._models import ListResult
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator
from ..types.plugins import PluginCategory, PluginDetail, PluginToolResult, StorePlugin
from ._base import APIResource, RequestOptions, ids_of, number_pager, options_of, require

__all__ = ["AsyncPlugins"]

STORE_LIST = Endpoint("GET", "/v1/stores/plugins")
CATEGORIES = Endpoint("GET", "/v1/stores/categories")
RETRIEVE = Endpoint("GET", "/v1/plugins/{plugin_id}")
BATCH = Endpoint("GET", "/v1/plugins/mget")
CALL = Endpoint("POST", "/v1/plugins/{plugin_id}/tools/call")


class AsyncPlugins(APIResource):
    """``coze.plugins``."""

    def list(self, *, keyword: str | None = None, is_official: bool | None = None,
             category_ids: Sequence[str] | str | None = None,
             sort_type: Literal["heat", "newest", "relative"] | None = None, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[StorePlugin]:
        """Paid plugins of the store (official and third-party), optionally searched by keyword.

        Args:
            keyword: search the plugins' names and descriptions for this text (``None``: no search).
            is_official: ``True`` only official plugins, ``False`` only third-party ones (``None``: both).
            category_ids: only these categories (ids from `categories`; one string is a list of one).
            sort_type: ``"heat"`` (popularity), ``"newest"`` or ``"relative"`` (relevance to ``keyword``); ``None``:
                the server's order.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-100.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for p in coze.plugins.list(keyword="speech"):
                print(p.plugin_id, p.name)
            ```
        """
        cats = ",".join(ids_of("category_ids", category_ids)) if category_ids else None
        return number_pager(self._corridor, STORE_LIST, StorePlugin.model_validate, "items",
                            {"keyword": keyword, "is_official": is_official, "category_ids": cats,
                             "sort_type": sort_type, "page_num": page_num, "page_size": page_size}, options,
                            max_size=100)

    def categories(self, *, entity_type: Literal["plugin"] = "plugin", page_num: int = 1, page_size: int = 20,
                   **options: Unpack[RequestOptions]) -> AsyncPaginator[PluginCategory]:
        """Plugin store categories (their ids filter `list`).

        Args:
            entity_type: the kind of entity categorised; only ``"plugin"``.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-100.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            cats = await coze.plugins.categories().to_list()
            ```
        """
        return number_pager(self._corridor, CATEGORIES, PluginCategory.model_validate, "items",
                            {"entity_type": entity_type, "page_num": page_num, "page_size": page_size}, options,
                            max_size=100)

    async def retrieve(self, *, plugin_id: str, **options: Unpack[RequestOptions]) -> PluginDetail:
        """A plugin's tools (with input and output schemas) and, for paid plugins, its MCP configuration.

        Args:
            plugin_id: the plugin's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            detail = await coze.plugins.retrieve(plugin_id="7506...")
            [t.name for t in detail.tools]
            ```
        """
        return await self._corridor.request(RETRIEVE, PluginDetail.model_validate,
                                            path_params={"plugin_id": require("plugin_id", plugin_id)},
                                            options=options_of(options))

    async def batch_retrieve(self, *, plugin_ids: Sequence[str] | str,
                             **options: Unpack[RequestOptions]) -> ListResult[PluginDetail]:
        """Details of up to 20 plugins in one call.

        Args:
            plugin_ids: up to 20 plugin ids (one string is a list of one).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            details = await coze.plugins.batch_retrieve(plugin_ids=["7506...", "7426..."])
            ```
        """
        ids = ids_of("plugin_ids", plugin_ids, limit=20)

        def cast(payload: Any) -> ListResult[PluginDetail]:
            items = payload.get("items") if isinstance(payload, Mapping) else None
            return ListResult(PluginDetail.model_validate(p) for p in items or [])

        return await self._corridor.request(BATCH, cast, params={"ids": ",".join(ids)}, options=options_of(options))

    async def call(self, *, plugin_id: str, tool_name: str, arguments: Mapping[str, Any],
                   **options: Unpack[RequestOptions]) -> PluginToolResult:
        """Run a paid plugin's tool (arguments follow the tool's ``input_schema``). It is billed; not retried.

        Args:
            plugin_id: the plugin's id.
            tool_name: the tool to run (a ``name`` from `retrieve`'s ``tools``).
            arguments: the tool's input, a dict matching its ``input_schema``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            out = await coze.plugins.call(plugin_id="7545...", tool_name="getToutiaoNews",
                                          arguments={"q": "Hangzhou"})
            out.result
            ```
        """
        if not isinstance(arguments, Mapping):
            raise ValidationError("arguments must be a dict of the tool's input parameters")
        return await self._corridor.request(
            CALL, PluginToolResult.model_validate, path_params={"plugin_id": require("plugin_id", plugin_id)},
            json={"tool_name": require("tool_name", tool_name), "arguments": dict(arguments)},
            options=options_of(options))

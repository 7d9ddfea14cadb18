"""Callback apps and their event subscriptions (pages 创建回调应用, 修改回调应用, 查询回调应用列表, 删除回调应用,
订阅回调事件, 查询已订阅的事件, 取消订阅事件)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator
from ..types.api_apps import APIApp, APIAppEvent, APIAppType
from ._base import APIResource, RequestOptions, done, ids_of, options_of, require, token_pager

__all__ = ["AsyncAPIAppEvents", "AsyncAPIApps"]

CREATE = Endpoint("POST", "/v1/api_apps")
LIST = Endpoint("GET", "/v1/api_apps")
UPDATE = Endpoint("PUT", "/v1/api_apps/{app_id}")
DELETE = Endpoint("DELETE", "/v1/api_apps/{app_id}")
EVENTS = "/v1/api_apps/{api_app_id}/events"
EVENT_SUBSCRIBE = Endpoint("POST", EVENTS, idempotent=True)
EVENT_LIST = Endpoint("GET", EVENTS)
EVENT_UNSUBSCRIBE = Endpoint("DELETE", EVENTS)


class AsyncAPIAppEvents(APIResource):
    """``coze.api_apps.events``: event subscriptions of a callback app."""

    async def create(self, *, api_app_id: str, event_types: Sequence[str] | str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Subscribe to event types (e.g. bot published, bot deleted, bill ready).

        Args:
            api_app_id: the callback app's id.
            event_types: the event types to subscribe to, e.g. ``"bot.published"``; one string is a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.api_apps.events.create(api_app_id="7486...", event_types=["bot.published"])
            ```
        """
        return await self._corridor.request(
            EVENT_SUBSCRIBE, done, path_params={"api_app_id": require("api_app_id", api_app_id)},
            json={"event_types": ids_of("event_types", event_types)}, options=options_of(options))

    async def delete(self, *, api_app_id: str, event_types: Sequence[str] | str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Unsubscribe from event types.

        Args:
            api_app_id: the callback app's id.
            event_types: the event types to unsubscribe from; one string is a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.api_apps.events.delete(api_app_id="7486...", event_types=["bot.published"])
            ```
        """
        return await self._corridor.request(
            EVENT_UNSUBSCRIBE, done, path_params={"api_app_id": require("api_app_id", api_app_id)},
            json={"event_types": ids_of("event_types", event_types)}, options=options_of(options))

    def list(self, *, api_app_id: str, page_token: str | None = None, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[APIAppEvent]:
        """The event types a callback app subscribes to (page token).

        Args:
            api_app_id: the callback app's id.
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for e in coze.api_apps.events.list(api_app_id="7486..."):
                print(e.event_type, e.name)
            ```
        """
        return token_pager(self._corridor, EVENT_LIST, APIAppEvent.model_validate, "items",
                           {"page_token": page_token, "page_size": page_size}, options,
                           path_params={"api_app_id": require("api_app_id", api_app_id)})


class AsyncAPIApps(APIResource):
    """``coze.api_apps``: callback apps, and ``.events``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.api_apps``).
        """
        super().__init__(corridor)
        self.events = AsyncAPIAppEvents(corridor)

    async def create(self, *, app_type: APIAppType | Literal["normal", "connector"], name: str | None = None,
                     connector_id: str | None = None, **options: Unpack[RequestOptions]) -> APIApp:
        """Create a callback app: ``normal`` needs a ``name``, ``connector`` a ``connector_id``.

        Args:
            app_type: ``"normal"`` (your own callbacks) or ``"connector"`` (a channel's), or an ``APIAppType``.
            name: the app's name; required when ``app_type`` is ``"normal"``.
            connector_id: the channel's id; required when ``app_type`` is ``"connector"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            app = await coze.api_apps.create(app_type="normal", name="publish hooks")
            app.id
            ```
        """
        kind = validate(APIAppType, app_type, "app_type")
        if kind is APIAppType.NORMAL and not name:
            raise ValidationError("name is required when app_type is normal")
        if kind is APIAppType.CONNECTOR and not connector_id:
            raise ValidationError("connector_id is required when app_type is connector")
        return await self._corridor.request(
            CREATE, APIApp.model_validate, json={"app_type": kind.value, "name": name, "connector_id": connector_id},
            options=options_of(options))

    async def update(self, *, app_id: str, name: str | None = None, callback_url: str | None = None,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Rename a callback app or change where callbacks go.

        Args:
            app_id: the callback app's id.
            name: a new name (``None``: unchanged).
            callback_url: the new URL the callbacks are posted to (``None``: unchanged); give at least one of the two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.api_apps.update(app_id="7486...", callback_url="https://example.com/hook")
            ```
        """
        if name is None and callback_url is None:
            raise ValidationError("give name and/or callback_url")
        return await self._corridor.request(
            UPDATE, done, path_params={"app_id": require("app_id", app_id)},
            json={"name": name, "callback_url": callback_url}, options=options_of(options))

    async def delete(self, *, app_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a callback app.

        Args:
            app_id: the callback app's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.api_apps.delete(app_id="7486...")
            ```
        """
        return await self._corridor.request(DELETE, done, path_params={"app_id": require("app_id", app_id)},
                                            options=options_of(options))

    def list(self, *, app_type: APIAppType | Literal["normal", "connector"] | None = None,
             page_token: str | None = None, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[APIApp]:
        """Your callback apps (page token).

        Args:
            app_type: only apps of this type (``"normal"``, ``"connector"`` or an ``APIAppType``); ``None``: all.
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for app in coze.api_apps.list(app_type="normal"):
                print(app.id, app.name, app.callback_url)
            ```
        """
        kind = validate(APIAppType, app_type, "app_type").value if app_type else None
        return token_pager(self._corridor, LIST, APIApp.model_validate, "items",
                           {"app_type": kind, "page_token": page_token, "page_size": page_size}, options)

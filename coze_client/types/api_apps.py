"""Callback apps and their event subscriptions (pages 创建/修改/查询/删除回调应用, 订阅回调事件,
查询已订阅的事件, 取消订阅事件)."""

from __future__ import annotations

from enum import Enum

from .._models import CozeModel
from ._common import Id

__all__ = ["APIApp", "APIAppEvent", "APIAppType"]


class APIAppType(str, Enum):
    """A normal callback app, or a channel (connector) callback app."""

    NORMAL = "normal"
    CONNECTOR = "connector"


class APIApp(CozeModel):
    """A callback app; ``verify_token`` checks that callbacks come from Coze (never logged by the client)."""

    id: Id = None
    app_type: str | None = None
    verify_token: str | None = None
    name: str | None = None
    connector_id: Id = None
    callback_url: str | None = None

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        for key, value in super().__repr_args__():
            yield key, ("***" if key == "verify_token" and value else value)


class APIAppEvent(CozeModel):
    """An event type a callback app subscribes to."""

    api_app_id: Id = None
    name: str | None = None
    description: str | None = None
    event_type: str | None = None

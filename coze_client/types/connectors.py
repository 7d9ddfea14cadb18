"""Connectors (publish channels): bind devices, add a channel to a workspace, update a review result
(pages 绑定设备, 添加发布平台, 更新审核结果)."""

from __future__ import annotations

from enum import IntEnum

from ._common import RequestItem

__all__ = ["AuditStatus", "UserConfig", "UserConfigEnum"]


class AuditStatus(IntEnum):
    """A bot's review result on a channel."""

    PENDING = 1
    APPROVED = 2
    REJECTED = 3


class UserConfigEnum(RequestItem):
    """One choice of a device configuration."""

    label: str
    value: str


class UserConfig(RequestItem):
    """A device configuration key and its choices."""

    key: str
    enums: list[UserConfigEnum]

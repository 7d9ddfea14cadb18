"""Bot management models: create/update/publish, versions, collaboration, the deprecated v1 reads.

Public pages: 创建智能体, 更新智能体, 发布智能体, 下架智能体, 查看智能体版本列表, 开启或关闭智能体多人协作,
添加/删除智能体的协作者, 【Deprecated】查看已发布智能体列表, 获取已发布智能体的配置（即将下线）.
"""

from __future__ import annotations

from enum import Enum

from .._models import CozeModel
from ._common import Id, RequestItem

__all__ = ["BotPublishResult", "BotVersion", "BotVersionCreator", "CollaborationMode", "Collaborator",
           "CreatedBot", "PublishedBotV1"]


class CollaborationMode(str, Enum):
    """Multi-person collaboration of a bot or workflow (turn it on before adding collaborators)."""

    SINGLE = "single"
    COLLABORATION = "collaboration"


class Collaborator(RequestItem):
    """A collaborator to add: a member of the workspace, by Coze user id (one per call)."""

    user_id: str


class CreatedBot(CozeModel):
    """The answer of ``bots.create``: the new bot's id."""

    bot_id: Id = None


class BotPublishResult(CozeModel):
    """The answer of ``bots.publish``: the bot and the version now online."""

    bot_id: Id = None
    version: str | None = None


class BotVersionCreator(CozeModel):
    """Who made a bot version."""

    id: Id = None
    name: str | None = None


class BotVersion(CozeModel):
    """One published version of a bot (``bots.versions.list``)."""

    version: str | None = None
    description: str | None = None
    created_at: Id = None
    updated_at: Id = None
    creator: BotVersionCreator | None = None


class PublishedBotV1(CozeModel):
    """A bot as the deprecated v1 published-bots list shows it."""

    bot_id: Id = None
    bot_name: str | None = None
    description: str | None = None
    icon_url: str | None = None
    publish_time: Id = None

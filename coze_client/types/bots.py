"""Bot models (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from .._models import CozeModel

__all__ = ["Bot", "BotPublishStatus", "SimpleBot"]


class BotPublishStatus(str, Enum):
    """Publish filter of ``bots.list``."""

    ALL = "all"
    PUBLISHED_ONLINE = "published_online"
    PUBLISHED_DRAFT = "published_draft"
    UNPUBLISHED_DRAFT = "unpublished_draft"


class SimpleBot(CozeModel):
    """A bot as listed by ``GET /v1/bots``."""

    id: str = ""
    name: str = ""
    description: str | None = None
    icon_url: str | None = None
    is_published: bool | None = None
    updated_at: int | None = None
    published_at: int | None = None
    owner_user_id: str | None = None
    folder_id: str | None = None


class Bot(CozeModel):
    """A bot's configuration (``GET /v1/bots/{bot_id}``); fields the service adds later are kept."""

    bot_id: str = ""
    name: str = ""
    description: str | None = None
    icon_url: str | None = None
    create_time: int | None = None
    update_time: int | None = None
    version: str | None = None
    bot_mode: int | None = None
    prompt_info: dict[str, Any] | None = None
    onboarding_info: dict[str, Any] | None = None
    plugin_info_list: list[dict[str, Any]] | None = None
    model_info: dict[str, Any] | None = None
    knowledge: dict[str, Any] | None = None
    workflow_info_list: list[dict[str, Any]] | None = None
    shortcut_commands: list[dict[str, Any]] | None = None
    voice_info_list: list[dict[str, Any]] | None = None
    default_user_input_type: str | None = None
    suggest_reply_info: dict[str, Any] | None = None
    background_image_info: dict[str, Any] | None = None
    variables: list[dict[str, Any]] | None = None
    owner_user_id: str | None = None
    folder_id: str | None = None

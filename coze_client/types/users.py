"""User model (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from .._models import CozeModel

__all__ = ["User"]


class User(CozeModel):
    """The account the token belongs to (``users.me``)."""

    user_id: str = ""
    user_name: str | None = None
    nick_name: str | None = None
    avatar_url: str | None = None

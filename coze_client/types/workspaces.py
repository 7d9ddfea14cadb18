"""Workspace model (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from .._models import CozeModel

__all__ = ["Workspace"]


class Workspace(CozeModel):
    """A workspace (space) you belong to; ``role_type`` is your role, ``workspace_type`` personal or team."""

    id: str = ""
    name: str = ""
    icon_url: str | None = None
    role_type: str | None = None
    workspace_type: str | None = None
    enterprise_id: str | None = None

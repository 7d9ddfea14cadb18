"""Apps (page 查看应用列表)."""

from __future__ import annotations

from .._models import CozeModel
from ._common import Id

__all__ = ["App"]


class App(CozeModel):
    """A low-code app of a workspace."""

    id: Id = None
    name: str | None = None
    description: str | None = None
    icon_url: str | None = None
    is_published: bool | None = None
    owner_user_id: Id = None
    updated_at: int | None = None
    folder_id: Id = None
    published_at: int | None = None

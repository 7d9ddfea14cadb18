"""Folders of a workspace (pages 查询文件夹列表, 查询文件夹详情)."""

from __future__ import annotations

from enum import Enum

from .._models import CozeModel
from ._common import Id

__all__ = ["Folder", "FolderType"]


class FolderType(str, Enum):
    """Which tree a folder belongs to: project development or the resource library."""

    DEVELOPMENT = "development"
    LIBRARY = "library"


class Folder(CozeModel):
    """A folder."""

    id: Id = None
    name: str | None = None
    description: str | None = None
    workspace_id: Id = None
    creator_user_id: Id = None
    folder_type: str | None = None
    parent_folder_id: Id = None
    children_count: int | None = None

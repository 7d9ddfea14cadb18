"""Workspace creation and members (pages 创建工作空间, 修改工作空间基本信息, 查看空间成员列表,
批量邀请用户加入空间, 批量移除空间中的用户)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._models import CozeModel
from ._common import Id, RequestItem

__all__ = ["AddWorkspaceMembersResult", "CreatedWorkspace", "RemoveWorkspaceMembersResult", "WorkspaceMember",
           "WorkspaceMemberInput"]


class CreatedWorkspace(CozeModel):
    """The answer of ``workspaces.create``."""

    id: Id = None


class WorkspaceMember(CozeModel):
    """A member of a workspace; ``role_type`` is owner, admin or member."""

    user_id: Id = None
    role_type: str | None = None
    user_nickname: str | None = None
    user_unique_name: str | None = None
    avatar_url: str | None = None


class WorkspaceMemberInput(RequestItem):
    """A user to invite, with the role they get."""

    user_id: str
    role_type: Literal["admin", "member"] = "member"


class AddWorkspaceMembersResult(CozeModel):
    """Who was added, invited, unknown, already in or already invited."""

    added_success_user_ids: list[str] = Field(default_factory=list)
    invited_success_user_ids: list[str] = Field(default_factory=list)
    not_exist_user_ids: list[str] = Field(default_factory=list)
    already_joined_user_ids: list[str] = Field(default_factory=list)
    already_invited_user_ids: list[str] = Field(default_factory=list)


class RemoveWorkspaceMembersResult(CozeModel):
    """Who was removed; who was not in the workspace; owners (never removed).

    The page's field table says ``not_in_workspace_user_ids`` and its example ``not_in_space_user_ids``:
    both are read into `not_in_workspace`.
    """

    removed_success_user_ids: list[str] = Field(default_factory=list)
    not_in_workspace_user_ids: list[str] | None = None
    not_in_space_user_ids: list[str] | None = None
    owner_not_support_remove_user_ids: list[str] = Field(default_factory=list)

    @property
    def not_in_workspace(self) -> list[str]:
        """Users that were not in the workspace, whichever name the answer used."""
        return list(self.not_in_workspace_user_ids or self.not_in_space_user_ids or [])

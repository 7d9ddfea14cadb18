"""Workspaces: list, create, update, members (pages 查看空间列表, 创建工作空间, 修改工作空间基本信息,
查看空间成员列表, 批量邀请用户加入空间, 批量移除空间中的用户)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._models import OperationResult
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page
from ..types.workspace_members import (
    AddWorkspaceMembersResult,
    CreatedWorkspace,
    RemoveWorkspaceMembersResult,
    WorkspaceMember,
    WorkspaceMemberInput,
)
from ..types.workspaces import Workspace
from ._base import APIResource, RequestOptions, as_dicts, done, ids_of, number_pager, options_of, require

__all__ = ["AsyncWorkspaces"]

LIST = Endpoint("GET", "/v1/workspaces")
CREATE = Endpoint("POST", "/v1/workspaces")
UPDATE = Endpoint("PUT", "/v1/workspaces/{workspace_id}")
MEMBERS = Endpoint("GET", "/v1/workspaces/{workspace_id}/members")
ADD_MEMBERS = Endpoint("POST", "/v1/workspaces/{workspace_id}/members", idempotent=True)
REMOVE_MEMBERS = Endpoint("DELETE", "/v1/workspaces/{workspace_id}/members")


class AsyncWorkspaceMembers(APIResource):
    """``coze.workspaces.members``."""

    def list(self, *, workspace_id: str, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[WorkspaceMember]:
        """Members of a workspace (page size 1-50).

        Args:
            workspace_id: the workspace's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-50.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for m in coze.workspaces.members.list(workspace_id="7361..."):
                print(m.user_id, m.role_type)
            ```
        """
        return number_pager(self._corridor, MEMBERS, WorkspaceMember.model_validate, "items",
                            {"page_num": page_num, "page_size": page_size}, options,
                            path_params={"workspace_id": require("workspace_id", workspace_id)}, max_size=50)

    async def create(self, *, workspace_id: str,
                     users: Sequence[WorkspaceMemberInput | Mapping[str, Any] | str] | WorkspaceMemberInput | str,
                     **options: Unpack[RequestOptions]) -> AddWorkspaceMembersResult:
        """Invite users (a user id joins as ``member``; or ``{"user_id", "role_type": "admin"}``).

        Args:
            workspace_id: the workspace's id.
            users: who to invite: a user id (joins as ``member``), a ``WorkspaceMemberInput`` or dict ``{"user_id":
                ..., "role_type": "admin"}``, or a list of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = await coze.workspaces.members.create(workspace_id="7361...", users=["2135..."])
            r.added_success_user_ids, r.not_exist_user_ids
            ```
        """
        if isinstance(users, str):
            users = [users]
        items = [{"user_id": u} if isinstance(u, str) else u for u in users] \
            if isinstance(users, (list, tuple)) else users
        return await self._corridor.request(
            ADD_MEMBERS, AddWorkspaceMembersResult.model_validate,
            path_params={"workspace_id": require("workspace_id", workspace_id)},
            json={"users": as_dicts("users", items, WorkspaceMemberInput)}, options=options_of(options))

    async def delete(self, *, workspace_id: str, user_ids: Sequence[str] | str,
                     **options: Unpack[RequestOptions]) -> RemoveWorkspaceMembersResult:
        """Remove up to 5 users (their resources pass to the workspace owner; owners are never removed).

        Args:
            workspace_id: the workspace's id.
            user_ids: up to 5 user ids to remove (one string is a list of one).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = await coze.workspaces.members.delete(workspace_id="7361...", user_ids=["2069..."])
            r.removed_success_user_ids, r.not_in_workspace
            ```
        """
        return await self._corridor.request(
            REMOVE_MEMBERS, RemoveWorkspaceMembersResult.model_validate,
            path_params={"workspace_id": require("workspace_id", workspace_id)},
            json={"user_ids": ids_of("user_ids", user_ids, limit=5)}, options=options_of(options))


class AsyncWorkspaces(APIResource):
    """``coze.workspaces`` and ``.members``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.workspaces``).
        """
        super().__init__(corridor)
        self.members = AsyncWorkspaceMembers(corridor)

    async def create(self, *, name: str, description: str, icon_file_id: str | None = None,
                     coze_account_id: str | None = None, owner_uid: str | None = None,
                     **options: Unpack[RequestOptions]) -> CreatedWorkspace:
        """Create a workspace (name ≤50, description ≤2000 characters; ``coze_account_id`` picks the organization).

        Args:
            name: the workspace's name, 1-50 characters.
            description: its description, at most 2000 characters (required).
            icon_file_id: the id of an uploaded image (``coze.files.upload``) for the icon.
            coze_account_id: the organization (Coze account) to create it in (``None``: not sent).
            owner_uid: the user id of the workspace's owner (``None``: not sent).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            ws = await coze.workspaces.create(name="docs", description="the docs team")
            ws.id
            ```
        """
        _text("name", name, 50, required=True)
        _text("description", description, 2000, required=True)
        body = {"name": name, "description": description, "icon_file_id": icon_file_id,
                "coze_account_id": coze_account_id, "owner_uid": owner_uid}
        return await self._corridor.request(CREATE, CreatedWorkspace.model_validate, json=body,
                                            options=options_of(options))

    async def update(self, *, workspace_id: str, name: str | None = None, description: str | None = None,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Rename a team workspace or change its description (personal workspaces cannot be changed).

        Args:
            workspace_id: the team workspace's id.
            name: a new name, at most 50 characters (``None``: unchanged).
            description: a new description, at most 2000 characters (``None``: unchanged); give at least one of the
                two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.workspaces.update(workspace_id="7361...", name="docs")
            ```
        """
        _text("name", name, 50)
        _text("description", description, 2000)
        if name is None and description is None:
            raise ValidationError("give name and/or description")
        return await self._corridor.request(
            UPDATE, done, path_params={"workspace_id": require("workspace_id", workspace_id)},
            json={"name": name, "description": description}, options=options_of(options))

    def list(
        self, *, page_num: int = 1, page_size: int = 20, user_id: str | None = None,
        coze_account_id: str | None = None, enterprise_id: str | None = None, **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Workspace]:
        """Workspaces you belong to (page number + ``total_count``).

        Args:
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            user_id: passed as the service's ``user_id`` query parameter (a filter).
            coze_account_id: passed as the service's ``coze_account_id`` query parameter (a filter).
            enterprise_id: passed as the service's ``enterprise_id`` query parameter (a filter).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for ws in coze.workspaces.list():
                print(ws.id, ws.name, ws.role_type)
            ```
        """
        if page_num < 1 or page_size < 1:
            raise ValidationError("page_num and page_size must be >= 1")
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Workspace]:
            def cast(payload: Any) -> Page[Workspace]:
                payload = payload or {}
                items = [Workspace.model_validate(w) for w in payload.get("workspaces") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"page_num": page_num, "page_size": page_size, "user_id": user_id,
                                      "coze_account_id": coze_account_id, "enterprise_id": enterprise_id})


def _text(name: str, value: str | None, limit: int, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValidationError(f"{name} must be a string of at most {limit} characters" +
                              (" (required)" if required else ""))

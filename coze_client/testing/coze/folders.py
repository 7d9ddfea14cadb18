"""Folders (read-only through the API: script them with ``add_folder``) and apps (``add_app``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class FolderAppRoutes(AreaBase):
    """``/v1/folders``, ``/v1/folders/{id}`` and ``/v1/apps``."""

    def _setup_folders_apps(self) -> None:
        self.folders: dict[str, dict[str, Any]] = {}
        self.apps: dict[str, dict[str, Any]] = {}
        self.route("GET", "/v1/folders", self._folders_list)
        self.route("GET", "/v1/folders/{fid}", self._folder_retrieve)
        self.route("GET", "/v1/apps", self._apps_list)

    def add_folder(self, name: str, *, folder_type: str = "development", parent_folder_id: str | None = None,
                   workspace_id: str | None = None, description: str = "") -> str:
        """Script a folder; returns its id.

        Args:
            name: the folder's name.
            folder_type: ``"development"`` or ``"library"``.
            parent_folder_id: the parent folder's id; None: a top-level folder.
            workspace_id: its workspace (default: the fake's ``workspace_id``).
            description: the folder's description.
        """
        fid = self.new_id()
        self.folders[fid] = {"id": fid, "name": name, "description": description,
                             "workspace_id": workspace_id or self.workspace_id,
                             "creator_user_id": self.user["user_id"], "folder_type": folder_type,
                             "parent_folder_id": parent_folder_id or "", "children_count": 0}
        if parent_folder_id in self.folders:
            self.folders[parent_folder_id]["children_count"] += 1
        return fid

    def add_app(self, name: str, *, workspace_id: str | None = None, published: bool = False,
                folder_id: str | None = None) -> str:
        """Script a low-code app; returns its id.

        Args:
            name: the app's name.
            workspace_id: its workspace (default: the fake's ``workspace_id``).
            published: whether the app is published (``published_at`` is then now).
            folder_id: the folder holding it; None: none.
        """
        aid = self.new_id()
        self.apps[aid] = {"id": aid, "name": name, "description": "", "icon_url": "", "is_published": published,
                          "owner_user_id": self.user["user_id"], "updated_at": self.now(),
                          "folder_id": folder_id or "", "published_at": self.now() if published else None,
                          "workspace_id": workspace_id or self.workspace_id}
        return aid

    async def _folders_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id") or q.get("folder_type") not in ("development", "library"):
            return self.bad("workspace_id and folder_type (development | library) are required")
        parent = q.get("parent_folder_id", "")
        items = [f for f in self.folders.values() if f["workspace_id"] == q["workspace_id"]
                 and f["folder_type"] == q["folder_type"] and f["parent_folder_id"] == parent]
        return self.number_page(items, q, total_key="total_count")

    async def _folder_retrieve(self, ctx: Ctx) -> httpx.Response:
        folder = self.folders.get(ctx.params["fid"])
        return self.ok(folder) if folder is not None else self.missing("folder")

    async def _apps_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id"):
            return self.bad("workspace_id is required")
        status = q.get("publish_status", "published_online")
        items = [{k: v for k, v in a.items() if k != "workspace_id"} for a in self.apps.values()
                 if a["workspace_id"] == q["workspace_id"]
                 and (status == "all" or (status == "unpublished_draft") != a["is_published"])]
        return self.number_page(items, q)

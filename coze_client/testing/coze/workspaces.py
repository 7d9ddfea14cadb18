"""Workspaces: list, create, update, and members (list, batch invite, batch remove)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class WorkspaceRoutes(AreaBase):
    """``/v1/workspaces`` and ``/v1/workspaces/{id}/members``."""

    def _setup_workspaces(self) -> None:
        #: workspace id -> workspace; the personal one exists from the start
        self.workspaces: dict[str, dict[str, Any]] = {
            self.workspace_id: {"id": self.workspace_id, "name": "Personal", "description": "", "icon_url": "",
                                "role_type": "owner", "workspace_type": "personal", "enterprise_id": "",
                                "owner_uid": self.user["user_id"]},
        }
        #: workspace id -> user id -> member
        self.workspace_members: dict[str, dict[str, dict[str, Any]]] = {
            self.workspace_id: {self.user["user_id"]: self._member(self.user["user_id"], "owner")},
        }
        #: user ids that exist (inviting anyone else answers not_exist); the fake user always exists
        self.known_users: set[str] = {self.user["user_id"]}
        self.route("GET", "/v1/workspaces", self._ws_list)
        self.route("POST", "/v1/workspaces", self._ws_create)
        self.route("PUT", "/v1/workspaces/{wid}", self._ws_update)
        self.route("GET", "/v1/workspaces/{wid}/members", self._ws_members)
        self.route("POST", "/v1/workspaces/{wid}/members", self._ws_members_add)
        self.route("DELETE", "/v1/workspaces/{wid}/members", self._ws_members_remove)

    def add_user(self, user_id: str) -> None:
        """Make a Coze user known to the fake (so it can be invited).

        Args:
            user_id: the Coze user id.
        """
        self.known_users.add(user_id)

    @staticmethod
    def _member(user_id: str, role: str) -> dict[str, Any]:
        return {"user_id": user_id, "role_type": role, "user_nickname": f"user {user_id}",
                "user_unique_name": f"user_{user_id}", "avatar_url": ""}

    async def _ws_list(self, ctx: Ctx) -> httpx.Response:
        mine = [ws for wid, ws in self.workspaces.items() if self.user["user_id"] in self.workspace_members[wid]]
        enterprise = ctx.query.get("enterprise_id")
        if enterprise:
            mine = [ws for ws in mine if ws["enterprise_id"] == enterprise]
        return self.number_page(mine, ctx.query, max_size=50, total_key="total_count", items_key="workspaces")

    async def _ws_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        name, description = body.get("name"), body.get("description")
        if not isinstance(name, str) or not name or len(name) > 50:
            return self.bad("name is required (at most 50 characters)")
        if not isinstance(description, str) or len(description) > 2000:
            return self.bad("description is required (at most 2000 characters)")
        wid = self.new_id()
        owner = str(body.get("owner_uid") or self.user["user_id"])
        self.workspaces[wid] = {"id": wid, "name": name, "description": description, "icon_url": "",
                                "role_type": "owner" if owner == self.user["user_id"] else "member",
                                "workspace_type": "team", "enterprise_id": "", "owner_uid": owner}
        self.workspace_members[wid] = {owner: self._member(owner, "owner")}
        return self.ok({"id": wid})

    async def _ws_update(self, ctx: Ctx) -> httpx.Response:
        ws = self.workspaces.get(ctx.params["wid"])
        if ws is None:
            return self.missing("workspace")
        if ws["workspace_type"] == "personal":
            return self.error(4000, "a personal workspace cannot be changed")
        body = self.body_of(ctx)
        for key, limit in (("name", 50), ("description", 2000)):
            if key in body:
                if not isinstance(body[key], str) or len(body[key]) > limit:
                    return self.bad(f"{key} is at most {limit} characters")
                ws[key] = body[key]
        return self.ok(with_data=False)

    async def _ws_members(self, ctx: Ctx) -> httpx.Response:
        members = self.workspace_members.get(ctx.params["wid"])
        if members is None:
            return self.missing("workspace")
        return self.number_page(list(members.values()), ctx.query, max_size=50, total_key="total_count")

    async def _ws_members_add(self, ctx: Ctx) -> httpx.Response:
        members = self.workspace_members.get(ctx.params["wid"])
        if members is None:
            return self.missing("workspace")
        users = self.body_of(ctx).get("users")
        if not isinstance(users, list) or not users:
            return self.bad("users must be a non-empty list")
        out: dict[str, list[str]] = {"added_success_user_ids": [], "invited_success_user_ids": [],
                                     "not_exist_user_ids": [], "already_joined_user_ids": [],
                                     "already_invited_user_ids": []}
        for user in users:
            uid, role = str((user or {}).get("user_id", "")), (user or {}).get("role_type", "member")
            if role not in ("admin", "member"):
                return self.bad("role_type must be admin or member")
            if uid in members:
                out["already_joined_user_ids"].append(uid)
            elif uid not in self.known_users:
                out["not_exist_user_ids"].append(uid)
            else:
                members[uid] = self._member(uid, role)
                out["added_success_user_ids"].append(uid)
        return self.ok(out)

    async def _ws_members_remove(self, ctx: Ctx) -> httpx.Response:
        members = self.workspace_members.get(ctx.params["wid"])
        if members is None:
            return self.missing("workspace")
        ids = self.body_of(ctx).get("user_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 5:
            return self.bad("user_ids must hold 1 to 5 ids")
        out: dict[str, list[str]] = {"removed_success_user_ids": [], "not_in_workspace_user_ids": [],
                                     "owner_not_support_remove_user_ids": []}
        for uid in map(str, ids):
            if uid not in members:
                out["not_in_workspace_user_ids"].append(uid)
            elif members[uid]["role_type"] == "owner":
                out["owner_not_support_remove_user_ids"].append(uid)
            else:
                del members[uid]
                out["removed_success_user_ids"].append(uid)
        return self.ok(out)

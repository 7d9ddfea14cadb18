"""Enterprise members and organizations (the fake enterprise accepts any enterprise id)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx

_ORG_ROLES = ("organization_super_admin", "organization_admin", "organization_member", "organization_guest")


class EnterpriseRoutes(AreaBase):
    """``/v1/enterprises/{id}/members|organizations`` and ``/v1/organizations/{id}[/members]``."""

    def _setup_enterprises(self) -> None:
        self.enterprise_members: dict[str, dict[str, str]] = {}  # enterprise -> user -> role
        self.organizations: dict[str, dict[str, Any]] = {}
        self.organization_members: dict[str, dict[str, dict[str, Any]]] = {}
        r = self.route
        r("POST", "/v1/enterprises/{eid}/members", self._ent_add)
        r("PUT", "/v1/enterprises/{eid}/members/{uid}", self._ent_update)
        r("DELETE", "/v1/enterprises/{eid}/members/{uid}", self._ent_remove)
        r("POST", "/v1/enterprises/{eid}/organizations", self._org_create)
        r("GET", "/v1/enterprises/{eid}/organizations", self._org_list)
        r("PUT", "/v1/organizations/{oid}", self._org_update)
        r("POST", "/v1/organizations/{oid}/members", self._org_member_add)
        r("GET", "/v1/organizations/{oid}/members", self._org_members)
        r("PUT", "/v1/organizations/{oid}/members/{uid}", self._org_member_update)
        r("DELETE", "/v1/organizations/{oid}/members/{uid}", self._org_member_remove)

    async def _ent_add(self, ctx: Ctx) -> httpx.Response:
        users = self.body_of(ctx).get("users")
        if not isinstance(users, list) or len(users) != 1 or not isinstance(users[0], dict):
            return self.bad("users must hold exactly one {user_id, role}")
        user = users[0]
        if not user.get("user_id") or user.get("role") not in ("enterprise_admin", "enterprise_member"):
            return self.bad("user_id and role (enterprise_admin | enterprise_member) are required")
        self.enterprise_members.setdefault(ctx.params["eid"], {})[str(user["user_id"])] = user["role"]
        return self.ok(with_data=False)

    async def _ent_update(self, ctx: Ctx) -> httpx.Response:
        members = self.enterprise_members.get(ctx.params["eid"], {})
        role = self.body_of(ctx).get("role")
        if ctx.params["uid"] not in members:
            return self.missing("enterprise member")
        if role not in ("enterprise_admin", "enterprise_member"):
            return self.bad("role must be enterprise_admin or enterprise_member")
        members[ctx.params["uid"]] = role
        return self.ok(with_data=False)

    async def _ent_remove(self, ctx: Ctx) -> httpx.Response:
        members = self.enterprise_members.get(ctx.params["eid"], {})
        if not self.body_of(ctx).get("receiver_user_id"):
            return self.bad("receiver_user_id is required")
        if members.pop(ctx.params["uid"], None) is None:
            return self.missing("enterprise member")
        return self.ok(with_data=False)

    async def _org_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        name = body.get("name")
        if not isinstance(name, str) or not name or len(name) > 30 or not body.get("super_admin_user_id"):
            return self.bad("name (at most 30 characters) and super_admin_user_id are required")
        eid = ctx.params["eid"]
        if sum(1 for o in self.organizations.values() if o["enterprise_id"] == eid) >= 20:
            return self.error(4000, "an enterprise has at most 20 organizations")
        oid = self.new_id()
        self.organizations[oid] = {"organization_id": oid, "organization_name": name, "organization_icon_url": "",
                                   "is_default_organization": False, "enterprise_id": eid,
                                   "description": body.get("description") or ""}
        admin = str(body["super_admin_user_id"])
        self.organization_members[oid] = {admin: self._person(admin, "organization_super_admin")}
        return self.ok({"organization_id": oid})

    def _person(self, user_id: str, role: str) -> dict[str, Any]:
        return {"user_id": user_id, "is_valid": True, "avatar_url": "", "created_at": self.now(),
                "people_type": "guest" if role == "organization_guest" else "employee",
                "user_nickname": f"user {user_id}", "user_unique_name": f"user_{user_id}",
                "organization_role_type": role}

    async def _org_list(self, ctx: Ctx) -> httpx.Response:
        items = [{k: v for k, v in o.items() if k not in ("enterprise_id", "description")}
                 for o in self.organizations.values() if o["enterprise_id"] == ctx.params["eid"]]
        return self.number_page(items, ctx.query, max_size=20, total_key="total_count")

    async def _org_update(self, ctx: Ctx) -> httpx.Response:
        org = self.organizations.get(ctx.params["oid"])
        if org is None:
            return self.missing("organization")
        body = self.body_of(ctx)
        if "name" in body:
            if not isinstance(body["name"], str) or len(body["name"]) > 30:
                return self.bad("name is at most 30 characters")
            org["organization_name"] = body["name"]
        if "description" in body:
            if not isinstance(body["description"], str) or len(body["description"]) > 100:
                return self.bad("description is at most 100 characters")
            org["description"] = body["description"]
        return self.ok(with_data=False)

    async def _org_member_add(self, ctx: Ctx) -> httpx.Response:
        members = self.organization_members.get(ctx.params["oid"])
        if members is None:
            return self.missing("organization")
        people = self.body_of(ctx).get("organization_people")
        if not isinstance(people, list) or len(people) != 1 or not isinstance(people[0], dict):
            return self.bad("organization_people must hold exactly one {user_id, organization_role_type}")
        person = people[0]
        if not person.get("user_id") or person.get("organization_role_type") not in _ORG_ROLES:
            return self.bad("user_id and a valid organization_role_type are required")
        members[str(person["user_id"])] = self._person(str(person["user_id"]), person["organization_role_type"])
        return self.ok(with_data=False)

    async def _org_members(self, ctx: Ctx) -> httpx.Response:
        members = self.organization_members.get(ctx.params["oid"])
        if members is None:
            return self.missing("organization")
        return self.number_page(list(members.values()), ctx.query, max_size=50, total_key="total_count")

    async def _org_member_update(self, ctx: Ctx) -> httpx.Response:
        member = self.organization_members.get(ctx.params["oid"], {}).get(ctx.params["uid"])
        role = self.body_of(ctx).get("organization_role_type")
        if member is None:
            return self.missing("organization member")
        if role not in _ORG_ROLES[:3]:
            return self.bad("organization_role_type must be organization_super_admin, _admin or _member")
        if member["people_type"] == "guest":
            return self.error(4000, "a guest's role cannot be changed")
        member["organization_role_type"] = role
        return self.ok(with_data=False)

    async def _org_member_remove(self, ctx: Ctx) -> httpx.Response:
        members = self.organization_members.get(ctx.params["oid"], {})
        receiver = str(self.body_of(ctx).get("receiver_user_id") or "")
        if ctx.params["uid"] not in members:
            return self.missing("organization member")
        if members.get(receiver, {}).get("organization_role_type") != "organization_super_admin":
            return self.bad("receiver_user_id must be an organization super admin")
        if receiver == ctx.params["uid"] and sum(
                1 for m in members.values() if m["organization_role_type"] == "organization_super_admin") < 2:
            return self.error(777074044, "the organization needs another super admin first")
        del members[ctx.params["uid"]]
        return self.ok(with_data=False)

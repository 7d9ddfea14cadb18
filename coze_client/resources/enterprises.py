"""Enterprise members and organizations (pages 添加企业成员, 修改企业员工的角色, 移除企业成员, 创建组织,
修改组织基本信息, 查询组织列表, 添加组织成员, 查询组织成员列表, 修改组织成员角色, 移除组织成员).

Organization endpoints need an enterprise privileged OAuth app; every member call adds or removes one
person, and the service refuses concurrent calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator
from ..types.enterprises import (
    CreatedOrganization,
    EnterpriseMemberInput,
    EnterpriseRole,
    Organization,
    OrganizationMember,
    OrganizationMemberInput,
    OrganizationRole,
)
from ._base import APIResource, RequestOptions, as_dicts, done, number_pager, options_of, require

__all__ = ["AsyncEnterpriseMembers", "AsyncEnterprises", "AsyncOrganizationMembers", "AsyncOrganizations"]

MEMBER_ADD = Endpoint("POST", "/v1/enterprises/{enterprise_id}/members")
MEMBER_UPDATE = Endpoint("PUT", "/v1/enterprises/{enterprise_id}/members/{user_id}")
MEMBER_REMOVE = Endpoint("DELETE", "/v1/enterprises/{enterprise_id}/members/{user_id}")
ORG_CREATE = Endpoint("POST", "/v1/enterprises/{enterprise_id}/organizations")
ORG_LIST = Endpoint("GET", "/v1/enterprises/{enterprise_id}/organizations")
ORG_UPDATE = Endpoint("PUT", "/v1/organizations/{organization_id}")
ORG_MEMBER_ADD = Endpoint("POST", "/v1/organizations/{organization_id}/members")
ORG_MEMBER_LIST = Endpoint("GET", "/v1/organizations/{organization_id}/members")
ORG_MEMBER_UPDATE = Endpoint("PUT", "/v1/organizations/{organization_id}/members/{user_id}")
ORG_MEMBER_REMOVE = Endpoint("DELETE", "/v1/organizations/{organization_id}/members/{user_id}")

People = Sequence[Any] | Mapping[str, Any] | str


def _one(name: str, people: People, model: type[Any]) -> list[dict[str, Any]]:
    if isinstance(people, str):
        people = [{"user_id": people}]
    return as_dicts(name, people, model, limit=1)


def _text(name: str, value: str | None, limit: int, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValidationError(f"{name} must be a string of at most {limit} characters")


class AsyncEnterpriseMembers(APIResource):
    """``coze.enterprises.members``."""

    async def create(self, *, enterprise_id: str, users: People,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one employee (a Volcano sub-user, not a guest) to the enterprise.

        Args:
            enterprise_id: the enterprise's id.
            users: the one employee: a user id, an ``EnterpriseMemberInput`` or dict ``{"user_id": ..., "role": ...}``
                (role default ``"enterprise_member"``), or a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.members.create(enterprise_id="volcano_2105...",
                users=[{"user_id": "4113...", "role": "enterprise_member"}])
            ```
        """
        return await self._corridor.request(
            MEMBER_ADD, done, path_params={"enterprise_id": require("enterprise_id", enterprise_id)},
            json={"users": _one("users", users, EnterpriseMemberInput)}, options=options_of(options))

    async def update(self, *, enterprise_id: str, user_id: str, role: EnterpriseRole,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Change an employee's role (``enterprise_admin`` or ``enterprise_member``; not for guests).

        Args:
            enterprise_id: the enterprise's id.
            user_id: the employee's user id.
            role: ``"enterprise_admin"`` or ``"enterprise_member"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.members.update(enterprise_id="volcano_2105...",
                                                  user_id="4113...", role="enterprise_admin")
            ```
        """
        if role not in ("enterprise_admin", "enterprise_member"):
            raise ValidationError("role must be enterprise_admin or enterprise_member")
        return await self._corridor.request(
            MEMBER_UPDATE, done, path_params={"enterprise_id": require("enterprise_id", enterprise_id),
                                              "user_id": require("user_id", user_id)},
            json={"role": role}, options=options_of(options))

    async def delete(self, *, enterprise_id: str, user_id: str, receiver_user_id: str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove a member; their resources pass to ``receiver_user_id``.

        Args:
            enterprise_id: the enterprise's id.
            user_id: the member to remove.
            receiver_user_id: the user who receives the removed member's resources.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.members.delete(enterprise_id="volcano_2105...",
                                                  user_id="4114...", receiver_user_id="2135...")
            ```
        """
        return await self._corridor.request(
            MEMBER_REMOVE, done, path_params={"enterprise_id": require("enterprise_id", enterprise_id),
                                              "user_id": require("user_id", user_id)},
            json={"receiver_user_id": require("receiver_user_id", receiver_user_id)}, options=options_of(options))


class AsyncOrganizationMembers(APIResource):
    """``coze.enterprises.organizations.members``."""

    async def create(self, *, organization_id: str, organization_people: People,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one person (already in the enterprise) to an organization with a role.

        Args:
            organization_id: the organization's id.
            organization_people: the one person: a user id, an ``OrganizationMemberInput`` or dict ``{"user_id": ...,
                "organization_role_type": ...}`` (role default ``"organization_member"``), or a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.organizations.members.create(
                organization_id="7490...",
                organization_people=[{"user_id": "4113...", "organization_role_type": "organization_admin"}])
            ```
        """
        return await self._corridor.request(
            ORG_MEMBER_ADD, done, path_params={"organization_id": require("organization_id", organization_id)},
            json={"organization_people": _one("organization_people", organization_people, OrganizationMemberInput)},
            options=options_of(options))

    def list(self, *, organization_id: str, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[OrganizationMember]:
        """Members of an organization (page size 1-50).

        Args:
            organization_id: the organization's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-50.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for m in coze.enterprises.organizations.members.list(organization_id="7559..."):
                print(m.user_id, m.organization_role_type)
            ```
        """
        return number_pager(self._corridor, ORG_MEMBER_LIST, OrganizationMember.model_validate, "items",
                            {"page_num": page_num, "page_size": page_size}, options,
                            path_params={"organization_id": require("organization_id", organization_id)},
                            max_size=50)

    async def update(self, *, organization_id: str, user_id: str, organization_role_type: OrganizationRole,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Change a member's organization role.

        Args:
            organization_id: the organization's id.
            user_id: the member's user id.
            organization_role_type: ``"organization_super_admin"``, ``"organization_admin"``,
                ``"organization_member"`` or ``"organization_guest"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.organizations.members.update(
                organization_id="7490...", user_id="4113...", organization_role_type="organization_member")
            ```
        """
        role = validate(OrganizationMemberInput, {"user_id": user_id, "organization_role_type":
                                                  organization_role_type}, "organization_role_type")
        return await self._corridor.request(
            ORG_MEMBER_UPDATE, done, path_params={"organization_id": require("organization_id", organization_id),
                                                  "user_id": require("user_id", user_id)},
            json={"organization_role_type": role.organization_role_type}, options=options_of(options))

    async def delete(self, *, organization_id: str, user_id: str, receiver_user_id: str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove a member from an organization (and its workspaces); resources pass to ``receiver_user_id``,
        an organization super admin.

        Args:
            organization_id: the organization's id.
            user_id: the member to remove.
            receiver_user_id: the organization super admin who receives the removed member's resources.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.organizations.members.delete(
                organization_id="7490...", user_id="4113...", receiver_user_id="4113...")
            ```
        """
        return await self._corridor.request(
            ORG_MEMBER_REMOVE, done,
            path_params={"organization_id": require("organization_id", organization_id),
                         "user_id": require("user_id", user_id)},
            json={"receiver_user_id": require("receiver_user_id", receiver_user_id)}, options=options_of(options))


class AsyncOrganizations(APIResource):
    """``coze.enterprises.organizations`` and ``.members``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.enterprises.organizations``).
        """
        super().__init__(corridor)
        self.members = AsyncOrganizationMembers(corridor)

    async def create(self, *, enterprise_id: str, name: str, super_admin_user_id: str,
                     description: str | None = None, **options: Unpack[RequestOptions]) -> CreatedOrganization:
        """Create an organization (enterprise flagship; at most 20 per enterprise).

        Args:
            enterprise_id: the enterprise's id.
            name: the organization's name, 1-30 characters.
            super_admin_user_id: the user who becomes the organization's super admin.
            description: a description, at most 100 characters.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.organizations.create(enterprise_id="volcano_2105...",
                name="R&D", super_admin_user_id="4113...")
            ```
        """
        _text("name", name, 30, required=True)
        _text("description", description, 100)
        return await self._corridor.request(
            ORG_CREATE, CreatedOrganization.model_validate,
            path_params={"enterprise_id": require("enterprise_id", enterprise_id)},
            json={"name": name, "super_admin_user_id": require("super_admin_user_id", super_admin_user_id),
                  "description": description}, options=options_of(options))

    async def update(self, *, organization_id: str, name: str | None = None, description: str | None = None,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Rename an organization or change its description (name ≤30, description ≤100 characters).

        Args:
            organization_id: the organization's id.
            name: a new name, at most 30 characters (``None``: unchanged).
            description: a new description, at most 100 characters (``None``: unchanged); give at least one of the
                two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.enterprises.organizations.update(organization_id="7559...", name="R&D")
            ```
        """
        _text("name", name, 30)
        _text("description", description, 100)
        if name is None and description is None:
            raise ValidationError("give name and/or description")
        return await self._corridor.request(
            ORG_UPDATE, done, path_params={"organization_id": require("organization_id", organization_id)},
            json={"name": name, "description": description}, options=options_of(options))

    def list(self, *, enterprise_id: str, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[Organization]:
        """Organizations of an enterprise (page size 1-20).

        Args:
            enterprise_id: the enterprise's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-20.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for org in coze.enterprises.organizations.list(enterprise_id="volcano_2101..."):
                print(org.organization_id, org.organization_name)
            ```
        """
        return number_pager(self._corridor, ORG_LIST, Organization.model_validate, "items",
                            {"page_num": page_num, "page_size": page_size}, options,
                            path_params={"enterprise_id": require("enterprise_id", enterprise_id)}, max_size=20)


class AsyncEnterprises(APIResource):
    """``coze.enterprises``: ``.members`` and ``.organizations``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.enterprises``).
        """
        super().__init__(corridor)
        self.members = AsyncEnterpriseMembers(corridor)
        self.organizations = AsyncOrganizations(corridor)

"""Enterprise members and organizations (pages 添加企业成员, 修改企业员工的角色, 移除企业成员, 创建组织,
修改组织基本信息, 查询组织列表, 添加组织成员, 查询组织成员列表, 修改组织成员角色, 移除组织成员)."""

from __future__ import annotations

from typing import Literal

from .._models import CozeModel
from ._common import Id, RequestItem

__all__ = ["CreatedOrganization", "EnterpriseMemberInput", "EnterpriseRole", "Organization", "OrganizationMember",
           "OrganizationMemberInput", "OrganizationRole"]

EnterpriseRole = Literal["enterprise_admin", "enterprise_member"]
OrganizationRole = Literal["organization_super_admin", "organization_admin", "organization_member",
                           "organization_guest"]


class EnterpriseMemberInput(RequestItem):
    """An employee to add to the enterprise (one per call)."""

    user_id: str
    role: EnterpriseRole = "enterprise_member"


class OrganizationMemberInput(RequestItem):
    """A person to add to an organization (one per call)."""

    user_id: str
    organization_role_type: OrganizationRole = "organization_member"


class CreatedOrganization(CozeModel):
    """The answer of ``organizations.create`` (the SDK reads no field; an id is kept when sent)."""

    organization_id: Id = None


class Organization(CozeModel):
    """An organization of an enterprise."""

    organization_id: Id = None
    organization_name: str | None = None
    organization_icon_url: str | None = None
    is_default_organization: bool | None = None


class OrganizationMember(CozeModel):
    """A member of an organization; ``people_type`` is employee or guest."""

    user_id: Id = None
    is_valid: bool | None = None
    avatar_url: str | None = None
    created_at: int | None = None
    people_type: str | None = None
    user_nickname: str | None = None
    user_unique_name: str | None = None
    organization_role_type: str | None = None

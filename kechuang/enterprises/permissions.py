"""Permission checks return (allowed, reason); the reason is shown to the user."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import covers, role_of
from kechuang.enterprises.models import Enterprise


def in_region(region: Region | None, area: Region | None) -> bool:
    return bool(region and area and area.contains(region))


def can_edit_enterprise(
    actor: Any, enterprise: Enterprise | None, region: Region | None = None
) -> tuple[bool, str]:
    """Bureau staff and officers edit firms of their region (and may only place them in
    it); an enterprise user edits their own record; helpers only read."""
    role = role_of(actor)
    if role in (User.Role.STAFF, User.Role.OFFICER):
        if enterprise is not None and not covers(actor, enterprise.region):
            return False, "只能修改本区域的企业"
        if region is not None and not covers(actor, region):
            return False, f"不能把企业归入本区域以外的“{region.name}”"
        return True, ""
    if role == User.Role.ENTERPRISE:
        membership = getattr(actor, "membership", None)
        if enterprise is not None and membership and membership.enterprise_id == enterprise.pk:
            if region is not None and region.pk != enterprise.region_id:
                return False, "企业用户不能修改所属区域"
            return True, ""
        return False, "企业用户只能修改本企业的信息"
    return False, "当前角色无修改权限"


def can_import(actor: Any) -> tuple[bool, str]:
    role = role_of(actor)
    if role in (User.Role.STAFF, User.Role.OFFICER):
        return True, ""
    return False, "只有科技局和园区/乡镇用户可以批量导入"


def can_manage_certificates(actor: Any, enterprise: Enterprise | None) -> tuple[bool, str]:
    """Certificates are official records: bureau staff and the area's officer keep them."""
    role = role_of(actor)
    if role in (User.Role.STAFF, User.Role.OFFICER) and (
        enterprise is None or covers(actor, enterprise.region)
    ):
        return True, ""
    return False, "资质证书只能由科技局或所在园区/乡镇维护"

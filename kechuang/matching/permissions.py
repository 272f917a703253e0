"""Who may do what in 产学研对接; each check returns (allowed, reason)."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core.errors import PermissionDenied
from kechuang.programmes.permissions import in_scope


def require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def can_use(actor: Any) -> tuple[bool, str]:
    """The pages: every signed-in role (an enterprise sees its own demands only)."""
    if role_of(actor) in ("staff", "officer", "helper", "enterprise"):
        return True, ""
    return False, "请先登录"


def can_edit_supply(actor: Any) -> tuple[bool, str]:
    """Institutions, experts and achievements: the bureau keeps the county's expert pool."""
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以维护高校院所、专家和成果库"


def can_work_on_firm(actor: Any, enterprise: Any) -> tuple[bool, str]:
    """Demands, agreements and their progress: the firm itself, the bureau and the
    firm's area officer."""
    if role_of(actor) in ("staff", "officer", "enterprise") and in_scope(actor, enterprise):
        return True, ""
    return False, f"无权办理“{enterprise.name}”的产学研事项"


def can_mark_not_executed(actor: Any, enterprise: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer") and in_scope(actor, enterprise):
        return True, ""
    return False, "只有科技局和企业所在园区/乡镇可以标记协议未执行"


def can_work_on_alliances(actor: Any, enterprise: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer") and in_scope(actor, enterprise):
        return True, ""
    return False, f"无权办理“{enterprise.name}”的校企联盟"

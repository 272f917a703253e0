"""Permission checks of the cultivation pipeline; each returns (allowed, reason)."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, role_of
from kechuang.enterprises.models import Enterprise
from kechuang.programmes import permissions as programme_permissions


def can_use(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "高企培育仅对科技局和园区/乡镇开放"


def can_read_ledgers(actor: Any) -> tuple[bool, str]:
    """Ledger pages: the bureau, the towns and parks, and helpers (帮办员) for the firms
    assigned to them (the ledger is looked up in their scope; 404 otherwise)."""
    if role_of(actor) in ("staff", "officer", "helper"):
        return True, ""
    return False, "培育台帐仅对科技局、园区/乡镇和帮办员开放"


def can_visit(actor: Any, enterprise: Enterprise) -> tuple[bool, str]:
    """A visit on a ledger: whoever works on the firm, or its assigned helper."""
    if role_of(actor) == "helper":
        return programme_permissions.can_visit(actor, enterprise)
    return can_work_on(actor, enterprise)


def can_work_on(actor: Any, enterprise: Enterprise) -> tuple[bool, str]:
    """Bureau staff and officers work on the firms of their own region."""
    role = role_of(actor)
    if role in ("staff", "officer"):
        if covers(actor, enterprise.region):
            return True, ""
        return False, f"“{enterprise.name}”不属于本区域，不能办理"
    return False, "高企培育仅对科技局和园区/乡镇开放"


def can_decide(actor: Any) -> tuple[bool, str]:
    """Approving pool entries, overriding grades, batches and targets: the bureau."""
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以办理"


def can_assign_in(actor: Any, region: Region) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer") and covers(actor, region):
        return True, ""
    return False, "只能向本区域派发任务"

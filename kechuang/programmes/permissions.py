"""Permission checks of the programme frame; each returns (allowed, reason)."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, role_of
from kechuang.enterprises.models import Enterprise, HelperAssignment
from kechuang.programmes.workflow import ROLE_LABELS, Workflow


def in_scope(actor: Any, enterprise: Enterprise) -> bool:
    """Whether `actor` may see `enterprise` (the same rule as `enterprise_scope_q`)."""
    role = role_of(actor)
    if role in ("staff", "officer"):
        return covers(actor, enterprise.region)
    if role == "enterprise":
        membership = getattr(actor, "membership", None)
        return bool(membership and membership.enterprise_id == enterprise.pk)
    if role == "helper":
        return HelperAssignment.objects.filter(user=actor, enterprise=enterprise).exists()
    return False


def _scope_check(
    actor: Any, enterprise: Enterprise | None, region: Region | None
) -> tuple[bool, str]:
    """An enterprise's application: the enterprise in scope. One of a person or an
    institute (no enterprise): its region in what bureau staff or an officer answer for."""
    if enterprise is not None:
        if not in_scope(actor, enterprise):
            return False, f"“{enterprise.name}”不属于本区域，不能办理"
        return True, ""
    if region is None:
        return False, "申报既无企业也无所属区域"
    if role_of(actor) not in ("staff", "officer") or not covers(actor, region):
        return False, f"“{region.name}”不属于本区域，不能办理"
    return True, ""


def can_open(
    actor: Any, workflow: Workflow, enterprise: Enterprise | None, region: Region | None = None
) -> tuple[bool, str]:
    role = role_of(actor)
    if role not in workflow.open_roles:
        who = "、".join(ROLE_LABELS.get(r, r) for r in sorted(workflow.open_roles))
        return False, f"{workflow.label}只能由{who}建立"
    return _scope_check(actor, enterprise, region)


def can_work_on(
    actor: Any, workflow: Workflow, enterprise: Enterprise | None, region: Region | None = None
) -> tuple[bool, str]:
    """Work on an application (edit, attach, move): a role of the workflow, in scope
    (`region` for an application without an enterprise)."""
    role = role_of(actor)
    roles = {r for rs in workflow.transitions.values() for r in rs} | set(workflow.open_roles)
    if role not in roles:
        return False, f"{workflow.label}不对当前角色开放"
    return _scope_check(actor, enterprise, region)


def can_decide(actor: Any) -> tuple[bool, str]:
    """Calls, reviews, 公示, awards and resolving objections: the bureau."""
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以办理"


def can_assign_in(actor: Any, region: Region) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer") and covers(actor, region):
        return True, ""
    return False, "只能向本区域派发任务"


def can_visit(actor: Any, enterprise: Enterprise) -> tuple[bool, str]:
    """Visits are recorded by the bureau, the area's officer and an assigned helper."""
    if role_of(actor) in ("staff", "officer", "helper") and in_scope(actor, enterprise):
        return True, ""
    return False, f"无权记录对“{enterprise.name}”的走访"


def can_object(
    actor: Any, enterprise: Enterprise | None, region: Region | None = None
) -> tuple[bool, str]:
    """An enterprise objects to its own entry; staff and officers record objections
    received on paper for firms (or, without an enterprise, the region) of their scope."""
    if enterprise is None:
        if role_of(actor) in ("staff", "officer") and covers(actor, region):
            return True, ""
        return False, "只能对本区域的公示条目提出异议"
    if role_of(actor) in ("staff", "officer", "enterprise") and in_scope(actor, enterprise):
        return True, ""
    return False, "只能对本企业（或本区域企业）的公示条目提出异议"

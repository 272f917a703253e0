"""Who may do what on the desk; each check returns (allowed, reason)."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, role_of, sees_everything
from kechuang.enterprises.models import Enterprise
from kechuang.programmes import permissions as frame
from kechuang.programmes.models import Application


def can_use(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer", "helper", "enterprise"):
        return True, ""
    return False, "无权使用科技服务"


def can_file(actor: Any, enterprise: Enterprise) -> tuple[bool, str]:
    """An enterprise files its own request; the bureau or the area's officer files one
    on its behalf (after a call or a visit)."""
    from kechuang.desk.workflow import REQUEST_WORKFLOW

    return frame.can_open(actor, REQUEST_WORKFLOW, enterprise)


def can_manage(actor: Any) -> tuple[bool, str]:
    """Types, routing, helpers, linkage, working days and reassignment: the bureau."""
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以办理"


def can_configure(actor: Any, county: Region | None) -> tuple[bool, str]:
    """A county's types, routing rules, working days and settings: its bureau (or the
    city bureau over it), never another county's."""
    if county is None:
        return False, "请选择县（市、区）"
    if role_of(actor) == "staff" and covers(actor, county):
        return True, ""
    return False, f"无权修改{county.name}的科技服务设置"


def can_designate(actor: Any, county: Region | None) -> tuple[bool, str]:
    """A county's 局领导: designated by the county's own bureau (and the platform
    administrator); the city bureau views them."""
    if county is None:
        return False, "请选择县（市、区）"
    if role_of(actor) == "staff" and (
        sees_everything(actor) or getattr(actor, "region_id", None) == county.pk
    ):
        return True, ""
    return False, f"局领导由{county.name}科技局指定"


def can_log_visits(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer", "helper"):
        return True, ""
    return False, "只有科技局、园区/乡镇和帮办员可以记录走访"


def can_record_visit_of(actor: Any, visitor: Any) -> tuple[bool, str]:
    """One's own visits; the bureau and officers also those of the staff and officers of
    their area and of helpers (recorded from a sheet)."""
    if visitor == actor:
        return True, ""
    if not getattr(visitor, "is_active", False) or role_of(visitor) not in (
        "staff",
        "officer",
        "helper",
    ):
        return False, f"“{visitor}”不是科技局、园区/乡镇人员或帮办员"
    if role_of(actor) in ("staff", "officer"):
        region = getattr(visitor, "region", None)
        if role_of(visitor) == "helper" or (region is not None and covers(actor, region)):
            return True, ""
    return False, f"无权记录“{visitor}”的走访"


def can_visit_area(actor: Any, region: Region) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer") and region.is_area and covers(actor, region):
        return True, ""
    return False, f"无权记录对“{region.name}”的走访"


def can_visit_enterprise(actor: Any, enterprise: Enterprise) -> tuple[bool, str]:
    return frame.can_visit(actor, enterprise)


def can_work_on(actor: Any, application: Application) -> tuple[bool, str]:
    from kechuang.programmes import workflow

    return frame.can_work_on(actor, workflow.get(application.programme), application.enterprise)


def can_raise_on_area_visit(actor: Any, visit: Any) -> tuple[bool, str]:
    """A problem raised on a visit to a town or park: by the visitor, or the bureau or an
    officer of that area."""
    if visit.visitor_id is not None and visit.visitor_id == getattr(actor, "pk", None):
        return True, ""
    if role_of(actor) in ("staff", "officer") and covers(actor, visit.region):
        return True, ""
    return False, f"无权登记“{visit.region.name}”走访提出的问题"


def area_problem_moves(actor: Any, problem: Any) -> list[str]:
    """The stages `actor` may move a town's or park's problem (no firm) to. 交办 and 办结:
    the bureau or an officer of the area (as for a firm's problem). Confirmation, in the
    enterprise's place: the visiting unit — the visitor, or an officer of the area — or
    the bureau recording it."""
    from kechuang.desk.workflow import ASSIGNED, CLOSED, RAISED, SOLVED

    role = role_of(actor)
    in_area = role in ("staff", "officer") and covers(actor, problem.region)
    visitor_id = problem.visit.visitor_id if problem.visit is not None else None
    is_visitor = visitor_id is not None and visitor_id == getattr(actor, "pk", None)
    if problem.stage == RAISED:
        return [ASSIGNED] if in_area else []
    if problem.stage == ASSIGNED:
        return [SOLVED] if in_area else []
    if problem.stage == SOLVED:
        return [CLOSED, ASSIGNED] if in_area or is_visitor else []
    return []


def can_move_area_problem(actor: Any, problem: Any, to: str) -> tuple[bool, str]:
    if to in area_problem_moves(actor, problem):
        return True, ""
    return False, "无权办理该问题（乡镇（园区）走访提出的问题由科技局、该乡镇（园区）和走访人办理）"

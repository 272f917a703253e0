"""Writes of the service desk. Keyword-only arguments and an `actor`; each checks
permission, runs in one transaction, writes the audit log, and moves requests and
problems only through the frame's `application_transition` (row lock, event, audit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import role_of, scope_region
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.desk import notify, permissions, workdays
from kechuang.desk.models import (
    DeskVisit,
    HelperProfile,
    Linkage,
    Problem,
    RequestType,
    RoutingRule,
    ServiceRequest,
    WorkdayOverride,
)
from kechuang.desk.workflow import (
    ASSIGNED,
    CLOSED,
    IN_PROGRESS,
    PROBLEM,
    RAISED,
    REQUEST,
    REQUEST_OPEN,
    RESOLVED,
    REVIEWED,
    SOLVED,
)
from kechuang.enterprises.models import Enterprise, HelperAssignment
from kechuang.programmes import services as frame
from kechuang.programmes.models import Event, Visit
from kechuang.programmes.services import require

# A visit to a firm that another unit visited within this many days is flagged (走访
# 扰企: the county's 涉企检查/走访 coordination asks units not to visit one firm
# repeatedly; the window is the bureau's choice).
VISIT_OVERLAP_DAYS = 30


def invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid(field, label, "不能为空")
    if len(text) > limit:
        raise invalid(field, label, f"不能超过{limit}字")
    return text


def _audit(actor: Any, action: str, obj: Any, before: Any = None, **extra: Any) -> None:
    audit_log(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj), **extra)


def _request_url(req: ServiceRequest) -> str:
    return reverse("desk:request", args=[req.pk])


def _problem_url(problem: Problem) -> str:
    return reverse("desk:problem", args=[problem.pk])


# -- routing -----------------------------------------------------------------------------


def route(request_type: RequestType, enterprise: Enterprise) -> User | None:
    """The helper who takes a request of `request_type` from `enterprise`: the most
    specific matching rule (type and area, type, area, any), then the lowest priority."""
    region_path = enterprise.region.path
    best: tuple[int, int, int] | None = None
    chosen: User | None = None
    rules = RoutingRule.objects.filter(
        Q(request_type=request_type) | Q(request_type__isnull=True),
        helper__is_active=True,
    ).select_related("region", "helper")
    for rule in rules:
        if rule.region is not None and not region_path.startswith(rule.region.path):
            continue
        specificity = (rule.request_type_id is not None) * 2 + (rule.region_id is not None)
        # deeper area first among equally specific rules
        depth = len(rule.region.path) if rule.region is not None else 0
        key = (-specificity, -depth, rule.priority)
        if best is None or key < best:
            best, chosen = key, rule.helper
    return chosen


def _serve(helper: User, enterprise: Enterprise, on: dt.date, actor: Any) -> None:
    """A helper serves the firms of their requests (the frame scopes helpers by it)."""
    assignment, created = HelperAssignment.objects.get_or_create(
        user=helper, enterprise=enterprise, defaults={"since_on": on}
    )
    if created:
        _audit(actor, "create", assignment, enterprise_id=enterprise.pk, via="web")


# -- service requests --------------------------------------------------------------------


def request_file(
    *,
    actor: Any,
    enterprise: Enterprise,
    request_type: RequestType | None,
    title: str,
    description: str,
    channel: str = "",
    contact: str = "",
    on: dt.date | None = None,
    files: Sequence[Any] = (),
    via: str = "web",
) -> ServiceRequest:
    """File a request (the enterprise itself, or the bureau or the area's officer on its
    behalf), route it to a helper and set its deadline in working days."""
    require(permissions.can_file(actor, enterprise))
    day = on or periods.today()
    if request_type is None or not request_type.active:
        raise invalid("request_type", "服务类型", "请选择服务类型")
    title = _text(title, "title", "诉求标题", 100)
    description = _text(description, "description", "诉求内容", 2000)
    contact = _text(contact, "contact", "联系人及电话", 60, required=False)
    if role_of(actor) == "enterprise":
        channel = ServiceRequest.Channel.ONLINE
    elif channel not in ServiceRequest.Channel.values:
        raise invalid("channel", "渠道", "请选择 电话、走访收集 或 窗口")
    helper = route(request_type, enterprise)
    with transaction.atomic():
        app = frame.application_open(
            actor=actor,
            programme=REQUEST,
            enterprise=enterprise,
            year=day.year,
            on=day,
            kind=request_type.key,
            title=title,
            data={"description": description},
            via=via,
        )
        req = ServiceRequest.objects.create(
            application=app,
            request_type=request_type,
            channel=channel,
            contact=contact,
            filed_by=actor,
            filed_on=day,
            helper=helper,
            assigned_on=day if helper else None,
            due_on=workdays.add_workdays(day, request_type.deadline_days),
        )
        _audit(actor, "create", req, enterprise_id=enterprise.pk, via=via)
        for f in files:
            frame.attachment_add(
                actor=actor, enterprise=enterprise, file=f, application=app, via=via
            )
        if helper is not None:
            _serve(helper, enterprise, day, actor)
            notify.notice(
                helper,
                "assigned",
                f"新诉求：{enterprise.name}「{title}」（{request_type.name}），"
                f"请于{req.due_on:%Y-%m-%d}前办结",
                _request_url(req),
                f"assign-{req.pk}-{helper.pk}",
            )
    return req


def request_assign(
    *, actor: Any, req: ServiceRequest, helper: User | None, via: str = "web"
) -> ServiceRequest:
    """The bureau gives a request to (another) helper."""
    require(permissions.can_manage(actor))
    if helper is None or role_of(helper) != "helper":
        raise invalid("helper", "帮办员", "请选择帮办员")
    if not req.is_open():
        raise invalid("helper", "帮办员", "诉求已办结，不能改派")
    day = periods.today()
    with transaction.atomic():
        obj = ServiceRequest.objects.select_for_update().get(pk=req.pk)
        before = snapshot(obj)
        obj.helper, obj.assigned_on = helper, day
        obj.save(update_fields=["helper", "assigned_on"])
        app = req.application
        Event.objects.create(
            application=app,
            from_stage=app.stage,
            stage=app.stage,
            on=day,
            by=actor,
            by_name=str(actor)[:60],
            note=f"分派给{helper}",
        )
        _audit(actor, "update", obj, before, enterprise_id=app.enterprise_id, via=via)
        _serve(helper, app.enterprise, day, actor)
        notify.notice(
            helper,
            "assigned",
            f"分派诉求：{app.enterprise.name}「{app.title}」，请于{obj.due_on:%Y-%m-%d}前办结",
            _request_url(obj),
            f"assign-{obj.pk}-{helper.pk}",
        )
    return obj


def request_move(
    *,
    actor: Any,
    req: ServiceRequest,
    to: str,
    note: str = "",
    on: dt.date | None = None,
    expected_stage: str | None = None,
    via: str = "web",
) -> ServiceRequest:
    """受理, 办理, 办结 (with the result), 撤回, or back to 办理 when the enterprise is
    not satisfied. 回访 is `request_review`."""
    if to == REVIEWED:
        raise invalid("to", "环节", "回访请填写满意度")
    day = on or periods.today()
    with transaction.atomic():
        app = frame.application_transition(
            actor=actor,
            application=req.application,
            to=to,
            on=day,
            note=note.strip(),
            expected_stage=expected_stage,
            via=via,
        )
        obj = ServiceRequest.objects.select_for_update().get(pk=req.pk)
        before = snapshot(obj)
        if to == RESOLVED:
            obj.resolved_on, obj.reply = day, note.strip()
        elif to == IN_PROGRESS and before["resolved_on"]:
            obj.resolved_on = None
            notify.notice(
                obj.helper,
                "assigned",
                f"企业对办理结果不满意，退回重办：{app.enterprise.name}「{app.title}」",
                _request_url(obj),
                f"back-{obj.pk}-{app.version}",
            )
        obj.save()
        if snapshot(obj) != before:
            _audit(actor, "update", obj, before, enterprise_id=app.enterprise_id, via=via)
        if to == RESOLVED:
            members = User.objects.filter(membership__enterprise_id=app.firm_id)
            notify.notices_to(
                members,
                "confirm",
                f"您的诉求「{app.title}」已办结，请评价",
                _request_url(obj),
                f"review-{obj.pk}-{app.version}",
            )
    req.application.stage = app.stage
    return obj


def request_review(
    *,
    actor: Any,
    req: ServiceRequest,
    satisfaction: int | None,
    comment: str = "",
    on: dt.date | None = None,
    via: str = "web",
) -> ServiceRequest:
    """回访: the enterprise's satisfaction (1–5) and comment, online or by phone."""
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise invalid("satisfaction", "满意度", "请选择1–5分")
    comment = _text(comment, "comment", "回访意见", 300, required=satisfaction <= 2)
    day = on or periods.today()
    with transaction.atomic():
        frame.application_transition(
            actor=actor,
            application=req.application,
            to=REVIEWED,
            on=day,
            note=f"满意度{satisfaction}分{('：' + comment) if comment else ''}",
            expected_stage=RESOLVED,
            via=via,
        )
        obj = ServiceRequest.objects.select_for_update().get(pk=req.pk)
        before = snapshot(obj)
        obj.satisfaction, obj.feedback, obj.reviewed_on = satisfaction, comment, day
        obj.save(update_fields=["satisfaction", "feedback", "reviewed_on"])
        _audit(actor, "update", obj, before, enterprise_id=req.application.enterprise_id, via=via)
    return obj


def request_attach(*, actor: Any, req: ServiceRequest, file: Any, via: str = "web") -> Any:
    if not req.is_open() and role_of(actor) == "enterprise":
        raise invalid("file", "附件", "诉求已办结，不能再上传附件")
    return frame.attachment_add(
        actor=actor,
        enterprise=req.application.enterprise,
        file=file,
        application=req.application,
        via=via,
    )


def requests_escalate(*, day: dt.date | None = None, via: str = "command") -> list[ServiceRequest]:
    """Escalate every open request past its deadline, once, to its helper's leader (督办):
    an event on the request, the audit, and notices to the leader and the helper."""
    today = day or periods.today()
    due = (
        ServiceRequest.objects.filter(
            application__stage__in=REQUEST_OPEN, due_on__lt=today, escalated_on__isnull=True
        )
        .select_related("application", "application__enterprise", "helper")
        .order_by("due_on", "pk")
    )
    leaders = dict(HelperProfile.objects.values_list("user_id", "leader_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=[v for v in leaders.values() if v])}
    done: list[ServiceRequest] = []
    with transaction.atomic():
        for req in due.select_for_update(of=("self",)):
            before = snapshot(req)
            leader = users.get(leaders.get(req.helper_id) or 0) if req.helper_id else None
            req.escalated_on, req.escalated_to = today, leader
            req.save(update_fields=["escalated_on", "escalated_to"])
            app = req.application
            late = workdays.workdays_between(req.due_on, today)
            who = f"升级至{leader}督办" if leader else "升级至科技局督办（帮办员未设分管领导）"
            Event.objects.create(
                application=app,
                from_stage=app.stage,
                stage=app.stage,
                on=today,
                by_name="系统",
                note=f"超过办结期限{req.due_on:%Y-%m-%d}（逾期{late}个工作日），{who}",
            )
            audit_log(
                actor=None,
                action="update",
                obj=req,
                before=before,
                after=snapshot(req),
                enterprise_id=app.enterprise_id,
                via=via,
                note="逾期升级",
            )
            text = (
                f"逾期督办：{app.enterprise.name}「{app.title}」（帮办员 {req.helper or '未分派'}）"
                f"已超过办结期限{req.due_on:%Y-%m-%d}"
            )
            if leader is not None:
                notify.notice(leader, "escalated", text, _request_url(req), f"esc-{req.pk}")
            else:
                notify.notices_to(
                    User.objects.filter(role="staff", is_active=True, region__isnull=False).filter(
                        region__path__in=_ancestor_paths(app.enterprise.region)
                    ),
                    "escalated",
                    text,
                    _request_url(req),
                    f"esc-{req.pk}",
                )
            notify.notice(req.helper, "overdue", text, _request_url(req), f"late-{req.pk}")
            done.append(req)
    return done


def _ancestor_paths(region: Region) -> list[str]:
    parts = region.path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# -- visits ------------------------------------------------------------------------------


def unit_of(user: Any) -> str:
    """The unit a visitor belongs to, as the overlap warning names it."""
    role = role_of(user)
    region = getattr(user, "region", None)
    if role == "staff":
        return f"{region.name}科技局" if region is not None else "科技局"
    if role == "officer":
        return region.name if region is not None else "园区/乡镇"
    if role == "helper":
        return "科技服务帮办员"
    return "其他"


def visit_overlaps(
    enterprise: Enterprise, on: dt.date, unit: str, exclude: int | None = None
) -> list[str]:
    """Visits of `enterprise` by another unit within `VISIT_OVERLAP_DAYS` of `on`."""
    window = dt.timedelta(days=VISIT_OVERLAP_DAYS)
    others = (
        Visit.objects.filter(enterprise=enterprise, visited_on__range=(on - window, on + window))
        .exclude(pk=exclude or 0)
        .select_related("visitor", "visitor__region")
        .order_by("-visited_on")
    )
    out = []
    for v in others:
        theirs = unit_of(v.visitor) if v.visitor else "其他"
        if theirs != unit:
            out.append(f"{theirs}（{v.visitor_name or '—'}）已于{v.visited_on:%Y-%m-%d}走访该企业")
    return out


def visit_record(
    *,
    actor: Any,
    visited_on: dt.date | None,
    purpose: str,
    notes: str,
    enterprise: Enterprise | None = None,
    region: Region | None = None,
    follow_up_on: dt.date | None = None,
    companions: str = "",
    via: str = "web",
) -> tuple[DeskVisit, list[str]]:
    """Record a visit to an enterprise (also the frame's visit) or to a town or park;
    returns it with the warnings (another unit visited the firm within the window)."""
    require(permissions.can_log_visits(actor))
    today = periods.today()
    if visited_on is None:
        raise invalid("visited_on", "走访日期", "请填写日期")
    if visited_on > today:
        raise invalid("visited_on", "走访日期", "不能晚于今天")
    if purpose not in DeskVisit.Purpose.values:
        raise invalid("purpose", "走访目的", "请选择走访目的")
    notes = _text(notes, "notes", "走访情况", 2000)
    companions = _text(companions, "companions", "陪同人员", 100, required=False)
    if follow_up_on is not None and follow_up_on < visited_on:
        raise invalid("follow_up_on", "跟进日期", "不能早于走访日期")
    if enterprise is None and region is None:
        raise invalid("enterprise", "走访对象", "请填写企业或选择乡镇（园区）")
    if enterprise is not None:
        require(permissions.can_visit_enterprise(actor, enterprise))
        region = enterprise.region
    else:
        assert region is not None
        require(permissions.can_visit_area(actor, region))
    unit = unit_of(actor)
    warnings = visit_overlaps(enterprise, visited_on, unit) if enterprise is not None else []
    with transaction.atomic():
        frame_visit = None
        if enterprise is not None:
            label = DeskVisit.Purpose(purpose).label
            frame_visit = frame.visit_record(
                actor=actor,
                enterprise=enterprise,
                visited_on=visited_on,
                summary=f"{label}：{notes}"[:500],
                via=via,
            )
        visit = DeskVisit.objects.create(
            visited_on=visited_on,
            visitor=actor,
            visitor_name=str(actor)[:60],
            unit=unit,
            companions=companions,
            region=region,
            enterprise=enterprise,
            purpose=purpose,
            notes=notes,
            follow_up_on=follow_up_on,
            overlap_note="；".join(warnings)[:200],
            frame_visit=frame_visit,
        )
        _audit(actor, "create", visit, enterprise_id=enterprise.pk if enterprise else None, via=via)
        # This visit is the follow-up of earlier ones to the same place still waiting.
        same = (
            Q(enterprise=enterprise)
            if enterprise is not None
            else Q(enterprise__isnull=True, region=region)
        )
        DeskVisit.objects.filter(
            same,
            follow_up_on__isnull=False,
            followed_up_by__isnull=True,
            visited_on__lte=visited_on,
        ).exclude(pk=visit.pk).update(followed_up_by=visit)
    return visit, warnings


# -- problems ----------------------------------------------------------------------------


def problem_raise(
    *,
    actor: Any,
    visit: DeskVisit,
    category: str,
    description: str,
    on: dt.date | None = None,
    via: str = "web",
) -> Problem:
    """A problem the enterprise raised on a visit (企业难题), waiting to be given out."""
    if visit.enterprise is None:
        raise invalid(
            "visit", "来源走访", "乡镇（园区）走访请在走访情况中记录；企业难题需对应一家企业"
        )
    if category not in Problem.Category.values:
        raise invalid("category", "问题类别", "请选择问题类别")
    description = _text(description, "description", "问题描述", 1000)
    day = on or periods.today()
    if day < visit.visited_on:
        raise invalid("raised_on", "提出日期", "不能早于走访日期")
    with transaction.atomic():
        app = frame.application_open(
            actor=actor,
            programme=PROBLEM,
            enterprise=visit.enterprise,
            year=day.year,
            on=day,
            kind=category,
            title=description[:200],
            via=via,
        )
        problem = Problem.objects.create(
            application=app,
            visit=visit,
            category=category,
            description=description,
            raised_on=day,
            raised_by=actor,
        )
        _audit(actor, "create", problem, enterprise_id=app.enterprise_id, via=via)
    return problem


def problem_assign(
    *,
    actor: Any,
    problem: Problem,
    department: str,
    assignee: User | None,
    due_on: dt.date | None,
    note: str = "",
    on: dt.date | None = None,
    via: str = "web",
) -> Problem:
    """交办: the department (and the person) who answers for it, and a deadline."""
    department = _text(department, "department", "责任部门", 60)
    day = on or periods.today()
    if due_on is None or due_on < day:
        raise invalid("due_on", "办结期限", "请填写不早于交办日期的期限")
    if assignee is not None and role_of(assignee) not in ("staff", "officer", "helper"):
        raise invalid("assignee", "责任人", "请选择科技局、园区/乡镇人员或帮办员")
    with transaction.atomic():
        app = frame.application_transition(
            actor=actor,
            application=problem.application,
            to=ASSIGNED,
            on=day,
            note=f"交办{department}"
            + (f"（{assignee}）" if assignee else "")
            + (f"：{note}" if note else ""),
            expected_stage=RAISED,
            via=via,
        )
        obj = Problem.objects.select_for_update().get(pk=problem.pk)
        before = snapshot(obj)
        obj.department, obj.assignee, obj.assigned_on, obj.due_on = (
            department,
            assignee,
            day,
            due_on,
        )
        obj.save()
        _audit(actor, "update", obj, before, enterprise_id=app.enterprise_id, via=via)
        notify.notice(
            assignee,
            "problem",
            f"交办企业难题：{app.enterprise.name}「{obj.short}」，请于{due_on:%Y-%m-%d}前办结",
            _problem_url(obj),
            f"prob-{obj.pk}-{app.version}",
        )
    problem.application.stage = app.stage
    return obj


def problem_resolve(
    *, actor: Any, problem: Problem, resolution: str, on: dt.date | None = None, via: str = "web"
) -> Problem:
    """办结: what was done; the enterprise is asked to confirm."""
    resolution = _text(resolution, "resolution", "办理结果", 1000)
    if role_of(actor) == "helper":
        raise PermissionDenied("企业难题由交办的部门办结")
    day = on or periods.today()
    with transaction.atomic():
        app = frame.application_transition(
            actor=actor,
            application=problem.application,
            to=SOLVED,
            on=day,
            note=resolution[:300],
            expected_stage=ASSIGNED,
            via=via,
        )
        obj = Problem.objects.select_for_update().get(pk=problem.pk)
        before = snapshot(obj)
        obj.resolution, obj.resolved_on = resolution, day
        obj.save(update_fields=["resolution", "resolved_on"])
        _audit(actor, "update", obj, before, enterprise_id=app.enterprise_id, via=via)
        notify.notices_to(
            User.objects.filter(membership__enterprise_id=app.firm_id),
            "confirm",
            f"企业难题「{obj.short}」已办结，请确认是否解决",
            _problem_url(obj),
            f"confirm-{obj.pk}-{app.version}",
        )
    problem.application.stage = app.stage
    return obj


def problem_confirm(
    *,
    actor: Any,
    problem: Problem,
    solved: bool,
    comment: str = "",
    on: dt.date | None = None,
    via: str = "web",
) -> Problem:
    """The enterprise confirms the problem solved (已解决), or says it is not, which sends
    it back to the department (reopened, counted)."""
    day = on or periods.today()
    comment = _text(comment, "comment", "企业意见", 300, required=not solved)
    with transaction.atomic():
        app = frame.application_transition(
            actor=actor,
            application=problem.application,
            to=CLOSED if solved else ASSIGNED,
            on=day,
            note=("企业确认已解决" if solved else "企业认为未解决，退回重办")
            + (f"：{comment}" if comment else ""),
            expected_stage=SOLVED,
            via=via,
        )
        obj = Problem.objects.select_for_update().get(pk=problem.pk)
        before = snapshot(obj)
        if solved:
            obj.closed_on, obj.confirmed_by = day, actor
            obj.objection = comment if comment else obj.objection
        else:
            obj.reopen_count += 1
            obj.objection, obj.resolved_on = comment, None
            notify.notice(
                obj.assignee,
                "problem",
                f"企业认为未解决，退回重办：{app.enterprise.name}「{obj.short}」",
                _problem_url(obj),
                f"reopen-{obj.pk}-{app.version}",
            )
        obj.save()
        _audit(actor, "update", obj, before, enterprise_id=app.enterprise_id, via=via)
    problem.application.stage = app.stage
    return obj


# -- linkage -----------------------------------------------------------------------------


def _leader_ok(actor: Any, leader: User | None) -> User:
    own = scope_region(actor)
    if (
        leader is None
        or role_of(leader) != "staff"
        or own is None
        or leader.region is None
        or not leader.region.path.startswith(own.path)
    ):
        raise invalid("leader", "挂钩领导", "请选择本局领导")
    return leader


def linkage_add(
    *,
    actor: Any,
    year: int | None,
    leader: User | None,
    region: Region | None = None,
    enterprise: Enterprise | None = None,
    note: str = "",
    via: str = "web",
) -> Linkage:
    require(permissions.can_manage(actor))
    if year is None:
        raise invalid("year", "年度", "请填写年度")
    leader = _leader_ok(actor, leader)
    if (region is None) == (enterprise is None):
        raise invalid("target", "挂钩对象", "请选择一个乡镇（园区）或一家重点企业")
    if region is not None:
        require(permissions.can_visit_area(actor, region))
    if enterprise is not None:
        require(permissions.can_visit_enterprise(actor, enterprise))
    note = _text(note, "note", "备注", 100, required=False)
    with transaction.atomic():
        found = Linkage.objects.filter(
            year=year, leader=leader, region=region, enterprise=enterprise
        ).first()
        if found is not None:
            raise invalid("target", "挂钩对象", f"{year}年已挂钩{found.enterprise or found.region}")
        link = Linkage.objects.create(
            year=year, leader=leader, region=region, enterprise=enterprise, note=note
        )
        _audit(actor, "create", link, enterprise_id=enterprise.pk if enterprise else None, via=via)
    return link


def linkage_remove(*, actor: Any, linkage: Linkage, via: str = "web") -> None:
    require(permissions.can_manage(actor))
    with transaction.atomic():
        before = snapshot(linkage)
        audit_log(
            actor=actor,
            action="delete",
            obj=linkage,
            before=before,
            enterprise_id=linkage.enterprise_id,
            via=via,
        )
        linkage.delete()


# -- configuration (data the bureau edits) ---------------------------------------------


def request_type_save(
    *,
    actor: Any,
    name: str,
    deadline_days: int | None,
    key: str = "",
    description: str = "",
    active: bool = True,
    request_type: RequestType | None = None,
    via: str = "web",
) -> RequestType:
    require(permissions.can_manage(actor))
    name = _text(name, "name", "服务类型", 30)
    if deadline_days is None or not 1 <= deadline_days <= 120:
        raise invalid("deadline_days", "办理时限（工作日）", "应为1–120")
    description = _text(description, "description", "说明", 200, required=False)
    with transaction.atomic():
        if request_type is None:
            if RequestType.objects.filter(name=name).exists():
                raise invalid("name", "服务类型", f"“{name}”已存在")
            key = key.strip() or f"t{RequestType.objects.count() + 1}"
            obj = RequestType.objects.create(
                key=key[:20],
                name=name,
                deadline_days=deadline_days,
                description=description,
                active=active,
                sort_order=100 + RequestType.objects.count(),
            )
            _audit(actor, "create", obj, via=via)
            return obj
        obj = RequestType.objects.select_for_update().get(pk=request_type.pk)
        before = snapshot(obj)
        if RequestType.objects.filter(name=name).exclude(pk=obj.pk).exists():
            raise invalid("name", "服务类型", f"“{name}”已存在")
        obj.name, obj.deadline_days, obj.description, obj.active = (
            name,
            deadline_days,
            description,
            active,
        )
        obj.save()
        _audit(actor, "update", obj, before, via=via)
        return obj


def routing_rule_add(
    *,
    actor: Any,
    helper: User | None,
    request_type: RequestType | None = None,
    region: Region | None = None,
    priority: int = 100,
    via: str = "web",
) -> RoutingRule:
    require(permissions.can_manage(actor))
    if helper is None or role_of(helper) != "helper":
        raise invalid("helper", "帮办员", "请选择帮办员")
    if region is not None:
        require(permissions.can_visit_area(actor, region))
    with transaction.atomic():
        rule = RoutingRule.objects.create(
            helper=helper, request_type=request_type, region=region, priority=priority
        )
        _audit(actor, "create", rule, via=via)
    return rule


def routing_rule_remove(*, actor: Any, rule: RoutingRule, via: str = "web") -> None:
    require(permissions.can_manage(actor))
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=rule, before=snapshot(rule), via=via)
        rule.delete()


def helper_leader_set(
    *, actor: Any, helper: User | None, leader: User | None, via: str = "web"
) -> HelperProfile:
    require(permissions.can_manage(actor))
    if helper is None or role_of(helper) != "helper":
        raise invalid("helper", "帮办员", "请选择帮办员")
    leader = _leader_ok(actor, leader)
    with transaction.atomic():
        profile, created = HelperProfile.objects.select_for_update().get_or_create(user=helper)
        before = None if created else snapshot(profile)
        profile.leader = leader
        profile.save()
        _audit(actor, "create" if created else "update", profile, before, via=via)
    return profile


def workday_override_save(
    *, actor: Any, day: dt.date | None, is_workday: bool, note: str = "", via: str = "web"
) -> WorkdayOverride:
    require(permissions.can_manage(actor))
    if day is None:
        raise invalid("day", "日期", "请填写日期")
    note = _text(note, "note", "说明", 60, required=False)
    with transaction.atomic():
        obj = WorkdayOverride.objects.select_for_update().filter(day=day).first()
        before = snapshot(obj) if obj else None
        obj = obj or WorkdayOverride(day=day)
        obj.is_workday, obj.note = is_workday, note
        obj.save()
        _audit(actor, "update" if before else "create", obj, before, via=via)
    return obj


def workday_override_remove(*, actor: Any, override: WorkdayOverride, via: str = "web") -> None:
    require(permissions.can_manage(actor))
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=override, before=snapshot(override), via=via)
        override.delete()


def notices_read(*, actor: Any) -> int:
    from django.utils import timezone

    from kechuang.desk.models import Notice

    return Notice.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())

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
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.desk import leaders, notify, permissions, workdays
from kechuang.desk.counties import DEFAULT_OVERLAP_DAYS, county_of
from kechuang.desk.models import (
    BureauLeader,
    CountySettings,
    DeskVisit,
    HelperProfile,
    Linkage,
    Problem,
    ProblemLimit,
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

# A visit to a firm that another unit visited within N days is flagged (走访扰企: the
# county's 涉企检查/走访 coordination asks units not to visit one firm repeatedly); N is
# each county's bureau's choice (`CountySettings.visit_overlap_days`, default 30).


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
    """The helper who takes a request of `request_type` from `enterprise`: among the rules
    of the type's county (the firm's) naming a helper of that county, the most specific
    matching rule (type and area, type, area, any), then the lowest priority."""
    region_path = enterprise.region.path
    best: tuple[int, int, int] | None = None
    chosen: User | None = None
    rules = RoutingRule.objects.filter(
        Q(request_type=request_type) | Q(request_type__isnull=True),
        county_id=request_type.county_id,
        helper__is_active=True,
        helper__desk_profile__county_id=request_type.county_id,
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


def _own_helper(
    helper: User | None, county: Region, field: str = "helper", label: str = "帮办员"
) -> User:
    """`helper` if a 帮办员 of `county`, else the refusal naming the field."""
    if helper is None or role_of(helper) != "helper":
        raise invalid(field, label, "请选择帮办员")
    theirs = leaders.helper_county(helper)
    if theirs is None or theirs.pk != county.pk:
        where = f"属于{theirs.name}" if theirs is not None else "尚未归属县（市、区）"
        raise invalid(field, label, f"“{helper}”{where}，请选择{county.name}的帮办员")
    return helper


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
    county = county_of(enterprise.region)
    if county is None or request_type.county_id != county.pk:
        raise invalid("request_type", "服务类型", "请选择企业所在县（市、区）的服务类型")
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
            due_on=workdays.add_workdays(day, request_type.deadline_days, county),
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
    helper = _own_helper(helper, req.request_type.county)
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
        .select_related(
            "application",
            "application__enterprise__region",
            "helper",
            "request_type__county",
        )
        .order_by("due_on", "pk")
    )
    heads = dict(HelperProfile.objects.values_list("user_id", "leader_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=[v for v in heads.values() if v])}
    done: list[ServiceRequest] = []
    with transaction.atomic():
        for req in due.select_for_update(of=("self",)):
            before = snapshot(req)
            head = users.get(heads.get(req.helper_id) or 0) if req.helper_id else None
            to = leaders.escalation(
                head, req.request_type.county, req.application.enterprise.region
            )
            req.escalated_on, req.escalated_to, req.escalated_as = today, to.lead, to.kind
            req.save(update_fields=["escalated_on", "escalated_to", "escalated_as"])
            app = req.application
            late = workdays.workdays_between(req.due_on, today, req.request_type.county_id)
            who = to.label
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
                f"已超过办结期限{req.due_on:%Y-%m-%d}，{who}"
            )[:300]
            notify.notices_to(to.told, "escalated", text, _request_url(req), f"esc-{req.pk}")
            notify.notice(req.helper, "overdue", text, _request_url(req), f"late-{req.pk}")
            done.append(req)
    return done


def problems_escalate(*, day: dt.date | None = None, via: str = "command") -> list[Problem]:
    """Escalate every problem past its deadline, given out and not yet solved, once (督办):
    to the leader of its owner (a helper's 分管领导), else to the county's designated
    局领导, else to the county bureau's staff. An event
    on a firm's problem, the audit, notices to the leader (or the bureau's staff) and the
    owner."""
    today = day or periods.today()
    due = (
        Problem.objects.filter(stage=ASSIGNED, due_on__lt=today, escalated_on__isnull=True)
        .select_related("application", "application__enterprise", "region", "assignee")
        .order_by("due_on", "pk")
    )
    heads = dict(HelperProfile.objects.values_list("user_id", "leader_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=[v for v in heads.values() if v])}
    done: list[Problem] = []
    with transaction.atomic():
        for p in due.select_for_update(of=("self",)):
            before = snapshot(p)
            head = users.get(heads.get(p.assignee_id) or 0) if p.assignee_id else None
            county = county_of(p.region)
            to = leaders.escalation(head, county, p.region)
            p.escalated_on, p.escalated_to, p.escalated_as = today, to.lead, to.kind
            p.save(update_fields=["escalated_on", "escalated_to", "escalated_as"])
            assert p.due_on is not None
            late = workdays.workdays_between(p.due_on, today, county)
            who = to.label
            if p.application is not None:
                app = p.application
                Event.objects.create(
                    application=app,
                    from_stage=app.stage,
                    stage=app.stage,
                    on=today,
                    by_name="系统",
                    note=f"超过办结期限{p.due_on:%Y-%m-%d}（逾期{late}个工作日），{who}",
                )
            audit_log(
                actor=None,
                action="update",
                obj=p,
                before=before,
                after=snapshot(p),
                enterprise_id=_firm_id(p),
                via=via,
                note="逾期升级",
            )
            text = (
                f"逾期督办：问题 {p.target_name}「{p.short}」（{p.department}"
                f"{('，' + str(p.assignee)) if p.assignee else ''}）已超过办结期限"
                f"{p.due_on:%Y-%m-%d}，{who}"
            )[:300]
            notify.notices_to(to.told, "escalated", text, _problem_url(p), f"pesc-{p.pk}")
            notify.notice(p.assignee, "overdue", text, _problem_url(p), f"plate-{p.pk}")
            done.append(p)
    return done


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
    """Visits of `enterprise` by another unit within the window of its county (the
    bureau's `visit_overlap_days`) of `on`."""
    window = dt.timedelta(days=overlap_days(county_of(enterprise.region)))
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


def overlap_days(county: Region | None) -> int:
    """The overlap window of `county` (the default where the bureau set none)."""
    found = CountySettings.objects.filter(county=county).first() if county else None
    return found.visit_overlap_days if found is not None else DEFAULT_OVERLAP_DAYS


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
    visitor: User | None = None,
    unit: str = "",
    via: str = "web",
) -> tuple[DeskVisit, list[str]]:
    """Record a visit to an enterprise (also the frame's visit) or to a town or park;
    returns it with the warnings (another unit visited the firm within the window).
    `visitor` (default the actor) is who went, when the bureau or an officer records
    the visits of others (a sheet); `unit` (default the visitor's) names the unit."""
    require(permissions.can_log_visits(actor))
    visitor = visitor or actor
    require(permissions.can_record_visit_of(actor, visitor))
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
    unit = _text(unit, "unit", "走访单位", 60, required=False) or unit_of(visitor)
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
            if visitor != actor:  # the frame records the recorder: the firm's log names who went
                Visit.objects.filter(pk=frame_visit.pk).update(
                    visitor=visitor, visitor_name=str(visitor)[:60]
                )
        visit = DeskVisit.objects.create(
            visited_on=visited_on,
            visitor=visitor,
            visitor_name=str(visitor)[:60],
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
    """A problem raised on a visit, waiting to be given out: the firm's (企业难题, also
    its application) or, on a visit to a town or park, the area's."""
    if category not in Problem.Category.values:
        raise invalid("category", "问题类别", "请选择问题类别")
    description = _text(description, "description", "问题描述", 1000)
    day = on or periods.today()
    if day < visit.visited_on:
        raise invalid("raised_on", "提出日期", "不能早于走访日期")
    if visit.enterprise is None:
        require(permissions.can_raise_on_area_visit(actor, visit))
    with transaction.atomic():
        app = None
        if visit.enterprise is not None:
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
            stage=RAISED,
            region=visit.region,
            visit=visit,
            category=category,
            description=description,
            raised_on=day,
            raised_by=actor,
        )
        _audit(actor, "create", problem, enterprise_id=_firm_id(problem), via=via)
    return problem


def _firm_id(problem: Problem) -> int | None:
    return problem.application.enterprise_id if problem.application is not None else None


def _problem_move(
    *,
    actor: Any,
    problem: Problem,
    to: str,
    note: str,
    expected_stage: str,
    day: dt.date,
    via: str,
) -> Problem:
    """Move a problem (inside the caller's transaction) and return its locked row with
    the new stage set. A firm's problem moves through the frame (row lock, re-check,
    event, audit); a town's or park's by the desk's own check on the locked row."""
    if problem.application is not None:
        app = frame.application_transition(
            actor=actor,
            application=problem.application,
            to=to,
            on=day,
            note=note,
            expected_stage=expected_stage,
            via=via,
        )
        obj = Problem.objects.select_for_update(of=("self",)).get(pk=problem.pk)
        obj.application = app
        obj.stage = app.stage
        return obj
    obj = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("visit", "region")
        .get(pk=problem.pk)
    )
    if obj.stage != expected_stage:
        raise Conflict("该问题已被他人处理，请刷新页面后重试")
    require(permissions.can_move_area_problem(actor, obj, to))
    obj.stage = to
    return obj


def _area_people(problem: Problem) -> Any:
    """Who confirms a town's or park's problem: the visitor and the area's officers."""
    visitor = problem.visit.visitor_id if problem.visit is not None else None
    return User.objects.filter(
        Q(pk=visitor or 0) | Q(role="officer", region=problem.region), is_active=True
    )


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
    """交办: the department (and the person) who answers for it, and a deadline (by
    default the category's time limit in working days of the problem's county)."""
    department = _text(department, "department", "责任部门", 60)
    day = on or periods.today()
    if due_on is None:
        due_on = workdays.problem_due(problem, day)
    if due_on < day:
        raise invalid("due_on", "办结期限", "请填写不早于交办日期的期限")
    if assignee is not None and role_of(assignee) not in ("staff", "officer", "helper"):
        raise invalid("assignee", "责任人", "请选择科技局、园区/乡镇人员或帮办员")
    county = county_of(problem.region)
    if assignee is not None and role_of(assignee) == "helper" and county is not None:
        _own_helper(assignee, county, "assignee", "责任人")
    with transaction.atomic():
        before = snapshot(Problem.objects.get(pk=problem.pk))
        obj = _problem_move(
            actor=actor,
            problem=problem,
            to=ASSIGNED,
            note=f"交办{department}"
            + (f"（{assignee}）" if assignee else "")
            + (f"：{note}" if note else ""),
            expected_stage=RAISED,
            day=day,
            via=via,
        )
        obj.department, obj.assignee, obj.assigned_on, obj.due_on = (
            department,
            assignee,
            day,
            due_on,
        )
        obj.save()
        _audit(actor, "update", obj, before, enterprise_id=_firm_id(obj), via=via)
        notify.notice(
            assignee,
            "problem",
            f"交办问题：{obj.target_name}「{obj.short}」，请于{due_on:%Y-%m-%d}前办结",
            _problem_url(obj),
            f"prob-{obj.pk}-{obj.stage}-{obj.reopen_count}",
        )
    problem.stage = obj.stage
    if problem.application is not None:
        problem.application.stage = obj.stage
    return obj


def problem_resolve(
    *, actor: Any, problem: Problem, resolution: str, on: dt.date | None = None, via: str = "web"
) -> Problem:
    """办结: what was done; the enterprise (for a town's or park's problem, the visiting
    unit) is asked to confirm."""
    resolution = _text(resolution, "resolution", "办理结果", 1000)
    if role_of(actor) == "helper":
        raise PermissionDenied("企业难题由交办的部门办结")
    day = on or periods.today()
    with transaction.atomic():
        before = snapshot(Problem.objects.get(pk=problem.pk))
        obj = _problem_move(
            actor=actor,
            problem=problem,
            to=SOLVED,
            note=resolution[:300],
            expected_stage=ASSIGNED,
            day=day,
            via=via,
        )
        obj.resolution, obj.resolved_on = resolution, day
        obj.save()
        _audit(actor, "update", obj, before, enterprise_id=_firm_id(obj), via=via)
        who = (
            User.objects.filter(membership__enterprise_id=obj.application.firm_id)
            if obj.application is not None
            else _area_people(obj)
        )
        notify.notices_to(
            who,
            "confirm",
            f"问题「{obj.short}」已办结，请确认是否解决",
            _problem_url(obj),
            f"confirm-{obj.pk}-{obj.reopen_count}",
        )
    problem.stage = obj.stage
    if problem.application is not None:
        problem.application.stage = obj.stage
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
    """The enterprise (for a town's or park's problem, the visiting unit) confirms the
    problem solved (已解决), or says it is not, which sends it back to the department
    (reopened, counted)."""
    day = on or periods.today()
    who = "企业" if problem.application is not None else "走访单位"
    comment = _text(comment, "comment", f"{who}意见", 300, required=not solved)
    with transaction.atomic():
        before = snapshot(Problem.objects.get(pk=problem.pk))
        obj = _problem_move(
            actor=actor,
            problem=problem,
            to=CLOSED if solved else ASSIGNED,
            note=(f"{who}确认已解决" if solved else f"{who}认为未解决，退回重办")
            + (f"：{comment}" if comment else ""),
            expected_stage=SOLVED,
            day=day,
            via=via,
        )
        if solved:
            obj.closed_on, obj.confirmed_by = day, actor
            obj.objection = comment if comment else obj.objection
        else:
            obj.reopen_count += 1
            obj.objection, obj.resolved_on = comment, None
            notify.notice(
                obj.assignee,
                "problem",
                f"{who}认为未解决，退回重办：{obj.target_name}「{obj.short}」",
                _problem_url(obj),
                f"reopen-{obj.pk}-{obj.reopen_count}",
            )
        obj.save()
        _audit(actor, "update", obj, before, enterprise_id=_firm_id(obj), via=via)
    problem.stage = obj.stage
    if problem.application is not None:
        problem.application.stage = obj.stage
    return obj


# -- linkage -----------------------------------------------------------------------------


def _leader_ok(
    actor: Any, leader: User | None, label: str = "挂钩领导", within: Region | None = None
) -> User:
    """`leader` if among the leaders picked under the actor's region (or `within`): the
    county's designated 局领导 where it designated any, else its bureau staff."""
    own = within or scope_region(actor)
    if leader is None or role_of(leader) != "staff" or own is None:
        raise invalid("leader", label, "请选择本局领导")
    if not leaders.leader_pool(own).filter(pk=leader.pk).exists():
        if leaders.designated(county_of(leader.region)).exists():
            raise invalid("leader", label, f"“{leader}”不是本县（市、区）指定的局领导")
        raise invalid("leader", label, "请选择本局领导")
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


def _configure(actor: Any, county: Region | None) -> Region:
    require(permissions.can_configure(actor, county))
    assert county is not None
    return county


def request_type_save(
    *,
    actor: Any,
    county: Region | None,
    name: str,
    deadline_days: int | None,
    key: str = "",
    description: str = "",
    active: bool = True,
    request_type: RequestType | None = None,
    via: str = "web",
) -> RequestType:
    """Add a request type to `county`, or change one of its types."""
    county = _configure(actor, county)
    if request_type is not None and request_type.county_id != county.pk:
        raise PermissionDenied(f"该服务类型不属于{county.name}")
    name = _text(name, "name", "服务类型", 30)
    if deadline_days is None or not 1 <= deadline_days <= 120:
        raise invalid("deadline_days", "办理时限（工作日）", "应为1–120")
    description = _text(description, "description", "说明", 200, required=False)
    types = RequestType.objects.filter(county=county)
    with transaction.atomic():
        if request_type is None:
            if types.filter(name=name).exists():
                raise invalid("name", "服务类型", f"“{name}”已存在")
            n = types.count()
            key = key.strip() or f"t{n + 1}"
            while types.filter(key=key).exists():
                n += 1
                key = f"t{n + 1}"
            obj = RequestType.objects.create(
                county=county,
                key=key[:20],
                name=name,
                deadline_days=deadline_days,
                description=description,
                active=active,
                sort_order=100 + n,
            )
            _audit(actor, "create", obj, via=via)
            return obj
        obj = RequestType.objects.select_for_update().get(pk=request_type.pk)
        before = snapshot(obj)
        if types.filter(name=name).exclude(pk=obj.pk).exists():
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
    county: Region | None,
    helper: User | None,
    request_type: RequestType | None = None,
    region: Region | None = None,
    priority: int = 100,
    via: str = "web",
) -> RoutingRule:
    """A routing rule of `county` (its type and area must be the county's)."""
    county = _configure(actor, county)
    helper = _own_helper(helper, county)
    if request_type is not None and request_type.county_id != county.pk:
        raise invalid("request_type", "服务类型", f"请选择{county.name}的服务类型")
    if region is not None:
        require(permissions.can_visit_area(actor, region))
        if not county.contains(region):
            raise invalid("area", "区域", f"请选择{county.name}的乡镇（园区）")
    with transaction.atomic():
        rule = RoutingRule.objects.create(
            county=county,
            helper=helper,
            request_type=request_type,
            region=region,
            priority=priority,
        )
        _audit(actor, "create", rule, via=via)
    return rule


def routing_rule_remove(*, actor: Any, rule: RoutingRule, via: str = "web") -> None:
    _configure(actor, rule.county)
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=rule, before=snapshot(rule), via=via)
        rule.delete()


def helper_leader_set(
    *,
    actor: Any,
    helper: User | None,
    leader: User | None,
    county: Region | None = None,
    via: str = "web",
) -> HelperProfile:
    """The 分管领导 of a helper of `county` (the helper's own county when not given),
    picked among that county's leaders."""
    require(permissions.can_manage(actor))
    if helper is None or role_of(helper) != "helper":
        raise invalid("helper", "帮办员", "请选择帮办员")
    county = _configure(actor, county or leaders.helper_county(helper))
    helper = _own_helper(helper, county)
    leader = _leader_ok(actor, leader, "分管领导", within=county)
    with transaction.atomic():
        profile = HelperProfile.objects.select_for_update().get(user=helper)
        before = snapshot(profile)
        profile.leader = leader
        profile.save()
        _audit(actor, "update", profile, before, via=via)
    return profile


def helper_county_set(
    *, actor: Any, helper: User | None, county: Region | None, via: str = "web"
) -> HelperProfile:
    """Place a helper in `county`: a county's bureau takes in a helper of no county yet;
    moving one from another county takes a bureau over both (the city bureau). The
    helper's routing rules of the county left must go first; their 分管领导 is cleared."""
    county = _configure(actor, county)
    if helper is None or role_of(helper) != "helper":
        raise invalid("helper", "帮办员", "请选择帮办员")
    with transaction.atomic():
        profile, created = HelperProfile.objects.select_for_update().get_or_create(user=helper)
        before = None if created else snapshot(profile)
        old = profile.county
        if old is not None and old.pk == county.pk:
            return profile
        if old is not None:
            require(permissions.can_configure(actor, old))
            if RoutingRule.objects.filter(helper=helper, county=old).exists():
                raise invalid("helper", "帮办员", f"“{helper}”在{old.name}还有分派规则，请先删除")
            profile.leader = None
        profile.county = county
        profile.save()
        _audit(actor, "create" if created else "update", profile, before, via=via)
    return profile


def bureau_leader_save(
    *,
    actor: Any,
    county: Region | None,
    user: User | None,
    title: str,
    active: bool = True,
    sort_order: int | None = None,
    via: str = "web",
) -> BureauLeader:
    """Designate (or change) a 局领导 of `county`: one of its bureau's staff, with a
    title (局长、副局长、分管领导…); only the county's own bureau (the city bureau views)."""
    require(permissions.can_designate(actor, county))
    assert county is not None
    if (
        user is None
        or role_of(user) != "staff"
        or not user.is_active
        or user.region is None
        or not county.contains(user.region)
    ):
        raise invalid("user", "局领导", f"请选择{county.name}科技局的人员")
    title = _text(title, "title", "职务", 20)
    if sort_order is not None and not 1 <= sort_order <= 999:
        raise invalid("sort_order", "排序", "应为1–999")
    with transaction.atomic():
        obj = BureauLeader.objects.select_for_update().filter(county=county, user=user).first()
        before = snapshot(obj) if obj else None
        if obj is None:
            n = BureauLeader.objects.filter(county=county).count()
            obj = BureauLeader(county=county, user=user, sort_order=(n + 1) * 10)
        obj.title, obj.active = title, active
        if sort_order is not None:
            obj.sort_order = sort_order
        obj.save()
        _audit(actor, "update" if before else "create", obj, before, via=via)
    return obj


def workday_override_save(
    *,
    actor: Any,
    county: Region | None,
    day: dt.date | None,
    is_workday: bool,
    note: str = "",
    via: str = "web",
) -> WorkdayOverride:
    """Declare `day` a working or a rest day in `county` (its deadlines only)."""
    county = _configure(actor, county)
    if day is None:
        raise invalid("day", "日期", "请填写日期")
    note = _text(note, "note", "说明", 60, required=False)
    with transaction.atomic():
        obj = WorkdayOverride.objects.select_for_update().filter(county=county, day=day).first()
        before = snapshot(obj) if obj else None
        obj = obj or WorkdayOverride(county=county, day=day)
        obj.is_workday, obj.note = is_workday, note
        obj.save()
        _audit(actor, "update" if before else "create", obj, before, via=via)
    return obj


def workday_override_remove(*, actor: Any, override: WorkdayOverride, via: str = "web") -> None:
    _configure(actor, override.county)
    with transaction.atomic():
        audit_log(actor=actor, action="delete", obj=override, before=snapshot(override), via=via)
        override.delete()


def problem_limit_save(
    *,
    actor: Any,
    county: Region | None,
    category: str,
    deadline_days: int | None,
    via: str = "web",
) -> ProblemLimit:
    """The time limit of a problem category in `county` (working days from 交办)."""
    county = _configure(actor, county)
    if category not in Problem.Category.values:
        raise invalid("category", "问题类别", "请选择问题类别")
    if deadline_days is None or not 1 <= deadline_days <= 250:
        raise invalid("deadline_days", "办结时限（工作日）", "应为1–250")
    with transaction.atomic():
        obj = (
            ProblemLimit.objects.select_for_update()
            .filter(county=county, category=category)
            .first()
        )
        before = snapshot(obj) if obj else None
        obj = obj or ProblemLimit(county=county, category=category)
        obj.deadline_days = deadline_days
        obj.save()
        _audit(actor, "update" if before else "create", obj, before, via=via)
    return obj


def county_settings_save(
    *, actor: Any, county: Region | None, visit_overlap_days: int | None, via: str = "web"
) -> CountySettings:
    """The county's settings: the overlap window of visits (days)."""
    county = _configure(actor, county)
    if visit_overlap_days is None or not 1 <= visit_overlap_days <= 365:
        raise invalid("visit_overlap_days", "重复走访提示天数", "应为1–365天")
    with transaction.atomic():
        obj, created = CountySettings.objects.select_for_update().get_or_create(county=county)
        before = None if created else snapshot(obj)
        obj.visit_overlap_days = visit_overlap_days
        obj.save()
        _audit(actor, "create" if created else "update", obj, before, via=via)
    return obj


def notices_read(*, actor: Any) -> int:
    from django.utils import timezone

    from kechuang.desk.models import Notice

    return Notice.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())

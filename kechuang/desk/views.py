"""Pages of the service desk: parse → call a selector or service → render. Records named
in the URL are looked up in the actor's scope first (404); refusals of a service become
a message on the page (or the error page for a record outside the scope)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.errors import DomainError, NotFound, ValidationFailed
from kechuang.core.web import Column, Filter, Listing, require, text_param, year_param
from kechuang.desk import permissions, selectors, services
from kechuang.desk.models import DeskVisit, Problem, ServiceRequest
from kechuang.desk.workflow import PROBLEM_WORKFLOW, REQUEST_WORKFLOW


def desk_user(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(permissions.can_use(request.user))
        return fn(request, *args, **kwargs)

    return inner


def visit_user(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(permissions.can_log_visits(request.user))
        return fn(request, *args, **kwargs)

    return inner


def bureau(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(permissions.can_manage(request.user))
        return fn(request, *args, **kwargs)

    return inner


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> Any:
    try:
        result = fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok)
    return result if result is not None else True


def _int(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 6 else None


def _year(request: HttpRequest) -> int:
    return year_param(request, periods.today().year - (1 if periods.today().month < 3 else 0))


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    role = role_of(request.user)
    return {
        "role": role,
        "is_bureau": role == "staff",
        "can_visit": permissions.can_log_visits(request.user)[0],
        "day": periods.today(),
        **extra,
    }


# -- requests ----------------------------------------------------------------------------


def _flag(req: ServiceRequest) -> str:
    return selectors.due_flag(req, periods.today())


REQUESTS = Listing(
    name="desk_requests",
    title="服务诉求",
    columns=[
        Column("filed_on", "提交日期", sort="filed_on"),
        Column(
            "application.enterprise.name",
            "企业",
            sort="application__enterprise__name",
            link=lambda r: reverse("desk:request", args=[r.pk]),
        ),
        Column("request_type.name", "服务类型"),
        Column("application.title", "诉求"),
        Column("helper", "帮办员", value=lambda r: str(r.helper) if r.helper else "未分派"),
        Column("application.stage_label", "状态"),
        Column("due_on", "办结期限", sort="due_on"),
        Column("flag", "提醒", value=_flag),
        Column("resolved_on", "办结日期"),
        Column("satisfaction", "满意度", css="num"),
    ],
    filters=[
        Filter("stage", "状态", choices=REQUEST_WORKFLOW.choices()),
        Filter(
            "type",
            "服务类型",
            choices=lambda request: [
                (t.key, t.name) for t in selectors.request_types(selectors.county_for(request.user))
            ],
        ),
        Filter(
            "flag",
            "提醒",
            choices=[("open", "办理中"), ("overdue", "逾期"), ("escalated", "已升级督办")],
        ),
    ],
    default_sort="-filed_on",
    page_size=50,
    attributes="application.enterprise",  # innovation points (and other declared attributes)
)


@desk_user
def index(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    if role == "enterprise":
        return redirect("desk:requests")
    if role == "helper":
        return redirect("desk:queue")
    return redirect("desk:queue")


@desk_user
def requests(request: HttpRequest) -> HttpResponse:
    listing = OWN_REQUESTS if role_of(request.user) == "enterprise" else REQUESTS
    table = listing.build(
        request,
        lambda f: selectors.requests_list(
            request.user, stage=f["stage"], type_key=f["type"], flag=f["flag"]
        ),
    )
    if response := table.export_response():
        return response
    return render(request, "desk/requests.html", _ctx(request, table=table))


@desk_user
def request_new(request: HttpRequest) -> HttpResponse:
    own = selectors.own_enterprise(request.user)
    types = list(
        selectors.request_types(selectors.county_for(request.user, text_param(request, "county")))
    )
    if request.method == "POST":
        firm = own or selectors.enterprise_lookup(
            request.user, text_param(request, "enterprise", 100)
        )
        if firm is None:
            messages.error(request, "企业：请填写本区域内企业的完整名称或统一社会信用代码")
        else:
            req = _run(
                request,
                lambda: services.request_file(
                    actor=request.user,
                    enterprise=firm,
                    request_type=selectors.request_type_for(firm, request.POST.get("request_type")),
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    channel=request.POST.get("channel", ""),
                    contact=request.POST.get("contact", ""),
                    files=request.FILES.getlist("files"),
                ),
                "诉求已提交",
            )
            if isinstance(req, ServiceRequest):
                return redirect("desk:request", req.pk)
    prefill = selectors.enterprise_lookup(request.user, text_param(request, "uscc", 30))
    return render(
        request,
        "desk/request_new.html",
        _ctx(
            request,
            own=own,
            types=types,
            channels=[c for c in ServiceRequest.Channel.choices if c[0] != "online"],
            prefill=prefill,
            form=request.POST if request.method == "POST" else {},
        ),
    )


@desk_user
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "move":
            _run(
                request,
                lambda: services.request_move(
                    actor=request.user,
                    req=req,
                    to=request.POST.get("to", ""),
                    note=request.POST.get("note", ""),
                    expected_stage=request.POST.get("expected", "") or None,
                ),
                "已办理",
            )
        elif action == "review":
            _run(
                request,
                lambda: services.request_review(
                    actor=request.user,
                    req=req,
                    satisfaction=_int(request.POST.get("satisfaction", "")),
                    comment=request.POST.get("comment", ""),
                ),
                "感谢评价",
            )
        elif action == "assign":
            _run(
                request,
                lambda: services.request_assign(
                    actor=request.user,
                    req=req,
                    helper=selectors.helper_choice(request.POST.get("helper")),
                ),
                "已改派",
            )
        elif action == "attach" and request.FILES.get("file"):
            _run(
                request,
                lambda: services.request_attach(
                    actor=request.user, req=req, file=request.FILES["file"]
                ),
                "附件已上传",
            )
        return redirect("desk:request", pk)
    role = role_of(request.user)
    moves = [
        (k, label)
        for k, label in selectors.next_stages(request.user, req)
        if k != "reviewed" and (role != "helper" or req.helper_id == request.user.pk)
    ]
    return render(
        request,
        "desk/request.html",
        _ctx(
            request,
            r=req,
            description=req.application.data.get("description", ""),
            events=selectors.events_of(req),
            files=selectors.attachments_of(req),
            moves=moves,
            can_review=req.application.stage == "resolved"
            and "reviewed" in dict(selectors.next_stages(request.user, req)),
            helpers=list(selectors.helpers(req.request_type.county))
            if role == "staff" and req.is_open()
            else [],
            flag=selectors.due_flag(req, periods.today()),
            can_attach=permissions.can_work_on(request.user, req.application)[0]
            and (req.is_open() or role != "enterprise"),
        ),
    )


@desk_user
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    doc = selectors.attachment_get(actor=request.user, pk=pk)
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=(doc.file.name or "附件").rsplit("/", 1)[-1],
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(permissions.can_log_visits(request.user))
    if request.method == "POST":
        require(permissions.can_manage(request.user))
        done = services.requests_escalate()
        late = services.problems_escalate()
        messages.success(request, f"已检查逾期：升级督办 诉求 {len(done)} 件、问题 {len(late)} 个")
        return redirect("desk:queue")
    day = periods.today()
    rows = [(r, selectors.due_flag(r, day)) for r in selectors.work_queue(request.user, day)[:200]]
    return render(
        request,
        "desk/queue.html",
        _ctx(
            request,
            rows=rows,
            overdue=sum(1 for _, f in rows if f == "逾期"),
            review=list(selectors.awaiting_review(request.user)[:50]),
            notices=selectors.notices(request.user),
            unknown_year=selectors.unknown_calendar_year(day, selectors.county_for(request.user)),
        ),
    )


# A firm's own requests: no column repeating its own name and points on every row; the
# request is opened from its title.
OWN_REQUESTS = replace(
    REQUESTS,
    columns=[
        replace(c, link=lambda r: reverse("desk:request", args=[r.pk]))
        if c.key == "application.title"
        else c
        for c in REQUESTS.columns
        if c.key != "application.enterprise.name"
    ],
    attributes=None,
    empty="本企业还没有提交服务诉求，可点上方“提交服务诉求”填写。",
)

NOTICES = Listing(
    name="desk_notices",
    title="通知",
    columns=[
        Column("created_at", "时间", sort="created_at"),
        Column("get_kind_display", "类别"),
        Column("text", "内容", link=lambda n: n.url or None),
        Column("read_at", "阅读时间"),
        Column("emailed_at", "邮件发送时间"),
    ],
    default_sort="-created_at",
    page_size=50,
    empty="暂无通知",
)


@login_required
def notices_page(request: HttpRequest) -> HttpResponse:
    """One's own notices (assignment, deadlines, escalation, 交办); POST marks them read."""
    if request.method == "POST":
        n = services.notices_read(actor=request.user)
        messages.success(request, f"已将 {n} 条通知标为已读")
        return redirect("desk:notices")
    table = NOTICES.build(request, selectors.notices_of(request.user))
    if response := table.export_response():
        return response
    return render(request, "desk/notices.html", _ctx(request, table=table))


# -- visits ------------------------------------------------------------------------------


VISITS = Listing(
    name="desk_visits",
    title="走访记录",
    columns=[
        Column(
            "visited_on",
            "走访日期",
            sort="visited_on",
            link=lambda v: reverse("desk:visit", args=[v.pk]),
        ),
        Column("visitor_name", "走访人", sort="visitor_name"),
        Column("unit", "走访单位"),
        Column("companions", "陪同人员"),
        Column("region.name", "乡镇（园区）"),
        Column("enterprise.name", "企业"),
        Column("get_purpose_display", "走访目的"),
        Column("notes", "走访情况"),
        Column("follow_up_on", "跟进日期"),
        Column("overlap_note", "重复走访提示"),
    ],
    default_sort="-visited_on",
    page_size=50,
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@visit_user
def visits(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    if request.method == "POST":
        firm_text = text_param(request, "enterprise", 100)
        firm = selectors.enterprise_lookup(request.user, firm_text) if firm_text else None
        area = selectors.area_choice(request.user, text_param(request, "area", 12))
        if firm_text and firm is None:
            messages.error(request, "企业：请填写本区域内企业的完整名称或统一社会信用代码")
        else:
            result = _run(
                request,
                lambda: services.visit_record(
                    actor=request.user,
                    visited_on=periods.parse_date(request.POST.get("visited_on")),
                    purpose=request.POST.get("purpose", ""),
                    notes=request.POST.get("notes", ""),
                    enterprise=firm,
                    region=None if firm else area,
                    follow_up_on=periods.parse_date(request.POST.get("follow_up_on")),
                    companions=request.POST.get("companions", ""),
                ),
                "走访已记录",
            )
            if isinstance(result, tuple):
                visit, warnings = result
                for w in warnings:
                    messages.warning(request, f"重复走访提示：{w}")
                return redirect("desk:visit", visit.pk)
    table = VISITS.build(
        request,
        lambda f: selectors.visits_list(
            request.user,
            year=year,
            visitor=text_param(request, "visitor", 12),
            area=text_param(request, "area_filter", 12),
        ),
    )
    if response := table.export_response():
        return response
    return render(
        request,
        "desk/visits.html",
        _ctx(
            request,
            year=year,
            table=table,
            keep=[("year", year)],
            areas=selectors.areas(request.user),
            purposes=DeskVisit.Purpose.choices,
            visitors=selectors.visitors(request.user, year),
            follow_ups=list(selectors.follow_ups_due(request.user, periods.today())[:20]),
            form=request.POST if request.method == "POST" else {},
        ),
    )


@visit_user
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(actor=request.user, pk=pk)
    if request.method == "POST":
        problem = _run(
            request,
            lambda: services.problem_raise(
                actor=request.user,
                visit=visit,
                category=request.POST.get("category", ""),
                description=request.POST.get("description", ""),
            ),
            "难题已登记",
        )
        if isinstance(problem, Problem):
            return redirect("desk:problem", problem.pk)
        return redirect("desk:visit", pk)
    return render(
        request,
        "desk/visit.html",
        _ctx(
            request,
            v=visit,
            can_raise=visit.enterprise is not None
            or permissions.can_raise_on_area_visit(request.user, visit)[0],
            problems=selectors.problems_of_visit(request.user, visit),
            categories=Problem.Category.choices,
        ),
    )


# -- problems ----------------------------------------------------------------------------


PROBLEMS = Listing(
    name="desk_problems",
    title="企业难题",
    columns=[
        Column("raised_on", "提出日期", sort="raised_on"),
        Column(
            "target_name",
            "企业（走访对象）",
            sort="application__enterprise__name",
            link=lambda p: reverse("desk:problem", args=[p.pk]),
        ),
        Column("region.name", "乡镇（园区）"),
        Column("get_category_display", "类别"),
        Column("description", "问题描述"),
        Column("visit.visitor_name", "走访人"),
        Column("department", "责任部门"),
        Column("assignee", "责任人", value=lambda p: str(p.assignee) if p.assignee else ""),
        Column("due_on", "办结期限", sort="due_on"),
        Column("flag", "提醒", value=lambda p: selectors.problem_flag(p, periods.today())),
        Column("stage_label", "状态"),
        Column("resolution", "办理结果"),
        Column("closed_on", "确认解决日期"),
        Column("reopen_count", "退回次数", css="num"),
    ],
    filters=[
        Filter("stage", "状态", choices=PROBLEM_WORKFLOW.choices()),
        Filter("category", "类别", choices=Problem.Category.choices),
    ],
    default_sort="-raised_on",
    page_size=50,
    attributes="application.enterprise",  # innovation points (and other declared attributes)
)


@desk_user
def problems(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    table = PROBLEMS.build(
        request,
        lambda f: selectors.problems_list(
            request.user, year=year, stage=f["stage"], category=f["category"]
        ),
    )
    if response := table.export_response():
        return response
    board = (
        selectors.problem_board(request.user, year) if text_param(request, "view") != "list" else []
    )
    return render(
        request,
        "desk/problems.html",
        _ctx(
            request,
            year=year,
            table=table,
            board=board,
            view=text_param(request, "view") or "board",
        ),
    )


@desk_user
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "assign":
            _run(
                request,
                lambda: services.problem_assign(
                    actor=request.user,
                    problem=problem,
                    department=request.POST.get("department", ""),
                    assignee=selectors.person_choice(request.user, request.POST.get("assignee")),
                    due_on=periods.parse_date(request.POST.get("due_on")),
                    note=request.POST.get("note", ""),
                ),
                "已交办",
            )
        elif action == "resolve":
            _run(
                request,
                lambda: services.problem_resolve(
                    actor=request.user,
                    problem=problem,
                    resolution=request.POST.get("resolution", ""),
                ),
                "已办结，待企业确认",
            )
        elif action in ("confirm", "disagree"):
            _run(
                request,
                lambda: services.problem_confirm(
                    actor=request.user,
                    problem=problem,
                    solved=action == "confirm",
                    comment=request.POST.get("comment", ""),
                ),
                "已确认解决" if action == "confirm" else "已退回重办",
            )
        return redirect("desk:problem", pk)
    nexts = dict(selectors.next_stages(request.user, problem))
    return render(
        request,
        "desk/problem.html",
        _ctx(
            request,
            p=problem,
            events=selectors.events_of(problem),
            can_assign="assigned" in nexts and problem.stage == "raised",
            can_resolve="solved" in nexts,
            can_confirm="closed" in nexts,
            people=list(selectors.people_choices(request.user)) if "assigned" in nexts else [],
            due_default=selectors.problem_due(problem, periods.today())
            if problem.stage == "raised"
            else None,
            flag=selectors.problem_flag(problem, periods.today()),
        ),
    )


# -- linkage, measures, settings ---------------------------------------------------------


@visit_user
def linkage(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    if request.method == "POST":
        firm_text = text_param(request, "enterprise", 100)
        firm = selectors.enterprise_lookup(request.user, firm_text) if firm_text else None
        if firm_text and firm is None:
            messages.error(request, "重点企业：请填写本区域内企业的完整名称或统一社会信用代码")
        else:
            _run(
                request,
                lambda: services.linkage_add(
                    actor=request.user,
                    year=periods.parse_year(request.POST.get("year")),
                    leader=selectors.leader_choice(request.user, request.POST.get("leader")),
                    region=None
                    if firm
                    else selectors.area_choice(request.user, text_param(request, "area", 12)),
                    enterprise=firm,
                    note=request.POST.get("note", ""),
                ),
                "挂钩联系已添加",
            )
        return redirect(f"{reverse('desk:linkage')}?year={year}")
    links = list(selectors.linkages(request.user, year))
    titles = selectors.leader_titles(request.user)
    by_leader: dict[str, list[Any]] = {}
    for link in links:
        name = selectors.leader_label(link.leader, titles.get(link.leader_id, ""))
        by_leader.setdefault(name, []).append(link)
    return render(
        request,
        "desk/linkage.html",
        _ctx(
            request,
            year=year,
            by_leader=sorted(by_leader.items()),
            leaders=selectors.leader_options(request.user),
            areas=selectors.areas(request.user),
        ),
    )


@bureau
@require_POST
def linkage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.linkage_get(actor=request.user, pk=pk)
    year = link.year
    _run(request, lambda: services.linkage_remove(actor=request.user, linkage=link), "已删除")
    return redirect(f"{reverse('desk:linkage')}?year={year}")


MEASURES = Listing(
    name="desk_measures",
    title="服务成效",
    columns=[
        Column("name", "对象", sort=True),
        Column("visits", "走访（家次）", css="num", sort=True),
        Column("problems_raised", "提出难题", css="num", sort=True),
        Column("problems_solved", "解决难题", css="num", sort=True),
        Column("median_days", "办结天数（中位数）", css="num"),
        Column("requests", "服务诉求", css="num", sort=True),
        Column("requests_done", "已办结诉求", css="num"),
        Column("overdue", "逾期（难题+诉求）", css="num", sort=True),
        Column("satisfaction", "平均满意度", css="num"),
    ],
    filters=[Filter("by", "口径", choices=selectors.BY_CHOICES, default="leader")],
    page_size=100,
)


@visit_user
def measures(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    table = MEASURES.build(
        request, lambda f: selectors.measures(request.user, year=year, by=f["by"] or "leader")
    )
    if response := table.export_response():
        return response
    return render(
        request, "desk/measures.html", _ctx(request, year=year, table=table, keep=[("year", year)])
    )


@bureau
def settings_page(request: HttpRequest) -> HttpResponse:
    year = periods.today().year
    county = selectors.county_for(request.user, text_param(request, "county", 12))
    if county is None:
        raise NotFound("请先设置本局所属县（市、区）")
    if request.method == "POST":
        form = request.POST.get("form", "")
        if form == "type":
            _run(
                request,
                lambda: services.request_type_save(
                    actor=request.user,
                    county=county,
                    name=request.POST.get("name", ""),
                    deadline_days=_int(request.POST.get("deadline_days", "")),
                    description=request.POST.get("description", ""),
                    active=request.POST.get("active", "1") == "1",
                    request_type=selectors.request_type_get(request.POST.get("pk")),
                ),
                "服务类型已保存",
            )
        elif form == "rule":
            _run(
                request,
                lambda: services.routing_rule_add(
                    actor=request.user,
                    county=county,
                    helper=selectors.helper_choice(request.POST.get("helper")),
                    request_type=selectors.request_type_get(request.POST.get("request_type")),
                    region=selectors.area_choice(request.user, text_param(request, "area", 12)),
                    priority=_int(request.POST.get("priority", "")) or 100,
                ),
                "分派规则已添加",
            )
        elif form == "leader":
            _run(
                request,
                lambda: services.helper_leader_set(
                    actor=request.user,
                    county=county,
                    helper=selectors.helper_choice(request.POST.get("helper")),
                    leader=selectors.leader_choice(request.user, request.POST.get("leader")),
                ),
                "分管领导已设置",
            )
        elif form == "place":
            _run(
                request,
                lambda: services.helper_county_set(
                    actor=request.user,
                    county=county,
                    helper=selectors.helper_choice(request.POST.get("helper")),
                ),
                f"帮办员已归入{county.name}",
            )
        elif form == "bureau_leader":
            _run(
                request,
                lambda: services.bureau_leader_save(
                    actor=request.user,
                    county=county,
                    user=selectors.staff_choice(county, request.POST.get("user")),
                    title=request.POST.get("title", ""),
                    active=request.POST.get("active", "1") == "1",
                    sort_order=_int(request.POST.get("sort_order", "")),
                ),
                "局领导已保存",
            )
        elif form == "override":
            _run(
                request,
                lambda: services.workday_override_save(
                    actor=request.user,
                    county=county,
                    day=periods.parse_date(request.POST.get("day")),
                    is_workday=request.POST.get("is_workday") == "1",
                    note=request.POST.get("note", ""),
                ),
                "工作日调整已保存",
            )
        elif form == "limit":
            _run(
                request,
                lambda: services.problem_limit_save(
                    actor=request.user,
                    county=county,
                    category=request.POST.get("category", ""),
                    deadline_days=_int(request.POST.get("deadline_days", "")),
                ),
                "问题办结时限已保存",
            )
        elif form == "settings":
            _run(
                request,
                lambda: services.county_settings_save(
                    actor=request.user,
                    county=county,
                    visit_overlap_days=_int(request.POST.get("visit_overlap_days", "")),
                ),
                "设置已保存",
            )
        return redirect(_settings_url(county))
    return render(
        request,
        "desk/settings.html",
        _ctx(request, **selectors.config(request.user, county, year)),
    )


def _settings_url(county: Any) -> str:
    return f"{reverse('desk:settings')}?county={county.code}"


@bureau
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(actor=request.user, pk=pk)
    _run(request, lambda: services.routing_rule_remove(actor=request.user, rule=rule), "已删除")
    return redirect(_settings_url(rule.county))


@bureau
@require_POST
def override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.override_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.workday_override_remove(actor=request.user, override=found),
        "已删除",
    )
    return redirect(_settings_url(found.county))

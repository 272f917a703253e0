"""Pages of platforms, projects, talent and commissioners: parse → call a service or
selector → render. Lists are the shared `Listing` (paging, sort, export)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kechuang.accounts.scoping import is_bureau, role_of
from kechuang.core import periods
from kechuang.core.errors import Conflict, ValidationFailed
from kechuang.core.money import MoneyError, wan_to_yuan
from kechuang.core.registry import ListAction
from kechuang.core.tabular import write_rows_xlsx
from kechuang.core.web import Column, Filter, Listing, require
from kechuang.core.web.downloads import file_response, xlsx_response
from kechuang.platforms import application_sheet, selectors, services
from kechuang.platforms.models import (
    LEVELS,
    CampaignEntry,
    Carrier,
    Commissioner,
    IncubatedProject,
    RdInstitution,
    Review,
    Talent,
)
from kechuang.platforms.workflow import (
    RECOGNITION_WORKFLOW,
    RECOMMENDATION_WORKFLOW,
    TALENT_WORKFLOW,
    WORKFLOW,
)
from kechuang.programmes import services as frame
from kechuang.programmes.workflow import get as workflow_of

LEVEL_LABELS = dict(LEVELS)


def _years(request: HttpRequest) -> list[tuple[int, str]]:
    """Years a list filters by (全部 when none is picked: these lists span years)."""
    return [(y, f"{y}年") for y in range(periods.today().year + 1, 2009, -1)]


def _d(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _date(request: HttpRequest, name: str) -> Any:
    """A posted date, or the raw text (the service names the field), or None."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    return periods.parse_date(raw) or raw


def _int(request: HttpRequest, name: str) -> Any:
    raw = request.POST.get(name, "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 6 else raw


def _firm(request: HttpRequest) -> Any:
    """The enterprise named by 统一社会信用代码 or 企业名称, in the actor's scope."""
    key = request.POST.get("enterprise", "").strip()
    if not key:
        return None
    firm = selectors.firm_by_key(request.user, key)
    if firm is None:
        raise ValidationFailed([], f"企业：找不到“{key}”（统一社会信用代码或全称，且须属于本区域）")
    return firm


def _carrier(request: HttpRequest) -> Any:
    raw = request.POST.get("carrier", "").strip()
    if not raw:
        return None
    found = selectors.carrier_by_name(request.user, raw)
    if found is None:
        raise ValidationFailed([], f"研发载体：找不到“{raw}”")
    return found


def _region(request: HttpRequest) -> Any:
    code = request.POST.get("region", "").strip()
    return selectors.region_by_code(request.user, code) if code else None


def _act(request: HttpRequest, fn: Any, ok: str) -> bool:
    try:
        fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return False
    except Conflict as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _staff_or_officer(request: HttpRequest) -> None:
    require(services.can_manage(request.user))


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "is_bureau": is_bureau(request.user),
        "today": periods.today(),
        "regions": selectors.regions_for(request.user),
        **extra,
    }


# -- the dashboard ---------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    raw = request.GET.get("year", "").strip()
    years = _years(request)
    year = next((y for y, _ in years if str(y) == raw), None)
    return render(
        request,
        "platforms/index.html",
        _ctx(request, **selectors.dashboard(actor=request.user, year=year), years=years),
    )


# -- R&D institutions ------------------------------------------------------------------------

INSTITUTIONS = Listing(
    name="platforms_institutions",
    title="研发机构",
    # The export is the import layout (sheets.INSTITUTION_COLUMNS).
    columns=[
        Column(
            "name",
            "名称",
            sort="name",
            link=lambda i: reverse("platforms:institution", args=[i.pk]),
        ),
        Column("kind", "类型", value=lambda i: i.get_kind_display(), sort="kind"),
        Column("level", "级别", value=lambda i: i.get_level_display(), sort="level"),
        Column(
            "uscc",
            "依托企业统一社会信用代码",
            value=lambda i: i.enterprise.uscc if i.enterprise else None,
        ),
        Column(
            "firm",
            "依托企业",
            value=lambda i: i.enterprise.name if i.enterprise else None,
            sort="enterprise__name",
        ),
        Column("carrier", "依托载体", value=lambda i: i.carrier.name if i.carrier else None),
        Column("approved_on", "获批日期", sort="approved_on"),
        Column("document", "批准文号", value=lambda i: i.document or None),
        Column("next_review_on", "下次绩效考评", sort="next_review_on"),
    ],
    filters=[
        Filter("kind", "类型", choices=RdInstitution.Kind.choices),
        Filter("level", "级别", choices=LEVELS),
        Filter("q", "名称", kind="text", placeholder="机构或企业名称"),
    ],
    default_sort="-approved_on",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
def institutions(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        if _act(
            request,
            lambda: services.institution_save(
                actor=request.user,
                data={
                    "name": request.POST.get("name"),
                    "kind": request.POST.get("kind"),
                    "level": request.POST.get("level"),
                    "enterprise": _firm(request),
                    "carrier": _carrier(request),
                    "approved_on": _date(request, "approved_on"),
                    "next_review_on": _date(request, "next_review_on"),
                    "document": request.POST.get("document"),
                },
            ),
            "已登记研发机构",
        ):
            return redirect("platforms:institutions")
    table = INSTITUTIONS.build(
        request, lambda f: selectors.institution_list(actor=request.user, **f)
    )
    return table.export_response() or render(
        request,
        "platforms/institutions.html",
        _ctx(
            request, table=table, kinds=RdInstitution.Kind.choices, levels=LEVELS, form=request.POST
        ),
    )


@login_required
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    inst = selectors.institution_get(actor=request.user, pk=pk)
    if request.method == "POST":
        if _act(
            request,
            lambda: services.review_record(
                actor=request.user,
                institution=inst,
                year=_int(request, "year"),
                grade=request.POST.get("grade", ""),
                reviewed_on=_date(request, "reviewed_on"),
                note=request.POST.get("note", ""),
            ),
            "已记录绩效考评",
        ):
            return redirect("platforms:institution", pk=inst.pk)
    return render(
        request,
        "platforms/institution.html",
        _ctx(
            request,
            inst=inst,
            reviews=list(selectors.reviews_of(inst)),
            grades=Review.Grade.choices,
        ),
    )


# -- carriers and incubated projects ---------------------------------------------------------

CARRIERS = Listing(
    name="platforms_carriers",
    title="研发载体与孵化器",
    columns=[
        Column(
            "name", "名称", sort="name", link=lambda c: reverse("platforms:carrier", args=[c.pk])
        ),
        Column("kind", "类型", value=lambda c: c.get_kind_display(), sort="kind"),
        Column("level", "级别", value=lambda c: c.get_level_display(), sort="level"),
        Column("operator", "运营主体"),
        Column("region.name", "所在区域"),
        Column("recognised_on", "认定日期", sort="recognised_on"),
        Column("n_projects", "入孵项目", css="num", sort="n_projects"),
        Column("n_talent", "人才", css="num", sort="n_talent"),
    ],
    filters=[Filter("kind", "类型", choices=Carrier.Kind.choices)],
    default_sort="name",
)


@login_required
def carriers(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        if _act(
            request,
            lambda: services.carrier_save(
                actor=request.user,
                data={
                    "name": request.POST.get("name"),
                    "kind": request.POST.get("kind"),
                    "level": request.POST.get("level"),
                    "operator": request.POST.get("operator"),
                    "region": _region(request),
                    "recognised_on": _date(request, "recognised_on"),
                },
            ),
            "已登记研发载体",
        ):
            return redirect("platforms:carriers")

    table = CARRIERS.build(request, lambda f: selectors.carrier_list(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "platforms/carriers.html",
        _ctx(request, table=table, kinds=Carrier.Kind.choices, levels=LEVELS, form=request.POST),
    )


@login_required
def carrier(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    page = selectors.carrier_page(actor=request.user, pk=pk)
    c = page["carrier"]
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "talent":
            done = _act(
                request,
                lambda: services.talent_save(
                    actor=request.user,
                    data={
                        "name": request.POST.get("name"),
                        "programme": request.POST.get("programme"),
                        "year": _int(request, "year"),
                        "field": request.POST.get("field"),
                        "enterprise": None,
                        "carrier": c,
                    },
                ),
                "已登记人才",
            )
        else:
            project = None
            if request.POST.get("project"):
                project = selectors.incubated_get(actor=request.user, pk=_int(request, "project"))
            done = _act(
                request,
                lambda: services.incubated_save(
                    actor=request.user,
                    carrier=c,
                    project=project,
                    data={
                        k: (_date(request, k) if k.endswith("_on") else request.POST.get(k))
                        for k in (
                            "name",
                            "field",
                            "leader",
                            "talent_category",
                            "entered_on",
                            "status",
                            "graduated_on",
                        )
                    },
                ),
                "已保存入孵项目",
            )
        if done:
            return redirect("platforms:carrier", pk=c.pk)
    return render(
        request,
        "platforms/carrier.html",
        _ctx(
            request,
            **page,
            talents=IncubatedProject.Talent.choices,
            statuses=IncubatedProject.Status.choices,
            programmes=Talent.Programme.choices,
            form=request.POST,
        ),
    )


INCUBATED = Listing(
    name="platforms_incubated",
    title="入孵项目",
    # The export is the import layout (sheets.INCUBATED_COLUMNS).
    columns=[
        Column(
            "carrier.name",
            "载体",
            sort="carrier__name",
            link=lambda p: reverse("platforms:carrier", args=[p.carrier_id]),
        ),
        Column(
            "name",
            "项目名称",
            sort="name",
            link=lambda p: reverse("platforms:incubated_edit", args=[p.pk]),
        ),
        Column("field", "领域", sort="field"),
        Column("leader", "负责人"),
        Column("talent_category", "人才类别", value=lambda p: p.get_talent_category_display()),
        Column("entered_on", "入驻日期", sort="entered_on"),
        Column("status", "状态", value=lambda p: p.get_status_display(), sort="status"),
        Column("graduated_on", "毕业日期"),
    ],
    filters=[
        Filter("year", "入驻年度", choices=_years),
        Filter("status", "状态", choices=IncubatedProject.Status.choices),
    ],
    default_sort="-entered_on",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
def incubated(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)

    table = INCUBATED.build(request, lambda f: selectors.incubated_list(actor=request.user, **f))
    return table.export_response() or render(
        request, "platforms/list.html", _ctx(request, table=table, heading="入孵项目")
    )


# -- talent ---------------------------------------------------------------------------------

TALENT = Listing(
    name="platforms_talent",
    title="人才",
    # The export is the import layout (sheets.TALENT_COLUMNS).
    columns=[
        Column(
            "name",
            "姓名",
            sort="name",
            link=lambda t: reverse("platforms:talent_edit", args=[t.pk]),
        ),
        Column(
            "programme", "人才计划", value=lambda t: t.get_programme_display(), sort="programme"
        ),
        Column("year", "入选（引进）年度", sort="year"),
        Column("field", "专业领域", value=lambda t: t.field or None),
        Column(
            "uscc",
            "所在企业统一社会信用代码",
            value=lambda t: t.enterprise.uscc if t.enterprise else None,
        ),
        Column("firm", "所在企业", value=lambda t: t.enterprise.name if t.enterprise else None),
        Column("carrier", "所在载体", value=lambda t: t.carrier.name if t.carrier else None),
    ],
    filters=[
        Filter("year", "年度", choices=_years),
        Filter("programme", "人才计划", choices=Talent.Programme.choices),
    ],
    default_sort="-year",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
def talent(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        if _act(
            request,
            lambda: services.talent_save(
                actor=request.user,
                data={
                    "name": request.POST.get("name"),
                    "programme": request.POST.get("programme"),
                    "year": _int(request, "year"),
                    "field": request.POST.get("field"),
                    "enterprise": _firm(request),
                    "carrier": _carrier(request),
                },
            ),
            "已登记人才",
        ):
            return redirect("platforms:talent")

    table = TALENT.build(request, lambda f: selectors.talent_list(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "platforms/talent.html",
        _ctx(request, table=table, programmes=Talent.Programme.choices, form=request.POST),
    )


# -- science-plan projects ------------------------------------------------------------------


PROJECTS = Listing(
    name="platforms_projects",
    title="科技计划项目",
    # The export is the import layout (importing.COLUMNS): an edited export imports back.
    columns=[
        Column("uscc", "统一社会信用代码", value="enterprise.uscc"),
        Column("enterprise.name", "企业名称", sort="enterprise__name"),
        Column("year", "申报年度", sort="year"),
        Column(
            "level",
            "级别",
            value=lambda p: dict(services.PLAN_LEVELS).get(p.kind, p.kind),
            sort="kind",
        ),
        Column("scheme", "计划类别", value=lambda p: p.data.get("scheme", "")),
        Column(
            "title",
            "项目名称",
            sort="title",
            link=lambda p: reverse("platforms:project", args=[p.pk]),
        ),
        Column("applied_on", "申报日期", value=selectors.applied_on),
        Column("stage", "状态", value=lambda p: p.stage_label, sort="stage"),
        Column("decided_on", "办理日期", value=selectors.decided_on),
        Column("granted", "资助金额（万元）", money=True, sort="granted"),
        Column("paid_on", "拨付日期", value=selectors.paid_on),
    ],
    filters=[
        Filter("year", "申报年度", choices=_years),
        Filter("level", "级别", choices=services.PLAN_LEVELS),
        Filter("stage", "状态", choices=WORKFLOW.choices()),
    ],
    default_sort="-year",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        firm = _firm(request)
        if firm is None:
            messages.error(request, "企业：不能为空")
        elif _act(
            request,
            lambda: services.project_open(
                actor=request.user,
                enterprise=firm,
                data={
                    "year": _int(request, "year"),
                    "level": request.POST.get("level"),
                    "scheme": request.POST.get("scheme"),
                    "title": request.POST.get("title"),
                    "applied_on": _date(request, "applied_on"),
                },
            ),
            "已登记申报",
        ):
            return redirect("platforms:projects")

    table = PROJECTS.build(request, lambda f: selectors.project_list(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "platforms/projects.html",
        _ctx(
            request,
            table=table,
            levels=services.PLAN_LEVELS,
            form=request.POST,
        ),
    )


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    page = selectors.project_page(actor=request.user, pk=pk)
    p = page["p"]
    if request.method == "POST":
        what = request.POST.get("what")
        on = _date(request, "on") or periods.today()
        if not isinstance(on, dt.date):
            messages.error(request, "日期：应为日期（如 2020-06-30）")
        elif what == "move":
            to = request.POST.get("to", "")
            if _act(
                request,
                lambda: frame.application_transition(
                    actor=request.user,
                    application=p,
                    to=to,
                    on=on,
                    note=request.POST.get("note", ""),
                    expected_stage=request.POST.get("stage") or None,
                ),
                f"已办理：{WORKFLOW.label_of(to)}",
            ):
                return redirect("platforms:project", pk=p.pk)
        elif what == "fund":
            raw = request.POST.get("amount", "").strip()
            try:
                amount = wan_to_yuan(raw)
            except MoneyError:
                messages.error(request, f"资助金额：“{raw}”不是金额（万元）")
            else:
                paid = _date(request, "paid_on")
                if paid is not None and not isinstance(paid, dt.date):
                    messages.error(request, "拨付日期：应为日期（如 2020-06-30）")
                elif _act(
                    request,
                    lambda: services.project_fund(
                        actor=request.user,
                        project=p,
                        amount_yuan=amount,
                        granted_on=on,
                        paid_on=paid,
                    ),
                    "已登记资助",
                ):
                    return redirect("platforms:project", pk=p.pk)
        elif what == "attach":
            if _act(
                request,
                lambda: services.project_attach(
                    actor=request.user,
                    project=p,
                    file=request.FILES.get("file"),
                    title=request.POST.get("title", ""),
                ),
                "已上传附件",
            ):
                return redirect("platforms:project", pk=p.pk)
        elif what == "review":
            if _act(
                request,
                lambda: services.project_review(
                    actor=request.user,
                    project=p,
                    reviewed_on=on,
                    opinion=request.POST.get("opinion", ""),
                    score=request.POST.get("score", ""),
                    reviewer_name=request.POST.get("reviewer", ""),
                ),
                "已登记评审意见",
            ):
                return redirect("platforms:project", pk=p.pk)
        elif what == "pay":
            award = next(
                (a for a in page["awards"] if str(a.pk) == request.POST.get("award")), None
            )
            if award is not None and _act(
                request,
                lambda: frame.award_pay(actor=request.user, award=award, paid_on=on),
                "已登记拨付",
            ):
                return redirect("platforms:project", pk=p.pk)
    moves = [
        (s, WORKFLOW.label_of(s)) for s in WORKFLOW.next_stages(p.stage, role_of(request.user))
    ]
    return render(
        request,
        "platforms/project.html",
        _ctx(
            request,
            **page,
            moves=moves,
            level=dict(services.PLAN_LEVELS).get(p.kind, p.kind),
            granted=sum((a.amount_yuan for a in page["awards"]), Decimal(0)),
            funded=p.stage in ("approved", "midterm", "accepted") and is_bureau(request.user),
        ),
    )


@login_required
def project_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's file, for whoever may see the project (never served by the web server)."""
    _staff_or_officer(request)
    doc = selectors.project_document(actor=request.user, pk=pk)
    with doc.file.open("rb") as fh:
        data = fh.read()
    return file_response(data, (doc.file.name or "").rsplit("/", 1)[-1], "application/octet-stream")


@login_required
def publicities(request: HttpRequest) -> HttpResponse:
    """The 立项 公示 of science-plan projects, and (the bureau) publishing the year's list."""
    _staff_or_officer(request)
    year = _int(request, "year") if request.method == "POST" else None
    if request.method == "POST":
        starts, ends = _date(request, "starts_on"), _date(request, "ends_on")
        if not isinstance(year, int):
            messages.error(request, "年度：应为年份")
        elif not isinstance(starts, dt.date) or not isinstance(ends, dt.date):
            messages.error(request, "公示开始、异议截止：应为日期（如 2020-06-30）")
        else:
            listed = list(selectors.publishable_projects(actor=request.user, year=year))
            if _act(
                request,
                lambda: services.projects_publish(
                    actor=request.user,
                    year=year,
                    starts_on=starts,
                    ends_on=ends,
                    projects=listed,
                ),
                f"已发布{year}年立项公示（{len(listed)}项）",
            ):
                return redirect("platforms:publicities")
    pick = periods.today().year - 1
    return render(
        request,
        "platforms/publicities.html",
        _ctx(
            request,
            rows=list(selectors.plan_publicities(actor=request.user)[:100]),
            pick=pick,
            ready=selectors.publishable_count(actor=request.user, year=pick),
            form=request.POST,
        ),
    )


@login_required
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    page = selectors.plan_publicity_page(actor=request.user, pk=pk)
    pub = page["pub"]
    if request.method == "POST":
        what = request.POST.get("what")
        on = _date(request, "on") or periods.today()
        if not isinstance(on, dt.date):
            messages.error(request, "日期：应为日期（如 2020-06-30）")
        elif what == "object":
            entry = next(
                (e for e in page["entries"] if str(e.pk) == request.POST.get("entry")), None
            )
            if entry is None:
                messages.error(request, "公示条目：请选择项目")
            elif _act(
                request,
                lambda: frame.objection_file(
                    actor=request.user, entry=entry, reason=request.POST.get("reason", ""), on=on
                ),
                "已登记异议",
            ):
                return redirect("platforms:publicity", pk=pub.pk)
        elif what in ("uphold", "dismiss"):
            obj = next(
                (o for o in page["objections"] if str(o.pk) == request.POST.get("objection")),
                None,
            )
            if obj is not None and _act(
                request,
                lambda: frame.objection_resolve(
                    actor=request.user,
                    objection=obj,
                    upheld=what == "uphold",
                    resolution=request.POST.get("resolution", ""),
                    on=on,
                ),
                "已处理异议",
            ):
                return redirect("platforms:publicity", pk=pub.pk)
        elif what == "freeze" and _act(
            request,
            lambda: frame.publicity_freeze(actor=request.user, publicity=pub, on=on),
            "已定稿",
        ):
            return redirect("platforms:publicity", pk=pub.pk)
    return render(
        request,
        "platforms/publicity.html",
        _ctx(request, **page, window=pub.accepts_objections_on(periods.today())),
    )


# -- 申报认定, 人才计划申报, 特派员推荐 (applications on the workflows) --------------------------

_PLATFORM_WORKFLOWS = (RECOGNITION_WORKFLOW, TALENT_WORKFLOW, RECOMMENDATION_WORKFLOW)


def _area_name(a: Any) -> str:
    region = a.enterprise.region if a.enterprise_id else a.region
    return str(region.name) if region else ""


def _stage_choices(request: HttpRequest) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for w in _PLATFORM_WORKFLOWS:
        for key, label in w.choices():
            seen.setdefault(key, label)
    return list(seen.items())


APPLICATIONS = Listing(
    name="platforms_applications",
    title="认定与人才申报",
    # The page shows these; its 导出 writes the import layout (application_sheet.COLUMNS).
    columns=[
        Column("programme", "类别", value=lambda a: workflow_of(a.programme).label),
        Column(
            "title",
            "名称",
            sort="title",
            link=lambda a: reverse("platforms:application", args=[a.pk]),
        ),
        Column("party", "申报人（单位）", value=lambda a: a.party_name),
        Column("area", "所属区域", value=_area_name),
        Column("year", "年度", sort="year"),
        Column("stage", "当前环节", value=lambda a: a.stage_label, sort="stage"),
        Column("last_on", "最近办理日期", sort="last_on"),
    ],
    filters=[
        Filter("programme", "类别", choices=[(w.programme, w.label) for w in _PLATFORM_WORKFLOWS]),
        Filter("stage", "当前环节", choices=_stage_choices),
        Filter("year", "年度", choices=_years),
        Filter("q", "名称或申报人", kind="text"),
    ],
    default_sort="-last_on",
)


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        what = request.POST.get("what")
        today = periods.today()
        if what == "recognition":
            target = request.POST.get("target", "")
            fn = lambda: services.recognition_apply(  # noqa: E731
                actor=request.user,
                data={
                    "target": target,
                    "name": request.POST.get("name"),
                    "kind": request.POST.get(f"kind_{target}"),
                    "level": request.POST.get("level"),
                    "enterprise": _firm(request) if target == "institution" else None,
                    "carrier": _carrier(request) if target == "institution" else None,
                    "operator": request.POST.get("operator"),
                    "region": _region(request),
                },
                on=today,
            )
            ok = "已申报认定"
        else:
            fn = lambda: services.talent_apply(  # noqa: E731
                actor=request.user,
                data={
                    "name": request.POST.get("name"),
                    "programme": request.POST.get("programme"),
                    "year": _int(request, "year"),
                    "field": request.POST.get("field"),
                    "enterprise": _firm(request),
                    "carrier": _carrier(request),
                },
                on=today,
            )
            ok = "已申报人才计划"
        if _act(request, fn, ok):
            return redirect("platforms:applications")
    table = APPLICATIONS.build(
        request, lambda f: selectors.platform_applications(actor=request.user, **f)
    )
    if table.export:
        # the import layout of the sheet (application_sheet), so that the export imports back
        return xlsx_response(
            lambda out: write_rows_xlsx(
                out,
                [c.header for c in application_sheet.COLUMNS],
                application_sheet.application_rows(table.items),
                sheet=APPLICATIONS.title,
            ),
            f"{APPLICATIONS.title}-{periods.today():%Y%m%d}",
        )
    return render(
        request,
        "platforms/applications.html",
        _ctx(
            request,
            table=table,
            levels=LEVELS,
            institution_kinds=RdInstitution.Kind.choices,
            carrier_kinds=Carrier.Kind.choices,
            programmes=Talent.Programme.choices,
            form=request.POST,
        ),
    )


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    page = selectors.platform_application_page(actor=request.user, pk=pk)
    a = page["a"]
    flow = workflow_of(a.programme)
    if request.method == "POST":
        on = _date(request, "on") or periods.today()
        to = request.POST.get("to", "")
        if not isinstance(on, dt.date):
            messages.error(request, "日期：应为日期（如 2020-06-30）")
        elif _act(
            request,
            lambda: services.platform_application_move(
                actor=request.user,
                application=a,
                to=to,
                on=on,
                note=request.POST.get("note", ""),
                expected_stage=request.POST.get("stage") or None,
            ),
            f"已办理：{flow.label_of(to)}",
        ):
            return redirect("platforms:application", pk=a.pk)
    moves = [(s, flow.label_of(s)) for s in flow.next_stages(a.stage, role_of(request.user))]
    return render(
        request,
        "platforms/application.html",
        _ctx(
            request,
            **page,
            flow=flow,
            moves=moves,
            area=_area_name(a),
            final=flow.is_final(a.stage),
        ),
    )


# -- tech commissioners ---------------------------------------------------------------------

COMMISSIONERS = Listing(
    name="platforms_commissioners",
    title="科技特派员",
    # The export is the import layout (sheets.COMMISSIONER_COLUMNS) and the counts.
    columns=[
        Column(
            "name",
            "姓名",
            sort="name",
            link=lambda c: reverse("platforms:commissioner", args=[c.pk]),
        ),
        Column("institution", "派出单位", sort="institution"),
        Column("expertise", "专业领域"),
        Column("phone", "联系电话", value=lambda c: c.phone or None),
        Column("region.name", "服务区域", sort="region__path"),
        Column("status", "状态", value=lambda c: c.get_status_display(), sort="status"),
        Column("registered_on", "登记日期", sort="registered_on"),
        Column("recommended_on", "推荐日期", sort="recommended_on"),
        Column("n_served", "服务企业", css="num", sort="n_served"),
    ],
    filters=[
        Filter("status", "状态", choices=Commissioner.Status.choices),
        Filter("q", "姓名或单位", kind="text"),
    ],
    default_sort="name",
)


@login_required
def commissioners(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        data = {k: request.POST.get(k) for k in ("name", "institution", "expertise", "phone")}
        data["region"] = _region(request)
        today = periods.today()
        if request.POST.get("what") == "register":
            fn = lambda: services.commissioner_register(  # noqa: E731
                actor=request.user, data=data, registered_on=today
            )
            ok = "已登记科技特派员"
        else:
            fn = lambda: services.commissioner_recommend(actor=request.user, data=data, on=today)  # noqa: E731
            ok = "已推荐，待科技局审核" if not is_bureau(request.user) else "已推荐"
        if _act(request, fn, ok):
            return redirect("platforms:commissioners")

    table = COMMISSIONERS.build(
        request, lambda f: selectors.commissioner_list(actor=request.user, **f)
    )
    return table.export_response() or render(
        request,
        "platforms/commissioners.html",
        _ctx(
            request, table=table, roll=selectors.roll_counts(actor=request.user), form=request.POST
        ),
    )


@login_required
def commissioner(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    page = selectors.commissioner_page(actor=request.user, pk=pk)
    c = page["c"]
    if request.method == "POST":
        what = request.POST.get("what")
        on = _date(request, "on") or periods.today()
        if not isinstance(on, dt.date):
            messages.error(request, "日期：应为日期（如 2020-06-30）")
        elif what in ("accept", "decline"):
            if _act(
                request,
                lambda: services.commissioner_decide(
                    actor=request.user, commissioner=c, accept=what == "accept", on=on
                ),
                "已审核",
            ):
                return redirect("platforms:commissioner", pk=c.pk)
        else:
            firm = _firm(request)
            if firm is None:
                messages.error(request, "企业：不能为空")
            elif _act(
                request,
                lambda: services.service_record(
                    actor=request.user,
                    commissioner=c,
                    enterprise=firm,
                    served_on=on,
                    summary=request.POST.get("summary", ""),
                ),
                "已记录服务",
            ):
                return redirect("platforms:commissioner", pk=c.pk)
    return render(request, "platforms/commissioner.html", _ctx(request, **page, form=request.POST))


@login_required
@require_GET
def commissioner_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """The public profile of a commissioner on the roll (name, 派出单位, expertise,
    service area): where the 产学研 search box links, open to every signed-in user.
    Staff and officers of the area go on to the full record; the enterprises served,
    the phone and the service records are never shown here."""
    c = selectors.commissioner_public(pk=pk)
    if selectors.commissioner_visible(actor=request.user, pk=pk):
        return redirect("platforms:commissioner", pk=pk)
    return render(request, "platforms/commissioner_profile.html", {"c": c})


# -- the yearly 核实再登记 campaign ------------------------------------------------------------


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    if request.method == "POST":
        year = _int(request, "year")
        opens, closes = _date(request, "opens_on"), _date(request, "closes_on")
        if not isinstance(opens, dt.date) or not isinstance(closes, dt.date):
            messages.error(request, "开始日期、截止日期：应为日期（如 2020-06-30）")
        else:
            made: list[Any] = []
            if _act(
                request,
                lambda: made.append(
                    services.campaign_open(
                        actor=request.user,
                        year=year,
                        opens_on=opens,
                        closes_on=closes,
                        note=request.POST.get("note", ""),
                    )
                ),
                "已开始核实再登记",
            ):
                return redirect("platforms:campaign", pk=made[0].pk)
    rows = selectors.campaign_rows(actor=request.user)
    return render(
        request, "platforms/campaigns.html", _ctx(request, rows=rows, year=periods.today().year)
    )


ENTRIES = Listing(
    name="platforms_campaign",
    title="核实再登记名单",
    columns=[
        Column(
            "commissioner.name",
            "姓名",
            sort="commissioner__name",
            link=lambda e: reverse("platforms:commissioner", args=[e.commissioner_id]),
        ),
        Column("commissioner.institution", "派出单位", sort="commissioner__institution"),
        Column("commissioner.expertise", "专业领域"),
        Column("commissioner.region.name", "服务区域", sort="commissioner__region__path"),
        Column("status", "核实结果", value=lambda e: e.get_status_display(), sort="status"),
        Column("decided_on", "核实日期", sort="decided_on"),
        Column("note", "说明"),
    ],
    filters=[Filter("status", "核实结果", choices=CampaignEntry.Status.choices)],
    default_sort="commissioner.name",
    page_size=50,
    select=lambda e: e.pk if e.status == "pending" and e.campaign.is_open else None,
    table_id="campaign-entries",
)
ENTRY_ACTIONS = [
    ListAction(
        ENTRIES.name, "confirm", "确认再登记", "platforms:campaign_decide", icon="bi-check2-circle"
    ),
    ListAction(
        ENTRIES.name,
        "lapse",
        "标记注销",
        "platforms:campaign_decide",
        icon="bi-x-circle",
        confirm="选中的科技特派员将被注销，确定？",
    ),
]


@login_required
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_or_officer(request)
    c = selectors.campaign_get(actor=request.user, pk=pk)
    if request.method == "POST" and request.POST.get("what") == "close":
        if _act(
            request,
            lambda: services.campaign_close(actor=request.user, campaign=c, on=periods.today()),
            "核实再登记已结束",
        ):
            return redirect("platforms:campaign", pk=c.pk)

    table = ENTRIES.build(
        request,
        lambda f: selectors.campaign_entry_list(actor=request.user, campaign=c, **f),
        actions=ENTRY_ACTIONS if c.is_open else [],
    )
    return table.export_response() or render(
        request,
        "platforms/campaign.html",
        _ctx(
            request,
            c=c,
            table=table,
            counts=selectors.campaign_counts(actor=request.user, campaign=c),
        ),
    )


@login_required
@require_POST
def campaign_decide(request: HttpRequest) -> HttpResponse:
    _staff_or_officer(request)
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdecimal() and len(x) < 12]
    status = {"confirm": "confirmed", "lapse": "lapsed"}.get(request.POST.get("action", ""), "")
    entries = selectors.pending_by_ids(request.user, ids)
    first = entries[0] if entries else None
    nxt = request.POST.get("next", "")
    _act(
        request,
        lambda: services.campaign_decide(
            actor=request.user, entries=entries, status=status, on=periods.today()
        ),
        f"已{'确认再登记' if status == 'confirmed' else '注销'} {len(entries)} 人",
    )
    if nxt.startswith("/platforms/campaigns/"):
        return redirect(nxt)
    if first is not None:
        return redirect("platforms:campaign", pk=first.campaign_id)
    return redirect("platforms:campaigns")

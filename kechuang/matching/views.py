"""产学研对接 pages: parse → selector/service → render. Records named in the URL are read
in the actor's scope (404 outside it); refusals and bad input come back as messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.errors import DomainError, NotFound, ValidationFailed
from kechuang.core.web import Column, Filter, Listing, choice_param, require, text_param
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES
from kechuang.enterprises.selectors import enterprise_get
from kechuang.matching import importing, selectors, services
from kechuang.matching.models import Agreement, Demand, Institution, Progress
from kechuang.matching.permissions import can_edit_supply, can_use
from kechuang.matching.workflow import WORKFLOW
from kechuang.programmes.selectors import events_of


def _guard(fn: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(can_use(request.user))
        return fn(request, *args, **kwargs)

    inner.__name__ = fn.__name__
    inner.__doc__ = fn.__doc__
    return inner


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> Any:
    try:
        result = fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return None
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, ok)
    return result if result is not None else True


def _pk(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) < 12 else None


def _date_text(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip() or periods.today().isoformat()


def _years(request: HttpRequest) -> list[tuple[int, str]]:
    this = periods.today().year
    return [(y, f"{y}年") for y in range(this, this - 6, -1)]


# -- the search box -----------------------------------------------------------------------


@_guard
def index(request: HttpRequest) -> HttpResponse:
    q = text_param(request, "q", max_length=100)
    kinds = selectors.search_kinds()
    kind = choice_param(request, "kind", [k for k, _ in kinds], "")
    hits = selectors.search_box(actor=request.user, q=q, kind=kind) if q else []
    return render(
        request,
        "matching/index.html",
        {
            "q": q,
            "kind": kind,
            "kinds": kinds,
            "hits": hits,
            "can_edit": can_edit_supply(request.user)[0],
        },
    )


# -- demands ------------------------------------------------------------------------------

DEMANDS = Listing(
    name="iur_demands",
    title="技术需求",
    sheet=importing.demands_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column("title", "需求名称", link=lambda d: reverse("matching:demand", args=[d.pk])),
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "区域"),
        Column(
            "domain", "技术领域", display=selectors.domain_label, exported=selectors.domain_label
        ),
        Column("budget_yuan", "预算（万元）", money=True, sort="budget_yuan"),
        Column("deadline_on", "期望解决日期", sort="deadline_on"),
        Column(
            "status",
            "状态",
            display=lambda v: Demand.Status(v).label,
            exported=lambda v: Demand.Status(v).label,
        ),
        Column("posted_on", "发布日期", sort="posted_on"),
    ],
    filters=[
        Filter("status", "状态", choices=Demand.Status.choices),
        Filter("q", "名称/企业", kind="text"),
    ],
    default_sort="-posted_on",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


# a firm's own empty list says how to start, not that nothing matched
OWN_DEMANDS = replace(DEMANDS, empty="本企业还没有发布技术需求，可点右上方“新增”发布。")


@_guard
def demand_list(request: HttpRequest) -> HttpResponse:
    listing = OWN_DEMANDS if role_of(request.user) == "enterprise" else DEMANDS
    table = listing.build(request, lambda f: selectors.demands(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "matching/list.html",
        {"table": table, "section": "demands", "new_url": reverse("matching:demand_new")},
    )


def _demand_data(request: HttpRequest) -> dict[str, Any]:
    return {
        k: request.POST.get(k, "")
        for k in ("title", "description", "domain", "budget_wan", "deadline_on", "status")
    }


@_guard
def demand_new(request: HttpRequest) -> HttpResponse:
    form: dict[str, Any] = {"uscc": text_param(request, "uscc", max_length=30)}
    if request.method == "POST":
        form = {**_demand_data(request), "uscc": request.POST.get("uscc", "")}
        try:
            firm = (
                request.user.membership.enterprise  # type: ignore[union-attr]
                if getattr(request.user, "role", "") == "enterprise"
                else enterprise_get(actor=request.user, uscc=form["uscc"])
            )
        except (NotFound, AttributeError):
            messages.error(request, f"统一社会信用代码：找不到“{form['uscc']}”或不属于本区域")
        else:
            demand = _run(
                request,
                lambda: services.demand_save(
                    actor=request.user,
                    enterprise=firm,
                    data=_demand_data(request),
                    on=periods.today(),
                ),
                "技术需求已发布",
            )
            if demand:
                return redirect("matching:demand", demand.pk)
    return render(
        request,
        "matching/demand_form.html",
        {
            "form": form,
            "domains": TECH_DOMAIN_CHOICES,
            "statuses": Demand.Status.choices,
            "is_firm": getattr(request.user, "role", "") == "enterprise",
        },
    )


@_guard
def demand(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.demand_get(actor=request.user, pk=pk)
    if request.method == "POST":
        if _run(
            request,
            lambda: services.demand_save(
                actor=request.user,
                enterprise=d.enterprise,
                demand=d,
                data=_demand_data(request),
                on=periods.today(),
            ),
            "已保存",
        ):
            return redirect("matching:demand", d.pk)
    return render(
        request,
        "matching/demand.html",
        {
            "d": d,
            "domain": selectors.domain_label(d.domain),
            "matches": selectors.demand_matches(d),
            "introductions": selectors.demand_introductions(actor=request.user, demand=d),
            "domains": TECH_DOMAIN_CHOICES,
            "statuses": Demand.Status.choices,
            "form": selectors.demand_form(d),
        },
    )


@_guard
@require_POST
def demand_introduce(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.demand_get(actor=request.user, pk=pk)
    expert_pk = _pk(request.POST.get("expert", ""))
    if expert_pk is None:
        messages.error(request, "专家：请选择专家")
        return redirect("matching:demand", d.pk)
    expert = selectors.expert_get(expert_pk)
    intro = _run(
        request,
        lambda: services.introduction_request(
            actor=request.user,
            demand=d,
            expert=expert,
            on=periods.today(),
            note=request.POST.get("note", ""),
        ),
        f"已申请引荐{expert.name}，科技局将联系专家",
    )
    if intro:
        return redirect("matching:introduction", intro.pk)
    return redirect("matching:demand", d.pk)


# -- the supply side ---------------------------------------------------------------------

EXPERTS = Listing(
    name="iur_experts",
    title="专家库",
    sheet=importing.experts_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column("name", "姓名", sort="name", link=lambda x: reverse("matching:expert", args=[x.pk])),
        Column("institution.name", "单位", sort="institution__name"),
        Column("title", "职称"),
        Column(
            "domain", "技术领域", display=selectors.domain_label, exported=selectors.domain_label
        ),
        Column("fields", "研究方向"),
    ],
    filters=[
        Filter(
            "domain",
            "技术领域",
            choices=[(c, label) for c, label in TECH_DOMAIN_CHOICES if "." not in c],
        ),
        Filter("q", "姓名/方向/单位", kind="text"),
    ],
    default_sort="name",
)


@_guard
def expert_list(request: HttpRequest) -> HttpResponse:
    table = EXPERTS.build(request, lambda f: selectors.experts(**f))
    return table.export_response() or render(
        request,
        "matching/list.html",
        {
            "table": table,
            "section": "experts",
            "new_url": reverse("matching:expert_new") if can_edit_supply(request.user)[0] else "",
        },
    )


def _expert_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: request.POST.get(k, "")
        for k in ("name", "title", "domain", "fields", "achievements", "contact")
    }
    inst = _pk(request.POST.get("institution", ""))
    data["institution"] = selectors.institution_or_none(inst)
    return data


@_guard
def expert_new(request: HttpRequest) -> HttpResponse:
    require(can_edit_supply(request.user))
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = _expert_data(request)
        x = _run(request, lambda: services.expert_save(actor=request.user, data=form), "专家已入库")
        if x:
            return redirect("matching:expert", x.pk)
    return render(
        request,
        "matching/expert_form.html",
        {"form": form, "institutions": selectors.institutions(), "domains": TECH_DOMAIN_CHOICES},
    )


@_guard
def expert(request: HttpRequest, pk: int) -> HttpResponse:
    x = selectors.expert_get(pk)
    if request.method == "POST":
        require(can_edit_supply(request.user))
        if _run(
            request,
            lambda: services.expert_save(actor=request.user, expert=x, data=_expert_data(request)),
            "已保存",
        ):
            return redirect("matching:expert", x.pk)
    return render(
        request,
        "matching/expert.html",
        {
            "x": x,
            "domain": selectors.domain_label(x.domain),
            **selectors.expert_page(actor=request.user, expert=x),
            "can_edit": can_edit_supply(request.user)[0],
            "institutions": selectors.institutions(),
            "domains": TECH_DOMAIN_CHOICES,
        },
    )


INSTITUTIONS = Listing(
    name="iur_institutions",
    title="高校院所",
    sheet=importing.institutions_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column(
            "name", "名称", sort="name", link=lambda i: reverse("matching:institution", args=[i.pk])
        ),
        Column(
            "kind",
            "类型",
            display=lambda v: Institution.Kind(v).label,
            exported=lambda v: Institution.Kind(v).label,
        ),
        Column("city", "所在地", sort="city"),
        Column("strengths", "优势学科"),
    ],
    default_sort="name",
)


@_guard
def institution_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        require(can_edit_supply(request.user))
        data = {
            k: request.POST.get(k, "") for k in ("name", "kind", "city", "strengths", "contact")
        }
        i = _run(
            request, lambda: services.institution_save(actor=request.user, data=data), "已添加"
        )
        if i:
            return redirect("matching:institution", i.pk)
    table = INSTITUTIONS.build(request, selectors.institutions())
    return table.export_response() or render(
        request,
        "matching/list.html",
        {
            "table": table,
            "section": "institutions",
            "kinds": Institution.Kind.choices,
            "can_edit": can_edit_supply(request.user)[0],
        },
    )


@_guard
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    i = selectors.institution_get(pk)
    return render(
        request,
        "matching/institution.html",
        {
            "i": i,
            **selectors.institution_page(i),
        },
    )


ACHIEVEMENTS = Listing(
    name="iur_achievements",
    title="待转化成果",
    sheet=importing.achievements_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column(
            "title",
            "成果名称",
            sort="title",
            link=lambda a: reverse("matching:achievement", args=[a.pk]),
        ),
        Column("institution.name", "持有单位", sort="institution__name"),
        Column("expert.name", "负责人"),
        Column(
            "domain", "技术领域", display=selectors.domain_label, exported=selectors.domain_label
        ),
        Column("terms", "转化方式"),
        Column("asking_yuan", "意向价（万元）", money=True, sort="asking_yuan"),
    ],
    filters=[Filter("q", "名称/单位", kind="text")],
    default_sort="title",
)


@_guard
def achievement_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        require(can_edit_supply(request.user))
        data: dict[str, Any] = {
            k: request.POST.get(k, "")
            for k in ("title", "description", "domain", "patents", "terms")
        }
        inst, exp = _pk(request.POST.get("institution", "")), _pk(request.POST.get("expert", ""))
        data["institution"] = selectors.institution_or_none(inst)
        data["expert"] = selectors.expert_or_none(exp)
        a = _run(
            request, lambda: services.achievement_save(actor=request.user, data=data), "成果已入库"
        )
        if a:
            return redirect("matching:achievement", a.pk)
    table = ACHIEVEMENTS.build(request, lambda f: selectors.achievements(**f))
    return table.export_response() or render(
        request,
        "matching/list.html",
        {
            "table": table,
            "section": "achievements",
            "can_edit": can_edit_supply(request.user)[0],
            "institutions": selectors.institutions(),
            "domains": TECH_DOMAIN_CHOICES,
        },
    )


@_guard
def achievement(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.achievement_get(pk)
    return render(
        request, "matching/achievement.html", {"a": a, "domain": selectors.domain_label(a.domain)}
    )


# -- introductions ------------------------------------------------------------------------

# No import kind: an introduction moves through its workflow (推荐 → 对接 → 签约), each
# step an audited transition; a sheet would skip them. Its 导出 is a report, not a layout.
INTRODUCTIONS = Listing(
    name="iur_introductions",
    title="对接引荐",
    columns=[
        Column(
            "application.enterprise.name",
            "企业",
            sort="application__enterprise__name",
            link=lambda i: reverse("matching:introduction", args=[i.pk]),
        ),
        Column("demand.title", "技术需求"),
        Column("expert.name", "专家"),
        Column("expert.institution.name", "单位"),
        Column("application.stage_label", "环节"),
        Column("met_on", "会面日期"),
    ],
    filters=[Filter("stage", "环节", choices=WORKFLOW.choices())],
    attributes="application.enterprise",  # innovation points (and other declared attributes)
)


@_guard
def introduction_list(request: HttpRequest) -> HttpResponse:
    table = INTRODUCTIONS.build(request, lambda f: selectors.introductions(actor=request.user, **f))
    return table.export_response() or render(
        request, "matching/list.html", {"table": table, "section": "introductions"}
    )


@_guard
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    i = selectors.introduction_get(actor=request.user, pk=pk)
    role = getattr(request.user, "role", None)
    if getattr(request.user, "is_superuser", False):
        role = "staff"
    stage = i.application.stage
    moves = [(s, WORKFLOW.label_of(s)) for s in WORKFLOW.next_stages(stage, role) if s != "agreed"]
    return render(
        request,
        "matching/introduction.html",
        {
            "i": i,
            "app": i.application,
            "stage_label": WORKFLOW.label_of(stage),
            "moves": moves,
            "can_sign": "agreed" in WORKFLOW.next_stages(stage, role),
            "events": events_of(i.application),
            "agreement": getattr(i, "agreement", None),
            "today": periods.today(),
            "stages": [s for s in WORKFLOW.stages if not s.final or s.key == stage],
        },
    )


@_guard
@require_POST
def introduction_move(request: HttpRequest, pk: int) -> HttpResponse:
    i = selectors.introduction_get(actor=request.user, pk=pk)
    to = request.POST.get("to", "")
    _run(
        request,
        lambda: services.introduction_move(
            actor=request.user,
            introduction=i,
            to=to,
            on=periods.parse_date(_date_text(request, "on")) or periods.today(),
            note=request.POST.get("note", ""),
            expected_stage=request.POST.get("expected_stage") or None,
        ),
        f"已办理：{WORKFLOW.label_of(to)}",
    )
    return redirect("matching:introduction", i.pk)


def _agreement_data(request: HttpRequest) -> dict[str, Any]:
    return {k: request.POST.get(k, "") for k in ("title", "content", "amount_wan", "signed_on")}


@_guard
@require_POST
def introduction_sign(request: HttpRequest, pk: int) -> HttpResponse:
    i = selectors.introduction_get(actor=request.user, pk=pk)
    a = _run(
        request,
        lambda: services.agreement_sign(
            actor=request.user,
            enterprise=i.application.enterprise,
            introduction=i,
            data=_agreement_data(request),
            expected_stage=request.POST.get("expected_stage") or None,
        ),
        "协议已登记，请继续跟踪执行",
    )
    if a:
        return redirect("matching:agreement", a.pk)
    return redirect("matching:introduction", i.pk)


# -- agreements --------------------------------------------------------------------------

AGREEMENTS = Listing(
    name="iur_agreements",
    title="科技合作协议",
    sheet=importing.agreements_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column("title", "协议名称", link=lambda a: reverse("matching:agreement", args=[a.pk])),
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "区域"),
        Column("institution.name", "合作单位", sort="institution__name"),
        Column("expert.name", "合作专家"),
        Column("amount_yuan", "合同金额（万元）", money=True, sort="amount_yuan"),
        Column("signed_on", "签订日期", sort="signed_on"),
        Column(
            "status",
            "执行状态",
            display=lambda v: Agreement.Status(v).label,
            exported=lambda v: Agreement.Status(v).label,
        ),
        Column("high_quality", "高质量"),
    ],
    filters=[
        Filter("year", "签订年度", kind="year", choices=_years, default=None),
        Filter("status", "执行状态", choices=Agreement.Status.choices),
    ],
    default_sort="-signed_on",
    decorate=lambda rows, f: _with_quality(rows),
    attributes="enterprise",  # innovation points (and other declared attributes)
)


def _with_quality(rows: Any) -> Any:
    verdicts = selectors.agreement_verdicts(list(rows))
    for a in rows:
        a.high_quality = verdicts[a.pk].high_quality
    return rows


def _can_record(user: Any) -> bool:
    return getattr(user, "role", "") in ("staff", "officer", "enterprise") or getattr(
        user, "is_superuser", False
    )


@_guard
def agreement_list(request: HttpRequest) -> HttpResponse:
    table = AGREEMENTS.build(request, lambda f: selectors.agreements(actor=request.user, **f))
    new_url = reverse("matching:agreement_new") if _can_record(request.user) else ""
    return table.export_response() or render(
        request,
        "matching/list.html",
        {"table": table, "section": "agreements", "new_url": new_url},
    )


def _firm_of(request: HttpRequest, uscc: str) -> Any:
    """The firm a form names by USCC (an enterprise user's own firm); None, with the
    reason said, when there is none in the user's scope."""
    try:
        if getattr(request.user, "role", "") == "enterprise":
            return request.user.membership.enterprise  # type: ignore[union-attr]
        return enterprise_get(actor=request.user, uscc=uscc)
    except (NotFound, AttributeError):
        messages.error(request, f"统一社会信用代码：找不到“{uscc}”或不属于本区域")
        return None


@_guard
def agreement_new(request: HttpRequest) -> HttpResponse:
    """An agreement signed directly, without an introduction: the same service (and the
    same checks) as signing at the end of one."""
    fields = ("uscc", "institution", "expert", "title", "content", "amount_wan", "signed_on")
    form: dict[str, Any] = {k: request.POST.get(k, "") for k in fields}
    if request.method == "POST":
        firm = _firm_of(request, form["uscc"].strip())
        if firm is not None:
            data = {
                **_agreement_data(request),
                "institution": selectors.institution_or_none(_pk(form["institution"])),
                "expert": selectors.expert_or_none(_pk(form["expert"])),
            }
            a = _run(
                request,
                lambda: services.agreement_sign(actor=request.user, enterprise=firm, data=data),
                "协议已登记，请继续跟踪执行",
            )
            if a:
                return redirect("matching:agreement", a.pk)
    return render(
        request,
        "matching/agreement_form.html",
        {
            "form": form,
            "institutions": selectors.institution_choices(),
            "experts": selectors.expert_choices(),
            "is_firm": getattr(request.user, "role", "") == "enterprise",
            "today": periods.today(),
        },
    )


@_guard
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.agreement_get(actor=request.user, pk=pk)
    progress = selectors.agreement_progress(a)
    return render(
        request,
        "matching/agreement.html",
        {
            "a": a,
            "progress": progress,
            "verdict": selectors.agreement_verdict(a, progress),
            "kinds": Progress.Kind.choices,
            "today": periods.today(),
            "paid": selectors.paid_total([a.pk]),
            "can_mark": getattr(request.user, "role", "") in ("staff", "officer")
            or getattr(request.user, "is_superuser", False),
        },
    )


@_guard
@require_POST
def agreement_progress(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.agreement_get(actor=request.user, pk=pk)
    data = {k: request.POST.get(k, "") for k in ("kind", "on", "amount_wan", "note")}
    _run(
        request,
        lambda: services.progress_add(actor=request.user, agreement=a, data=data),
        "执行进展已登记",
    )
    return redirect("matching:agreement", a.pk)


@_guard
@require_POST
def agreement_not_executed(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.agreement_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.agreement_not_executed(
            actor=request.user,
            agreement=a,
            reason=request.POST.get("reason", ""),
            on=periods.today(),
        ),
        "已标记为未执行",
    )
    return redirect("matching:agreement", a.pk)


# -- alliances ----------------------------------------------------------------------------

ALLIANCES = Listing(
    name="iur_alliances",
    title="校企联盟",
    sheet=importing.alliances_sheet,  # the 导出 is the import layout: it imports back
    columns=[
        Column(
            "name",
            "联盟名称",
            sort="name",
            link=lambda a: reverse("matching:alliance", args=[a.pk]),
        ),
        Column("lead.name", "牵头企业", sort="lead__name"),
        Column("lead.region.name", "区域"),
        Column("institution.name", "共建高校院所"),
        Column("founded_on", "成立日期", sort="founded_on"),
        Column("purpose", "合作方向"),
    ],
    filters=[Filter("year", "成立年度", kind="year", choices=_years, default=None)],
    default_sort="-founded_on",
)


def _works_on_alliances(user: Any) -> bool:
    return getattr(user, "role", "") in ("staff", "officer") or getattr(user, "is_superuser", False)


@_guard
def alliance_list(request: HttpRequest) -> HttpResponse:
    table = ALLIANCES.build(request, lambda f: selectors.alliances(actor=request.user, **f))
    new_url = reverse("matching:alliance_new") if _works_on_alliances(request.user) else ""
    return table.export_response() or render(
        request,
        "matching/list.html",
        {"table": table, "section": "alliances", "new_url": new_url},
    )


ALLIANCE_FIELDS = ("name", "uscc", "institution", "domain", "founded_on", "purpose")


def _alliance_form(request: HttpRequest, alliance: Any = None) -> HttpResponse:
    form: dict[str, Any] = (
        selectors.alliance_form(alliance) if alliance is not None else {"founded_on": ""}
    )
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ALLIANCE_FIELDS}
        lead = _firm_of(request, form["uscc"].strip())
        if lead is not None:
            data = {
                **form,
                "lead": lead,
                "institution": selectors.institution_or_none(_pk(form["institution"])),
            }
            saved = _run(
                request,
                lambda: services.alliance_save(actor=request.user, data=data, alliance=alliance),
                "联盟已保存",
            )
            if saved:
                return redirect("matching:alliance", saved.pk)
    return render(
        request,
        "matching/alliance_form.html",
        {
            "form": form,
            "alliance": alliance,
            "institutions": selectors.institution_choices(),
            "domains": TECH_DOMAIN_CHOICES,
        },
    )


@_guard
def alliance_new(request: HttpRequest) -> HttpResponse:
    return _alliance_form(request)


@_guard
def alliance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _alliance_form(request, selectors.alliance_get(actor=request.user, pk=pk))


@_guard
@require_POST
def alliance_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.alliance_get(actor=request.user, pk=pk)
    uscc = request.POST.get("uscc", "").strip()
    member: Any = (
        _firm_of(request, uscc)
        if uscc
        else selectors.institution_or_none(_pk(request.POST.get("institution", "")))
    )
    if member is None and not uscc:
        messages.error(request, "成员：请填写企业统一社会信用代码或选择高校院所")
    on = _day(request, "on", "加入日期")
    if member is not None and on is not None:
        _run(
            request,
            lambda: services.alliance_member_add(
                actor=request.user, alliance=a, member=member, on=on
            ),
            f"“{member}”已加入联盟",
        )
    return redirect("matching:alliance", a.pk)


def _day(request: HttpRequest, name: str, label: str) -> dt.date | None:
    """A date typed in a form (today when left blank); None, with the reason said."""
    text = _date_text(request, name)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        messages.error(request, f"{label}：“{text}”不是日期（格式：2021-06-30）")
        return None


@_guard
@require_POST
def alliance_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.alliance_member_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.alliance_member_remove(actor=request.user, member=m),
        f"“{m}”已移出联盟",
    )
    return redirect("matching:alliance", m.alliance_id)


@_guard
def alliance(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.alliance_get(actor=request.user, pk=pk)
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("on", "title", "note")}
        if _run(
            request,
            lambda: services.alliance_activity_add(actor=request.user, alliance=a, data=data),
            "活动已登记",
        ):
            return redirect("matching:alliance", a.pk)
    return render(
        request,
        "matching/alliance.html",
        {
            "a": a,
            "members": selectors.alliance_members(actor=request.user, alliance=a),
            "activities": selectors.alliance_activities(a),
            "today": periods.today(),
            "can_edit": _works_on_alliances(request.user),
            "institutions": selectors.institution_choices(),
        },
    )


def domain_choices() -> list[tuple[str, str]]:
    return list(TECH_DOMAIN_CHOICES)

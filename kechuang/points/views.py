"""Pages of innovation points. Each view parses → calls a selector or service → renders;
records named in the URL are looked up in the actor's scope first (404), and refusals
become pages by themselves (DomainErrorMiddleware)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.core import periods
from kechuang.core.errors import DomainError, NotFound, ValidationFailed
from kechuang.core.money import format_wan
from kechuang.core.tabular import write_rows_xlsx
from kechuang.core.web import Column, Filter, Listing, date_param, require, text_param
from kechuang.core.web.downloads import file_response, xlsx_response
from kechuang.points import selectors, services
from kechuang.points.models import PointSet, Score
from kechuang.rules.points import IndicatorSet, InvalidSet

FIRST_YEAR = 2015


def manager(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The bureau's pages (403 with the reason for anybody else)."""

    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(services.can_manage(request.user))
        return fn(request, *args, **kwargs)

    return inner


# The county a city bureau picked (?county=CODE, or a form's hidden `county`): kept in
# the session while they move between points pages, until they pick another.
COUNTY_SESSION_KEY = "points_county"


def _county(request: HttpRequest) -> Any:
    asked = text_param(request, "county")
    session = getattr(request, "session", None)
    code = asked or (str(session.get(COUNTY_SESSION_KEY) or "") if session is not None else "")
    county = selectors.county_for(request.user, code)
    if county is None:
        raise NotFound("没有可查看的创新积分")
    if asked and county.code == asked and session is not None:
        session[COUNTY_SESSION_KEY] = county.code
    return county


def _picker(request: HttpRequest, county: Any, *, here: bool = True) -> dict[str, Any]:
    """The nav's county line: which county the page shows, and a selector for a user who
    answers for several (`here`: picking reloads this page, else the overview)."""
    return {"county": county, "counties": selectors.county_choices(request.user), "pick_here": here}


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= periods.today().year:
        raise NotFound(f"没有{year}年的创新积分")
    return year


def _done(request: HttpRequest, work: Callable[[], str]) -> None:
    try:
        messages.success(request, work())
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)


# -- overview ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    own = selectors.own_enterprise(request.user)
    if own is not None:
        year = selectors.latest_standing_year(request.user, own)
        if year is not None:
            return redirect("points:explain", own.pk, year)
    rows = []
    for year in selectors.years(county):
        state = selectors.list_state(request.user, county, year)
        rows.append(
            {
                "year": year,
                "state": state,
                "draft": selectors.draft_of(county, year)
                if selectors.can_manage(request.user)
                else None,
            }
        )
    return render(
        request,
        "points/index.html",
        {
            **_picker(request, county),
            "rows": rows,
            "can_manage": selectors.can_manage(request.user),
            "next_year": periods.today().year - 1,
        },
    )


# -- rank list --------------------------------------------------------------------------------


def _points(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}"


def _explain_url(score: Score) -> str:
    return reverse("points:explain", args=[score.enterprise_id, score.run.year])


SCORES = Listing(
    name="points",
    title="创新积分排名",
    columns=[
        Column("overall_rank", "总排名", sort=("overall_rank",), css="num"),
        Column("name", "企业名称", value="enterprise.name", sort=("enterprise__name",)),
        Column("region", "镇街/园区", value="enterprise.region.name"),
        Column("stage_label", "发展阶段", sort=("stage", "rank")),
        Column("rank", "阶段排名", sort=("rank",), css="num"),
        Column("cohort", "阶段企业数", css="num"),
        Column("total", "总分", display=_points, sort=("-total_cents",), css="num"),
        Column("tier_label", "档次", sort=("tier", "rank")),
        Column("at_stake", "缺数据待得分", display=_points, css="num"),
    ],
    filters=[
        Filter("q", "企业", kind="text", placeholder="企业名称或信用代码"),
        Filter("stage", "发展阶段", choices=lambda r: selectors.stage_choices(None)),
        Filter("tier", "档次", choices=lambda r: selectors.tier_choices(None)),
    ],
    default_sort="overall_rank",
    empty="暂无积分排名",
    table_id="points-table",
)


@login_required
def rank_list(request: HttpRequest, year: int) -> HttpResponse:
    county = _county(request)
    year = _year(year)
    state = selectors.list_state(request.user, county, year)
    table = SCORES.build(
        request,
        lambda f: selectors.list_scores(
            actor=request.user, state=state, stage=f["stage"], tier=f["tier"], q=f["q"]
        ),
        export_name=f"{county.name}{year}年创新积分排名",
    )
    if response := table.export_response():
        return response
    pub = state.publication
    return render(
        request,
        "points/list.html",
        {
            **_picker(request, county),
            "year": year,
            "state": state,
            "table": table,
            "can_manage": selectors.can_manage(request.user),
            "publicity": pub.publicity if pub else None,
            "is_open": pub is not None and services.publicity_is_open(pub),
            "published_set": services.published_set(county, year),
            "today": periods.today(),
            "window_end": periods.today() + dt.timedelta(days=services.DEFAULT_WINDOW_DAYS),
            "own": selectors.own_enterprise(request.user),
            "objections": selectors.objections(actor=request.user, publication=pub)[:50]
            if pub
            else [],
        },
    )


@manager
@require_POST
def score(request: HttpRequest, year: int) -> HttpResponse:
    county = _county(request)
    year = _year(year)
    try:
        job = services.score_start(actor=request.user, county=county, year=year)
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()))
        return redirect("points:list", year)
    return redirect("jobs:detail", job.pk)


@manager
@require_POST
def publish(request: HttpRequest, year: int) -> HttpResponse:
    county = _county(request)
    year = _year(year)
    starts = date_param(request, "starts_on")
    ends = date_param(request, "ends_on", starts + dt.timedelta(days=services.DEFAULT_WINDOW_DAYS))

    def work() -> str:
        pub = services.publication_publish(
            actor=request.user, county=county, year=year, starts_on=starts, ends_on=ends
        )
        return f"已发布{pub}，异议期至{ends:%Y-%m-%d}"

    _done(request, work)
    return redirect("points:list", year)


@manager
@require_POST
def republish(request: HttpRequest, year: int) -> HttpResponse:
    county = _county(request)
    pub = selectors.publication_of(county, _year(year))
    if pub is None:
        raise NotFound(f"{year}年积分排名尚未公示")
    _done(
        request,
        lambda: (
            f"已按最新计算重新发布：{services.publication_revise(actor=request.user, publication=pub)}家企业的公示内容变更"
        ),
    )
    return redirect("points:list", year)


@manager
@require_POST
def freeze(request: HttpRequest, year: int) -> HttpResponse:
    county = _county(request)
    pub = selectors.publication_of(county, _year(year))
    if pub is None:
        raise NotFound(f"{year}年积分排名尚未公示")

    def work() -> str:
        services.publication_freeze(actor=request.user, publication=pub, on=periods.today())
        return f"{pub}已定稿"

    _done(request, work)
    return redirect("points:list", year)


# -- one enterprise -------------------------------------------------------------------------------


def _explain_rows(st: selectors.Standing) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for line in st.lines:
        rows.append(
            [
                line["group"],
                line["label"],
                line["value"],
                line["reading"],
                line.get("percentile") or None,
                Decimal(line["weight"]),
                None if line["points"] is None else Decimal(line["points"]),
            ]
        )
    if st.score is not None and st.score.total is not None:
        rows.append(["合计", "", "", "", None, None, st.score.total])
    return rows


@login_required
def explain(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    year = _year(year)
    st = selectors.standing(actor=request.user, enterprise=enterprise, year=year)
    if request.GET.get("export") == "xlsx":
        headers = ["分组", "指标", "数值", "说明", "同阶段百分位", "权重（分）", "得分（分）"]
        return xlsx_response(
            lambda out: write_rows_xlsx(out, headers, _explain_rows(st), sheet="积分说明"),
            f"{enterprise.name}{year}年创新积分说明",
        )
    pub = st.publication
    is_own = selectors.own_enterprise(request.user) == enterprise
    return render(
        request,
        "points/explain.html",
        {
            **_picker(request, selectors.county_of_enterprise(enterprise), here=False),
            "e": enterprise,
            "year": year,
            "st": st,
            "s": st.score,
            "ex": st.score.explanation if st.score else {},
            "can_manage": selectors.can_manage(request.user),
            "can_object": pub is not None
            and st.published
            and pub.publicity.accepts_objections_on(periods.today())
            and (is_own or selectors.can_manage(request.user)),
            "objections": selectors.objections_of(
                actor=request.user, publication=pub, enterprise=enterprise
            )
            if pub
            else [],
            "fact_rows": _fact_rows(selectors.points_facts(enterprise, year))
            if selectors.can_manage(request.user)
            else [],
        },
    )


def _form_value(row: Any, name: str) -> str:
    value = None if row is None else getattr(row, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if name.endswith("_yuan"):
        return format_wan(value, 6, grouping=False).rstrip("0").rstrip(".")
    return str(value)


def _fact_rows(row: Any) -> list[tuple[str, str]]:
    out = []
    for name, label in services.FACT_LABELS.items():
        value = None if row is None else getattr(row, name)
        if value is None:
            text = "未知"
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif name.endswith("_yuan"):
            text = format_wan(value) + "万元"
        else:
            text = str(value)
        out.append((label.replace("（万元）", ""), text))
    return out


@login_required
@require_POST
def object_file(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    year = _year(year)
    st = selectors.standing(actor=request.user, enterprise=enterprise, year=year)
    if st.publication is None:
        raise NotFound(f"{year}年积分排名尚未公示")
    pub = st.publication

    def work() -> str:
        services.objection_file(
            actor=request.user,
            publication=pub,
            enterprise=enterprise,
            reason=request.POST.get("reason", ""),
            on=periods.today(),
            evidence=request.FILES.get("evidence"),
        )
        return "异议已提交，科技局处理后将在此显示处理意见"

    _done(request, work)
    return redirect("points:explain", pk, year)


@manager
def facts(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(actor=request.user, pk=pk)
    year = _year(year)
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in services.FACT_LABELS}
        try:
            services.points_facts_save(
                actor=request.user,
                enterprise=enterprise,
                year=year,
                values=values,
                note=text_param(request, "note"),
            )
        except ValidationFailed as exc:
            messages.error(request, "；".join(exc.lines()))
        else:
            messages.success(request, "积分补充数据已更正；重新计算积分后生效")
            return redirect("points:explain", pk, year)
    row = selectors.points_facts(enterprise, year)
    fields = [(name, label, _form_value(row, name)) for name, label in services.FACT_LABELS.items()]
    return render(
        request,
        "points/facts.html",
        {
            **_picker(request, selectors.county_of_enterprise(enterprise), here=False),
            "e": enterprise,
            "year": year,
            "fields": fields,
        },
    )


# -- objections ---------------------------------------------------------------------------------


@login_required
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.objection_get(actor=request.user, pk=pk)
    pub = selectors.publication_of_objection(obj)
    if request.method == "POST":
        require(services.can_manage(request.user))
        verdict = text_param(request, "verdict")

        def work() -> str:
            services.objection_resolve(
                actor=request.user,
                objection=obj,
                upheld=verdict == "upheld",
                resolution=request.POST.get("resolution", ""),
                on=periods.today(),
            )
            return "异议已处理"

        _done(request, work)
        return redirect("points:objection", pk)
    enterprise = obj.entry.application.enterprise
    return render(
        request,
        "points/objection.html",
        {
            **_picker(request, pub.region, here=False),
            "o": obj,
            "pub": pub,
            "e": enterprise,
            "can_manage": selectors.can_manage(request.user),
            "newer": selectors.list_state(request.user, pub.region, pub.year).newer_run,
        },
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection's evidence file, for whoever may read the objection."""
    obj = selectors.objection_get(actor=request.user, pk=pk)
    if obj.evidence is None:
        raise NotFound("该异议没有证明材料")
    with obj.evidence.file.open("rb") as fh:
        data = fh.read()
    name = (obj.evidence.file.name or "").rsplit("/", 1)[-1]
    return file_response(data, name, "application/octet-stream")


# -- indicator sets -------------------------------------------------------------------------------


SETS = Listing(
    name="point_sets",
    title="积分指标体系",
    columns=[
        Column("year", "年度", sort=("year", "version")),
        Column(
            "version",
            "版本",
            link=lambda s: reverse("points:set", args=[s.pk]),
            display=lambda v: f"第{v}版",
        ),
        Column("title", "名称"),
        Column("status", "状态", value="get_status_display"),
        Column("note", "说明"),
        Column("updated_at", "更新时间"),
        Column("published_at", "发布时间"),
    ],
    default_sort="-year",
    empty="还没有指标体系",
)


@manager
def sets(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    table = SETS.build(request, selectors.sets_of(request.user, county))
    if response := table.export_response():
        return response
    return render(
        request,
        "points/sets.html",
        {**_picker(request, county), "table": table, "next_year": periods.today().year - 1},
    )


@manager
@require_POST
def set_new(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    year = periods.parse_year(text_param(request, "year"))
    if year is None:
        messages.error(request, "年度：请填写四位年份")
        return redirect("points:sets")
    draft = services.set_copy_forward(actor=request.user, county=county, year=year)
    return redirect("points:set", draft.pk)


def _weights_grid(point_set: PointSet) -> dict[str, Any]:
    data = point_set.data if isinstance(point_set.data, dict) else {}
    stages = [s for s in data.get("stages") or [] if isinstance(s, dict)]
    rows = []
    sums: dict[str, Decimal] = {str(s.get("id")): Decimal(0) for s in stages}
    for ind in data.get("indicators") or []:
        if not isinstance(ind, dict):
            continue
        raw = ind.get("weights")
        weights: dict[str, Any] = raw if isinstance(raw, dict) else {}
        cells = []
        for s in stages:
            sid = str(s.get("id"))
            value = weights.get(sid, "")
            cells.append((sid, str(s.get("label")), value))
            try:
                sums[sid] += Decimal(str(value)) if value != "" else 0
            except ArithmeticError:
                pass
        rows.append({"id": ind.get("id"), "label": ind.get("label"), "cells": cells})
    return {
        "stages": [(str(s.get("id")), str(s.get("label"))) for s in stages],
        "rows": rows,
        "sums": [(sid, total, total == 100) for sid, total in sums.items()],
    }


@manager
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point_set = selectors.set_get(actor=request.user, pk=pk)
    text = None
    problems: list[str] | None = None
    if request.method == "POST":
        try:
            if "text" in request.POST:
                text = request.POST.get("text", "")
                problems = services.set_save_text(
                    actor=request.user, point_set=point_set, text=text
                )
            else:
                weights: dict[tuple[str, str], str] = {}
                for key in request.POST:
                    parts = key.split("|")
                    if len(parts) == 3 and parts[0] == "w":
                        weights[(parts[1], parts[2])] = request.POST.get(key, "")
                problems = services.set_save_weights(
                    actor=request.user, point_set=point_set, weights=weights
                )
            text = None
            if not problems:
                messages.success(request, "草稿已保存，校验通过")
        except ValidationFailed as exc:
            problems = exc.lines()
    if problems is None:
        problems = services.set_problems_lined(point_set)
    return render(
        request,
        "points/set.html",
        {
            **_picker(request, point_set.region, here=False),
            "s": point_set,
            "text": text if text is not None else services.set_text(point_set),
            "problems": problems,
            "grid": _weights_grid(point_set),
            "reference": selectors.reference_set(point_set),
            "sources": _sources(point_set),
        },
    )


def _sources(point_set: PointSet) -> list[tuple[str, str]]:
    from kechuang.points.inputs import SOURCES
    from kechuang.rules.points import POINT_FIELDS

    try:
        fields = IndicatorSet.parse(point_set.data).fields
    except InvalidSet:
        return []
    return [
        (POINT_FIELDS[f].label, SOURCES[f].where if f in SOURCES else "（无来源）") for f in fields
    ]


@manager
@require_POST
def set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    point_set = selectors.set_get(actor=request.user, pk=pk)
    _done(
        request,
        lambda: f"{services.set_publish(actor=request.user, point_set=point_set)}；请重新计算积分",
    )
    return redirect("points:set", pk)


@manager
def set_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    point_set = selectors.set_get(actor=request.user, pk=pk)
    ref = selectors.reference_set(point_set)
    result = None
    error = ""
    if ref is None:
        error = "没有已发布的指标体系可供比较"
    else:
        try:
            result = selectors.whatif(point_set, ref)
        except DomainError as exc:
            error = exc.message
    if result is not None and request.GET.get("export") == "xlsx":
        return xlsx_response(
            lambda out: write_rows_xlsx(out, WHATIF_HEADERS, _whatif_rows(result), sheet="比较"),
            f"{point_set.year}年指标体系草稿比较",
        )
    return render(
        request,
        "points/whatif.html",
        {
            **_picker(request, point_set.region, here=False),
            "s": point_set,
            "ref": ref,
            "r": result,
            "error": error,
        },
    )


WHATIF_HEADERS = [
    "企业名称",
    "发展阶段",
    "现行总分",
    "草稿总分",
    "现行阶段排名",
    "草稿阶段排名",
    "名次变化",
    "现行档次",
    "草稿档次",
]


def _whatif_rows(result: Any) -> list[list[Any]]:
    return [
        [
            r["name"],
            r["stage"],
            r["before"],
            r["after"],
            r["rank_before"],
            r["rank_after"],
            r["moved"],
            r["tier_before"] or "—",
            r["tier_after"] or "—",
        ]
        for r in result.rows
    ]

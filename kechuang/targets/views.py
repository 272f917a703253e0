"""Dashboards, the records behind a figure, statistics, targets and the assessment.
Each view parses → calls a selector or service → renders."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.web import Column, Listing, plan_year_param, require, year_param
from kechuang.targets import growth, selectors, services
from kechuang.targets.forms import StatisticForm, TargetForm, UploadForm, WeightForm
from kechuang.targets.indicators import INDICATORS, Evaluator
from kechuang.targets.permissions import can_enter_statistics, can_manage_targets, can_view_peers

MAX_UPLOAD = 5 * 1024 * 1024


def _year(request: HttpRequest) -> int:
    return year_param(request, default=lambda: selectors.default_year(request.user))


def _plan_year(request: HttpRequest) -> int:
    return plan_year_param(request, default=lambda: selectors.plan_year(request.user))


def _number(places: int, missing: str = "—") -> Callable[[Decimal | None], str]:
    """Like the template filter floatformat:"-places": no decimals for whole numbers."""

    def show(value: Decimal | None) -> str:
        if value is None:
            return missing
        rounded = round(Decimal(value), places)
        return (
            f"{rounded:.0f}" if rounded == rounded.to_integral_value() else f"{rounded:.{places}f}"
        )

    return show


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


STATISTICS = Listing(
    name="statistics",
    title="区域统计数据",
    columns=[
        Column("region", "区域", value="region.name", sort=True),
        Column("year", "年度"),
        Column(
            "key",
            "指标/统计项",
            value=lambda s: INDICATORS[s.key].label if s.key in INDICATORS else s.key,
            sort=True,
        ),
        Column("value", "数值", display=_number(4), css="text-end"),
        Column("unit", "单位"),
        Column("source", "来源", css="small"),
        Column("entered_by", "录入人", value=lambda s: str(s.entered_by or "系统"), css="small"),
        Column("entered_at", "录入时间", css="small"),
        Column(
            "delete",
            "",
            value=lambda s: None,
            template="targets/cells/statistic_delete.html",
            export=False,
        ),
    ],
    page_size=50,
    empty="该年没有统计数据。",
    table_id="statistics-table",
)

TARGETS = Listing(
    name="targets",
    title="目标",
    columns=[
        Column("region", "区域", value="target.region.name", sort=True),
        Column(
            "indicator",
            "指标",
            value="indicator.label",
            sort=True,
            link=lambda r: (
                reverse("targets:records", args=[r.target.region.code, r.indicator.id])
                + f"?year={r.target.year}"
            ),
        ),
        Column(
            "target",
            "目标",
            value=lambda r: (
                f"{r.target.get_comparison_display()}{_number(2)(Decimal(r.target.value))} {r.indicator.unit}"
            ),
        ),
        Column(
            "value", "实际", value="value.value", display=_number(2, "暂无数据"), css="text-end"
        ),
        Column(
            "progress",
            "完成率",
            value="progress.percent",
            display=_percent,
            css="text-end",
            sort=True,
        ),
        Column(
            "met",
            "状态",
            value=lambda r: {True: "已完成", False: "未完成"}.get(r.progress.met, "无数据"),
            template="targets/cells/target_met.html",
        ),
        Column("note", "说明", value="target.note", css="small"),
        Column(
            "delete",
            "",
            value=lambda r: None,
            template="targets/cells/target_delete.html",
            export=False,
        ),
    ],
    page_size=50,
    empty="该年没有目标。",
    table_id="targets-table",
)


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    region = selectors.home_region(request.user)
    if region is None:
        raise PermissionDenied("没有可查看的区域")
    url = reverse("targets:dashboard", args=[region.code])
    return redirect(f"{url}?year={_year(request)}")


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(actor=request.user, code=code)
    year = _year(request)
    ev = Evaluator(actor=request.user)
    # the trend first: its five years of counts, in one query per indicator, are also
    # the table's year and the growth rate's four
    trend = selectors.trend(region=region, year=year, evaluator=ev)
    rows = selectors.indicator_table(actor=request.user, region=region, year=year, evaluator=ev)
    featured = [r for r in rows if r.value.indicator.id in selectors.DASHBOARD_INDICATORS]
    with_targets = [r for r in rows if r.progress.target is not None]
    records_base = reverse("targets:records", args=[region.code, "INDICATOR"])
    charts: dict[str, Any] = {
        "labels": {i: INDICATORS[i].label for i in INDICATORS},
        "units": {i: INDICATORS[i].unit for i in INDICATORS},
        "year": year,
        "trend": trend,
        "targets": [
            {
                "id": r.value.indicator.id,
                "label": r.value.indicator.label,
                "value": selectors._num(r.value.value),
                "target": selectors._num(r.progress.target.value if r.progress.target else None),
            }
            for r in with_targets
        ],
        "records_url": records_base,
        "region_code": region.code,
        "dashboard_url": reverse("targets:dashboard", args=["CODE"]),
    }
    if not region.is_area:
        charts["areas"] = selectors.area_comparison(
            actor=request.user, region=region, year=year, evaluator=ev
        )
    peer_tables = []
    if can_view_peers(request.user)[0] and not region.is_area:
        for ind_id in selectors.PEER_INDICATORS:
            peer_tables.append(
                (
                    INDICATORS[ind_id],
                    selectors.peer_ranking(
                        actor=request.user,
                        region=region,
                        indicator_id=ind_id,
                        year=year,
                        evaluator=ev,
                    ),
                )
            )
        charts["peers"] = {
            "indicator": "hnte_valid",
            "names": [p.region.short_name or p.region.name for p in peer_tables[0][1]],
            "values": [selectors._num(p.value.value) for p in peer_tables[0][1]],
            "self": [p.is_self for p in peer_tables[0][1]],
        }
    g = selectors.growth_figures(region=region, indicator_id="hnte_valid", year=year, evaluator=ev)
    return render(
        request,
        "targets/dashboard.html",
        {
            "region": region,
            "year": year,
            "rows": rows,
            "featured": featured,
            "with_targets": with_targets,
            "charts": charts,
            "peer_tables": peer_tables,
            "growth": g,
            "growth_pct": {
                "yoy": growth.percent(g.yoy),
                "mean3": growth.percent(g.mean3),
                "cagr": growth.percent(g.cagr3),
            },
            "formulas": growth.FORMULAS,
            "years": list(range(year + 1, year - 8, -1)),
            "children": selectors.visible_areas_of(actor=request.user, region=region),
            "up": selectors.visible_parent(actor=request.user, region=region),
        },
    )


RECORDS = Listing(
    name="records",
    title="指标记录",
    columns=[
        Column(
            "enterprise",
            "企业",
            sort=True,
            link=lambda r: (
                reverse("enterprises:detail", args=[r.enterprise_id]) if r.enterprise_id else None
            ),
        ),
        Column("region", "镇（园区）", sort=True),
        Column("kind", "类型", sort=True),
        Column("detail", "明细"),
        Column("on", "日期", sort=True, css="text-nowrap"),
        Column(
            "amount_wan",
            "金额（万元）",
            display=lambda v: "" if v is None else f"{v:,.2f}",
            sort=True,
            css="num",
        ),
    ],
    page_size=50,
    empty="没有记录",
    table_id="records-table",
)


@login_required
def records(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    region = selectors.region_get(actor=request.user, code=code)
    year = _year(request)
    value, rows = selectors.records(
        actor=request.user, indicator_id=indicator, region=region, year=year
    )
    table = RECORDS.build(
        request, rows, export_name=f"{value.indicator.label}-{region.name}-{year}年"
    )
    if response := table.export_response():
        return response
    return render(
        request,
        "targets/records.html",
        {"region": region, "year": year, "value": value, "table": table, "ind": value.indicator},
    )


# -- statistics ---------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require(can_enter_statistics(request.user))
    year = _year(request)
    form = StatisticForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.statistic_save(
                actor=request.user,
                region=d["region"],
                year=d["year"],
                key=d["key"],
                value=d["value"],
                source=d["source"],
                note=d["note"],
            )
        except ValidationFailed as exc:
            for e in exc.errors:
                form.add_error(None, str(e))
        else:
            messages.success(request, "已保存统计数据")
            return redirect(f"{reverse('targets:statistics')}?year={d['year']}")
    table = STATISTICS.build(request, selectors.statistic_list(actor=request.user, year=year))
    if response := table.export_response():
        return response
    return render(
        request,
        "targets/statistics.html",
        {
            "form": form,
            "table": table,
            "year": year,
            "upload": UploadForm(),
            "labels": {**{i: v.label for i, v in INDICATORS.items()}},
        },
    )


@login_required
@require_POST
def statistic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stat = selectors.statistic_get(actor=request.user, pk=pk)
    services.statistic_delete(actor=request.user, statistic=stat)
    messages.success(request, "已删除")
    return redirect(f"{reverse('targets:statistics')}?year={stat.year}")


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    year = _plan_year(request)
    can_edit = can_manage_targets(request.user)[0]
    form = TargetForm(request.POST or None, initial={"year": year, "comparison": "gte"})
    if request.method == "POST":
        require(can_manage_targets(request.user))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.target_save(
                    actor=request.user,
                    region=d["region"],
                    year=d["year"],
                    indicator=d["indicator"],
                    value=d["value"],
                    comparison=d["comparison"],
                    note=d["note"],
                )
            except ValidationFailed as exc:
                for e in exc.errors:
                    form.add_error(None, str(e))
            else:
                messages.success(request, "已保存目标")
                return redirect(f"{reverse('targets:targets')}?year={d['year']}")
    ev = Evaluator(actor=request.user)
    table = TARGETS.build(
        request, selectors.target_rows(actor=request.user, year=year, evaluator=ev)
    )
    if response := table.export_response():
        return response
    return render(
        request,
        "targets/targets.html",
        {
            "form": form,
            "table": table,
            "year": year,
            "can_edit": can_edit,
            "upload": UploadForm(),
            "today": ev.today,
        },
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(actor=request.user, pk=pk)
    services.target_delete(actor=request.user, target=target)
    messages.success(request, "已删除")
    return redirect(f"{reverse('targets:targets')}?year={target.year}")


# -- assessment ---------------------------------------------------------------------------


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    county = selectors.home_region(request.user)
    if county is None:
        raise PermissionDenied("没有可查看的区域")
    if county.is_area and county.parent is not None:
        county = county.parent
    can_edit = can_manage_targets(request.user)[0]
    form = WeightForm(request.POST or None)
    if request.method == "POST":
        require(can_manage_targets(request.user))
        if form.is_valid():
            try:
                services.weight_save(actor=request.user, year=year, **form.cleaned_data)
            except ValidationFailed as exc:
                for e in exc.errors:
                    form.add_error(None, str(e))
            else:
                messages.success(request, "已保存考核权重")
                return redirect(f"{reverse('targets:assessment')}?year={year}")
    weights, rows = selectors.assessment(actor=request.user, county=county, year=year)
    for w in weights:
        w.label = INDICATORS[w.indicator].label  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "targets/assessment.html",
        {
            "year": year,
            "county": county,
            "weights": weights,
            "rows": rows,
            "form": form,
            "can_edit": can_edit,
            "labels": {i: v.label for i, v in INDICATORS.items()},
            "years": list(range(year + 2, year - 6, -1)),
        },
    )

"""Dashboards, the records behind a figure, statistics, targets and the assessment.
Each view parses → calls a selector or service → renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.core.errors import NotFound, PermissionDenied, ValidationFailed
from kechuang.targets import growth, selectors, services
from kechuang.targets.forms import StatisticForm, TargetForm, UploadForm, WeightForm
from kechuang.targets.indicators import INDICATORS, Evaluator
from kechuang.targets.models import RegionalStatistic, Target
from kechuang.targets.permissions import can_enter_statistics, can_manage_targets, can_view_peers

MAX_UPLOAD = 5 * 1024 * 1024


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return selectors.default_year(request.user)


def _guard(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except NotFound as exc:
        raise Http404(exc.message) from None


def _require(check: tuple[bool, str]) -> None:
    if not check[0]:
        raise DjangoPermissionDenied(check[1])


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    region = selectors.home_region(request.user)
    if region is None:
        raise DjangoPermissionDenied("没有可查看的区域")
    url = reverse("targets:dashboard", args=[region.code])
    return redirect(f"{url}?year={_year(request)}")


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    region = _guard(lambda: selectors.region_get(actor=request.user, code=code))
    year = _year(request)
    ev = Evaluator()
    rows = _guard(
        lambda: selectors.indicator_table(
            actor=request.user, region=region, year=year, evaluator=ev
        )
    )
    featured = [r for r in rows if r.value.indicator.id in selectors.DASHBOARD_INDICATORS]
    with_targets = [r for r in rows if r.progress.target is not None]
    records_base = reverse("targets:records", args=[region.code, "INDICATOR"])
    charts: dict[str, Any] = {
        "labels": {i: INDICATORS[i].label for i in INDICATORS},
        "units": {i: INDICATORS[i].unit for i in INDICATORS},
        "year": year,
        "trend": selectors.trend(region=region, year=year, evaluator=ev),
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
            "children": selectors.areas_of(region).filter(
                pk__in=selectors.visible_regions(request.user).values("pk")
            ),
        },
    )


@login_required
def records(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    region = _guard(lambda: selectors.region_get(actor=request.user, code=code))
    year = _year(request)
    value, rows = _guard(
        lambda: selectors.records(
            actor=request.user, indicator_id=indicator, region=region, year=year
        )
    )
    return render(
        request,
        "targets/records.html",
        {"region": region, "year": year, "value": value, "rows": rows, "ind": value.indicator},
    )


# -- statistics ---------------------------------------------------------------------------


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _require(can_enter_statistics(request.user))
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
    items = selectors.statistic_list(actor=request.user, year=year)
    return render(
        request,
        "targets/statistics.html",
        {
            "form": form,
            "items": items,
            "year": year,
            "upload": UploadForm(),
            "labels": {**{i: v.label for i, v in INDICATORS.items()}},
        },
    )


@login_required
@require_POST
def statistic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stat = RegionalStatistic.objects.filter(pk=pk).first()
    if stat is None:
        raise Http404("记录不存在")
    _guard(lambda: services.statistic_delete(actor=request.user, statistic=stat))
    messages.success(request, "已删除")
    return redirect(f"{reverse('targets:statistics')}?year={stat.year}")


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    can_edit = can_manage_targets(request.user)[0]
    form = TargetForm(request.POST or None, initial={"year": year, "comparison": "gte"})
    if request.method == "POST":
        _require(can_manage_targets(request.user))
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
    ev = Evaluator()
    items = []
    for t in selectors.target_list(actor=request.user, year=year):
        if t.indicator not in INDICATORS:
            continue
        value = ev.value(t.indicator, t.region, t.year)
        items.append(
            (t, INDICATORS[t.indicator], value, selectors.progress_of(value.value, t, ev.today))
        )
    return render(
        request,
        "targets/targets.html",
        {
            "form": form,
            "items": items,
            "year": year,
            "can_edit": can_edit,
            "upload": UploadForm(),
            "today": ev.today,
        },
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = Target.objects.filter(pk=pk).first()
    if target is None:
        raise Http404("记录不存在")
    _guard(lambda: services.target_delete(actor=request.user, target=target))
    messages.success(request, "已删除")
    return redirect(f"{reverse('targets:targets')}?year={target.year}")


# -- assessment ---------------------------------------------------------------------------


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    county = selectors.home_region(request.user)
    if county is None:
        raise DjangoPermissionDenied("没有可查看的区域")
    if county.is_area and county.parent is not None:
        county = county.parent
    can_edit = can_manage_targets(request.user)[0]
    form = WeightForm(request.POST or None)
    if request.method == "POST":
        _require(can_manage_targets(request.user))
        if form.is_valid():
            try:
                services.weight_save(actor=request.user, year=year, **form.cleaned_data)
            except ValidationFailed as exc:
                for e in exc.errors:
                    form.add_error(None, str(e))
            else:
                messages.success(request, "已保存考核权重")
                return redirect(f"{reverse('targets:assessment')}?year={year}")
    weights, rows = _guard(
        lambda: selectors.assessment(actor=request.user, county=county, year=year)
    )
    for w in weights:
        w.label = INDICATORS[w.indicator].label
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

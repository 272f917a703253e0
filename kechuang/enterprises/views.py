"""HTML pages of the registry. Each view parses → calls a selector or service → renders."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kechuang.accounts.scoping import is_bureau, visible_regions
from kechuang.core.errors import NotFound, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.money import format_wan, yuan_to_wan
from kechuang.core.panels import panels
from kechuang.core.tabular import write_rows_xlsx
from kechuang.enterprises import importing, selectors, services
from kechuang.enterprises.facts import FACT_FIELDS, Source
from kechuang.enterprises.forms import (
    CertificateForm,
    EnterpriseForm,
    FactsForm,
    IPForm,
    ip_form_data,
)
from kechuang.enterprises.models import Certificate, Enterprise, YearlyFacts
from kechuang.enterprises.permissions import can_edit_enterprise, can_manage_certificates
from kechuang.rules import tech_domains

PAGE_SIZE = 25


def _year(request: HttpRequest) -> int:
    """The year a page shows: ?year=, else the latest year with data, else this year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 1980 <= int(raw) <= 2100:
        return int(raw)
    return selectors.latest_fiscal_year(request.user) or timezone.localdate().year


def _year_end(year: int) -> dt.date:
    today = timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def _enterprise_or_404(request: HttpRequest, pk: int) -> Enterprise:
    try:
        return selectors.enterprise_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("企业不存在或无权查看") from None


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    region = None
    if g.get("region"):
        region = visible_regions(request.user).filter(code=g["region"]).first()
    above = {"1": True, "0": False}.get(g.get("above_scale", ""))
    review = {"1": True, "0": False}.get(g.get("review", ""))
    year = _year(request)
    return {
        "q": g.get("q", "").strip(),
        "region": region,
        "domain": g.get("domain", "") if g.get("domain", "") in tech_domains.DOMAINS else "",
        "cert": g.get("cert", "") if g.get("cert", "") in selectors.CERT_FILTERS else "",
        "on": _year_end(year),
        "above_scale": above,
        "needs_review": review,
        "sort": g.get("sort", "name") if g.get("sort", "name") in selectors.SORTS else "name",
    }


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    year = _year(request)
    qs = selectors.enterprise_list(actor=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    facts = {
        f.enterprise_id: f
        for f in YearlyFacts.objects.filter(enterprise_id__in=ids, fiscal_year=year)
    }
    hnte = set(
        Certificate.objects.valid_on(filters["on"])
        .filter(kind="hnte", enterprise_id__in=ids)
        .values_list("enterprise_id", flat=True)
    )
    sme = set(
        Certificate.objects.filter(
            kind="tech_sme", enterprise_id__in=ids, issued_on__year=year
        ).values_list("enterprise_id", flat=True)
    )
    rows = [
        {
            "e": e,
            "facts": facts.get(e.pk),
            "hnte": e.pk in hnte,
            "tech_sme": e.pk in sme,
            "revenue": format_wan(facts[e.pk].revenue_yuan)
            if e.pk in facts and facts[e.pk].revenue_yuan is not None
            else "—",
            "rd": format_wan(facts[e.pk].rd_expense_yuan)
            if e.pk in facts and facts[e.pk].rd_expense_yuan is not None
            else "—",
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    sort_query.pop("sort", None)
    sort_query.pop("page", None)
    allowed, _ = can_edit_enterprise(request.user, None)
    return render(
        request,
        "enterprises/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "year": year,
            "years": list(range(timezone.localdate().year, 2014, -1)),
            "regions": visible_regions(request.user).filter(
                kind__in=["street", "town", "township", "park"]
            ),
            "domains": [(c, tech_domains.label(c)) for c in tech_domains.DOMAINS if "." not in c],
            "cert_filters": selectors.CERT_FILTERS,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "can_create": allowed,
            "total": page.paginator.count,
        },
    )


@login_required
def enterprise_export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in importing.KINDS:
        raise Http404("未知的导出类型")
    filters = _filters(request)
    qs = selectors.enterprise_list(actor=request.user, **filters)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    headers, rows = importing.export_table(kind, qs, year=year)
    buffer = io.BytesIO()
    write_rows_xlsx(buffer, headers, rows, sheet=importing.KINDS[kind].title)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"{importing.KINDS[kind].title}-{stamp}.xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _chart_data(facts: list[YearlyFacts]) -> dict[str, Any]:
    def wan(v: Any) -> float | None:
        return None if v is None else float(yuan_to_wan(v))

    return {
        "years": [str(f.fiscal_year) for f in facts],
        "revenue": [wan(f.revenue_yuan) for f in facts],
        "rd": [wan(f.rd_expense_yuan) for f in facts],
        "hightech": [wan(f.hightech_income_yuan) for f in facts],
        "employees": [f.employees for f in facts],
        "tech_staff": [f.tech_staff for f in facts],
    }


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    year = _year(request)
    facts = selectors.facts_by_year(enterprise)
    sources = selectors.fact_sources(enterprise)
    table = []
    for spec in FACT_FIELDS:
        cells = []
        for f in facts:
            value = getattr(f, spec.name)
            rev = sources.get((f.fiscal_year, spec.name))
            shown = (
                ("—" if value is None else format_wan(value))
                if spec.kind == "money"
                else ("—" if value is None else value)
            )
            cells.append(
                {
                    "value": shown,
                    "source": rev.get_source_display() if rev else "",
                    "recorded_on": rev.recorded_on if rev else None,
                }
            )
        table.append({"spec": spec, "cells": cells})
    on = _year_end(year)
    certs = list(selectors.certificates_of(enterprise))
    cert_rows = [
        {"c": c, "valid": c.is_valid_on(on), "valid_today": c.is_valid_on(timezone.localdate())}
        for c in certs
    ]
    audit = (
        AuditLog.objects.filter(enterprise_id=enterprise.pk)[:10]
        if is_bureau(request.user)
        else None
    )
    can_edit, _ = can_edit_enterprise(request.user, enterprise)
    can_certs, _ = can_manage_certificates(request.user, enterprise)
    extra = [(p, p.context(request, enterprise)) for p in panels()]
    return render(
        request,
        "enterprises/detail.html",
        {
            "e": enterprise,
            "year": year,
            "on": on,
            "facts": facts,
            "table": table,
            "chart": json.dumps(_chart_data(facts), ensure_ascii=False),
            "certs": cert_rows,
            "ip_items": enterprise.ip_items.all(),
            "audit": audit,
            "can_edit": can_edit,
            "can_certs": can_certs,
            "domain_label": tech_domains.label(enterprise.tech_domain),
            "panels": extra,
            "years": [f.fiscal_year for f in facts] or [year],
            "next_year": (facts[-1].fiscal_year + 1) if facts else timezone.localdate().year - 1,
        },
    )


def _regions_for_form(request: HttpRequest) -> Any:
    return visible_regions(request.user).filter(kind__in=["street", "town", "township", "park"])


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_edit_enterprise(request.user, None)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    form = EnterpriseForm(request.POST or None, regions=_regions_for_form(request))
    if request.method == "POST" and form.is_valid():
        try:
            e = services.enterprise_create(actor=request.user, data=form.service_data())
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
        else:
            if e.needs_review:
                messages.warning(request, f"已保存，但{e.review_reason}")
            else:
                messages.success(request, f"已新增企业“{e.name}”")
            return redirect("enterprises:detail", pk=e.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": "新增企业"})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    allowed, reason = can_edit_enterprise(request.user, enterprise)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    regions = _regions_for_form(request)
    if not regions.filter(pk=enterprise.region_id).exists():
        regions = regions | type(enterprise.region).objects.filter(pk=enterprise.region_id)
    form = EnterpriseForm(
        request.POST or None, regions=regions, initial=EnterpriseForm.initial_for(enterprise)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, data=form.service_data()
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": f"修改 {enterprise.name}", "e": enterprise},
    )


@login_required
def facts_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    allowed, reason = can_edit_enterprise(request.user, enterprise)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    current = YearlyFacts.objects.filter(enterprise=enterprise, fiscal_year=year).first()
    initial: dict[str, Any] = {"source": "enterprise", "recorded_on": timezone.localdate()}
    if current:
        for spec in FACT_FIELDS:
            value = getattr(current, spec.name)
            initial[spec.name] = (
                yuan_to_wan(value) if spec.kind == "money" and value is not None else value
            )
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        from kechuang.core.money import wan_to_yuan

        values = {}
        for spec in FACT_FIELDS:
            value = form.cleaned_data.get(spec.name)
            values[spec.name] = (
                wan_to_yuan(value) if spec.kind == "money" and value is not None else value
            )
        try:
            services.facts_record(
                actor=request.user,
                enterprise=enterprise,
                fiscal_year=year,
                values=values,
                source=form.cleaned_data["source"],
                recorded_on=form.cleaned_data["recorded_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{year}年度数据已保存")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/facts_form.html",
        {
            "form": form,
            "e": enterprise,
            "year": year,
            "sources": Source.CHOICES,
            "title": f"{enterprise.name} · {year}年度数据",
        },
    )


@login_required
def ip_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    allowed, reason = can_edit_enterprise(request.user, enterprise)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    form = IPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ip_item_save(
                actor=request.user, enterprise=enterprise, data=ip_form_data(form)
            )
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记知识产权")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": f"{enterprise.name} · 登记知识产权", "e": enterprise},
    )


@login_required
def certificate_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    allowed, reason = can_manage_certificates(request.user, enterprise)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.certificate_save(actor=request.user, enterprise=enterprise, data=data)
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已登记证书")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "title": f"{enterprise.name} · 登记资质证书", "e": enterprise},
    )

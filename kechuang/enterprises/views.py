"""HTML pages of the registry. Each view parses → calls a selector or service → renders;
domain errors become 403/404 pages by themselves (`kechuang.core.web`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import periods
from kechuang.core import selectors as core_selectors
from kechuang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.money import yuan_to_wan
from kechuang.core.panels import panels
from kechuang.core.registry import landing_url, list_actions
from kechuang.core.tabular import write_rows_xlsx
from kechuang.core.web import (
    Column,
    Filter,
    Listing,
    region_param,
    require,
    text_param,
    xlsx_response,
    year_param,
)
from kechuang.enterprises import importing, selectors, services
from kechuang.enterprises.facts import Source
from kechuang.enterprises.forms import (
    CertificateForm,
    EnterpriseForm,
    FactsForm,
    IPForm,
    ip_form_data,
)
from kechuang.enterprises.models import Enterprise, YearlyFacts
from kechuang.enterprises.permissions import can_edit_enterprise, can_manage_certificates
from kechuang.enterprises.versions import StaleEdit
from kechuang.rules import tech_domains

FIRST_LIST_YEAR = 2015


def _years(request: HttpRequest) -> list[tuple[int, int]]:
    return [(y, y) for y in range(periods.today().year, FIRST_LIST_YEAR - 1, -1)]


def _year_end_of(filters: Mapping[str, Any]) -> Any:
    return periods.year_end(filters["year"])


ENTERPRISES = Listing(
    name="enterprises",
    title="企业名录",
    columns=[
        Column(
            "name", "企业名称", value="e.name", sort="name", template="enterprises/cells/name.html"
        ),
        Column("uscc", "统一社会信用代码", value="e.uscc", sort="uscc", css="font-monospace small"),
        Column("region", "镇街/园区", value="e.region.name", sort=("region__sort_order",)),
        Column("domain", "技术领域", value="e.get_tech_domain_display", css="small"),
        Column("registered_on", "成立日期", value="e.registered_on", sort="registered_on"),
        Column("revenue", "{year}年销售收入（万元）", value="facts.revenue_yuan", money=True),
        Column("rd", "{year}年研发费用（万元）", value="facts.rd_expense_yuan", money=True),
        Column(
            "certificates",
            "资质（{year}年末）",
            value="certificates",
            template="enterprises/cells/certs.html",
            exported="、".join,
        ),
    ],
    filters=[
        Filter("q", "搜索", kind="text", placeholder="企业名称、拼音首字母或信用代码"),
        Filter("region", "镇街/园区", choices=lambda r: selectors.area_choices(r.user)),
        Filter(
            "domain",
            "技术领域",
            choices=[(c, tech_domains.label(c)) for c in tech_domains.DOMAINS if "." not in c],
        ),
        Filter("cert", "资质", choices=list(selectors.CERT_FILTERS.items())),
        Filter("above_scale", "规上", kind="flag"),
        Filter("review", "待核实", kind="flag"),
        Filter(
            "year",
            "年度",
            kind="year",
            choices=_years,
            default=lambda r: selectors.default_year(r.user),
        ),
    ],
    default_sort="name",
    extra_sorts={"updated": ("updated_at",)},
    decorate=lambda page, f: selectors.enterprise_rows(page, year=f["year"], on=_year_end_of(f)),
    empty="没有符合条件的企业",
    table_id="enterprise-table",
    select=lambda row: row.e.pk,
    attributes="e",  # other apps' declared attributes (innovation points…): columns, filters, sorts
)


def _enterprises(request: HttpRequest, filters: dict[str, Any]) -> Any:
    return selectors.enterprise_list(
        actor=request.user,
        q=filters["q"],
        region=region_param(request, selectors.area_regions(request.user)),
        domain=filters["domain"],
        cert=filters["cert"],
        on=_year_end_of(filters),
        above_scale=filters["above_scale"],
        needs_review=filters["review"],
    )


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    table = ENTERPRISES.build(
        request,
        lambda f: _enterprises(request, f),
        actions=list_actions(ENTERPRISES.name, request.user),
    )
    if response := table.export_response():
        return response
    return render(
        request,
        "enterprises/list.html",
        {
            "table": table,
            "year": table.filters["year"],
            "query": table.page_query,
            "can_create": can_edit_enterprise(request.user, None)[0],
            "can_see_deleted": selectors.can_manage_deleted(request.user)[0],
            "total": table.total,
        },
    )


SEARCH = Listing(
    name="search",
    title="企业搜索结果",
    columns=[
        Column("name", "企业名称", template="enterprises/cells/search_name.html"),
        Column("uscc", "统一社会信用代码", css="font-monospace small"),
        Column("region", "镇街/园区", value="region.name"),
        Column("former", "曾用名", value=selectors.former_names_text),
    ],
    decorate=lambda page, f: selectors.with_former_names(page),
    filters=[
        Filter("q", "搜索", kind="text", placeholder="企业名称、曾用名、拼音首字母或信用代码")
    ],
    page_size=25,
    empty="没有找到符合条件的企业（名称中的字、曾用名、拼音首字母或信用代码开头）",
    table_id="search-table",
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The site's home, where a login lands: the page an app declares as the user's
    (`LANDING`: a voucher provider's login, its provider page), else an enterprise
    user's own firm, everybody else the registry."""
    landing = landing_url(request.user)
    if landing is not None:
        return redirect(landing)
    own = selectors.own_enterprise(request.user)
    if own is not None:
        return redirect("enterprises:detail", pk=own.pk)
    return redirect("enterprises:list")


@login_required
def enterprise_search(request: HttpRequest) -> HttpResponse:
    """The top bar's search: every match in the user's scope, best first; one match
    goes straight to the firm's page unless the list is asked for."""
    q = text_param(request, "q", 60)
    table = SEARCH.build(
        request, lambda f: selectors.enterprise_search(actor=request.user, q=f["q"][:60])
    )
    if response := table.export_response():
        return response
    if table.total == 1 and text_param(request, "go") == "1":
        return redirect("enterprises:detail", pk=table.rows[0].obj.pk)
    return render(request, "enterprises/search.html", {"table": table, "q": q})


@login_required
def enterprise_suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions under the search box (htmx): the first few matches."""
    q = text_param(request, "q", 60)
    found = selectors.enterprise_suggestions(actor=request.user, q=q) if q else []
    return render(request, "enterprises/suggest.html", {"found": found, "q": q})


@login_required
def enterprise_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The registry's re-importable sheets (企业名录, 年度数据, …) for the list's filters."""
    if kind not in importing.KINDS:
        raise NotFound("未知的导出类型")
    filters, _fields = ENTERPRISES.parse_filters(request)
    qs = _enterprises(request, filters)
    year = periods.parse_year(text_param(request, "year"))
    headers, rows = importing.export_table(kind, qs, year=year)
    title = importing.KINDS[kind].title
    return xlsx_response(
        lambda out: write_rows_xlsx(out, headers, rows, sheet=title),
        f"{title}-{periods.today():%Y%m%d}",
    )


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


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return selectors.enterprise_get(actor=request.user, pk=pk)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    year = year_param(request, default=lambda: selectors.default_year(request.user))
    facts, table = selectors.facts_table(enterprise)
    on = periods.year_end(year)
    return render(
        request,
        "enterprises/detail.html",
        {
            "e": enterprise,
            "year": year,
            "on": on,
            "facts": facts,
            "table": table,
            "chart": _chart_data(facts),
            "certs": selectors.certificate_rows(enterprise, on),
            "ip_items": selectors.ip_items_of(enterprise),
            "audit": core_selectors.audit_recent(actor=request.user, enterprise_id=enterprise.pk),
            "can_edit": can_edit_enterprise(request.user, enterprise)[0],
            "can_delete": selectors.can_manage_deleted(request.user)[0],
            "can_certs": can_manage_certificates(request.user, enterprise)[0],
            "domain_label": tech_domains.label(enterprise.tech_domain),
            "panels": [(p, p.context(request, enterprise)) for p in panels()],
            "years": [f.fiscal_year for f in facts] or [year],
            "next_year": (facts[-1].fiscal_year + 1) if facts else periods.today().year - 1,
        },
    )


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    require(can_edit_enterprise(request.user, None))
    form = EnterpriseForm(request.POST or None, regions=selectors.form_regions(request.user))
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
    enterprise = _enterprise(request, pk)
    require(can_edit_enterprise(request.user, enterprise))
    form = EnterpriseForm(
        request.POST or None,
        regions=selectors.form_regions(request.user, enterprise),
        initial={
            **EnterpriseForm.initial_for(enterprise),
            "version": services.enterprise_version(enterprise),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                data=form.service_data(),
                version=form.opened_version(),
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            form.set_version(exc.version)
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
    enterprise = _enterprise(request, pk)
    require(can_edit_enterprise(request.user, enterprise))
    facts = selectors.facts_of(enterprise, year)
    initial = {
        **FactsForm.initial_for(facts),
        "version": services.facts_version(enterprise.pk, year, facts),
    }
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.facts_record(
                actor=request.user,
                enterprise=enterprise,
                fiscal_year=year,
                values=form.service_values(),
                source=form.cleaned_data["source"],
                recorded_on=form.cleaned_data["recorded_on"],
                note=form.cleaned_data["note"],
                version=form.opened_version(),
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            form.set_version(exc.version)
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
    enterprise = _enterprise(request, pk)
    require(can_edit_enterprise(request.user, enterprise))
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
    enterprise = _enterprise(request, pk)
    require(can_manage_certificates(request.user, enterprise))
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


# -- soft delete ---------------------------------------------------------------------------


@login_required
@require_POST
def enterprise_delete(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    try:
        services.enterprise_delete(
            actor=request.user, enterprise=enterprise, reason=request.POST.get("reason", "")
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("enterprises:list")
    messages.success(request, f"已删除企业“{enterprise.name}”，可在“已删除企业”中恢复")
    return redirect("enterprises:list")


@login_required
def deleted_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.deleted_enterprise_list(actor=request.user)
    return render(request, "enterprises/deleted.html", {"rows": rows})


@login_required
@require_POST
def deleted_restore(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.deleted_enterprise_get(actor=request.user, pk=pk)
    services.enterprise_restore(actor=request.user, enterprise=enterprise)
    messages.success(request, f"已恢复企业“{enterprise.name}”")
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
@require_POST
def deleted_purge(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.deleted_enterprise_get(actor=request.user, pk=pk)
    try:
        names = services.enterprise_purge(
            actor=request.user, enterprise=enterprise, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as exc:
        messages.error(request, f"未清除“{enterprise.name}”的文件：" + "；".join(exc.lines()))
    else:
        messages.success(request, f"已清除“{enterprise.name}”的 {len(names)} 个文件")
    return redirect("enterprises:deleted")

"""The annual report page: pick year, region and format; download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from kechuang.accounts.models import Region
from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.reports import services
from kechuang.reports.builder import CONTENT_TYPES, FORMATS, build_annual, default_region
from kechuang.reports.builder import render as render_report
from kechuang.reports.permissions import can_generate_reports
from kechuang.targets.selectors import default_year

FORMAT_LABELS = {"docx": "Word（.docx）", "pdf": "PDF", "md": "Markdown", "json": "JSON（数据）"}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_generate_reports(request.user)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    year = default_year(request.user)
    regions = Region.objects.filter(kind__in=["county", "street", "town", "township", "park"])
    region = default_region()
    return render(
        request,
        "reports/index.html",
        {
            "year": year,
            "years": list(range(year + 1, year - 8, -1)),
            "regions": regions,
            "region": region,
            "formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        },
    )


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    """json and md are answered at once; Word and PDF are queued as a job (POST)."""
    allowed, reason = can_generate_reports(request.user)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    params = request.POST if request.method == "POST" else request.GET
    raw_year = params.get("year", "")
    fmt = params.get("format", "docx")
    if not raw_year.isdigit() or fmt not in FORMATS:
        raise Http404("年度或格式不正确")
    year = int(raw_year)
    code = params.get("region", "")
    if fmt in services.JOB_FORMATS:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Word/PDF 报告请在报告页面提交生成")
        try:
            job = services.annual_report_start(
                actor=request.user, year=year, region_code=code, fmt=fmt
            )
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        return redirect("jobs:detail", pk=job.pk)
    try:
        region = services.report_region(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    report = build_annual(region=region, year=year, with_charts=False)
    data = render_report(report, fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = services.annual_report_filename(region, year, fmt)
    disposition = "inline" if params.get("inline") else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return response

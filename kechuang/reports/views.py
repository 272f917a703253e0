"""The annual report page: pick year, region and format; download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from kechuang.core import periods
from kechuang.core.errors import NotFound
from kechuang.core.web import file_response, require, year_param
from kechuang.reports import selectors, services
from kechuang.reports.builder import CONTENT_TYPES, FORMATS, build_annual, default_region
from kechuang.reports.builder import render as render_report
from kechuang.reports.permissions import can_generate_reports
from kechuang.targets.selectors import default_year

FORMAT_LABELS = {"docx": "Word（.docx）", "pdf": "PDF", "md": "Markdown", "json": "JSON（数据）"}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(can_generate_reports(request.user))
    year = year_param(request, lambda: default_year(request.user))
    return render(
        request,
        "reports/index.html",
        {
            "year": year,
            "years": list(range(year + 1, year - 8, -1)),
            "regions": selectors.report_regions(request.user),
            "region": default_region(request.user),
            "formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        },
    )


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    """json and md are answered at once; Word and PDF are queued as a job (POST)."""
    require(can_generate_reports(request.user))
    params = request.POST if request.method == "POST" else request.GET
    year = periods.parse_year(params.get("year"))
    fmt = params.get("format", "docx")
    if year is None or fmt not in FORMATS:
        raise NotFound("年度或格式不正确")
    code = params.get("region", "")
    if fmt in services.JOB_FORMATS:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"], "Word/PDF 报告请在报告页面提交生成")
        job = services.annual_report_start(actor=request.user, year=year, region_code=code, fmt=fmt)
        return redirect("jobs:detail", pk=job.pk)
    region = selectors.report_region(code, actor=request.user)
    report = build_annual(region=region, year=year, with_charts=False, actor=request.user)
    return file_response(
        render_report(report, fmt),
        services.annual_report_filename(region, year, fmt),
        CONTENT_TYPES[fmt],
        inline=bool(params.get("inline")),
    )

"""The annual report page: pick year, region and format; download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core import periods
from kechuang.core.errors import NotFound
from kechuang.core.web import choice_param, file_response, require
from kechuang.reports import selectors
from kechuang.reports.builder import CONTENT_TYPES, FORMATS, build_annual, default_region
from kechuang.reports.builder import render as render_report
from kechuang.reports.permissions import can_generate_reports
from kechuang.targets.selectors import default_year

FORMAT_LABELS = {"docx": "Word（.docx）", "pdf": "PDF", "md": "Markdown", "json": "JSON（数据）"}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(can_generate_reports(request.user))
    year = default_year(request.user)
    return render(
        request,
        "reports/index.html",
        {
            "year": year,
            "years": list(range(year + 1, year - 8, -1)),
            "regions": selectors.report_regions(),
            "region": default_region(),
            "formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        },
    )


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    require(can_generate_reports(request.user))
    year = periods.parse_year(request.GET.get("year"))
    fmt = choice_param(request, "format", FORMATS, default="docx")
    if year is None or request.GET.get("format", "docx") not in FORMATS:
        raise NotFound("年度或格式不正确")
    region = selectors.report_region(request.GET.get("region", ""))
    report = build_annual(region=region, year=year, with_charts=fmt in ("docx", "pdf"))
    inline = fmt in ("json", "md") and bool(request.GET.get("inline"))
    return file_response(
        render_report(report, fmt),
        f"{region.name}{year}年科技创新工作总结.{fmt}",
        CONTENT_TYPES[fmt],
        inline=inline,
    )

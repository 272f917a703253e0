"""The annual report page: pick year, region and format; download."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.accounts.models import Region
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
    allowed, reason = can_generate_reports(request.user)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    raw_year = request.GET.get("year", "")
    fmt = request.GET.get("format", "docx")
    if not raw_year.isdigit() or fmt not in FORMATS:
        raise Http404("年度或格式不正确")
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first() if code else default_region()
    if region is None:
        raise Http404("区域不存在")
    year = int(raw_year)
    report = build_annual(region=region, year=year, with_charts=fmt in ("docx", "pdf"))
    data = render_report(report, fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"{region.name}{year}年科技创新工作总结.{fmt}"
    disposition = "inline" if fmt in ("json", "md") and request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return response

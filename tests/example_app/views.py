"""The example capability's pages: parse → selector → render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core.web import Column, Listing
from tests.example_app.selectors import enterprise_page, filings

FILINGS = Listing(
    name="example_filings",
    title="加计扣除备案",
    columns=[
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("year", "年度", sort="year"),
        Column("stage_label", "环节"),
    ],
    default_sort="-year",
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    table = FILINGS.build(request, filings(actor=request.user))
    return table.export_response() or render(request, "example_app/index.html", {"table": table})


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "example_app/page.html", enterprise_page(actor=request.user, pk=pk))

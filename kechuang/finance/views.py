"""Pages of funds, tax relief and loans: lists with filters, paging and export (each
export is the import sheet's layout, so it re-imports), and the loan recommendation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.web import Column, Filter, Listing, require, year_param
from kechuang.finance import selectors
from kechuang.finance.models import FundPayment, Loan, TaxRelief


def _can_read(user: Any) -> tuple[bool, str]:
    return (
        (True, "")
        if role_of(user) in ("staff", "officer")
        else (False, "只有科技局和园区/乡镇可以查看")
    )


def _year(request: HttpRequest) -> int:
    return periods.today().year - 1


def _years(request: HttpRequest) -> list[tuple[int, str]]:
    this = periods.today().year
    return [(y, f"{y}年") for y in range(this, this - 8, -1)]


FUNDS = Listing(
    name="finance_funds",
    title="政策资金拨付",
    columns=[
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "所在地区"),
        Column("kind", "资金类别", value=lambda x: x.get_kind_display()),
        Column("programme", "资金名称"),
        Column("fiscal_year", "所属年度", sort="fiscal_year"),
        Column("amount_yuan", "金额（万元）", money=True, sort="amount_yuan"),
        Column("paid_on", "拨付日期", sort="paid_on"),
        Column("document", "文件文号"),
    ],
    filters=[
        Filter("year", "年度（拨付或所属）", kind="year", choices=_years, default=_year),
        Filter("kind", "资金类别", choices=FundPayment.Kind.choices),
    ],
    default_sort="-paid_on",
    page_size=50,
    attributes="enterprise",  # innovation points (and other declared attributes)
)
RELIEFS = Listing(
    name="finance_reliefs",
    title="所得税减免",
    columns=[
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "所在地区"),
        Column("year", "所属年度", sort="year"),
        Column("kind", "减免类别", value=lambda x: x.get_kind_display()),
        Column("amount_yuan", "减免税额（万元）", money=True, sort="amount_yuan"),
        Column("source", "来源"),
    ],
    filters=[
        Filter(
            "year",
            "所属年度",
            kind="year",
            choices=_years,
            default=lambda r: periods.today().year - 2,
        ),
        Filter("kind", "减免类别", choices=TaxRelief.Kind.choices),
    ],
    default_sort="-amount_yuan",
    page_size=50,
    attributes="enterprise",  # innovation points (and other declared attributes)
)
LOANS = Listing(
    name="finance_loans",
    title="科技贷款",
    columns=[
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "所在地区"),
        Column("product", "贷款产品"),
        Column("bank", "贷款银行", sort="bank"),
        Column("contract_no", "借款合同编号"),
        Column("amount_yuan", "贷款金额（万元）", money=True, sort="amount_yuan"),
        Column("granted_on", "放款日期", sort="granted_on"),
        Column("due_on", "到期日期", sort="due_on"),
        Column("rate_percent", "年利率（%）"),
        Column("guarantee", "担保方式"),
        Column("status", "状态", value=lambda x: x.get_status_display()),
        Column("repaid_yuan", "已还本金（万元）", money=True),
    ],
    filters=[
        Filter("year", "放款年度", kind="year", choices=_years, default=_year),
        Filter(
            "product",
            "贷款产品",
            choices=((Loan.SU_KE_DAI, Loan.SU_KE_DAI), ("科技成果转化贷", "科技成果转化贷")),
        ),
        Filter("status", "状态", choices=Loan.Status.choices),
    ],
    default_sort="-granted_on",
    page_size=50,
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
def funds(request: HttpRequest) -> HttpResponseBase:
    require(_can_read(request.user))
    table = FUNDS.build(request, lambda f: selectors.fund_list(actor=request.user, **f))
    return table.export_response() or render(
        request, "finance/list.html", {"table": table, "tab": "funds"}
    )


@login_required
def reliefs(request: HttpRequest) -> HttpResponseBase:
    require(_can_read(request.user))
    table = RELIEFS.build(request, lambda f: selectors.relief_list(actor=request.user, **f))
    return table.export_response() or render(
        request, "finance/list.html", {"table": table, "tab": "reliefs"}
    )


@login_required
def loans(request: HttpRequest) -> HttpResponseBase:
    require(_can_read(request.user))
    table = LOANS.build(request, lambda f: selectors.loan_list(actor=request.user, **f))
    return table.export_response() or render(
        request, "finance/list.html", {"table": table, "tab": "loans"}
    )


@login_required
def recommend(request: HttpRequest) -> HttpResponse:
    require(_can_read(request.user))
    year = year_param(request, periods.today().year - 1)
    rows, known = selectors.loan_recommendations(actor=request.user, year=year, day=periods.today())
    return render(
        request,
        "finance/recommend.html",
        {
            "rows": rows,
            "known": known,
            "year": year,
            "tab": "recommend",
            "tiers": "、".join(selectors.RECOMMEND_TIERS),
            "min_score": selectors.RECOMMEND_MIN_SCORE,
            "grades": "、".join(selectors.RECOMMEND_GRADES),
        },
    )

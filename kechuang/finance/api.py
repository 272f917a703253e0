"""/api/v1/finance/loans: read-only, the sci-tech loans the caller sees (the bureau and
officers their area's, a firm its own), with their repayments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kechuang.core.openapi import Year
from kechuang.finance import selectors
from kechuang.finance.models import Loan

router = Router(tags=["资金金融"])


class RepaymentOut(Schema):
    on: dt.date
    amount_yuan: Decimal
    note: str


class LoanOut(Schema):
    id: int
    uscc: str
    enterprise: str
    product: str
    bank: str
    contract_no: str
    amount_yuan: Decimal
    granted_on: dt.date
    due_on: dt.date
    rate_percent: Decimal
    guarantee: str
    status: str
    status_label: str
    repaid_yuan: Decimal
    repaid_on: dt.date | None
    repayments: list[RepaymentOut]


class LoanPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LoanOut]


class LoanFilters(Schema):
    year: Year | None = Field(None, description="放款年度")
    product: str = Field("", max_length=30)
    status: str = Field("", max_length=12)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


def loan_out(x: Loan) -> LoanOut:
    return LoanOut(
        id=x.pk,
        uscc=x.enterprise.uscc,
        enterprise=x.enterprise.name,
        product=x.product,
        bank=x.bank,
        contract_no=x.contract_no,
        amount_yuan=x.amount_yuan,
        granted_on=x.granted_on,
        due_on=x.due_on,
        rate_percent=x.rate_percent,
        guarantee=x.guarantee,
        status=x.status,
        status_label=x.get_status_display(),
        repaid_yuan=x.repaid_yuan,
        repaid_on=x.repaid_on,
        repayments=[
            RepaymentOut(on=r.on, amount_yuan=r.amount_yuan, note=r.note)
            for r in selectors.repayments_of(x)
        ],
    )


@router.get("/loans", response=LoanPage, summary="科技贷款列表（按权限范围过滤）")
def loan_list(request: HttpRequest, filters: Query[LoanFilters]) -> LoanPage:
    qs = selectors.loan_list(
        actor=request.user, year=filters.year, product=filters.product, status=filters.status
    )
    total, items = selectors.loan_page(qs, page=filters.page, size=filters.page_size)
    return LoanPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[loan_out(x) for x in items],
    )


@router.get("/loans/{pk}", response=LoanOut, summary="一笔科技贷款及其还款记录")
def loan_detail(request: HttpRequest, pk: int) -> LoanOut:
    return loan_out(selectors.record_get("loans", actor=request.user, pk=pk))

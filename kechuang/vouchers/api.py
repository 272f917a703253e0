"""/api/v1/vouchers/…: read-only. The year's programmes with their books (budget,
available, committed, paid; for the bureau and officers), the vouchers the caller sees
(a firm its own, a provider's login those used with it) and one voucher. Vouchers past
their expiry are expired before they are read, as on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kechuang.core.openapi import Year
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import Voucher, VoucherProgramme

router = Router(tags=["科技创新券"])


class BooksOut(Schema):
    budget_yuan: Decimal
    available_yuan: Decimal
    committed_yuan: Decimal
    paid_yuan: Decimal


class ProgrammeOut(Schema):
    id: int
    year: int
    name: str
    region: str
    subsidy_ratio: Decimal = Field(description="补贴比例（占服务费，0–1）")
    cap_yuan: Decimal = Field(description="每家企业年度上限（元）")
    validity_days: int
    categories: list[str]
    books: BooksOut | None = Field(
        None, description="台账（元）：预算 = 可用 + 已发券未兑付 + 已兑付；仅科技局和园区/乡镇可见"
    )


class ProgrammeList(Schema):
    count: int
    results: list[ProgrammeOut]


class VoucherOut(Schema):
    id: int
    code: str
    uscc: str
    enterprise: str
    year: int
    category: str
    category_label: str
    provider: str
    service: str
    stage: str
    stage_label: str
    fee_yuan: Decimal
    approved_yuan: Decimal | None
    invoice_yuan: Decimal | None
    claimed_yuan: Decimal | None
    paid_yuan: Decimal
    issued_on: dt.date | None
    expires_on: dt.date | None
    paid_on: dt.date | None
    reason: str


class VoucherPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[VoucherOut]


class VoucherFilters(Schema):
    year: Year | None = None
    stage: str = Field("", max_length=20)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


def _programme(p: VoucherProgramme, with_books: bool) -> ProgrammeOut:
    b = selectors.books(p) if with_books else None
    return ProgrammeOut(
        id=p.pk,
        year=p.year,
        name=p.name,
        region=p.region.name,
        subsidy_ratio=p.subsidy_ratio,
        cap_yuan=p.cap_yuan,
        validity_days=p.validity_days,
        categories=list(p.categories),
        books=BooksOut(
            budget_yuan=b.budget,
            available_yuan=b.available,
            committed_yuan=b.committed,
            paid_yuan=b.paid,
        )
        if b is not None
        else None,
    )


def voucher_out(v: Voucher) -> VoucherOut:
    return VoucherOut(
        id=v.pk,
        code=v.code,
        uscc=v.enterprise.uscc,
        enterprise=v.enterprise.name,
        year=v.programme.year,
        category=v.category,
        category_label=v.category_label,
        provider=v.provider.name,
        service=v.service,
        stage=v.application.stage,
        stage_label=v.application.stage_label,
        fee_yuan=v.fee_yuan,
        approved_yuan=v.approved_yuan,
        invoice_yuan=v.invoice_yuan,
        claimed_yuan=v.claimed_yuan,
        paid_yuan=v.paid_yuan,
        issued_on=v.issued_on,
        expires_on=v.expires_on,
        paid_on=v.paid_on,
        reason=v.reason,
    )


@router.get(
    "/programmes",
    response=ProgrammeList,
    summary="创新券年度方案及其台账（预算、可用、占用、已兑付）",
)
def programme_list(request: HttpRequest, year: Year | None = None) -> ProgrammeList:
    services.vouchers_expire_due(via="api")
    rows = selectors.programme_rows(actor=request.user, year=year)
    books = selectors.sees_books(request.user)
    return ProgrammeList(count=len(rows), results=[_programme(p, books) for p in rows])


@router.get("/programmes/{pk}", response=ProgrammeOut, summary="一个创新券年度方案及其台账")
def programme_detail(request: HttpRequest, pk: int) -> ProgrammeOut:
    services.vouchers_expire_due(via="api")
    p = selectors.programme_get(actor=request.user, pk=pk)
    return _programme(p, selectors.sees_books(request.user))


@router.get(
    "", response=VoucherPage, summary="创新券列表（企业只见本企业的，服务机构只见在本机构使用的）"
)
def voucher_list(request: HttpRequest, filters: Query[VoucherFilters]) -> VoucherPage:
    services.vouchers_expire_due(via="api")
    qs = selectors.voucher_list(actor=request.user, year=filters.year, stage=filters.stage)
    total, items = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return VoucherPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[voucher_out(v) for v in items],
    )


@router.get("/{pk}", response=VoucherOut, summary="一张创新券")
def voucher_detail(request: HttpRequest, pk: int) -> VoucherOut:
    services.vouchers_expire_due(via="api")
    return voucher_out(selectors.voucher_get(actor=request.user, pk=pk))

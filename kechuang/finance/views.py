"""Pages of funds, tax relief and loans: lists with filters, paging and export (each
export is the import sheet's layout, so it re-imports), and the loan recommendation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.errors import DomainError, FieldError, ValidationFailed
from kechuang.core.money import MoneyError, wan_to_yuan
from kechuang.core.web import Column, Filter, Listing, require, year_param
from kechuang.finance import selectors, services
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
        Column(
            "enterprise.name",
            "企业",
            sort="enterprise__name",
            link=lambda x: f"/finance/funds/{x.pk}/",
        ),
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
        Column(
            "enterprise.name",
            "企业",
            sort="enterprise__name",
            link=lambda x: f"/finance/tax-relief/{x.pk}/",
        ),
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
        Column(
            "enterprise.name",
            "企业",
            sort="enterprise__name",
            link=lambda x: f"/finance/loans/{x.pk}/",
        ),
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
        request,
        "finance/list.html",
        {
            "table": table,
            "tab": "funds",
            "new_url": "finance:fund_new",
            "can_edit": _can_edit(request),
        },
    )


@login_required
def reliefs(request: HttpRequest) -> HttpResponseBase:
    require(_can_read(request.user))
    table = RELIEFS.build(request, lambda f: selectors.relief_list(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "finance/list.html",
        {
            "table": table,
            "tab": "reliefs",
            "new_url": "finance:relief_new",
            "can_edit": _can_edit(request),
        },
    )


@login_required
def loans(request: HttpRequest) -> HttpResponseBase:
    require(_can_read(request.user))
    table = LOANS.build(request, lambda f: selectors.loan_list(actor=request.user, **f))
    return table.export_response() or render(
        request,
        "finance/list.html",
        {
            "table": table,
            "tab": "loans",
            "new_url": "finance:loan_new",
            "can_edit": _can_edit(request),
        },
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
            "min_score": selectors.RECOMMEND_MIN_SCORE,
            "grades": "、".join(selectors.RECOMMEND_GRADES),
        },
    )


# -- one record at a time -------------------------------------------------------------------------

KINDS = {
    "funds": ("政策资金拨付", "funds", "finance:funds"),
    "tax_relief": ("所得税减免", "reliefs", "finance:reliefs"),
    "loans": ("科技贷款", "loans", "finance:loans"),
}


def _can_edit(request: HttpRequest) -> bool:
    return services.can_import(request.user)[0]


def _record(request: HttpRequest, key: str, pk: int | None) -> HttpResponse:
    """The form of one fund payment, relief row or loan: new (pk None) or a correction;
    money in 万元, refusals naming the field."""
    require(_can_read(request.user))
    record = selectors.record_get(key, actor=request.user, pk=pk) if pk is not None else None
    title, tab, back = KINDS[key]
    values = services.record_initial(key, record)
    if request.method == "POST":
        require(services.can_import(request.user))
        values = {k: request.POST.get(k, "") for k in values}
        try:
            saved = services.record_save(key, actor=request.user, payload=values, record=record)
        except ValidationFailed as exc:
            messages.error(request, "；".join(exc.lines()) or exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存" if record is not None else "已登记")
            if key == "loans":
                return redirect("finance:loan", pk=saved.pk)
            return redirect(back)
    columns = [c for c in services.SHEETS[key].columns if not c.info]
    return render(
        request,
        "finance/record.html",
        {
            "title": f"{'更正' if record is not None else '登记'}{title}",
            "tab": tab,
            "back": back,
            "record": record,
            "fields": [
                {
                    "key": c.key,
                    "label": c.header,
                    "kind": c.kind,
                    "required": c.required,
                    "choices": list(c.choices or {}),
                    "value": values.get(c.key, ""),
                }
                for c in columns
            ],
            "can_edit": _can_edit(request),
            "repayments": selectors.repayments_of(record) if key == "loans" and record else [],
            "is_loan": key == "loans" and record is not None,
        },
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    return _record(request, "funds", None)


@login_required
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, "funds", pk)


@login_required
def relief_new(request: HttpRequest) -> HttpResponse:
    return _record(request, "tax_relief", None)


@login_required
def relief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, "tax_relief", pk)


@login_required
def loan_new(request: HttpRequest) -> HttpResponse:
    return _record(request, "loans", None)


@login_required
def loan(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(request, "loans", pk)


@login_required
@require_POST
def loan_repay(request: HttpRequest, pk: int) -> HttpResponse:
    require(_can_read(request.user))
    x = selectors.record_get("loans", actor=request.user, pk=pk)
    try:
        raw = request.POST.get("amount", "").strip()
        try:
            amount = wan_to_yuan(raw) if raw else None
        except MoneyError as exc:
            raise ValidationFailed(
                [FieldError("amount", "还款金额（万元）", str(exc))], f"还款金额（万元）：{exc}"
            ) from None
        if amount is None:
            raise ValidationFailed(
                [FieldError("amount", "还款金额（万元）", "不能为空")], "还款金额（万元）：不能为空"
            )
        on_raw = request.POST.get("on", "").strip()
        try:
            on = dt.date.fromisoformat(on_raw) if on_raw else periods.today()
        except ValueError:
            raise ValidationFailed(
                [FieldError("on", "还款日期", "应为YYYY-MM-DD")], "还款日期：应为YYYY-MM-DD"
            ) from None
        services.loan_repay(
            actor=request.user, loan=x, amount_yuan=amount, on=on, note=request.POST.get("note", "")
        )
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记还款")
    return redirect("finance:loan", pk=x.pk)

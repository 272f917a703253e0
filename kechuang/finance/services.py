"""Writes of funds, tax relief and loans: three sheets (import kinds), each row keyed
(a payment by firm, fund, year and document; a relief by firm, year and kind; a loan by
bank and contract number), every row checked and in the actor's scope, or nothing is
written. Each export imports back unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.enterprises.models import Enterprise
from kechuang.finance.models import FundPayment, Loan, TaxRelief

MAX_ROWS = 20000
WAN = Decimal(10000)


def can_import(actor: Any) -> tuple[bool, str]:
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以导入资金、税收和贷款数据"


def _labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {label: value for value, label in choices}


FUND_COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("name", "企业名称", "text", info=True),
    Column("kind", "资金类别", "choice", required=True, choices=_labels(FundPayment.Kind.choices)),
    Column("programme", "资金名称", "text", required=True, max_length=120),
    Column("fiscal_year", "所属年度", "year", required=True),
    Column("amount", "金额（万元）", "money_wan", required=True),
    Column("paid_on", "拨付日期", "date", required=True),
    Column("document", "文件文号", "text", required=True, max_length=80),
    Column("note", "备注", "text", max_length=200),
]
RELIEF_COLUMNS = [
    Column(
        "uscc", "统一社会信用代码", "text", required=True, max_length=30, aliases=("纳税人识别号",)
    ),
    Column("name", "企业名称", "text", info=True, aliases=("纳税人名称",)),
    Column("year", "所属年度", "year", required=True, aliases=("税款所属期",)),
    Column(
        "kind",
        "减免类别",
        "choice",
        required=True,
        choices=_labels(TaxRelief.Kind.choices),
        aliases=("减免项目",),
    ),
    Column("amount", "减免税额（万元）", "money_wan", required=True),
    Column("source", "来源", "text", max_length=80),
]
LOAN_COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("name", "企业名称", "text", info=True),
    Column("product", "贷款产品", "text", required=True, max_length=30),
    Column("bank", "贷款银行", "text", required=True, max_length=60),
    Column("contract_no", "借款合同编号", "text", required=True, max_length=60),
    Column("amount", "贷款金额（万元）", "money_wan", required=True),
    Column("granted_on", "放款日期", "date", required=True),
    Column("due_on", "到期日期", "date", required=True),
    Column("rate_percent", "年利率（%）", "decimal", required=True),
    Column("guarantee", "担保方式", "text", max_length=60),
    Column("status", "状态", "choice", required=True, choices=_labels(Loan.Status.choices)),
    Column("repaid", "已还本金（万元）", "money_wan"),
    Column("repaid_on", "结清日期", "date"),
]


@dataclass(frozen=True)
class Sheet:
    """How one kind's rows become records: the key, the fields, and the checks."""

    key: str
    model: type[Model]
    columns: list[Column]
    key_of: Callable[[Enterprise, dict[str, Any]], dict[str, Any]]
    fields_of: Callable[[dict[str, Any]], dict[str, Any]]
    check: Callable[[dict[str, Any]], list[tuple[str, str, str]]]


def _no_checks(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    return []


def _loan_checks(v: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    if v["due_on"] < v["granted_on"]:
        out.append(("due_on", "到期日期", "早于放款日期"))
    if not Decimal(0) < v["rate_percent"] < Decimal(36):
        out.append(("rate_percent", "年利率（%）", "应在0–36之间"))
    if v.get("repaid") is not None and v["repaid"] > v["amount"]:
        out.append(("repaid", "已还本金（万元）", "超过贷款金额"))
    if v["status"] == Loan.Status.REPAID and v.get("repaid_on") is None:
        out.append(("repaid_on", "结清日期", "状态为已结清时不能为空"))
    return out


def _fund_checks(v: dict[str, Any]) -> list[tuple[str, str, str]]:
    if v["amount"] <= 0:
        return [("amount", "金额（万元）", "应大于0")]
    if v["paid_on"].year < v["fiscal_year"]:
        return [("paid_on", "拨付日期", f"早于所属年度{v['fiscal_year']}年")]
    return []


SHEETS = {
    "funds": Sheet(
        "funds",
        FundPayment,
        FUND_COLUMNS,
        lambda e, v: {
            "enterprise": e,
            "kind": v["kind"],
            "fiscal_year": v["fiscal_year"],
            "document": v["document"],
        },
        lambda v: {
            "programme": v["programme"],
            "amount_yuan": v["amount"],
            "paid_on": v["paid_on"],
            "note": v.get("note") or "",
        },
        _fund_checks,
    ),
    "tax_relief": Sheet(
        "tax_relief",
        TaxRelief,
        RELIEF_COLUMNS,
        lambda e, v: {"enterprise": e, "year": v["year"], "kind": v["kind"]},
        lambda v: {"amount_yuan": v["amount"], "source": v.get("source") or "税务局提供"},
        _no_checks,
    ),
    "loans": Sheet(
        "loans",
        Loan,
        LOAN_COLUMNS,
        lambda e, v: {"bank": v["bank"], "contract_no": v["contract_no"]},
        lambda v: {
            "product": v["product"],
            "amount_yuan": v["amount"],
            "granted_on": v["granted_on"],
            "due_on": v["due_on"],
            "rate_percent": v["rate_percent"],
            "guarantee": v.get("guarantee") or "",
            "status": v["status"],
            "repaid_yuan": v.get("repaid") or Decimal(0),
            "repaid_on": v.get("repaid_on"),
        },
        _loan_checks,
    ),
}


def _run(sheet: Sheet, *, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    from kechuang.enterprises.selectors import enterprise_queryset

    table = read_table(data, filename, max_rows=MAX_ROWS)
    index, warnings = map_columns(table, sheet.columns)
    rows, errors = parse_rows(table, sheet.columns, index)
    plan = ImportPlan(f"finance_{sheet.key}", warnings=list(warnings))
    codes = {values["uscc"] for _n, values in rows}
    firms = {e.uscc: e for e in enterprise_queryset(actor).filter(uscc__in=codes)}
    clean: list[tuple[int, Enterprise, dict[str, Any]]] = []
    seen: dict[tuple[Any, ...], int] = {}
    unreadable = {e.row for e in errors}  # a cell that did not parse: its row is not checked
    for row_no, values in rows:
        if row_no in unreadable:
            continue
        firm = firms.get(values["uscc"])
        if firm is None:
            errors.append(FieldError("uscc", "统一社会信用代码", "不在企业库中或无权导入", row_no))
            continue
        problems = sheet.check(values)
        for field, label, message in problems:
            errors.append(FieldError(field, label, message, row_no))
        ident = tuple(str(x) for x in sheet.key_of(firm, values).values())
        if ident in seen:
            errors.append(
                FieldError("uscc", "统一社会信用代码", f"与第{seen[ident]}行重复", row_no)
            )
            continue
        seen[ident] = row_no
        if not problems:
            clean.append((row_no, firm, values))
    plan.errors = sorted(errors, key=lambda e: e.row or 0)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    with transaction.atomic():
        for row_no, firm, values in clean:
            key = sheet.key_of(firm, values)
            fields = sheet.fields_of(values)
            manager: Any = sheet.model._default_manager
            existing = manager.select_for_update().filter(**key).first()
            if existing is not None and sheet.key == "loans" and existing.enterprise_id != firm.pk:
                raise ValidationFailed(
                    [
                        FieldError(
                            "contract_no", "借款合同编号", "该合同已登记在另一家企业名下", row_no
                        )
                    ]
                )
            changes = {
                k: (getattr(existing, k) if existing else None, v)
                for k, v in fields.items()
                if existing is None or getattr(existing, k) != v
            }
            status = "new" if existing is None else ("changed" if changes else "unchanged")
            label = " ".join(str(v) for k, v in key.items() if k != "enterprise")
            plan.rows.append(RowResult(row_no, status, f"{firm.uscc} {label}", firm.name, changes))
            if commit and status != "unchanged":
                obj = existing or sheet.model(
                    enterprise=firm, **{k: v for k, v in key.items() if k != "enterprise"}
                )
                before = snapshot(obj) if existing else None
                for k, v in fields.items():
                    setattr(obj, k, v)
                obj.save()
                audit_log(
                    actor=actor,
                    action="update" if existing else "create",
                    obj=obj,
                    before=before,
                    after=snapshot(obj),
                    enterprise_id=firm.pk,
                    via="import",
                )
        plan.imported = commit
    return plan


def _runner(key: str) -> Callable[..., ImportPlan]:
    def run(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
        return _run(SHEETS[key], actor=actor, data=data, filename=filename, commit=commit)

    return run


def _wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else yuan / WAN


def _label(choices: Iterable[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


def _scoped(model: type[Model], actor: Any, region: str) -> Any:
    from kechuang.core.errors import PermissionDenied

    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)
    manager: Any = model._default_manager
    qs = manager.visible_to(actor).select_related("enterprise")
    if region:
        area = Region.objects.filter(code=region).first()
        if area is None:
            raise ValidationFailed([], f"区域 {region} 不存在")
        qs = qs.in_region(area)
    return qs


def _fund_row(p: FundPayment) -> list[Any]:
    return [
        p.enterprise.uscc,
        p.enterprise.name,
        p.get_kind_display(),
        p.programme,
        p.fiscal_year,
        _wan(p.amount_yuan),
        p.paid_on,
        p.document,
        p.note,
    ]


def _relief_row(r: TaxRelief) -> list[Any]:
    return [
        r.enterprise.uscc,
        r.enterprise.name,
        r.year,
        r.get_kind_display(),
        _wan(r.amount_yuan),
        r.source,
    ]


def _loan_row(x: Loan) -> list[Any]:
    return [
        x.enterprise.uscc,
        x.enterprise.name,
        x.product,
        x.bank,
        x.contract_no,
        _wan(x.amount_yuan),
        x.granted_on,
        x.due_on,
        x.rate_percent,
        x.guarantee,
        x.get_status_display(),
        _wan(x.repaid_yuan),
        x.repaid_on,
    ]


ROWS: dict[str, Callable[[Any], list[Any]]] = {
    "funds": _fund_row,
    "tax_relief": _relief_row,
    "loans": _loan_row,
}


def funds_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    qs = _scoped(FundPayment, actor, region).order_by("paid_on", "id")
    if year:
        qs = qs.filter(fiscal_year=year)
    rows = [_fund_row(p) for p in qs]
    return [c.header for c in FUND_COLUMNS], rows


def relief_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    qs = _scoped(TaxRelief, actor, region).order_by("year", "enterprise__uscc", "kind")
    if year:
        qs = qs.filter(year=year)
    rows = [_relief_row(r) for r in qs]
    return [c.header for c in RELIEF_COLUMNS], rows


def loans_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    qs = _scoped(Loan, actor, region).order_by("granted_on", "id")
    if year:
        qs = qs.filter(granted_on__year=year)
    rows = [_loan_row(x) for x in qs]
    return [c.header for c in LOAN_COLUMNS], rows


# -- one record at a time (the pages' forms) -----------------------------------------------------


def record_initial(key: str, obj: Any | None) -> dict[str, str]:
    """A record as its form shows it: each column's value as the sheet writes it (money
    in 万元, dates as YYYY-MM-DD, choices by their Chinese label)."""
    sheet = SHEETS[key]
    if obj is None:
        return {c.key: "" for c in sheet.columns}
    out: dict[str, str] = {}
    for col, value in zip(sheet.columns, ROWS[key](obj), strict=True):
        if value is None:
            out[col.key] = ""
        elif isinstance(value, Decimal):
            out[col.key] = format(value.normalize(), "f") if value else "0"
        elif isinstance(value, dt.date):
            out[col.key] = value.isoformat()
        else:
            out[col.key] = str(value)
    return out


def record_save(
    key: str,
    *,
    actor: Any,
    payload: dict[str, str],
    record: Any | None = None,
    via: str = "web",
) -> Any:
    """Create (record None) or correct one fund payment, relief row or loan from a form:
    the sheet's columns, parsers, checks and messages (each naming its field), the
    firm in the actor's scope, the record's key unique; audited. Nothing is written
    unless all of it is right."""
    from kechuang.core.errors import PermissionDenied
    from kechuang.core.tabular import parse_record
    from kechuang.enterprises.selectors import enterprise_queryset

    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)
    sheet = SHEETS[key]
    keys = {c.key for c in sheet.columns if not c.info}
    given = {k: v for k, v in payload.items() if k in keys and str(v).strip() != ""}
    missing = [
        FieldError(c.key, c.label, "不能为空")
        for c in sheet.columns
        if c.required and c.key not in given
    ]
    try:
        values = parse_record(sheet.columns, given)
    except ValidationFailed as exc:
        errors = list(exc.errors)
    else:
        errors = []
    errors = [e for e in errors if e.field not in {m.field for m in missing}] + missing
    if errors:
        raise ValidationFailed(errors, "；".join(f"{e.label}：{e.message}" for e in errors))
    for col in sheet.columns:
        values.setdefault(col.key, None)
    firm = enterprise_queryset(actor).filter(uscc=str(values["uscc"]).strip().upper()).first()
    problems = [FieldError(f, label, m) for f, label, m in sheet.check(values)]
    if firm is None:
        problems.insert(0, FieldError("uscc", "统一社会信用代码", "不在企业库中或不属于本区域"))
    else:
        ident = sheet.key_of(firm, values)
        manager: Any = sheet.model._default_manager
        clash = manager.filter(**ident)
        if record is not None:
            clash = clash.exclude(pk=record.pk)
        if clash.exists():
            what = {
                "funds": "该企业该类资金、所属年度和文号的拨付",
                "tax_relief": "该企业该年度该类减免",
                "loans": "该银行该借款合同编号的贷款",
            }[key]
            problems.append(FieldError("uscc", "统一社会信用代码", f"{what}已登记，请修改原记录"))
    if problems:
        raise ValidationFailed(problems, "；".join(f"{e.label}：{e.message}" for e in problems))
    assert firm is not None
    fields = {**sheet.key_of(firm, values), **sheet.fields_of(values), "enterprise": firm}
    with transaction.atomic():
        obj = (
            sheet.model._default_manager.select_for_update().get(pk=record.pk)
            if record is not None
            else sheet.model()
        )
        before = snapshot(obj) if record is not None else None
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.save()
        audit_log(
            actor=actor,
            action="update" if record is not None else "create",
            obj=obj,
            before=before,
            after=snapshot(obj),
            enterprise_id=firm.pk,
            via=via,
        )
    return obj


def loan_repay(
    *,
    actor: Any,
    loan: Loan,
    amount_yuan: Decimal,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> Loan:
    """Record a repayment of principal: the loan's repaid total grows by it (never
    beyond the loan), and a loan repaid in full is 已结清 on that day."""
    from kechuang.core.errors import PermissionDenied
    from kechuang.finance.models import LoanRepayment

    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)
    errors: list[FieldError] = []
    if not isinstance(amount_yuan, Decimal) or amount_yuan <= 0:
        errors.append(FieldError("amount", "还款金额（万元）", "应大于0"))
    elif amount_yuan != amount_yuan.quantize(Decimal("0.01")):
        errors.append(FieldError("amount", "还款金额（万元）", "最多精确到分（万元最多6位小数）"))
    with transaction.atomic():
        x = Loan.objects.select_for_update().get(pk=loan.pk)
        if not errors and x.repaid_yuan + amount_yuan > x.amount_yuan:
            left = _wan(x.amount_yuan - x.repaid_yuan)
            errors.append(
                FieldError("amount", "还款金额（万元）", f"超过尚未归还的本金（{left}万元）")
            )
        if on < x.granted_on:
            errors.append(FieldError("on", "还款日期", "早于放款日期"))
        if errors:
            raise ValidationFailed(errors, "；".join(f"{e.label}：{e.message}" for e in errors))
        before = snapshot(x)
        LoanRepayment.objects.create(
            loan=x,
            on=on,
            amount_yuan=amount_yuan,
            note=note.strip()[:200],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        x.repaid_yuan += amount_yuan
        if x.repaid_yuan == x.amount_yuan:
            x.status = Loan.Status.REPAID
            x.repaid_on = on
        x.save(update_fields=["repaid_yuan", "status", "repaid_on"])
        audit_log(
            actor=actor,
            action="update",
            obj=x,
            before=before,
            after=snapshot(x),
            enterprise_id=x.enterprise_id,
            via=via,
            note=f"还款{_wan(amount_yuan)}万元",
        )
    return x


funds_import = _runner("funds")
relief_import = _runner("tax_relief")
loans_import = _runner("loans")

__all__ = ["dt", "funds_import", "loans_import", "relief_import"]

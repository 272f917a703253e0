"""Writes of the example capability: the expenses sheet (an import kind)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.scoping import role_of
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.enterprises.models import Enterprise
from tests.example_app.models import Expense

COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("year", "年度", "year", required=True),
    Column("amount", "加计扣除研发费用（万元）", "money_wan", required=True),
]


def can_import(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "只有科技局和园区/乡镇用户可以导入加计扣除数据"


def expenses_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    """Every row valid and in the actor's scope, or nothing is written."""
    from kechuang.enterprises.selectors import enterprise_queryset

    table = read_table(data, filename, max_rows=10000)
    index, warnings = map_columns(table, COLUMNS)
    rows, errors = parse_rows(table, COLUMNS, index)
    plan = ImportPlan("example_expenses", warnings=list(warnings))
    firms = {e.uscc: e for e in enterprise_queryset(actor)}
    clean: list[tuple[int, Enterprise, int, Decimal]] = []
    for row_no, values in rows:
        firm = firms.get(values["uscc"])
        if firm is None:
            errors.append(FieldError("uscc", "统一社会信用代码", "不在企业库中或无权修改", row_no))
            continue
        clean.append((row_no, firm, values["year"], values["amount"]))
    plan.errors = sorted(errors, key=lambda e: e.row or 0)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    with transaction.atomic():
        for row_no, firm, year, amount in clean:
            existing = Expense.objects.filter(enterprise=firm, year=year).first()
            status = (
                "new"
                if existing is None
                else ("unchanged" if existing.amount_yuan == amount else "changed")
            )
            before = None if existing is None else existing.amount_yuan
            plan.rows.append(
                RowResult(
                    row_no, status, f"{firm.uscc} {year}", firm.name, {"金额": (before, amount)}
                )
            )
            if commit and status != "unchanged":
                obj = existing or Expense(enterprise=firm, year=year)
                old = snapshot(obj) if existing else None
                obj.amount_yuan = amount
                obj.save()
                audit_log(
                    actor=actor,
                    action="update" if existing else "create",
                    obj=obj,
                    before=old,
                    after=snapshot(obj),
                    enterprise_id=firm.pk,
                    via="import",
                )
        plan.imported = commit
    return plan

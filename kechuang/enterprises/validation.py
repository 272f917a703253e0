"""Checks shared by forms, the API, imports and the demo: pure functions over plain
values, so that an import can check 10,000 rows without a query per row."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from kechuang.enterprises.facts import FACT_FIELDS
from kechuang.rules import tech_domains
from kechuang.rules import uscc as uscc_mod

INDUSTRY_RE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")
MAX_MONEY_YUAN = Decimal("9999999999999999.99")
_MIN_MONEY_YUAN = -MAX_MONEY_YUAN
_ZERO = Decimal(0)
FIRST_FISCAL_YEAR = 1980
# field name → (is a count, may be negative)
_FACT_KINDS = {f.name: (f.kind == "count", f.may_be_negative) for f in FACT_FIELDS}


def today() -> dt.date:
    from kechuang.core import periods

    return periods.today()


def check_uscc(raw: str | None) -> tuple[str, list[str], list[str]]:
    result = uscc_mod.validate(raw)
    return result.code, result.errors, result.warnings


def check_industry_code(raw: str) -> str | None:
    if raw and not INDUSTRY_RE.match(raw):
        return "应为国民经济行业分类代码（门类字母加2–4位数字，如 C2614）"
    return None


def check_tech_domain(raw: str | None) -> tuple[str, str | None]:
    try:
        return tech_domains.parse_domain(raw) or "", None
    except ValueError as exc:
        return "", str(exc)


def check_registered_on(value: dt.date | None) -> str | None:
    if value is None:
        return None
    if value > today():
        return f"成立日期 {value:%Y-%m-%d} 晚于今天"
    if value.year < 1900:
        return "成立日期早于1900年"
    return None


def check_fiscal_year(value: int | None, *, on: dt.date | None = None) -> str | None:
    """`on`: today's date when the caller has it already (checks of many rows)."""
    if value is None:
        return "不能为空"
    this_year = (on or today()).year
    if value < FIRST_FISCAL_YEAR or value > this_year:
        return f"应在{FIRST_FISCAL_YEAR}年至{this_year}年之间"
    return None


def check_facts(
    values: dict[str, Any], current: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """Errors as (field, message) for a set of yearly-fact values (None = unknown).

    `current` holds the values already recorded, so that cross-field checks see the
    merged record (a correction of one field is checked against the others)."""
    errors: list[tuple[str, str]] = []
    for name, value in values.items():
        is_count, negative_ok = _FACT_KINDS[name]
        if value is None:
            continue
        if is_count:
            if type(value) is int:
                if value < 0:
                    errors.append((name, "不能为负数"))
            elif not isinstance(value, int) or isinstance(value, bool):
                errors.append((name, "应为整数"))
            elif value < 0:
                errors.append((name, "不能为负数"))
        elif not isinstance(value, Decimal):
            errors.append((name, "应为数字"))
        elif value < _ZERO and not negative_ok:
            errors.append((name, "不能为负数"))
        elif value > MAX_MONEY_YUAN or value < _MIN_MONEY_YUAN:  # abs(value) > MAX_MONEY_YUAN
            errors.append((name, "数值过大"))
    if errors:
        return errors
    merged = {**current, **values} if current else values
    for small, big, message in _FACT_PAIRS:
        a = merged.get(small)
        if a is None:
            continue
        b = merged.get(big)
        if b is not None and a > b:
            errors.append((small if small in values else big, message))
    return errors


# (smaller, bigger, message): cross-field checks on the merged record
_FACT_PAIRS = (
    ("tech_staff", "employees", "科技人员数不能大于职工总数"),
    ("rd_domestic_yuan", "rd_expense_yuan", "境内研发费用不能大于研发费用"),
    ("non_taxable_income_yuan", "total_income_yuan", "不征税收入不能大于收入总额"),
    ("hightech_output_yuan", "output_value_yuan", "高新技术产业产值不能大于工业总产值"),
)

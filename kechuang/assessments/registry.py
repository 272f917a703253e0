"""The registry's records read into the assessment input of ../shared/spec/assess.md.

For an assessment on `as_of` (application year A) the fiscal years are y1 = A−3,
y2 = A−2, y3 = A−1. Amounts are written in 万元 (exact: yuan ÷ 10000 has at most six
decimals). What the registry does not hold stays blank = unknown, never zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.core.money import yuan_to_wan
from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts

YEAR_KEYS = ("y1", "y2", "y3")


def _wan(value: Decimal | None) -> str | None:
    return None if value is None else format(yuan_to_wan(value), "f")


def fiscal_years(as_of: dt.date) -> dict[str, int]:
    a = as_of.year
    return {"y1": a - 3, "y2": a - 2, "y3": a - 1}


def registry_records(
    enterprises: QuerySet[Enterprise] | Iterable[Enterprise],
    as_of: dt.date,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """One assessment input record per enterprise (keys of assess.md); `progress` is
    told how many enterprises have been read after each chunk."""
    firms = list(enterprises)
    ids = [e.pk for e in firms]
    years = fiscal_years(as_of)
    facts: dict[int, dict[int, YearlyFacts]] = defaultdict(dict)
    ip: dict[int, list[IPItem]] = defaultdict(list)
    hnte_ever: set[int] = set()
    hnte_valid: set[int] = set()
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        for f in YearlyFacts.objects.filter(
            enterprise_id__in=chunk, fiscal_year__in=years.values()
        ):
            facts[f.enterprise_id][f.fiscal_year] = f
        for item in IPItem.objects.filter(
            enterprise_id__in=chunk, is_valid=True, granted_on__lte=as_of
        ):
            ip[item.enterprise_id].append(item)
        hnte = Certificate.objects.filter(enterprise_id__in=chunk, kind=Certificate.Kind.HNTE)
        hnte_ever.update(hnte.filter(issued_on__lte=as_of).values_list("enterprise_id", flat=True))
        hnte_valid.update(hnte.valid_on(as_of).values_list("enterprise_id", flat=True))
        if progress is not None:
            progress(i + len(chunk))
    return [
        _record(
            e,
            facts.get(e.pk, {}),
            ip.get(e.pk, []),
            years,
            as_of,
            e.pk in hnte_ever,
            e.pk in hnte_valid,
        )
        for e in firms
    ]


def _present_years(by_year: dict[int, YearlyFacts], years: dict[str, int]) -> list[str]:
    """The fiscal years with revenue, contiguous and ending at y3 (assess.md)."""
    present: list[str] = []
    for key in reversed(YEAR_KEYS):
        f = by_year.get(years[key])
        if f is None or f.revenue_yuan is None:
            break
        present.insert(0, key)
    return present


def _record(
    e: Enterprise,
    by_year: dict[int, YearlyFacts],
    items: list[IPItem],
    years: dict[str, int],
    as_of: dt.date,
    ever: bool,
    valid: bool,
) -> dict[str, Any]:
    present = _present_years(by_year, years)
    y3 = by_year.get(years["y3"])
    rec: dict[str, Any] = {
        "uscc": e.uscc,
        "name": e.name,
        "registered_on": e.registered_on.isoformat() if e.registered_on else None,
        "as_of": as_of.isoformat(),
        "employees": None if y3 is None or y3.employees is None else str(y3.employees),
        "tech_staff": None if y3 is None or y3.tech_staff is None else str(y3.tech_staff),
        "tech_domain": e.tech_domain or None,
        "hnte_ever": "true" if ever else "false",
        "hnte_valid": "true" if valid else "false",
    }
    for key in YEAR_KEYS:
        f = by_year.get(years[key]) if key in present else None
        rec[f"revenue_{key}"] = _wan(f.revenue_yuan) if f else None
        rec[f"rd_expense_{key}"] = _wan(f.rd_expense_yuan) if f else None
    # Net assets are year-end figures: contiguous ending at y3, like revenue.
    na_present: list[str] = []
    for key in reversed(YEAR_KEYS):
        f = by_year.get(years[key])
        if f is None or f.net_assets_yuan is None:
            break
        na_present.insert(0, key)
    for key in YEAR_KEYS:
        f = by_year.get(years[key]) if key in na_present else None
        rec[f"net_assets_{key}"] = _wan(f.net_assets_yuan) if f else None
    domestic = [by_year[years[k]].rd_domestic_yuan for k in present]
    rec["rd_domestic_3y"] = (
        _wan(sum(domestic, Decimal(0))) if present and None not in domestic else None
    )
    conversions = [by_year[years[k]].conversions for k in present]
    rec["conversions_3y"] = (
        str(sum(c for c in conversions if c is not None))
        if present and None not in conversions
        else None
    )
    for name in (
        "total_income",
        "non_taxable_income",
        "hightech_income",
        "total_assets",
        "total_cost",
    ):
        rec[name] = _wan(getattr(y3, f"{name}_yuan")) if y3 is not None else None
    # No IP record at all means "not entered", not "none held": unknown, never zero.
    if items:
        rec["ip_class1"] = str(sum(1 for i in items if i.ip_class == "I"))
        rec["ip_class2"] = str(sum(1 for i in items if i.ip_class == "II"))
        rec["ip_self_developed"] = (
            "true" if any(i.acquisition == IPItem.Acquisition.SELF for i in items) else "false"
        )
    return rec


def registry_scope(actor: Any) -> QuerySet[Enterprise]:
    from kechuang.enterprises.selectors import enterprise_queryset

    return enterprise_queryset(actor).filter(~Q(status=Enterprise.Status.CLOSED))

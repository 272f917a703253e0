"""Reads of funds, tax relief and loans, scoped to the actor; the indicators' sums
(exact: summed here, not by SQLite's floats); the loan recommendation list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.accounts.models import Region
from kechuang.core import registry
from kechuang.core.registry import attribute_values
from kechuang.enterprises.models import Enterprise
from kechuang.finance.models import FundPayment, Loan, TaxRelief

ZERO = Decimal(0)
# The recommendation list: points tiers and the score that count as "high" (a
# parameter of the page; the points capability defines the tiers).
RECOMMEND_TIERS = ("A", "B")  # the points set's tier ids (a/b in the shipped set), any case
RECOMMEND_MIN_SCORE = Decimal(80)
RECOMMEND_GRADES = ("A", "B")  # HNTE cultivation grades of pool firms (培育库分级)


def _sum(qs: QuerySet[Any], field: str = "amount_yuan") -> Decimal:
    return sum(qs.order_by().values_list(field, flat=True), ZERO)


def funds(actor: Any) -> QuerySet[FundPayment]:
    return FundPayment.objects.visible_to(actor).select_related("enterprise", "enterprise__region")


def reliefs(actor: Any) -> QuerySet[TaxRelief]:
    return TaxRelief.objects.visible_to(actor).select_related("enterprise", "enterprise__region")


def loans(actor: Any) -> QuerySet[Loan]:
    return Loan.objects.visible_to(actor).select_related("enterprise", "enterprise__region")


def record_get(key: str, *, actor: Any, pk: int) -> Any:
    """A fund payment, relief row or loan in the actor's scope (404 else)."""
    from kechuang.core.errors import NotFound

    qs = {"funds": funds, "tax_relief": reliefs, "loans": loans}[key](actor)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound("记录不存在或无权查看")
    return found


def repayments_of(loan: Loan) -> list[Any]:
    """A loan's repayments by date (from the prefetch when the list made one)."""
    return sorted(loan.repayments.all(), key=lambda r: (r.on, r.pk))


def loan_page(qs: QuerySet[Loan], *, page: int, size: int) -> tuple[int, list[Loan]]:
    start = (page - 1) * size
    rows = list(
        qs.order_by("-granted_on", "-id").prefetch_related("repayments")[start : start + size]
    )
    return qs.count(), rows


def fund_list(*, actor: Any, year: int | None = None, kind: str = "") -> QuerySet[FundPayment]:
    qs = funds(actor)
    if year:
        qs = qs.filter(Q(paid_on__year=year) | Q(fiscal_year=year))
    return qs.filter(kind=kind) if kind else qs


def relief_list(*, actor: Any, year: int | None = None, kind: str = "") -> QuerySet[TaxRelief]:
    qs = reliefs(actor)
    if year:
        qs = qs.filter(year=year)
    return qs.filter(kind=kind) if kind else qs


def loan_list(
    *, actor: Any, year: int | None = None, product: str = "", status: str = ""
) -> QuerySet[Loan]:
    qs = loans(actor)
    if year:
        qs = qs.filter(granted_on__year=year)
    if product:
        qs = qs.filter(product=product)
    return qs.filter(status=status) if status else qs


def enterprise_page(*, actor: Any, enterprise: Any) -> dict[str, Any]:
    return {
        "e": enterprise,
        "funds": list(funds(actor).filter(enterprise=enterprise).order_by("-paid_on")[:10]),
        "reliefs": list(reliefs(actor).filter(enterprise=enterprise).order_by("-year")[:10]),
        "loans": list(loans(actor).filter(enterprise=enterprise).order_by("-granted_on")[:10]),
    }


# -- indicators --------------------------------------------------------------------------------


def fund_paid_in(region: Region, kind: str, year: int) -> QuerySet[FundPayment]:
    return FundPayment.objects.in_region(region).filter(kind=kind, paid_on__year=year)


def fund_of_year(region: Region, kind: str, year: int) -> QuerySet[FundPayment]:
    return FundPayment.objects.in_region(region).filter(kind=kind, fiscal_year=year)


def relief_of_year(region: Region, year: int) -> QuerySet[TaxRelief]:
    return TaxRelief.objects.in_region(region).filter(year=year)


def loans_granted(region: Region, year: int, product: str = Loan.SU_KE_DAI) -> QuerySet[Loan]:
    return Loan.objects.in_region(region).filter(product=product, granted_on__year=year)


def total(qs: QuerySet[Any]) -> Decimal:
    return _sum(qs)


# -- recommendation ----------------------------------------------------------------------------


def loan_recommendations(
    *, actor: Any, year: int, day: dt.date
) -> tuple[list[dict[str, Any]], bool]:
    """Firms with high innovation points (tier A/B or score ≥ 80) or graded A/B in the
    HNTE reserve pool, and no loan outstanding on `day`: candidates for 苏科贷. Returns
    (rows, known): with neither points nor pool grades nobody can be recommended and
    the page says so. A row's `tier` is the tier's label when the points app names it."""
    from kechuang.enterprises.selectors import enterprise_queryset

    firms = list(
        enterprise_queryset(actor)
        .select_related("region")
        .order_by("name")
        .values_list("pk", flat=True)
    )
    scores = attribute_values("points_score", firms, year)
    tiers = attribute_values("points_tier", firms, year)
    grades = attribute_values("cultivation_grade", firms, year)
    if not scores and not tiers and not grades:
        return [], False
    high = [
        f
        for f in firms
        if str(tiers.get(f, "")).upper() in RECOMMEND_TIERS
        or (scores.get(f) is not None and Decimal(str(scores[f])) >= RECOMMEND_MIN_SCORE)
        or str(grades.get(f, "")) in RECOMMEND_GRADES
    ]
    indebted = set(
        Loan.objects.filter(enterprise_id__in=high, granted_on__lte=day, due_on__gte=day)
        .exclude(status=Loan.Status.REPAID)
        .values_list("enterprise_id", flat=True)
    )
    by_pk: dict[int, Any] = {
        e.pk: e for e in Enterprise.objects.filter(pk__in=high).select_related("region")
    }
    declared = registry.attribute("points_tier")
    tier_labels = dict(declared.choices) if declared is not None else {}
    rows: list[dict[str, Any]] = [
        {
            "enterprise": by_pk[f],
            "score": scores.get(f),
            "tier": tier_labels.get(str(tiers.get(f)), tiers.get(f)),
            "grade": grades.get(f),
        }
        for f in high
        if f not in indebted and f in by_pk
    ]
    rows.sort(
        key=lambda r: (
            -(Decimal(str(r["score"])) if r["score"] is not None else ZERO),
            r["enterprise"].name,
        )
    )
    return rows, True

"""Reads of the example capability, scoped to the actor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from kechuang.enterprises.selectors import enterprise_get
from kechuang.programmes.selectors import application_queryset
from tests.example_app.models import Expense
from tests.example_app.workflow import PROGRAMME


def enterprise_page(*, actor: Any, pk: int) -> dict[str, Any]:
    """What the firm's page shows: its filings and expenses (404 outside the scope)."""
    firm = enterprise_get(actor=actor, pk=pk)
    return {
        "e": firm,
        "filings": list(application_queryset(actor, PROGRAMME).filter(enterprise=firm)),
        "expenses": list(Expense.objects.visible_to(actor).filter(enterprise=firm)),
    }


def approved_total(region: Any, year: int) -> tuple[Decimal, int]:
    """Approved filings' expenses in a region's subtree for a year: (yuan, filings)."""
    from kechuang.programmes.models import Application

    firms = (
        Application.objects.of(PROGRAMME)
        .in_region(region)
        .filter(year=year, stage="approved")
        .values("enterprise_id")
    )
    qs = Expense.objects.filter(year=year, enterprise_id__in=firms)
    total = qs.aggregate(s=Sum("amount_yuan"))["s"] or Decimal(0)
    return Decimal(total), qs.count()


def deductions(enterprise_ids: Any, year: int | None) -> dict[int, Decimal]:
    """The `example_rd_deduction` attribute: each firm's filed expense of `year`
    (yuan); firms that filed nothing are absent (unknown)."""
    rows = Expense.objects.filter(enterprise_id__in=list(enterprise_ids))
    if year is not None:
        rows = rows.filter(year=year)
    return {e: Decimal(a) for e, a in rows.values_list("enterprise_id", "amount_yuan")}


def filings(*, actor: Any) -> Any:
    """Every filing the actor may see (the list page)."""
    return application_queryset(actor, PROGRAMME).order_by("-year", "enterprise__name")

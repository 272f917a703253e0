"""Sums of money are exact on SQLite as on PostgreSQL (core.sums): amounts such as
0.10 and 0.20 over many rows add up to the cent, where SQLite's own SUM of its doubles
drifts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from kechuang.core.sums import ExactSum, exact_sum

pytestmark = pytest.mark.django_db

# 0.10, 0.20 and 0.70 yuan, each 3,000 times: 3,000.00 yuan, which a double sum misses.
AMOUNTS = [Decimal("0.10"), Decimal("0.20"), Decimal("0.70")] * 3000


@pytest.fixture
def facts(staff: Any, regions: Any) -> Any:
    from kechuang.enterprises.models import YearlyFacts
    from tests.conftest import make_enterprise

    firm = make_enterprise(staff, regions["town_b"])
    other = make_enterprise(staff, regions["town_c"])
    YearlyFacts.objects.bulk_create(
        YearlyFacts(enterprise=firm if i % 2 else other, fiscal_year=1000 + i, revenue_yuan=amount)
        for i, amount in enumerate(AMOUNTS)
    )
    return YearlyFacts.objects.filter(enterprise__in=[firm, other], fiscal_year__lt=10000)


def test_a_sum_of_many_small_amounts_is_exact(facts: Any) -> None:
    assert float(sum(float(a) for a in AMOUNTS)) != 3000.0  # what doubles would give
    total = exact_sum(facts, "revenue_yuan")
    assert total == Decimal("3000.00") and isinstance(total, Decimal)
    assert exact_sum(facts.filter(fiscal_year__lt=1003), "revenue_yuan") == Decimal("1.00")


def test_a_sum_of_no_rows_is_none_as_sums_are(facts: Any) -> None:
    assert exact_sum(facts.filter(fiscal_year=1), "revenue_yuan") is None


def test_an_annotated_sum_per_row_is_exact_too(facts: Any) -> None:
    from kechuang.enterprises.models import Enterprise

    firms = Enterprise.objects.annotate(
        total=ExactSum("facts__revenue_yuan", filter=Q(facts__fiscal_year__lt=10000)),
        small=ExactSum(
            "facts__revenue_yuan",
            filter=Q(facts__fiscal_year__lt=10000, facts__revenue_yuan__lt=Decimal("0.5")),
        ),
    ).order_by("pk")
    totals = [(f.total or 0, f.small or 0) for f in firms]
    assert sum(t for t, _s in totals) == Decimal("3000.00")
    assert sum(s for _t, s in totals) == Decimal("900.00")
    assert all(isinstance(f.total, Decimal) for f in firms if f.total is not None)

"""Exact sums of money columns in the database, on PostgreSQL and SQLite alike.

PostgreSQL sums `numeric` exactly. SQLite keeps a decimal column's values as doubles
and sums them as doubles (0.1 + 0.2 is 0.30000000000000004), so there `ExactSum` adds
whole fen instead — every amount has two decimals, so ROUND(amount × 100) is exact, and
a double's sum of whole numbers is exact up to 2⁵³ fen (90 万亿元) — and turns the fen
back into yuan in Python. `core.money` stays plain Python (the rules may read it); this
is its database half.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet, Sum

from kechuang.core.money import CENT

# The sum's own type: wide enough for a province's total in yuan and fen.
SUM_FIELD = DecimalField(max_digits=20, decimal_places=2)


class ExactSum(Sum):
    """`Sum(field)` of a money (yuan) column, exact on every database: use it in
    `aggregate()` and `annotate()` wherever `Sum` would add amounts."""

    allow_distinct = False  # fen are summed inside ROUND(): no DISTINCT there

    def __init__(self, expression: Any, **extra: Any) -> None:
        extra.setdefault("output_field", SUM_FIELD)
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        fen = self.copy()
        fen.template = "%(function)s(ROUND(%(expressions)s * 100))"
        return Sum.as_sql(fen, compiler, connection, **extra_context)

    def get_db_converters(self, connection: Any) -> list[Any]:
        converters: list[Any] = super().get_db_converters(connection)
        if connection.vendor == "sqlite":
            converters.append(_fen_to_yuan)
        return converters


def _fen_to_yuan(value: Any, expression: Any, connection: Any) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) / 100).quantize(CENT)


def exact_sum(queryset: QuerySet[Any], field: str) -> Decimal | None:
    """The exact sum of the money column `field` over `queryset` (None when it has no
    rows, as `Sum`), in one query on either database."""
    total: Decimal | None = queryset.order_by().aggregate(total=ExactSum(field))["total"]
    return total

"""Growth rates and ranks, in exact Decimal arithmetic. Pure Python (no Django).

Rates are fractions (0.2656 = 26.56 %); callers multiply by 100 for display and
round only there.

- year-on-year: r_Y = (v_Y − v_{Y−1}) ÷ v_{Y−1}
- mean of the last three yearly rates (the seed's 年平均增长率):
  (r_{Y−2} + r_{Y−1} + r_Y) ÷ 3, from v_{Y−3} … v_Y
- CAGR (复合年均增长率): (v_Y ÷ v_{Y−n})^(1/n) − 1
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

FORMULAS = {
    "yoy": "同比增长率 = (本年值 − 上年值) ÷ 上年值",
    "mean3": "近三年年平均增长率 = (r₍Y−2₎ + r₍Y−1₎ + r₍Y₎) ÷ 3，其中 rₖ = (vₖ − vₖ₋₁) ÷ vₖ₋₁",
    "cagr": "复合年均增长率 = (本年值 ÷ n年前值)^(1/n) − 1",
}


def _dec(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def yoy(previous: Decimal | int | None, current: Decimal | int | None) -> Decimal | None:
    """(current − previous) ÷ previous; unknown when either is unknown or previous is 0."""
    prev, cur = _dec(previous), _dec(current)
    if prev is None or cur is None or prev == 0:
        return None
    return (cur - prev) / prev


def yearly_rates(values: Sequence[Decimal | int | None]) -> list[Decimal | None]:
    """The rates between consecutive values (oldest first)."""
    return [yoy(values[i - 1], values[i]) for i in range(1, len(values))]


def mean_rate(values: Sequence[Decimal | int | None]) -> Decimal | None:
    """The arithmetic mean of the yearly rates of `values` (oldest first): four values
    give the seed's 近三年年平均增长率. Unknown if any rate is unknown."""
    rates = yearly_rates(values)
    if not rates or any(r is None for r in rates):
        return None
    return sum((r for r in rates if r is not None), Decimal(0)) / len(rates)


def cagr(first: Decimal | int | None, last: Decimal | int | None, years: int) -> Decimal | None:
    """(last ÷ first)^(1/years) − 1; unknown for a non-positive start or end."""
    a, b = _dec(first), _dec(last)
    if a is None or b is None or a <= 0 or b < 0 or years <= 0:
        return None
    if b == 0:
        return Decimal(-1)
    with localcontext() as ctx:
        ctx.prec = 34
        root = (b / a) ** (Decimal(1) / Decimal(years))
        # an exact root (1.21 → 1.1) must not carry a last-digit artefact
        rounded = root.quantize(Decimal("1e-24"), rounding=ROUND_HALF_UP).normalize()
        if rounded**years == b / a:
            root = rounded
        return root - 1


def percent(rate: Decimal | None, places: int = 2) -> Decimal | None:
    """A fraction → percent rounded half up for display (0.26556 → 26.56)."""
    if rate is None:
        return None
    return (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def competition_rank(
    items: Iterable[tuple[K, Decimal | int | None]], *, descending: bool = True
) -> dict[K, int | None]:
    """Standard competition ranking ("1224"): equal values share a rank and the next
    rank skips. Unknown values get no rank."""
    pairs = list(items)
    known = [(k, Decimal(v)) for k, v in pairs if v is not None]
    ordered = sorted(known, key=lambda kv: kv[1], reverse=descending)
    ranks: dict[K, int | None] = {k: None for k, _ in pairs}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if previous is None or value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks

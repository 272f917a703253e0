"""The growth sub-scores (净资产/销售收入增长) count tiers exactly, near every bound too.

The tiers compare N·q with (q + p)·D in Int128; these tests compare them with plain
`Fraction` arithmetic on amounts chosen to land exactly on, one unit above and one unit
below each bound, at sizes where a float of N/D can no longer tell them apart.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.rules.model import col
from kechuang.rules.parameters import ratio
from kechuang.rules.rulesets.hnte import score
from kechuang.rules.rulesets.hnte.criteria import RULESET as HNTE

PARAMS = HNTE.parameters.at(HNTE.effective_from)
TIERS: list[dict[str, Any]] = PARAMS["growth_tiers"]


def expected_points(y1: int | None, y2: int | None, y3: int | None) -> tuple[int, int]:
    """The 195号 growth points (lo, hi) by the rules spec, with Fractions."""
    top = max(int(t["points"][1]) for t in TIERS)
    vals = [None if v is None else max(v, 0) for v in (y1, y2, y3)]
    k = sum(v is not None for v in vals)
    if k == 0:
        return 0, top
    a, b, c3 = vals
    if k == 3 and a:
        assert b is not None and c3 is not None
        if b == 0:
            return 0, 0
        growth = (Fraction(b, a) + Fraction(c3, b)) / 2
    elif k >= 2:
        assert b is not None and c3 is not None
        if b == 0:
            return 0, 0
        growth = Fraction(c3, b)
    else:
        return 0, 0
    best = (0, 0)
    best_rate: Fraction | None = None
    for t in TIERS:
        r = 1 + ratio(t["min_rate"])
        hit = growth > r if t.get("above") else growth >= r
        if hit and (best_rate is None or r > best_rate):
            best, best_rate = (int(t["points"][0]), int(t["points"][1])), r
    return best


def computed(rows: list[tuple[int | None, int | None, int | None]]) -> list[tuple[int, int]]:
    frame = pl.DataFrame(
        {f"net_assets_y{i}": [r[i - 1] for r in rows] for i in (1, 2, 3)}
        | {f"revenue_y{i}": [r[i - 1] for r in rows] for i in (1, 2, 3)},
        schema={f"{s}_y{i}": pl.Int64 for s in ("net_assets", "revenue") for i in (1, 2, 3)},
    )
    out = frame.with_columns(score.growth_exprs()).with_columns(
        score._growth("net_asset_growth", "net_assets", PARAMS)
    )
    sid = score.sid("net_asset_growth")
    return list(zip(out[col(sid, "olo")].to_list(), out[col(sid, "ohi")].to_list(), strict=True))


def boundary_rows(scale: int) -> list[tuple[int | None, int | None, int | None]]:
    """Two-year and three-year rows exactly on each bound, and one unit either side."""
    rows: list[tuple[int | None, int | None, int | None]] = []
    for t in TIERS:
        r = 1 + ratio(t["min_rate"])
        base = r.denominator * scale
        on = base * r.numerator // r.denominator
        for delta in (-1, 0, 1):
            rows.append((None, base, on + delta))
            # three years: (b/a + c/b) / 2 = r with a = b = base ⇒ c = b·(2r − 1)
            c3 = base * (2 * r - 1)
            assert c3.denominator == 1
            rows.append((base, base, int(c3) + delta))
    return rows


@pytest.mark.parametrize("scale", [1, 7, 10**6, 10**9, 3 * 10**11])
def test_bounds_exact_at_every_size(scale: int) -> None:
    rows = boundary_rows(scale)
    assert computed(rows) == [expected_points(*r) for r in rows]


def test_missing_zero_and_negative_years() -> None:
    rows: list[tuple[int | None, int | None, int | None]] = [
        (None, None, None),
        (None, None, 5),
        (0, 10, 11),
        (5, 0, 7),
        (-3, 10, 12),
        (10, -1, 20),
        (None, 0, 0),
    ]
    assert computed(rows) == [expected_points(*r) for r in rows]


amounts = st.one_of(st.none(), st.integers(-(10**15), 10**15), st.integers(0, 1000))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(amounts, amounts, amounts), min_size=1, max_size=30))
def test_random_amounts(rows: list[tuple[int | None, int | None, int | None]]) -> None:
    # Present years are contiguous and end at y3 (inputs reject anything else).
    fixed = []
    for a, b, c3 in rows:
        if c3 is None:
            a = b = None
        elif b is None:
            a = None
        fixed.append((a, b, c3))
    assert computed(fixed) == [expected_points(*r) for r in fixed]

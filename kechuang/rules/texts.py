"""Parameter values as they are written in criterion, remedy and doc texts.

Texts quote thresholds only through these helpers, from the parameters in force, never
as literals beside them (tests/rules/test_rules_texts.py searches for such literals).
"""

from __future__ import annotations

from collections.abc import Sequence

from kechuang.rules.exact import pct_text
from kechuang.rules.parameters import ratio

WAN_PER_YI = 10_000  # 1 亿元 = 10000 万元


def pct(raw: object) -> str:
    """A ratio parameter ("10%", "0.05") → "10%", "5%"."""
    return pct_text(ratio(raw))


def rate(raw: object) -> str:
    """A growth-rate bound: "0%" → "0", else as `pct` (≥35%, >0)."""
    r = ratio(raw)
    return "0" if r == 0 else pct_text(r)


def interval(points: Sequence[int], sep: str = ",") -> str:
    """[lo, hi] points → "[7,8]" (or "[7, 8]" with sep=", ")."""
    lo, hi = points
    return f"[{int(lo)}{sep}{int(hi)}]"


def yuan_wan(wan: int) -> str:
    """An amount in 万元 → "5000万元", or "2亿元" when it is whole 亿."""
    n = int(wan)
    if n and n % WAN_PER_YI == 0:
        return f"{n // WAN_PER_YI}亿元"
    return f"{n}万元"


def count_range(low: int, high: int | None) -> str:
    """A count tier as the sources write it: "≥5", "3–4", "1" (high None = no upper)."""
    if high is None:
        return f"≥{low}"
    if high == low:
        return str(low)
    return f"{low}–{high}"

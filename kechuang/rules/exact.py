"""Exact integer arithmetic on Polars expressions, and display formatting.

Money is an Int64 count of 10⁻⁶ 万元. A ratio test a/b ≥ p/q is a·q ≥ p·b for b > 0:
no float ever decides a threshold. A missing fact or a denominator ≤ 0 gives null.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import polars as pl

from kechuang.rules.fields import MICRO


def c(name: str) -> pl.Expr:
    return pl.col(name)


def lit_int(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int64)


def ratio_at_least(num: pl.Expr, den: pl.Expr, r: Fraction) -> pl.Expr:
    """num / den ≥ r, exactly; null when num is null or den is null or ≤ 0."""
    return (
        pl.when(den > 0)
        .then(num * r.denominator >= den * r.numerator)
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )


def ratio_at_least_q(num: pl.Expr, den: pl.Expr, p: pl.Expr, q: pl.Expr) -> pl.Expr:
    """num / den ≥ p / q with p, q per-row integer expressions (q > 0)."""
    return pl.when(den > 0).then(num * q >= den * p).otherwise(pl.lit(None, dtype=pl.Boolean))


def ratio_float(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den for display only; null when den ≤ 0."""
    return (
        pl.when(den > 0)
        .then(num.cast(pl.Float64) / den.cast(pl.Float64))
        .otherwise(pl.lit(None, dtype=pl.Float64))
    )


def ceil_div(num: pl.Expr, den: pl.Expr | int) -> pl.Expr:
    """⌈num / den⌉ for den > 0, never below 0 (used for "how much more is needed")."""
    d = den if isinstance(den, pl.Expr) else lit_int(den)
    return pl.max_horizontal(-((-num) // d), lit_int(0))


def kleene_all(exprs: Sequence[pl.Expr]) -> pl.Expr:
    """Three-valued AND: false if any false, else null if any null, else true."""
    out = exprs[0]
    for e in exprs[1:]:
        out = out & e
    return out


def kleene_any(exprs: Sequence[pl.Expr]) -> pl.Expr:
    out = exprs[0]
    for e in exprs[1:]:
        out = out | e
    return out


def fmt_wan(micro: pl.Expr) -> pl.Expr:
    """Int64 10⁻⁶ 万元 → "1234.5" (exact, trailing zeros dropped)."""
    # Exact decimal with 6 places ("1234.500000"; integer arithmetic, no float), then
    # the trailing zeros and a bare dot dropped ("0.000000" → "0.", → "0").
    wan = micro.cast(pl.Decimal(38, 6)) / pl.lit(MICRO, dtype=pl.Decimal(38, 0))
    return wan.cast(pl.String).str.strip_chars_end("0").str.strip_chars_end(".")


def fmt_wan_up(micro: pl.Expr) -> pl.Expr:
    """Int64 10⁻⁶ 万元 → "1,234.57" for a remedy: two decimals with separators, rounded
    *up* to the next 0.01 万元 (100 元), so the amount a remedy names always suffices."""
    cents = -((-micro) // lit_int(MICRO // 100))  # ⌈micro / 10⁴⌉, in 0.01 万元
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    cents = cents.abs()
    whole = cents // 100
    groups = [((whole // 1000**k) % 1000).cast(pl.String) for k in range(6)]  # to 10¹⁸ 万元

    def joined(n: int) -> pl.Expr:  # the n lowest groups, the highest one unpadded
        return pl.concat_str(
            [
                groups[n - 1],
                *(p for k in range(n - 2, -1, -1) for p in (pl.lit(","), groups[k].str.zfill(3))),
            ]
        )

    text = joined(1)
    for n in range(2, 7):
        text = pl.when(whole >= 1000 ** (n - 1)).then(joined(n)).otherwise(text)
    return pl.concat_str([sign, text, pl.lit("."), (cents % 100).cast(pl.String).str.zfill(2)])


def fmt_int(value: pl.Expr) -> pl.Expr:
    return value.cast(pl.String)


def fmt_pct(ratio: pl.Expr) -> pl.Expr:
    """A display ratio → "5.65%" (2 decimals, display only)."""
    return pl.concat_str([(ratio * 100).round(2).cast(pl.String), pl.lit("%")])


def pct_text(r: Fraction) -> str:
    """An exact ratio → "5%" / "2.5%" for labels and notes."""
    value = r * 100
    if value.denominator == 1:
        return f"{value.numerator}%"
    return f"{float(value):g}%"


def wan_text(micro: int) -> str:
    whole, frac = divmod(abs(micro), MICRO)
    text = str(whole) if frac == 0 else f"{whole}.{frac:06d}".rstrip("0")
    return f"-{text}" if micro < 0 else text


def join_text(parts: Sequence[pl.Expr], sep: str = "；") -> pl.Expr:
    """Join the non-null parts; null when all are null."""
    return pl.concat_str(list(parts), separator=sep, ignore_nulls=True).replace("", None)


def null_str() -> pl.Expr:
    return pl.lit(None, dtype=pl.String)


def null_int() -> pl.Expr:
    return pl.lit(None, dtype=pl.Int64)


def null_float() -> pl.Expr:
    return pl.lit(None, dtype=pl.Float64)

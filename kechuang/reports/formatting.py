"""Numbers as Chinese reports write them: 万元 below 1亿, 亿元 above; percentages with
up to two decimals (46.8%, 26.56%); counts as integers. Display only — values stay
exact Decimals until here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from kechuang.targets.indicators import PERCENT, WAN, Indicator

WAN_PER_YI = Decimal(10000)


def _trim(value: Decimal, places: int) -> str:
    q = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{q:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_number(value: Decimal | None, ind: Indicator) -> str:
    """The number in the indicator's unit, without the unit (tables)."""
    if value is None:
        return "—"
    if ind.unit == WAN:
        return _trim(value, 2)
    if ind.unit == PERCENT:
        return _trim(value, 2)
    return _trim(value, 0)


def fmt_value(value: Decimal | None, ind: Indicator) -> str:
    """The number with its unit, as in a sentence: 550亿元, 628.34万元, 46.8%, 86家."""
    if value is None:
        return "暂无数据"
    if ind.unit == WAN:
        if abs(value) >= WAN_PER_YI:
            return f"{_trim(value / WAN_PER_YI, 2)}亿元"
        return f"{_trim(value, 2)}万元"
    if ind.unit == PERCENT:
        return f"{_trim(value, 2)}%"
    return f"{_trim(value, 0)}{ind.unit}"


def fmt_percent(fraction: Decimal | None, places: int = 2) -> str:
    """A fraction (0.2656) → "26.56%"."""
    if fraction is None:
        return "—"
    return f"{_trim(fraction * 100, places)}%"

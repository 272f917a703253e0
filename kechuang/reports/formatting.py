"""Numbers as Chinese reports write them, in the pages' one format
(`kechuang.core.formats`): 万元 with two decimals and separators below 1亿, 亿元 above;
percentages with fixed decimals (46.8%); counts as integers. Display only — values stay
exact Decimals until here."""

from __future__ import annotations

from decimal import Decimal

from kechuang.core import formats
from kechuang.targets.indicators import Indicator


def fmt_number(value: Decimal | None, ind: Indicator) -> str:
    """The number in the indicator's unit, without the unit (tables): the pages' format
    (`core.formats.measure`: 万元 with two decimals and separators, integer counts)."""
    if value is None:
        return "—"
    return formats.measure(value, ind.unit, ind.decimals)


def fmt_value(value: Decimal | None, ind: Indicator) -> str:
    """The number with its unit, as in a sentence: 550.00亿元, 628.34万元, 46.8%, 86家."""
    if value is None:
        return "暂无数据"
    return formats.measure_text(value, ind.unit, ind.decimals)


def fmt_percent(fraction: Decimal | None, places: int = 2) -> str:
    """A fraction (0.2656) → "26.56%"."""
    if fraction is None:
        return "—"
    return formats.ratio(fraction, places)

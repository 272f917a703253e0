"""One number format for pages, exports and reports: money in 万元 with two decimals and
thousands separators, counts as integers, percentages with fixed decimals, dates as
2021-06-30 or 2021年6月30日, yes/no as 是/否, ages in years.

Plain Python (no Django): the report builder and the template filters (`{% load kc %}`)
call the same functions. `None` (unknown) always shows as "—".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kechuang.core.money import YUAN_PER_WAN

BLANK = "—"
Number = Decimal | int | float


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def number(value: object, places: int = 2, *, grouping: bool = True) -> str:
    """A number with exactly `places` decimals (half up) and thousands separators."""
    d = _decimal(value)
    if d is None or not d.is_finite():
        return BLANK
    q = d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # never "-0.00"
    return f"{q:,.{places}f}" if grouping else f"{q:.{places}f}"


def wan(value_wan: object, places: int = 2) -> str:
    """An amount already in 万元 → "5,500,000.00"."""
    return number(value_wan, places)


def yuan_as_wan(yuan: object, places: int = 2) -> str:
    """An amount in yuan → 万元 "1,234.57" (the unit is the caller's)."""
    d = _decimal(yuan)
    return BLANK if d is None else number(d / YUAN_PER_WAN, places)


def count(value: object) -> str:
    """A count of firms, people, items: an integer ("17", never "17.4"), separators."""
    return number(value, 0)


def percent(value: object, places: int = 1) -> str:
    """A value already in per cent (46.83) → "46.8%"."""
    text = number(value, places)
    return text if text == BLANK else f"{text}%"


def ratio(fraction: object, places: int = 1) -> str:
    """A fraction (0.2656) → "26.6%"."""
    d = _decimal(fraction)
    return BLANK if d is None else percent(d * 100, places)


def day(value: dt.date | dt.datetime | None) -> str:
    """2021-06-30."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def day_cn(value: dt.date | dt.datetime | None) -> str:
    """2021年6月30日."""
    if value is None or value == "":
        return BLANK
    return f"{value.year}年{value.month}月{value.day}日"


def minute(value: dt.datetime | None) -> str:
    """2021-06-30 14:05 (the caller converts to local time first)."""
    if value is None:
        return BLANK
    return value.strftime("%Y-%m-%d %H:%M")


def yesno(value: object) -> str:
    """True → 是, False → 否, unknown → —; also the strings "true"/"false"."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes", "y", "是"):
            return "是"
        if low in ("false", "0", "no", "n", "否"):
            return "否"
        return value
    return "是" if value else "否"


def years(days: object) -> str:
    """A length of time given in days → "20年", "3年" or, under a year, "8个月"."""
    d = _decimal(days)
    if d is None:
        return BLANK
    n = int(d)
    if n >= 365:
        return f"{int(Decimal(n) / Decimal('365.25'))}年"
    months = int(Decimal(n) / Decimal("30.44"))
    return f"{months}个月" if months else "不足1个月"


def years_since(start: dt.date | None, on: dt.date) -> str:
    """How long from `start` to `on`, in whole years ("20年")."""
    if start is None:
        return BLANK
    return years((on - start).days)


VERDICT_LABELS = {"pass": "通过", "fail": "未通过", "uncertain": "待定", None: "—", "": "—"}


def verdict(value: str | None) -> str:
    """A rule set's verdict: pass → 通过, fail → 未通过, uncertain → 待定."""
    return VERDICT_LABELS.get(value, str(value))


def ruleset_title(ruleset_id: str) -> str:
    """hnte-2016 → 高新技术企业认定（2016年版）: the rule set's own Chinese title."""
    from kechuang.rules.outputs import ruleset_title as title_of
    from kechuang.rules.rulesets import RULESETS

    rs = RULESETS.get(ruleset_id)
    return title_of(rs) if rs is not None else ruleset_id


WAN_UNIT = "万元"
WAN_PER_YI = Decimal(10000)  # 1 亿元 = 10,000 万元
PERCENT_UNIT = "%"


def measure(value: object, unit: str, decimals: int = 0) -> str:
    """A figure in its unit's format, without the unit: 万元 with two decimals and
    separators, per cent with `decimals` (at least one), anything else counted."""
    if unit == WAN_UNIT:
        return wan(value)
    if unit == PERCENT_UNIT:
        return number(value, max(decimals, 1))
    return number(value, decimals)


def measure_text(value: object, unit: str, decimals: int = 0) -> str:
    """The figure with its unit, as in a sentence: 550.00亿元 (from 1亿), 628.34万元,
    46.8%, 86家."""
    d = _decimal(value)
    if d is None:
        return BLANK
    if unit == WAN_UNIT and abs(d) >= WAN_PER_YI:
        return f"{number(d / WAN_PER_YI, 2)}亿元"
    return f"{measure(d, unit, decimals)}{unit}"

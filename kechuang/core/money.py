"""Money is exact: Decimal, stored in yuan (2 decimals); sheets and reports show 万元.

Plain Python: usable from the rules engine and from Django alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from math import copysign

YUAN_PER_WAN = Decimal(10000)
YUAN_PER_YI = Decimal(100_000_000)
CENT = Decimal("0.01")
MAX_WAN_DECIMALS = 6  # 万元 with 6 decimals = yuan with 2: exact


class MoneyError(ValueError):
    """A value that is not an exact amount; the message is Chinese, for the user."""


def to_decimal(raw: object, *, max_decimals: int | None = None) -> Decimal:
    """Parse a number exactly (str, int, Decimal; floats through their shortest repr)."""
    if isinstance(raw, bool):
        raise MoneyError("应为数字")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        # Excel stores numbers as doubles; repr gives the shortest decimal that round-trips.
        value = Decimal(repr(raw))
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"“{raw}”不是数字") from None
    if not value.is_finite():
        raise MoneyError(f"“{raw}”不是数字")
    if max_decimals is not None:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > max_decimals:
            raise MoneyError(f"小数位不能超过{max_decimals}位")
    return value


def wan_to_yuan(raw: object) -> Decimal:
    """万元 (up to 6 decimals) → yuan with exactly 2 decimals, no rounding."""
    if type(raw) is float:
        fast = float_wan_to_yuan(raw)
        if fast is not None:
            return fast
    wan = to_decimal(raw, max_decimals=MAX_WAN_DECIMALS)
    return (wan * YUAN_PER_WAN).quantize(CENT)


FAST_WAN_LIMIT = (
    2.0**32
)  # below it a float's spacing is < 1e-6: one 6-decimal value at most rounds to it


def float_wan_to_yuan(raw: float) -> Decimal | None:
    """`wan_to_yuan` of a float without going through its repr, or None to take the
    exact path (zero, ±inf, nan, |raw| ≥ 2³², more than 6 decimals).

    cents = raw × 10⁶ is a candidate; `cents / 1e6 == raw` (a correctly rounded
    division) proves that the decimal cents × 10⁻⁶ rounds to `raw`. Below 2³² only one
    number with ≤ 6 decimals can, so it is the float's shortest repr: the same value
    `Decimal(repr(raw))` gives, with the same exponent (−2) after conversion."""
    if -FAST_WAN_LIMIT < raw < FAST_WAN_LIMIT:
        if not raw:
            return _NEGATIVE_ZERO_YUAN if copysign(1.0, raw) < 0 else _ZERO_YUAN
        cents = round(raw * 1e6)
        if cents / 1e6 == raw:
            return Decimal(cents).scaleb(-2)
    return None


_ZERO_YUAN = (Decimal("0.0") * YUAN_PER_WAN).quantize(CENT)  # = wan_to_yuan(0.0): 0.00
_NEGATIVE_ZERO_YUAN = (Decimal("-0.0") * YUAN_PER_WAN).quantize(CENT)  # = wan_to_yuan(-0.0): -0.00


def yuan_to_wan(yuan: Decimal | int) -> Decimal:
    """Yuan → 万元, exact, without trailing zeros — and without an exponent: normalize()
    turns 620000 into 6.2E+5, which a form field or a sheet cell would show as such."""
    wan = (Decimal(yuan) / YUAN_PER_WAN).normalize()
    exponent = wan.as_tuple().exponent
    return wan.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else wan


def format_wan(yuan: Decimal | int | None, places: int = 2, *, grouping: bool = True) -> str:
    """Yuan → "1,234.56" in 万元 (half up), as Chinese reports show amounts."""
    if yuan is None:
        return "—"
    wan = (Decimal(yuan) / YUAN_PER_WAN).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{wan:,.{places}f}" if grouping else f"{wan:.{places}f}"


def format_yuan_auto(yuan: Decimal | int | None) -> str:
    """Yuan → "5.86亿元" from 1亿 up, else "628.34万元"."""
    if yuan is None:
        return "—"
    value = Decimal(yuan)
    if abs(value) >= YUAN_PER_YI:
        yi = (value / YUAN_PER_YI).quantize(CENT, ROUND_HALF_UP)
        return f"{yi:,.2f}亿元"
    return f"{format_wan(value)}万元"

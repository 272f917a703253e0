from decimal import Decimal

import pytest

from kechuang.core.money import MoneyError, format_wan, format_yuan_auto, wan_to_yuan


def test_wan_to_yuan_is_exact() -> None:
    assert wan_to_yuan("628.34") == Decimal("6283400.00")
    assert wan_to_yuan("0.000001") == Decimal("0.01")
    assert wan_to_yuan(0.1) == Decimal("1000.00")


def test_more_than_six_decimals_is_rejected() -> None:
    with pytest.raises(MoneyError, match="6位"):
        wan_to_yuan("1.0000001")


def test_text_is_rejected() -> None:
    with pytest.raises(MoneyError, match="不是数字"):
        wan_to_yuan("一百")


def test_display_in_wan_and_yi() -> None:
    assert format_wan(Decimal("6283400")) == "628.34"
    assert format_yuan_auto(Decimal("55000000000")) == "550.00亿元"
    assert format_yuan_auto(None) == "—"

from decimal import Decimal
from typing import Any

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


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        ("6200000000.00", "620000"),
        ("10000", "1"),
        ("0", "0"),
        ("123456.78", "12.345678"),
        ("-50000000", "-5000"),
    ],
)
def test_yuan_to_wan_is_written_without_an_exponent(yuan: str, shown: str) -> None:
    from kechuang.core.money import yuan_to_wan

    assert str(yuan_to_wan(Decimal(yuan))) == shown


def test_the_facts_form_shows_a_large_amount_as_digits(
    client_for: Any, staff: Any, firm_b: Any
) -> None:
    from kechuang.enterprises.forms import FactsForm
    from kechuang.enterprises.models import YearlyFacts

    facts = YearlyFacts.objects.filter(enterprise=firm_b).first()
    assert facts is not None
    facts.output_value_yuan = Decimal("6200000000.00")
    facts.save()
    html = str(FactsForm(initial=FactsForm.initial_for(facts))["output_value_yuan"])
    assert 'value="620000"' in html and "E+" not in html

"""What the money brought: the voucher indicators from the ledger and the yearly facts;
they move when a record is added; points read through the ATTRIBUTES frame, with or
without the points capability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core import registry
from kechuang.core.errors import ValidationFailed
from kechuang.enterprises.services import facts_record
from kechuang.targets.indicators import Evaluator
from kechuang.vouchers import services
from tests.vouchers.conftest import DAY, apply, make_programme, to_checked

pytestmark = pytest.mark.django_db


def paid(staff: Any, firm: Any, p: Any, provider: Any, amount: str, on: dt.date) -> Any:
    v = apply(
        staff, firm, p, provider, fee=str(Decimal(amount) * 2), on=DAY if on.year == 2020 else on
    )
    services.voucher_approve(
        actor=staff, voucher=v, amount_yuan=Decimal(amount), on=v.application.events.first().on
    )
    to_checked(staff, v, str(Decimal(amount) * 2), on)
    return services.voucher_pay(actor=staff, voucher=v, on=on)


def rd(staff: Any, firm: Any, year: int, yuan: str) -> None:
    facts_record(
        actor=staff,
        enterprise=firm,
        fiscal_year=year,
        source="enterprise",
        values={"rd_expense_yuan": Decimal(yuan)},
    )


def test_voucher_figures_come_from_payments_and_move_with_a_record(
    staff: Any, regions: Any, provider: Any, firms: Any
) -> None:
    county = regions["county"]
    assert (
        Evaluator().value("voucher_redeemed_wan", county, 2020).value is None
    )  # no programme: no data
    p = make_programme(staff, county, eligibility={})
    ev = Evaluator()
    assert ev.value("voucher_redeemed_wan", county, 2020).value == 0
    for firm, yuan in zip(firms, ("1000000", "2500000.50", "300000", "400000"), strict=True):
        rd(staff, firm, 2020, yuan)
    paid(staff, firms[0], p, provider, "30000", dt.date(2020, 6, 1))
    paid(staff, firms[1], p, provider, "12345.67", dt.date(2020, 7, 1))
    ev = Evaluator()
    assert ev.value("voucher_redeemed_wan", county, 2020).value == Decimal("4.234567")
    assert ev.value("voucher_enterprises", county, 2020).value == 2
    assert ev.value("voucher_rd_driven_wan", county, 2020).value == Decimal("350.00005")
    lev = ev.value("voucher_leverage", county, 2020).value
    assert lev == Decimal("350.00005") / Decimal("4.234567")
    # one more record: every figure moves
    paid(staff, firms[2], p, provider, "1000", dt.date(2020, 8, 1))
    ev2 = Evaluator()
    assert ev2.value("voucher_redeemed_wan", county, 2020).value == Decimal("4.334567")
    assert ev2.value("voucher_enterprises", county, 2020).value == 3
    assert ev2.value("voucher_rd_driven_wan", county, 2020).value == Decimal("380.00005")
    # a town sees its own firms only (firms 1 and 3 are in 镇B)
    assert ev2.value("voucher_enterprises", regions["town_b"], 2020).value == 1


def test_unredeemed_rate_and_leverage_change(
    staff: Any, regions: Any, provider: Any, firms: Any
) -> None:
    county = regions["county"]
    p = make_programme(staff, county, eligibility={})
    rd(staff, firms[0], 2020, "600000")
    paid(staff, firms[0], p, provider, "20000", dt.date(2020, 6, 1))
    v = apply(staff, firms[1], p, provider, fee="100000")
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal("30000"), on=DAY)
    ev = Evaluator()
    # 50,000 approved, 20,000 paid: 60 % not (yet) redeemed
    assert ev.value("voucher_unredeemed_rate", county, 2020).value == Decimal(60)
    p19 = make_programme(staff, county, eligibility={}, year=2019)
    from kechuang.programmes.models import Call

    Call.objects.filter(pk=p19.call_id).update(
        opens_on=dt.date(2019, 3, 1), closes_on=dt.date(2019, 10, 31)
    )
    p19.refresh_from_db()
    rd(staff, firms[2], 2019, "100000")
    paid(staff, firms[2], p19, provider, "10000", dt.date(2019, 6, 1))
    ev = Evaluator()
    assert ev.value("voucher_leverage", county, 2019).value == Decimal(10)
    assert ev.value("voucher_leverage", county, 2020).value == Decimal(30)
    assert ev.value("voucher_leverage_yoy", county, 2020).value == Decimal(200)


def fake_points(values: dict[int, Decimal]) -> registry.EnterpriseAttribute:
    return registry.EnterpriseAttribute(
        "points_score", "创新积分", lambda ids, year: {i: values[i] for i in ids if i in values}
    )


def test_points_are_read_when_present_and_unknown_when_absent(
    staff: Any, regions: Any, provider: Any, firms: Any, monkeypatch: Any
) -> None:
    p = make_programme(staff, regions["county"])  # min_points 60
    # without the points capability: unknown, not blocking, said so
    verdict = services.enterprise_eligibility(firms[0], p, DAY)
    assert verdict.eligible and any("未取得积分" in c.detail for c in verdict.conditions)
    apply(staff, firms[0], p, provider)
    attr = fake_points({firms[1].pk: Decimal("55.5"), firms[2].pk: Decimal("72")})
    monkeypatch.setattr(registry, "attribute", lambda key: attr if key == "points_score" else None)
    with pytest.raises(ValidationFailed) as exc:
        apply(staff, firms[1], p, provider)
    assert "创新积分：55.5分，低于60分" in "；".join(exc.value.lines())
    apply(staff, firms[2], p, provider)

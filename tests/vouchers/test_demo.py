"""The demo county's 2020 report gives the seed's figures for every indicator of vouchers,
funds, tax relief and loans (spec/indicators.md), counted from the records; one more
record moves each of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.accounts.models import Region, User
from kechuang.finance.models import FundPayment, Loan, TaxRelief
from kechuang.reports.builder import build_annual
from kechuang.targets.indicators import Evaluator
from kechuang.vouchers import selectors
from kechuang.vouchers.models import Voucher, VoucherProgramme

SEED_2020 = {
    "voucher_redeemed_wan": Decimal("628.34"),
    "voucher_enterprises": 61,
    "voucher_rd_driven_wan": Decimal("12400.00"),
    "hnte_cultivation_fund_wan": Decimal("930.00"),
    "pilot_zone_award_wan": Decimal("5861.21"),
    "tax_relief_wan": Decimal("62900.00"),
    "loan_enterprises": 15,
    "loan_amount_wan": Decimal("7840.00"),
    "loan_amount_yoy": Decimal("29.80"),
}


@pytest.fixture
def county(demo_county: Any, db: Any) -> Region:
    return Region.objects.get(code="321283")


def report(county: Region) -> dict[str, Any]:
    """The report's JSON contract, as `kechuang report annual --format json` writes it."""
    import json

    from kechuang.reports.builder import to_json

    data = json.loads(
        to_json(build_annual(region=county, year=2020, with_charts=False)), parse_float=Decimal
    )
    indicators: dict[str, Any] = data["indicators"]
    return indicators


def test_the_2020_report_gives_the_seeds_figures(county: Region) -> None:
    got = report(county)
    for key, value in SEED_2020.items():
        assert got[key]["value"] == value, key
        assert got[key]["records"] > 0, key


def test_the_demo_books_balance_and_show_every_ending(county: Region) -> None:
    for p in VoucherProgramme.objects.all():
        b = selectors.books(p)
        assert b.balanced and (b.available, b.committed, b.paid) == (
            p.available_yuan,
            p.committed_yuan,
            p.paid_yuan,
        )
    stages = set(Voucher.objects.values_list("application__stage", flat=True))
    assert {"paid", "rejected", "expired", "cancelled", "applied", "issued", "claimed"} <= stages
    from kechuang.programmes.models import Event

    # nothing of the demo happens after its "today"
    assert not Event.objects.filter(
        application__programme="voucher", on__gt=dt.date(2021, 6, 30)
    ).exists()


def test_one_more_record_moves_every_figure(county: Region) -> None:
    kjj = User.objects.get(username="kjj")
    before = {
        k: Evaluator().value(k, county, y).value
        for k, y in (
            ("voucher_redeemed_wan", 2020),
            ("voucher_enterprises", 2020),
            ("voucher_rd_driven_wan", 2020),
            ("hnte_cultivation_fund_wan", 2020),
            ("pilot_zone_award_wan", 2019),
            ("tax_relief_wan", 2019),
            ("loan_enterprises", 2020),
            ("loan_amount_wan", 2020),
            ("loan_amount_yoy", 2020),
        )
    }
    from kechuang.enterprises.models import YearlyFacts
    from kechuang.vouchers import services
    from tests.vouchers.conftest import to_checked

    users = set(Voucher.objects.values_list("enterprise_id", flat=True))
    newcomer = (
        YearlyFacts.objects.filter(
            fiscal_year=2020,
            rd_expense_yuan__gt=0,
            enterprise__region__path__startswith=county.path,
        )
        .exclude(enterprise_id__in=users)
        .select_related("enterprise")
        .first()
    )
    assert newcomer is not None
    firm = newcomer.enterprise
    p = VoucherProgramme.objects.get(year=2020)
    provider = selectors.active_providers("testing")[0]
    on = dt.date(2020, 5, 6)
    from kechuang.programmes.services import application_open
    from kechuang.vouchers.models import PROGRAMME

    app = application_open(
        actor=kjj, programme=PROGRAMME, enterprise=firm, year=2020, on=on, call=p.call
    )
    v = Voucher.objects.create(
        application=app,
        programme=p,
        enterprise=firm,
        code="KJQ2020-TEST",
        provider=provider,
        category="testing",
        service="检测",
        fee_yuan=Decimal(20000),
    )
    services.voucher_approve(actor=kjj, voucher=v, amount_yuan=Decimal(10000), on=on)
    to_checked(kjj, v, "20000", dt.date(2020, 9, 1))
    services.voucher_pay(actor=kjj, voucher=v, on=dt.date(2020, 9, 2))
    FundPayment.objects.create(
        enterprise=firm,
        kind="hnte_cultivation",
        programme="培育资金",
        fiscal_year=2020,
        amount_yuan=Decimal(150000),
        paid_on=dt.date(2020, 12, 1),
        document="测试",
    )
    FundPayment.objects.create(
        enterprise=firm,
        kind="pilot_zone",
        programme="先导区",
        fiscal_year=2019,
        amount_yuan=Decimal(10000),
        paid_on=dt.date(2020, 6, 1),
        document="测试",
    )
    TaxRelief.objects.create(enterprise=firm, year=2019, kind="other", amount_yuan=Decimal(5000))
    Loan.objects.create(
        enterprise=firm,
        bank="测试银行",
        contract_no="T1",
        amount_yuan=Decimal(1000000),
        granted_on=dt.date(2020, 10, 1),
        due_on=dt.date(2021, 10, 1),
        rate_percent=Decimal("4.35"),
    )
    after = Evaluator()
    moved = {
        k: after.value(
            k, county, 2019 if k in ("pilot_zone_award_wan", "tax_relief_wan") else 2020
        ).value
        for k in before
    }
    assert all(moved[k] != before[k] for k in before), {k: (before[k], moved[k]) for k in before}
    assert moved["voucher_redeemed_wan"] - before["voucher_redeemed_wan"] == 1
    assert moved["voucher_enterprises"] == 62 and moved["loan_enterprises"] == 16

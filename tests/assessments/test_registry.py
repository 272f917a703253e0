import datetime as dt
from decimal import Decimal

import pytest

from kechuang.enterprises.assessment import registry_records
from kechuang.enterprises.services import facts_record

pytestmark = pytest.mark.django_db


def test_registry_record_maps_fiscal_years_and_units(firm_b):
    rec = registry_records([firm_b], dt.date(2021, 6, 30))[0]
    assert rec["revenue_y1"] == "3000" and rec["revenue_y3"] == "4200"
    assert rec["rd_expense_y2"] == "200"
    assert rec["employees"] == "100" and rec["tech_staff"] == "15"
    assert (
        rec["ip_class1"] == "1" and rec["ip_class2"] == "0" and rec["ip_self_developed"] == "true"
    )
    assert rec["hnte_ever"] == "true" and rec["hnte_valid"] == "true"
    # unknown stays unknown, never zero
    assert (
        rec["total_income"] is None
        and rec["rd_domestic_3y"] is None
        and rec["net_assets_y3"] is None
    )


def test_years_must_run_contiguously_to_y3(staff, firm_b):
    # 2021 assessment: y1=2018 y2=2019 y3=2020; remove 2019 revenue → only y3 is present
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2019,
        values={"revenue_yuan": None},
        source="tax",
    )
    rec = registry_records([firm_b], dt.date(2021, 6, 30))[0]
    assert rec["revenue_y1"] is None and rec["revenue_y2"] is None and rec["revenue_y3"] == "4200"


def test_sums_need_every_present_year(staff, firm_b):
    for year in (2018, 2019):
        facts_record(
            actor=staff,
            enterprise=firm_b,
            fiscal_year=year,
            values={"rd_domestic_yuan": Decimal("1500000")},
            source="tax",
        )
    assert registry_records([firm_b], dt.date(2021, 6, 30))[0]["rd_domestic_3y"] is None
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"rd_domestic_yuan": Decimal("1234567.89")},
        source="tax",
    )
    assert registry_records([firm_b], dt.date(2021, 6, 30))[0]["rd_domestic_3y"] == "423.456789"


def test_hnte_validity_follows_the_date(firm_b):
    assert registry_records([firm_b], dt.date(2023, 6, 30))[0]["hnte_valid"] == "false"
    assert registry_records([firm_b], dt.date(2019, 6, 30))[0]["hnte_ever"] == "false"


def test_no_ip_records_is_unknown_not_zero(firm_a):
    rec = registry_records([firm_a], dt.date(2021, 6, 30))[0]
    assert rec.get("ip_class1") is None and rec.get("ip_class2") is None

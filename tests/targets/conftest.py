"""Small fixtures for indicators: firms in 园区A and 镇B, certificates and facts
entered through the registry's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from tests.conftest import make_enterprise

_numbers = count(1)


def add_cert(actor: Any, firm: Any, kind: str, issued_on: dt.date, **extra: Any) -> Any:
    from kechuang.enterprises.services import certificate_save

    prefix = {"hnte": "GR", "tech_sme": "TS", "provincial_pool": "PP"}[kind]
    data = {
        "kind": kind,
        "number": f"{prefix}{next(_numbers):08d}",
        "issued_on": issued_on,
        **extra,
    }
    return certificate_save(actor=actor, enterprise=firm, data=data, via="test")


def add_facts(actor: Any, firm: Any, year: int, **wan: str) -> Any:
    from kechuang.enterprises.services import facts_record

    values = {f"{k}_yuan": Decimal(v) * 10000 for k, v in wan.items()}
    return facts_record(
        actor=actor,
        enterprise=firm,
        fiscal_year=year,
        values=values,
        source="statistics",
        recorded_on=dt.date(year + 1, 3, 1),
        via="test",
    )


@pytest.fixture
def county_firms(staff: Any, regions: dict[str, Any]) -> dict[str, Any]:
    return make_county_firms(staff, regions)


def make_county_firms(staff: Any, regions: dict[str, Any]) -> dict[str, Any]:
    """园区A: two firms (one 规上); 镇B: one 规上 firm; with certificates 2017–2020."""
    a1 = make_enterprise(staff, regions["park_a"], "园区A一号科技有限公司", is_above_scale=True)
    a2 = make_enterprise(staff, regions["park_a"], "园区A二号科技有限公司")
    b1 = make_enterprise(staff, regions["town_b"], "镇B一号化工有限公司", is_above_scale=True)
    # HNTE: a1 2017 (expires 2020-xx) and re-certified 2020; a2 2019; b1 2020
    add_cert(staff, a1, "hnte", dt.date(2017, 11, 1))
    add_cert(staff, a1, "hnte", dt.date(2020, 10, 15))
    add_cert(staff, a2, "hnte", dt.date(2019, 12, 2))
    add_cert(staff, b1, "hnte", dt.date(2020, 12, 2))
    add_cert(staff, a1, "tech_sme", dt.date(2020, 5, 1))
    add_cert(staff, a2, "tech_sme", dt.date(2020, 5, 1))
    add_cert(staff, b1, "tech_sme", dt.date(2019, 5, 1))
    add_cert(staff, b1, "provincial_pool", dt.date(2020, 8, 1))
    add_facts(staff, a1, 2020, output_value="10000", hightech_output="6000")
    add_facts(staff, a2, 2020, output_value="500", hightech_output="500")  # not 规上
    add_facts(staff, b1, 2020, output_value="5000", hightech_output="1500.5")
    return {"a1": a1, "a2": a2, "b1": b1}


TODAY = dt.date(2021, 6, 30)

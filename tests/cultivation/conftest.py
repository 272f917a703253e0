"""A small cultivation county: a strong firm (A), a firm failing closable conditions
(B), a firm failing a condition a year cannot fix (C) and an HNTE holder whose
certificate expires next year, in 园区A and 镇B."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import make_enterprise

YEAR = 2021
AS_OF = dt.date(2021, 6, 30)


def wan(x: str) -> Decimal:
    return Decimal(x) * 10000


def record_facts(
    actor: Any,
    firm: Any,
    *,
    tech: int = 15,
    rd: str = "250",
    hightech: str = "3000",
    employees: int = 100,
    conversions: int = 6,
) -> None:
    from kechuang.enterprises.services import facts_record

    for year, revenue, assets in (
        (2018, "3000", "2000"),
        (2019, "3600", "2700"),
        (2020, "4300", "3700"),
    ):
        facts_record(
            actor=actor,
            enterprise=firm,
            fiscal_year=year,
            source="statistics",
            recorded_on=dt.date(year + 1, 3, 1),
            values={
                "employees": employees,
                "tech_staff": tech,
                "revenue_yuan": wan(revenue),
                "rd_expense_yuan": wan(rd),
                "rd_domestic_yuan": wan(rd),
                "net_assets_yuan": wan(assets),
                "total_income_yuan": wan("4000"),
                "non_taxable_income_yuan": Decimal(0),
                "hightech_income_yuan": wan(hightech),
                "conversions": conversions,
            },
        )


def add_ip(actor: Any, firm: Any, n: int, kind: str = "invention_patent") -> None:
    from kechuang.enterprises.services import ip_item_save

    for i in range(n):
        ip_item_save(
            actor=actor,
            enterprise=firm,
            data={
                "kind": kind,
                "number": f"ZL2019{firm.pk:04d}{i:04d}.1",
                "title": f"专利{i}",
                "granted_on": dt.date(2019, 5, 1),
            },
        )


@pytest.fixture
def county(staff: Any, regions: dict[str, Any]) -> dict[str, Any]:
    from kechuang.enterprises.services import certificate_save

    strong = make_enterprise(staff, regions["park_a"], "园区A强企有限公司")
    record_facts(staff, strong)
    add_ip(staff, strong, 2)
    closable = make_enterprise(staff, regions["park_a"], "园区A潜力有限公司")
    record_facts(staff, closable, tech=8, rd="160")
    add_ip(staff, closable, 2)
    weak = make_enterprise(staff, regions["town_b"], "镇B弱企有限公司", tech_domain="")
    record_facts(staff, weak, tech=2, rd="10", hightech="500", conversions=0)
    holder = make_enterprise(staff, regions["town_b"], "镇B老高企有限公司")
    record_facts(staff, holder)
    add_ip(staff, holder, 2)
    certificate_save(
        actor=staff,
        enterprise=holder,
        data={"kind": "hnte", "number": "GR201932009999", "issued_on": dt.date(2019, 11, 20)},
    )
    return {"strong": strong, "closable": closable, "weak": weak, "holder": holder}


@pytest.fixture
def pool(staff: Any, county: dict[str, Any]) -> dict[str, Any]:
    from kechuang.cultivation import services

    out = {}
    for key in ("strong", "closable", "weak"):
        out[key] = services.pool_propose(
            actor=staff, enterprise=county[key], on=dt.date(2021, 3, 1)
        )
    return out

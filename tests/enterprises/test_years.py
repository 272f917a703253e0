"""One rule for the year a page opens on: record pages on the latest complete reporting
year (`selectors.complete_year`), plan pages on the year after it; a year picked with
?year= is kept while moving between pages until ?year=default."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kechuang.accounts.models import User
from kechuang.core import periods
from kechuang.enterprises import selectors, services
from kechuang.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def _facts(actor: Any, firm: Enterprise, year: int) -> None:
    services.facts_record(
        actor=actor,
        enterprise=firm,
        fiscal_year=year,
        values={"employees": 50, "revenue_yuan": Decimal("12345000")},
        source="statistics",
    )


def test_three_rows_of_2021_leave_the_registry_and_the_board_on_their_years(
    demo_county, client_for
):
    kjj = User.objects.get(username="kjj")
    client = client_for(kjj)
    assert selectors.default_year(kjj) == 2020
    assert selectors.plan_year(kjj) == 2021
    firms = list(
        Enterprise.objects.filter(status="active", facts__fiscal_year=2020).order_by("pk")[:3]
    )
    for firm in firms:
        _facts(kjj, firm, 2021)
    assert selectors.latest_fiscal_year(kjj) == 2021  # a year with data, but not complete
    assert selectors.complete_year(kjj) == 2020

    registry = client.get("/enterprises/")
    assert registry.status_code == 200
    assert registry.context["table"].filters["year"] == 2020
    board = client.get("/cultivation/")
    assert board.status_code == 200
    assert board.context["year"] == 2021
    dashboard = client.get("/targets/region/321283/")
    assert dashboard.context["year"] == 2020
    firm_page = client.get(f"/enterprises/{firms[0].pk}/")
    assert firm_page.context["year"] == 2020


def test_a_year_is_complete_when_half_of_the_active_firms_reported_it(staff, regions):
    from tests.conftest import make_enterprise

    firms = [make_enterprise(staff, regions["town_b"]) for _ in range(4)]
    for firm in firms:
        _facts(staff, firm, 2019)
    _facts(staff, firms[0], 2020)
    assert selectors.complete_year(staff) == 2019  # 1 of 4
    _facts(staff, firms[1], 2020)
    assert selectors.complete_year(staff) == 2020  # 2 of 4: COMPLETE_YEAR_SHARE
    assert selectors.plan_year(staff) == 2021


def test_a_registry_with_no_complete_year_opens_on_its_best_covered_year(staff, regions):
    from tests.conftest import make_enterprise

    firms = [make_enterprise(staff, regions["town_b"]) for _ in range(5)]
    assert selectors.complete_year(staff) is None
    assert selectors.default_year(staff) == periods.today().year - 1
    _facts(staff, firms[0], 2018)
    _facts(staff, firms[1], 2018)
    _facts(staff, firms[2], 2019)
    assert selectors.complete_year(staff) == 2018


def test_a_picked_year_is_kept_across_pages_until_the_default_is_asked_for(staff, client_for):
    client = client_for(staff)
    assert client.get("/enterprises/?year=2019").context["table"].filters["year"] == 2019
    page = client.get("/enterprises/")
    assert page.context["table"].filters["year"] == 2019
    assert "数据年度 2019" in page.content.decode() and "?year=default" in page.content.decode()
    # A plan page opens on the application year that reads the kept year…
    assert client.get("/cultivation/").context["year"] == 2020
    # …and a plan year picked there is kept as the reporting year before it.
    client.get("/cultivation/?year=2018")
    assert client.get("/enterprises/").context["table"].filters["year"] == 2017
    assert client.get("/targets/targets/").context["year"] == 2018
    client.get("/enterprises/?year=default")
    assert "数据年度" not in client.get("/enterprises/").content.decode()

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied
from kechuang.targets import selectors
from kechuang.targets.indicators import Evaluator
from kechuang.targets.services import statistic_save, target_save, weight_save
from tests.conftest import make_enterprise
from tests.targets.conftest import TODAY, add_cert


def test_progress_is_value_over_target_with_the_date(county_firms: Any, regions: Any, staff: Any):
    target_save(actor=staff, region=regions["county"], year=2020, indicator="hnte_valid", value=4)
    rows = selectors.indicator_table(
        actor=staff,
        region=regions["county"],
        year=2020,
        ids=("hnte_valid",),
        evaluator=Evaluator(today=TODAY),
    )
    p = rows[0].progress
    assert p.progress == Decimal("0.75") and p.met is False and p.percent == Decimal("75.0")
    assert p.computed_on == TODAY


def test_greater_than_target_is_not_met_by_equality(county_firms: Any, regions: Any, staff: Any):
    t = target_save(
        actor=staff,
        region=regions["county"],
        year=2020,
        indicator="hnte_valid",
        value=3,
        comparison="gt",
    )
    assert selectors.progress_of(Decimal(3), t, TODAY).met is False
    assert selectors.progress_of(Decimal(4), t, TODAY).met is True


def test_assessment_ranks_areas_with_ties(regions: Any, staff: Any):
    from kechuang.accounts.models import Region

    town_d = Region.objects.create(
        code="321283103", name="镇D", kind="town", parent=regions["county"]
    )
    for area, n in (
        (regions["park_a"], 2),
        (regions["town_b"], 2),
        (regions["town_c"], 1),
        (town_d, 0),
    ):
        for k in range(n):
            firm = make_enterprise(staff, area, f"{area.name}企业{k}")
            add_cert(staff, firm, "hnte", dt.date(2020, 6, 1))
        target_save(actor=staff, region=area, year=2020, indicator="hnte_new", value=2)
    weight_save(actor=staff, year=2020, indicator="hnte_new", weight=100)
    _weights, rows = selectors.assessment(
        actor=staff, county=regions["county"], year=2020, evaluator=Evaluator(today=TODAY)
    )
    by_name = {r.region.name: (r.rank, r.score) for r in rows}
    assert by_name == {
        "园区A": (1, Decimal("100.00")),
        "镇B": (1, Decimal("100.00")),
        "镇C": (3, Decimal("50.00")),
        "镇D": (4, Decimal("0.00")),
    }


def test_officer_sees_only_their_own_line_of_the_assessment(
    regions: Any, staff: Any, officer_a: Any
):
    target_save(actor=staff, region=regions["park_a"], year=2020, indicator="hnte_new", value=1)
    target_save(actor=staff, region=regions["town_b"], year=2020, indicator="hnte_new", value=1)
    weight_save(actor=staff, year=2020, indicator="hnte_new", weight=1)
    _w, rows = selectors.assessment(actor=officer_a, county=regions["county"], year=2020)
    assert [r.region.name for r in rows] == ["园区A"]


def test_peer_ranking_is_for_the_bureau_only(regions: Any, officer_a: Any):
    with pytest.raises(PermissionDenied):
        selectors.peer_ranking(
            actor=officer_a, region=regions["county"], indicator_id="hnte_valid", year=2020
        )


def test_growth_figures_label_yoy_mean_and_cagr(regions: Any, staff: Any):
    # 100 → 150 → 180 → 216: yoy 0.2; rates 0.5, 0.2, 0.2 → mean 0.3; CAGR 2.16^(1/3) − 1
    for year, v in ((2017, 100), (2018, 150), (2019, 180), (2020, 216)):
        statistic_save(actor=staff, region=regions["peer"], year=year, key="hnte_valid", value=v)
    g = selectors.growth_figures(region=regions["peer"], indicator_id="hnte_valid", year=2020)
    assert g.yoy == Decimal("0.2") and g.mean3 == Decimal("0.3")
    assert g.cagr3 is not None and abs((g.cagr3 + 1) ** 3 - Decimal("2.16")) < Decimal("1e-30")
    # 125 → 216 over three years is exactly 20 % a year
    statistic_save(actor=staff, region=regions["peer"], year=2017, key="hnte_valid", value=125)
    g = selectors.growth_figures(region=regions["peer"], indicator_id="hnte_valid", year=2020)
    assert g.cagr3 == Decimal("0.2")

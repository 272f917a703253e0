"""After `kechuang demo`: the seed's 2020 pool intake and a 2021 pool of ≥150 firms,
counted by the selectors the annual report reads, on `demo_county` (loaded once per
session by tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.accounts.models import Region, User
from kechuang.cultivation import selectors
from kechuang.cultivation.forecast import forecast
from kechuang.cultivation.models import Ledger
from kechuang.targets.models import Target


@pytest.fixture
def county(demo_county: Any, db: Any) -> Region:
    return Region.objects.get(code="321283")


def test_pool_holds_the_seed_2020_intake_and_150_in_2021(county):
    assert selectors.pool_new(county, 2020) == 71
    assert selectors.pool_size(county, dt.date(2021, 12, 31)) >= 150
    assert selectors.pool_size(county, dt.date(2021, 6, 30)) >= 150


def test_ledgers_reach_varied_stages_and_past_batches_match_the_certificates(county):
    from kechuang.enterprises.models import Certificate

    stages = set(Ledger.objects.filter(year=2021).values_list("stage", flat=True))
    assert {"pool", "coaching", "materials", "audit", "submitted"} <= stages
    for year in (2018, 2019, 2020):
        certified = Ledger.objects.filter(year=year, stage="certified").count()
        assert certified == Certificate.objects.filter(kind="hnte", issued_on__year=year).count()
        assert Ledger.objects.filter(year=year, stage="failed").exists()


def test_targets_of_the_plan_are_split_across_areas(county):
    t = {x.indicator: x for x in Target.objects.filter(year=2021, region=county)}
    assert (
        t["hnte_new"].value,
        t["hnte_valid"].value,
        t["hnte_valid"].comparison,
        t["pool_size"].value,
    ) == (50, 260, "gt", 150)
    areas = Target.objects.filter(year=2021, region__parent=county)
    assert sum(x.value for x in areas.filter(indicator="pool_size")) == 150
    assert sum(x.value for x in areas.filter(indicator="hnte_new")) == 50
    # One source of truth: the county's plan is entered once, as rows of targets.
    assert Target.objects.filter(year=2021, region=county, indicator="pool_size").count() == 1


def test_forecast_and_officer_scope_on_the_demo(county):
    kjj = User.objects.get(username="kjj")
    f = forecast(actor=kjj, year=2021, calibrate=False)
    assert f.total.start_valid == 227 and f.total.pool_size >= 150
    assert f.total.new_n > 0 and f.total.unknown_n >= 0
    officer = User.objects.get(username="huangqiao")
    mine = forecast(actor=officer, year=2021, calibrate=False)
    assert [a.name for a, _x in mine.by_area] == ["黄桥镇"]
    assert mine.total.pool_size < f.total.pool_size


def test_pool_grades_are_readable_by_other_capabilities(county):
    """`cultivation_grade`: the pool page's grades, read by key (as loans do); a firm
    outside the pool has none."""
    from kechuang.core import periods, registry
    from kechuang.enterprises.models import Enterprise

    staff = User.objects.get(username="kjj")
    day = periods.as_of_for_fiscal_year(2020)
    rows = selectors.pool_rows(staff, day=day, year=day.year)
    members = [r.membership.enterprise_id for r in rows][:40]
    outsider = Enterprise.objects.exclude(pk__in=[r.membership.enterprise_id for r in rows]).first()
    assert members and outsider is not None
    read = registry.attribute_values("cultivation_grade", [*members, outsider.pk], 2020)
    on_page = {r.membership.enterprise_id: r.grade.code for r in rows}
    assert read == {pk: on_page[pk] for pk in members}

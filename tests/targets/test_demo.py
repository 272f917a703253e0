from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kechuang.demo.regions import ensure_regions
from kechuang.targets.demo import load_demo_statistics as _load
from kechuang.targets.indicators import Evaluator
from kechuang.targets.models import RegionalStatistic, Target
from tests.conftest import make_user


def load_demo_statistics(*, actor: Any) -> int:
    """The statistics phase runs after the demo's regions exist (as in `kechuang demo`)."""
    ensure_regions()
    return _load(actor=actor)


def test_demo_statistics_give_the_seed_peer_ranks_and_rates(db: Any):
    from kechuang.accounts.models import Region

    staff = county_bureau()
    assert load_demo_statistics(actor=staff) > 0
    ev = Evaluator(today=dt.date(2021, 6, 30))
    xinghua = Region.objects.get(code="321281")
    jingjiang = Region.objects.get(code="321282")
    taixing = Region.objects.get(code="321283")
    assert ev.value("hnte_valid_growth_avg_3y", xinghua, 2020).value.quantize(
        Decimal("0.01")
    ) == Decimal("39.73")
    assert ev.value("hnte_valid_growth_avg_3y", jingjiang, 2020).value.quantize(
        Decimal("0.01")
    ) == Decimal("32.29")
    # 泰兴's own counts come from records; here with no registry its statistics rank 2nd
    assert ev.value("rd_gdp_ratio", taixing, 2019).value == Decimal("2.65")
    assert ev.peer_rank("rd_gdp_ratio", taixing, 2019) == 2
    assert Target.objects.get(region=taixing, year=2021, indicator="hnte_valid").comparison == "gt"


def test_demo_statistics_rank_taixing_first_with_the_demo_counts(db: Any):
    """With 227 valid HNTE and 297 new tech-SMEs (what the demo county's records give),
    泰兴 ranks 1st; entered here as statistics since this test builds no registry."""
    from kechuang.accounts.models import Region
    from kechuang.targets.services import statistic_save

    staff = county_bureau()
    load_demo_statistics(actor=staff)
    taixing = Region.objects.get(code="321283")
    statistic_save(actor=staff, region=taixing, year=2020, key="hnte_valid", value=227)
    statistic_save(actor=staff, region=taixing, year=2020, key="tech_sme_new", value=297)
    ev = Evaluator()
    assert ev.peer_rank("hnte_valid", taixing, 2020) == 1
    assert ev.peer_rank("tech_sme_new", taixing, 2020) == 1


def test_demo_statistics_are_idempotent(db: Any):
    staff = county_bureau()
    load_demo_statistics(actor=staff)
    before = (RegionalStatistic.objects.count(), Target.objects.count())
    stamps = list(RegionalStatistic.objects.values_list("entered_at", flat=True))
    load_demo_statistics(actor=staff)
    assert (RegionalStatistic.objects.count(), Target.objects.count()) == before
    assert list(RegionalStatistic.objects.values_list("entered_at", flat=True)) == stamps


def county_bureau() -> Any:
    """The demo's bureau user: staff of 泰兴市."""
    from kechuang.demo.regions import COUNTY_CODE, ensure_regions

    return make_user("kjj", "staff", region=ensure_regions()[COUNTY_CODE])

"""One instance for a whole city: the city bureau's peer ranking is computed from the
records of every county on the instance, and from typed-in statistics only for a county
that is not on it. The expected figures are counted here by hand from the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db

YEAR = 2020
DAY = dt.date(YEAR, 12, 31)


def _cert(actor: Any, firm: Any, kind: str, number: str, issued_on: dt.date) -> None:
    from kechuang.enterprises.services import certificate_save

    certificate_save(
        actor=actor,
        enterprise=firm,
        data={"kind": kind, "number": number, "issued_on": issued_on},
    )


@pytest.fixture
def city(regions, staff, peer_bureau, peer_town, city_bureau) -> dict[str, Any]:
    """泰兴市 and 兴化市 with records, 靖江市 with typed-in statistics only."""
    from kechuang.accounts.models import Region
    from kechuang.targets.services import statistic_save

    jingjiang = Region.objects.create(
        code="321282", name="靖江市", kind="county", parent=regions["city"]
    )
    serial = iter(range(1, 100))
    taixing = [make_enterprise(staff, regions["town_b"]) for _ in range(4)]
    xinghua = [make_enterprise(peer_bureau, peer_town) for _ in range(6)]
    # 泰兴: 3 valid at the end of 2020 (one issued 2017 has lapsed), 2 new tech SMEs.
    for firm, issued in zip(
        taixing,
        (dt.date(2018, 11, 1), dt.date(2019, 12, 2), dt.date(2020, 11, 20), dt.date(2017, 11, 3)),
        strict=True,
    ):
        _cert(staff, firm, "hnte", f"GR{issued.year}32{next(serial):06d}", issued)
    for firm in taixing[:2]:
        _cert(staff, firm, "tech_sme", f"{YEAR}321283A{next(serial):07d}", dt.date(YEAR, 5, 1))
    # 兴化: 5 valid, 1 new tech SME (and one of 2019, which does not count for 2020).
    for firm in xinghua[:5]:
        _cert(peer_bureau, firm, "hnte", f"GR201932{next(serial):06d}", dt.date(2019, 11, 5))
    _cert(
        peer_bureau, xinghua[5], "tech_sme", f"{YEAR}321281A{next(serial):07d}", dt.date(YEAR, 6, 1)
    )
    _cert(
        peer_bureau, xinghua[4], "tech_sme", f"2019321281A{next(serial):07d}", dt.date(2019, 6, 1)
    )
    # Typed-in figures: 靖江 (not on the instance), and a stale one for 兴化 that the
    # records must win over.
    statistic_save(actor=staff, region=jingjiang, year=YEAR, key="hnte_valid", value=4)
    statistic_save(actor=staff, region=jingjiang, year=YEAR, key="tech_sme_new", value=9)
    statistic_save(actor=peer_bureau, region=regions["peer"], year=YEAR, key="hnte_valid", value=99)
    return {"jingjiang": jingjiang, **regions}


def by_hand(region: Any, indicator: str) -> Decimal | None:
    """Count from the certificate rows in Python, without the indicator code."""
    from kechuang.enterprises.models import Certificate
    from kechuang.targets.models import RegionalStatistic

    rows = [
        c
        for c in Certificate.objects.select_related("enterprise__region")
        if c.enterprise.region.path.startswith(region.path)
    ]
    if not rows:
        stat = RegionalStatistic.objects.filter(region=region, year=YEAR, key=indicator).first()
        return None if stat is None else Decimal(stat.value)
    if indicator == "hnte_valid":
        firms = {
            c.enterprise_id
            for c in rows
            if c.kind == "hnte"
            and c.issued_on <= DAY
            and c.issued_on.replace(year=c.issued_on.year + 3) > DAY
        }
    else:
        firms = {c.enterprise_id for c in rows if c.kind == "tech_sme" and c.issued_on.year == YEAR}
    return Decimal(len(firms))


@pytest.mark.parametrize("indicator", ["hnte_valid", "tech_sme_new"])
def test_city_bureau_peer_ranking_matches_the_records(city, city_bureau, indicator):
    from kechuang.targets.selectors import peer_ranking

    rows = peer_ranking(actor=city_bureau, region=city["county"], indicator_id=indicator, year=YEAR)
    got = {r.region.code: r.value.value for r in rows}
    want = {
        r.code: by_hand(r, indicator) for r in (city["county"], city["peer"], city["jingjiang"])
    }
    assert got == want
    assert want == (
        {"321283": 3, "321281": 5, "321282": 4}
        if indicator == "hnte_valid"
        else {"321283": 2, "321281": 1, "321282": 9}
    )
    status = {r.region.code: r.value.status for r in rows}
    assert status == {"321283": "records", "321281": "records", "321282": "statistic"}
    ranks = {r.region.code: r.rank for r in rows}
    ordered = sorted(want, key=lambda c: -want[c])
    assert [ranks[c] for c in ordered] == [1, 2, 3]


def test_county_bureau_ranks_other_counties_by_their_statistics(city, staff):
    """泰兴市's bureau: its own figure from the records, 兴化市's from the statistic
    entered for it (99), never from 兴化市's records."""
    from kechuang.targets.selectors import peer_ranking

    rows = peer_ranking(actor=staff, region=city["county"], indicator_id="hnte_valid", year=YEAR)
    got = {r.region.code: (r.value.value, r.value.status) for r in rows}
    assert got == {
        "321283": (3, "records"),
        "321281": (99, "statistic"),
        "321282": (4, "statistic"),
    }


def test_city_dashboard_totals_every_county(client, city, city_bureau):
    from kechuang.targets.indicators import Evaluator

    ev = Evaluator(actor=city_bureau)
    assert ev.value("hnte_valid", city["city"], YEAR).value == 3 + 5
    client.force_login(city_bureau)
    assert client.get("/targets/region/321200/").status_code == 200

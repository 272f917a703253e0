from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from kechuang.core import periods
from kechuang.cultivation import forecast as fc
from kechuang.cultivation import grading, services
from kechuang.cultivation.forecast import Figures, Item, combine

pytestmark = pytest.mark.django_db


def test_combine_is_exact_and_keeps_unknowns_apart():
    items = [
        Item(1, "new", Fraction(3, 4)),
        Item(2, "new", Fraction(1, 2)),
        Item(3, "new", Fraction(2, 3), unknown=True),
        Item(4, "renewal", Fraction(4, 5)),
        Item(5, "renewal", Fraction(0)),
    ]
    f = combine(items, Figures(start_valid=10, still_valid=8, expiring=2))
    assert (f.new, f.new_n) == (Fraction(5, 4), 2)
    assert (f.renewals, f.renewal_n) == (Fraction(4, 5), 2)
    assert (f.unknown_n, f.unknown_p) == (1, Fraction(2, 3))
    assert f.valid_end == 8 + Fraction(4, 5) + Fraction(5, 4)
    assert f.issued == Fraction(41, 20)


def test_shortfall_against_a_strict_target(staff, regions):
    t = services.target_set(
        actor=staff,
        year=2021,
        region=regions["county"],
        metric="hnte_valid",
        value=260,
        comparison="gt",
    )
    f = Figures(still_valid=200, renewals=Fraction(40), new=Fraction(41, 2))
    f.targets = {"hnte_valid": t}
    assert f.need("hnte_valid") == 261 and f.shortfall("hnte_valid") == 0.5


def test_forecast_on_a_small_county(staff, regions, county, pool):
    from tests.conftest import make_enterprise

    b1 = services.batch_save(
        actor=staff, data={"year": 2021, "seq": 1, "submit_by": dt.date(2021, 6, 30)}
    )
    from tests.cultivation.conftest import add_ip

    nodata = make_enterprise(
        staff, regions["park_a"], "园区A无数据有限公司"
    )  # patents, no yearly facts
    add_ip(staff, nodata, 1)
    services.pool_propose(actor=staff, enterprise=nodata, on=dt.date(2021, 3, 1))
    planned = []
    for _k, firm in (
        ("strong", county["strong"]),
        ("closable", county["closable"]),
        ("nodata", nodata),
    ):
        lg = services.ledger_open(actor=staff, enterprise=firm, year=2021, on=dt.date(2021, 3, 5))
        planned.append(lg)
    services.batch_plan(actor=staff, ledgers=planned, batch=b1)
    services.target_set(
        actor=staff, year=2021, region=regions["county"], metric="hnte_new", value=3
    )
    f = fc.forecast(actor=staff, year=2021)
    g = grading.grade_enterprises(
        [county["strong"], county["closable"], nodata], periods.application_as_of(2021)
    )
    t = f.total
    assert (t.start_valid, t.still_valid, t.expiring) == (1, 1, 0)  # the holder expires in 2022
    assert t.new == g[county["strong"].pk].p + g[county["closable"].pk].p and t.new_n == 2
    assert t.unknown_n == 1 and t.unknown_p == g[nodata.pk].p  # counted apart, never dropped
    assert t.valid_end == 1 + t.new
    assert t.pool_size == 4
    assert t.shortfall("hnte_new") == pytest.approx(3 - float(t.new))
    names = [c.enterprise.name for c in f.closers]
    assert names[0] == "镇B弱企有限公司"  # not yet planned: the only one that adds to the forecast
    assert ("园区A强企有限公司" in names) == (g[county["strong"].pk].p < 1)
    park = dict((a.code, x) for a, x in f.by_area)["321283401"]
    assert park.new_n == 2 and park.unknown_n == 1


def test_expiring_certificates_count_as_renewals_or_as_unknown(staff, county):
    # 2022 is assessed on fiscal 2019–2021; the holder has no 2021 facts yet: unknown, not dropped
    f = fc.forecast(actor=staff, year=2022, calibrate=False)
    g = grading.grade_one(county["holder"], periods.application_as_of(2022))
    assert f.total.expiring == 1 and g.has_unknown
    assert (f.total.renewal_n, f.total.unknown_n, f.total.unknown_p) == (0, 1, g.p)
    assert f.total.valid_end == 0

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.cultivation import selectors, services

pytestmark = pytest.mark.django_db


def walk(actor, lg, stages, year):
    for i, to in enumerate(stages):
        services.ledger_transition(actor=actor, ledger=lg, to=to, on=dt.date(year, 4 + i, 1))


def test_success_rates_by_area_batch_and_year(staff, county, pool):
    b = services.batch_save(
        actor=staff, data={"year": 2020, "seq": 1, "submit_by": dt.date(2020, 6, 30)}
    )
    path = ["coaching", "materials", "audit", "submitted", "review"]
    for k, end in (("strong", ["publicized", "certified"]), ("closable", ["failed"]), ("weak", [])):
        lg = services.ledger_open(
            actor=staff, enterprise=county[k], year=2020, on=dt.date(2020, 3, 5)
        )
        lg.call = b
        lg.save()
        walk(staff, lg, path + end if end else path[:2], 2020)
    by_year = selectors.success_rates(staff, by="year")
    assert [(r.label, r.applied, r.certified, r.failed, r.rate) for r in by_year] == [
        ("2020年", 2, 1, 1, 0.5)
    ]
    by_batch = selectors.success_rates(staff, by="batch")
    assert by_batch[0].label == "2020年第一批" and by_batch[0].rate_percent == "50.0%"
    by_area = {r.label: (r.applied, r.certified) for r in selectors.success_rates(staff, by="area")}
    assert by_area == {"园区A": (2, 1)}


def test_pool_size_and_pool_new_are_queries(staff, regions, pool):
    assert selectors.pool_size(regions["county"], dt.date(2021, 3, 1)) == 3
    assert selectors.pool_size(regions["park_a"], dt.date(2021, 3, 1)) == 2
    assert selectors.pool_size(regions["county"], dt.date(2021, 2, 28)) == 0
    assert selectors.pool_new(regions["town_b"], 2021) == 1
    services.pool_leave(
        actor=staff, membership=pool["weak"], reason="moved", on=dt.date(2021, 5, 1)
    )
    assert selectors.pool_size(regions["town_b"], dt.date(2021, 5, 1)) == 0
    assert selectors.pool_new(regions["town_b"], 2021) == 1


def test_officer_sees_only_own_pool_and_tasks(officer_a, staff, regions, county, pool):
    services.task_create(
        actor=staff, title="镇B任务", region=regions["town_b"], due_on=dt.date(2021, 6, 1)
    )
    names = {m.enterprise.name for m in selectors.membership_queryset(officer_a)}
    assert names == {"园区A强企有限公司", "园区A潜力有限公司"}
    assert not selectors.task_queryset(officer_a).exists()

"""Batches, targets and tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.cultivation import services
from kechuang.programmes.models import Task

pytestmark = pytest.mark.django_db


def batch(staff, seq=1, year=2021):
    return services.batch_save(
        actor=staff,
        data={
            "year": year,
            "seq": seq,
            "submit_by": dt.date(year, 6, 30),
            "review_on": dt.date(year, 9, 1),
            "certified_on": dt.date(year, 11, 20),
        },
    )


def test_batches_are_data_edited_by_staff(staff, officer_a):
    b = batch(staff)
    assert b.name == "2021年第一批"
    with pytest.raises(ValidationFailed, match=r"共1处"):
        batch(staff)
    with pytest.raises(ValidationFailed):
        services.batch_save(
            actor=staff, data={"year": 2021, "seq": 5, "submit_by": dt.date(2021, 6, 1)}
        )
    with pytest.raises(ValidationFailed):
        services.batch_save(
            actor=staff,
            data={
                "year": 2021,
                "seq": 2,
                "submit_by": dt.date(2021, 9, 1),
                "review_on": dt.date(2021, 8, 1),
            },
        )
    with pytest.raises(PermissionDenied):
        batch(officer_a, seq=3)


def test_a_and_b_firms_are_planned_into_a_batch_and_c_is_refused(staff, officer_a, county, pool):
    b1 = batch(staff)
    ledgers = {
        k: services.ledger_open(
            actor=staff, enterprise=county[k], year=2021, on=dt.date(2021, 3, 5)
        )
        for k in ("strong", "closable", "weak")
    }
    services.batch_plan(actor=officer_a, ledgers=[ledgers["strong"], ledgers["closable"]], batch=b1)
    assert {lg.batch_id for lg in (ledgers["strong"], ledgers["closable"])} == {b1.pk}
    with pytest.raises(ValidationFailed, match="C级"):
        services.batch_plan(actor=staff, ledgers=[ledgers["weak"]], batch=b1)
    with pytest.raises(ValidationFailed, match="2021年"):
        services.batch_plan(actor=staff, ledgers=[ledgers["strong"]], batch=batch(staff, year=2020))
    services.grade_override(actor=staff, membership=pool["weak"], grade="B", reason="局务会研究")
    services.batch_plan(actor=staff, ledgers=[ledgers["weak"]], batch=b1)


def test_targets_split_exactly(staff, regions):
    assert services.split_evenly(261, {"a": 57, "b": 53, "c": 30}) == {"a": 106, "b": 99, "c": 56}
    assert sum(services.split_evenly(50, {1: 3, 2: 3, 3: 3}).values()) == 50
    t = services.target_set(
        actor=staff,
        year=2021,
        region=regions["county"],
        metric="hnte_valid",
        value=260,
        comparison="gt",
    )
    assert not t.met_by(260) and t.met_by(261)


def test_tasks_go_down_to_officers_with_overdue_flags(staff, officer_a, officer_b, regions, county):
    t = services.task_create(
        actor=staff,
        title="完成专项审计",
        region=regions["park_a"],
        owner=officer_a,
        enterprise=county["strong"],
        due_on=dt.date(2021, 6, 10),
    )
    assert t.overdue_on(dt.date(2021, 6, 30)) and not t.overdue_on(dt.date(2021, 6, 1))
    with pytest.raises(ValidationFailed):
        services.task_create(
            actor=staff,
            title="x",
            region=regions["park_a"],
            owner=officer_b,
            due_on=dt.date(2021, 6, 10),
        )
    with pytest.raises(PermissionDenied):
        services.task_create(
            actor=officer_b, title="x", region=regions["park_a"], due_on=dt.date(2021, 6, 10)
        )
    with pytest.raises(PermissionDenied):
        services.task_set_status(actor=officer_b, task=t, status="done", on=dt.date(2021, 6, 5))
    services.task_set_status(actor=officer_a, task=t, status="done", on=dt.date(2021, 6, 5))
    t.refresh_from_db()
    assert t.status == Task.Status.DONE and not t.overdue_on(dt.date(2021, 7, 1))


def test_a_stale_copy_never_writes_back_over_another_decision(staff, officer_a, county):
    """出库 by one user, then a grade override from a page loaded before it: the firm
    stays out of the pool."""
    m = services.pool_propose(actor=staff, enterprise=county["strong"], on=dt.date(2021, 3, 1))
    stale = type(m).objects.get(pk=m.pk)
    services.pool_leave(actor=staff, membership=m, reason="withdrawn", on=dt.date(2021, 4, 1))
    services.grade_override(actor=staff, membership=stale, grade="A", reason="复核")
    m.refresh_from_db()
    assert (m.status, m.left_on, m.grade_override) == ("left", dt.date(2021, 4, 1), "A")
    with pytest.raises(ValidationFailed, match="只有在库企业可以出库"):
        services.pool_leave(actor=staff, membership=stale, reason="closed", on=dt.date(2021, 5, 1))


def test_form_ids_with_non_ascii_digits_are_no_one():
    from kechuang.cultivation import selectors

    assert selectors.user_choice("²") is None and selectors.batch_choice("１２") is None

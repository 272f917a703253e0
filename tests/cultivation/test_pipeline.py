from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.cultivation import pipeline, services
from kechuang.cultivation.models import PoolMembership

pytestmark = pytest.mark.django_db


def test_transitions_are_declared_as_data():
    assert pipeline.check_transition("publicized", "certified", "staff") == (True, "")
    ok, why = pipeline.check_transition("review", "certified", "staff")
    assert not ok and "公示" in why
    ok, why = pipeline.check_transition("submitted", "review", "officer")
    assert not ok and "科技局" in why
    assert pipeline.next_stages("pool", "officer") == ["coaching", "withdrawn"]


def test_officer_walks_own_firm_and_staff_records_the_decision(staff, officer_a, county, pool):
    lg = services.ledger_open(
        actor=officer_a, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    assert lg.officer == officer_a
    for i, to in enumerate(("coaching", "materials", "audit", "submitted")):
        services.ledger_transition(actor=officer_a, ledger=lg, to=to, on=dt.date(2021, 4, 1 + i))
    with pytest.raises(PermissionDenied, match="科技局"):
        services.ledger_transition(actor=officer_a, ledger=lg, to="review", on=dt.date(2021, 9, 1))
    services.ledger_transition(actor=staff, ledger=lg, to="review", on=dt.date(2021, 9, 1))
    with pytest.raises(PermissionDenied, match="不能从“专家评审”直接进入“认定”"):
        services.ledger_transition(actor=staff, ledger=lg, to="certified", on=dt.date(2021, 11, 1))
    services.ledger_transition(actor=staff, ledger=lg, to="publicized", on=dt.date(2021, 10, 20))
    services.ledger_transition(actor=staff, ledger=lg, to="certified", on=dt.date(2021, 11, 20))
    assert list(lg.events.values_list("stage", flat=True)) == [
        "pool",
        "coaching",
        "materials",
        "audit",
        "submitted",
        "review",
        "publicized",
        "certified",
    ]
    assert (
        AuditLog.objects.filter(object_type="cultivation.ledger", action="transition").count() == 7
    )
    m = PoolMembership.objects.get(pk=pool["strong"].pk)
    assert (
        m.status == "left" and m.leave_reason == "certified" and m.left_on == dt.date(2021, 11, 20)
    )


def _history(lg):
    events = list(lg.events.order_by("id").values_list("from_stage", "stage", "on", "by", "note"))
    audit = list(
        AuditLog.objects.filter(object_id=str(lg.pk), action="transition")
        .order_by("id")
        .values_list("actor", "note", "before", "after")
    )
    for entry in audit:  # the row's own timestamps differ between two ledgers
        for side in entry[2:]:
            for k in ("id", "created_at", "updated_at", "enterprise_id", "year", "unique_key"):
                side.pop(k, None)
    return events, audit


def test_a_walk_records_each_step_as_single_transitions_do(staff, county, pool):
    steps = [
        ("coaching", dt.date(2021, 4, 1)),
        ("materials", dt.date(2021, 4, 2)),
        ("audit", dt.date(2021, 4, 3)),
        ("submitted", dt.date(2021, 4, 4)),
        ("review", dt.date(2021, 9, 1)),
        ("publicized", dt.date(2021, 10, 1)),
        ("certified", dt.date(2021, 11, 1)),
    ]
    one = services.ledger_open(
        actor=staff, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    for to, on in steps:
        services.ledger_transition(actor=staff, ledger=one, to=to, on=on)
    other = services.ledger_open(
        actor=staff, enterprise=county["closable"], year=2021, on=dt.date(2021, 3, 5)
    )
    services.ledger_walk(actor=staff, ledger=other, steps=steps)
    assert (other.stage, other.version) == (one.stage, one.version)
    assert one.stage == "certified"
    assert _history(other) == _history(one)
    # the hook of 认定 ran: both firms left the pool
    for key in ("strong", "closable"):
        m = PoolMembership.objects.get(pk=pool[key].pk)
        assert (m.status, m.leave_reason) == ("left", "certified")


def test_a_walk_is_all_or_nothing(staff, officer_a, county, pool):
    lg = services.ledger_open(
        actor=staff, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    version = lg.version
    with pytest.raises(PermissionDenied, match="不能从“辅导”直接进入“专家评审”"):
        services.ledger_walk(
            actor=officer_a,
            ledger=lg,
            steps=[("coaching", dt.date(2021, 4, 1)), ("review", dt.date(2021, 4, 2))],
        )
    with pytest.raises(ValidationFailed, match="日期"):
        services.ledger_walk(
            actor=staff,
            ledger=lg,
            steps=[("coaching", dt.date(2021, 4, 2)), ("materials", dt.date(2021, 4, 1))],
        )
    lg.refresh_from_db()
    assert lg.stage == "pool" and lg.version == version
    assert list(lg.events.values_list("stage", flat=True)) == ["pool"]
    assert not AuditLog.objects.filter(object_id=str(lg.pk), action="transition").exists()


def test_officer_of_another_town_is_refused(officer_b, county, pool, staff):
    lg = services.ledger_open(
        actor=staff, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    with pytest.raises(PermissionDenied, match="不属于本区域"):
        services.ledger_transition(
            actor=officer_b, ledger=lg, to="coaching", on=dt.date(2021, 4, 1)
        )
    with pytest.raises(PermissionDenied):
        services.ledger_open(
            actor=officer_b, enterprise=county["closable"], year=2021, on=dt.date(2021, 3, 5)
        )


def test_dates_must_not_go_backwards(staff, county, pool):
    lg = services.ledger_open(
        actor=staff, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    with pytest.raises(ValidationFailed):
        services.ledger_transition(actor=staff, ledger=lg, to="coaching", on=dt.date(2021, 3, 1))


def test_officer_proposes_and_staff_approves(staff, officer_a, county):
    from kechuang.cultivation.selectors import pool_new, pool_size

    m = services.pool_propose(
        actor=officer_a, enterprise=county["closable"], on=dt.date(2021, 3, 1)
    )
    assert (
        m.status == "proposed"
        and m.entered_on is None
        and m.entry_check["ruleset"] == "jiangsu-pool-2018"
    )
    assert pool_size(None, dt.date(2021, 6, 30)) == 0
    services.pool_decide(actor=staff, membership=m, approve=True, on=dt.date(2021, 3, 8))
    assert pool_size(None, dt.date(2021, 3, 7)) == 0 and pool_size(None, dt.date(2021, 3, 8)) == 1
    assert pool_new(None, 2021) == 1
    services.pool_leave(actor=officer_a, membership=m, reason="withdrawn", on=dt.date(2021, 5, 1))
    assert pool_size(None, dt.date(2021, 5, 1)) == 0 and pool_new(None, 2021) == 1


def test_two_failures_take_a_firm_out_of_the_pool(staff, county, pool):
    for year in (2020, 2021):
        lg = services.ledger_open(
            actor=staff, enterprise=county["closable"], year=year, on=dt.date(year, 3, 5)
        )
        for i, to in enumerate(("coaching", "materials", "audit", "submitted", "review", "failed")):
            services.ledger_transition(actor=staff, ledger=lg, to=to, on=dt.date(year, 4 + i, 1))
    m = PoolMembership.objects.get(pk=pool["closable"].pk)
    assert m.status == "left" and m.leave_reason == "failed_twice"


def test_documents_are_checked_for_type_and_size(staff, county, pool, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lg = services.ledger_open(
        actor=staff, enterprise=county["strong"], year=2021, on=dt.date(2021, 3, 5)
    )
    with pytest.raises(ValidationFailed, match="只接受"):
        services.document_add(
            actor=staff, ledger=lg, title="x", file=SimpleUploadedFile("a.exe", b"MZ")
        )
    doc = services.document_add(
        actor=staff,
        ledger=lg,
        title="审计报告",
        file=SimpleUploadedFile("audit.pdf", b"%PDF-1.4 test"),
    )
    assert doc.size > 0 and doc.file.name.endswith(".pdf")

"""Cultivation's records move onto the programme frame with their ids, dates and
links (migration cultivation 0002), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("cultivation", "0001_initial"),
    ("programmes", "0001_initial"),
    ("targets", "0001_initial"),
]


@pytest.mark.django_db(transaction=True)
def test_cultivation_records_are_migrated_onto_the_frame():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("accounts", "Region")
    Enterprise = old.get_model("enterprises", "Enterprise")
    User = old.get_model("accounts", "User")
    county = Region.objects.create(code="321283", name="泰兴市", kind="county", path="321283/")
    town = Region.objects.create(
        code="321283101", name="镇B", kind="town", parent=county, path="321283/321283101/"
    )
    firm = Enterprise.objects.create(
        uscc="91321283MA1XXXXXX1", name="迁移测试有限公司", region=town
    )
    user = User.objects.create(username="kjj", role="staff")
    Batch = old.get_model("cultivation", "ApplicationBatch")
    Ledger = old.get_model("cultivation", "Ledger")
    Event = old.get_model("cultivation", "LedgerEvent")
    Visit = old.get_model("cultivation", "Visit")
    Task = old.get_model("cultivation", "Task")
    Target = old.get_model("cultivation", "CultivationTarget")
    batch = Batch.objects.create(
        year=2020,
        seq=1,
        name="2020年第一批",
        submit_by=dt.date(2020, 6, 30),
        review_on=dt.date(2020, 9, 1),
        publicize_on=dt.date(2020, 11, 1),
        certified_on=dt.date(2020, 12, 2),
    )
    ledger = Ledger.objects.create(
        enterprise=firm, year=2020, kind="first", stage="certified", batch=batch, officer=user
    )
    Event.objects.create(ledger=ledger, stage="pool", on=dt.date(2020, 3, 1), by=user)
    Event.objects.create(
        ledger=ledger, from_stage="publicized", stage="certified", on=dt.date(2020, 12, 2)
    )
    Visit.objects.create(ledger=ledger, visited_on=dt.date(2020, 4, 1), summary="走访")
    Task.objects.create(
        title="准备材料", region=town, enterprise=firm, batch=batch, due_on=dt.date(2020, 5, 1)
    )
    Target.objects.create(year=2021, region=town, metric="pool_size", value=12)

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    from kechuang.cultivation.models import ApplicationBatch
    from kechuang.cultivation.models import Ledger as NewLedger
    from kechuang.programmes.models import Task as NewTask
    from kechuang.programmes.models import Visit as NewVisit
    from kechuang.targets.models import Target as NewTarget

    moved = NewLedger.objects.get()
    assert (moved.pk, moved.programme, moved.stage, moved.unique_key) == (
        ledger.pk,
        "hnte",
        "certified",
        "2020",
    )
    assert moved.call_id == batch.pk and moved.officer_id == user.pk
    call = ApplicationBatch.objects.get()
    assert (call.closes_on, call.publicity_on, call.decided_on) == (
        dt.date(2020, 6, 30),
        dt.date(2020, 11, 1),
        dt.date(2020, 12, 2),
    )
    assert [(e.from_stage, e.stage) for e in moved.events.order_by("on")] == [
        ("", "pool"),
        ("publicized", "certified"),
    ]
    assert NewVisit.objects.get().enterprise_id == firm.pk
    task = NewTask.objects.get()
    assert (task.programme, task.call_id, task.enterprise_id) == ("hnte", batch.pk, firm.pk)
    target = NewTarget.objects.get(indicator="pool_size")
    assert (target.year, target.region_id, target.value) == (2021, town.pk, Decimal(12))
    # New rows after the copied ids: the sequences were moved past them.
    fresh = NewLedger(enterprise_id=firm.pk, year=2021, stage="pool")
    fresh.save()
    assert fresh.pk > ledger.pk

"""The typed-in outcomes of existing events (events 0002): a financing intention typed as
one total becomes one FinancingIntention row; a typed count of agreements names no
agreement, so it is kept as a sentence of 活动成效. The migration reverses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_typed_outcomes_become_records_and_back() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("accounts", "Region")
    county = Region.objects.create(code="321283", name="泰兴市", kind="county", path="321283/")
    Event = old.get_model("events", "Event")
    common = {"held_on": dt.date(2020, 5, 10), "place": "科创中心", "region": county}
    finance = Event.objects.create(
        kind="finance",
        title="科技金融进孵化器",
        organisers="泰兴市科技局",
        partners="江苏高投、泰州金控",
        financing_intention_yuan=Decimal("12005000.00"),
        **common,
    )
    iur = Event.objects.create(
        kind="iur",
        title="产学研对接会",
        organisers="泰兴市科技局",
        agreements_signed=3,
        outcomes="达成合作意向",
        **common,
    )
    Event.objects.create(kind="training", title="培训", organisers="泰兴市科技局", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    from kechuang.events.models import Event as NewEvent
    from kechuang.events.models import FinancingIntention

    [row] = FinancingIntention.objects.all()
    assert (row.event_id, row.amount_yuan, row.on) == (
        finance.pk,
        Decimal("12005000.00"),
        dt.date(2020, 5, 10),
    )
    assert row.investor == "江苏高投、泰州金控" and row.enterprise_id is None
    assert NewEvent.objects.get(pk=iur.pk).outcomes == (
        "达成合作意向\n原登记现场签约3份（未关联协议记录）。"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("events", "Event")
    assert back.objects.get(pk=finance.pk).financing_intention_yuan == Decimal("12005000.00")
    executor = MigrationExecutor(connection)
    executor.migrate(latest)

"""Existing institutions, carriers, talent and recommended commissioners get their
applications on the workflows (migration platforms 0003), and both migrations
(programmes 0002, platforms 0002–0003) reverse cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("platforms", "0001_initial"), ("programmes", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_onto_the_workflows_and_back():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("accounts", "Region")
    Enterprise = old.get_model("enterprises", "Enterprise")
    county = Region.objects.create(code="321283", name="泰兴市", kind="county", path="321283/")
    town = Region.objects.create(
        code="321283101", name="镇B", kind="town", parent=county, path="321283/321283101/"
    )
    firm = Enterprise.objects.create(
        uscc="91321283MA1XXXXXX1", name="迁移测试有限公司", region=town
    )
    Carrier = old.get_model("platforms", "Carrier")
    carrier = Carrier.objects.create(
        name="镇B孵化器",
        kind="incubator",
        level="provincial",
        operator="镇B人民政府",
        region=town,
        recognised_on=dt.date(2018, 5, 1),
    )
    old.get_model("platforms", "RdInstitution").objects.create(
        name="迁移工程中心",
        kind="engineering",
        level="provincial",
        enterprise=firm,
        approved_on=dt.date(2019, 12, 1),
    )
    old.get_model("platforms", "Talent").objects.create(
        name="甲", programme="national", year=2020, carrier=carrier
    )
    Commissioner = old.get_model("platforms", "Commissioner")
    Commissioner.objects.create(
        name="在册",
        institution="江南大学",
        expertise="化工",
        region=town,
        status="active",
        registered_on=dt.date(2017, 5, 1),
    )
    Commissioner.objects.create(
        name="待审",
        institution="江苏大学",
        expertise="机械",
        region=town,
        status="recommended",
        recommended_on=dt.date(2021, 6, 1),
    )
    Commissioner.objects.create(
        name="新登记",
        institution="常州大学",
        expertise="材料",
        region=town,
        status="active",
        recommended_on=dt.date(2020, 9, 1),
        registered_on=dt.date(2020, 12, 1),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    from kechuang.platforms.models import Carrier as NewCarrier
    from kechuang.platforms.models import Commissioner as NewCommissioner
    from kechuang.platforms.models import RdInstitution, Talent
    from kechuang.programmes.models import Application

    inst = RdInstitution.objects.select_related("application").get()
    assert (inst.application.programme, inst.application.stage) == (
        "platform_recognition",
        "recognised",
    )
    assert inst.application.enterprise_id == firm.pk
    c = NewCarrier.objects.select_related("application").get()
    assert (c.application.enterprise_id, c.application.region_id) == (None, town.pk)
    assert c.application.applicant == "镇B人民政府"
    t = Talent.objects.select_related("application").get()
    assert (t.application.stage, t.application.kind, t.application.region_id) == (
        "selected",
        "national",
        town.pk,
    )
    by_name = {x.name: x for x in NewCommissioner.objects.select_related("recommendation")}
    assert by_name["在册"].recommendation is None
    pending = by_name["待审"].recommendation
    assert pending.stage == "recommended"
    assert [e.stage for e in pending.events.all()] == ["recommended"]
    accepted = by_name["新登记"].recommendation
    assert [(e.stage, e.on) for e in accepted.events.order_by("on", "id")] == [
        ("recommended", dt.date(2020, 9, 1)),
        ("accepted", dt.date(2020, 12, 1)),
    ]
    assert Application.objects.count() == 5

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert not old.get_model("programmes", "Application").objects.exists()
    assert Commissioner.objects.count() == 3
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert Application.objects.count() == 5

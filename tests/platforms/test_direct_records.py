"""Records entered directly (a page's form or a sheet) get their application, at the
decided stage, with an event saying they were recorded directly (who, when), in the
same transaction — as migrated and demo records have theirs; the indicators still
count each record once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.tabular import write_rows_xlsx
from kechuang.platforms import services
from kechuang.platforms.models import Carrier, Commissioner, RdInstitution, Talent
from kechuang.platforms.sheets import COMMISSIONER_COLUMNS, TALENT_COLUMNS
from kechuang.platforms.workflow import RECOGNITION, RECOMMENDATION, TALENT
from kechuang.programmes.models import Application

pytestmark = pytest.mark.django_db


def _recorded_directly(app: Application | None, programme: str, stage: str, actor: Any) -> None:
    assert app is not None
    assert (app.programme, app.stage) == (programme, stage)
    events = list(app.events.order_by("id"))
    assert [e.stage for e in events][-1] == stage and len(events) == 2
    assert "直接登记" in events[-1].note and events[-1].by == actor
    assert AuditLog.objects.filter(
        object_type__endswith="application", object_id=str(app.pk), action="transition"
    ).exists()


def test_each_record_saved_directly_gets_its_decided_application(
    staff: Any, regions: Any, firm_a: Any, records: Any
) -> None:
    inst, carrier = records["institution"], records["carrier"]
    talent, c = records["talent"], records["commissioner_a"]
    for obj in (inst, carrier, talent, c):
        obj.refresh_from_db()
    _recorded_directly(inst.application, RECOGNITION, "recognised", staff)
    assert inst.application is not None
    assert inst.application.enterprise == firm_a and inst.application.kind == "institution"
    assert inst.application.events.last().on == inst.approved_on  # type: ignore[union-attr]
    _recorded_directly(carrier.application, RECOGNITION, "recognised", staff)
    assert carrier.application is not None and carrier.application.region == regions["park_a"]
    _recorded_directly(talent.application, TALENT, "selected", staff)
    assert talent.application is not None and talent.application.kind == "national"
    _recorded_directly(c.recommendation, RECOMMENDATION, "accepted", staff)
    # an edit does not open a second one
    n = Application.objects.count()
    services.talent_save(
        actor=staff,
        data={
            "name": "园区A人才",
            "programme": "national",
            "year": 2020,
            "field": "化工",
            "enterprise": firm_a,
        },
        talent=talent,
    )
    assert Application.objects.count() == n


def test_sheets_recording_talent_and_commissioners_give_them_applications(
    staff: Any, regions: Any, firm_a: Any
) -> None:
    def run(kind: str, columns: Any, rows: list[list[Any]]) -> None:
        out = io.BytesIO()
        write_rows_xlsx(out, [c.header for c in columns], rows)
        plan = imports.import_run(
            actor=staff, kind=kind, data=out.getvalue(), filename="x.xlsx", commit=True
        )
        assert plan.ok, plan.errors

    run("talent", TALENT_COLUMNS, [["孙导入", "省双创人才", 2020, "化工", firm_a.uscc, "", None]])
    run(
        "commissioners",
        COMMISSIONER_COLUMNS,
        [["钱导入", "江南大学", "食品", None, "镇B", None, dt.date(2020, 3, 1)]],
    )
    t = Talent.objects.get(name="孙导入")
    _recorded_directly(t.application, TALENT, "selected", staff)
    c = Commissioner.objects.get(name="钱导入")
    _recorded_directly(c.recommendation, RECOMMENDATION, "accepted", staff)
    assert c.recommendation is not None and c.recommendation.events.last().on == dt.date(2020, 3, 1)  # type: ignore[union-attr]


def test_a_record_whose_application_is_under_way_is_refused_whole(staff: Any, firm_a: Any) -> None:
    services.recognition_apply(
        actor=staff,
        data={
            "target": "institution",
            "name": "在办工程中心",
            "kind": "engineering",
            "level": "city",
            "enterprise": firm_a,
        },
        on=dt.date(2020, 5, 1),
    )
    with pytest.raises(ValidationFailed, match="已有申报（已申报）"):
        services.institution_save(
            actor=staff,
            data={
                "name": "在办工程中心",
                "kind": "engineering",
                "level": "city",
                "enterprise": firm_a,
                "approved_on": dt.date(2020, 6, 1),
            },
        )
    # nothing half-written: the institution is not there without its application
    assert not RdInstitution.objects.filter(name="在办工程中心").exists()


def test_direct_records_do_not_count_twice_in_the_2020_report(demo_county: Any) -> None:
    from kechuang.accounts.models import Region, User
    from tests.platforms.test_demo_figures import SEED, _value

    kjj = User.objects.get(username="kjj")
    county = Region.objects.get(code="321283")
    area = Region.objects.filter(path__startswith=county.path).exclude(pk=county.pk).first()
    assert area is not None
    assert {k: _value(k) for k in SEED} == SEED
    on = dt.date(2020, 9, 1)
    # on the roll from the province's list, a carrier recognised: neither is an id of
    # the report, and their applications are not counted as recommendations
    services.commissioner_register(
        actor=kjj,
        data={"name": "直登特派员", "institution": "江苏大学", "expertise": "机械", "region": area},
        registered_on=on,
    )
    services.carrier_save(
        actor=kjj,
        data={
            "name": "直登众创空间",
            "kind": "makerspace",
            "level": "county",
            "operator": "某公司",
            "region": area,
            "recognised_on": on,
        },
    )
    assert {k: _value(k) for k in SEED} == SEED
    assert Carrier.objects.get(name="直登众创空间").application is not None

"""The programme frame's generic services, on the example workflow of tests/example_app
(the firm submits, the area checks, the bureau approves)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.programmes import selectors, services
from kechuang.programmes.models import Objection, Publicity
from kechuang.programmes.workflow import Stage, Workflow

pytestmark = pytest.mark.django_db
D = dt.date(2021, 3, 1)


def open_app(actor, firm, **extra):
    return services.application_open(
        actor=actor, programme="example_rd", enterprise=firm, year=2020, on=D, **extra
    )


def test_workflow_data_is_checked_when_declared():
    with pytest.raises(ValueError, match="unknown stages"):
        Workflow(
            programme="x",
            label="x",
            stages=(Stage("a", "甲"),),
            transitions={("a", "b"): frozenset({"staff"})},
            initial="a",
        )


def test_an_application_is_unique_by_its_key_and_opened_in_scope(staff, officer_a, firm_b):
    open_app(staff, firm_b, unique_key="2020")
    with pytest.raises(ValidationFailed, match="已存在"):
        open_app(staff, firm_b, unique_key="2020")
    with pytest.raises(PermissionDenied, match="不属于本区域"):
        open_app(officer_a, firm_b)


def test_a_move_from_a_stale_page_is_a_conflict_and_leaves_nothing(staff, firm_b):
    app = open_app(staff, firm_b)
    services.application_transition(
        actor=staff, application=app, to="submitted", on=D, expected_stage="draft"
    )
    events = app.events.count()
    with pytest.raises(Conflict, match="已被他人办理至“已提交”"):
        services.application_transition(
            actor=staff, application=app, to="submitted", on=D, expected_stage="draft"
        )
    assert app.events.count() == events
    app.refresh_from_db()
    assert (app.stage, app.version) == ("submitted", 2)


def test_dates_do_not_go_backwards_and_every_move_is_audited(staff, firm_b):
    app = open_app(staff, firm_b)
    services.application_transition(actor=staff, application=app, to="submitted", on=D)
    with pytest.raises(ValidationFailed, match="早于上一环节"):
        services.application_transition(
            actor=staff, application=app, to="checked", on=D - dt.timedelta(days=1)
        )
    notes = list(
        AuditLog.objects.filter(action="transition", object_id=str(app.pk)).values_list(
            "note", flat=True
        )
    )
    assert notes == ["填报 → 已提交"]


def test_calls_keep_their_dates_in_order_and_unique(staff, officer_a):
    data = {"year": 2021, "seq": 1, "opens_on": D, "closes_on": dt.date(2021, 4, 1)}
    call = services.call_save(actor=staff, programme="example_rd", data=data)
    assert call.name == "2021年第一批" and call.is_open_on(dt.date(2021, 3, 15))
    with pytest.raises(ValidationFailed) as err:
        services.call_save(actor=staff, programme="example_rd", data=data)
    assert "2021年第1批已存在" in err.value.lines()[0]
    bad = {**data, "seq": 2, "review_on": dt.date(2021, 3, 20)}
    with pytest.raises(ValidationFailed) as err:
        services.call_save(actor=staff, programme="example_rd", data=bad)
    assert err.value.lines() == ["评审日期: 早于2021-04-01"]
    with pytest.raises(PermissionDenied):
        services.call_save(actor=officer_a, programme="example_rd", data={**data, "seq": 3})


def test_publicity_objection_round_trip(staff, enterprise_user, officer_a, firm_b):
    app = open_app(staff, firm_b)
    pub = services.publicity_publish(
        actor=staff,
        programme="example_rd",
        title="2020年度加计扣除备案名单公示",
        starts_on=D,
        ends_on=dt.date(2021, 3, 7),
        applications=[app],
        summaries={app.pk: "备案额 12.50 万元"},
    )
    entry = selectors.publicity_entries(pub).get()
    assert entry.summary == "备案额 12.50 万元"
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=officer_a, entry=entry, reason="数字不对", on=D)
    with pytest.raises(ValidationFailed, match="现不受理"):
        services.objection_file(
            actor=enterprise_user, entry=entry, reason="数字不对", on=dt.date(2021, 3, 8)
        )
    obj = services.objection_file(actor=enterprise_user, entry=entry, reason="金额少计", on=D)
    with pytest.raises(ValidationFailed, match="尚有1件异议未处理"):
        services.publicity_freeze(actor=staff, publicity=pub, on=dt.date(2021, 3, 8))
    services.objection_resolve(
        actor=staff, objection=obj, upheld=True, resolution="已更正", on=dt.date(2021, 3, 8)
    )
    with pytest.raises(Conflict):
        services.objection_resolve(
            actor=staff, objection=obj, upheld=False, resolution="再议", on=dt.date(2021, 3, 8)
        )
    with pytest.raises(ValidationFailed, match="期满后方可定稿"):
        services.publicity_freeze(actor=staff, publicity=pub, on=dt.date(2021, 3, 7))
    services.publicity_freeze(actor=staff, publicity=pub, on=dt.date(2021, 3, 8))
    assert Publicity.objects.get().status == "frozen"
    assert Objection.objects.get().status == "upheld"
    assert list(selectors.objections_of(actor=officer_a, publicity=pub)) == []


def test_awards_are_exact_yuan_and_paid_once(staff, firm_b):
    app = open_app(staff, firm_b)
    with pytest.raises(ValidationFailed, match="最多两位小数"):
        services.award_grant(
            actor=staff, application=app, title="奖补", amount_yuan="100.001", granted_on=D
        )
    award = services.award_grant(
        actor=staff, application=app, title="奖补", amount_yuan="125000.50", granted_on=D
    )
    assert award.amount_yuan == Decimal("125000.50")
    services.award_pay(actor=staff, award=award, paid_on=dt.date(2021, 4, 1))
    with pytest.raises(Conflict, match="已于2021-04-01拨付"):
        services.award_pay(actor=staff, award=award, paid_on=dt.date(2021, 4, 2))


def test_attachments_are_checked_and_read_only_in_scope(
    staff, officer_a, firm_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    app = open_app(staff, firm_b)
    with pytest.raises(ValidationFailed, match="只接受"):
        services.attachment_add(
            actor=staff, enterprise=firm_b, application=app, file=SimpleUploadedFile("a.exe", b"x")
        )
    doc = services.attachment_add(
        actor=staff,
        enterprise=firm_b,
        application=app,
        file=SimpleUploadedFile("审计报告.pdf", b"%PDF-1.4"),
    )
    assert selectors.attachment_get(actor=staff, pk=doc.pk).title == "审计报告"
    with pytest.raises(Exception, match="无权查看"):
        selectors.attachment_get(actor=officer_a, pk=doc.pk)


def test_tasks_and_visits(staff, officer_b, officer_a, helper_user, firm_a, firm_b, regions):
    task = services.task_create(
        actor=officer_b,
        title="上门核实",
        region=regions["town_b"],
        enterprise=firm_b,
        due_on=dt.date(2021, 4, 1),
        programme="example_rd",
    )
    assert list(selectors.task_queryset(officer_a)) == []
    assert task.overdue_on(dt.date(2021, 4, 2))
    services.task_set_status(actor=officer_b, task=task, status="done", on=dt.date(2021, 3, 30))
    assert not task.overdue_on(dt.date(2021, 4, 2))
    visit = services.visit_record(
        actor=helper_user, enterprise=firm_a, visited_on=D, summary="了解研发投入"
    )
    assert list(selectors.visits_of(actor=helper_user, enterprise=firm_a)) == [visit]
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=helper_user, enterprise=firm_b, visited_on=D, summary="x")


def test_an_attachment_goes_with_its_own_enterprise(staff, firm_a, firm_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = open_app(staff, firm_b)
    with pytest.raises(ValidationFailed, match="不一致"):
        services.attachment_add(
            actor=staff, enterprise=firm_a, application=app, file=SimpleUploadedFile("a.pdf", b"%")
        )


def test_a_firm_deleted_after_publication_stays_in_its_publicity_marked_for_staff(
    staff, officer_b, firm_b, firm_a
):
    from kechuang.enterprises.services import enterprise_delete

    apps = [open_app(staff, firm_a), open_app(staff, firm_b)]
    pub = services.publicity_publish(
        actor=staff,
        programme="example_rd",
        title="2020年度名单公示",
        starts_on=D,
        ends_on=dt.date(2021, 3, 7),
        applications=apps,
    )
    enterprise_delete(actor=staff, enterprise=firm_b, reason="重复登记")
    # the published list is not rewritten: both lines stay, in their order
    assert [e.application.enterprise_id for e in selectors.publicity_entries(pub)] == [
        firm_a.pk,
        firm_b.pk,
    ]
    lines = selectors.publicity_lines(actor=staff, publicity=pub)
    assert [(line["name"], line["note"]) for line in lines] == [
        (firm_a.name, ""),
        (firm_b.name, "已删除"),
    ]
    # only bureau staff are told; others read the list as it was published
    assert [line["note"] for line in selectors.publicity_lines(actor=officer_b, publicity=pub)] == [
        "",
        "",
    ]

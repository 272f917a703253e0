"""Everyday tools on cultivation: 入库 from the enterprise page and from list selections,
指定责任人 for selected ledgers, the pool and tasks as paged/exported lists, helpers on
the ledgers of their firms, and the 待办 page of each role."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core.registry import todo_count, todo_sections
from kechuang.core.tabular import read_table
from kechuang.cultivation import services
from kechuang.cultivation.models import PoolMembership
from kechuang.programmes.models import Task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 6, 30)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.KECHUANG_TODAY = TODAY


@pytest.fixture
def ledgers(staff, county, pool):
    return {
        k: services.ledger_open(
            actor=staff, enterprise=county[k], year=2021, on=dt.date(2021, 3, 5)
        )
        for k in ("strong", "closable", "weak")
    }


def status_of(firm):
    m = PoolMembership.objects.filter(enterprise=firm).exclude(status="rejected").first()
    return m.status if m else None


# -- 入库 from the enterprise page and from the list ---------------------------------------------


def test_the_panel_offers_and_does_入库(client, staff, officer_b, county):
    holder = county["holder"]
    client.force_login(officer_b)
    page = client.get(f"/enterprises/{holder.pk}/").content.decode()
    assert 'id="panel-propose"' in page and "推荐入库" in page
    r = client.post(
        f"/cultivation/enterprise/{holder.pk}/propose/", {"reason": "研发投入高"}, follow=True
    )
    assert status_of(holder) == "proposed"
    assert "已推荐“镇B老高企有限公司”，待科技局审核" in r.content.decode()
    assert 'id="panel-propose"' not in r.content.decode()  # already proposed: no button


def test_an_officer_cannot_propose_another_areas_firm_from_its_page(client, officer_a, county):
    client.force_login(officer_a)
    r = client.post(f"/cultivation/enterprise/{county['holder'].pk}/propose/")
    assert r.status_code == 404 and status_of(county["holder"]) is None


def test_bulk_入库_from_the_enterprise_list(client, staff, county, pool):
    client.force_login(staff)
    page = client.get("/enterprises/").content.decode()
    assert 'name="ids"' in page and "加入培育库" in page
    ids = [county["holder"].pk, county["strong"].pk]
    r = client.post(
        "/cultivation/pool/propose-selected/",
        {"ids": ids, "next": "/enterprises/?year=2020"},
    )
    assert r.status_code == 302 and r["Location"] == "/enterprises/?year=2020"
    assert status_of(county["holder"]) == "active"
    page = client.get("/enterprises/?year=2020").content.decode()
    assert "已入库 1 家；1 家已在培育库中或已被推荐，未重复入库：园区A强企有限公司" in page


def test_bulk_入库_drops_firms_outside_the_officers_area_and_needs_a_selection(
    client, officer_a, county
):
    client.force_login(officer_a)
    client.post(
        "/cultivation/pool/propose-selected/",
        {"ids": [county["holder"].pk, county["strong"].pk]},
    )
    assert status_of(county["strong"]) == "proposed"
    assert status_of(county["holder"]) is None
    r = client.post("/cultivation/pool/propose-selected/", {"ids": []}, follow=True)
    assert "请先勾选企业" in r.content.decode()


def test_bulk_入库_is_one_transaction(officer_a, county):
    from kechuang.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.pool_propose_many(
            actor=officer_a,
            enterprises=[county["strong"], county["holder"]],
            on=TODAY,
        )
    assert status_of(county["strong"]) is None


def test_enterprise_and_helper_users_have_no_bulk_actions(client, enterprise_user):
    client.force_login(enterprise_user)
    page = client.get("/enterprises/").content.decode()
    assert 'name="ids"' not in page and "加入培育库" not in page
    assert client.post("/cultivation/pool/propose-selected/", {"ids": [1]}).status_code == 403


def test_assign_a_责任人_to_the_selected_ledgers(
    client, staff, officer_a, officer_b, county, ledgers
):
    client.force_login(staff)
    page = client.get("/cultivation/pool/?year=2021").content.decode()
    assert "指定责任人" in page and 'name="officer"' in page
    ids = [county["strong"].pk, county["closable"].pk]
    r = client.post(
        "/cultivation/ledgers/assign-selected/",
        {"ids": ids, "officer": officer_a.pk, "year": 2021, "next": "/cultivation/pool/?year=2021"},
        follow=True,
    )
    assert "已指定园区A干部为责任人 2 家" in r.content.decode()
    for key in ("strong", "closable"):
        ledgers[key].refresh_from_db()
        assert ledgers[key].officer == officer_a
    # 镇B's officer answers not for 园区A: nothing changes.
    r = client.post(
        "/cultivation/ledgers/assign-selected/",
        {"ids": ids, "officer": officer_b.pk, "year": 2021},
        follow=True,
    )
    assert "不负责" in r.content.decode()
    ledgers["strong"].refresh_from_db()
    assert ledgers["strong"].officer == officer_a


# -- lists: paged, sorted, exported ------------------------------------------------------------


def test_the_pool_is_a_paged_sortable_exportable_list(client, staff, county, pool):
    client.force_login(staff)
    page = client.get("/cultivation/pool/?year=2021&sort=name").content.decode()
    assert 'id="pool-table"' in page and "导出" in page
    assert page.index("园区A强企") < page.index("镇B弱企")
    page = client.get("/cultivation/pool/?year=2021&sort=-name").content.decode()
    assert page.index("镇B弱企") < page.index("园区A强企")
    page = client.get("/cultivation/pool/?year=2021&grade=C").content.decode()
    assert "园区A强企" not in page
    r = client.get("/cultivation/pool/?year=2021&export=xlsx")
    rows = read_table(r.content, "x.xlsx").rows
    assert {cells[0] for _n, cells in rows} == {
        "园区A强企有限公司",
        "园区A潜力有限公司",
        "镇B弱企有限公司",
    }


def test_tasks_are_a_listing_with_export(client, staff, regions):
    services.task_create(
        actor=staff, title="补充研发台账", region=regions["park_a"], due_on=dt.date(2021, 5, 1)
    )
    client.force_login(staff)
    page = client.get("/cultivation/tasks/?year=2021").content.decode()
    assert "补充研发台账" in page and "逾期" in page
    rows = read_table(client.get("/cultivation/tasks/?export=xlsx").content, "x.xlsx").rows
    assert rows[0][1][0] == "补充研发台账"


# -- helpers on the ledgers of their firms -----------------------------------------------------


@pytest.fixture
def helper_on_strong(county):
    from kechuang.enterprises.models import HelperAssignment
    from tests.conftest import make_user

    user = make_user("helper2", "helper", display_name="帮办员乙")
    HelperAssignment.objects.create(user=user, enterprise=county["strong"])
    return user


def test_a_helper_reads_and_records_a_visit_on_an_assigned_ledger(
    client, helper_on_strong, ledgers
):
    client.force_login(helper_on_strong)
    strong, weak = ledgers["strong"], ledgers["weak"]
    page = client.get(f"/cultivation/ledgers/{strong.pk}/").content.decode()
    assert "园区A强企有限公司" in page and 'id="visit-form"' in page
    assert "/transition/" not in page and "/edit/" not in page and "培育看板" not in page
    r = client.post(
        f"/cultivation/ledgers/{strong.pk}/visit/",
        {"visited_on": "2021-06-01", "summary": "上门辅导研发费用归集"},
        follow=True,
    )
    assert "走访已记录" in r.content.decode() and "上门辅导研发费用归集" in r.content.decode()
    assert client.get(f"/cultivation/ledgers/{weak.pk}/").status_code == 404
    assert (
        client.post(f"/cultivation/ledgers/{weak.pk}/visit/", {"summary": "x"}).status_code == 404
    )
    # Nothing else of cultivation.
    assert client.get("/cultivation/").status_code == 403
    assert client.get("/cultivation/pool/").status_code == 403
    r = client.post(f"/cultivation/ledgers/{strong.pk}/transition/", {"to": "coaching"})
    assert r.status_code == 403


# -- 待办 ------------------------------------------------------------------------------------------


@pytest.fixture
def work(staff, officer_a, officer_b, regions, county, pool):
    from kechuang.cultivation.models import ApplicationBatch

    services.task_create(
        actor=staff, title="园区A逾期任务", region=regions["park_a"], due_on=dt.date(2021, 5, 1)
    )
    services.task_create(
        actor=staff, title="镇B本月任务", region=regions["town_b"], due_on=dt.date(2021, 7, 15)
    )
    ApplicationBatch.objects.create(
        year=2021, seq=1, name="2021年第一批", closes_on=dt.date(2021, 7, 20)
    )
    ApplicationBatch.objects.create(
        year=2021, seq=2, name="2021年第二批", closes_on=dt.date(2021, 9, 20)
    )
    services.pool_propose(actor=officer_b, enterprise=county["holder"], on=TODAY)
    # 镇B老高企's certificate (2019-11-20) ends in 2022: not yet within 180 days.
    from kechuang.enterprises.services import certificate_save

    certificate_save(
        actor=staff,
        enterprise=county["weak"],
        data={"kind": "hnte", "number": "GR201832000777", "issued_on": dt.date(2018, 11, 30)},
    )


def section(user, key):
    return next(s for s in todo_sections(user, TODAY) if s.source.key == key)


def titles(user, key):
    return [i.title for i in section(user, key).items]


def test_staff_todo_has_tasks_deadlines_certificates_and_proposals(client, staff, work):
    tasks = section(staff, "hnte-tasks")
    assert [i.title for i in tasks.items] == ["园区A逾期任务", "镇B本月任务"]
    assert tasks.items[0].overdue and not tasks.items[1].overdue
    assert titles(staff, "hnte-deadlines") == ["2021年第一批 网上申报截止"]
    assert titles(staff, "certificates-expiring") == [
        "镇B弱企有限公司 高新技术企业证书到期（GR201832000777）"
    ]
    assert titles(staff, "pool-proposals") == ["镇B老高企有限公司 推荐入库，待审核"]
    assert todo_count(staff, TODAY) == 2 + 1 + 1 + 1
    client.force_login(staff)
    page = client.get("/todo/").content.decode()
    assert "园区A逾期任务" in page and "已逾期" in page and 'id="todo-count">5<' in page


def test_an_officers_todo_is_their_area(officer_a, officer_b, work):
    assert titles(officer_a, "hnte-tasks") == ["园区A逾期任务"]
    assert titles(officer_a, "certificates-expiring") == []
    assert titles(officer_b, "certificates-expiring") != []
    assert "pool-proposals" not in {s.source.key for s in todo_sections(officer_a, TODAY)}
    assert [i.title for i in section(officer_a, "ledgers-awaiting").items] == []


def test_an_enterprise_user_sees_their_own_certificate_only(client, enterprise_user, firm_b, staff):
    from kechuang.enterprises.services import certificate_save

    # An older certificate already followed by the 2019 one is no reminder.
    certificate_save(
        actor=staff,
        enterprise=firm_b,
        data={"kind": "hnte", "number": "GR201632000888", "issued_on": dt.date(2016, 10, 30)},
    )
    day = dt.date(2022, 8, 1)  # the 2019-11-22 certificate ends within 180 days
    # The enterprise has other capabilities' sections too (its vouchers, its requests);
    # this one lists its own certificate only.
    sections = {s.source.key: s for s in todo_sections(enterprise_user, day)}
    assert "certificates-expiring" in sections
    found = sections["certificates-expiring"].items
    assert [i.title for i in found] == [
        "镇B精细化工有限公司 高新技术企业证书到期（GR201932000001）"
    ]
    now = {s.source.key: s for s in todo_sections(enterprise_user, TODAY)}
    assert now["certificates-expiring"].items == []
    client.force_login(enterprise_user)
    assert client.get("/todo/").status_code == 200


def test_a_helpers_todo_has_the_tasks_given_to_them(helper_user, staff, regions):
    from kechuang.programmes import services as programme_services

    programme_services.task_create(
        actor=staff,
        title="走访企业",
        region=regions["park_a"],
        due_on=dt.date(2021, 7, 1),
        owner=helper_user,
        programme="hnte",
    )
    assert titles(helper_user, "hnte-tasks") == ["走访企业"]
    assert Task.objects.count() == 1


def test_ledgers_awaiting_the_bureau_and_the_officer(staff, officer_a, ledgers):
    services.ledger_transition(actor=staff, ledger=ledgers["strong"], to="coaching", on=TODAY)
    assert {i.title for i in section(officer_a, "ledgers-awaiting").items} == {
        "园区A强企有限公司 2021年台帐：辅导",
        "园区A潜力有限公司 2021年台帐：入库",
    }
    assert section(staff, "ledgers-awaiting").items == []  # nothing at 网上申报 or later

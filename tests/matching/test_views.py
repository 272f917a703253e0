"""The 产学研 and 活动 pages: each renders for the bureau; every route, filled with the
records of one firm, is refused to the users who may not see that firm (the scoping walk
of tests/test_scoping.py, with records of these apps in place), and lists and exports
never name it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.models import AuditLog
from kechuang.events import services as event_services
from kechuang.matching import services
from tests.test_scoping import all_routes

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def records(staff: Any, firm_a: Any, regions: Any) -> dict[str, int]:
    """One record of each kind that belongs to firm_a (园区A)."""
    inst = services.institution_save(actor=staff, data={"name": "江苏大学", "kind": "university"})
    x = services.expert_save(
        actor=staff, data={"name": "韩立伟", "institution": inst, "fields": "离心泵 汽蚀"}
    )
    ach = services.achievement_save(
        actor=staff, data={"title": "高效泵", "description": "离心泵水力模型", "institution": inst}
    )
    d = services.demand_save(
        actor=staff,
        enterprise=firm_a,
        on=D(2021, 3, 1),
        data={"title": "园区A泵汽蚀", "description": "离心泵汽蚀严重"},
    )
    intro = services.introduction_request(actor=staff, demand=d, expert=x, on=D(2021, 3, 2))
    a = services.agreement_sign(
        actor=staff,
        enterprise=firm_a,
        data={
            "title": "园区A泵协议",
            "content": "c",
            "amount_yuan": Decimal(100000),
            "signed_on": D(2021, 4, 1),
            "expert": x,
        },
    )
    al = services.alliance_save(
        actor=staff,
        data={
            "name": "园区A泵联盟",
            "lead": firm_a,
            "institution": inst,
            "founded_on": "2021-01-05",
        },
    )
    e = event_services.event_save(
        actor=staff,
        data={
            "kind": "roadshow",
            "title": "园区A路演",
            "held_on": "2021-05-01",
            "place": "园区A",
            "region": regions["park_a"],
            "organisers": "园区A管委会",
        },
    )
    event_services.participant_add(actor=staff, event=e, role="enterprise", enterprise=firm_a)
    return {
        "demands": d.pk,
        "introductions": intro.pk,
        "agreements": a.pk,
        "alliances": al.pk,
        "events": e.pk,
        "experts": x.pk,
        "achievements": ach.pk,
        "institutions": inst.pk,
        "member": al.members.get(enterprise=firm_a).pk,
    }


def routes() -> list[str]:
    return [r for r in all_routes() if r.startswith(("matching/", "events/"))]


def url_for(route: str, records: dict[str, int]) -> str:
    head = route.split("/")[1] if route.startswith("matching/") else "events"
    pk = records.get(head, 0)
    return "/" + re.sub(r"<(?:\w+:)?pk>", str(pk), route)


def test_every_page_renders_for_the_bureau(client: Any, staff: Any, records: Any) -> None:
    client.force_login(staff)
    for route in routes():
        url = url_for(route, records)
        response = client.get(url)
        assert response.status_code in (200, 405), (url, response.status_code)
        if response.status_code == 200 and "export" not in url:
            assert client.get(url + "?export=xlsx").status_code == 200


def test_search_page_shows_the_reason(client: Any, staff: Any, records: Any) -> None:
    client.force_login(staff)
    body = client.get("/matching/?q=汽蚀").content.decode()
    assert "韩立伟" in body and "园区A泵汽蚀" in body and "<mark>汽蚀</mark>" in body
    body = client.get(f"/matching/demands/{records['demands']}/").content.decode()
    assert "韩立伟" in body and "匹配词" in body


@pytest.mark.parametrize("who", ["officer_b", "enterprise_user", "peer_officer"])
def test_outsiders_are_refused_the_firms_records(
    request: Any, client: Any, records: Any, firm_a: Any, who: str
) -> None:
    actor = request.getfixturevalue(who)
    client.force_login(actor)
    before = AuditLog.objects.count()
    private = ("demands", "introductions", "agreements", "alliances", "events")
    for route in routes():
        url = url_for(route, records)
        owner = route.split("/")[1] if route.startswith("matching/") else "events"
        if "<int:pk>" in route and owner in private:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in (403, 404, 405), (who, method, url)
        else:
            response = client.get(url)
            assert response.status_code in (200, 403, 404, 405), (who, url)
            body = response.content
            if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                from kechuang.core.tabular import read_table

                body = str(read_table(body, "x.xlsx").rows).encode()
            assert firm_a.name.encode() not in body, (who, url)
            assert "园区A泵".encode() not in body, (who, url)
        exported = client.get(url + "?export=xlsx") if "<int:pk>" not in route else None
        if exported is not None and exported.status_code == 200:
            assert "园区A泵".encode() not in exported.content
    assert AuditLog.objects.count() == before


def test_the_firms_own_user_sees_its_records(
    client: Any, staff: Any, firm_a: Any, records: Any
) -> None:
    from kechuang.enterprises.models import EnterpriseMember
    from tests.conftest import make_user

    user = make_user("qiye_a", "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firm_a)
    client.force_login(user)
    for key in ("demands", "introductions", "agreements"):
        assert client.get(f"/matching/{key}/{records[key]}/").status_code == 200
    body = client.get(f"/enterprises/{firm_a.pk}/").content.decode()
    assert "园区A泵汽蚀" in body and "园区A泵协议" in body and "园区A路演" in body


def test_a_firm_without_demands_is_told_how_to_post_one(client: Any, firm_b: Any) -> None:
    from kechuang.enterprises.models import EnterpriseMember
    from tests.conftest import make_user

    user = make_user("qiye_b", "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firm_b)
    client.force_login(user)
    body = client.get("/matching/demands/").content.decode()
    assert "本企业还没有发布技术需求" in body and "没有符合条件的记录" not in body


def test_the_bureau_creates_edits_and_staffs_an_alliance(
    client: Any, staff: Any, firm_a: Any, firm_b: Any, records: Any
) -> None:
    from kechuang.matching.models import Alliance, AllianceMember

    client.force_login(staff)
    assert client.get("/matching/alliances/new/").status_code == 200
    data = {
        "name": "泵阀校企联盟",
        "uscc": firm_a.uscc,
        "institution": records["institutions"],
        "founded_on": "2021-02-01",
        "purpose": "泵阀节能",
    }
    response = client.post("/matching/alliances/new/", data)
    al = Alliance.objects.get(name="泵阀校企联盟")
    assert response.status_code == 302 and response["Location"] == f"/matching/alliances/{al.pk}/"
    response = client.post(f"/matching/alliances/{al.pk}/edit/", {**data, "purpose": "泵阀"})
    al.refresh_from_db()
    assert al.purpose == "泵阀"
    client.post(f"/matching/alliances/{al.pk}/members/", {"uscc": firm_b.uscc, "on": "2021-03-01"})
    member = AllianceMember.objects.get(alliance=al, enterprise=firm_b)
    assert member.joined_on == D(2021, 3, 1)
    body = client.get(f"/matching/alliances/{al.pk}/").content.decode()
    assert firm_b.name in body and "移出" in body
    client.post(f"/matching/alliances/members/{member.pk}/remove/")
    assert not AllianceMember.objects.filter(pk=member.pk).exists()
    lead = AllianceMember.objects.get(alliance=al, enterprise=firm_a)
    response = client.post(f"/matching/alliances/members/{lead.pk}/remove/", follow=True)
    assert "不能移除" in response.content.decode()
    client.post(f"/matching/alliances/{al.pk}/", {"on": "2021-04-01", "title": "联合攻关"})
    assert al.activities.get().title == "联合攻关"


def test_an_alliance_form_names_the_bad_field_and_writes_nothing(
    client: Any, staff: Any, firm_a: Any, records: Any
) -> None:
    from kechuang.matching.models import Alliance

    client.force_login(staff)
    n = Alliance.objects.count()
    body = client.post(
        "/matching/alliances/new/",
        {"name": "坏联盟", "uscc": firm_a.uscc, "institution": "", "founded_on": "2021-02-01"},
        follow=True,
    ).content.decode()
    assert "共建高校院所" in body and Alliance.objects.count() == n
    body = client.post(
        "/matching/alliances/new/",
        {"name": "坏联盟", "uscc": "9132", "institution": records["institutions"]},
        follow=True,
    ).content.decode()
    assert "统一社会信用代码" in body and Alliance.objects.count() == n


def test_another_areas_officer_cannot_touch_the_alliance(
    client: Any, officer_b: Any, firm_b: Any, records: Any
) -> None:
    from kechuang.matching.models import AllianceMember

    client.force_login(officer_b)
    pk = records["alliances"]
    n = AllianceMember.objects.count()
    assert (
        client.post(f"/matching/alliances/{pk}/members/", {"uscc": firm_b.uscc}).status_code == 404
    )
    assert client.get(f"/matching/alliances/{pk}/edit/").status_code == 404
    assert AllianceMember.objects.count() == n


def test_an_agreement_signed_directly_is_recorded_with_the_services_checks(
    client: Any, staff: Any, firm_a: Any, records: Any
) -> None:
    from kechuang.matching.models import Agreement

    client.force_login(staff)
    assert "新增" in client.get("/matching/agreements/").content.decode()
    assert client.get("/matching/agreements/new/").status_code == 200
    n = Agreement.objects.count()
    bad = {
        "uscc": firm_a.uscc,
        "title": "直签协议",
        "content": "泵改造",
        "amount_wan": "-1",
        "signed_on": "2021-05-01",
        "expert": records["experts"],
    }
    body = client.post("/matching/agreements/new/", bad, follow=True).content.decode()
    assert "合同金额" in body and Agreement.objects.count() == n
    response = client.post("/matching/agreements/new/", {**bad, "amount_wan": "25"})
    a = Agreement.objects.get(title="直签协议")
    assert response["Location"] == f"/matching/agreements/{a.pk}/"
    assert a.introduction is None and a.amount_yuan == Decimal(250000)
    assert a.institution.pk == records["institutions"]


def test_the_admin_lists_the_records_read_only(client: Any, records: Any) -> None:
    from django.contrib import admin

    from kechuang.events.models import Article, Event
    from kechuang.matching.models import Agreement, Alliance, Demand, Expert
    from tests.conftest import make_user

    client.force_login(make_user("platform", "staff", is_staff=True, is_superuser=True))
    for model in (Expert, Demand, Agreement, Alliance, Event, Article):
        assert model in admin.site._registry
        meta = model._meta
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 200
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/add/").status_code == 403

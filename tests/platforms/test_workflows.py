"""Recognition (申报认定), talent programmes (人才计划申报) and commissioner
recommendations (科技特派员推荐) are applications of the frame, moved along workflows
declared as data; the record (institution, carrier, talent, the commissioner's status)
follows the decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.platforms import selectors, services
from kechuang.platforms.models import Carrier, Commissioner, RdInstitution, Talent
from kechuang.platforms.workflow import RECOGNITION, RECOMMENDATION, TALENT
from kechuang.programmes.models import Application

pytestmark = pytest.mark.django_db
D = dt.date(2021, 3, 1)


def move(actor: Any, app: Any, to: str, on: dt.date = D, **kw: Any) -> Any:
    return services.platform_application_move(actor=actor, application=app, to=to, on=on, **kw)


def test_a_recommendation_is_an_application_the_bureau_decides(
    staff: Any, officer_a: Any, officer_b: Any, regions: Any
) -> None:
    c = services.commissioner_recommend(
        actor=officer_a,
        data={
            "name": "王新",
            "institution": "常州大学",
            "expertise": "膜材料",
            "region": regions["park_a"],
        },
        on=D,
    )
    app = c.recommendation
    assert app is not None
    assert (app.programme, app.stage, app.enterprise_id) == (RECOMMENDATION, "recommended", None)
    assert (app.region, app.applicant) == (regions["park_a"], "王新（常州大学）")
    seen = Application.objects.of(RECOMMENDATION).visible_to
    assert seen(officer_a).filter(pk=app.pk).exists()
    assert not seen(officer_b).filter(pk=app.pk).exists()
    with pytest.raises(PermissionDenied):
        services.commissioner_decide(actor=officer_a, commissioner=c, accept=True, on=D)
    services.commissioner_decide(actor=staff, commissioner=c, accept=False, on=D)
    c.refresh_from_db()
    app.refresh_from_db()
    assert (c.status, app.stage) == ("declined", "declined")
    assert [e.stage for e in app.events.all()] == ["recommended", "declined"]
    with pytest.raises(Conflict, match="已被他人办理至“推荐未通过”"):
        services.commissioner_decide(actor=staff, commissioner=c, accept=True, on=D)


def test_recognition_of_a_carrier_records_it_when_recognised(
    staff: Any, officer_a: Any, officer_b: Any, regions: Any
) -> None:
    data = {
        "target": "carrier",
        "name": "园区A众创空间",
        "kind": "makerspace",
        "level": "county",
        "operator": "园区A管委会",
        "region": regions["park_a"],
    }
    with pytest.raises(PermissionDenied, match="不属于本区域"):
        services.recognition_apply(actor=officer_b, data=data, on=D)
    app = services.recognition_apply(actor=officer_a, data=data, on=D)
    assert (app.programme, app.stage, app.applicant) == (RECOGNITION, "applied", "园区A管委会")
    with pytest.raises(ValidationFailed, match="已申报认定"):
        services.recognition_apply(actor=officer_a, data=data, on=D)
    move(officer_a, app, "recommended")
    with pytest.raises(PermissionDenied, match="只能由科技局办理"):
        move(officer_a, app, "recognised")
    assert not Carrier.objects.filter(name="园区A众创空间").exists()
    move(staff, app, "recognised", on=dt.date(2021, 4, 1))
    carrier = Carrier.objects.get(name="园区A众创空间")
    assert (carrier.recognised_on, carrier.application) == (dt.date(2021, 4, 1), app)
    assert carrier in selectors.carrier_list(actor=officer_a)
    with pytest.raises(ValidationFailed, match="“园区A众创空间”已认定"):
        services.recognition_apply(actor=officer_a, data=data, on=D)


def test_recognition_of_an_institution_is_the_firms_application(
    staff: Any, officer_a: Any, firm_a: Any
) -> None:
    app = services.recognition_apply(
        actor=officer_a,
        data={
            "target": "institution",
            "name": "园区A企业技术中心",
            "kind": "tech_centre",
            "level": "city",
            "enterprise": firm_a,
        },
        on=D,
    )
    assert app.enterprise == firm_a and app.region is None
    move(staff, app, "recommended")
    move(staff, app, "recognised", on=dt.date(2021, 5, 1))
    inst = RdInstitution.objects.get(name="园区A企业技术中心")
    assert (inst.enterprise, inst.level, inst.approved_on) == (firm_a, "city", dt.date(2021, 5, 1))
    assert inst.next_review_on == dt.date(2022, 5, 1)


def test_recognition_bad_input_is_refused_naming_the_fields(staff: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.recognition_apply(actor=staff, data={"target": "carrier"}, on=D)
    assert [f"{e.label}: {e.message}" for e in caught.value.errors] == [
        "名称: 不能为空",
        "级别: 应为 国家级、省级、市级、县级 之一",
        "类型: 应为 产业研究院、新型研发机构、校企联合研究院、科技企业孵化器、众创空间 之一",
        "运营主体: 不能为空",
        "所在区域: 不能为空",
    ]
    with pytest.raises(ValidationFailed, match="认定对象"):
        services.recognition_apply(actor=staff, data={"name": "某中心", "level": "city"}, on=D)
    assert not Application.objects.of(RECOGNITION).exists()


def test_a_talent_is_recorded_when_selected_and_counts(
    staff: Any, officer_a: Any, firm_a: Any, regions: Any
) -> None:
    before = selectors.talent_new(regions["county"], 2021, "provincial").count()
    app = services.talent_apply(
        actor=officer_a,
        data={"name": "赵博士", "programme": "provincial", "year": 2021, "enterprise": firm_a},
        on=D,
    )
    assert (app.programme, app.kind, app.title) == (TALENT, "provincial", "赵博士（省双创人才）")
    move(officer_a, app, "recommended")
    assert selectors.talent_new(regions["county"], 2021, "provincial").count() == before
    move(staff, app, "selected")
    t = Talent.objects.get(name="赵博士")
    assert (t.enterprise, t.year, t.application) == (firm_a, 2021, app)
    assert selectors.talent_new(regions["county"], 2021, "provincial").count() == before + 1
    with pytest.raises(ValidationFailed, match="已申报2021年省双创人才"):
        services.talent_apply(
            actor=officer_a,
            data={"name": "赵博士", "programme": "provincial", "year": 2021, "enterprise": firm_a},
            on=D,
        )


def test_a_move_of_another_programme_is_refused(staff: Any, records: Any) -> None:
    with pytest.raises(ValidationFailed, match="不是平台认定"):
        move(staff, records["plan"], "approved")
    # commissioners registered directly have their recommendation, decided (推荐通过)
    assert not Commissioner.objects.filter(recommendation__isnull=True).exists()


def test_the_pages_open_and_move_an_application(
    client: Any, staff: Any, officer_a: Any, regions: Any, records: Any
) -> None:
    from django.urls import reverse

    from kechuang.core import periods

    today = periods.today()
    client.force_login(officer_a)
    r = client.post(
        reverse("platforms:applications"),
        {
            "what": "recognition",
            "target": "carrier",
            "name": "园区A新型研发机构",
            "level": "city",
            "kind_carrier": "new_rd",
            "region": regions["park_a"].code,
            "operator": "园区A投资公司",
        },
    )
    assert r.status_code == 302
    app = Application.objects.get(title="园区A新型研发机构")
    page = client.get(reverse("platforms:applications")).content.decode()
    assert "园区A新型研发机构" in page and "平台认定申报" in page
    r = client.post(reverse("platforms:applications"), {"what": "talent", "name": ""})
    body = r.content.decode()
    assert "姓名: 不能为空" in body or "姓名：不能为空" in body
    url = reverse("platforms:application", args=[app.pk])
    client.post(url, {"to": "recommended", "stage": "applied", "on": today.isoformat()})
    app.refresh_from_db()
    assert app.stage == "recommended"
    assert "已推荐" in client.get(url).content.decode()
    client.force_login(staff)
    client.post(url, {"to": "recognised", "stage": "recommended", "on": today.isoformat()})
    assert Carrier.objects.get(name="园区A新型研发机构").recognised_on == today
    # a stale page is told, not obeyed
    r = client.post(
        url, {"to": "refused", "stage": "recommended", "on": today.isoformat()}, follow=True
    )
    assert "请刷新后重试" in r.content.decode()

"""Services: permission, every error in Chinese naming the field, the campaign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.platforms import selectors, services
from kechuang.platforms.models import CampaignEntry, Commissioner
from kechuang.programmes.services import application_transition

pytestmark = pytest.mark.django_db


def messages(exc: ValidationFailed) -> list[str]:
    return [str(e) for e in exc.errors]


def test_institution_bad_input_names_every_field(staff: Any, firm_a: Any, records: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.institution_save(
            actor=staff,
            data={"name": "", "kind": "实验室", "level": "省", "approved_on": "2020-13-01"},
        )
    text = "；".join(messages(caught.value))
    assert "名称: 不能为空" in text
    assert "类型: 应为 院士工作站、工程技术研究中心" in text
    assert "级别: 应为 国家级、省级、市级、县级 之一" in text
    assert "依托单位: 应为一家企业或一个研发载体（二者选一）" in text
    assert "获批日期: 应为日期" in text
    with pytest.raises(ValidationFailed, match="已登记"):
        services.institution_save(
            actor=staff,
            data={
                "name": "园区A新材料工程技术研究中心",
                "kind": "工程技术研究中心",
                "level": "省级",
                "enterprise": firm_a,
                "approved_on": dt.date(2019, 12, 1),
            },
        )


def test_officer_cannot_record_for_another_area(officer_b: Any, firm_a: Any) -> None:
    with pytest.raises(PermissionDenied, match="不属于本区域"):
        services.institution_save(
            actor=officer_b,
            data={
                "name": "x",
                "kind": "engineering",
                "level": "city",
                "enterprise": firm_a,
                "approved_on": dt.date(2020, 1, 1),
            },
        )


def test_enterprise_user_cannot_record(enterprise_user: Any, firm_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.talent_save(
            actor=enterprise_user,
            data={"name": "x", "programme": "national", "year": 2020, "enterprise": firm_b},
        )


def test_review_moves_the_reminder_and_refuses_a_second_of_the_year(
    staff: Any, officer_a: Any, records: Any
) -> None:
    inst = records["institution"]
    day = dt.date(2021, 6, 30)
    assert [i.pk for i in selectors.reviews_due(officer_a, day)] == [inst.pk]
    with pytest.raises(PermissionDenied):
        services.review_record(
            actor=officer_a, institution=inst, year=2021, grade="excellent", reviewed_on=day
        )
    with pytest.raises(ValidationFailed) as caught:
        services.review_record(
            actor=staff, institution=inst, year=2021, grade="很好", reviewed_on=None
        )
    assert "考评结果: 应为 优秀、良好、合格、不合格 之一" in messages(caught.value)
    assert "考评日期: 不能为空" in messages(caught.value)
    services.review_record(
        actor=staff, institution=inst, year=2021, grade="优秀", reviewed_on=dt.date(2021, 7, 15)
    )
    inst.refresh_from_db()
    assert inst.next_review_on == dt.date(2022, 7, 15)
    assert not selectors.reviews_due(officer_a, day).exists()
    with pytest.raises(ValidationFailed, match="2021年度已有考评结果"):
        services.review_record(
            actor=staff, institution=inst, year=2021, grade="good", reviewed_on=dt.date(2021, 8, 1)
        )


def test_incubated_project_dates_are_checked(staff: Any, records: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.incubated_save(
            actor=staff,
            carrier=records["carrier"],
            data={
                "name": "项目二",
                "field": "新材料",
                "leader": "李四",
                "talent_category": "海外博士",
                "entered_on": dt.date(2020, 5, 1),
                "status": "graduated",
                "graduated_on": dt.date(2020, 1, 1),
            },
        )
    assert messages(caught.value) == ["毕业日期: 早于入驻日期"]
    with pytest.raises(ValidationFailed, match="已毕业的项目应填写毕业日期"):
        services.incubated_save(
            actor=staff,
            carrier=records["carrier"],
            data={
                "name": "项目三",
                "field": "新材料",
                "leader": "李四",
                "talent_category": "phd",
                "entered_on": dt.date(2020, 5, 1),
                "status": "已毕业",
            },
        )


def test_project_workflow_and_funding(staff: Any, officer_b: Any, records: Any) -> None:
    plan = records["plan"]
    with pytest.raises(ValidationFailed, match="立项后才能登记资助"):
        services.project_fund(
            actor=staff, project=plan, amount_yuan=Decimal(100000), granted_on=dt.date(2020, 9, 1)
        )
    with pytest.raises(PermissionDenied):
        application_transition(
            actor=officer_b, application=plan, to="approved", on=dt.date(2020, 9, 1)
        )
    with pytest.raises(PermissionDenied, match="不能从“已申报”直接进入“验收”"):
        application_transition(actor=staff, application=plan, to="accepted", on=dt.date(2020, 9, 1))
    application_transition(actor=staff, application=plan, to="approved", on=dt.date(2020, 9, 1))
    award = services.project_fund(
        actor=staff,
        project=plan,
        amount_yuan=Decimal("1000000.00"),
        granted_on=dt.date(2020, 9, 1),
        paid_on=dt.date(2020, 10, 1),
    )
    assert award.paid_on == dt.date(2020, 10, 1)
    p = selectors.project_get(actor=staff, pk=plan.pk)
    assert p.granted == Decimal("1000000.00")
    with pytest.raises(ValidationFailed, match="申报日期：不在2020年"):
        services.project_open(
            actor=staff,
            enterprise=plan.enterprise,
            data={
                "year": 2020,
                "level": "省级",
                "scheme": "x",
                "title": "y",
                "applied_on": dt.date(2019, 1, 1),
            },
        )
    with pytest.raises(ValidationFailed, match="已申报“园区A课题”"):
        services.project_open(
            actor=staff,
            enterprise=plan.enterprise,
            data={
                "year": 2020,
                "level": "省级",
                "scheme": "x",
                "title": "园区A课题",
                "applied_on": dt.date(2020, 3, 1),
            },
        )


def test_campaign_confirm_lapse_close(
    staff: Any, officer_a: Any, officer_b: Any, records: Any, regions: Any
) -> None:
    services.commissioner_register(
        actor=staff,
        data={
            "name": "第三人",
            "institution": "扬州大学",
            "expertise": "农机",
            "region": regions["park_a"],
        },
        registered_on=dt.date(2020, 1, 1),
    )
    campaign = services.campaign_open(
        actor=staff, year=2021, opens_on=dt.date(2021, 6, 1), closes_on=dt.date(2021, 7, 31)
    )
    with pytest.raises(ValidationFailed, match="2021年度的核实再登记已开始"):
        services.campaign_open(
            actor=staff, year=2021, opens_on=dt.date(2021, 6, 1), closes_on=dt.date(2021, 7, 31)
        )
    assert selectors.campaign_counts(actor=staff, campaign=campaign) == {
        "pending": 3,
        "confirmed": 0,
        "lapsed": 0,
        "total": 3,
    }
    mine = list(selectors.campaign_entries(actor=officer_a, campaign=campaign))
    assert {e.commissioner.name for e in mine} == {"园区A特派员", "第三人"}
    other = selectors.campaign_entries(actor=staff, campaign=campaign).get(
        commissioner__name="镇B特派员"
    )
    with pytest.raises(PermissionDenied):
        services.campaign_decide(
            actor=officer_a, entries=[other], status="confirmed", on=dt.date(2021, 6, 5)
        )
    first, second = mine
    services.campaign_decide(
        actor=officer_a, entries=[first], status="confirmed", on=dt.date(2021, 6, 5)
    )
    with pytest.raises(Conflict, match="已核实"):
        services.campaign_decide(
            actor=officer_a, entries=[first], status="lapsed", on=dt.date(2021, 6, 6)
        )
    services.campaign_decide(
        actor=officer_a, entries=[second], status="lapsed", on=dt.date(2021, 6, 6)
    )
    assert Commissioner.objects.get(pk=second.commissioner_id).status == "lapsed"
    n = services.campaign_close(actor=staff, campaign=campaign, on=dt.date(2021, 8, 1))
    assert n == 1  # 镇B特派员 never confirmed
    assert CampaignEntry.objects.get(pk=other.pk).status == "lapsed"
    assert selectors.campaign_counts(actor=staff, campaign=campaign) == {
        "pending": 0,
        "confirmed": 1,
        "lapsed": 2,
        "total": 3,
    }


def test_recommendation_is_decided_by_the_bureau(staff: Any, officer_a: Any, regions: Any) -> None:
    c = services.commissioner_recommend(
        actor=officer_a,
        data={
            "name": "新人",
            "institution": "常州大学",
            "expertise": "材料",
            "region": regions["park_a"],
        },
        on=dt.date(2020, 9, 1),
    )
    assert c.status == "recommended"
    with pytest.raises(PermissionDenied):
        services.commissioner_decide(
            actor=officer_a, commissioner=c, accept=True, on=dt.date(2020, 9, 2)
        )
    services.commissioner_decide(actor=staff, commissioner=c, accept=True, on=dt.date(2020, 9, 2))
    c.refresh_from_db()
    assert c.status == "active" and c.registered_on == dt.date(2020, 9, 2)
    with pytest.raises(ValidationFailed) as caught:
        services.commissioner_recommend(
            actor=officer_a,
            data={"name": "", "institution": "", "expertise": "", "region": None},
            on=dt.date(2020, 9, 1),
        )
    assert messages(caught.value) == [
        "服务区域: 不能为空",
        "姓名: 不能为空",
        "派出单位: 不能为空",
        "专业领域: 不能为空",
    ]


def test_service_record_adds_the_enterprise(
    staff: Any, officer_b: Any, firm_a: Any, records: Any
) -> None:
    c = records["commissioner_a"]
    services.service_record(
        actor=staff,
        commissioner=c,
        enterprise=firm_a,
        served_on=dt.date(2021, 3, 1),
        summary="工艺诊断",
    )
    assert list(c.enterprises.all()) == [firm_a]
    with pytest.raises(PermissionDenied):
        services.service_record(
            actor=officer_b,
            commissioner=c,
            enterprise=firm_a,
            served_on=dt.date(2021, 3, 1),
            summary="x",
        )


def test_reminders_on_the_todo_page(client: Any, staff: Any, officer_a: Any, records: Any) -> None:
    """A review due within 60 days, a recommendation awaiting the bureau and the open
    campaign's pending commissioners are listed on the 待办 page."""
    import datetime as dt

    from kechuang.core.registry import todo_count, todo_sections

    services.commissioner_recommend(
        actor=officer_a,
        data={
            "name": "候选人",
            "institution": "常州大学",
            "expertise": "材料",
            "region": records["carrier"].region,
        },
        on=dt.date(2021, 6, 1),
    )
    services.campaign_open(
        actor=staff, year=2021, opens_on=dt.date(2021, 6, 1), closes_on=dt.date(2021, 7, 31)
    )
    day = dt.date(2021, 6, 30)
    sections = {s.source.key: s for s in todo_sections(staff, day)}
    titles = [i.title for i in sections["platforms-decisions"].items]
    assert "园区A新材料工程技术研究中心 绩效考评" in titles
    assert any("候选人" in t for t in titles)
    assert sections["platforms-decisions"].count == 2
    assert sections["commissioner-campaign"].count == 2
    officer = {s.source.key: s for s in todo_sections(officer_a, day)}
    assert officer["platforms-decisions"].count == 1  # the review; recommendations are the bureau's
    assert todo_count(officer_a, day) >= 1
    assert todo_count(officer_a, dt.date(2021, 1, 1)) == todo_count(officer_a, day) - 1

"""产学研 services: demands, the introduction → agreement → outcome round trip, 未执行,
reminders, 高质量, alliances; refusals and bad input in Chinese naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.registry import todo_sections
from kechuang.matching import selectors, services
from kechuang.matching.models import Agreement, Demand
from kechuang.programmes.models import Event
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def expert(staff: Any) -> Any:
    inst = services.institution_save(
        actor=staff, data={"name": "江苏大学", "kind": "university", "city": "江苏镇江"}
    )
    return services.expert_save(
        actor=staff,
        data={"name": "韩立伟", "institution": inst, "domain": "8.5", "fields": "离心泵 汽蚀"},
    )


@pytest.fixture
def demand(enterprise_user: Any, firm_b: Any) -> Demand:
    return services.demand_save(
        actor=enterprise_user,
        enterprise=firm_b,
        on=D(2021, 3, 1),
        data={"title": "离心泵汽蚀", "description": "化工泵汽蚀严重", "budget_wan": "30"},
    )


def test_enterprise_posts_its_own_demand_in_yuan(demand: Demand, firm_b: Any) -> None:
    assert demand.budget_yuan == Decimal("300000.00")
    assert demand.domain == firm_b.tech_domain  # the firm's domain when none is given
    assert AuditLog.objects.filter(object_type="matching.demand", action="create").exists()


def test_enterprise_cannot_post_for_another_firm(enterprise_user: Any, firm_a: Any) -> None:
    with pytest.raises(PermissionDenied, match="园区A新材料有限公司"):
        services.demand_save(
            actor=enterprise_user,
            enterprise=firm_a,
            on=D(2021, 3, 1),
            data={"title": "x", "description": "y"},
        )


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ({"title": "", "description": "y"}, "需求名称"),
        ({"title": "x", "description": "y", "budget_wan": "三十"}, "预算（万元）"),
        ({"title": "x", "description": "y", "budget_wan": "-1"}, "预算（万元）"),
        ({"title": "x", "description": "y", "deadline_on": "2021/13/01"}, "期望解决日期"),
        ({"title": "x", "description": "y", "deadline_on": "2020-01-01"}, "期望解决日期"),
        ({"title": "x", "description": "y", "domain": "9.9"}, "技术领域"),
    ],
)
def test_bad_demand_names_the_field(staff: Any, firm_b: Any, data: Any, label: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.demand_save(actor=staff, enterprise=firm_b, on=D(2021, 3, 1), data=data)
    assert exc.value.errors[0].label == label
    assert not Demand.objects.exists()


def test_introduction_to_agreement_to_outcome(
    staff: Any, enterprise_user: Any, officer_b: Any, demand: Demand, expert: Any
) -> None:
    intro = services.introduction_request(
        actor=enterprise_user, demand=demand, expert=expert, on=D(2021, 3, 5)
    )
    assert intro.application.stage == "requested"
    demand.refresh_from_db()
    assert demand.status == "matching"
    with pytest.raises(ValidationFailed, match="已在与韩立伟对接中"):
        services.introduction_request(
            actor=enterprise_user, demand=demand, expert=expert, on=D(2021, 3, 5)
        )
    # Only the bureau, the area or a helper records the expert's answer.
    with pytest.raises(PermissionDenied):
        services.introduction_move(
            actor=enterprise_user, introduction=intro, to="accepted", on=D(2021, 3, 8)
        )
    services.introduction_move(
        actor=officer_b, introduction=intro, to="accepted", on=D(2021, 3, 8), note="专家同意"
    )
    services.introduction_move(
        actor=enterprise_user, introduction=intro, to="met", on=D(2021, 3, 20), note="到厂交流"
    )
    assert intro.met_on == D(2021, 3, 20)
    with pytest.raises(Conflict):  # a stale page
        services.agreement_sign(
            actor=enterprise_user,
            enterprise=demand.enterprise,
            introduction=intro,
            expected_stage="accepted",
            data={"title": "泵改进", "content": "c", "amount_wan": "50", "signed_on": "2021-04-01"},
        )
    a = services.agreement_sign(
        actor=enterprise_user,
        enterprise=demand.enterprise,
        introduction=intro,
        expected_stage="met",
        data={
            "title": "泵改进",
            "content": "联合设计",
            "amount_wan": "50",
            "signed_on": "2021-04-01",
        },
    )
    assert a.amount_yuan == Decimal("500000.00")
    assert a.institution == expert.institution and a.expert == expert
    intro.application.refresh_from_db()
    assert intro.application.stage == "agreed"
    assert list(
        Event.objects.filter(application=intro.application)
        .values_list("stage", flat=True)
        .order_by("id")
    ) == ["requested", "accepted", "met", "agreed"]
    demand.refresh_from_db()
    assert demand.status == "solved"
    assert not selectors.agreement_verdicts([a])[a.pk].high_quality
    services.progress_add(
        actor=enterprise_user, agreement=a, data={"kind": "started", "on": "2021-04-15"}
    )
    assert a.status == "executing"
    with pytest.raises(ValidationFailed, match="付款须填写金额"):
        services.progress_add(
            actor=staff, agreement=a, data={"kind": "payment", "on": "2021-05-01"}
        )
    with pytest.raises(ValidationFailed, match="早于协议签订日期"):
        services.progress_add(actor=staff, agreement=a, data={"kind": "result", "on": "2021-03-01"})
    services.progress_add(
        actor=staff, agreement=a, data={"kind": "payment", "on": "2021-05-01", "amount_wan": "10"}
    )
    assert selectors.agreement_verdicts([a])[a.pk].high_quality
    services.progress_add(actor=staff, agreement=a, data={"kind": "completed", "on": "2021-06-01"})
    a.refresh_from_db()
    assert a.status == "completed"
    with pytest.raises(Conflict):
        services.agreement_not_executed(actor=staff, agreement=a, reason="x", on=D(2021, 6, 2))


def test_not_executed_needs_a_reason_and_stops_progress(
    staff: Any, officer_a: Any, firm_b: Any, expert: Any, enterprise_user: Any
) -> None:
    a = services.agreement_sign(
        actor=staff,
        enterprise=firm_b,
        data={
            "title": "t",
            "content": "c",
            "amount_yuan": Decimal(200000),
            "signed_on": D(2020, 5, 1),
            "expert": expert,
        },
    )
    with pytest.raises(PermissionDenied):
        services.agreement_not_executed(
            actor=enterprise_user, agreement=a, reason="r", on=D(2021, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.agreement_not_executed(actor=officer_a, agreement=a, reason="r", on=D(2021, 1, 1))
    with pytest.raises(ValidationFailed, match="未执行原因"):
        services.agreement_not_executed(actor=staff, agreement=a, reason=" ", on=D(2021, 1, 1))
    services.agreement_not_executed(actor=staff, agreement=a, reason="企业转产", on=D(2021, 1, 1))
    a.refresh_from_db()
    assert a.status == "not_executed" and "企业转产" in a.not_executed_reason
    with pytest.raises(Conflict):
        services.progress_add(
            actor=staff, agreement=a, data={"kind": "started", "on": "2021-02-01"}
        )


def test_agreement_without_progress_is_a_reminder_after_six_months(
    staff: Any, officer_b: Any, officer_a: Any, firm_b: Any, expert: Any
) -> None:
    a = services.agreement_sign(
        actor=staff,
        enterprise=firm_b,
        data={
            "title": "搁置的协议",
            "content": "c",
            "amount_yuan": Decimal(200000),
            "signed_on": D(2020, 9, 1),
            "expert": expert,
        },
    )
    assert list(selectors.agreements_stalled(officer_b, D(2021, 2, 28))) == []
    assert list(selectors.agreements_stalled(officer_b, D(2021, 3, 2))) == [a]
    assert list(selectors.agreements_stalled(officer_a, D(2021, 3, 2))) == []  # another area
    section = next(
        s for s in todo_sections(officer_b, D(2021, 3, 2)) if s.source.key == "iur-stalled"
    )
    assert section.count == 1 and "搁置的协议" in section.items[0].title
    services.progress_add(actor=staff, agreement=a, data={"kind": "note", "on": "2021-03-01"})
    assert list(selectors.agreements_stalled(officer_b, D(2021, 3, 2))) == []
    assert list(selectors.agreements_stalled(officer_b, D(2021, 9, 2))) == [a]


def test_indicators_count_agreements_alliances_and_high_quality(
    staff: Any, regions: Any, firm_a: Any, firm_b: Any, expert: Any
) -> None:
    ev = Evaluator(today=D(2021, 6, 30))
    county = regions["county"]
    assert ev.value("iur_agreements", county, 2020).value == 0
    for firm, amount in ((firm_a, 50000), (firm_b, 500000)):
        a = services.agreement_sign(
            actor=staff,
            enterprise=firm,
            data={
                "title": "t",
                "content": "c",
                "amount_yuan": Decimal(amount),
                "signed_on": D(2020, 5, 1),
                "expert": expert,
            },
        )
        services.progress_add(
            actor=staff, agreement=a, data={"kind": "started", "on": "2020-06-01"}
        )
    services.alliance_save(
        actor=staff,
        data={
            "name": "泵阀产业联盟",
            "lead": firm_b,
            "institution": expert.institution,
            "founded_on": "2020-07-01",
        },
    )
    ev = Evaluator(today=D(2021, 6, 30))
    assert ev.value("iur_agreements", county, 2020).value == 2
    assert ev.value("iur_agreements", regions["town_b"], 2020).value == 1
    assert ev.value("iur_agreements_hq", county, 2020).value == 1  # the 5万元 one is too small
    assert ev.value("iur_alliances", county, 2020).value == 1
    assert ev.value("iur_alliances", county, 2021).value == 0


def test_alliance_members_and_activities(
    staff: Any, officer_a: Any, firm_a: Any, firm_b: Any, expert: Any
) -> None:
    al = services.alliance_save(
        actor=staff,
        data={
            "name": "泵阀产业联盟",
            "lead": firm_b,
            "institution": expert.institution,
            "founded_on": "2020-07-01",
        },
    )
    services.alliance_member_add(actor=staff, alliance=al, member=firm_a, on=D(2020, 8, 1))
    with pytest.raises(ValidationFailed, match="已是联盟成员"):
        services.alliance_member_add(actor=staff, alliance=al, member=firm_a, on=D(2020, 8, 1))
    with pytest.raises(ValidationFailed, match="早于联盟成立日期"):
        services.alliance_activity_add(
            actor=staff, alliance=al, data={"on": "2020-01-01", "title": "攻关"}
        )
    services.alliance_activity_add(
        actor=staff, alliance=al, data={"on": "2020-09-01", "title": "联合攻关"}
    )
    members = selectors.alliance_members(actor=officer_a, alliance=al)
    assert [m.enterprise for m in members["enterprises"]] == [firm_a]
    assert members["hidden"] == 1  # the lead of another area: counted, not named
    with pytest.raises(PermissionDenied):
        services.alliance_activity_add(
            actor=officer_a, alliance=al, data={"on": "2020-09-01", "title": "x"}
        )


def test_supply_side_is_the_bureaus(officer_a: Any, staff: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.institution_save(actor=officer_a, data={"name": "x", "kind": "university"})
    services.institution_save(actor=staff, data={"name": "南京大学", "kind": "university"})
    with pytest.raises(ValidationFailed, match="已在库中"):
        services.institution_save(actor=staff, data={"name": "南京大学", "kind": "university"})
    with pytest.raises(ValidationFailed, match="研究方向"):
        services.expert_save(
            actor=staff,
            data={
                "name": "张三",
                "institution": selectors.institution_or_none(selectors.institutions().get().pk),
                "fields": "",
            },
        )


def test_enterprise_sees_only_its_own_demands_in_search(
    staff: Any, enterprise_user: Any, firm_a: Any, firm_b: Any
) -> None:
    for firm in (firm_a, firm_b):
        services.demand_save(
            actor=staff,
            enterprise=firm,
            on=D(2021, 3, 1),
            data={"title": f"{firm.name}的锅炉节能", "description": "锅炉节能改造"},
        )
    hits = selectors.search_box(actor=enterprise_user, q="锅炉")
    assert [h.entry.title for h in hits] == [f"{firm_b.name}的锅炉节能"]
    assert len(selectors.search_box(actor=staff, q="锅炉")) == 2
    assert Agreement.objects.count() == 0

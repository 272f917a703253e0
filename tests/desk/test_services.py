"""The request loop, routing, deadlines and escalation (frozen clock), visits with the
overlap warning, the problem loop with reopening, and the two indicators."""

import datetime as dt

import pytest
from django.core import mail

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.desk import services
from kechuang.desk.digest import daily_run
from kechuang.desk.models import HelperProfile, Notice, RoutingRule
from kechuang.enterprises.models import HelperAssignment
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(settings):
    def set_day(day):
        settings.KECHUANG_TODAY = day.isoformat()
        return day

    return set_day


def file(actor, firm, rtype, **kw):
    return services.request_file(
        actor=actor,
        enterprise=firm,
        request_type=rtype,
        title=kw.pop("title", "咨询高企认定"),
        description=kw.pop("description", "研发费用归集口径"),
        channel=kw.pop("channel", "phone"),
        **kw,
    )


def test_request_loop_from_filing_to_rating(today, enterprise_user, firm_b, desk_types, routed):
    today(dt.date(2021, 6, 25))  # a Friday
    req = file(enterprise_user, firm_b, desk_types["policy"])
    assert req.application.stage == "submitted" and req.channel == "online"
    assert req.helper == routed and req.due_on == dt.date(2021, 6, 30)  # 3 working days
    assert HelperAssignment.objects.filter(user=routed, enterprise=firm_b).exists()
    assert Notice.objects.filter(user=routed, kind="assigned").count() == 1
    services.request_move(actor=routed, req=req, to="accepted")
    services.request_move(actor=routed, req=req, to="in_progress")
    with pytest.raises(PermissionDenied, match="办理结果"):
        services.request_move(actor=routed, req=req, to="resolved", note=" ")
    services.request_move(actor=routed, req=req, to="resolved", note="已电话解答")
    req.refresh_from_db()
    assert req.resolved_on == dt.date(2021, 6, 25) and req.reply == "已电话解答"
    with pytest.raises(ValidationFailed, match="满意度"):
        services.request_review(actor=enterprise_user, req=req, satisfaction=6)
    with pytest.raises(ValidationFailed, match="回访意见"):
        services.request_review(actor=enterprise_user, req=req, satisfaction=2)
    services.request_review(actor=enterprise_user, req=req, satisfaction=5, comment="很及时")
    req.refresh_from_db()
    assert req.application.stage == "reviewed" and req.satisfaction == 5
    stages = list(req.application.events.values_list("stage", flat=True))
    assert stages == ["submitted", "accepted", "in_progress", "resolved", "reviewed"]


def test_enterprise_cannot_file_for_another_firm(enterprise_user, firm_a, desk_types):
    with pytest.raises(PermissionDenied):
        file(enterprise_user, firm_a, desk_types["policy"])


def test_only_the_assigned_helper_moves_a_request(firm_b, staff, desk_types, routed, helper_user):
    req = file(staff, firm_b, desk_types["policy"])
    HelperAssignment.objects.create(user=helper_user, enterprise=firm_b)
    with pytest.raises(PermissionDenied, match="未分派给您"):
        services.request_move(actor=helper_user, req=req, to="accepted")


def test_routing_prefers_type_and_area_over_general_rules(
    regions, firm_a, firm_b, desk_types, desk_helper
):
    from tests.conftest import make_user

    other = make_user("bangban2", "helper")
    town = make_user("bangban3", "helper")
    for h in (other, town):
        HelperProfile.objects.create(user=h, county=regions["county"])
    county = regions["county"]
    RoutingRule.objects.create(county=county, helper=desk_helper)
    RoutingRule.objects.create(county=county, helper=other, request_type=desk_types["finance"])
    RoutingRule.objects.create(
        county=county, helper=town, request_type=desk_types["finance"], region=regions["town_b"]
    )
    assert services.route(desk_types["finance"], firm_b) == town
    assert services.route(desk_types["finance"], firm_a) == other
    assert services.route(desk_types["policy"], firm_a) == desk_helper


def test_deadline_counts_holidays_and_overdue_escalates_to_the_leader(
    today, staff, firm_b, desk_types, routed, leader, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today(dt.date(2020, 9, 30))
    req = file(staff, firm_b, desk_types["policy"])
    assert req.due_on == dt.date(2020, 10, 12)  # 国庆 8 days off, 10 Oct 调休 counts
    # On the deadline: not overdue, nothing escalated; the digest warns the helper.
    result = daily_run(day=dt.date(2020, 10, 12))
    assert result.escalated == 0
    assert any("即将到期" in line for d in result.digests for line in d.lines)
    today(dt.date(2020, 10, 13))
    result = daily_run(day=dt.date(2020, 10, 13))
    assert result.escalated == 1
    req.refresh_from_db()
    assert req.escalated_on == dt.date(2020, 10, 13) and req.escalated_to == leader
    assert Notice.objects.filter(user=leader, kind="escalated").count() == 1
    note = req.application.events.order_by("-id").first().note
    assert "逾期1个工作日" in note and "局长" in note
    assert AuditLog.objects.filter(note="逾期升级", actor__isnull=True).count() == 1
    # Escalated once only; one e-mail a day to the helper (the leader has no address).
    assert daily_run(day=dt.date(2020, 10, 14)).escalated == 0
    assert [m.to for m in mail.outbox] == [["jia@example.cn"]] * 3
    assert "逾期" in mail.outbox[-1].body


def test_no_email_unless_configured(today, staff, firm_b, desk_types, routed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    today(dt.date(2021, 6, 1))
    file(staff, firm_b, desk_types["policy"])
    result = daily_run(day=dt.date(2021, 6, 1))
    assert result.sent == 0 and result.digests


def test_unhappy_enterprise_sends_the_request_back(
    today, enterprise_user, firm_b, desk_types, routed
):
    today(dt.date(2021, 6, 1))
    req = file(enterprise_user, firm_b, desk_types["business"])
    services.request_move(actor=routed, req=req, to="accepted")
    services.request_move(actor=routed, req=req, to="resolved", note="已办理")
    services.request_move(actor=enterprise_user, req=req, to="in_progress", note="材料还没通过")
    req.refresh_from_db()
    assert req.application.stage == "in_progress" and req.resolved_on is None


def test_visit_warns_when_another_unit_visited_recently(today, staff, officer_b, firm_b, regions):
    today(dt.date(2021, 6, 30))
    v1, w1 = services.visit_record(
        actor=officer_b,
        visited_on=dt.date(2021, 6, 10),
        purpose="survey",
        notes="了解研发情况",
        enterprise=firm_b,
        follow_up_on=dt.date(2021, 6, 20),
    )
    assert w1 == [] and v1.frame_visit is not None and v1.unit == "镇B"
    v2, w2 = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 25),
        purpose="policy",
        notes="宣讲",
        enterprise=firm_b,
    )
    assert len(w2) == 1 and "镇B" in w2[0] and "2021-06-10" in w2[0]
    v1.refresh_from_db()
    assert v1.followed_up_by == v2
    area, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 1),
        purpose="survey",
        notes="座谈",
        region=regions["town_c"],
    )
    assert area.frame_visit is None and area.enterprise is None
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        services.visit_record(
            actor=staff,
            visited_on=dt.date(2021, 7, 1),
            purpose="survey",
            notes="x",
            enterprise=firm_b,
        )
    with pytest.raises(PermissionDenied):
        services.visit_record(
            actor=officer_b,
            visited_on=dt.date(2021, 6, 1),
            purpose="survey",
            notes="x",
            region=regions["park_a"],
        )


def test_problem_loop_with_reopen_and_indicator(
    today, staff, officer_b, enterprise_user, firm_b, regions
):
    today(dt.date(2020, 11, 2))
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2020, 11, 2),
        purpose="problem",
        notes="协调用地",
        enterprise=firm_b,
    )
    problem = services.problem_raise(
        actor=staff, visit=visit, category="land", description="研发中心用地指标未落实"
    )
    with pytest.raises(ValidationFailed, match="办结期限"):
        services.problem_assign(
            actor=staff,
            problem=problem,
            department="自然资源局",
            assignee=officer_b,
            due_on=dt.date(2020, 11, 1),
        )
    services.problem_assign(
        actor=staff,
        problem=problem,
        department="自然资源局",
        assignee=officer_b,
        due_on=dt.date(2020, 12, 1),
    )
    assert Notice.objects.filter(user=officer_b, kind="problem").exists()
    services.problem_resolve(actor=officer_b, problem=problem, resolution="已纳入计划")
    assert Notice.objects.filter(user=enterprise_user, kind="confirm").exists()
    with pytest.raises(ValidationFailed, match="企业意见"):
        services.problem_confirm(actor=enterprise_user, problem=problem, solved=False)
    services.problem_confirm(
        actor=enterprise_user, problem=problem, solved=False, comment="指标还没下达"
    )
    problem.refresh_from_db()
    assert problem.application.stage == "assigned" and problem.reopen_count == 1
    ev = Evaluator()
    assert ev.value("problems_solved", regions["county"], 2020).value == 0
    today(dt.date(2020, 11, 20))
    services.problem_resolve(actor=officer_b, problem=problem, resolution="指标已下达")
    services.problem_confirm(actor=enterprise_user, problem=problem, solved=True)
    problem.refresh_from_db()
    assert problem.closed_on == dt.date(2020, 11, 20) and problem.confirmed_by == enterprise_user
    ev = Evaluator()
    assert ev.value("problems_solved", regions["county"], 2020).value == 1
    assert ev.value("problems_solved", regions["town_c"], 2020).value == 0
    assert ev.value("visits", regions["county"], 2020).value == 1
    assert ev.value("visits", regions["town_b"], 2020).value == 1


def test_measures_per_leader_helper_and_area(
    today, staff, enterprise_user, firm_b, desk_types, routed
):
    from kechuang.desk.selectors import measures

    today(dt.date(2021, 3, 1))
    req = file(enterprise_user, firm_b, desk_types["policy"])
    services.request_move(actor=routed, req=req, to="accepted")
    services.request_move(actor=routed, req=req, to="resolved", note="已答复")
    services.request_review(actor=enterprise_user, req=req, satisfaction=4)
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 3, 1),
        purpose="survey",
        notes="调研",
        enterprise=firm_b,
    )
    problem = services.problem_raise(
        actor=staff, visit=visit, category="tech", description="需要专家"
    )
    services.problem_assign(
        actor=staff,
        problem=problem,
        department="科技局",
        assignee=staff,
        due_on=dt.date(2021, 3, 10),
    )
    today(dt.date(2021, 3, 5))
    services.problem_resolve(actor=staff, problem=problem, resolution="已对接专家")
    services.problem_confirm(actor=staff, problem=problem, solved=True)
    by_leader = {m.name: m for m in measures(staff, year=2021, by="leader")}
    assert by_leader["局员工"].visits == 1 and by_leader["局员工"].problems_solved == 1
    assert by_leader["局员工"].median_days == 4
    by_helper = {m.name: m for m in measures(staff, year=2021, by="helper")}
    assert by_helper["帮办员甲"].requests == 1 and by_helper["帮办员甲"].satisfaction == 4
    by_area = {m.name: m for m in measures(staff, year=2021, by="area")}
    assert by_area["镇B"].visits == 1 and by_area["镇B"].requests == 1

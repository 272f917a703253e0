"""Problems' deadlines (a working-day limit per category, per county), the overdue flag
and escalation once to the owner's leader or the county bureau, in the 待办 page and the
daily digest — with a frozen clock (`KECHUANG_TODAY`)."""

import datetime as dt

import pytest

from kechuang.core.errors import ValidationFailed
from kechuang.desk import selectors, services
from kechuang.desk.digest import daily_run
from kechuang.desk.models import Notice, Problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(settings):
    def set_day(day):
        settings.KECHUANG_TODAY = day.isoformat()
        return day

    return set_day


@pytest.fixture
def raised(today, staff, firm_b, regions):
    def make(text="研发中心用地指标未落实", category="land"):
        today(dt.date(2020, 9, 30))
        visit, _ = services.visit_record(
            actor=staff,
            visited_on=dt.date(2020, 9, 30),
            purpose="problem",
            notes="协调",
            enterprise=firm_b,
        )
        return services.problem_raise(actor=staff, visit=visit, category=category, description=text)

    return make


def test_category_limit_gives_the_deadline_in_working_days(
    raised, staff, peer_bureau, regions, desk_helper
):
    services.problem_limit_save(
        actor=staff, county=regions["county"], category="land", deadline_days=3
    )
    # 兴化's limit for the same category does not apply to 泰兴's problem
    services.problem_limit_save(
        actor=peer_bureau, county=regions["peer"], category="land", deadline_days=1
    )
    problem = raised()
    p = services.problem_assign(
        actor=staff, problem=problem, department="自然资源局", assignee=desk_helper, due_on=None
    )
    # 30 Sep + 3 working days over the National Day holiday: 9 Oct, 10 Oct (调休), 12 Oct
    assert p.due_on == dt.date(2020, 10, 12)
    # a category without a limit: 20 working days
    other = raised("发明专利预审", "ip")
    p2 = services.problem_assign(
        actor=staff, problem=other, department="市场监管局", assignee=None, due_on=None
    )
    assert p2.due_on == dt.date(2020, 11, 4)
    with pytest.raises(ValidationFailed, match="办结时限（工作日）：应为1–250"):
        services.problem_limit_save(
            actor=staff, county=regions["county"], category="land", deadline_days=0
        )


def test_overdue_problem_escalates_once_to_the_owners_leader(
    today, raised, staff, leader, desk_helper, regions
):
    services.problem_limit_save(
        actor=staff, county=regions["county"], category="land", deadline_days=3
    )
    problem = services.problem_assign(
        actor=staff, problem=raised(), department="自然资源局", assignee=desk_helper, due_on=None
    )
    today(dt.date(2020, 10, 12))
    assert selectors.problem_flag(problem, dt.date(2020, 10, 12)) == "即将到期"
    assert services.problems_escalate(day=dt.date(2020, 10, 12)) == []
    today(dt.date(2020, 10, 13))
    done = services.problems_escalate(day=dt.date(2020, 10, 13))
    assert [p.pk for p in done] == [problem.pk]
    p = Problem.objects.get(pk=problem.pk)
    assert p.escalated_on == dt.date(2020, 10, 13) and p.escalated_to == leader
    assert selectors.problem_flag(p, dt.date(2020, 10, 13)) == "逾期，已升级督办"
    assert Notice.objects.filter(user=leader, kind="escalated").count() == 1
    assert Notice.objects.filter(user=desk_helper, kind="overdue").count() == 1
    assert "逾期1个工作日" in p.application.events.order_by("-id").first().note
    # once only
    assert services.problems_escalate(day=dt.date(2020, 10, 14)) == []
    # on the leader's 待办 (and in its count) and the problem board's flag
    assert [x.pk for x in selectors.problems_escalated_to(leader)] == [problem.pk]
    assert selectors.problems_awaiting(leader).filter(pk=problem.pk).exists()


def test_without_a_leader_the_county_bureau_is_told_and_the_digest_says_so(
    today, raised, staff, leader, officer_b, peer_bureau, regions
):
    problem = services.problem_assign(
        actor=staff,
        problem=raised(),
        department="自然资源局",
        assignee=officer_b,
        due_on=dt.date(2020, 10, 9),
    )
    today(dt.date(2020, 10, 12))
    result = daily_run(day=dt.date(2020, 10, 12))
    assert result.problems_escalated == 1
    p = Problem.objects.get(pk=problem.pk)
    assert p.escalated_to is None and p.escalated_on == dt.date(2020, 10, 12)
    # the county's bureau (泰兴), not 兴化's
    told = set(Notice.objects.filter(kind="escalated").values_list("user__username", flat=True))
    assert {"staff", "juzhang"} <= told and "xinghua" not in told
    officer_digest = next(d for d in result.digests if d.user == officer_b)
    assert any("逾期，已升级督办" in line for line in officer_digest.lines)
    assert daily_run(day=dt.date(2020, 10, 13)).problems_escalated == 0


def test_todo_page_shows_the_escalation(client_for, today, raised, staff, leader, desk_helper):
    problem = services.problem_assign(
        actor=staff,
        problem=raised(),
        department="自然资源局",
        assignee=desk_helper,
        due_on=dt.date(2020, 10, 9),
    )
    today(dt.date(2020, 10, 12))
    services.problems_escalate(day=dt.date(2020, 10, 12))
    page = client_for(leader).get("/todo/").content.decode()
    assert "督办：" in page and problem.short[:6] in page
    page = client_for(staff).get(f"/desk/problems/{problem.pk}/").content.decode()
    assert "已升级督办" in page

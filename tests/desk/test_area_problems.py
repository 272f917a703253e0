"""Problems raised on a visit to a town or park (no firm): scoped by region, confirmed by
the visiting unit (the visitor or an officer of the area), counted in `problems_solved`
like a firm's problem."""

import datetime as dt

import pytest

from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.desk import selectors, services
from kechuang.desk.models import Problem
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db


@pytest.fixture
def area_problem(settings, regions, staff, officer_b):
    settings.KECHUANG_TODAY = "2020-07-10"
    visit, _ = services.visit_record(
        actor=officer_b,
        visited_on=dt.date(2020, 7, 1),
        purpose="survey",
        notes="镇B科技工作座谈",
        region=regions["town_b"],
    )
    return services.problem_raise(
        actor=officer_b, visit=visit, category="land", description="镇B众创空间缺少场地"
    )


def test_area_visit_raises_a_problem_without_an_application(area_problem, regions):
    assert area_problem.application is None and area_problem.is_area
    assert area_problem.region == regions["town_b"] and area_problem.stage == "raised"
    assert area_problem.target_name == "镇B"


def test_area_problem_is_scoped_by_region(
    staff, officer_b, officer_a, enterprise_user, peer_bureau, helper_user, area_problem
):
    assert selectors.problem_get(actor=staff, pk=area_problem.pk) == area_problem
    assert selectors.problem_get(actor=officer_b, pk=area_problem.pk) == area_problem
    for outsider in (officer_a, enterprise_user, peer_bureau, helper_user):
        with pytest.raises(NotFound):
            selectors.problem_get(actor=outsider, pk=area_problem.pk)


def test_visiting_unit_confirms_and_it_counts_as_solved(
    settings, firm_b, staff, officer_b, officer_a, regions, area_problem
):
    services.problem_assign(
        actor=staff,
        problem=area_problem,
        department="市自然资源和规划局",
        assignee=None,
        due_on=dt.date(2020, 8, 1),
    )
    services.problem_resolve(actor=staff, problem=area_problem, resolution="已协调闲置厂房")
    # another area's officer cannot confirm
    with pytest.raises(PermissionDenied):
        services.problem_confirm(actor=officer_a, problem=area_problem, solved=True)
    assert [p.pk for p in selectors.area_problems_to_confirm(officer_b)] == [area_problem.pk]
    # the visiting unit disagrees once, then confirms
    services.problem_confirm(
        actor=officer_b, problem=area_problem, solved=False, comment="场地面积不够"
    )
    p = Problem.objects.get(pk=area_problem.pk)
    assert p.stage == "assigned" and p.reopen_count == 1
    services.problem_resolve(actor=staff, problem=p, resolution="另行安排孵化器场地")
    services.problem_confirm(actor=officer_b, problem=p, solved=True)
    p.refresh_from_db()
    assert p.stage == "closed" and p.closed_on == dt.date(2020, 7, 10)
    assert p.confirmed_by == officer_b
    ev = Evaluator()
    assert ev.value("problems_solved", regions["county"], 2020).value == 1
    assert ev.value("problems_solved", regions["town_b"], 2020).value == 1
    assert ev.value("problems_solved", regions["park_a"], 2020).value == 0
    by_area = {m.name: m for m in selectors.measures(staff, year=2020, by="area")}
    assert by_area["镇B"].problems_solved == 1 and by_area["镇B"].problems_raised == 1


def test_area_problem_pages(client_for, area_problem, officer_b, staff):
    page = client_for(officer_b).get(f"/desk/problems/{area_problem.pk}/").content.decode()
    assert "镇B：用地用房" in page and "由走访单位确认" in page
    page = client_for(staff).get("/desk/problems/?view=list").content.decode()
    assert "镇B众创空间缺少场地" in page

"""局领导 designated per county and helpers of a county: who designates, whom linkage
picks, whom an overdue request or problem is escalated to (helper's 分管领导 → the
county's 局领导 → the county bureau's staff; frozen clock), and that a county never
sees, picks or routes to another county's helper."""

import datetime as dt

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.desk import selectors, services
from kechuang.desk.digest import daily_run
from kechuang.desk.models import BureauLeader, HelperProfile, Notice, Problem, RoutingRule
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(settings):
    def set_day(day):
        settings.KECHUANG_TODAY = day.isoformat()
        return day

    return set_day


@pytest.fixture
def deputy(regions):
    return make_user("fujuzhang", "staff", display_name="李红梅", region=regions["county"])


@pytest.fixture
def xh_helper(regions):
    user = make_user("bangban_xh", "helper", display_name="兴化帮办员")
    HelperProfile.objects.create(user=user, county=regions["peer"])
    return user


@pytest.fixture
def plain_helper(regions):
    """A 泰兴 helper without a 分管领导."""
    user = make_user("bangban_p", "helper", display_name="帮办员乙")
    HelperProfile.objects.create(user=user, county=regions["county"])
    return user


def _file(actor, firm, rtype, title="咨询研发费用加计扣除"):
    return services.request_file(
        actor=actor,
        enterprise=firm,
        request_type=rtype,
        title=title,
        description="请帮助",
        channel="phone",
    )


# -- designation --------------------------------------------------------------------------


def test_county_bureau_designates_its_leaders_with_audit(
    staff, deputy, peer_bureau, city_bureau, regions
):
    county = regions["county"]
    row = services.bureau_leader_save(actor=staff, county=county, user=deputy, title="副局长")
    assert (row.title, row.active, row.sort_order) == ("副局长", True, 10)
    assert AuditLog.objects.filter(action="create", object_id=str(row.pk)).exists()
    row = services.bureau_leader_save(
        actor=staff, county=county, user=deputy, title="分管领导", active=False
    )
    assert BureauLeader.objects.get().title == "分管领导" and not row.active
    assert AuditLog.objects.filter(action="update", object_id=str(row.pk)).count() == 1
    # another county's bureau and the city bureau (which views) may not
    with pytest.raises(PermissionDenied, match="局领导由泰兴市科技局指定"):
        services.bureau_leader_save(actor=peer_bureau, county=county, user=deputy, title="局长")
    with pytest.raises(PermissionDenied):
        services.bureau_leader_save(actor=city_bureau, county=county, user=deputy, title="局长")
    # only the county's own staff, with a title
    with pytest.raises(ValidationFailed, match="局领导：请选择泰兴市科技局的人员"):
        services.bureau_leader_save(actor=staff, county=county, user=peer_bureau, title="局长")
    with pytest.raises(ValidationFailed, match="职务：不能为空"):
        services.bureau_leader_save(actor=staff, county=county, user=deputy, title=" ")


def test_settings_page_designates_for_the_county_and_the_city_views(
    client_for, staff, deputy, city_bureau, regions
):
    page = client_for(staff).post(
        "/desk/settings/", {"form": "bureau_leader", "user": deputy.pk, "title": "副局长"}
    )
    assert page.status_code == 302
    assert BureauLeader.objects.filter(county=regions["county"], user=deputy).exists()
    html = client_for(city_bureau).get("/desk/settings/?county=321283").content.decode()
    assert "李红梅" in html and "局领导由泰兴市科技局指定，此处只读" in html
    assert 'value="bureau_leader"' not in html


def test_linkage_offers_only_designated_leaders_once_some_are(
    client_for, staff, deputy, leader, regions
):
    county = regions["county"]
    # none designated: every bureau staff member may be picked
    assert set(selectors.leaders(staff)) == {staff, deputy, leader}
    services.bureau_leader_save(actor=staff, county=county, user=deputy, title="副局长")
    assert list(selectors.leaders(staff)) == [deputy]
    with pytest.raises(ValidationFailed, match="挂钩领导：“局长”不是本县（市、区）指定的局领导"):
        services.linkage_add(actor=staff, year=2021, leader=leader, region=regions["town_b"])
    link = services.linkage_add(actor=staff, year=2021, leader=deputy, region=regions["town_b"])
    assert link.leader == deputy
    html = client_for(staff).get("/desk/linkage/?year=2021").content.decode()
    assert html.count("李红梅（副局长）") == 2  # the card and the picker
    assert f'value="{leader.pk}"' not in html
    # per leader, the designated leader has a row (named with the title), visits or not
    rows = selectors.measures(staff, year=2021, by="leader")
    assert [m.name for m in rows] == ["李红梅（副局长）"]


# -- escalation ---------------------------------------------------------------------------


def test_request_escalates_to_the_designated_leader_without_a_helpers_leader(
    today, staff, deputy, firm_b, desk_types, plain_helper, regions
):
    RoutingRule.objects.create(county=regions["county"], helper=plain_helper)
    services.bureau_leader_save(actor=staff, county=regions["county"], user=deputy, title="副局长")
    today(dt.date(2020, 9, 30))
    req = _file(staff, firm_b, desk_types["policy"])
    today(dt.date(2020, 10, 13))
    assert daily_run(day=dt.date(2020, 10, 13)).escalated == 1
    req.refresh_from_db()
    assert (req.escalated_to, req.escalated_as) == (deputy, "bureau")
    told = set(Notice.objects.filter(kind="escalated").values_list("user__username", flat=True))
    assert told == {"fujuzhang"}
    note = req.application.events.order_by("-id").first().note
    assert "升级至局领导李红梅督办（未设分管领导）" in note
    assert "局领导" in Notice.objects.get(kind="escalated").text


def test_request_page_says_whom_it_went_to(
    client_for, today, staff, deputy, firm_b, desk_types, plain_helper, regions
):
    RoutingRule.objects.create(county=regions["county"], helper=plain_helper)
    services.bureau_leader_save(actor=staff, county=regions["county"], user=deputy, title="副局长")
    today(dt.date(2020, 9, 30))
    req = _file(staff, firm_b, desk_types["policy"])
    today(dt.date(2020, 10, 13))
    services.requests_escalate(day=dt.date(2020, 10, 13))
    html = client_for(staff).get(f"/desk/requests/{req.pk}/").content.decode()
    assert "已升级督办：局领导 李红梅" in html


def test_the_helpers_leader_comes_before_the_designated_ones(
    today, staff, deputy, firm_b, desk_types, routed, leader, regions
):
    services.bureau_leader_save(actor=staff, county=regions["county"], user=deputy, title="副局长")
    today(dt.date(2020, 9, 30))
    req = _file(staff, firm_b, desk_types["policy"])
    today(dt.date(2020, 10, 13))
    services.requests_escalate(day=dt.date(2020, 10, 13))
    req.refresh_from_db()
    assert (req.escalated_to, req.escalated_as) == (leader, "leader")
    assert not Notice.objects.filter(user=deputy).exists()


def test_without_designated_leaders_the_county_bureau_is_told(
    today, staff, deputy, firm_b, desk_types, plain_helper, peer_bureau, regions
):
    RoutingRule.objects.create(county=regions["county"], helper=plain_helper)
    # 兴化's leader does not count for 泰兴; an inactive 泰兴 leader neither
    other = make_user("xh_juzhang", "staff", region=regions["peer"])
    services.bureau_leader_save(actor=peer_bureau, county=regions["peer"], user=other, title="局长")
    services.bureau_leader_save(
        actor=staff, county=regions["county"], user=deputy, title="副局长", active=False
    )
    today(dt.date(2020, 9, 30))
    req = _file(staff, firm_b, desk_types["policy"])
    today(dt.date(2020, 10, 13))
    services.requests_escalate(day=dt.date(2020, 10, 13))
    req.refresh_from_db()
    assert (req.escalated_to, req.escalated_as) == (None, "staff")
    told = set(Notice.objects.filter(kind="escalated").values_list("user__username", flat=True))
    assert told == {"staff", "fujuzhang"}
    assert "本县（市、区）未指定局领导" in req.application.events.order_by("-id").first().note


def test_problem_escalates_to_the_designated_leaders(
    today, staff, deputy, leader, firm_b, officer_b, regions
):
    county = regions["county"]
    services.bureau_leader_save(actor=staff, county=county, user=leader, title="局长")
    services.bureau_leader_save(actor=staff, county=county, user=deputy, title="副局长")
    today(dt.date(2020, 9, 30))
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2020, 9, 30),
        purpose="problem",
        notes="协调",
        enterprise=firm_b,
    )
    problem = services.problem_raise(actor=staff, visit=visit, category="land", description="用地")
    services.problem_assign(
        actor=staff,
        problem=problem,
        department="自然资源局",
        assignee=officer_b,
        due_on=dt.date(2020, 10, 9),
    )
    today(dt.date(2020, 10, 12))
    assert daily_run(day=dt.date(2020, 10, 12)).problems_escalated == 1
    p = Problem.objects.get(pk=problem.pk)
    # the first in order leads (督办), every designated leader is told
    assert (p.escalated_to, p.escalated_as) == (leader, "bureau")
    told = set(Notice.objects.filter(kind="escalated").values_list("user__username", flat=True))
    assert told == {"juzhang", "fujuzhang"}
    assert [x.pk for x in selectors.problems_escalated_to(leader)] == [p.pk]


# -- helpers of a county ------------------------------------------------------------------


def test_another_countys_bureau_neither_sees_nor_picks_the_helper(
    client_for, staff, peer_bureau, desk_helper, xh_helper, regions, firm_b, desk_types
):
    html = client_for(peer_bureau).get("/desk/settings/").content.decode()
    assert "兴化帮办员" in html and "帮办员甲" not in html
    html = client_for(staff).get("/desk/settings/").content.decode()
    assert "帮办员甲" in html and "兴化帮办员" not in html
    # a rule, a 分管领导 or a reassignment naming another county's helper is refused
    with pytest.raises(
        ValidationFailed, match="帮办员：“帮办员甲”属于泰兴市，请选择兴化市的帮办员"
    ):
        services.routing_rule_add(actor=peer_bureau, county=regions["peer"], helper=desk_helper)
    page = client_for(peer_bureau).post(
        "/desk/settings/", {"form": "rule", "helper": desk_helper.pk}, follow=True
    )
    assert "请选择兴化市的帮办员" in page.content.decode()
    assert not RoutingRule.objects.exists()
    with pytest.raises(ValidationFailed, match="帮办员：“兴化帮办员”属于兴化市"):
        services.helper_leader_set(
            actor=staff, county=regions["county"], helper=xh_helper, leader=staff
        )
    with pytest.raises(PermissionDenied):
        services.helper_leader_set(actor=peer_bureau, helper=desk_helper, leader=peer_bureau)
    req = _file(staff, firm_b, desk_types["policy"])
    with pytest.raises(ValidationFailed, match="请选择泰兴市的帮办员"):
        services.request_assign(actor=staff, req=req, helper=xh_helper)
    assert services.request_assign(actor=staff, req=req, helper=desk_helper).helper == desk_helper


def test_a_request_is_never_routed_to_another_countys_helper(
    staff, firm_b, desk_types, xh_helper, regions
):
    # a rule written past the service (an old row, the admin) still routes nobody
    RoutingRule.objects.create(county=regions["county"], helper=xh_helper)
    assert services.route(desk_types["policy"], firm_b) is None
    req = _file(staff, firm_b, desk_types["policy"])
    assert req.helper is None


def test_problem_owner_helper_must_be_of_the_problems_county(
    today, staff, firm_b, xh_helper, desk_helper
):
    today(dt.date(2020, 9, 30))
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2020, 9, 30),
        purpose="problem",
        notes="协调",
        enterprise=firm_b,
    )
    problem = services.problem_raise(actor=staff, visit=visit, category="land", description="用地")
    assert xh_helper not in selectors.people_choices(staff)
    assert desk_helper in selectors.people_choices(staff)
    with pytest.raises(ValidationFailed, match="责任人：“兴化帮办员”属于兴化市"):
        services.problem_assign(
            actor=staff, problem=problem, department="科技局", assignee=xh_helper, due_on=None
        )


def test_a_helper_of_no_county_is_taken_in_by_one(client_for, staff, peer_bureau, regions):
    new = make_user("bangban_new", "helper", display_name="新帮办员")
    html = client_for(peer_bureau).get("/desk/settings/").content.decode()
    assert "新帮办员" in html and "尚未归属县（市、区）的帮办员" in html
    with pytest.raises(ValidationFailed, match="“新帮办员”尚未归属县（市、区）"):
        services.routing_rule_add(actor=staff, county=regions["county"], helper=new)
    client_for(staff).post("/desk/settings/", {"form": "place", "helper": new.pk})
    assert HelperProfile.objects.get(user=new).county == regions["county"]
    assert AuditLog.objects.filter(object_id=str(HelperProfile.objects.get(user=new).pk)).exists()
    # now 泰兴's: 兴化 cannot take it over
    with pytest.raises(PermissionDenied):
        services.helper_county_set(actor=peer_bureau, helper=new, county=regions["peer"])
    html = client_for(peer_bureau).get("/desk/settings/").content.decode()
    assert "新帮办员" not in html


def test_migration_gives_helpers_the_county_of_their_region_rules_or_firms(
    regions, staff, firm_b, peer_town
):
    import importlib

    from django.apps import apps

    from kechuang.enterprises.models import HelperAssignment

    step = importlib.import_module("kechuang.desk.migrations.0008_leaders_and_helper_counties")
    make_user("h_region", "helper", region=peer_town)
    by_rule = make_user("h_rule", "helper")
    RoutingRule.objects.create(county=regions["county"], helper=by_rule)
    by_firm = make_user("h_firm", "helper")
    HelperAssignment.objects.create(user=by_firm, enterprise=firm_b)
    nowhere = make_user("h_none", "helper")
    step.forwards(apps, None)
    county = dict(HelperProfile.objects.values_list("user__username", "county__name"))
    assert county == {"h_region": "兴化市", "h_rule": "泰兴市", "h_firm": "泰兴市", "h_none": None}
    assert HelperProfile.objects.get(user=nowhere).county is None

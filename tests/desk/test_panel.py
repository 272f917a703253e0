"""The enterprise page's 科技服务 panel: the firm's requests, visits and open problems,
as the viewer may see them."""

import datetime as dt

import pytest

from kechuang.desk import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_records(settings, staff, firm_b, desk_types, routed, enterprise_user):
    settings.KECHUANG_TODAY = "2021-06-30"
    services.request_file(
        actor=staff,
        enterprise=firm_b,
        request_type=desk_types["policy"],
        title="咨询加计扣除口径",
        description="内容",
        channel="phone",
    )
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 1),
        purpose="survey",
        notes="内部走访记录",
        enterprise=firm_b,
    )
    services.problem_raise(actor=staff, visit=visit, category="tech", description="工艺攻关难题")


def test_panel_shows_the_firms_requests_visits_and_open_problems(
    client_for, staff, firm_records, firm_b
):
    page = client_for(staff).get(f"/enterprises/{firm_b.pk}/").content.decode()
    assert 'id="desk-panel"' in page
    assert "咨询加计扣除口径" in page and "工艺攻关难题" in page and "局员工（" in page


def test_the_enterprise_sees_its_requests_and_problems_but_not_the_visit_log(
    client_for, enterprise_user, firm_records, firm_b
):
    page = client_for(enterprise_user).get(f"/enterprises/{firm_b.pk}/").content.decode()
    assert "咨询加计扣除口径" in page and "工艺攻关难题" in page
    assert "<strong>走访：</strong>" not in page


def test_another_areas_officer_sees_no_panel_rows(client_for, officer_a, firm_records, firm_b):
    assert client_for(officer_a).get(f"/enterprises/{firm_b.pk}/").status_code == 404

"""Pages: an enterprise never sees another's requests on any desk route (every route
walked with real records behind the ids), outsiders are refused, exports are scoped."""

import datetime as dt
import re

import pytest
from django.urls import get_resolver

from kechuang.desk import services
from kechuang.desk.models import DeskVisit, Problem, ServiceRequest

pytestmark = pytest.mark.django_db


def desk_routes():
    for p in get_resolver().url_patterns:
        if str(p.pattern) == "desk/":
            for q in p.url_patterns:
                yield "/desk/" + str(q.pattern)


@pytest.fixture
def records(settings, staff, firm_a, firm_b, desk_types, routed, enterprise_user):
    """A request, visit and problem of firm_a (園区A), which firm_b's user must never see."""
    settings.KECHUANG_TODAY = "2021-06-30"
    req = services.request_file(
        actor=staff,
        enterprise=firm_a,
        request_type=desk_types["policy"],
        title="园区A的诉求",
        description="保密内容",
        channel="phone",
    )
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 1),
        purpose="survey",
        notes="调研",
        enterprise=firm_a,
    )
    problem = services.problem_raise(
        actor=staff, visit=visit, category="tech", description="园区A难题"
    )
    return {"request": req, "visit": visit, "problem": problem}


def test_routes_are_walked_by_the_scoping_test():
    from tests.test_scoping import all_routes

    routes = set(all_routes())
    assert {"desk/requests/<int:pk>/", "desk/problems/<int:pk>/", "desk/visits/<int:pk>/"} <= routes


def test_enterprise_never_sees_another_firms_request_anywhere(
    client, enterprise_user, officer_b, helper_user, firm_a, records
):
    ids = [records["request"].pk, records["visit"].pk, records["problem"].pk]
    att = records["request"].application.attachments.first()
    for actor in (enterprise_user, officer_b, helper_user):
        client.force_login(actor)
        for route in desk_routes():
            for pk in ids + ([att.pk] if att else []):
                url = re.sub(r"<int:pk>", str(pk), route)
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    body = response.content.decode(errors="ignore")
                    if "<int:pk>" in route:
                        assert response.status_code in (403, 404, 405), (actor, method, url)
                    assert firm_a.name not in body and "园区A的诉求" not in body, (actor, url)
                    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                        raise AssertionError("export of another firm")
            for export in ("/desk/requests/?export=xlsx", "/desk/problems/?view=list&export=xlsx"):
                response = client.get(export)
                if response.status_code == 200:
                    from kechuang.core.tabular import read_table

                    rows = str(read_table(response.content, "x.xlsx").rows)
                    assert firm_a.name not in rows
    assert ServiceRequest.objects.count() == 1 and Problem.objects.count() == 1
    assert DeskVisit.objects.count() == 1


def test_enterprise_sees_its_own_request(client, enterprise_user, firm_b, desk_types, routed):
    client.force_login(enterprise_user)
    response = client.post(
        "/desk/requests/new/",
        {"request_type": desk_types["novelty"].pk, "title": "新产品查新", "description": "请查新"},
    )
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/requests/{req.pk}/"
    page = client.get(f"/desk/requests/{req.pk}/").content.decode()
    assert "新产品查新" in page and "待受理" in page
    listing = client.get("/desk/requests/")
    assert "新产品查新" in listing.content.decode()
    # its own list does not repeat its name and points on every row; the title opens it
    headings = [h.label for h in listing.context["table"].headings]
    assert "企业" not in headings and not any(h.startswith("创新积分") for h in headings)
    assert f'href="/desk/requests/{req.pk}/">新产品查新' in listing.content.decode()
    assert client.get("/desk/visits/").status_code == 403


def test_an_empty_notice_list_says_so(client, enterprise_user):
    client.force_login(enterprise_user)
    assert "暂无通知" in client.get("/desk/notices/").content.decode()


def test_bad_input_is_named_in_chinese(client, enterprise_user, desk_types):
    client.force_login(enterprise_user)
    response = client.post("/desk/requests/new/", {"request_type": "", "title": "x"}, follow=True)
    assert "服务类型: 请选择服务类型" in response.content.decode()


def test_pages_render_for_the_bureau(client, staff, records):
    client.force_login(staff)
    for url in (
        "/desk/queue/",
        "/desk/requests/",
        "/desk/visits/?year=2021",
        "/desk/problems/?year=2021",
        "/desk/problems/?year=2021&view=list",
        "/desk/linkage/",
        "/desk/measures/?year=2021",
        "/desk/settings/",
        f"/desk/requests/{records['request'].pk}/",
        f"/desk/visits/{records['visit'].pk}/",
        f"/desk/problems/{records['problem'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    xlsx = client.get("/desk/measures/?year=2021&by=area&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")

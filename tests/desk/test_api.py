"""/api/v1/desk/: read-only requests (an enterprise only its own) and visits."""

import datetime as dt

import pytest

from kechuang.desk import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(settings, staff, firm_a, firm_b, desk_types, routed, enterprise_user):
    settings.KECHUANG_TODAY = "2021-06-30"

    def file(firm, title):
        return services.request_file(
            actor=staff,
            enterprise=firm,
            request_type=desk_types["policy"],
            title=title,
            description="内容",
            channel="phone",
        )

    mine, other = file(firm_b, "本企业的诉求"), file(firm_a, "园区A的诉求")
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 6, 1),
        purpose="survey",
        notes="调研",
        enterprise=firm_a,
    )
    return {"mine": mine, "other": other, "visit": visit}


def test_an_enterprise_reads_only_its_own_requests(client_for, enterprise_user, records):
    client = client_for(enterprise_user)
    body = client.get("/api/v1/desk/requests").json()
    assert body["count"] == 1 and body["results"][0]["title"] == "本企业的诉求"
    assert body["results"][0]["stage_label"] == "待受理"
    assert client.get(f"/api/v1/desk/requests/{records['mine'].pk}").status_code == 200
    assert client.get(f"/api/v1/desk/requests/{records['other'].pk}").status_code == 404
    assert client.get("/api/v1/desk/visits").json()["count"] == 0


def test_the_bureau_reads_requests_and_visits(client_for, staff, records):
    client = client_for(staff)
    assert client.get("/api/v1/desk/requests?page_size=1").json()["count"] == 2
    visits = client.get("/api/v1/desk/visits?year=2021").json()
    assert visits["count"] == 1 and visits["results"][0]["enterprise"] == "园区A新材料有限公司"
    assert client.get("/api/v1/desk/visits?year=2020").json()["count"] == 0


def test_outsiders_see_nothing(client_for, officer_b, peer_bureau, records):
    assert client_for(peer_bureau).get("/api/v1/desk/requests").json()["count"] == 0
    assert client_for(peer_bureau).get("/api/v1/desk/visits").json()["count"] == 0
    # 镇B's officer: not 园区A's request
    assert (
        client_for(officer_b).get(f"/api/v1/desk/requests/{records['other'].pk}").status_code == 404
    )

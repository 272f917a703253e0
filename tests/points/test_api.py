"""/api/v1/points/…: the same scope as the pages (an enterprise reads its own score before
publication and nobody else's; another county reads nothing), typed answers, paging."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.enterprises.models import EnterpriseMember
from kechuang.points import services
from tests.conftest import make_user
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db

API = "/api/v1/points"


@pytest.fixture
def scored(staff: Any, county: Any, firms: dict[str, Any], published_small: Any) -> Any:
    return services.score_county(actor=staff, county=county, year=YEAR)


def _publish(staff: Any, county: Any) -> Any:
    return services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )


def _member(username: str, firm: Any) -> Any:
    user = make_user(username, "enterprise")
    EnterpriseMember.objects.create(user=user, enterprise=firm)
    return user


def test_the_bureau_reads_sets_and_one_set_with_its_weights(client, staff, published_small):
    client.force_login(staff)
    listed = client.get(f"{API}/sets").json()
    assert listed["county"] == {"code": "321283", "name": "泰兴市"}
    assert [(r["year"], r["status_label"]) for r in listed["results"]] == [(YEAR, "已发布")]
    one = client.get(f"{API}/sets/{published_small.pk}").json()
    assert one["problems"] == [] and one["title"] == "测试用两项指标体系"
    rd = one["indicators"][0]
    assert rd["label"] == "研发费用" and rd["group_label"] == "技术创新"
    assert rd["weights"] == [{"stage": "all", "stage_label": "全部企业", "weight": "50"}]
    assert one["stages"][0]["revenue_below_wan"] is None
    assert one["tiers"][0]["top_percent"] == "33"


def test_the_score_list_is_paged_and_filtered(client, staff, county, scored):
    client.force_login(staff)
    page = client.get(f"{API}/{YEAR}/scores?page_size=2").json()
    assert page["count"] == 3 and page["published"] is False
    assert [(r["name"], Decimal(r["total"])) for r in page["results"]] == [
        ("乙人才密集有限公司", 75),
        ("甲研发强企有限公司", 50),
    ]
    rest = client.get(f"{API}/{YEAR}/scores?page_size=2&page=2").json()
    assert [r["overall_rank"] for r in rest["results"]] == [3]
    tier = client.get(f"{API}/{YEAR}/scores?tier=a").json()
    assert [r["tier_label"] for r in tier["results"]] == ["第一档（第1名）"]
    assert client.get(f"{API}/{YEAR}/scores?stage=none").json()["count"] == 0


def test_one_enterprise_score_explains_itself_and_sums_to_the_total(client, staff, scored, firms):
    client.force_login(staff)
    body = client.get(f"{API}/{YEAR}/enterprises/{firms['Z'].uscc}").json()
    assert Decimal(body["total"]) == 25 and body["rank"] == 3
    assert sum(Decimal(line["points"]) for line in body["lines"]) == Decimal(body["total"])
    assert [line["reading"] for line in body["lines"]] == [
        "在全部企业3家有数据的企业中高于0家",
        "在全部企业3家有数据的企业中高于1家",
    ]
    assert body["gains"] == []  # one step more beats nobody in this small county
    assert body["published"] is False


def test_an_enterprise_sees_its_own_score_before_publication_and_no_list(
    client, staff, county, scored, firms
):
    client.force_login(_member("qiye_x", firms["X"]))
    own = client.get(f"{API}/{YEAR}/enterprises/{firms['X'].uscc}")
    assert own.status_code == 200 and Decimal(own.json()["total"]) == 50
    assert client.get(f"{API}/{YEAR}/enterprises/{firms['Y'].uscc}").status_code == 404
    assert client.get(f"{API}/{YEAR}/scores").json()["count"] == 0
    assert client.get(f"{API}/{YEAR}/publication").json()["status_label"] == "未公示"
    assert client.get(f"{API}/sets").status_code == 403
    _publish(staff, county)
    listed = client.get(f"{API}/{YEAR}/scores").json()
    assert listed["published"] is True and listed["count"] == 3
    assert client.get(f"{API}/{YEAR}/enterprises/{firms['Y'].uscc}").status_code == 404
    status = client.get(f"{API}/{YEAR}/publication").json()
    assert status["published"] is True and status["open_objections"] is None


def test_the_publication_status_counts_open_objections_for_the_bureau(
    client, staff, scored_published_with_objection
):
    client.force_login(staff)
    status = client.get(f"{API}/{YEAR}/publication").json()
    assert status["status_label"] == "公示中" or status["status"] == "open"
    assert status["ends_on"] == "2021-06-10" and status["open_objections"] == 1


def test_another_county_reads_nothing(client, peer_bureau, staff, county, scored, firms):
    _publish(staff, county)
    client.force_login(peer_bureau)
    assert client.get(f"{API}/{YEAR}/scores?county=321283").status_code == 404
    assert client.get(f"{API}/{YEAR}/publication?county=321283").status_code == 404
    assert client.get(f"{API}/{YEAR}/scores").json()["count"] == 0
    assert client.get(f"{API}/{YEAR}/enterprises/{firms['X'].uscc}").status_code == 404
    sets = client.get(f"{API}/sets").json()
    assert sets["results"] == []


def test_the_city_bureau_picks_a_county(client, city_bureau, staff, county, scored):
    client.force_login(city_bureau)
    page = client.get(f"{API}/{YEAR}/scores?county=321283").json()
    assert page["county"]["name"] == "泰兴市" and page["count"] == 3
    assert client.get(f"{API}/{YEAR}/scores?county=999999").status_code == 404


def test_outsiders_are_refused(client, officer_a, scored):
    assert client.get(f"{API}/{YEAR}/scores").status_code == 401
    client.force_login(officer_a)
    assert client.get(f"{API}/sets").status_code == 403

import pytest

from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db


def test_create_form_shows_chinese_errors_and_writes_nothing(client, staff, regions):
    client.force_login(staff)
    response = client.post(
        "/enterprises/new/",
        {
            "uscc": "9144030O1922038216",
            "name": "坏代码公司",
            "region": regions["park_a"].pk,
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "含非法字符 O" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_create_form_saves_and_redirects(client, staff, regions):
    client.force_login(staff)
    code = new_uscc()
    response = client.post(
        "/enterprises/new/",
        {
            "uscc": code,
            "name": "表单公司",
            "region": regions["park_a"].pk,
            "status": "active",
            "tech_domain": "8.4",
            "is_above_scale": "on",
        },
    )
    e = Enterprise.objects.get(uscc=code)
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{e.pk}/"
    assert e.is_above_scale and e.tech_domain == "8.4"


def test_officer_form_offers_only_own_area(client, officer_a, regions):
    client.force_login(officer_a)
    body = client.get("/enterprises/new/").content.decode()
    assert "园区A" in body and "镇B" not in body
    response = client.post(
        "/enterprises/new/",
        {
            "uscc": new_uscc(),
            "name": "越界公司",
            "region": regions["town_b"].pk,
            "status": "active",
        },
    )
    assert response.status_code == 200 and not Enterprise.objects.filter(name="越界公司").exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"revenue_yuan": "-5"}, "不能为负数"),
        ({"revenue_yuan": "abc"}, "应为数字"),
        ({"employees": "10", "tech_staff": "11"}, "科技人员数不能大于职工总数"),
    ],
)
def test_facts_form_rejects_bad_values(client, staff, firm_b, post, message):
    client.force_login(staff)
    data = {"source": "tax", "recorded_on": "2021-03-01", **post}
    response = client.post(f"/enterprises/{firm_b.pk}/facts/2017/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not YearlyFacts.objects.filter(fiscal_year=2017).exists()


def test_facts_form_saves_in_wan(client, staff, firm_b):
    client.force_login(staff)
    response = client.post(
        f"/enterprises/{firm_b.pk}/facts/2017/",
        {
            "source": "tax",
            "recorded_on": "2021-03-01",
            "revenue_yuan": "12.345678",
            "employees": "9",
        },
    )
    assert response.status_code == 302
    assert str(YearlyFacts.objects.get(fiscal_year=2017).revenue_yuan) == "123456.78"


def test_ip_and_certificate_forms(client, staff, firm_a):
    client.force_login(staff)
    response = client.post(
        f"/enterprises/{firm_a.pk}/ip/new/",
        {
            "kind": "utility_model",
            "number": "ZL2020200001.X",
            "title": "一种装置",
            "granted_on": "2020-01-02",
            "acquisition": "self",
            "still_valid": "on",
        },
    )
    assert response.status_code == 302
    assert IPItem.objects.get().ip_class == "II"
    response = client.post(
        f"/enterprises/{firm_a.pk}/certificates/new/",
        {"kind": "hnte", "number": "GR202032009999", "issued_on": "2020-12-02"},
    )
    assert response.status_code == 302
    assert Certificate.objects.get().valid_until.isoformat() == "2023-12-01"


def test_list_filters_by_certificate_and_exports(client, staff, firm_a, firm_b):
    client.force_login(staff)
    body = client.get("/enterprises/?cert=hnte&year=2020").content.decode()
    assert firm_b.name in body and firm_a.name not in body
    body = client.get("/enterprises/?cert=not_hnte&year=2020").content.decode()
    assert firm_a.name in body and firm_b.name not in body
    response = client.get("/enterprises/export/enterprises/?cert=hnte&year=2020")
    assert response["Content-Type"].startswith("application/vnd.openxml")
    from kechuang.core.tabular import read_table

    rows = read_table(response.content, "x.xlsx").rows
    assert [r[1][0] for r in rows] == [firm_b.uscc]


def test_detail_page_year_defaults_to_latest_with_data(client, staff, firm_b):
    client.force_login(staff)
    response = client.get(f"/enterprises/{firm_b.pk}/")
    assert response.context["year"] == 2020
    assert "有效性按 2020-12-31 计" in response.content.decode()

from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_staff_sees_the_county_dashboard_with_charts(
    client_for: Any, staff: Any, county_firms: Any
):
    response = client_for(staff).get(reverse("targets:dashboard", args=["321283"]) + "?year=2020")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "有效期内国家高企" in html and "echarts.min.js" in html and "targets/dashboard.js" in html
    )
    assert 'id="chart-peers"' in html and 'id="chart-areas"' in html


def test_officer_home_redirects_to_their_own_area(
    client_for: Any, officer_a: Any, county_firms: Any
):
    response = client_for(officer_a).get(reverse("targets:home"))
    assert response.status_code == 302 and "/targets/region/321283401/" in response["Location"]


def test_park_officer_cannot_see_other_towns_dashboard_or_records(
    client_for: Any, officer_a: Any, county_firms: Any
):
    c = client_for(officer_a)
    assert c.get(reverse("targets:dashboard", args=["321283401"]) + "?year=2020").status_code == 200
    assert c.get(reverse("targets:dashboard", args=["321283101"]) + "?year=2020").status_code == 403
    assert (
        c.get(reverse("targets:records", args=["321283101", "hnte_new"]) + "?year=2020").status_code
        == 403
    )
    assert c.get(reverse("targets:dashboard", args=["321283"]) + "?year=2020").status_code == 403


def test_records_page_lists_the_firms_behind_a_figure(
    client_for: Any, officer_a: Any, county_firms: Any
):
    html = (
        client_for(officer_a)
        .get(reverse("targets:records", args=["321283401", "hnte_valid"]) + "?year=2020")
        .content.decode()
    )
    assert "园区A一号科技有限公司" in html and "园区A二号科技有限公司" in html
    assert "镇B一号化工有限公司" not in html


def test_enterprise_user_and_outsider_are_refused(
    client_for: Any, client: Any, enterprise_user: Any
):
    assert client.get(reverse("targets:dashboard", args=["321283"])).status_code == 302  # login
    c = client_for(enterprise_user)
    assert c.get(reverse("targets:dashboard", args=["321283"])).status_code == 403
    assert c.get(reverse("targets:statistics")).status_code == 403


def test_staff_enters_a_statistic_through_the_page(client_for: Any, staff: Any, regions: Any):
    from kechuang.targets.models import RegionalStatistic

    c = client_for(staff)
    response = c.post(
        reverse("targets:statistics"),
        {
            "region": "321281",
            "year": 2019,
            "key": "rd_gdp_ratio",
            "value": "2.71",
            "source": "年鉴",
        },
    )
    assert response.status_code == 302
    assert RegionalStatistic.objects.get().value == 2.71 or str(
        RegionalStatistic.objects.get().value
    ).startswith("2.71")


def test_targets_import_previews_then_confirms(client_for: Any, staff: Any, regions: Any):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kechuang.targets.models import Target

    c = client_for(staff)
    data = "区域代码,年度,指标,比较方式,目标值\n321283,2021,新认定国家高企,≥,50\n".encode()
    preview = c.post(
        reverse("imports:upload", args=["targets"]),
        {"file": SimpleUploadedFile("t.csv", data)},
    )
    assert preview.status_code == 200 and Target.objects.count() == 0
    from kechuang.core.models import ImportBatch

    c.post(reverse("imports:confirm", args=[ImportBatch.objects.get().token]))
    assert Target.objects.get().value == 50


def test_bad_import_shows_row_and_column_errors(client_for: Any, staff: Any, regions: Any):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "区域代码,年度,指标,目标值\n321283,2021,新认定国家高企,很多\n".encode()
    response = client_for(staff).post(
        reverse("imports:upload", args=["targets"]),
        {"file": SimpleUploadedFile("t.csv", data)},
    )
    assert response.status_code == 422 and "第2行 目标值" in response.content.decode()


def test_assessment_page_renders_for_staff_and_officer(
    client_for: Any, staff: Any, officer_a: Any, county_firms: Any
):
    assert client_for(staff).get(reverse("targets:assessment") + "?year=2020").status_code == 200
    assert (
        client_for(officer_a).get(reverse("targets:assessment") + "?year=2020").status_code == 200
    )


def test_targets_page_lists_progress(client_for: Any, staff: Any, county_firms: Any):
    from kechuang.targets.services import target_save

    target_save(actor=staff, region="321283", year=2020, indicator="hnte_new", value=4)
    html = client_for(staff).get(reverse("targets:targets") + "?year=2020").content.decode()
    assert "50.0%" in html

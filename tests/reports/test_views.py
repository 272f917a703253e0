from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_staff_downloads_the_annual_report(client_for: Any, staff: Any, county_firms: Any):
    c = client_for(staff)
    assert c.get(reverse("reports:index")).status_code == 200
    response = c.get(reverse("reports:annual") + "?year=2020&region=321283&format=json")
    assert response.status_code == 200 and response.json()["region"]["code"] == "321283"
    md = c.get(reverse("reports:annual") + "?year=2020&region=321283&format=md")
    assert "二、存在的短板和不足" in md.content.decode()


def test_officers_cannot_generate_reports(client_for: Any, officer_a: Any, county_firms: Any):
    assert client_for(officer_a).get(reverse("reports:index")).status_code == 403
    assert (
        client_for(officer_a).get(reverse("reports:annual") + "?year=2020&format=json").status_code
        == 403
    )

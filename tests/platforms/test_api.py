"""/api/v1/platforms/…: read-only, paged, typed lists scoped as the pages are."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

LISTS = ("institutions", "carriers", "projects", "talent", "commissioners")


def test_the_bureau_reads_every_list(client: Any, staff: Any, records: Any) -> None:
    client.force_login(staff)
    got = {n: client.get(f"/api/v1/platforms/{n}").json() for n in LISTS}
    assert got["institutions"]["results"][0]["name"] == "园区A新材料工程技术研究中心"
    assert got["institutions"]["results"][0]["kind_label"] == "工程技术研究中心"
    assert got["carriers"]["results"][0]["incubated_projects"] == 1
    assert got["projects"]["results"][0]["title"] == "园区A课题"
    assert got["projects"]["results"][0]["granted_yuan"] in ("0", "0.00", 0)
    assert got["talent"]["results"][0]["programme_label"] == "国家级人才"
    assert {c["name"] for c in got["commissioners"]["results"]} == {"园区A特派员", "镇B特派员"}
    page = client.get("/api/v1/platforms/commissioners?page=2&page_size=1").json()
    assert (page["count"], page["page"], page["page_size"]) == (2, 2, 1)
    assert [c["name"] for c in page["results"]] == ["镇B特派员"]


def test_an_officer_reads_their_area_and_others_nothing(
    client: Any, records: Any, officer_b: Any, enterprise_user: Any
) -> None:
    client.force_login(officer_b)
    got = {n: client.get(f"/api/v1/platforms/{n}").json() for n in LISTS}
    assert all(got[n]["count"] == 0 for n in ("institutions", "carriers", "projects", "talent"))
    assert [c["name"] for c in got["commissioners"]["results"]] == ["镇B特派员"]
    client.force_login(enterprise_user)
    for n in LISTS:
        r = client.get(f"/api/v1/platforms/{n}")
        assert r.status_code == 403, n
        assert "只有科技局和园区/乡镇用户可以办理" in r.json()["error"]["message"]

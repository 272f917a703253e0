"""Optimistic versions: a profile or facts form opened before someone else saved is
refused with what changed (field, their value, your value) and writes nothing; saving
again from the refused form (which now holds the current version) is deliberate and
goes through. The same for the API's facts PUT (409)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from kechuang.enterprises.models import FactRevision, YearlyFacts
from kechuang.enterprises.services import enterprise_update, facts_record

pytestmark = pytest.mark.django_db


def _version(html: str) -> str:
    found = re.search(r'name="version" value="([^"]+)"', html)
    assert found, "the form carries its edit version"
    return found.group(1)


def _facts_post(version: str, revenue_wan: str) -> dict[str, Any]:
    return {
        "version": version,
        "source": "enterprise",
        "recorded_on": "2021-03-01",
        "employees": "100",
        "tech_staff": "15",
        "revenue_yuan": revenue_wan,
        "rd_expense_yuan": "200",
    }


def test_a_stale_facts_form_is_refused_showing_what_changed(
    client: Any, staff: Any, officer_b: Any, firm_b: Any
) -> None:
    url = f"/enterprises/{firm_b.pk}/facts/2020/"
    client.force_login(officer_b)
    opened = _version(client.get(url).content.decode())
    # meanwhile bureau staff correct the revenue (4,200 → 4,500 万元)
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"revenue_yuan": Decimal("45000000")},
        source="tax",
        recorded_on=dt.date(2021, 3, 1),
    )
    revisions = FactRevision.objects.count()
    page = client.post(url, _facts_post(opened, "5000"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "他人已修改了以下数据，本次未写入任何数据" in html
    assert "销售收入：现为 4,500 万元，您填写 5,000 万元" in html
    assert FactRevision.objects.count() == revisions
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2020).revenue_yuan == Decimal(
        "45000000"
    )
    # saving again from the refused form is deliberate
    again = client.post(url, _facts_post(_version(html), "5000"))
    assert again.status_code == 302
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2020).revenue_yuan == Decimal(
        "50000000"
    )


def test_a_stale_profile_form_is_refused_showing_what_changed(
    client: Any, staff: Any, officer_b: Any, firm_b: Any, regions: Any
) -> None:
    url = f"/enterprises/{firm_b.pk}/edit/"
    client.force_login(officer_b)
    opened = _version(client.get(url).content.decode())
    enterprise_update(
        actor=staff,
        enterprise=firm_b,
        data={"uscc": firm_b.uscc, "name": firm_b.name, "contact_name": "王五"},
    )
    post = {
        "version": opened,
        "uscc": firm_b.uscc,
        "name": firm_b.name,
        "region": regions["town_b"].pk,
        "status": "active",
        "contact_name": "李四",
        "tech_domain": "4.5",
        "registered_on": "2015-03-01",
        "is_above_scale": "on",
    }
    html = client.post(url, post).content.decode()
    assert "联系人：现为 王五，您填写 李四" in html
    firm_b.refresh_from_db()
    assert firm_b.contact_name == "王五"
    assert client.post(url, {**post, "version": _version(html)}).status_code == 302
    firm_b.refresh_from_db()
    assert firm_b.contact_name == "李四"


def test_an_unchanged_record_saves_with_its_version(
    client: Any, officer_b: Any, firm_b: Any
) -> None:
    url = f"/enterprises/{firm_b.pk}/facts/2020/"
    client.force_login(officer_b)
    opened = _version(client.get(url).content.decode())
    assert client.post(url, _facts_post(opened, "4300")).status_code == 302


def test_the_api_refuses_a_stale_facts_put_with_409(client: Any, staff: Any, firm_b: Any) -> None:
    client.force_login(staff)
    url = f"/api/v1/enterprises/{firm_b.uscc}/facts"
    read = {f["fiscal_year"]: f for f in client.get(url).json()}
    version = read[2020]["version"]
    ok = client.put(
        f"{url}/2020",
        data={"employees": 120, "version": version, "source": "统计"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    stale = client.put(
        f"{url}/2020",
        data={"employees": 90, "version": version, "source": "统计"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict" and "他人已修改" in error["message"]
    assert error["details"] == [
        {"row": None, "field": "employees", "label": "职工总数", "message": "现为 120，您填写 90"}
    ]
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2020).employees == 120
    forged = client.put(
        f"{url}/2020", data={"employees": 90, "version": "x"}, content_type="application/json"
    )
    assert forged.status_code == 422


def test_the_api_refuses_a_stale_profile_patch_with_409(
    client: Any, staff: Any, firm_b: Any
) -> None:
    client.force_login(staff)
    url = f"/api/v1/enterprises/{firm_b.uscc}"
    version = client.get(url).json()["version"]
    first = client.patch(
        url, data={"address": "新址一号", "version": version}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] != version
    stale = client.patch(
        url, data={"contact_name": "赵六", "version": version}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == [
        {
            "row": None,
            "field": "address",
            "label": "地址",
            "message": "现为 新址一号（您未修改此项）",
        }
    ]
    firm_b.refresh_from_db()
    assert (firm_b.address, firm_b.contact_name) == ("新址一号", "")
    # without a version the API writes as before (last writer wins, audited)
    assert (
        client.patch(
            url, data={"contact_name": "赵六"}, content_type="application/json"
        ).status_code
        == 200
    )

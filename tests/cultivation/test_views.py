"""Pages and API: scoping (an officer of 园区A never sees 镇B), transitions through
the web, and the ledger export in the towns' layout."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from kechuang.cultivation import services
from kechuang.cultivation.pipeline import MILESTONES, label

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledgers(staff, county, pool):
    out = {
        k: services.ledger_open(
            actor=staff, enterprise=county[k], year=2021, on=dt.date(2021, 3, 5)
        )
        for k in ("strong", "weak")
    }
    services.ledger_transition(
        actor=staff, ledger=out["strong"], to="coaching", on=dt.date(2021, 3, 20)
    )
    return out


PAGES = [
    "/cultivation/",
    "/cultivation/pool/",
    "/cultivation/batches/",
    "/cultivation/progress/",
    "/cultivation/tasks/",
    "/cultivation/forecast/",
    "/cultivation/success/",
]


def test_officer_pages_show_only_their_area(client, officer_a, ledgers):
    client.force_login(officer_a)
    for url in PAGES:
        body = client.get(url + "?year=2021").content.decode()
        assert "镇B弱企" not in body, url
    board = client.get("/cultivation/?year=2021").content.decode()
    assert "园区A强企有限公司" in board
    assert client.get(f"/cultivation/ledgers/{ledgers['weak'].pk}/").status_code == 404
    r = client.post(f"/cultivation/ledgers/{ledgers['weak'].pk}/transition/", {"to": "coaching"})
    assert r.status_code == 404
    assert client.get(f"/api/v1/cultivation/ledgers/{ledgers['weak'].pk}").status_code == 404
    pool = client.get("/api/v1/cultivation/pool?year=2021").json()
    assert {r["name"] for r in pool["results"]} == {"园区A强企有限公司", "园区A潜力有限公司"}


def test_enterprise_users_and_helpers_are_refused(client, enterprise_user, helper_user):
    for user in (enterprise_user, helper_user):
        client.force_login(user)
        assert client.get("/cultivation/").status_code == 403
        assert client.get("/api/v1/cultivation/pool").status_code == 403


def test_transition_through_the_web_and_a_clear_refusal(client, staff, officer_a, ledgers):
    client.force_login(officer_a)
    lg = ledgers["strong"]
    r = client.post(
        f"/cultivation/ledgers/{lg.pk}/transition/",
        {"to": "certified", "on": "2021-04-01"},
        follow=True,
    )
    assert "不能从“辅导”直接进入“认定”" in r.content.decode()
    client.post(
        f"/cultivation/ledgers/{lg.pk}/transition/", {"to": "materials", "on": "2021-04-01"}
    )
    lg.refresh_from_db()
    assert lg.stage == "materials"
    r = client.post(
        f"/api/v1/cultivation/ledgers/{lg.pk}/transition",
        {"to": "review"},
        content_type="application/json",
    )
    assert r.status_code == 403 and "直接进入“专家评审”" in r.json()["error"]["message"]


def test_ledger_export_has_one_row_per_enterprise_and_milestone_columns(
    client, officer_a, staff, ledgers
):
    client.force_login(staff)
    r = client.get("/cultivation/export.xlsx?year=2021")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    for s in MILESTONES:
        assert f"{label(s)}日期" in head
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"园区A强企有限公司", "镇B弱企有限公司"}
    strong = by_name["园区A强企有限公司"]
    assert strong[head.index("入库日期")].date() == dt.date(2021, 3, 5)
    assert strong[head.index("辅导日期")].date() == dt.date(2021, 3, 20)
    assert strong[head.index("认定日期")] is None
    client.force_login(officer_a)
    ws = openpyxl.load_workbook(
        io.BytesIO(client.get("/cultivation/export.xlsx?year=2021").content)
    ).active
    assert [row[1] for row in ws.iter_rows(min_row=2, values_only=True)] == ["园区A强企有限公司"]


def test_enterprise_page_shows_the_cultivation_panel(client, staff, county, ledgers):
    client.force_login(staff)
    body = client.get(f"/enterprises/{county['strong'].pk}/").content.decode()
    assert "panel-cultivation" in body and "2021年 辅导" in body


def test_task_page_offers_only_the_officers_of_ones_own_area(
    client, officer_a, officer_b, staff, regions
):
    client.force_login(officer_a)
    body = client.get("/cultivation/tasks/").content.decode()
    assert "园区A干部" in body and "镇B干部" not in body
    client.force_login(staff)
    body = client.get("/cultivation/tasks/").content.decode()
    assert "园区A干部" in body and "镇B干部" in body


def test_two_officers_moving_one_ledger_from_the_same_page(client, staff, officer_a, ledgers):
    """The second move, made from a page showing the old stage, is refused and says why."""
    lg = ledgers["strong"]
    form = {"to": "materials", "on": "2021-04-01", "expected_stage": "coaching"}
    client.force_login(officer_a)
    client.post(f"/cultivation/ledgers/{lg.pk}/transition/", form)
    client.force_login(staff)
    r = client.post(
        f"/cultivation/ledgers/{lg.pk}/transition/",
        {**form, "to": "withdrawn"},
        follow=True,
    )
    assert "已被他人办理至“材料准备”环节" in r.content.decode()
    lg.refresh_from_db()
    assert lg.stage == "materials" and lg.events.count() == 3
    api = client.post(
        f"/api/v1/cultivation/ledgers/{lg.pk}/transition",
        {"to": "audit", "expected_stage": "coaching"},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_regrading_the_pool_runs_as_a_job(client, staff, ledgers):
    from kechuang.core.models import Job

    client.force_login(staff)
    r = client.post("/cultivation/regrade/", {"year": "2021"})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED and "已重新评价" in job.result["summary"]


def test_a_ledger_page_shows_its_milestones_by_name(client, staff, ledgers):
    client.force_login(staff)
    body = client.get(f"/cultivation/ledgers/{ledgers['strong'].pk}/").content.decode()
    assert "入库 → 辅导" in body


@pytest.mark.parametrize("url", ["/cultivation/progress/", "/cultivation/forecast/"])
def test_a_region_name_is_never_markup_in_chart_data(client, staff, regions, ledgers, url):
    """Stored XSS: chart data reaches the page through json_script, escaped."""
    evil = "</script><script>x()</script>"  # 29 characters: fits 简称
    regions["park_a"].short_name = evil
    regions["park_a"].name = evil
    regions["park_a"].save()
    client.force_login(staff)
    body = client.get(url + "?year=2021").content.decode()
    assert "<script>x()</script>" not in body


def test_forecast_export_is_the_area_table_with_a_total(client, staff, officer_a, ledgers):
    client.force_login(staff)
    page = client.get("/cultivation/forecast/?year=2021")
    assert "/cultivation/forecast/export.xlsx?year=2021" in page.content.decode()
    f = page.context["f"]
    r = client.get("/cultivation/forecast/export.xlsx?year=2021")
    assert r["Content-Disposition"].endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "区域" and "年末有效（期望）" in rows[0]
    body = rows[1:]
    assert [row[0] for row in body[:-1]] == [a.name for a, _fig in f.by_area]
    total = body[-1]
    assert total[0] == "合计"
    col = rows[0].index("年末有效（期望）")
    assert total[col] == pytest.approx(round(float(f.total.valid_end), 1))
    assert total[rows[0].index("在库")] == f.total.pool_size
    assert sum(row[rows[0].index("在库")] for row in body[:-1]) == f.total.pool_size
    # An officer's export holds their own area only.
    client.force_login(officer_a)
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(client.get("/cultivation/forecast/export.xlsx?year=2021").content)
        ).active.iter_rows(values_only=True)
    )
    assert "镇B" not in "".join(str(row[0]) for row in rows)

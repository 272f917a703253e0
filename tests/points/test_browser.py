"""The objection round trip in Chromium: the enterprise files an objection with
evidence, the bureau corrects the fact, re-scores (a background job), re-publishes, the
list shows the change, the objection is resolved, and the audit shows every step."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core import periods
from kechuang.enterprises.models import EnterpriseMember
from kechuang.points import services
from tests.conftest import make_user
from tests.points.conftest import YEAR, small_set

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username, password="pw-Kechuang-1"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")


def row_of(page, name):
    return page.locator("#points-table tbody tr", has_text=name).inner_text()


def test_objection_round_trip(page, live_server, staff, county, firms, shot, tmp_path):
    # R&D 60 / talents 40. Talents: X 0, Y 1, Z unknown. By hand (N firms with a value):
    #   rd: X 60, Y 30, Z 0;  talents: Y 40, X 0 (Z unknown, 40 at stake)
    #   → Y 70 (1st), X 60 (2nd), Z 0 (3rd).
    # Z's 3 talents once recorded: talents Z 40, Y 20, X 0 → X 60, Y 50, Z 40.
    data = small_set()
    data["indicators"][0]["weights"] = {"all": 60}
    data["indicators"][1].update(
        {
            "id": "talents",
            "label": "市级以上人才项目入选人数",
            "source": {"field": "talents"},
            "weights": {"all": 40},
            "step_text": "再入选1名市级以上人才",
        }
    )
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    services._save_data(staff, draft, data, "test")
    services.set_publish(actor=staff, point_set=draft)
    for key, n in (("X", "0"), ("Y", "1")):
        services.points_facts_save(
            actor=staff, enterprise=firms[key], year=YEAR, values={"talents": n}
        )
    services.score_county(actor=staff, county=county, year=YEAR)
    today = periods.today()
    services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
    )
    z = firms["Z"]
    user = make_user("qiye_z", "enterprise", display_name="丙企业")
    EnterpriseMember.objects.create(user=user, enterprise=z)

    # -- the enterprise files its objection, with a scan
    login(page, live_server, "qiye_z")
    page.goto(f"{live_server.url}/points/")
    page.wait_for_selector("#points-lines")
    assert page.inner_text("#points-total") == "0.00"
    assert "最多还可得40.00分" in page.inner_text("body")
    evidence = tmp_path / "人才入选文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 talents")
    page.fill("#reason", "本企业2020年有3人入选市级以上人才项目，人才数未计入")
    page.set_input_files("#evidence", str(evidence))
    page.click("#points-object-form button[type=submit]")
    page.wait_for_selector("#points-my-objections")
    assert "待处理" in page.inner_text("#points-my-objections")
    shot("points-objection-filed")

    # -- the bureau: objection → correct the fact → re-score → re-publish
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/points/{YEAR}/")
    assert "1" in row_of(page, "乙人才密集有限公司").split()[0]
    page.click("#points-objections a:has-text('丙综合企业有限公司')")
    page.wait_for_selector("#objection-detail")
    assert "人才入选文件" in page.inner_text("#objection-detail")
    page.click("#objection-fix")
    page.fill("#talents", "3")
    page.fill("#note", "据企业异议及人才入选文件更正")
    page.click("#points-facts-form button[type=submit]")
    page.wait_for_selector("#points-facts")
    assert "市级以上人才项目入选（人）：3" in page.inner_text("#points-facts")
    page.goto(f"{live_server.url}/points/{YEAR}/")
    page.click("#points-score")
    page.wait_for_selector("#job-result")
    assert "3家企业计分" in page.inner_text("#job-result")
    page.click("#job-link")
    page.wait_for_selector("#points-newer")
    page.click("#points-republish")
    page.wait_for_selector("#points-table")
    assert "重新发布" in page.inner_text("#points-state")
    zrow = row_of(page, "丙综合企业有限公司")
    assert "40.00" in zrow
    assert row_of(page, "甲研发强企有限公司").split()[0] == "1"
    shot("points-list-republished")

    # -- resolve
    page.click("#points-objections a:has-text('丙综合企业有限公司')")
    page.fill("#resolution", "经核实3人入选市级以上人才项目，已更正并重新计分、重新发布")
    page.click("#objection-resolve button[value=upheld]")
    page.wait_for_selector("#objection-status:has-text('异议成立')")

    # -- the enterprise sees the change
    login(page, live_server, "qiye_z")
    page.goto(f"{live_server.url}/points/enterprise/{z.pk}/{YEAR}/")
    assert page.inner_text("#points-total") == "40.00"
    assert "异议成立" in page.inner_text("#points-my-objections")

    # -- the audit shows every step
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/audit/")
    audit = page.inner_text("#audit-table")
    for step in (
        "企业科技创新积分排名公示",  # published, then re-published
        "重新发布",
        "附件",  # the evidence
        "积分补充数据",  # the correction
        "据企业异议及人才入选文件更正",
        "积分计算",  # both runs
        "异议成立",
    ):
        assert step in audit, step
    shot("points-audit")

"""The yearly 核实再登记 of the tech commissioners in Chromium: the bureau opens the
campaign, two commissioners confirm and one is marked lapsed by the town's officer, and
the counts on the campaign page and on the module's dashboard change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.platforms import services

pytestmark = pytest.mark.django_db(transaction=True)


def login(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Kechuang-1")
    page.click("button[type=submit]")
    page.wait_for_selector("nav")


def test_a_campaign_runs_in_the_browser(
    page: Any, live_server: Any, staff: Any, officer_a: Any, regions: Any, shot: Any
) -> None:
    for name, school in (
        ("甲特派员", "江南大学"),
        ("乙特派员", "江苏大学"),
        ("丙特派员", "扬州大学"),
    ):
        services.commissioner_register(
            actor=staff,
            data={
                "name": name,
                "institution": school,
                "expertise": "精细化工",
                "region": regions["park_a"],
            },
            registered_on=dt.date(2020, 3, 1),
        )
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/platforms/")
    assert page.inner_text("#n-active") == "3"
    page.goto(f"{live_server.url}/platforms/campaigns/")
    page.fill("#k-year", "2021")
    page.fill("#k-open", "2021-06-01")
    page.fill("#k-close", "2021-07-31")
    page.click("#campaign-open")
    page.wait_for_selector("#campaign-counts")
    assert page.inner_text("#count-pending") == "3"
    assert page.inner_text("#count-confirmed") == "0"
    shot("campaign-opened")

    # bad input is refused with a clear message: a second campaign of the same year
    page.goto(f"{live_server.url}/platforms/campaigns/")
    page.fill("#k-year", "2021")
    page.fill("#k-open", "2021-06-01")
    page.fill("#k-close", "2021-07-31")
    page.click("#campaign-open")
    page.wait_for_selector(".alert")
    assert "2021年度的核实再登记已开始" in page.inner_text("main")

    # the park's officer verifies their commissioners
    page.context.clear_cookies()
    login(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/platforms/")
    assert page.inner_text("#dash-pending") == "3"
    page.click("text=进入核实再登记")
    page.wait_for_selector("#campaign-counts")
    rows = page.locator("#campaign-entries tbody tr")
    assert rows.count() == 3
    for name in ("甲特派员", "乙特派员"):
        page.locator("#campaign-entries tbody tr", has_text=name).locator("input[name=ids]").check()
    page.click("button[value=confirm]")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#count-confirmed") == "2"
    assert page.inner_text("#count-pending") == "1"
    page.locator("#campaign-entries tbody tr", has_text="丙特派员").locator(
        "input[name=ids]"
    ).check()
    page.once("dialog", lambda d: d.accept())
    page.click("button[value=lapse]")
    page.wait_for_selector("text=已注销 1 人")
    assert page.inner_text("#count-lapsed") == "1"
    assert page.inner_text("#count-pending") == "0"
    shot("campaign-done")

    # the dashboard shows the new counts
    page.goto(f"{live_server.url}/platforms/")
    assert page.inner_text("#dash-confirmed") == "2"
    assert page.inner_text("#dash-lapsed") == "1"
    assert page.inner_text("#dash-pending") == "0"
    assert page.inner_text("#n-active") == "2"
    assert page.inner_text("#n-lapsed") == "1"
    shot("platforms-dashboard")

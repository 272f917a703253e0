"""The county dashboard in Chromium: charts draw (no animation under automation) and a
bar click opens the records behind it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_draws_charts_and_links_to_records(
    live_server: Any, page: Any, shot: Any, staff: Any, county_firms: Any, client: Any
):
    client.force_login(staff)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/targets/region/321283/?year=2020")
    page.wait_for_selector("#chart-trend canvas")
    assert page.evaluate("navigator.webdriver") is True
    shot("targets-dashboard")
    page.click("#indicator-cards [data-indicator=hnte_valid]")
    page.wait_for_selector("#records-table")
    assert page.inner_text("#record-count") == "3"

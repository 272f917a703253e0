"""The Content-Security-Policy in Chromium: it does refuse an inline script (and the
watch every browser test runs sees it), while what the pages do still works under it —
charts draw, htmx suggestions arrive, the data-attribute handlers act, and Swagger UI
loads and sends a request. The `page` fixture fails any test whose pages report a CSP
violation (tests/playwright_fixtures.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.playwright_fixtures import csp_violations, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


def login(page: Any, live_server: Any, username: str = "staff") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Kechuang-1")
    page.click("button[type=submit]")
    page.wait_for_selector("#top-search")


def test_the_policy_refuses_an_inline_script_and_the_watch_reports_it(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(locale="zh-CN")
    seen = watch_csp(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.head.appendChild(s); }"
    )
    ran = page.evaluate("window.__ran === true")
    found = csp_violations(page)
    context.close()
    assert not ran
    assert any("script-src" in v for v in found), found
    assert any("Content Security Policy" in v and "inline script" in v for v in seen), seen


def test_charts_htmx_and_the_page_handlers_work_under_the_policy(
    page: Any, live_server: Any, staff: Any, firm_b: Any
) -> None:
    login(page, live_server)
    page.goto(f"{live_server.url}/enterprises/{firm_b.pk}/")
    page.wait_for_selector("#chart-money canvas")
    # data-autosubmit: picking a year reloads the page for it.
    page.select_option("#year", "2019")
    page.wait_for_url("**year=2019**")
    # data-print: the 打印 button calls window.print (replaced here, to count the call).
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("#print-button")
    assert page.evaluate("window.__printed === true")
    # htmx: the top bar's suggestions.
    page.fill("#top-search", "镇B")
    page.wait_for_selector("#top-search-suggest a")
    assert "镇B精细化工有限公司" in page.inner_text("#top-search-suggest")


def test_a_dismissed_confirmation_stops_the_action(
    page: Any, live_server: Any, staff: Any, firm_a: Any, firm_b: Any
) -> None:
    login(page, live_server)
    page.goto(f"{live_server.url}/enterprises/")
    boxes = page.locator("input[name=ids]")
    if not page.locator("[data-select-all]").count():
        pytest.skip("the enterprise list offers no selection to this user")
    # data-select-all ticks every row.
    page.check("[data-select-all]")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    button = page.locator("button[data-confirm]").first
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    posts: list[str] = []
    page.on("dialog", dismiss)
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    url = page.url
    button.click()
    page.evaluate("1")  # one round trip: a submitted form would have sent its POST by now
    assert asked and not posts and page.url == url


def test_swagger_ui_loads_and_sends_a_request_under_the_policy(
    page: Any, live_server: Any, staff: Any
) -> None:
    login(page, live_server)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .info")
    page.get_by_text("/api/v1/me", exact=True).click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status")
    assert "200" in page.inner_text(".live-responses-table tbody .response-col_status")

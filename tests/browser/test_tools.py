"""The everyday tools as a user meets them in Chromium: the top bar's search with its
suggestions, the 待办 link, and a page's print layout."""

import pytest

from tests.browser.test_pages import login
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db(transaction=True)


def test_top_bar_search_suggests_and_lists_kaijie(page, live_server, staff, regions, shot):
    make_enterprise(staff, regions["town_b"], "江苏凯捷电子科技有限公司")
    make_enterprise(staff, regions["park_a"], "泰兴市华泰化工有限公司")
    login(page, live_server)
    page.wait_for_selector("#top-search")
    page.fill("#top-search", "凯捷科技")
    page.wait_for_selector("#top-search-suggest .kc-suggest a")
    suggestions = page.inner_text("#top-search-suggest")
    assert "江苏凯捷电子科技有限公司" in suggestions and "华泰化工" not in suggestions
    shot("top-bar-suggestions")
    page.fill("#top-search", "江苏 凯捷")
    page.press("#top-search", "Enter")
    page.wait_for_selector("#search-table")
    assert page.inner_text("#search-total") == "1"
    page.click("#search-table a:has-text('江苏凯捷电子科技有限公司')")
    page.wait_for_selector("#print-button")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#print-button").is_visible()
    assert page.locator("h1:has-text('江苏凯捷电子科技有限公司')").is_visible()
    shot("enterprise-print")
    page.emulate_media(media="screen")
    page.click("#todo-link")
    page.wait_for_selector("h1:has-text('我的待办')")
    shot("todo")

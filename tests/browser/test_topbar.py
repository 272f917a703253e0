"""The top bar in Chromium: one line at 1280 and 1400 px for every role (the items of
eleven capabilities sit in the frame's menus), and its menus work from the keyboard."""

from typing import Any

import pytest

from tests.browser.test_pages import login
from tests.playwright_fixtures import SHOTS, csp_violations, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)

# The personas, with names as long as the demo's ("泰州市科技局 朱处长").
PERSONAS = {
    "staff": "泰兴市科技局 王科长",
    "officer_a": "泰兴经济开发区 陈主任",
    "officer_b": "黄桥镇科技助理 刘助理",
    "qiye": "企业联系人 张经理",
    "helper": "帮办员 周专员",
    "shikjj": "泰州市科技局 朱处长",
}
FIXTURES = {
    "staff": "staff",
    "officer_a": "officer_a",
    "officer_b": "officer_b",
    "qiye": "enterprise_user",
    "helper": "helper_user",
    "shikjj": "city_bureau",
}

# Where each part of the bar sits: the bar's height, the menus' right edge against the
# search box's left edge, and the right edge of everything against the window's.
GEOMETRY = """() => {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const parts = [...document.querySelectorAll('#topbar .navbar-brand, #nav-menu > li, '
    + '#topbar .kc-search, #todo-link, #today, #user-menu')];
  return {
    height: box('#topbar').height,
    tops: parts.map((e) => Math.round(e.getBoundingClientRect().top)),
    bottoms: parts.map((e) => Math.round(e.getBoundingClientRect().bottom)),
    menusEnd: box('#nav-menu').right,
    searchStart: box('#topbar .kc-search').left,
    end: Math.max(...parts.map((e) => e.getBoundingClientRect().right)),
    width: window.innerWidth,
  };
}"""


@pytest.mark.parametrize("width", [1280, 1400])
def test_top_bar_is_one_line_for_every_role(
    browser: Any, live_server: Any, request: Any, width: int
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)

    for login_name, name in PERSONAS.items():
        user = request.getfixturevalue(FIXTURES[login_name])
        user.display_name = name
        user.save(update_fields=["display_name"])
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 700})
        violations = watch_csp(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, live_server, user.username)
        page.wait_for_selector("#user-menu")
        # a kept data year adds no line either (it stands under today's date)
        page.goto(f"{live_server.url}/enterprises/?year=2019")
        page.wait_for_selector("#kept-year")
        g = page.evaluate(GEOMETRY)
        page.screenshot(
            path=str(SHOTS / f"top-bar-{user.username}-{width}.png"),
            clip={"x": 0, "y": 0, "width": width, "height": 120},
        )
        violations += csp_violations(page)
        context.close()
        assert not violations, violations
        assert g["height"] <= 60, (user.username, width, g)
        # every part on the one row: none starts below another's bottom
        assert max(g["tops"]) < min(g["bottoms"]), (user.username, width, g)
        assert g["menusEnd"] <= g["searchStart"], (user.username, width, g)
        assert g["end"] <= g["width"], (user.username, width, g)


def test_top_bar_menus_open_and_move_from_the_keyboard(
    page: Any, live_server: Any, staff: Any, shot: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 700})
    login(page, live_server)
    page.wait_for_selector("#nav-stats")
    assert page.get_attribute("#nav-stats", "aria-expanded") == "false"
    page.focus("#nav-stats")
    page.keyboard.press("Enter")
    assert page.get_attribute("#nav-stats", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "指标看板"
    shot("top-bar-menu-open")
    page.keyboard.press("Escape")
    assert page.get_attribute("#nav-stats", "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "nav-stats"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "年度报告"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the menu of the page shown is lit, and its item marked as the current page
    assert "active" in (page.get_attribute("#nav-stats", "class") or "")
    assert page.locator("#nav-menu [aria-current=page]").inner_text().strip() == "年度报告"
    # the user's menu: who and where, and 退出 reached by keyboard
    page.focus("#user-menu-button")
    page.keyboard.press("Enter")
    assert "县（市、区）科技局 · 泰兴市" in page.inner_text("#user-role")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "logout"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url

"""The registry's top bar: items gathered into the frame's menus."""

from __future__ import annotations

from typing import Any

from kechuang.core import registry
from kechuang.core.registry import MORE, NAV_GROUPS, TOP, NavItem, nav_group_of, nav_menu


def test_an_item_goes_to_the_menu_it_names_else_the_frames_default_else_more() -> None:
    assert nav_group_of(NavItem("x", "甲", "home", group="stats")) == "stats"
    assert nav_group_of(NavItem("vouchers", "创新券", "home")) == "support"
    assert nav_group_of(NavItem("unheard-of", "乙", "home")) == MORE
    assert nav_group_of(NavItem("y", "丙", "home", group="no-such-menu")) == MORE
    assert nav_group_of(NavItem("z", "丁", "home", group=TOP)) == TOP


def test_a_menu_of_one_visible_item_is_that_items_link(monkeypatch: Any) -> None:
    items = [
        NavItem("a", "企业库", "home", order=10, group=TOP),
        NavItem("b", "看板", "home", order=30, group="stats"),
        NavItem("c", "报告", "home", order=20, group="stats"),
        NavItem("d", "券", "home", order=50, group="support"),
        NavItem("e", "日志", "home", order=5, group="system", visible=lambda user: False),
    ]
    monkeypatch.setattr(registry, "collect", lambda name: items)
    menu = nav_menu(None)
    order = {g.key: g.order for g in NAV_GROUPS}
    assert order["support"] < order["stats"]
    assert [(e.group.key if e.group else None, [i.key for i, _ in e.items]) for e in menu] == [
        (None, ["a"]),
        (None, ["d"]),  # 政策资金 holds one item here: shown as its link
        ("stats", ["c", "b"]),  # in the items' own order
    ]


def test_every_installed_item_sits_in_a_named_menu_or_on_the_bar() -> None:
    """A new capability's item lands under 更多 until the frame or the app names its
    menu; the apps installed today all have one."""
    for item in registry.collect("NAV"):
        if item.key == "example_rd":
            continue
        assert nav_group_of(item) != MORE, item.key


def test_frame_urls_follow_the_script_prefix_and_few_are_kept(monkeypatch: Any) -> None:
    from django.urls import get_script_prefix, set_script_prefix

    monkeypatch.setattr(registry, "FRAME_URLS_KEPT", 10)
    monkeypatch.setattr(registry, "_frame_urls", {})
    before = get_script_prefix()
    try:
        assert registry.frame_url("enterprises:search") == "/enterprises/search/"
        for i in range(30):  # a client behind a proxy chooses SCRIPT_NAME
            set_script_prefix(f"/p{i}/")
            assert registry.frame_url("enterprises:search") == f"/p{i}/enterprises/search/"
            assert len(registry._frame_urls) <= 10
    finally:
        set_script_prefix(before)

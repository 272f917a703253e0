"""What innovation vouchers (C5) add to the frame: the `voucher` workflow, the
indicators of what the money brought, navigation, the enterprise-page panel, pages,
to-do sections (vouchers awaiting a decision, vouchers about to expire) and the demo
county's 2019–2020 programmes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kechuang.core.registry import (
    ApiMount,
    DemoPhase,
    Landing,
    NavItem,
    TodoItem,
    TodoSource,
    UrlMount,
)
from kechuang.core.roles import has_role
from kechuang.core.schedule import ScheduledJob
from kechuang.vouchers.indicators import INDICATORS as _INDICATORS
from kechuang.vouchers.models import wan_text
from kechuang.vouchers.panels import PANEL
from kechuang.vouchers.workflow import WORKFLOW


def _demo(actor: Any) -> int:
    from kechuang.vouchers.demo import load_demo_vouchers

    return load_demo_vouchers(actor)


def _url(v: Any) -> str:
    from django.urls import reverse

    return reverse("vouchers:voucher", args=[v.pk])


def _provider_home(user: Any) -> str | None:
    """A provider's login lands on its provider page (the vouchers spent with it)."""
    from django.urls import reverse

    from kechuang.accounts.scoping import role_of
    from kechuang.vouchers.selectors import provider_of

    if role_of(user) != "helper" or provider_of(user) is None:
        return None
    return reverse("vouchers:my_provider")


def _expiring_items(user: Any, day: dt.date, limit: int) -> list[TodoItem]:
    from kechuang.vouchers.selectors import expiring

    return [
        TodoItem(
            title=f"{v.code} {v.enterprise.name}：{v.stage_label}，尚未申请兑付",
            url=_url(v),
            due_on=v.expires_on,
            note=f"{v.provider.name}；核定{wan_text(v.approved_yuan)}",
            overdue=bool(v.expires_on and v.expires_on < day),
        )
        for v in expiring(user, day)[:limit]
    ]


def _expiring_count(user: Any, day: dt.date) -> int:
    from kechuang.vouchers.selectors import expiring

    return expiring(user, day).count()


def _awaiting_items(user: Any, day: dt.date, limit: int) -> list[TodoItem]:
    from kechuang.vouchers.selectors import awaiting

    return [
        TodoItem(
            title=f"{v.code} {v.enterprise.name}：{v.stage_label}",
            url=_url(v),
            note=v.provider.name,
        )
        for v in awaiting(user)[:limit]
    ]


def _awaiting_count(user: Any, day: dt.date) -> int:
    from kechuang.vouchers.selectors import awaiting

    return awaiting(user).count()


WORKFLOWS = [WORKFLOW]
INDICATORS = _INDICATORS
NAV = [
    NavItem(
        "vouchers",
        "创新券",
        "vouchers:index",
        icon="bi-ticket-perforated",
        order=50,
        visible=lambda user: (
            has_role(user, "staff", "officer", "enterprise")
            or getattr(user, "voucher_provider", None) is not None
        ),
        app_name="vouchers",
    )
]
PANELS = [PANEL]
URLS = [UrlMount("vouchers/", "kechuang.vouchers.urls")]
API = [ApiMount("/vouchers", "kechuang.vouchers.api")]
DEMO = [DemoPhase("vouchers", "科技创新券", _demo, order=300)]
TODO = [
    TodoSource(
        key="vouchers-awaiting",
        title="待办理的创新券",
        items=_awaiting_items,
        count=_awaiting_count,
        order=60,
        icon="bi-ticket-perforated",
        visible=lambda user: has_role(user, "staff", "officer"),
        more_url="vouchers:index",
    ),
    TodoSource(
        key="vouchers-expiring",
        title="30天内到期未兑付的创新券",
        items=_expiring_items,
        count=_expiring_count,
        order=61,
        icon="bi-hourglass-split",
        visible=lambda user: has_role(user, "staff", "officer", "enterprise"),
        badge=False,  # a reminder list (on the 待办 page), not a decision awaited
        more_url="vouchers:index",
    ),
]


def _expire_daily(day: dt.date) -> str:
    """The day's expiry run: vouchers whose validity ended before `day` are expired and
    their amounts released, even on a day nobody opens a voucher page."""
    from kechuang.vouchers.services import vouchers_expire_due

    expired = vouchers_expire_due(on=day, via="schedule")
    return f"到期作废创新券{expired}张" if expired else "无到期的创新券"


SCHEDULE = [
    ScheduledJob("vouchers-expire", "创新券到期作废（释放额度）", _expire_daily, at="06:30")
]

LANDING = [Landing("voucher_provider", _provider_home, order=50)]

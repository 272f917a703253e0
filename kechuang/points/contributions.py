"""What innovation points (C4) add to the frame: the `points` programme (its 公示 and
objections are the frame's), navigation, the enterprise-page panel, the pages, the
attributes other capabilities read (`points_score`, `points_rank`, `points_tier`: the
published list of a year) and the demo county's 2019 and 2020 lists."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core.imports import ImportKind
from kechuang.core.registry import (
    ApiMount,
    DemoPhase,
    EnterpriseAttribute,
    NavItem,
    TodoItem,
    TodoSource,
    UrlMount,
)
from kechuang.points import importing
from kechuang.points.panels import PANEL
from kechuang.points.workflow import WORKFLOW
from kechuang.rules.points import default_set


def _values(field: str) -> Any:
    def values(ids: Any, year: int | None) -> dict[int, Any]:
        from kechuang.points.selectors import attribute_values

        return attribute_values(field, ids, year)

    return values


def _annotate(field: str) -> Any:
    def annotate(queryset: Any, year: int | None, name: str, via: str = "") -> Any:
        from kechuang.points.selectors import attribute_annotate

        return attribute_annotate(field, queryset, year, name, via)

    return annotate


def _demo(actor: Any) -> int:
    from kechuang.points.demo import load_demo_points

    return load_demo_points(actor)


WORKFLOWS = [WORKFLOW]
NAV = [
    NavItem(
        "points",
        "创新积分",
        "points:index",
        icon="bi-trophy",
        order=45,
        visible=lambda user: role_of(user) in ("staff", "officer", "enterprise"),
        app_name="points",
    )
]
PANELS = [PANEL]
URLS = [UrlMount("points/", "kechuang.points.urls")]
API = [ApiMount("/points", "kechuang.points.api")]
# The latest published list of the year or before (the latest of all when no year is
# given): a score before publication is nobody else's business.
ATTRIBUTES = [
    EnterpriseAttribute(
        "points_score",
        "创新积分",
        _values("total"),
        annotate=_annotate("total"),
        unit="分",
        order=40,
    ),
    EnterpriseAttribute("points_rank", "积分阶段排名", _values("rank"), order=41),
    EnterpriseAttribute(
        "points_tier",
        "积分档次",
        _values("tier"),
        annotate=_annotate("tier"),
        choices=tuple((t.id, t.label) for t in default_set().tiers),
        order=42,
    ),
]
DEMO = [DemoPhase("points", "创新积分", _demo, order=250)]
IMPORTS = [
    ImportKind(
        key=importing.KIND,
        title="积分补充数据",
        columns=importing.COLUMNS,
        run=importing.facts_import,
        permission=importing.can_import,
        note="每行一家企业一个年度：纳税、技术合同、研发机构、人才、奖励、事故、失信（企业库"
        "年度数据以外、创新积分要读取的数据）。空白为未知，不改动已有数值。",
        export=importing.facts_export,
        order=60,
    )
]


def _objection_items(user: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.points.selectors import open_objections

    return [
        TodoItem(
            title=f"{o.entry.application.enterprise.name} 对{o.entry.application.year}年积分排名的异议",
            url=reverse("points:objection", args=[o.pk]),
            due_on=o.entry.publicity.ends_on,
            note=o.reason[:60],
            overdue=o.entry.publicity.ends_on < day,
        )
        for o in open_objections(user)[:limit]
    ]


def _objection_count(user: Any, day: Any) -> int:
    from kechuang.points.selectors import open_objection_total

    return open_objection_total(user)


TODO = [
    TodoSource(
        key="points-objections",
        title="待处理的积分异议",
        items=_objection_items,
        count=_objection_count,
        order=60,
        icon="bi-exclamation-diamond",
        # Only the bureau resolves objections: for anybody else the section is not read,
        # so the top bar's count (every page) costs them no query; the bureau one count.
        visible=lambda user: role_of(user) == "staff",
    )
]

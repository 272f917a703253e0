"""What indicators, targets and dashboards (C12) add to the frame."""

from typing import Any

from kechuang.core.registry import ApiMount, DemoPhase, NavItem, UrlMount
from kechuang.core.roles import is_staff_or_officer


def _demo_statistics(actor: Any) -> int:
    from kechuang.targets.demo import load_demo_statistics

    return load_demo_statistics(actor=actor)


NAV = [
    NavItem(
        "targets",
        "指标看板",
        "targets:home",
        icon="bi-bar-chart-line",
        order=30,
        visible=is_staff_or_officer,
        app_name="targets",
        group="stats",
    ),
]
URLS = [UrlMount("targets/", "kechuang.targets.urls")]
API = [
    ApiMount("/indicators", "kechuang.targets.api"),
    ApiMount("/targets", "kechuang.targets.api", "targets_router"),
]
DEMO = [DemoPhase("statistics", "统计数据与年度目标", _demo_statistics, order=100)]


def _import_kinds() -> list[Any]:
    from kechuang.core.imports import ImportKind
    from kechuang.targets import services
    from kechuang.targets.permissions import can_enter_statistics, can_manage_targets

    return [
        ImportKind(
            key="statistics",
            title="区域统计数据",
            columns=services.STATISTIC_COLUMNS,
            run=services.statistics_import,
            permission=can_enter_statistics,
            note="每行一个区域、一个年度的一项统计数据（GDP、全社会研发经费、兄弟县市的指标等）。"
            "指标可填中文名称或指标代码；区域填区划代码。",
            aliases=("statistic", "regional-statistics"),
            export=services.statistics_export,
            order=50,
        ),
        ImportKind(
            key="targets",
            title="目标",
            columns=services.TARGET_COLUMNS,
            run=services.targets_import,
            permission=can_manage_targets,
            note="每行一个区域、一个年度的一项目标；区域填县（市、区）或镇、园区的区划代码。",
            aliases=("target",),
            export=services.targets_export,
            order=60,
        ),
    ]


IMPORTS = _import_kinds()

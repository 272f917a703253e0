"""What 科技活动 (C11) adds to the frame: navigation, the enterprise-page panel, pages,
the indicators `iur_events`, `roadshows`, `finance_events` and `publicity_articles`,
and the demo county's events and articles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.core.imports import ImportKind
from kechuang.core.registry import ApiMount, DemoPhase, NavItem, UrlMount
from kechuang.core.roles import has_role
from kechuang.events import importing
from kechuang.events.panels import PANEL
from kechuang.targets.indicators import Computed, Evaluator, Indicator, RecordRow


def _events_of(*kinds: str) -> Any:
    def compute(ev: Evaluator, region: Any, year: int) -> Computed:
        from kechuang.events.selectors import events_in

        qs = events_in(region, year, kinds, until=ev.today)
        n = qs.count()

        def rows() -> list[RecordRow]:
            return [
                RecordRow(
                    None,
                    e.organisers,
                    e.region.name,
                    e.get_kind_display(),
                    f"{e.title}（{e.place}）",
                    e.held_on,
                )
                for e in qs.order_by("held_on", "id")
            ]

        return Computed(Decimal(n), n, rows)

    return compute


def _articles(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.events.selectors import articles_in

    qs = articles_in(region, year)
    n = qs.count()

    def rows() -> list[RecordRow]:
        return [
            RecordRow(None, a.media, a.region.name, a.get_level_display(), a.title, a.published_on)
            for a in qs.order_by("published_on", "id")
        ]

    return Computed(Decimal(n), n, rows)


def _demo(actor: Any) -> int:
    from kechuang.events.demo import load_demo_events

    return load_demo_events()


NAV = [
    NavItem(
        "events",
        "科技活动",
        "events:index",
        icon="bi-calendar-event",
        order=75,
        visible=lambda user: has_role(user, "staff", "officer", "helper", "enterprise"),
        app_name="events",
    )
]
PANELS = [PANEL]
URLS = [UrlMount("events/", "kechuang.events.urls")]
API = [ApiMount("/events", "kechuang.events.api")]
INDICATORS = [
    Indicator(
        "iur_events",
        "产学研对接活动",
        "场",
        "C8",
        "当年举办的产学研对接活动（活动类型：产学研对接、技术巡诊；主办区域属本区域）",
        "records",
        0,
        _events_of("iur", "diagnosis"),
    ),
    Indicator(
        "publicity_articles",
        "省市级媒体用稿",
        "篇",
        "C11",
        "当年在国家级、省级、市级媒体刊发的用稿（报送区域属本区域）",
        "records",
        0,
        _articles,
    ),
    Indicator(
        "finance_events",
        "科技金融进孵化器活动",
        "场",
        "C11",
        "当年举办的科技金融进孵化器活动",
        "records",
        0,
        _events_of("finance"),
    ),
    Indicator(
        "roadshows",
        "项目路演活动",
        "期",
        "C11",
        "当年举办的新技术成果发布、项目路演活动（活动类型：路演）",
        "records",
        0,
        _events_of("roadshow"),
    ),
]
DEMO = [DemoPhase("events", "科技活动", _demo, order=410)]
IMPORTS = [
    ImportKind(
        key="events",
        title="科技活动",
        columns=importing.EVENT_COLUMNS,
        run=importing.events_import,
        permission=importing.can_import,
        export=importing.events_export,
        note="每行一场活动，按“活动名称+举办日期”新增或更新；主办区域填区域名称或代码。",
        order=710,
    ),
    ImportKind(
        key="publicity_articles",
        title="宣传用稿",
        columns=importing.ARTICLE_COLUMNS,
        run=importing.articles_import,
        permission=importing.can_import,
        export=importing.articles_export,
        note="每行一篇用稿，按“媒体+标题+刊发日期”新增或更新；报送区域填区域名称或代码。",
        order=711,
    ),
    ImportKind(
        key="event_financing",
        title="活动融资意向",
        columns=importing.INTENTION_COLUMNS,
        run=importing.intentions_import,
        permission=importing.can_import,
        export=importing.intentions_export,
        note=(
            "每行一项融资意向，活动按“活动名称+举办日期”查找，按“投资机构/银行+企业+日期”"
            "新增或更新；金额单位万元；日期可空（活动举办日期）。"
        ),
        order=712,
    ),
]

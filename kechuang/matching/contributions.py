"""What 产学研对接 (C8) adds to the frame: the introduction workflow, the search sources
(its own records; other apps add theirs, e.g. tech commissioners, through `SEARCH`),
navigation, the enterprise-page panel, pages, the indicators `iur_agreements`,
`iur_alliances` and `iur_agreements_hq`, the reminder of agreements without progress,
and the demo county's records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from kechuang.core.imports import ImportKind
from kechuang.core.registry import (
    ApiMount,
    DemoPhase,
    LinkRecord,
    LinkSource,
    NavItem,
    SearchDocument,
    SearchSource,
    TodoItem,
    TodoSource,
    UrlMount,
)
from kechuang.core.roles import has_role, is_staff_or_officer
from kechuang.matching import importing
from kechuang.matching.panels import PANEL
from kechuang.matching.workflow import WORKFLOW
from kechuang.targets.indicators import Computed, Evaluator, Indicator, RecordRow


def _docs(name: str) -> Any:
    def documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
        from kechuang.matching import selectors

        return getattr(selectors, name)(refs)  # type: ignore[no-any-return]

    return documents


def _agreement_rows(rows: Sequence[Any]) -> list[RecordRow]:
    return [
        RecordRow(
            a.enterprise_id,
            a.enterprise.name,
            a.enterprise.region.name,
            "科技合作协议",
            f"《{a.title}》与{a.institution.name}；{a.get_status_display()}",
            a.signed_on,
            a.amount_yuan / Decimal(10000),
        )
        for a in rows
    ]


def _iur_agreements(ev: Evaluator, region: Any, year: int) -> Computed:
    """C8: cooperation agreements signed in the year by firms of the region."""
    from kechuang.matching.selectors import agreements_in

    qs = agreements_in(region, year)
    n = qs.count()
    return Computed(Decimal(n), n, lambda: _agreement_rows(list(qs.order_by("signed_on", "id"))))


def _iur_agreements_hq(ev: Evaluator, region: Any, year: int) -> Computed:
    """C8: agreements of the year that meet the 高质量 rule (quality.yaml)."""
    from kechuang.matching.selectors import high_quality_in

    rows = high_quality_in(region, year)
    return Computed(Decimal(len(rows)), len(rows), lambda: _agreement_rows(rows))


def _iur_alliances(ev: Evaluator, region: Any, year: int) -> Computed:
    """C8: 校企联盟 founded in the year, led by a firm of the region."""
    from kechuang.matching.selectors import alliances_in

    qs = alliances_in(region, year)
    n = qs.count()

    def rows() -> list[RecordRow]:
        return [
            RecordRow(
                a.lead_id,
                a.lead.name,
                a.lead.region.name,
                "校企联盟",
                f"{a.name}（共建：{a.institution.name}）",
                a.founded_on,
            )
            for a in qs.order_by("founded_on", "id")
        ]

    return Computed(Decimal(n), n, rows)


def _stalled_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.matching.selectors import agreements_stalled

    return [
        TodoItem(
            title=f"{a.enterprise.name}《{a.title}》签订后无执行进展",
            url=reverse("matching:agreement", args=[a.pk]),
            due_on=a.signed_on,
            note=f"{a.signed_on:%Y-%m-%d}签订；{a.get_status_display()}；请登记进展或标记未执行",
            overdue=True,
        )
        for a in agreements_stalled(actor, day)[:limit]
    ]


def _stalled_count(actor: Any, day: Any) -> int:
    from kechuang.matching.selectors import agreements_stalled

    return agreements_stalled(actor, day).count()


def _demo(actor: Any) -> int:
    from kechuang.matching.demo import load_demo_matching

    return load_demo_matching()


def _signed_in(user: Any) -> bool:
    return has_role(user, "staff", "officer", "helper", "enterprise")


def _agreement_links(actor: Any, **kwargs: Any) -> Sequence[LinkRecord]:
    from kechuang.matching.selectors import agreement_links

    return agreement_links(actor, **kwargs)


WORKFLOWS = [WORKFLOW]
LINKS = [LinkSource("agreement", "科技合作协议", _agreement_links, unit="份", order=10)]
SEARCH = [
    SearchSource("expert", "专家", _docs("expert_documents"), matchable=True, order=10),
    SearchSource("achievement", "成果", _docs("achievement_documents"), order=20),
    SearchSource("institution", "高校院所", _docs("institution_documents"), order=30),
    SearchSource("demand", "技术需求", _docs("demand_documents"), order=40),
]
NAV = [
    NavItem(
        "matching",
        "产学研",
        "matching:index",
        icon="bi-diagram-3",
        order=70,
        visible=_signed_in,
        app_name="matching",
    )
]
PANELS = [PANEL]
URLS = [UrlMount("matching/", "kechuang.matching.urls")]
API = [ApiMount("/matching", "kechuang.matching.api")]
INDICATORS = [
    Indicator(
        "iur_agreements",
        "签订科技合作协议",
        "份",
        "C8",
        "当年签订的科技合作协议（企业属本区域；含后来标记未执行的）",
        "records",
        0,
        _iur_agreements,
    ),
    Indicator(
        "iur_alliances",
        "共建校企联盟",
        "个",
        "C8",
        "当年成立的校企联盟（牵头企业属本区域）",
        "records",
        0,
        _iur_alliances,
    ),
    Indicator(
        "iur_agreements_hq",
        "高质量科技合作协议",
        "份",
        "C8",
        "当年签订、符合高质量认定口径（matching/quality.yaml：金额、执行、付款）的科技合作协议",
        "records",
        0,
        _iur_agreements_hq,
    ),
]
TODO = [
    TodoSource(
        key="iur-stalled",
        title="签订后无执行进展的科技合作协议",
        items=_stalled_items,
        count=_stalled_count,
        order=70,
        icon="bi-hourglass-split",
        visible=is_staff_or_officer,
        # A working list (the demo county has dozens): on the 待办 page, not in the top
        # bar's count, which would cost every page one more query.
        badge=False,
        more_url="matching:agreements",
    )
]
DEMO = [DemoPhase("matching", "产学研对接", _demo, order=400)]
IMPORTS = [
    ImportKind(
        key="iur_experts",
        title="专家库",
        columns=importing.COLUMNS,
        run=importing.experts_import,
        permission=importing.can_import,
        export=importing.experts_export,
        note="每行一位专家，按“姓名+单位”新增或更新；单位须先在高校院所库中。",
        order=700,
    ),
    ImportKind(
        key="iur_institutions",
        title="高校院所库",
        columns=importing.INSTITUTION_COLUMNS,
        run=importing.institutions_import,
        permission=importing.can_import,
        export=importing.institutions_export,
        note="每行一家高校院所，按名称新增或更新。",
        order=701,
    ),
    ImportKind(
        key="iur_achievements",
        title="待转化成果",
        columns=importing.ACHIEVEMENT_COLUMNS,
        run=importing.achievements_import,
        permission=importing.can_import,
        export=importing.achievements_export,
        note="每行一项成果，按“成果名称+持有单位”新增或更新；持有单位须先在高校院所库中。",
        order=702,
    ),
    ImportKind(
        key="iur_demands",
        title="技术需求",
        columns=importing.DEMAND_COLUMNS,
        run=importing.demands_import,
        permission=importing.can_import_records,
        export=importing.demands_export,
        note="每行一项需求，按“统一社会信用代码+需求名称”新增或更新；发布日期不能修改。",
        order=703,
    ),
    ImportKind(
        key="iur_agreements",
        title="科技合作协议",
        columns=importing.AGREEMENT_COLUMNS,
        run=importing.agreements_import,
        permission=importing.can_import_records,
        export=importing.agreements_export,
        note="每行一份协议，按“统一社会信用代码+协议名称+签订日期”登记新签协议；"
        "已登记的协议在协议页面登记进展，执行状态和未执行原因只供查看。",
        order=704,
    ),
    ImportKind(
        key="iur_alliances",
        title="校企联盟",
        columns=importing.ALLIANCE_COLUMNS,
        run=importing.alliances_import,
        permission=importing.can_import_records,
        export=importing.alliances_export,
        note="每行一个联盟，按联盟名称新增或更新；成员企业填统一社会信用代码、成员院所填名称，"
        "以顿号分隔，表中没有的成员将被移除（其他区域的成员企业不列出，也不移除）。",
        order=705,
    ),
]

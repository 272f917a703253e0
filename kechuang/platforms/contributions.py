"""What platforms, projects, talent and commissioners (C7, C9) add to the frame: the
`science_plan` workflow, one navigation item, the enterprise-page panel, pages, seven
indicators of the annual report, the projects sheet, the demo county's records, the
reminders of the 待办 page and the `provincial_rd_institution` attribute read by the
registry's assessment (科技型中小企业评价办法 第八条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core.imports import ImportKind
from kechuang.core.registry import (
    ApiMount,
    DemoPhase,
    EnterpriseAttribute,
    NavItem,
    SearchSource,
    TodoItem,
    TodoSource,
    UrlMount,
)
from kechuang.core.roles import is_staff_or_officer
from kechuang.platforms import application_sheet, importing, sheets
from kechuang.platforms.panels import PANEL
from kechuang.platforms.workflow import (
    RECOGNITION_WORKFLOW,
    RECOMMENDATION_WORKFLOW,
    TALENT_WORKFLOW,
    WORKFLOW,
)
from kechuang.targets.indicators import Computed, Evaluator, Indicator, RecordRow


def _firm_row(obj: Any, kind: str, detail: str, on: dt.date | None) -> RecordRow:
    e = obj.enterprise
    return RecordRow(e.pk, e.name, e.region.name, kind, detail, on)


def _rd_institutions_new(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.platforms.selectors import rd_institutions_new

    return Computed.counted(
        rd_institutions_new(region, year),
        lambda i: _firm_row(
            i,
            "研发机构",
            f"{i.get_level_display()}{i.get_kind_display()}：{i.name}（{i.approved_on:%Y-%m-%d}获批）",
            i.approved_on,
        ),
    )


def _incubator_projects_new(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.platforms.selectors import incubator_projects_new

    return Computed.counted(
        incubator_projects_new(region, year),
        lambda p: RecordRow(
            None,
            p.carrier.name,
            p.carrier.region.name,
            "入孵项目",
            f"{p.name}（{p.field}；{p.leader}，{p.get_talent_category_display()}）",
            p.entered_on,
        ),
    )


def _projects_applied(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.platforms.selectors import projects_applied

    return Computed.counted(
        projects_applied(region, year),
        lambda p: _firm_row(
            p, "科技计划项目", f"{p.data.get('scheme', '')}：{p.title}（{p.stage_label}）", None
        ),
    )


def _talent(programme: str) -> Any:
    def compute(ev: Evaluator, region: Any, year: int) -> Computed:
        from kechuang.platforms.selectors import talent_new

        qs = talent_new(region, year, programme)
        n = qs.count()

        def rows() -> list[RecordRow]:
            out = []
            for t in qs:
                host = t.enterprise or t.carrier
                assert host is not None
                out.append(
                    RecordRow(
                        t.enterprise_id,
                        host.name,
                        host.region.name,
                        t.get_programme_display(),
                        f"{t.name}{'（' + t.field + '）' if t.field else ''}",
                    )
                )
            return out

        return Computed(Decimal(n), n, rows)

    return compute


def _commissioners_reregistered(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.platforms.selectors import commissioners_reregistered

    return Computed.counted(
        commissioners_reregistered(region, year),
        lambda e: RecordRow(
            None,
            e.commissioner.institution,
            e.commissioner.region.name,
            "科技特派员",
            f"{e.commissioner.name}（{e.commissioner.expertise}）已再登记",
            e.decided_on,
        ),
    )


def _commissioners_new(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.platforms.selectors import commissioners_new

    return Computed.counted(
        commissioners_new(region, year),
        lambda c: RecordRow(
            None,
            c.institution,
            c.region.name,
            "科技特派员推荐",
            f"{c.name}（{c.expertise}）{c.get_status_display()}",
            c.recommended_on,
        ),
    )


def _provincial_rd_values(ids: Any, year: int | None) -> dict[int, bool]:
    from kechuang.platforms.selectors import provincial_rd_institution

    return provincial_rd_institution(ids, dt.date(year or 2100, 12, 31))


def _provincial_rd_on(ids: Any, day: dt.date) -> dict[int, bool]:
    from kechuang.platforms.selectors import provincial_rd_institution

    return provincial_rd_institution(ids, day)


def _demo(actor: Any) -> int:
    from kechuang.platforms.demo import load_demo_platforms

    return load_demo_platforms(actor)


def _decision_items(actor: Any, day: dt.date, limit: int) -> list[TodoItem]:
    """Performance reviews falling within 60 days (or overdue), then recommendations
    of new commissioners awaiting the bureau."""
    from django.urls import reverse

    from kechuang.platforms.selectors import recommendations, reviews_due

    out = [
        TodoItem(
            title=f"{i.name} 绩效考评",
            url=reverse("platforms:institution", args=[i.pk]),
            due_on=i.next_review_on,
            note=f"{i.host_name}；{i.get_level_display()}{i.get_kind_display()}",
            overdue=bool(i.next_review_on and i.next_review_on < day),
        )
        for i in reviews_due(actor, day)[:limit]
    ]
    if role_of(actor) == "staff" and len(out) < limit:
        out += [
            TodoItem(
                title=f"{c} 推荐为科技特派员，待审核",
                url=reverse("platforms:commissioner", args=[c.pk]),
                due_on=c.recommended_on,
                note=c.region.name,
            )
            for c in recommendations(actor=actor).order_by("recommended_on", "id")[
                : limit - len(out)
            ]
        ]
    return out


def _decision_count(actor: Any, day: dt.date) -> int:
    from kechuang.platforms.selectors import decisions_count

    return decisions_count(actor, day)


def _campaign_items(actor: Any, day: dt.date, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.platforms.selectors import pending_entries

    return [
        TodoItem(
            title=f"{e.commissioner} 待核实再登记",
            url=reverse("platforms:campaign", args=[e.campaign_id]),
            due_on=e.campaign.closes_on,
            note=f"{e.campaign}",
            overdue=e.campaign.closes_on < day,
        )
        for e in pending_entries(actor)
        .select_related("campaign__region")  # the campaign's name (one query, not one a row)
        .order_by("campaign__closes_on", "commissioner__name")[:limit]
    ]


def _campaign_count(actor: Any, day: dt.date) -> int:
    from kechuang.platforms.selectors import pending_entries

    return pending_entries(actor).count()


WORKFLOWS = [WORKFLOW, RECOGNITION_WORKFLOW, TALENT_WORKFLOW, RECOMMENDATION_WORKFLOW]
NAV = [
    NavItem(
        "platforms",
        "平台人才",
        "platforms:index",
        icon="bi-buildings",
        order=45,
        visible=is_staff_or_officer,
        app_name="platforms",
    )
]
PANELS = [PANEL]
API = [ApiMount("/platforms", "kechuang.platforms.api")]
URLS = [UrlMount("platforms/", "kechuang.platforms.urls")]
ATTRIBUTES = [
    EnterpriseAttribute(
        "provincial_rd_institution",
        "省部级以上研发机构",
        _provincial_rd_values,
        values_on=_provincial_rd_on,
    )
]
INDICATORS = [
    Indicator(
        "rd_institutions_new",
        "新获批省级以上企业研发机构",
        "家",
        "C7",
        "当年获批的省级及以上企业研发机构（院士工作站、工程技术研究中心、重点实验室等；研发机构记录）",
        "records",
        0,
        _rd_institutions_new,
    ),
    Indicator(
        "incubator_projects_new",
        "孵化器新招引科技项目",
        "个",
        "C7",
        "当年入驻科技企业孵化器、众创空间的项目（入孵项目记录；研究院孵化的项目不计）",
        "records",
        0,
        _incubator_projects_new,
    ),
    Indicator(
        "projects_applied",
        "申报省、市科技计划项目",
        "个",
        "C9",
        "当年企业申报的省级、市级科技计划项目（科技计划项目申报记录，不论是否立项）",
        "records",
        0,
        _projects_applied,
    ),
    Indicator(
        "talent_national_new",
        "新引进国家级人才",
        "名",
        "C9",
        "当年新引进（入选）的国家级人才（人才记录）",
        "records",
        0,
        _talent("national"),
    ),
    Indicator(
        "talent_provincial_new",
        "入选省双创人才",
        "名",
        "C9",
        "当年入选江苏省“双创计划”的人才（人才记录）",
        "records",
        0,
        _talent("provincial"),
    ),
    Indicator(
        "commissioners_reregistered",
        "科技特派员核实再登记",
        "名",
        "C9",
        "当年核实再登记中确认再登记的科技特派员（核实再登记名单）",
        "records",
        0,
        _commissioners_reregistered,
    ),
    Indicator(
        "commissioners_new",
        "新推荐科技特派员",
        "名",
        "C9",
        "当年新推荐的科技特派员（未通过审核的不计）",
        "records",
        0,
        _commissioners_new,
    ),
]
IMPORTS = [
    ImportKind(
        key="science_plan",
        title="科技计划项目",
        columns=importing.COLUMNS,
        run=importing.projects_import,
        permission=importing.can_import,
        note="每行一个项目（省、市科技计划申报清单）：状态可为 已申报、立项、未立项、中期检查、验收；"
        "资助金额以万元计。整表校验通过才写入。",
        export=importing.projects_export,
        order=700,
    ),
    *sheets.kinds(),
    ImportKind(
        key=application_sheet.KIND,
        title="认定与人才申报",
        columns=application_sheet.COLUMNS,
        run=application_sheet.applications_import,
        permission=application_sheet.can_import,
        note="每行一项平台认定申报、人才计划申报或科技特派员推荐（“认定与人才申报”列表的导出格式）："
        "不在册的申报按申报日期新增并办理至“当前环节”，已有的申报按“当前环节”向后办理；"
        "已申报的内容（类型、级别、依托单位、年度等）不在导入中更改。整表校验通过才写入。",
        export=application_sheet.applications_export,
        order=714,
    ),
]
# before 产学研 (400), whose demo builds the search index the commissioners are part of
DEMO = [DemoPhase("platforms", "创新平台与人才", _demo, order=390)]


def _commissioner_documents(refs: Any) -> Any:
    from kechuang.platforms.selectors import commissioner_documents

    return commissioner_documents(refs)


# Commissioners on the roll in the one 产学研 search box, proposed for technology demands
# (re-indexed as they change, through `registry.search_records_changed`).
SEARCH = [
    SearchSource("commissioner", "科技特派员", _commissioner_documents, matchable=True, order=15)
]
TODO = [
    TodoSource(
        key="platforms-decisions",
        title="研发机构绩效考评（60天内）与待审核的科技特派员推荐",
        items=_decision_items,
        count=_decision_count,
        order=60,
        icon="bi-clipboard-check",
        visible=is_staff_or_officer,
        more_url="platforms:institutions",
    ),
    TodoSource(
        key="commissioner-campaign",
        title="科技特派员核实再登记（待核实）",
        items=_campaign_items,
        count=_campaign_count,
        order=61,
        icon="bi-person-check",
        visible=is_staff_or_officer,
        # a working list of the campaign (dozens of people): on the 待办 page, not in
        # the top bar's count
        badge=False,
        more_url="platforms:campaigns",
    ),
]

"""What the service desk (C10) adds to the frame: its two workflows, navigation, pages,
the `visits` and `problems_solved` indicators (replacing the catalogue's pending
entries), the 待办 sections (and so the top bar's count) and the demo county's 2020–2021
visits, problems and requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q

from kechuang.accounts.scoping import role_of
from kechuang.core.imports import ImportKind
from kechuang.core.registry import ApiMount, DemoPhase, NavItem, TodoItem, TodoSource, UrlMount
from kechuang.core.roles import has_role
from kechuang.core.schedule import ScheduledJob
from kechuang.desk import importing
from kechuang.desk.panels import PANEL
from kechuang.desk.workflow import PROBLEM_WORKFLOW, REQUEST_WORKFLOW
from kechuang.targets.indicators import Computed, Evaluator, Indicator, RecordRow


def _visits(ev: Evaluator, region: Any, year: int) -> Computed:
    """C10: visits (走访家次) of `year` to the towns, parks and firms of `region`, from the
    visit log (seed 2020 §一.5: 全年走访乡镇(园区)、重点企业100余家次)."""
    from kechuang.desk.selectors import visits_in

    qs = visits_in(region, year)
    n = qs.count()

    def rows() -> list[RecordRow]:
        return [
            RecordRow(
                v.enterprise_id,
                v.enterprise.name if v.enterprise else "",
                v.region.name,
                "走访",
                f"{v.visitor_name}（{v.unit}）走访{v.target_name}：{v.get_purpose_display()}",
                v.visited_on,
            )
            for v in qs
        ]

    return Computed(Decimal(n), n, rows)


def _problems_solved(ev: Evaluator, region: Any, year: int) -> Computed:
    """C10: enterprise problems (企业难题) the enterprise confirmed solved in `year`
    (seed 2020 §一.5: 解决企业难题42个), and problems raised on visits to the region's
    towns and parks that the visiting unit confirmed solved."""
    from kechuang.desk.selectors import problems_solved_in

    qs = problems_solved_in(region, year)
    n = qs.count()

    def rows() -> list[RecordRow]:
        return [
            RecordRow(
                p.application.enterprise_id if p.application else None,
                p.application.enterprise.name if p.application else "",
                p.region.name if p.region else "",
                "企业难题" if p.application else "乡镇（园区）问题",
                f"{p.get_category_display()}：{p.short}（{p.department}办结，"
                f"{'企业' if p.application else '走访单位'}确认解决）",
                p.closed_on,
            )
            for p in qs
        ]

    return Computed(Decimal(n), n, rows)


def _queue_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.desk import selectors

    out = []
    for r in selectors.work_queue(actor, day).filter(_queue_filter(actor))[:limit]:
        flag = selectors.due_flag(r, day)
        esc = "；已升级督办" if r.escalated_on else ""
        out.append(
            TodoItem(
                title=f"{r.application.enterprise.name}：{r.application.title}（{r.request_type.name}）",
                url=reverse("desk:request", args=[r.pk]),
                due_on=r.due_on,
                note=f"{r.application.stage_label}；帮办员 {r.helper or '未分派'}{esc}",
                overdue=flag == "逾期",
            )
        )
    return out


def _queue_filter(actor: Any) -> Q:
    # The bureau's section holds what waits for it: escalated to the user, or unassigned.
    if role_of(actor) == "staff":
        return Q(escalated_to=actor) | Q(helper__isnull=True)
    return Q()


def _queue_count(actor: Any, day: Any) -> int:
    from kechuang.desk.selectors import work_queue

    return work_queue(actor, day).filter(_queue_filter(actor)).count()


def _enterprise_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.desk import selectors

    out = [
        TodoItem(
            title=f"诉求「{r.application.title}」已办结，请评价",
            url=reverse("desk:request", args=[r.pk]),
            due_on=r.resolved_on,
        )
        for r in selectors.awaiting_review(actor)[:limit]
    ]
    out += [
        TodoItem(
            title=f"企业难题「{p.short}」已办结，请确认是否解决",
            url=reverse("desk:problem", args=[p.pk]),
            due_on=p.resolved_on,
        )
        for p in selectors.problems_to_confirm(actor)[:limit]
    ]
    return out[:limit]


def _enterprise_count(actor: Any, day: Any) -> int:
    from kechuang.desk import selectors

    return selectors.awaiting_review(actor).count() + selectors.problems_to_confirm(actor).count()


def _problem_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.desk import selectors

    out = [
        TodoItem(
            title=f"{p.target_name}：{p.short}",
            url=reverse("desk:problem", args=[p.pk]),
            due_on=p.due_on,
            note=f"{p.department}；{p.stage_label}",
            overdue=p.overdue_on(day),
        )
        for p in selectors.problems_assigned_to(actor)[:limit]
    ]
    out += [
        TodoItem(
            title=f"督办：{p.target_name}：{p.short}",
            url=reverse("desk:problem", args=[p.pk]),
            due_on=p.due_on,
            note=f"{p.department}{('（' + str(p.assignee) + '）') if p.assignee else ''}逾期，已升级",
            overdue=True,
        )
        for p in selectors.problems_escalated_to(actor)[:limit]
    ]
    out += [
        TodoItem(
            title=f"{p.target_name}：{p.short}（已办结，请确认是否解决）",
            url=reverse("desk:problem", args=[p.pk]),
            due_on=p.resolved_on,
            note=f"{p.department}办结",
        )
        for p in selectors.area_problems_to_confirm(actor)[:limit]
    ]
    if role_of(actor) == "staff":
        out += [
            TodoItem(
                title=f"{p.target_name}：{p.short}（待交办）",
                url=reverse("desk:problem", args=[p.pk]),
                due_on=p.raised_on,
                note=f"走访人 {p.visit.visitor_name if p.visit else '—'}",
            )
            for p in selectors.problems_to_assign(actor)[:limit]
        ]
    return out[:limit]


def _problem_count(actor: Any, day: Any) -> int:
    from kechuang.desk import selectors

    # One query: it runs on every page (the top bar's count).
    return selectors.problems_awaiting(actor).count()


def _follow_up_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.desk import selectors

    return [
        TodoItem(
            title=f"跟进走访：{v.target_name}",
            url=reverse("desk:visit", args=[v.pk]),
            due_on=v.follow_up_on,
            note=f"{v.visited_on:%Y-%m-%d}走访，{v.get_purpose_display()}",
            overdue=v.follow_up_on is not None and v.follow_up_on < day,
        )
        for v in selectors.follow_ups_due(actor, day)[:limit]
    ]


def _follow_up_count(actor: Any, day: Any) -> int:
    from kechuang.desk import selectors

    return selectors.follow_ups_due(actor, day).count()


def _demo(actor: Any) -> int:
    from kechuang.desk.demo import load_demo_desk

    return load_demo_desk()


WORKFLOWS = [REQUEST_WORKFLOW, PROBLEM_WORKFLOW]
NAV = [
    NavItem(
        "desk",
        "科技服务",
        "desk:index",
        icon="bi-headset",
        order=60,
        visible=lambda user: has_role(user, "staff", "officer", "helper", "enterprise"),
        app_name="desk",
    ),
]
URLS = [UrlMount("desk/", "kechuang.desk.urls")]
INDICATORS = [
    Indicator(
        "visits",
        "走访乡镇(园区)、重点企业",
        "家次",
        "C10",
        "当年走访记录数：局领导及工作人员走访乡镇（园区）和企业，每次走访一家次（科技服务·走访记录）",
        "records",
        0,
        _visits,
    ),
    Indicator(
        "problems_solved",
        "解决企业难题",
        "个",
        "C10",
        "当年经企业确认已解决的企业难题数（走访中提出、交办、办结并经企业确认；走访乡镇（园区）提出的问题经走访单位确认）",
        "records",
        0,
        _problems_solved,
    ),
]
TODO = [
    TodoSource(
        key="desk-queue",
        title="服务诉求（待办理）",
        items=_queue_items,
        count=_queue_count,
        order=60,
        icon="bi-headset",
        visible=lambda user: role_of(user) in ("helper", "staff"),
        more_url="desk:queue",
    ),
    TodoSource(
        key="desk-enterprise",
        title="待评价的服务与待确认的难题",
        items=_enterprise_items,
        count=_enterprise_count,
        order=60,
        icon="bi-chat-square-check",
        visible=lambda user: role_of(user) == "enterprise",
        more_url="desk:requests",
    ),
    TodoSource(
        key="desk-problems",
        title="企业难题（交办与办理）",
        items=_problem_items,
        count=_problem_count,
        order=61,
        icon="bi-clipboard-check",
        visible=lambda user: role_of(user) in ("staff", "officer", "helper"),
        more_url="desk:problems",
    ),
    TodoSource(
        key="desk-follow-ups",
        title="到期的走访跟进（7天内）",
        items=_follow_up_items,
        count=_follow_up_count,
        order=62,
        icon="bi-geo-alt",
        visible=lambda user: role_of(user) in ("staff", "officer", "helper"),
        badge=False,  # a reminder list, kept out of the top bar's count
        more_url="desk:visits",
    ),
]
DEMO = [DemoPhase("desk", "科技服务与走访", _demo, order=450)]
PANELS = [PANEL]
API = [ApiMount("/desk", "kechuang.desk.api")]


def _daily(day: Any) -> str:
    """The desk's daily run: escalate overdue requests and problems, send the digests."""
    from kechuang.desk.digest import daily_run

    result = daily_run(day=day)
    return (
        f"升级督办 诉求{result.escalated}件、问题{result.problems_escalated}个；"
        f"摘要{len(result.digests)}份，发送邮件{result.sent}封"
    )


SCHEDULE = [
    ScheduledJob("desk-daily", "科技服务每日处理：逾期升级督办与待办摘要", _daily, at="07:00")
]
IMPORTS = [
    ImportKind(
        key="desk_visits",
        title="走访记录",
        columns=importing.VISIT_COLUMNS,
        run=importing.visits_import,
        permission=importing.can_import,
        export=importing.visits_export,
        note=(
            "每行一次走访，按“走访日期+走访人+走访对象”新增；走访企业填统一社会信用代码，"
            "走访乡镇（园区）填其名称；走访人填用户名或姓名；已录入的走访不能通过导入修改。"
        ),
        order=720,
    ),
    ImportKind(
        key="desk_problems",
        title="企业难题",
        columns=importing.PROBLEM_COLUMNS,
        run=importing.problems_import,
        permission=importing.can_import,
        export=importing.problems_export,
        note=(
            "每行一个问题，以“走访日期+走访人+走访对象（企业统一社会信用代码或乡镇（园区）名称）”"
            "指明来源走访（须已录入），按来源走访和问题描述新增；填写责任部门即交办；"
            "状态、办结期限、办理结果仅供查看，导入时不读取。"
        ),
        order=721,
    ),
]

"""What HNTE cultivation (C3) adds to the frame: its workflow (the `hnte` programme),
navigation, enterprise-page panel, pages and API, the `pool_size` indicator and the
demo county's cultivation records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core.registry import (
    ApiMount,
    DemoPhase,
    EnterpriseAttribute,
    ListAction,
    NavItem,
    TodoItem,
    TodoSource,
    UrlMount,
)
from kechuang.core.roles import is_staff_or_officer
from kechuang.cultivation.panels import PANEL
from kechuang.cultivation.pipeline import PROGRAMME, WORKFLOW
from kechuang.programmes.todo import deadline_todo, task_todo
from kechuang.targets.indicators import COUNT, Computed, Evaluator, Indicator, RecordRow, year_end


def _pool_size(ev: Evaluator, region: Any, year: int) -> Computed:
    """C3: enterprises in the county's reserve pool (后备培育库) on 31 Dec (today for the
    current year), read from the pool memberships."""
    from kechuang.cultivation.selectors import pool_members, pool_size

    day = year_end(year, ev.today)
    n = pool_size(region, day)

    def rows() -> list[RecordRow]:
        seen: set[int] = set()
        out: list[RecordRow] = []
        for m in pool_members(region, day).order_by("enterprise__name"):
            if m.enterprise_id in seen:
                continue
            seen.add(m.enterprise_id)
            out.append(
                RecordRow(
                    m.enterprise_id,
                    m.enterprise.name,
                    m.enterprise.region.name,
                    "培育库",
                    f"{m.entered_on:%Y-%m-%d}入库；{day:%Y-%m-%d}在库",
                    m.entered_on,
                )
            )
        return out

    return Computed(Decimal(n), n, rows)


def _demo(actor: Any) -> int:
    from kechuang.cultivation.demo import load_demo_cultivation

    return load_demo_cultivation()


WORKFLOWS = [WORKFLOW]
NAV = [
    NavItem(
        "cultivation",
        "高企培育",
        "cultivation:board",
        icon="bi-flower1",
        order=40,
        visible=is_staff_or_officer,
        app_name="cultivation",
    ),
]
PANELS = [PANEL]
URLS = [UrlMount("cultivation/", "kechuang.cultivation.urls")]
API = [ApiMount("/cultivation", "kechuang.cultivation.api")]
INDICATORS = [
    Indicator(
        "pool_size",
        "高企后备培育库在库企业",
        COUNT,
        "C3",
        "12月31日（当年为今天）在县后备培育库中的企业数（培育库入库记录）",
        "records",
        0,
        _pool_size,
    )
]
DEMO = [DemoPhase("cultivation", "高企培育", _demo, order=200)]


def _grades(enterprise_ids: Any, year: int | None) -> dict[int, str]:
    """The `cultivation_grade` attribute: the A/B/C/R/H grade of the firms among
    `enterprise_ids` that are in the reserve pool, assessed as a page showing fiscal
    year `year` is (`periods.as_of_for_fiscal_year`); firms outside the pool are
    absent (no grade)."""
    from kechuang.core import periods
    from kechuang.cultivation import grading
    from kechuang.cultivation.models import PoolMembership
    from kechuang.cultivation.selectors import open_on, overrides_for

    as_of = periods.as_of_for_fiscal_year(year)
    members = list(
        PoolMembership.objects.filter(open_on(as_of), enterprise_id__in=list(enterprise_ids))
        .select_related("enterprise", "enterprise__region")
        .order_by("enterprise_id", "-entered_on")
    )
    firms = {m.enterprise_id: m.enterprise for m in members}
    if not firms:
        return {}
    grades = grading.grade_enterprises(firms.values(), as_of, overrides=overrides_for(members))
    return {pk: g.code for pk, g in grades.items()}


# Read by other capabilities (sci-tech loans recommend pool firms graded A or B).
ATTRIBUTES = [
    EnterpriseAttribute(
        "cultivation_grade",
        "培育分级",
        _grades,
        choices=(("A", "A"), ("B", "B"), ("C", "C"), ("R", "R"), ("H", "H")),
        order=60,
    )
]
ACTIONS = [
    ListAction(
        "enterprises",
        "pool_propose",
        "加入培育库",
        "cultivation:pool_propose_bulk",
        icon="bi-box-arrow-in-down",
        order=10,
        visible=is_staff_or_officer,
        confirm="将选中的企业加入后备培育库（园区/乡镇为推荐，待科技局审核）？",
    )
]


def _task_url(task: Any, user: Any) -> str:
    from django.urls import reverse

    if task.application_id:
        return reverse("cultivation:ledger", args=[task.application_id])
    if role_of(user) in ("staff", "officer"):
        return reverse("cultivation:tasks")
    return reverse("enterprises:detail", args=[task.enterprise_id]) if task.enterprise_id else ""


def _batch_url(call: Any, user: Any) -> str:
    from django.urls import reverse

    return f"{reverse('cultivation:batches')}?year={call.year}&batch={call.pk}"


def _proposal_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.cultivation.selectors import pending_proposals

    return [
        TodoItem(
            title=f"{m.enterprise.name} 推荐入库，待审核",
            url=reverse("cultivation:pool"),
            due_on=m.proposed_on,
            note=f"{m.enterprise.region.name}；推荐人 {m.proposed_by or '—'}",
        )
        for m in pending_proposals(actor).order_by("proposed_on", "id")[:limit]
    ]


def _proposal_count(actor: Any, day: Any) -> int:
    from kechuang.cultivation.selectors import pending_proposals

    return pending_proposals(actor).count()


def _ledger_items(actor: Any, day: Any, limit: int) -> list[TodoItem]:
    from django.urls import reverse

    from kechuang.cultivation.selectors import ledgers_awaiting, plan_year

    return [
        TodoItem(
            title=f"{lg.enterprise.name} {lg.year}年台帐：{lg.stage_label}",
            url=reverse("cultivation:ledger", args=[lg.pk]),
            note=f"{lg.enterprise.region.name}；{lg.call.name if lg.call else '未编入批次'}",
        )
        for lg in ledgers_awaiting(actor, plan_year(actor))[:limit]
    ]


def _ledger_count(actor: Any, day: Any) -> int:
    from kechuang.cultivation.selectors import ledgers_awaiting, plan_year

    return ledgers_awaiting(actor, plan_year(actor)).count()


TODO = [
    task_todo(PROGRAMME, url=_task_url, title="培育任务（进行中）", order=10),
    deadline_todo(
        PROGRAMME,
        url=_batch_url,
        title="即将截止的高企申报批次",
        more_url="cultivation:batches",
        order=20,
        label="网上申报截止",
    ),
    TodoSource(
        key="pool-proposals",
        title="待审核的培育库推荐",
        items=_proposal_items,
        count=_proposal_count,
        order=40,
        icon="bi-inbox",
        visible=lambda user: role_of(user) == "staff",
        more_url="cultivation:pool",
    ),
    TodoSource(
        key="ledgers-awaiting",
        title="待推进的培育台帐（本年度）",
        items=_ledger_items,
        count=_ledger_count,
        order=50,
        icon="bi-signpost-split",
        visible=is_staff_or_officer,
        badge=False,
        more_url="cultivation:board",
    ),
]

"""Reads of the cultivation pipeline, scoped to the actor. Counts are queries over the
records (memberships, ledgers), never stored figures.

`pool_size(region, day)` and `pool_new(region, year)` are the indicator queries the
annual report's catalogue reads (region None = everywhere)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import (
    ScopedQuerySet,
    covers,
    enterprise_scope_q,
    region_scope_q,
    role_of,
    scope_region,
    sees_everything,
)
from kechuang.core import periods
from kechuang.core.errors import NotFound
from kechuang.cultivation import grading
from kechuang.cultivation.models import ApplicationBatch, Ledger, PoolMembership
from kechuang.cultivation.pipeline import (
    APPLIED_STAGES,
    FINAL_STAGES,
    PROGRAMME,
    STAGES,
    TARGET_METRICS,
)
from kechuang.cultivation.pipeline import next_stages as pipeline_next
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.selectors import plan_year as enterprise_plan_year
from kechuang.programmes import selectors as programme_selectors
from kechuang.programmes.models import Task, TaskQuerySet
from kechuang.targets.models import Target

M = PoolMembership


def pipeline_stages() -> tuple[Any, ...]:
    return STAGES


# -- indicator queries -------------------------------------------------------------------------


def open_on(day: dt.date) -> Q:
    """Memberships open on `day`: entered on or before it and not yet left."""
    return Q(entered_on__isnull=False, entered_on__lte=day) & (
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def _in_region(qs: ScopedQuerySet[Any], region: Region | None) -> ScopedQuerySet[Any]:
    return qs.in_region(region)


def pool_size(region: Region | None, day: dt.date) -> int:
    """高企后备培育库在库企业: enterprises whose membership is open on `day`."""
    qs = _in_region(M.objects.filter(open_on(day)), region)
    return qs.values("enterprise_id").distinct().count()


def pool_new(region: Region | None, year: int) -> int:
    """新增培育入库企业: memberships entered (approved) in `year`."""
    qs = _in_region(M.objects.filter(entered_on__year=year), region)
    return qs.count()


def pool_members(region: Region | None, day: dt.date) -> QuerySet[PoolMembership]:
    """The records behind `pool_size` (drill-down)."""
    return _in_region(M.objects.filter(open_on(day)), region).select_related(
        "enterprise", "enterprise__region"
    )


# -- the working date --------------------------------------------------------------------------


def plan_year(actor: Any) -> int:
    """The application year pages default to: the year after the latest complete
    reporting year (`enterprises.selectors.plan_year`; the demo: 2021, as in the seed's
    plan)."""
    return enterprise_plan_year(actor)


def work_day(year: int) -> dt.date:
    """The date pages are "as of" for a plan year: today within that year, else its
    mid-year (an assessment's usual date), so a demo loaded later still looks live."""
    return periods.work_day(year)


# -- scoped lists ------------------------------------------------------------------------------


def membership_queryset(actor: Any) -> ScopedQuerySet[PoolMembership]:
    return M.objects.filter(enterprise_scope_q(actor, "enterprise__")).select_related(
        "enterprise", "enterprise__region", "proposed_by", "approved_by"
    )


def membership_get(*, actor: Any, pk: int) -> PoolMembership:
    obj = membership_queryset(actor).filter(pk=pk).first()
    if obj is None:
        raise NotFound("入库记录不存在或无权查看")
    return obj


def ledger_queryset(actor: Any) -> ScopedQuerySet[Ledger]:
    return Ledger.objects.filter(enterprise_scope_q(actor, "enterprise__")).select_related(
        "enterprise", "enterprise__region", "call", "officer", "bureau_contact"
    )


def ledger_get(*, actor: Any, pk: int) -> Ledger:
    obj = ledger_queryset(actor).filter(pk=pk).first()
    if obj is None:
        raise NotFound("台帐不存在或无权查看")
    return obj


def task_queryset(actor: Any) -> TaskQuerySet:
    """The cultivation tasks the actor may see (the frame's tasks of the programme)."""
    if role_of(actor) not in ("staff", "officer"):
        return Task.objects.none()
    return programme_selectors.task_queryset(actor, PROGRAMME)


def task_get(*, actor: Any, pk: int) -> Task:
    obj = task_queryset(actor).filter(pk=pk).first()
    if obj is None:
        raise NotFound("任务不存在或无权查看")
    return obj


def batches(year: int | None = None) -> QuerySet[ApplicationBatch]:
    qs = ApplicationBatch.objects.all()
    return qs.filter(year=year) if year else qs


def areas(actor: Any) -> list[Region]:
    """Towns, streets, township and parks the actor may see (the split of targets)."""
    kinds = [Region.Kind.STREET, Region.Kind.TOWN, Region.Kind.TOWNSHIP, Region.Kind.PARK]
    return list(
        Region.objects.filter(region_scope_q(actor), kind__in=kinds).order_by("sort_order", "code")
    )


def county_of(actor: Any) -> Region | None:
    """The region the actor's figures roll up to: an officer's area, a bureau's county
    (or city); for the platform administrator the first county holding firms."""
    own = scope_region(actor)
    if own is not None:
        return own
    if not sees_everything(actor):
        return None
    county = (
        Region.objects.filter(kind=Region.Kind.COUNTY, children__enterprises__isnull=False)
        .distinct()
        .first()
    )
    return county


def area_of(region_path: str, area_list: list[Region]) -> Region | None:
    for area in area_list:
        if region_path.startswith(area.path):  # a path, not a row: no query
            return area
    return None


def open_memberships(actor: Any, day: dt.date) -> ScopedQuerySet[PoolMembership]:
    return membership_queryset(actor).filter(open_on(day))


def overrides_for(memberships: list[PoolMembership]) -> dict[int, tuple[str, str]]:
    return {
        m.enterprise_id: (m.grade_override, m.grade_override_reason)
        for m in memberships
        if m.grade_override
    }


@dataclass
class PoolRow:
    membership: PoolMembership
    grade: grading.Grade
    ledger: Ledger | None


def pool_rows(
    actor: Any, *, day: dt.date, year: int, region: Region | None = None
) -> list[PoolRow]:
    """The pool open on `day` with grades (as of the plan year) and this year's ledger."""
    members = list(_in_region(open_memberships(actor, day), region))
    grades = grading.grade_enterprises(
        [m.enterprise for m in members],
        periods.application_as_of(year),
        overrides=overrides_for(members),
    )
    ledgers = {
        lg.enterprise_id: lg
        for lg in ledger_queryset(actor).filter(
            year=year, enterprise__in=[m.enterprise_id for m in members]
        )
    }
    return [PoolRow(m, grades[m.enterprise_id], ledgers.get(m.enterprise_id)) for m in members]


SORTS = {
    "distance": lambda r: (r.grade.distance, r.membership.enterprise.name),
    "p": lambda r: (-r.grade.p, r.membership.enterprise.name),
    "grade": lambda r: (r.grade.code, r.grade.distance),
    "name": lambda r: r.membership.enterprise.name,
    "entered": lambda r: (r.membership.entered_on, r.membership.enterprise.name),
    "region": lambda r: (r.membership.enterprise.region.sort_order, r.membership.enterprise.name),
}


def sort_rows(rows: list[PoolRow], key: str) -> list[PoolRow]:
    return sorted(rows, key=SORTS.get(key, SORTS["distance"]))


# -- success rates -----------------------------------------------------------------------------


@dataclass
class Rate:
    key: str
    label: str
    applied: int = 0
    certified: int = 0
    failed: int = 0
    pending: int = 0

    @property
    def rate(self) -> float | None:
        decided = self.certified + self.failed
        return None if decided == 0 else self.certified / decided

    @property
    def rate_percent(self) -> str:
        r = self.rate
        return "—" if r is None else f"{r * 100:.1f}%"


def success_rates(
    actor: Any, *, by: str, year: int | None = None, kind: str | None = None
) -> list[Rate]:
    """Applied vs certified, by `area`, `batch` or `year`. A ledger counts as applied once
    it reached 网上申报; the rate is certified ÷ (certified + failed)."""
    qs = ledger_queryset(actor).filter(stage__in=APPLIED_STAGES)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    area_list = areas(actor) if by == "area" else []
    rates: dict[str, Rate] = {}
    order: dict[str, Any] = {}
    for lg in qs:
        if by == "batch":
            key = str(lg.batch_id or 0)
            lab = lg.batch.name if lg.batch else "未编入批次"
            order[key] = (lg.batch.year, lg.batch.seq) if lg.batch else (0, 0)
        elif by == "year":
            key, lab = str(lg.year), f"{lg.year}年"
            order[key] = lg.year
        else:
            area = area_of(lg.enterprise.region.path, area_list)
            key = area.code if area else lg.enterprise.region.code
            lab = area.name if area else lg.enterprise.region.name
            order[key] = (area.sort_order if area else 999, key)
        r = rates.setdefault(key, Rate(key, lab))
        r.applied += 1
        if lg.stage == "certified":
            r.certified += 1
        elif lg.stage == "failed":
            r.failed += 1
        else:
            r.pending += 1
    return [rates[k] for k in sorted(rates, key=lambda k: order[k])]


# -- targets -----------------------------------------------------------------------------------


def targets_for(actor: Any, year: int) -> dict[tuple[int, str], Target]:
    """(region id, metric) → target, for regions the actor may see."""
    qs = Target.objects.filter(year=year, indicator__in=TARGET_METRICS).select_related("region")
    visible = {r.pk for r in Region.objects.filter(region_scope_q(actor))}
    return {(t.region_id, t.indicator): t for t in qs if t.region_id in visible}


def board_columns(ledgers: list[Ledger]) -> dict[str, list[Ledger]]:
    out: dict[str, list[Ledger]] = defaultdict(list)
    for lg in ledgers:
        out[lg.stage].append(lg)
    return out


def enterprises_without_pool(actor: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(enterprise_scope_q(actor)).exclude(
        pool_memberships__status__in=[M.Status.ACTIVE, M.Status.PROPOSED]
    )


def ledger_events(ledger: Ledger) -> QuerySet[Any]:
    """A ledger's milestones in order (the frame's events)."""
    return programme_selectors.events_of(ledger)


# -- what each page shows (views parse, call these, render) -------------------------------------


def board_cards(
    actor: Any, *, year: int, area: Region | None, grade: str = ""
) -> list[tuple[Ledger, grading.Grade]]:
    """The year's ledgers (of an area) with their grades, by name; only `grade` if given."""
    ledgers = list(
        ledger_queryset(actor).filter(year=year).in_region(area).order_by("enterprise__name")
    )
    members = list(
        membership_queryset(actor).filter(
            enterprise__in=[lg.enterprise_id for lg in ledgers], status=M.Status.ACTIVE
        )
    )
    grades = grading.grade_enterprises(
        [lg.enterprise for lg in ledgers],
        periods.application_as_of(year),
        overrides=overrides_for(members),
    )
    return [
        (lg, grades[lg.firm_id]) for lg in ledgers if not grade or grades[lg.firm_id].code == grade
    ]


def pending_proposals(actor: Any) -> QuerySet[PoolMembership]:
    return membership_queryset(actor).filter(status=M.Status.PROPOSED)


def ledger_of(actor: Any, enterprise: Enterprise, year: int) -> Ledger | None:
    return ledger_queryset(actor).filter(enterprise=enterprise, year=year).first()


@dataclass
class LedgerPage:
    grade: grading.Grade
    membership: PoolMembership | None
    events: list[Any]
    visits: list[Any]
    documents: list[Any]
    batches: list[ApplicationBatch]
    officers: list[Any]
    contacts: list[Any]
    tasks: list[Task]


def ledger_page(actor: Any, ledger: Ledger) -> LedgerPage:
    """What the ledger page shows besides the ledger: its grade, milestones, visits,
    documents, the batches of its year, who may be put in charge, its firm's tasks."""
    from kechuang.accounts.models import User

    firm = ledger.enterprise
    m = firm.pool_memberships.filter(status=M.Status.ACTIVE).first()
    override = (m.grade_override, m.grade_override_reason) if m and m.grade_override else None
    officers = [
        o
        for o in User.objects.filter(role="officer", region__isnull=False).select_related("region")
        if o.region and o.region.contains(firm.region)
    ]
    return LedgerPage(
        grade=grading.grade_one(firm, periods.application_as_of(ledger.year), override),
        membership=m,
        events=list(programme_selectors.events_of(ledger)),
        visits=list(programme_selectors.visits_of(actor=actor, application=ledger)),
        documents=list(programme_selectors.attachments_of(ledger)),
        batches=list(ApplicationBatch.objects.filter(year=ledger.year)),
        officers=officers,
        # The bureau contact: staff of a bureau that answers for the firm's region.
        contacts=[
            u
            for u in User.objects.filter(role="staff", is_active=True).select_related("region")
            if covers(u, firm.region)
        ],
        tasks=list(task_queryset(actor).filter(enterprise=firm)),
    )


def _is_id(text: str) -> bool:
    """ASCII digits only ("²".isdigit() is true, int("²") fails)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def user_choice(pk: str) -> Any:
    """A user named by id in a form (who is put in charge; the service checks who)."""
    from kechuang.accounts.models import User

    return User.objects.filter(pk=int(pk)).first() if _is_id(pk) else None


def batch_choice(pk: str) -> ApplicationBatch | None:
    return ApplicationBatch.objects.filter(pk=int(pk)).first() if _is_id(pk) else None


def document_get(*, actor: Any, pk: int) -> Any:
    """A ledger's document, read through the actor's ledgers (404 otherwise)."""
    from kechuang.programmes.models import Attachment

    doc = Attachment.objects.filter(pk=pk, application__in=ledger_queryset(actor)).first()
    if doc is None:
        raise NotFound("附件不存在或无权查看")
    return doc


@dataclass
class BatchesPage:
    rows: list[tuple[ApplicationBatch, Rate | None]]
    chosen: ApplicationBatch | None
    unplanned: int


def batches_page(actor: Any, *, year: int, chosen_pk: str) -> BatchesPage:
    rates = {r.key: r for r in success_rates(actor, by="batch")}
    rows = [(b, rates.get(str(b.pk))) for b in ApplicationBatch.objects.order_by("-year", "seq")]
    chosen = batch_choice(chosen_pk)
    unplanned = (
        ledger_queryset(actor)
        .filter(year=year, call__isnull=True)
        .exclude(stage__in=FINAL_STAGES)
        .count()
    )
    return BatchesPage(rows, chosen, unplanned)


def area_by_code(actor: Any, code: str) -> Region | None:
    """A town or park the actor may see, by code (None when not one of them)."""
    return next((a for a in areas(actor) if a.code == code), None) if code else None


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def tasks_of(actor: Any, area: Region | None, status: str = "") -> TaskQuerySet:
    """The task list: open first, then by due date (overdue first)."""
    qs = task_queryset(actor).in_region(area)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def overdue_count(tasks: TaskQuerySet, day: dt.date) -> int:
    return tasks.filter(status=Task.Status.OPEN, due_on__lt=day).count()


def batch_members(actor: Any, batch: ApplicationBatch | None) -> QuerySet[Ledger]:
    """The ledgers (in the actor's scope) planned into `batch`."""
    if batch is None:
        return ledger_queryset(actor).none()
    return ledger_queryset(actor).filter(call=batch).order_by("stage", "enterprise__name")


# -- actions on selected rows ------------------------------------------------------------------

MAX_SELECTED = 500


def enterprises_chosen(actor: Any, ids: list[int]) -> list[Enterprise]:
    """The enterprises picked in a list, among those the actor may see (others dropped)."""
    return list(
        Enterprise.objects.filter(enterprise_scope_q(actor), pk__in=ids[:MAX_SELECTED])
        .select_related("region")
        .order_by("name")
    )


def ledgers_chosen(actor: Any, enterprise_ids: list[int], year: int) -> list[Ledger]:
    """The year's ledgers of the enterprises picked in a list (in the actor's scope)."""
    return list(
        ledger_queryset(actor)
        .filter(year=year, enterprise_id__in=enterprise_ids[:MAX_SELECTED])
        .order_by("enterprise__name")
    )


# -- the 待办 page -------------------------------------------------------------------------------


def _forward(stage: str, role: str | None) -> list[str]:
    order = [s.key for s in pipeline_stages()]
    return [
        s
        for s in pipeline_next(stage, role)
        if s != "withdrawn" and order.index(s) > order.index(stage)
    ]


def stages_awaiting(role: str | None) -> list[str]:
    """Stages at which a ledger waits for `role`: the bureau records what only it may
    (评审, 公示, 认定); towns and parks move their firms' preparation along."""
    out = []
    for s in pipeline_stages():
        if not _forward(s.key, role):
            continue
        if role == "staff" and _forward(s.key, "officer"):
            continue
        out.append(s.key)
    return out


def ledgers_awaiting(actor: Any, year: int) -> QuerySet[Ledger]:
    """The year's ledgers at a stage the actor moves next, by stage and name."""
    return (
        ledger_queryset(actor)
        .filter(year=year, stage__in=stages_awaiting(role_of(actor)))
        .order_by("stage", "enterprise__name")
    )


def officer_choices(actor: Any) -> QuerySet[Any]:
    """The officers of the actor's own area (others' names stay private)."""
    from kechuang.accounts.models import User

    return User.objects.filter(role="officer", region__in=Region.objects.visible_to(actor))


def ledger_export_rows(actor: Any, year: int) -> tuple[list[str], list[list[Any]]]:
    """The towns' layout: one row per enterprise, a date column per milestone."""
    from kechuang.cultivation.pipeline import MILESTONES
    from kechuang.cultivation.pipeline import label as stage_label

    headers = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属镇街/园区",
        "类型",
        "申报批次",
        "当前环节",
        *[f"{stage_label(s)}日期" for s in MILESTONES],
        "园区/乡镇责任人",
        "科技局联系人",
        "备注",
    ]
    rows: list[list[Any]] = []
    qs = (
        ledger_queryset(actor)
        .filter(year=year)
        .prefetch_related("events")
        .order_by("enterprise__region__sort_order", "enterprise__name")
    )
    for i, lg in enumerate(qs, start=1):
        dates: dict[str, dt.date] = {}
        for ev in lg.events.all():
            dates[ev.stage] = ev.on  # the latest time it reached each milestone
        rows.append(
            [
                i,
                lg.enterprise.name,
                lg.enterprise.uscc,
                lg.enterprise.region.name,
                lg.get_kind_display(),
                lg.call.name if lg.call else "",
                lg.stage_label,
                *[dates.get(s) for s in MILESTONES],
                str(lg.officer or ""),
                str(lg.bureau_contact or ""),
                lg.notes,
            ]
        )
    return headers, rows


@dataclass
class PanelFacts:
    membership: PoolMembership | None
    override: tuple[str, str] | None
    ledgers: list[Ledger]


def panel_facts(enterprise: Enterprise) -> PanelFacts:
    """What the enterprise-page panel reads: the latest pool entry and every ledger."""
    membership = (
        enterprise.pool_memberships.exclude(status=M.Status.REJECTED)
        .order_by("-proposed_on", "-id")
        .first()
    )
    override = None
    if membership and membership.status == M.Status.ACTIVE and membership.grade_override:
        override = (membership.grade_override, membership.grade_override_reason)
    ledgers = list(
        Ledger.objects.filter(enterprise=enterprise).select_related("call").order_by("-year")
    )
    return PanelFacts(membership, override, ledgers)

"""Writes of the cultivation pipeline. Keyword-only arguments and an `actor`; each
checks permission first, runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import is_bureau
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict
from kechuang.core.jobs import Reporter, job_body, job_start
from kechuang.core.models import Job
from kechuang.cultivation import grading, pipeline
from kechuang.cultivation.models import ApplicationBatch, Ledger, PoolMembership
from kechuang.cultivation.permissions import can_decide, can_visit, can_work_on
from kechuang.enterprises.models import Enterprise
from kechuang.programmes import services as programme_services
from kechuang.programmes.models import Attachment, Task, Visit
from kechuang.programmes.services import invalid as _invalid
from kechuang.programmes.services import require as _require
from kechuang.programmes.workflow import Move
from kechuang.targets.models import Target
from kechuang.targets.services import target_save

M = PoolMembership
FAILS_BEFORE_LEAVING = 2


def _log(
    actor: Any, action: str, obj: Any, before: Any = None, note: str = "", via: str = "web"
) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj),
        enterprise_id=getattr(obj, "enterprise_id", None),
        via=via,
        note=note,
    )


# -- reserve pool ------------------------------------------------------------------------------


def pool_propose(
    *,
    actor: Any,
    enterprise: Enterprise,
    on: dt.date,
    reason: str = "",
    via: str = "web",
    entry_check: dict[str, Any] | None = None,
) -> PoolMembership:
    """Staff enter a firm directly; a town/park officer proposes it for the bureau to
    approve. The `jiangsu-pool-2018` check is run and kept with the entry (shown, not
    gating: the county's reserve pool may hold firms the province would not take yet).
    `entry_check` is that result when a bulk caller computed it for many firms at once."""
    _require(can_work_on(actor, enterprise))
    if M.objects.filter(
        enterprise=enterprise, status__in=[M.Status.PROPOSED, M.Status.ACTIVE]
    ).exists():
        raise _invalid("enterprise", "企业", f"“{enterprise.name}”已在培育库中或已被推荐")
    check = entry_check or grading.pool_entry_check(enterprise, on)
    staff = is_bureau(actor)
    try:
        with transaction.atomic():
            m = M.objects.create(
                enterprise=enterprise,
                proposed_on=on,
                reason=reason[:300],
                proposed_by=actor,
                entry_check=check,
                status=M.Status.ACTIVE if staff else M.Status.PROPOSED,
                entered_on=on if staff else None,
                approved_by=actor if staff else None,
            )
            _log(actor, "create", m, note="直接入库" if staff else "推荐入库", via=via)
    except IntegrityError:
        # Another user proposed the same firm a moment ago (one open membership per firm).
        raise _invalid("enterprise", "企业", f"“{enterprise.name}”已在培育库中或已被推荐") from None
    return m


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did, said in Chinese for the page's message."""

    done: list[str]
    skipped: list[str]
    verb: str
    skip_reason: str

    @property
    def message(self) -> str:
        parts = [f"{self.verb} {len(self.done)} 家"]
        if self.skipped:
            names = "、".join(self.skipped[:5]) + ("等" if len(self.skipped) > 5 else "")
            parts.append(f"{len(self.skipped)} 家{self.skip_reason}：{names}")
        return "；".join(parts)


def pool_propose_many(
    *,
    actor: Any,
    enterprises: list[Enterprise],
    on: dt.date,
    reason: str = "",
    via: str = "web",
) -> BulkResult:
    """入库 (staff) or 推荐入库 (officers) for the firms selected in a list, in one
    transaction: all or none are written. Firms already in the pool or proposed are
    skipped and named; a firm outside the actor's area refuses the whole action."""
    if not enterprises:
        raise _invalid("ids", "企业", "请先勾选企业")
    for firm in enterprises:
        _require(can_work_on(actor, firm))
    busy = set(
        M.objects.filter(
            enterprise__in=enterprises, status__in=[M.Status.PROPOSED, M.Status.ACTIVE]
        ).values_list("enterprise_id", flat=True)
    )
    todo = [f for f in enterprises if f.pk not in busy]
    checks = grading.pool_entry_checks(todo, on) if todo else {}
    with transaction.atomic():
        for firm in todo:
            pool_propose(
                actor=actor,
                enterprise=firm,
                on=on,
                reason=reason,
                via=via,
                entry_check=checks[firm.pk],
            )
    return BulkResult(
        done=[f.name for f in todo],
        skipped=[f.name for f in enterprises if f.pk in busy],
        verb="已入库" if is_bureau(actor) else "已推荐（待科技局审核）",
        skip_reason="已在培育库中或已被推荐，未重复入库",
    )


def ledgers_assign_officer(
    *, actor: Any, ledgers: list[Ledger], officer: User | None, via: str = "web"
) -> BulkResult:
    """Put one 责任人 (an officer of the firms' area) in charge of the selected ledgers,
    in one transaction; ledgers already in their charge are left as they are."""
    if not ledgers:
        raise _invalid("ids", "台帐", "请先勾选已建立台帐的企业")
    if officer is None or officer.role != "officer" or officer.region is None:
        raise _invalid("officer", "责任人", "请选择园区/乡镇责任人")
    for lg in ledgers:
        _require(can_work_on(actor, lg.enterprise))
        if not officer.region.contains(lg.enterprise.region):
            raise _invalid(
                "officer",
                "责任人",
                f"{officer}不负责“{lg.enterprise.name}”所在的{lg.enterprise.region.name}",
            )
    todo = [lg for lg in ledgers if lg.officer_id != officer.pk]
    with transaction.atomic():
        for lg in todo:
            ledger_update(actor=actor, ledger=lg, officer=officer, via=via)
    return BulkResult(
        done=[lg.enterprise.name for lg in todo],
        skipped=[lg.enterprise.name for lg in ledgers if lg.officer_id == officer.pk],
        verb=f"已指定{officer}为责任人",
        skip_reason="原已由其负责",
    )


def _lock_membership(membership: PoolMembership) -> PoolMembership:
    """The membership re-read under a row lock (inside the caller's transaction), so a
    decision never writes back a stale copy over another user's change."""
    return (
        M.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=membership.pk)
    )


def _copy_back(target: PoolMembership, source: PoolMembership) -> None:
    for f in M._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def pool_decide(
    *,
    actor: Any,
    membership: PoolMembership,
    approve: bool,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> PoolMembership:
    _require(can_decide(actor))
    with transaction.atomic():
        m = _lock_membership(membership)
        if m.status != M.Status.PROPOSED:  # decided meanwhile by another user
            raise Conflict(f"该推荐已被处理，现为“{m.get_status_display()}”，请刷新后查看")
        before = snapshot(m)
        m.status = M.Status.ACTIVE if approve else M.Status.REJECTED
        m.entered_on = on if approve else None
        m.approved_by = actor
        m.decision_note = note[:300]
        m.save(update_fields=["status", "entered_on", "approved_by", "decision_note"])
        _log(actor, "update", m, before, "批准入库" if approve else f"不予入库：{note}", via)
    _copy_back(membership, m)
    return membership


def pool_leave(
    *,
    actor: Any,
    membership: PoolMembership,
    reason: str,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> PoolMembership:
    _require(can_work_on(actor, membership.enterprise))
    if reason not in M.LeaveReason.values:
        raise _invalid(
            "leave_reason",
            "出库原因",
            "应为 认定为高企、企业退出、两次申报未通过、迁出本市 或 注销",
        )
    with transaction.atomic():
        m = _lock_membership(membership)
        if m.status != M.Status.ACTIVE:
            raise _invalid("status", "状态", "只有在库企业可以出库")
        if m.entered_on and on < m.entered_on:
            raise _invalid("left_on", "出库日期", "早于入库日期")
        before = snapshot(m)
        m.status = M.Status.LEFT
        m.left_on = on
        m.leave_reason = reason
        m.leave_note = note[:300]
        m.save(update_fields=["status", "left_on", "leave_reason", "leave_note"])
        _log(actor, "update", m, before, f"出库：{m.get_leave_reason_display()} {note}", via)
    _copy_back(membership, m)
    return membership


def grade_override(
    *, actor: Any, membership: PoolMembership, grade: str, reason: str, via: str = "web"
) -> PoolMembership:
    """Bureau staff set a grade against the rule's; the reason goes to the audit log.
    An empty grade removes the override."""
    _require(can_decide(actor))
    if grade and grade not in M.Grade.values:
        raise _invalid("grade", "分级", "应为 A、B 或 C")
    if grade and not reason.strip():
        raise _invalid("reason", "调整理由", "调整分级须填写理由")
    with transaction.atomic():
        m = _lock_membership(membership)
        before = snapshot(m)
        m.grade_override = grade
        m.grade_override_reason = reason.strip()[:300] if grade else ""
        m.grade_overridden_by = actor if grade else None
        m.save(update_fields=["grade_override", "grade_override_reason", "grade_overridden_by"])
        note = f"分级调整为{grade}：{reason.strip()}" if grade else "取消分级调整"
        _log(actor, "update", m, before, note, via)
    _copy_back(membership, m)
    return membership


def pool_regrade(
    *, actor: Any, year: int, region: Region | None = None, progress: Any = None
) -> Any:
    """Re-assess the open pool (and this year's ledgers) and store dated snapshots, so
    the grades shown can be traced to a stored result."""
    from kechuang.cultivation.selectors import open_on
    from kechuang.enterprises.assessment import registry_snapshot

    _require(can_decide(actor))
    day = periods.application_as_of(year)
    ids = set(M.objects.filter(open_on(day)).values_list("enterprise_id", flat=True))
    ids |= set(Ledger.objects.filter(year=year).values_list("enterprise_id", flat=True))
    firms = Enterprise.objects.filter(pk__in=ids).in_region(region)
    extra = {"progress": progress} if progress is not None else {}
    return registry_snapshot(
        actor=actor,
        as_of=day,
        enterprises=firms.order_by("pk"),
        rules=f"{grading.HNTE},{grading.POOL}",
        **extra,
    )


def pool_regrade_start(*, actor: Any, year: int, region: Region | None = None) -> Job:
    """Queue the re-grading of the year's pool as a background job (minutes for a big
    pool); the job page shows its progress."""
    _require(can_decide(actor))
    where = region.name if region is not None else "全部"
    return job_start(
        actor=actor,
        kind=f"培育库重新评价（{year}年，{where}）",
        task=pool_regrade_job,
        year=year,
        region=region.code if region is not None else "",
    )


@job_body
def pool_regrade_job(*, actor: Any, report: Reporter, year: int, region: str) -> dict[str, Any]:
    """The job body of `pool_regrade_start`."""
    area = Region.objects.filter(code=region).first() if region else None
    run = pool_regrade(actor=actor, year=year, region=area, progress=report)
    return {
        "summary": f"已重新评价{run.enterprises}家企业并保存评价快照",
        "url": f"/cultivation/pool/?year={year}",
        "url_label": "返回后备培育库",
    }


# -- ledgers: applications of the `hnte` programme ---------------------------------------------


def ledger_open(
    *,
    actor: Any,
    enterprise: Enterprise,
    year: int,
    on: dt.date,
    kind: str = Ledger.Kind.FIRST,
    officer: User | None = None,
    bureau_contact: User | None = None,
    note: str = "",
    via: str = "web",
) -> Ledger:
    """Open the year's ledger at 入库 (the first milestone): one per firm and year."""
    _require(can_work_on(actor, enterprise))
    if kind not in Ledger.Kind.values:
        raise _invalid("kind", "类型", "应为 首次申报 或 到期重新认定")
    app = programme_services.application_open(
        actor=actor,
        programme=pipeline.PROGRAMME,
        enterprise=enterprise,
        year=year,
        on=on,
        kind=kind,
        unique_key=str(year),
        officer=officer,
        bureau_contact=bureau_contact,
        notes=note,
        duplicate_message=f"“{enterprise.name}”{year}年的台帐已存在",
        model=Ledger,
        via=via,
    )
    assert isinstance(app, Ledger)
    return app


def ledger_transition(
    *,
    actor: Any,
    ledger: Ledger,
    to: str,
    on: dt.date,
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Ledger:
    """Move a ledger along the pipeline (`pipeline.TRANSITIONS`) through the frame's
    transition; the workflow's hooks close the pool membership on 认定 and on a second
    未通过 (`close_pool_on_decision`)."""
    _require(can_work_on(actor, ledger.enterprise))
    app = programme_services.application_transition(
        actor=actor,
        application=ledger,
        to=to,
        on=on,
        note=note,
        expected_stage=expected_stage,
        via=via,
    )
    assert isinstance(app, Ledger)
    return ledger


def ledger_walk(
    *,
    actor: Any,
    ledger: Ledger,
    steps: list[tuple[str, dt.date]],
    note: str = "",
    via: str = "web",
) -> Ledger:
    """Move a ledger through several stages in turn (stage, date), each as
    `ledger_transition` moves it, in one transaction (`application_walk`): a history
    recorded at once, e.g. by the demo county."""
    _require(can_work_on(actor, ledger.enterprise))
    app = programme_services.application_walk(
        actor=actor, application=ledger, steps=steps, note=note, via=via
    )
    assert isinstance(app, Ledger)
    return ledger


def close_pool_on_decision(move: Move) -> None:
    """认定 closes the firm's pool membership (认定为高企); a second 未通过 of a first
    application closes it too (两次申报未通过). A certificate before the firm entered
    the pool does not close it."""
    ledger = move.application
    open_m = M.objects.filter(enterprise=ledger.enterprise, status=M.Status.ACTIVE).first()
    if open_m is None or (open_m.entered_on and open_m.entered_on > move.on):
        return
    if move.to == "certified":
        pool_leave(
            actor=move.actor,
            membership=open_m,
            reason=M.LeaveReason.CERTIFIED,
            on=move.on,
            note=f"{ledger.year}年认定",
            via=move.via,
        )
    elif move.to == "failed" and ledger.kind == Ledger.Kind.FIRST:
        fails = Ledger.objects.filter(
            enterprise=ledger.enterprise, stage="failed", kind=Ledger.Kind.FIRST
        ).count()
        if fails >= FAILS_BEFORE_LEAVING:
            pool_leave(
                actor=move.actor,
                membership=open_m,
                reason=M.LeaveReason.FAILED_TWICE,
                on=move.on,
                via=move.via,
            )


def ledger_update(
    *,
    actor: Any,
    ledger: Ledger,
    officer: User | None = None,
    bureau_contact: User | None = None,
    notes: str | None = None,
    via: str = "web",
) -> Ledger:
    _require(can_work_on(actor, ledger.enterprise))
    app = programme_services.application_update(
        actor=actor,
        application=ledger,
        officer=officer,
        bureau_contact=bureau_contact,
        notes=notes,
        via=via,
    )
    assert isinstance(app, Ledger)
    return app


def ledger_edit(
    *,
    actor: Any,
    ledger: Ledger,
    officer: User | None,
    bureau_contact: User | None,
    notes: str | None,
    batch: ApplicationBatch | None,
    via: str = "web",
) -> Ledger:
    """The ledger form: who is in charge, notes and the batch, all or nothing."""
    with transaction.atomic():
        ledger_update(
            actor=actor,
            ledger=ledger,
            officer=officer,
            bureau_contact=bureau_contact,
            notes=notes,
            via=via,
        )
        if batch != ledger.batch:
            batch_plan(actor=actor, ledgers=[ledger], batch=batch, via=via)
    return ledger


def document_add(
    *, actor: Any, ledger: Ledger, title: str, file: UploadedFile[bytes], via: str = "web"
) -> Attachment:
    _require(can_work_on(actor, ledger.enterprise))
    return programme_services.attachment_add(
        actor=actor,
        enterprise=ledger.enterprise,
        application=ledger,
        title=title,
        file=file,
        via=via,
    )


def visit_record(
    *,
    actor: Any,
    ledger: Ledger,
    visited_on: dt.date,
    summary: str,
    problems: str = "",
    via: str = "web",
) -> Visit:
    """A visit on the ledger, by its firm's officer, the bureau or its assigned helper."""
    _require(can_visit(actor, ledger.enterprise))
    return programme_services.visit_record(
        actor=actor,
        enterprise=ledger.enterprise,
        application=ledger,
        visited_on=visited_on,
        summary=summary,
        problems=problems,
        via=via,
    )


# -- batches: calls of the `hnte` programme -----------------------------------------------------

# The batch form's names for the call's dates.
BATCH_FIELDS = {
    "submit_by": "closes_on",
    "review_on": "review_on",
    "publicize_on": "publicity_on",
    "certified_on": "decided_on",
}


def batch_save(
    *, actor: Any, data: dict[str, Any], batch: ApplicationBatch | None = None, via: str = "web"
) -> ApplicationBatch:
    """Create or edit a batch: the province runs 1–4 a year (`MAX_BATCHES_PER_YEAR`)."""
    _require(can_decide(actor))
    fields = {BATCH_FIELDS.get(k, k): v for k, v in data.items()}
    call = programme_services.call_save(
        actor=actor,
        programme=pipeline.PROGRAMME,
        data=fields,
        call=batch,
        labels=pipeline.CALL_LABELS,
        max_seq=pipeline.MAX_BATCHES_PER_YEAR,
        via=via,
    )
    return ApplicationBatch.objects.get(pk=call.pk)


def batch_plan(
    *, actor: Any, ledgers: list[Ledger], batch: ApplicationBatch | None, via: str = "web"
) -> list[Ledger]:
    """Plan ledgers into a batch of their year (None takes them out). Firms the rule
    grades C (and no one overrode) are refused: plan A and B firms, renewals."""
    for lg in ledgers:
        _require(can_work_on(actor, lg.enterprise))
        if batch is not None and lg.year != batch.year:
            raise _invalid(
                "batch",
                "申报批次",
                f"“{lg.enterprise.name}”的台帐是{lg.year}年的，不能编入{batch.name}",
            )
        if batch is not None and pipeline.WORKFLOW.is_final(lg.stage):
            raise _invalid("batch", "申报批次", f"“{lg.enterprise.name}”的台帐已办结")
    if batch is not None:
        members = {
            m.enterprise_id: m
            for m in M.objects.filter(
                enterprise__in=[lg.enterprise_id for lg in ledgers], status=M.Status.ACTIVE
            )
        }
        overrides = {
            eid: (m.grade_override, m.grade_override_reason)
            for eid, m in members.items()
            if m.grade_override
        }
        grades = grading.grade_enterprises(
            [lg.enterprise for lg in ledgers],
            periods.application_as_of(batch.year),
            overrides=overrides,
        )
        bad = [lg.enterprise.name for lg in ledgers if grades[lg.firm_id].code == "C"]
        if bad:
            raise _invalid(
                "batch", "申报批次", f"C级（长期培育）企业不编入申报批次：{'、'.join(bad[:5])}"
            )
    programme_services.applications_assign_call(
        actor=actor, applications=ledgers, call=batch, via=via
    )
    return ledgers


# -- targets (rows of kechuang.targets) and tasks ----------------------------------------------


def target_set(
    *,
    actor: Any,
    year: int,
    region: Region,
    metric: str,
    value: int,
    comparison: str = "gte",
    via: str = "web",
) -> Target:
    """A cultivation target is a target of `kechuang.targets` (one source of truth)."""
    _require(can_decide(actor))
    if metric not in pipeline.TARGET_METRICS:
        raise _invalid("metric", "指标", "应为 新增高企、有效期内高企 或 后备培育库在库企业")
    if comparison not in ("gte", "gt"):
        raise _invalid("comparison", "比较", "应为 ≥ 或 >")
    if not isinstance(value, int) or value < 0:
        raise _invalid("value", "目标值", "应为非负整数")
    return target_save(
        actor=actor,
        region=region,
        year=year,
        indicator=metric,
        value=value,
        comparison=comparison,
        via=via,
    )


def split_evenly(total: int, weights: dict[Any, int]) -> dict[Any, int]:
    """Split `total` in proportion to `weights` by largest remainder (sums exactly)."""
    wsum = sum(weights.values())
    if wsum == 0:
        keys = list(weights)
        return {
            k: total // len(keys) + (1 if i < total % len(keys) else 0) for i, k in enumerate(keys)
        }
    raw = {k: total * w / wsum for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), str(k)))[:rest]:
        out[k] += 1
    return out


def task_create(
    *,
    actor: Any,
    title: str,
    region: Region,
    due_on: dt.date,
    owner: User | None = None,
    enterprise: Enterprise | None = None,
    batch: ApplicationBatch | None = None,
    via: str = "web",
) -> Task:
    return programme_services.task_create(
        actor=actor,
        title=title,
        region=region,
        due_on=due_on,
        owner=owner,
        enterprise=enterprise,
        call=batch,
        programme=pipeline.PROGRAMME,
        via=via,
    )


def task_set_status(*, actor: Any, task: Task, status: str, on: dt.date, via: str = "web") -> Task:
    return programme_services.task_set_status(actor=actor, task=task, status=status, on=on, via=via)

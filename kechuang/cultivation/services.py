"""Writes of the cultivation pipeline. Keyword-only arguments and an `actor`; each
checks permission first, runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import is_bureau, role_of
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.cultivation import grading, pipeline
from kechuang.cultivation.models import (
    ApplicationBatch,
    CultivationTarget,
    Ledger,
    LedgerDocument,
    LedgerEvent,
    PoolMembership,
    Task,
    Visit,
)
from kechuang.cultivation.permissions import can_assign_in, can_decide, can_work_on
from kechuang.enterprises.models import Enterprise

M = PoolMembership
DOC_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".zip", ".ofd")
DOC_MAX_BYTES = 10 * 1024 * 1024
FAILS_BEFORE_LEAVING = 2
BATCH_DATE_LABELS = {
    "submit_by": "网上申报截止",
    "review_on": "专家评审",
    "publicize_on": "公示日期",
    "certified_on": "认定日期",
}


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


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
    return m


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
    if membership.status != M.Status.PROPOSED:
        raise _invalid(
            "status", "状态", f"该记录为“{membership.get_status_display()}”，不是待审核的推荐"
        )
    before = snapshot(membership)
    with transaction.atomic():
        membership.status = M.Status.ACTIVE if approve else M.Status.REJECTED
        membership.entered_on = on if approve else None
        membership.approved_by = actor
        membership.decision_note = note[:300]
        membership.save()
        _log(
            actor, "update", membership, before, "批准入库" if approve else f"不予入库：{note}", via
        )
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
    if membership.status != M.Status.ACTIVE:
        raise _invalid("status", "状态", "只有在库企业可以出库")
    if membership.entered_on and on < membership.entered_on:
        raise _invalid("left_on", "出库日期", "早于入库日期")
    before = snapshot(membership)
    with transaction.atomic():
        membership.status = M.Status.LEFT
        membership.left_on = on
        membership.leave_reason = reason
        membership.leave_note = note[:300]
        membership.save()
        _log(
            actor,
            "update",
            membership,
            before,
            f"出库：{membership.get_leave_reason_display()} {note}",
            via,
        )
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
    before = snapshot(membership)
    with transaction.atomic():
        membership.grade_override = grade
        membership.grade_override_reason = reason.strip()[:300] if grade else ""
        membership.grade_overridden_by = actor if grade else None
        membership.save()
        note = f"分级调整为{grade}：{reason.strip()}" if grade else "取消分级调整"
        _log(actor, "update", membership, before, note, via)
    return membership


def pool_regrade(*, actor: Any, year: int, region: Region | None = None) -> Any:
    """Re-assess the open pool (and this year's ledgers) and store dated snapshots, so
    the grades shown can be traced to a stored result."""
    from kechuang.assessments.services import registry_snapshot
    from kechuang.cultivation.selectors import open_on

    _require(can_decide(actor))
    day = grading.as_of_for_year(year)
    ids = set(M.objects.filter(open_on(day)).values_list("enterprise_id", flat=True))
    ids |= set(Ledger.objects.filter(year=year).values_list("enterprise_id", flat=True))
    firms = Enterprise.objects.filter(pk__in=ids)
    if region is not None:
        firms = firms.filter(region__path__startswith=region.path)
    return registry_snapshot(
        actor=actor,
        as_of=day,
        enterprises=firms.order_by("pk"),
        rules=f"{grading.HNTE},{grading.POOL}",
    )


# -- ledgers -----------------------------------------------------------------------------------


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
    """Open the year's ledger at 入库 (the first milestone)."""
    _require(can_work_on(actor, enterprise))
    if kind not in Ledger.Kind.values:
        raise _invalid("kind", "类型", "应为 首次申报 或 到期重新认定")
    if Ledger.objects.filter(enterprise=enterprise, year=year).exists():
        raise _invalid("year", "申报年度", f"“{enterprise.name}”{year}年的台帐已存在")
    if officer is None and role_of(actor) == "officer":
        officer = actor
    with transaction.atomic():
        ledger = Ledger.objects.create(
            enterprise=enterprise,
            year=year,
            kind=kind,
            stage="pool",
            officer=officer,
            bureau_contact=bureau_contact,
            notes=note,
        )
        LedgerEvent.objects.create(
            ledger=ledger, stage="pool", on=on, by=actor, by_name=str(actor), note="建立台帐"
        )
        _log(actor, "create", ledger, via=via)
    return ledger


def ledger_transition(
    *, actor: Any, ledger: Ledger, to: str, on: dt.date, note: str = "", via: str = "web"
) -> Ledger:
    """Move a ledger along the pipeline (`pipeline.TRANSITIONS`). 认定 closes the firm's
    pool membership (认定为高企); a second 未通过 closes it too (两次申报未通过)."""
    _require(can_work_on(actor, ledger.enterprise))
    _require(pipeline.check_transition(ledger.stage, to, role_of(actor)))
    last = ledger.events.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise _invalid(
            "on", "日期", f"早于上一环节“{pipeline.label(last.stage)}”的日期{last.on.isoformat()}"
        )
    before = snapshot(ledger)
    with transaction.atomic():
        frm = ledger.stage
        ledger.stage = to
        ledger.save(update_fields=["stage", "updated_at"])
        LedgerEvent.objects.create(
            ledger=ledger,
            from_stage=frm,
            stage=to,
            on=on,
            by=actor,
            by_name=str(actor),
            note=note[:300],
        )
        _log(
            actor,
            "transition",
            ledger,
            before,
            f"{pipeline.label(frm)} → {pipeline.label(to)} {note}".strip(),
            via,
        )
        open_m = M.objects.filter(enterprise=ledger.enterprise, status=M.Status.ACTIVE).first()
        if open_m is not None and open_m.entered_on and open_m.entered_on > on:
            open_m = None  # a certificate before the firm entered the pool does not close it
        if open_m is not None and to == "certified":
            pool_leave(
                actor=actor,
                membership=open_m,
                reason=M.LeaveReason.CERTIFIED,
                on=on,
                note=f"{ledger.year}年认定",
                via=via,
            )
        elif open_m is not None and to == "failed":
            fails = Ledger.objects.filter(
                enterprise=ledger.enterprise, stage="failed", kind=Ledger.Kind.FIRST
            ).count()
            if fails >= FAILS_BEFORE_LEAVING and ledger.kind == Ledger.Kind.FIRST:
                pool_leave(
                    actor=actor,
                    membership=open_m,
                    reason=M.LeaveReason.FAILED_TWICE,
                    on=on,
                    via=via,
                )
    return ledger


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
    if officer is not None and not (
        officer.region and ledger.enterprise.region.path.startswith(officer.region.path)
    ):
        raise _invalid(
            "officer", "园区/乡镇责任人", f"{officer}不是“{ledger.enterprise.region.name}”的人员"
        )
    if bureau_contact is not None and not is_bureau(bureau_contact):
        raise _invalid("bureau_contact", "市科技局联系人", f"{bureau_contact}不是市科技局人员")
    before = snapshot(ledger)
    with transaction.atomic():
        if officer is not None:
            ledger.officer = officer
        if bureau_contact is not None:
            ledger.bureau_contact = bureau_contact
        if notes is not None:
            ledger.notes = notes
        ledger.save()
        _log(actor, "update", ledger, before, via=via)
    return ledger


def document_add(
    *, actor: Any, ledger: Ledger, title: str, file: UploadedFile, via: str = "web"
) -> LedgerDocument:
    _require(can_work_on(actor, ledger.enterprise))
    name = file.name or ""
    if Path(name).suffix.lower() not in DOC_EXTENSIONS:
        raise _invalid("file", "附件", f"只接受 {'、'.join(DOC_EXTENSIONS)} 文件")
    if (file.size or 0) > DOC_MAX_BYTES:
        raise _invalid("file", "附件", f"文件超过{DOC_MAX_BYTES // 1024 // 1024}MB")
    if (file.size or 0) == 0:
        raise _invalid("file", "附件", "文件为空")
    with transaction.atomic():
        doc = LedgerDocument(
            ledger=ledger,
            title=(title or Path(name).stem)[:120],
            size=file.size or 0,
            uploaded_by=actor,
        )
        doc.file.save(Path(name).name, file, save=False)
        doc.save()
        audit_log(
            actor=actor,
            action="create",
            obj=doc,
            enterprise_id=ledger.enterprise_id,
            via=via,
            after={**snapshot(doc, ["ledger_id", "title", "size"]), "file": doc.file.name},
        )
    return doc


def visit_record(
    *,
    actor: Any,
    ledger: Ledger,
    visited_on: dt.date,
    summary: str,
    problems: str = "",
    via: str = "web",
) -> Visit:
    _require(can_work_on(actor, ledger.enterprise))
    if not summary.strip():
        raise _invalid("summary", "走访情况", "不能为空")
    with transaction.atomic():
        visit = Visit.objects.create(
            ledger=ledger,
            visited_on=visited_on,
            visitor=actor,
            visitor_name=str(actor),
            summary=summary.strip()[:500],
            problems=problems.strip()[:500],
        )
        audit_log(
            actor=actor,
            action="create",
            obj=visit,
            after=snapshot(visit),
            enterprise_id=ledger.enterprise_id,
            via=via,
        )
    return visit


# -- batches -----------------------------------------------------------------------------------


def batch_save(
    *, actor: Any, data: dict[str, Any], batch: ApplicationBatch | None = None, via: str = "web"
) -> ApplicationBatch:
    _require(can_decide(actor))
    errors: list[FieldError] = []
    year, seq, submit_by = data.get("year"), data.get("seq"), data.get("submit_by")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "年度", "应为2000–2100的年份"))
    if not isinstance(seq, int) or not 1 <= seq <= 4:
        errors.append(FieldError("seq", "批次", "每年2–4批，批次应为1–4"))
    if submit_by is None:
        errors.append(FieldError("submit_by", "网上申报截止", "不能为空"))
    dates = [(k, data.get(k)) for k in ("submit_by", "review_on", "publicize_on", "certified_on")]
    known = [(k, d) for k, d in dates if d]
    for (_k1, d1), (k2, d2) in itertools.pairwise(known):
        if d2 < d1:
            errors.append(FieldError(k2, BATCH_DATE_LABELS[k2], f"早于{d1.isoformat()}"))
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(year, int) and isinstance(seq, int)
    clash = ApplicationBatch.objects.filter(year=year, seq=seq)
    if batch is not None:
        clash = clash.exclude(pk=batch.pk)
    if not errors and clash.exists():
        errors.append(FieldError("seq", "批次", f"{year}年第{seq}批已存在"))
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(batch) if batch else None
    with transaction.atomic():
        obj = batch or ApplicationBatch()
        obj.year, obj.seq = year, seq
        obj.name = data.get("name") or f"{year}年第{'一二三四'[seq - 1]}批"
        for k, d in dates:
            setattr(obj, k, d)
        obj.note = data.get("note", "")[:200]
        obj.save()
        _log(actor, "update" if batch else "create", obj, before, via=via)
    return obj


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
        if batch is not None and lg.stage in ("certified", "failed", "withdrawn"):
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
            grading.as_of_for_year(batch.year),
            overrides=overrides,
        )
        bad = [lg.enterprise.name for lg in ledgers if grades[lg.enterprise_id].code == "C"]
        if bad:
            raise _invalid(
                "batch", "申报批次", f"C级（长期培育）企业不编入申报批次：{'、'.join(bad[:5])}"
            )
    with transaction.atomic():
        for lg in ledgers:
            before = snapshot(lg)
            lg.batch = batch
            lg.save(update_fields=["batch", "updated_at"])
            _log(actor, "update", lg, before, f"编入{batch.name}" if batch else "移出批次", via)
    return ledgers


# -- targets and tasks -------------------------------------------------------------------------


def target_set(
    *,
    actor: Any,
    year: int,
    region: Region,
    metric: str,
    value: int,
    comparison: str = "gte",
    via: str = "web",
) -> CultivationTarget:
    _require(can_decide(actor))
    if metric not in CultivationTarget.Metric.values:
        raise _invalid("metric", "指标", "应为 新增高企、有效期内高企 或 后备培育库在库企业")
    if comparison not in CultivationTarget.Comparison.values:
        raise _invalid("comparison", "比较", "应为 ≥ 或 >")
    if not isinstance(value, int) or value < 0:
        raise _invalid("value", "目标值", "应为非负整数")
    with transaction.atomic():
        obj = CultivationTarget.objects.filter(year=year, region=region, metric=metric).first()
        before = snapshot(obj) if obj else None
        obj = obj or CultivationTarget(year=year, region=region, metric=metric)
        obj.value, obj.comparison, obj.set_by = value, comparison, actor
        obj.save()
        _log(actor, "update" if before else "create", obj, before, via=via)
    return obj


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
    _require(can_assign_in(actor, region))
    if enterprise is not None:
        _require(can_work_on(actor, enterprise))
        if not enterprise.region.path.startswith(region.path):
            raise _invalid("enterprise", "企业", f"“{enterprise.name}”不在{region.name}")
    if (
        owner is not None
        and role_of(owner) == "officer"
        and not (owner.region and owner.region.path.startswith(region.path))
    ):
        raise _invalid("owner", "责任人", f"{owner}不是{region.name}的人员")
    if not title.strip():
        raise _invalid("title", "任务", "不能为空")
    with transaction.atomic():
        task = Task.objects.create(
            title=title.strip()[:200],
            region=region,
            due_on=due_on,
            owner=owner,
            enterprise=enterprise,
            batch=batch,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="create",
            obj=task,
            after=snapshot(task),
            enterprise_id=enterprise.pk if enterprise else None,
            via=via,
        )
    return task


def task_set_status(*, actor: Any, task: Task, status: str, on: dt.date, via: str = "web") -> Task:
    _require(can_assign_in(actor, task.region))
    if status not in Task.Status.values:
        raise _invalid("status", "状态", "应为 进行中、已完成 或 已取消")
    before = snapshot(task)
    with transaction.atomic():
        task.status = status
        task.done_on = on if status == Task.Status.DONE else None
        task.save()
        audit_log(
            actor=actor,
            action="update",
            obj=task,
            before=before,
            after=snapshot(task),
            enterprise_id=task.enterprise_id,
            via=via,
        )
    return task

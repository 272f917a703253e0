"""Writes of the programme frame. Keyword-only arguments and an `actor`; each checks
permission first, runs in one transaction, locks the row it changes (re-reading it
inside the lock, so two users moving one application cannot both succeed) and writes
the audit log with the "before" taken after the lock."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import covers, is_bureau, role_of
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.permissions import in_region
from kechuang.programmes import permissions, workflow
from kechuang.programmes.models import (
    Application,
    Attachment,
    Award,
    Call,
    Event,
    Objection,
    Publicity,
    PublicityEntry,
    Review,
    Task,
    Visit,
)
from kechuang.programmes.workflow import Move, Workflow

ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".ofd",
)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
CALL_DATE_FIELDS = ("opens_on", "closes_on", "review_on", "publicity_on", "decided_on")
CALL_LABELS = {
    "year": "年度",
    "seq": "批次",
    "name": "名称",
    "opens_on": "开始申报",
    "closes_on": "申报截止",
    "review_on": "评审日期",
    "publicity_on": "公示日期",
    "publicity_until": "公示截止",
    "decided_on": "决定日期",
    "budget_yuan": "预算",
}
CHINESE_SEQ = "一二三四五六七八九十"


def require(check: tuple[bool, str]) -> None:
    """Refuse with the reason of a permission check `(allowed, reason)`."""
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def _log(
    actor: Any,
    action: str,
    obj: Any,
    before: Any = None,
    note: str = "",
    via: str = "web",
    enterprise_id: int | None = None,
) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj),
        enterprise_id=enterprise_id or getattr(obj, "enterprise_id", None),
        via=via,
        note=note,
    )


def _actor_name(actor: Any) -> str:
    return str(actor)[:60]


# -- calls -------------------------------------------------------------------------------------


def call_save(
    *,
    actor: Any,
    programme: str,
    data: Mapping[str, Any],
    call: Call | None = None,
    labels: Mapping[str, str] | None = None,
    max_seq: int = 12,
    via: str = "web",
) -> Call:
    """Create or edit a call. Dates must not go backwards (opens ≤ closes ≤ review ≤
    公示 ≤ decision); (programme, year, seq) is unique. `labels` names the dates as
    the programme calls them (网上申报截止, 认定日期…)."""
    require(permissions.can_decide(actor))
    names = {**CALL_LABELS, **(labels or {})}
    errors: list[FieldError] = []
    year, seq = data.get("year"), data.get("seq")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", names["year"], "应为2000–2100的年份"))
    if not isinstance(seq, int) or not 1 <= seq <= max_seq:
        errors.append(FieldError("seq", names["seq"], f"批次应为1–{max_seq}"))
    if data.get("closes_on") is None:
        errors.append(FieldError("closes_on", names["closes_on"], "不能为空"))
    known: list[tuple[str, dt.date]] = [
        (k, data[k]) for k in CALL_DATE_FIELDS if data.get(k) is not None
    ]
    for (_k1, d1), (k2, d2) in itertools.pairwise(known):
        if d2 < d1:
            errors.append(FieldError(k2, names[k2], f"早于{d1.isoformat()}"))
    until = data.get("publicity_until")
    if until and data.get("publicity_on") and until < data["publicity_on"]:
        errors.append(FieldError("publicity_until", names["publicity_until"], "早于公示日期"))
    budget = data.get("budget_yuan")
    if budget is not None and (not isinstance(budget, Decimal) or budget < 0):
        errors.append(FieldError("budget_yuan", names["budget_yuan"], "应为非负金额（元）"))
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(year, int) and isinstance(seq, int)
    with transaction.atomic():
        if call is not None:
            call = Call.objects.select_for_update().get(pk=call.pk)
        clash = Call.objects.filter(programme=programme, year=year, seq=seq)
        if call is not None:
            clash = clash.exclude(pk=call.pk)
        if clash.exists():
            raise ValidationFailed([FieldError("seq", names["seq"], f"{year}年第{seq}批已存在")])
        before = snapshot(call) if call else None
        obj = call or Call(programme=programme)
        obj.year, obj.seq = year, seq
        default_name = f"{year}年第{CHINESE_SEQ[seq - 1] if seq <= 10 else seq}批"
        obj.name = str(data.get("name") or default_name)[:60]
        for k in (*CALL_DATE_FIELDS, "publicity_until"):
            setattr(obj, k, data.get(k))
        obj.budget_yuan = budget
        obj.note = str(data.get("note") or "")[:200]
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            # Another user created the same batch a moment ago.
            raise ValidationFailed(
                [FieldError("seq", names["seq"], f"{year}年第{seq}批已存在")]
            ) from None
        _log(actor, "update" if call else "create", obj, before, via=via)
    return obj


# -- applications ------------------------------------------------------------------------------


def application_open(
    *,
    actor: Any,
    programme: str,
    enterprise: Enterprise | None = None,
    year: int,
    on: dt.date,
    region: Region | None = None,
    applicant: str = "",
    kind: str = "",
    unique_key: str = "",
    call: Call | None = None,
    title: str = "",
    amount_requested_yuan: Decimal | None = None,
    data: Mapping[str, Any] | None = None,
    officer: User | None = None,
    bureau_contact: User | None = None,
    notes: str = "",
    duplicate_message: str = "",
    model: type[Application] = Application,
    via: str = "web",
) -> Application:
    """Open an application at its workflow's first stage, with the opening event.

    An enterprise's application names the `enterprise`; one of a person or an institute
    (a commissioner recommended, a talent, a carrier applying for recognition) names
    no enterprise but its `region` (which scopes it) and its `applicant`."""
    wf = workflow.get(programme)
    applicant = applicant.strip()[:100]
    if enterprise is None:
        if region is None:
            raise invalid("region", "所属区域", "不能为空")
        if not applicant:
            raise invalid("applicant", "申报人（单位）", "不能为空")
    else:
        region, applicant = None, ""
    require(permissions.can_open(actor, wf, enterprise, region))
    if officer is None and role_of(actor) == "officer":
        officer = actor
    party = enterprise.name if enterprise is not None else applicant
    message = duplicate_message or f"“{party}”的该项申报已存在"
    with transaction.atomic():
        # Lock the enterprise (or the region) so that two users opening the same
        # application at once are serialised and the second one is told, not given a
        # database error.
        if enterprise is not None:
            Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
            same = Application.objects.filter(programme=programme, enterprise=enterprise)
        else:
            assert region is not None
            Region.objects.select_for_update().filter(pk=region.pk).first()
            same = Application.objects.filter(
                programme=programme, enterprise__isnull=True, region=region
            )
        if unique_key and same.filter(unique_key=unique_key).exists():
            raise invalid("year", "申报年度", message)
        app = model(
            programme=programme,
            enterprise=enterprise,
            region=region,
            applicant=applicant,
            year=year,
            kind=kind,
            stage=wf.initial,
            unique_key=unique_key,
            call=call,
            title=title[:200],
            amount_requested_yuan=amount_requested_yuan,
            data=dict(data or {}),
            officer=officer,
            bureau_contact=bureau_contact,
            notes=notes,
        )
        try:
            with transaction.atomic():
                app.save()
        except IntegrityError:
            raise invalid("year", "申报年度", message) from None
        Event.objects.create(
            application=app,
            stage=wf.initial,
            on=on,
            by=actor,
            by_name=_actor_name(actor),
            note="建立",
        )
        _log(actor, "create", app, via=via)
    return app


def application_record(
    *,
    actor: Any,
    programme: str,
    stage: str,
    on: dt.date,
    opened_on: dt.date | None = None,
    note: str = "直接登记",
    **fields: Any,
) -> Application:
    """An application decided outside the workflow and recorded directly (the record it
    would have produced is entered by hand or from a sheet): opened as
    `application_open` opens it (role, scope, uniqueness; `fields` are its arguments),
    then put at `stage` on `on` with an event saying so — who and when it was recorded
    — in the caller's transaction. The hooks of `stage` do not run: what they would
    record is the caller's record."""
    wf = workflow.get(programme)
    if stage not in {s.key for s in wf.stages}:
        raise invalid("stage", "环节", f"“{stage}”不是{wf.label}的环节")
    with transaction.atomic():
        app = application_open(actor=actor, programme=programme, on=opened_on or on, **fields)
        if stage == wf.initial:
            return app
        recorded = f"{note}（{_actor_name(actor)}于{periods.today():%Y-%m-%d}登记）"
        _moved(actor, wf, app, wf.initial, stage, on, recorded, fields.get("via", "web"))
    return app


def _moved(
    actor: Any, wf: Workflow, app: Application, frm: str, to: str, on: dt.date, note: str, via: str
) -> None:
    """Write one move of a locked application: its stage and version, the event and the
    audit entry (the checks, guards and hooks are the caller's)."""
    before = snapshot(app)
    app.stage = to
    app.version += 1
    app.save(update_fields=["stage", "version", "updated_at"])
    Event.objects.create(
        application=app,
        from_stage=frm,
        stage=to,
        on=on,
        by=actor,
        by_name=_actor_name(actor),
        note=note[:300],
    )
    _log(
        actor,
        "transition",
        app,
        before,
        f"{wf.label_of(frm)} → {wf.label_of(to)} {note}".strip(),
        via,
    )


def _can_work_on(actor: Any, wf: Workflow, application: Application) -> tuple[bool, str]:
    if application.enterprise_id is None:
        return permissions.can_work_on(actor, wf, None, application.region)
    return permissions.can_work_on(actor, wf, application.enterprise)


def _region_of(application: Application) -> Region:
    """Where an application belongs: its enterprise's region, else its own."""
    if application.enterprise_id is not None:
        return application.enterprise.region
    assert application.region is not None
    return application.region


def _locked(application: Application) -> Application:
    """The application re-read under a row lock, as its own (proxy) class."""
    fresh = type(application).objects.select_for_update().get(pk=application.pk)
    if fresh.enterprise_id == application.enterprise_id and "enterprise" in (
        application._state.fields_cache
    ):
        # An application never changes enterprise: reuse the one already read (the audit
        # entry names it), rather than one more query per move.
        fresh.enterprise = application.enterprise
    return fresh


def application_transition(
    *,
    actor: Any,
    application: Application,
    to: str,
    on: dt.date,
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Application:
    """Move an application along its workflow: role and scope, the workflow's own
    rule and guards, dates that do not go backwards; then the event, the audit and the
    hooks of the new stage, all in one transaction under a row lock.

    `expected_stage` is the stage the user saw; if another user moved the application
    meanwhile the move is refused as a conflict instead of silently made."""
    return application_walk(
        actor=actor,
        application=application,
        steps=[(to, on)],
        note=note,
        expected_stage=expected_stage,
        via=via,
    )


def application_walk(
    *,
    actor: Any,
    application: Application,
    steps: Sequence[tuple[str, dt.date]],
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Application:
    """Move an application through `steps` (stage, date) in turn, each exactly as
    `application_transition` moves it (the workflow's rule and guards, a date not
    before the last event's, then the event, the audit entry and the hooks of the new
    stage), in one transaction under one row lock: all of them or none. The row is read
    once rather than once per step, and read again only after hooks ran (a hook may
    write it). `expected_stage` is checked before the first step."""
    wf = workflow.get(application.programme)
    require(_can_work_on(actor, wf, application))
    role = role_of(actor)
    with transaction.atomic():
        app = _locked(application)
        if expected_stage is not None and app.stage != expected_stage:
            raise Conflict(f"该申报已被他人办理至“{wf.label_of(app.stage)}”环节，请刷新后重试")
        last = app.events.order_by("-on", "-id").values_list("on", "stage").first()
        for n, (to, on) in enumerate(steps, start=1):
            require(wf.check(app.stage, to, role))
            if last is not None and on < last[0]:
                raise invalid(
                    "on", "日期", f"早于上一环节“{wf.label_of(last[1])}”的日期{last[0].isoformat()}"
                )
            move = Move(
                actor=actor, application=app, frm=app.stage, to=to, on=on, note=note, via=via
            )
            for guard in wf.guards:
                require(guard(move))
            _moved(actor, wf, app, move.frm, to, on, note, via)
            # The event just written is the last one: its date is not before the others'.
            last = (on, to)
            hooks = wf.on_enter.get(to, ())
            for hook in hooks:
                hook(move)
            if hooks and n < len(steps):
                app = _locked(app)
                last = app.events.order_by("-on", "-id").values_list("on", "stage").first()
    application.stage, application.version = app.stage, app.version
    return app


def application_update(
    *,
    actor: Any,
    application: Application,
    officer: User | None = None,
    bureau_contact: User | None = None,
    notes: str | None = None,
    via: str = "web",
) -> Application:
    """Change who looks after an application and its notes."""
    wf = workflow.get(application.programme)
    require(_can_work_on(actor, wf, application))
    where = _region_of(application)
    if officer is not None and role_of(officer) != "officer":
        raise invalid("officer", "园区/乡镇责任人", f"{officer}不是园区或乡镇的人员")
    if officer is not None and not in_region(where, officer.region):
        raise invalid("officer", "园区/乡镇责任人", f"{officer}不是“{where.name}”的人员")
    if bureau_contact is not None and not (
        is_bureau(bureau_contact) and covers(bureau_contact, where)
    ):
        raise invalid("bureau_contact", "科技局联系人", f"{bureau_contact}不是科技局人员")
    with transaction.atomic():
        app = _locked(application)
        before = snapshot(app)
        changed: list[str] = []
        if officer is not None:
            app.officer, changed = officer, [*changed, "officer"]
        if bureau_contact is not None:
            app.bureau_contact, changed = bureau_contact, [*changed, "bureau_contact"]
        if notes is not None:
            app.notes, changed = notes, [*changed, "notes"]
        if changed:
            app.version += 1
            app.save(update_fields=[*changed, "version", "updated_at"])
            _log(actor, "update", app, before, via=via)
    return app


def applications_assign_call(
    *,
    actor: Any,
    applications: Iterable[Application],
    call: Call | None,
    via: str = "web",
) -> list[Application]:
    """Put applications into a call of their programme and year (None takes them out)."""
    apps = list(applications)
    for app in apps:
        wf = workflow.get(app.programme)
        require(_can_work_on(actor, wf, app))
        if call is not None and (app.programme != call.programme or app.year != call.year):
            raise invalid(
                "call",
                "申报批次",
                f"“{app.party_name}”的申报是{app.year}年的，不能编入{call.name}",
            )
        if call is not None and wf.is_final(app.stage):
            raise invalid("call", "申报批次", f"“{app.party_name}”的申报已办结")
    with transaction.atomic():
        for app in apps:
            locked = _locked(app)
            # Checked again on the locked row: another user may have moved it meanwhile.
            if call is not None and workflow.get(locked.programme).is_final(locked.stage):
                raise invalid("call", "申报批次", f"“{app.party_name}”的申报已办结")
            before = snapshot(locked)
            locked.call = call
            locked.save(update_fields=["call", "updated_at"])
            app.call = call
            _log(actor, "update", locked, before, f"编入{call.name}" if call else "移出批次", via)
    return apps


# -- attachments -------------------------------------------------------------------------------


def attachment_add(
    *,
    actor: Any,
    enterprise: Enterprise,
    file: UploadedFile[bytes],
    title: str = "",
    application: Application | None = None,
    via: str = "web",
) -> Attachment:
    """Keep a file with an enterprise (and an application): checked type and size,
    stored under the private media root."""
    if application is not None and application.enterprise_id is None:
        raise invalid("application", "申报", "个人或单位的申报不上传企业附件")
    if application is not None:
        require(permissions.can_work_on(actor, workflow.get(application.programme), enterprise))
    elif not permissions.in_scope(actor, enterprise):
        raise PermissionDenied(f"“{enterprise.name}”不属于本区域，不能上传附件")
    if application is not None and application.enterprise_id != enterprise.pk:
        raise invalid("application", "申报", "附件所属企业与申报的企业不一致")
    name = file.name or ""
    size = file.size or 0
    if Path(name).suffix.lower() not in ATTACHMENT_EXTENSIONS:
        raise invalid("file", "附件", f"只接受 {'、'.join(ATTACHMENT_EXTENSIONS)} 文件")
    if size > ATTACHMENT_MAX_BYTES:
        raise invalid("file", "附件", f"文件超过{ATTACHMENT_MAX_BYTES // 1024 // 1024}MB")
    if size == 0:
        raise invalid("file", "附件", "文件为空")
    with transaction.atomic():
        doc = Attachment(
            enterprise=enterprise,
            application=application,
            title=(title or Path(name).stem)[:120],
            size=size,
            uploaded_by=actor,
        )
        doc.file.save(Path(name).name, file, save=False)
        doc.save()
        audit_log(
            actor=actor,
            action="create",
            obj=doc,
            enterprise_id=enterprise.pk,
            via=via,
            after={
                **snapshot(doc, ["application_id", "title", "size"]),
                "file": doc.file.name,
            },
        )
    return doc


# -- reviews, 公示, objections, awards ----------------------------------------------------------


def review_add(
    *,
    actor: Any,
    application: Application,
    reviewed_on: dt.date,
    opinion: str,
    score: Decimal | None = None,
    reviewer_name: str = "",
    via: str = "web",
) -> Review:
    require(permissions.can_decide(actor))
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        raise invalid("score", "评分", "应在0–100之间")
    if not opinion.strip() and score is None:
        raise invalid("opinion", "评审意见", "评分和意见不能都为空")
    with transaction.atomic():
        review = Review.objects.create(
            application=application,
            reviewer=actor,
            reviewer_name=(reviewer_name or _actor_name(actor))[:60],
            score=score,
            opinion=opinion.strip(),
            reviewed_on=reviewed_on,
        )
        _log(actor, "create", review, via=via, enterprise_id=application.enterprise_id)
    return review


def publicity_publish(
    *,
    actor: Any,
    programme: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    applications: Iterable[Application],
    summaries: Mapping[int, str] | None = None,
    call: Call | None = None,
    note: str = "",
    via: str = "web",
) -> Publicity:
    """Publish a 公示 of applications (in the given order) with an objection window."""
    require(permissions.can_decide(actor))
    apps = list(applications)
    errors = []
    if not title.strip():
        errors.append(FieldError("title", "公示名称", "不能为空"))
    if ends_on < starts_on:
        errors.append(FieldError("ends_on", "异议截止", "早于公示开始"))
    if not apps:
        errors.append(FieldError("applications", "公示名单", "名单为空"))
    other = [a.party_name for a in apps if a.programme != programme]
    if other:
        errors.append(
            FieldError("applications", "公示名单", f"不属于本项目：{'、'.join(other[:5])}")
        )
    # one pass (a county's whole points list is thousands of applications)
    seen: set[int] = set()
    twice = []
    for a in apps:
        if a.pk in seen:
            twice.append(a.party_name)
        seen.add(a.pk)
    if twice:
        errors.append(FieldError("applications", "公示名单", f"重复列入：{'、'.join(twice[:5])}"))
    if call is not None and call.programme != programme:
        errors.append(FieldError("call", "申报批次", f"“{call}”不是本项目的申报批次"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # the applications, in id order, then the check: two publishes of the same list
        # (a double click, two users) make one 公示, the second is told
        locked = list(
            Application.objects.select_for_update()
            .filter(pk__in=[a.pk for a in apps])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(locked) != len(apps):
            raise Conflict("名单中有申报已被删除，请刷新后重试")
        listed = (
            PublicityEntry.objects.filter(application_id__in=locked)
            .select_related("publicity", "application__enterprise")
            .order_by("application_id")
        )
        if listed:
            names = "、".join(
                f"{e.application.party_name}（{e.publicity.title}）" for e in listed[:5]
            )
            raise Conflict(f"以下申报已在公示中，未重复发布：{names}")
        pub = Publicity.objects.create(
            programme=programme,
            call=call,
            title=title.strip()[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            published_by=actor,
        )
        PublicityEntry.objects.bulk_create(
            [
                PublicityEntry(
                    publicity=pub,
                    application=a,
                    rank=i,
                    summary=(summaries or {}).get(a.pk, "")[:300],
                )
                for i, a in enumerate(apps, start=1)
            ]
        )
        _log(actor, "create", pub, note=f"公示{len(apps)}条", via=via)
    return pub


def publicity_revise(
    *,
    actor: Any,
    publicity: Publicity,
    applications: Iterable[Application],
    summaries: Mapping[int, str] | None = None,
    note: str = "",
    via: str = "web",
) -> int:
    """Re-publish an open 公示 after a correction: its entries take the new order and
    summaries (applications not listed yet are added; entries keep their objections,
    the window stays). Returns the number of entries whose rank or summary changed."""
    require(permissions.can_decide(actor))
    apps = list(applications)
    if not apps:
        raise invalid("applications", "公示名单", "名单为空")
    with transaction.atomic():
        pub = Publicity.objects.select_for_update().get(pk=publicity.pk)
        if pub.status == Publicity.Status.FROZEN:
            raise Conflict(f"公示“{pub.title}”已定稿，不能重新发布")
        other = [a.party_name for a in apps if a.programme != pub.programme]
        if other:
            raise invalid("applications", "公示名单", f"不属于本项目：{'、'.join(other[:5])}")
        entries = {e.application_id: e for e in PublicityEntry.objects.filter(publicity=pub)}
        changed: list[PublicityEntry] = []
        added: list[PublicityEntry] = []
        for i, a in enumerate(apps, start=1):
            summary = (summaries or {}).get(a.pk, "")[:300]
            entry = entries.get(a.pk)
            if entry is None:
                added.append(PublicityEntry(publicity=pub, application=a, rank=i, summary=summary))
            elif entry.rank != i or entry.summary != summary:
                entry.rank, entry.summary = i, summary
                changed.append(entry)
        PublicityEntry.objects.bulk_update(changed, ["rank", "summary"], batch_size=500)
        PublicityEntry.objects.bulk_create(added, batch_size=500)
        n = len(changed) + len(added)
        _log(actor, "update", pub, note=f"重新发布：{n}条变更。{note}".strip(), via=via)
    return n


def objection_file(
    *,
    actor: Any,
    entry: PublicityEntry,
    reason: str,
    on: dt.date,
    evidence: Attachment | None = None,
    via: str = "web",
) -> Objection:
    """File an objection to a 公示 entry, within its window."""
    app = entry.application
    if app.enterprise_id is None:
        require(permissions.can_object(actor, None, app.region))
    else:
        require(permissions.can_object(actor, app.enterprise))
    if not reason.strip():
        raise invalid("reason", "异议理由", "不能为空")
    with transaction.atomic():
        # the 公示 locked and re-read, as publicity_freeze locks it: an objection lands
        # before the freeze (which then waits for it to be resolved) or is refused after
        pub = Publicity.objects.select_for_update().get(pk=entry.publicity_id)
        if pub.status == Publicity.Status.FROZEN:
            raise Conflict(f"公示“{pub.title}”已定稿，不再受理异议")
        if not pub.accepts_objections_on(on):
            raise invalid(
                "filed_on",
                "异议",
                f"公示“{pub.title}”的异议期为{pub.starts_on.isoformat()}至{pub.ends_on.isoformat()}，"
                "现不受理",
            )
        obj = Objection.objects.create(
            entry=entry,
            filed_by=actor,
            filed_by_name=_actor_name(actor),
            filed_on=on,
            reason=reason.strip(),
            evidence=evidence,
        )
        _log(actor, "create", obj, via=via, enterprise_id=app.enterprise_id)
    return obj


def objection_resolve(
    *,
    actor: Any,
    objection: Objection,
    upheld: bool,
    resolution: str,
    on: dt.date,
    via: str = "web",
) -> Objection:
    require(permissions.can_decide(actor))
    if not resolution.strip():
        raise invalid("resolution", "处理意见", "不能为空")
    with transaction.atomic():
        obj = Objection.objects.select_for_update().get(pk=objection.pk)
        if obj.status != Objection.Status.OPEN:
            raise Conflict(f"该异议已处理（{obj.get_status_display()}）")
        before = snapshot(obj)
        obj.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        obj.resolution = resolution.strip()
        obj.resolved_by = actor
        obj.resolved_on = on
        obj.save()
        _log(
            actor,
            "update",
            obj,
            before,
            note=obj.get_status_display(),
            via=via,
            enterprise_id=obj.entry.application.enterprise_id,
        )
    return obj


def publicity_freeze(
    *, actor: Any, publicity: Publicity, on: dt.date, via: str = "web"
) -> Publicity:
    """Freeze a 公示 once its window has closed and every objection is resolved."""
    require(permissions.can_decide(actor))
    with transaction.atomic():
        pub = Publicity.objects.select_for_update().get(pk=publicity.pk)
        if pub.status == Publicity.Status.FROZEN:
            raise Conflict("该公示已定稿")
        if on <= pub.ends_on:
            raise invalid(
                "ends_on", "异议截止", f"异议期至{pub.ends_on.isoformat()}，期满后方可定稿"
            )
        pending = Objection.objects.filter(
            entry__publicity=pub, status=Objection.Status.OPEN
        ).count()
        if pending:
            raise invalid("objections", "异议", f"尚有{pending}件异议未处理")
        before = snapshot(pub)
        pub.status = Publicity.Status.FROZEN
        pub.frozen_at = timezone.now()
        pub.save(update_fields=["status", "frozen_at"])
        _log(actor, "update", pub, before, note="定稿", via=via)
    return pub


def _money(raw: Any, label: str) -> Decimal:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise invalid("amount_yuan", label, "应为金额（元）") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise invalid("amount_yuan", label, "应为非负金额，最多两位小数（元）")
    return value


def award_grant(
    *,
    actor: Any,
    application: Application,
    title: str,
    amount_yuan: Any,
    granted_on: dt.date,
    note: str = "",
    via: str = "web",
) -> Award:
    require(permissions.can_decide(actor))
    amount = _money(amount_yuan, "金额")
    if not title.strip():
        raise invalid("title", "名称", "不能为空")
    with transaction.atomic():
        award = Award.objects.create(
            application=application,
            title=title.strip()[:120],
            amount_yuan=amount,
            granted_on=granted_on,
            note=note[:200],
            granted_by=actor,
        )
        _log(actor, "create", award, via=via, enterprise_id=application.enterprise_id)
    return award


def award_pay(*, actor: Any, award: Award, paid_on: dt.date, via: str = "web") -> Award:
    require(permissions.can_decide(actor))
    with transaction.atomic():
        obj = Award.objects.select_for_update().get(pk=award.pk)
        if obj.paid_on is not None:
            raise Conflict(f"该笔资金已于{obj.paid_on.isoformat()}拨付")
        if paid_on < obj.granted_on:
            raise invalid("paid_on", "拨付日期", "早于批准日期")
        before = snapshot(obj)
        obj.paid_on = paid_on
        obj.save(update_fields=["paid_on"])
        _log(
            actor,
            "update",
            obj,
            before,
            note="拨付",
            via=via,
            enterprise_id=obj.application.enterprise_id,
        )
    return obj


# -- tasks and visits --------------------------------------------------------------------------


def task_create(
    *,
    actor: Any,
    title: str,
    region: Region,
    due_on: dt.date,
    owner: User | None = None,
    enterprise: Enterprise | None = None,
    call: Call | None = None,
    application: Application | None = None,
    programme: str = "",
    via: str = "web",
) -> Task:
    require(permissions.can_assign_in(actor, region))
    if enterprise is not None:
        if not permissions.in_scope(actor, enterprise):
            raise PermissionDenied(f"“{enterprise.name}”不属于本区域，不能办理")
        if not in_region(enterprise.region, region):
            raise invalid("enterprise", "企业", f"“{enterprise.name}”不在{region.name}")
    if owner is not None and role_of(owner) == "officer" and not in_region(owner.region, region):
        raise invalid("owner", "责任人", f"{owner}不是{region.name}的人员")
    if not title.strip():
        raise invalid("title", "任务", "不能为空")
    with transaction.atomic():
        task = Task.objects.create(
            programme=programme
            or (call.programme if call else "")
            or (application.programme if application else ""),
            title=title.strip()[:200],
            region=region,
            due_on=due_on,
            owner=owner,
            enterprise=enterprise,
            call=call,
            application=application,
            created_by=actor,
        )
        _log(actor, "create", task, via=via, enterprise_id=enterprise.pk if enterprise else None)
    return task


def task_set_status(*, actor: Any, task: Task, status: str, on: dt.date, via: str = "web") -> Task:
    require(permissions.can_assign_in(actor, task.region))
    if status not in Task.Status.values:
        raise invalid("status", "状态", "应为 进行中、已完成 或 已取消")
    with transaction.atomic():
        obj = Task.objects.select_for_update().get(pk=task.pk)
        before = snapshot(obj)
        obj.status = status
        obj.done_on = on if status == Task.Status.DONE else None
        obj.save(update_fields=["status", "done_on"])
        _log(actor, "update", obj, before, via=via, enterprise_id=obj.enterprise_id)
    task.status, task.done_on = obj.status, obj.done_on
    return obj


def visit_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    visited_on: dt.date,
    summary: str,
    problems: str = "",
    application: Application | None = None,
    via: str = "web",
) -> Visit:
    # Visits are the bureau's, the area officer's and the assigned helper's, on an
    # application too (a helper keeps the ledgers of their firms up to date).
    require(permissions.can_visit(actor, enterprise))
    if application is not None and application.enterprise_id != enterprise.pk:
        raise invalid("application", "相关申报", "不是该企业的申报")
    if not summary.strip():
        raise invalid("summary", "走访情况", "不能为空")
    with transaction.atomic():
        visit = Visit.objects.create(
            enterprise=enterprise,
            application=application,
            visited_on=visited_on,
            visitor=actor,
            visitor_name=_actor_name(actor),
            summary=summary.strip()[:500],
            problems=problems.strip()[:500],
        )
        _log(actor, "create", visit, via=via)
    return visit


def workflow_of(application: Application) -> Workflow:
    return workflow.get(application.programme)

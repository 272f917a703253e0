"""Writes of 产学研对接: the supply side, demands, introductions (on the programme frame),
agreements and their progress, alliances, and the search index. Every service checks
permission first, runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kechuang.core.registry import SearchDocument, search_sources
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES, Enterprise
from kechuang.matching import segment
from kechuang.matching.models import (
    Achievement,
    Agreement,
    Alliance,
    AllianceActivity,
    AllianceMember,
    Demand,
    Expert,
    Institution,
    Introduction,
    Progress,
    SearchEntry,
    TermStat,
)
from kechuang.matching.permissions import (
    can_edit_supply,
    can_mark_not_executed,
    can_work_on_alliances,
    can_work_on_firm,
    require,
)
from kechuang.matching.workflow import PROGRAMME
from kechuang.programmes import services as programme_services

DOMAINS = dict(TECH_DOMAIN_CHOICES)


def _invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def _text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _invalid(field, label, "不能为空")
    if len(text) > max_length:
        raise _invalid(field, label, f"不能超过{max_length}个字")
    return text


def _domain(value: Any) -> str:
    code = str(value or "").strip()
    if code and code not in DOMAINS:
        raise _invalid("domain", "技术领域", f"“{code}”不是高新技术领域代码")
    return code


def _yuan(
    value: Any, field: str, label: str, *, required: bool = False, wan: bool = False
) -> Decimal | None:
    """Yuan from a Decimal, or from text typed in 万元 when `wan` (forms show 万元)."""
    if value is None or str(value).strip() == "":
        if required:
            raise _invalid(field, label, "不能为空")
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _invalid(field, label, f"“{value}”不是金额") from None
    if not amount.is_finite() or amount < 0:
        raise _invalid(field, label, "金额不能为负数")
    if wan:
        amount = amount * 10000
    if amount >= Decimal("1e14"):
        raise _invalid(field, label, "金额过大")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value is None or str(value).strip() == "":
        if required:
            raise _invalid(field, label, "不能为空")
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _invalid(field, label, f"“{value}”不是日期（格式：2021-06-30）") from None


# An agreement's follow-up changes only these: its audit rows name no other record.
STATUS_FIELDS = ("status", "not_executed_reason")


def _log(
    actor: Any,
    action: str,
    obj: Any,
    before: Any = None,
    *,
    enterprise_id: Any = None,
    via: str = "web",
    note: str = "",
    fields: Any = None,
) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj, fields) if action != "delete" else None,
        enterprise_id=enterprise_id,
        via=via,
        note=note,
    )


# -- the search index ---------------------------------------------------------------------


TOTAL = ""  # the TermStat row counting the entries


def _count_terms(kind: str, added: Counter[str]) -> None:
    """Add (or, negative, remove) entries of `kind` to the document frequencies."""
    changes = {t: n for t, n in added.items() if n}
    if not changes:
        return
    rows = list(TermStat.objects.filter(kind=kind, term__in=list(changes)))
    existing = {r.term for r in rows}
    TermStat.objects.bulk_create(
        [TermStat(kind=kind, term=t, df=max(n, 0)) for t, n in changes.items() if t not in existing]
    )
    for r in rows:
        r.df = Greatest(F("df") + changes[r.term], 0)
    TermStat.objects.bulk_update(rows, ["df"])


def _put(kind: str, doc: SearchDocument) -> None:
    terms = segment.indexed(f"{doc.title} {doc.text}")
    old = SearchEntry.objects.filter(kind=kind, ref=doc.ref).values_list("terms", flat=True).first()
    SearchEntry.objects.update_or_create(
        kind=kind,
        ref=doc.ref,
        defaults={
            "title": doc.title[:200],
            "summary": doc.summary[:300],
            "url": doc.url[:200],
            "domain": doc.domain,
            "enterprise_id": doc.enterprise_id,
            "terms": terms,
        },
    )
    change: Counter[str] = Counter(set(terms.split()))
    change.subtract(Counter(set((old or "").split())))
    if old is None:
        change[TOTAL] += 1
    _count_terms(kind, change)


def index_refresh(kind: str, refs: Iterable[int]) -> None:
    """Re-index the records `refs` of `kind` (dropped from the index when gone)."""
    refs = list(refs)
    source = next((s for s in search_sources() if s.kind == kind), None)
    if source is None:
        return
    seen = set()
    for doc in source.documents(refs):
        _put(kind, doc)
        seen.add(doc.ref)
    gone = SearchEntry.objects.filter(kind=kind, ref__in=[r for r in refs if r not in seen])
    change: Counter[str] = Counter()
    for terms in gone.values_list("terms", flat=True):
        change.subtract(Counter(set(terms.split())))
        change[TOTAL] -= 1
    gone.delete()
    _count_terms(kind, change)


def term_stats_rebuild() -> int:
    """Recount the document frequencies from the whole index (after a bulk load)."""
    counts: dict[str, Counter[str]] = {}
    for kind, terms in SearchEntry.objects.values_list("kind", "terms").iterator(chunk_size=5000):
        c = counts.setdefault(kind, Counter())
        c.update(set(terms.split()))
        c[TOTAL] += 1
    with transaction.atomic():
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create(
            [
                TermStat(kind=kind, term=t[:100], df=n)
                for kind, c in counts.items()
                for t, n in c.items()
            ],
            batch_size=5000,
        )
    return sum(len(c) for c in counts.values())


def search_reindex(*, actor: Any = None, batch: int = 2000) -> int:
    """Rebuild the whole index from every `SEARCH` source (this app's and other apps'):
    one transaction, so searches see the old index until the new one is complete."""
    if actor is not None:
        require(can_edit_supply(actor))
    rows: list[SearchEntry] = []
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for source in search_sources():
            for doc in source.documents(None):
                rows.append(
                    SearchEntry(
                        kind=source.kind,
                        ref=doc.ref,
                        title=doc.title[:200],
                        summary=doc.summary[:300],
                        url=doc.url[:200],
                        domain=doc.domain,
                        enterprise_id=doc.enterprise_id,
                        terms=segment.indexed(f"{doc.title} {doc.text}"),
                    )
                )
        SearchEntry.objects.bulk_create(rows, batch_size=batch)
        term_stats_rebuild()
    return len(rows)


# -- the supply side ----------------------------------------------------------------------


def institution_save(
    *, actor: Any, data: Mapping[str, Any], institution: Institution | None = None, via: str = "web"
) -> Institution:
    require(can_edit_supply(actor))
    name = _text(data.get("name"), "name", "名称", max_length=100)
    kind = str(data.get("kind") or "")
    if kind not in Institution.Kind.values:
        raise _invalid("kind", "类型", "请选择高校、科研院所或新型研发机构")
    with transaction.atomic():
        obj = institution or Institution()
        before = snapshot(obj) if obj.pk else None
        obj.name, obj.kind = name, kind
        obj.city = _text(data.get("city"), "city", "所在地", max_length=40, required=False)
        obj.strengths = _text(
            data.get("strengths"), "strengths", "优势学科", max_length=2000, required=False
        )
        obj.contact = _text(
            data.get("contact"), "contact", "联系方式", max_length=100, required=False
        )
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise _invalid("name", "名称", f"“{name}”已在库中") from None
        _log(actor, "update" if before else "create", obj, before, via=via)
        index_refresh("institution", [obj.pk])
    return obj


def expert_save(
    *, actor: Any, data: Mapping[str, Any], expert: Expert | None = None, via: str = "web"
) -> Expert:
    require(can_edit_supply(actor))
    name = _text(data.get("name"), "name", "姓名", max_length=40)
    institution = data.get("institution")
    if not isinstance(institution, Institution):
        raise _invalid("institution", "单位", "请选择专家所在的高校院所")
    fields = _text(data.get("fields"), "fields", "研究方向", max_length=300)
    with transaction.atomic():
        obj = expert or Expert()
        before = snapshot(obj) if obj.pk else None
        obj.name, obj.institution, obj.fields = name, institution, fields
        obj.title = _text(data.get("title"), "title", "职称", max_length=40, required=False)
        obj.domain = _domain(data.get("domain"))
        obj.achievements = _text(
            data.get("achievements"), "achievements", "主要成果", max_length=4000, required=False
        )
        obj.contact = _text(
            data.get("contact"), "contact", "联系方式", max_length=100, required=False
        )
        obj.active = bool(data.get("active", True))
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise _invalid("name", "姓名", f"{institution}已有专家“{name}”") from None
        _log(actor, "update" if before else "create", obj, before, via=via)
        index_refresh("expert", [obj.pk])
    return obj


def achievement_save(
    *, actor: Any, data: Mapping[str, Any], achievement: Achievement | None = None, via: str = "web"
) -> Achievement:
    require(can_edit_supply(actor))
    title = _text(data.get("title"), "title", "成果名称", max_length=120)
    description = _text(data.get("description"), "description", "成果简介", max_length=4000)
    institution = data.get("institution")
    if not isinstance(institution, Institution):
        raise _invalid("institution", "持有单位", "请选择成果持有单位")
    expert = data.get("expert")
    if expert is not None and (
        not isinstance(expert, Expert) or expert.institution_id != institution.pk
    ):
        raise _invalid("expert", "成果负责人", "成果负责人须为持有单位的专家")
    with transaction.atomic():
        obj = achievement or Achievement()
        before = snapshot(obj) if obj.pk else None
        obj.title, obj.description, obj.institution, obj.expert = (
            title,
            description,
            institution,
            expert,
        )
        obj.domain = _domain(data.get("domain"))
        obj.patents = _text(
            data.get("patents"), "patents", "相关专利", max_length=300, required=False
        )
        obj.terms = _text(data.get("terms"), "terms", "转化方式", max_length=200, required=False)
        obj.asking_yuan = _yuan(data.get("asking_yuan"), "asking_yuan", "转让意向价")
        obj.save()
        _log(actor, "update" if before else "create", obj, before, via=via)
        index_refresh("achievement", [obj.pk])
        if expert is not None:
            index_refresh("expert", [expert.pk])
    return obj


# -- demands ----------------------------------------------------------------------------


def demand_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    demand: Demand | None = None,
    on: dt.date,
    via: str = "web",
) -> Demand:
    """Post (or edit) a technology demand: the enterprise for itself, the bureau or the
    area's officer for a firm of their scope."""
    require(can_work_on_firm(actor, enterprise))
    if demand is not None and demand.enterprise_id != enterprise.pk:
        raise NotFound("技术需求不存在或无权查看")
    title = _text(data.get("title"), "title", "需求名称", max_length=120)
    description = _text(data.get("description"), "description", "需求描述", max_length=4000)
    budget = (
        _yuan(data.get("budget_wan"), "budget_wan", "预算（万元）", wan=True)
        if ("budget_wan" in data)
        else _yuan(data.get("budget_yuan"), "budget_yuan", "预算")
    )
    deadline = _date(data.get("deadline_on"), "deadline_on", "期望解决日期", required=False)
    status = str(data.get("status") or Demand.Status.OPEN)
    if status not in Demand.Status.values:
        raise _invalid("status", "状态", f"“{status}”不是需求状态")
    with transaction.atomic():
        obj = (
            Demand.objects.select_for_update().get(pk=demand.pk)
            if demand
            else Demand(enterprise=enterprise, posted_on=on, posted_by=actor)
        )
        before = snapshot(obj) if obj.pk else None
        obj.title, obj.description, obj.budget_yuan, obj.deadline_on, obj.status = (
            title,
            description,
            budget,
            deadline,
            status,
        )
        obj.domain = _domain(data.get("domain")) or obj.domain or enterprise.tech_domain or ""
        if deadline is not None and deadline < obj.posted_on:
            raise _invalid("deadline_on", "期望解决日期", "不能早于发布日期")
        obj.save()
        _log(
            actor,
            "update" if before else "create",
            obj,
            before,
            enterprise_id=enterprise.pk,
            via=via,
        )
        index_refresh("demand", [obj.pk])
    return obj


# -- introductions ------------------------------------------------------------------------


def introduction_request(
    *, actor: Any, demand: Demand, expert: Expert, on: dt.date, note: str = "", via: str = "web"
) -> Introduction:
    """Ask the bureau to introduce `expert` for `demand`: an `iur_intro` application of
    the demand's enterprise, at its first stage."""
    if not expert.active:
        raise _invalid("expert", "专家", f"{expert.name}已不在专家库中")
    with transaction.atomic():
        if Introduction.objects.filter(
            demand=demand, expert=expert, application__stage__in=["requested", "accepted", "met"]
        ).exists():
            raise _invalid("expert", "专家", f"该需求已在与{expert.name}对接中")
        app = programme_services.application_open(
            actor=actor,
            programme=PROGRAMME,
            enterprise=demand.enterprise,
            year=on.year,
            on=on,
            title=f"{demand.title} ↔ {expert.name}",
            notes=note[:500],
            data={"demand": demand.pk, "expert": expert.pk},
            via=via,
        )
        intro = Introduction.objects.create(application=app, demand=demand, expert=expert)
        if demand.status == Demand.Status.OPEN:
            Demand.objects.filter(pk=demand.pk).update(status=Demand.Status.MATCHING)
    return intro


def introduction_move(
    *,
    actor: Any,
    introduction: Introduction,
    to: str,
    on: dt.date,
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Introduction:
    """The expert's answer (accepted/declined), the meeting (met, with its note), or the
    end without an agreement (closed). An agreement is `agreement_sign`."""
    if to == "agreed":
        raise _invalid("to", "环节", "签订协议请填写协议信息")
    with transaction.atomic():
        programme_services.application_transition(
            actor=actor,
            application=introduction.application,
            to=to,
            on=on,
            note=note,
            expected_stage=expected_stage,
            via=via,
        )
        if to == "met":
            Introduction.objects.filter(pk=introduction.pk).update(
                met_on=on, meeting_note=note[:300]
            )
            introduction.met_on, introduction.meeting_note = on, note[:300]
    return introduction


def agreement_sign(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    introduction: Introduction | None = None,
    expected_stage: str | None = None,
    via: str = "web",
) -> Agreement:
    """Record a cooperation agreement (parties, amount, signed on, content). From an
    introduction at 已会面洽谈 it also moves the introduction to 已签订协议, in the same
    transaction."""
    require(can_work_on_firm(actor, enterprise))
    title = _text(data.get("title"), "title", "协议名称", max_length=120)
    content = _text(data.get("content"), "content", "合作内容", max_length=4000)
    amount = (
        _yuan(data.get("amount_wan"), "amount_wan", "合同金额（万元）", required=True, wan=True)
        if "amount_wan" in data
        else _yuan(data.get("amount_yuan"), "amount_yuan", "合同金额", required=True)
    )
    signed_on = _date(data.get("signed_on"), "signed_on", "签订日期")
    assert signed_on is not None and amount is not None
    expert = data.get("expert")
    institution = data.get("institution")
    if introduction is not None:
        if introduction.application.enterprise_id != enterprise.pk:
            raise NotFound("对接引荐不存在或无权查看")
        expert = introduction.expert
        institution = expert.institution
    if isinstance(expert, Expert) and institution is None:
        institution = expert.institution
    if not isinstance(institution, Institution):
        raise _invalid("institution", "合作单位", "请选择合作的高校院所")
    if isinstance(expert, Expert) and expert.institution_id != institution.pk:
        raise _invalid("expert", "合作专家", f"{expert.name}不属于{institution}")
    with transaction.atomic():
        if introduction is not None:
            if Agreement.objects.filter(introduction=introduction).exists():
                raise Conflict("该引荐已签订协议")
            programme_services.application_transition(
                actor=actor,
                application=introduction.application,
                to="agreed",
                on=signed_on,
                note=f"签订《{title}》",
                expected_stage=expected_stage,
                via=via,
            )
        obj = Agreement.objects.create(
            enterprise=enterprise,
            institution=institution,
            expert=expert if isinstance(expert, Expert) else None,
            introduction=introduction,
            title=title,
            content=content,
            amount_yuan=amount,
            signed_on=signed_on,
        )
        _log(actor, "create", obj, enterprise_id=enterprise.pk, via=via)
        if introduction is not None and introduction.demand_id:
            Demand.objects.filter(pk=introduction.demand_id).update(status=Demand.Status.SOLVED)
            index_refresh("demand", [introduction.demand_id])
    return obj


def progress_add(
    *, actor: Any, agreement: Agreement, data: Mapping[str, Any], via: str = "web"
) -> Progress:
    """Follow an agreement past signing: project started, a payment, a result, the
    acceptance. The agreement's status follows (执行中, 已完成)."""
    require(can_work_on_firm(actor, agreement.enterprise))
    kind = str(data.get("kind") or "")
    if kind not in Progress.Kind.values:
        raise _invalid("kind", "进展类型", "请选择项目启动、付款、取得成果、验收完成或其他进展")
    on = _date(data.get("on"), "on", "日期")
    assert on is not None
    amount = (
        _yuan(data.get("amount_wan"), "amount_wan", "付款金额（万元）", wan=True)
        if "amount_wan" in data
        else _yuan(data.get("amount_yuan"), "amount_yuan", "付款金额")
    )
    if kind == Progress.Kind.PAYMENT and not amount:
        raise _invalid("amount_wan", "付款金额（万元）", "付款须填写金额")
    if kind != Progress.Kind.PAYMENT and amount:
        raise _invalid("amount_wan", "付款金额（万元）", "只有付款填写金额")
    note = _text(data.get("note"), "note", "说明", max_length=300, required=False)
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status == Agreement.Status.NOT_EXECUTED:
            raise Conflict("该协议已标记为未执行，不能再登记进展")
        if on < locked.signed_on:
            raise _invalid("on", "日期", f"早于协议签订日期{locked.signed_on.isoformat()}")
        before = snapshot(locked, STATUS_FIELDS)
        row = Progress.objects.create(
            agreement=locked,
            kind=kind,
            on=on,
            amount_yuan=amount,
            note=note,
            by_name=str(getattr(actor, "display_name", "") or actor.get_username()),
        )
        status = (
            Agreement.Status.COMPLETED
            if kind == Progress.Kind.COMPLETED
            else locked.status
            if locked.status == Agreement.Status.COMPLETED
            else Agreement.Status.EXECUTING
        )
        if status != locked.status:
            locked.status = status
            locked.save(update_fields=["status"])
        _log(
            actor,
            "update",
            locked,
            before,
            enterprise_id=locked.enterprise_id,
            via=via,
            note=f"{row.get_kind_display()} {on.isoformat()}",
            fields=STATUS_FIELDS,
        )
    agreement.status = locked.status
    return row


def agreement_not_executed(
    *, actor: Any, agreement: Agreement, reason: str, on: dt.date, via: str = "web"
) -> Agreement:
    """Mark a signed agreement 未执行, with the reason (it stays counted as signed, never
    as 高质量)."""
    require(can_mark_not_executed(actor, agreement.enterprise))
    reason = _text(reason, "reason", "未执行原因", max_length=300)
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status == Agreement.Status.COMPLETED:
            raise Conflict("该协议已验收完成，不能标记为未执行")
        before = snapshot(locked, STATUS_FIELDS)
        locked.status = Agreement.Status.NOT_EXECUTED
        locked.not_executed_reason = f"{on.isoformat()} {reason}"
        locked.save(update_fields=["status", "not_executed_reason"])
        _log(
            actor,
            "update",
            locked,
            before,
            enterprise_id=locked.enterprise_id,
            via=via,
            note="标记未执行",
            fields=STATUS_FIELDS,
        )
    return locked


# -- alliances ---------------------------------------------------------------------------


def alliance_save(
    *, actor: Any, data: Mapping[str, Any], alliance: Alliance | None = None, via: str = "web"
) -> Alliance:
    lead = data.get("lead")
    if not isinstance(lead, Enterprise):
        raise _invalid("lead", "牵头企业", "请选择牵头企业")
    require(can_work_on_alliances(actor, lead))
    name = _text(data.get("name"), "name", "联盟名称", max_length=120)
    institution = data.get("institution")
    if not isinstance(institution, Institution):
        raise _invalid("institution", "共建高校院所", "请选择共建的高校院所")
    founded = _date(data.get("founded_on"), "founded_on", "成立日期")
    assert founded is not None
    with transaction.atomic():
        obj = alliance or Alliance()
        before = snapshot(obj) if obj.pk else None
        obj.name, obj.lead, obj.institution, obj.founded_on = name, lead, institution, founded
        obj.domain = _domain(data.get("domain"))
        obj.purpose = _text(
            data.get("purpose"), "purpose", "合作方向", max_length=300, required=False
        )
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:
            raise _invalid("name", "联盟名称", f"“{name}”已存在") from None
        if before is None:
            AllianceMember.objects.create(alliance=obj, enterprise=lead, joined_on=founded)
            AllianceMember.objects.create(alliance=obj, institution=institution, joined_on=founded)
        _log(actor, "update" if before else "create", obj, before, enterprise_id=lead.pk, via=via)
    return obj


def alliance_member_add(
    *,
    actor: Any,
    alliance: Alliance,
    member: Enterprise | Institution,
    on: dt.date,
    via: str = "web",
) -> AllianceMember:
    require(can_work_on_alliances(actor, alliance.lead))
    if isinstance(member, Enterprise):
        require(can_work_on_alliances(actor, member))
    field = "enterprise" if isinstance(member, Enterprise) else "institution"
    with transaction.atomic():
        if AllianceMember.objects.filter(alliance=alliance, **{field: member}).exists():
            raise _invalid(field, "成员", f"“{member}”已是联盟成员")
        row = AllianceMember.objects.create(alliance=alliance, joined_on=on, **{field: member})
        _log(actor, "create", row, enterprise_id=alliance.lead_id, via=via)
    return row


def alliance_member_remove(*, actor: Any, member: AllianceMember, via: str = "web") -> None:
    """A member leaves the alliance; the lead firm and the co-founding institution stay."""
    alliance = member.alliance
    require(can_work_on_alliances(actor, alliance.lead))
    if member.enterprise_id is not None:
        require(can_work_on_alliances(actor, member.enterprise))
    if member.enterprise_id == alliance.lead_id or member.institution_id == alliance.institution_id:
        raise _invalid("member", "成员", f"“{member}”是联盟的牵头企业或共建院所，不能移除")
    with transaction.atomic():
        before = snapshot(member)
        pk = member.pk
        member.delete()
        member.pk = pk
        _log(actor, "delete", member, before, enterprise_id=alliance.lead_id, via=via)


def alliance_activity_add(
    *, actor: Any, alliance: Alliance, data: Mapping[str, Any], via: str = "web"
) -> AllianceActivity:
    require(can_work_on_alliances(actor, alliance.lead))
    on = _date(data.get("on"), "on", "日期")
    assert on is not None
    if on < alliance.founded_on:
        raise _invalid("on", "日期", f"早于联盟成立日期{alliance.founded_on.isoformat()}")
    with transaction.atomic():
        row = AllianceActivity.objects.create(
            alliance=alliance,
            on=on,
            title=_text(data.get("title"), "title", "活动", max_length=120),
            note=_text(data.get("note"), "note", "成效", max_length=300, required=False),
        )
        _log(actor, "create", row, enterprise_id=alliance.lead_id, via=via)
    return row

"""Writes of platforms, projects, talent and commissioners. Keyword-only arguments and
an `actor`; each checks permission, validates every field (Chinese messages naming the
field), runs in one transaction and writes the audit log. Science-plan projects go
through the programme frame (`application_open`, `application_transition`,
`award_grant`, `award_pay`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, role_of
from kechuang.core.audit import audit_bulk, audit_log, build_entry, snapshot
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.registry import search_records_changed
from kechuang.enterprises.models import Enterprise
from kechuang.platforms.models import (
    LEVELS,
    Campaign,
    CampaignEntry,
    Carrier,
    Commissioner,
    IncubatedProject,
    PlanProject,
    RdInstitution,
    Review,
    ServiceRecord,
    Talent,
)
from kechuang.platforms.workflow import PROGRAMME, RECOGNITION, RECOMMENDATION, TALENT
from kechuang.programmes import services as frame
from kechuang.programmes.models import Application, Attachment, Event, Publicity
from kechuang.programmes.models import Review as ProgrammeReview
from kechuang.programmes.permissions import in_scope
from kechuang.programmes.workflow import Move

LEVEL_KEYS = {k for k, _ in LEVELS}
PLAN_LEVELS = [("national", "国家级"), ("provincial", "省级"), ("city", "市级")]
REVIEW_CYCLE_DAYS = 365


# -- permissions -------------------------------------------------------------------------


def can_manage(actor: Any) -> tuple[bool, str]:
    """Lists and records of an area: the bureau and the town/park officers."""
    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "只有科技局和园区/乡镇用户可以办理"


def can_decide(actor: Any) -> tuple[bool, str]:
    if role_of(actor) == "staff":
        return True, ""
    return False, "只有科技局可以办理"


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _firm_in_scope(actor: Any, enterprise: Enterprise) -> None:
    if not in_scope(actor, enterprise):
        raise PermissionDenied(f"“{enterprise.name}”不属于本区域，不能办理")


def _region_in_scope(actor: Any, region: Region) -> None:
    if not covers(actor, region):
        raise PermissionDenied(f"“{region.name}”不属于本区域，不能办理")


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


def _invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


class _Check:
    """Collects field errors; raises them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, label: str, message: str) -> None:
        self.errors.append(FieldError(field, label, message))

    def text(
        self,
        data: Mapping[str, Any],
        field: str,
        label: str,
        max_length: int,
        required: bool = True,
    ) -> str:
        value = str(data.get(field) or "").strip()
        if required and not value:
            self.add(field, label, "不能为空")
        elif len(value) > max_length:
            self.add(field, label, f"不能超过{max_length}个字")
        return value

    def choice(
        self, data: Mapping[str, Any], field: str, label: str, choices: Iterable[tuple[str, str]]
    ) -> str:
        pairs = list(choices)
        value = str(data.get(field) or "").strip()
        by_label = {lab: key for key, lab in pairs}
        if value in by_label:
            return by_label[value]
        if value not in {k for k, _ in pairs}:
            self.add(field, label, f"应为 {'、'.join(lab for _, lab in pairs)} 之一")
        return value

    def date(
        self, data: Mapping[str, Any], field: str, label: str, required: bool = True
    ) -> dt.date | None:
        value = data.get(field)
        if value is None or value == "":
            if required:
                self.add(field, label, "不能为空")
            return None
        if not isinstance(value, dt.date):
            self.add(field, label, "应为日期（如 2020-06-30）")
            return None
        if not 1990 <= value.year <= 2100:
            self.add(field, label, "日期超出范围")
            return None
        return value

    def year(self, data: Mapping[str, Any], field: str, label: str) -> int:
        value = data.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 2000 <= value <= 2100:
            self.add(field, label, "应为2000–2100的年份")
            return 0
        return value

    def done(self) -> None:
        if len(self.errors) == 1:
            e = self.errors[0]
            raise ValidationFailed(self.errors, f"{e.label}：{e.message}")
        if self.errors:
            raise ValidationFailed(self.errors)


def _host(
    check: _Check, data: Mapping[str, Any], actor: Any
) -> tuple[Enterprise | None, Carrier | None]:
    enterprise, carrier = data.get("enterprise"), data.get("carrier")
    if (enterprise is None) == (carrier is None):
        check.add("enterprise", "依托单位", "应为一家企业或一个研发载体（二者选一）")
        return None, None
    if enterprise is not None:
        _firm_in_scope(actor, enterprise)
    if carrier is not None:
        _region_in_scope(actor, carrier.region)
    return enterprise, carrier


# -- records entered directly get their application (平台认定 / 人才计划 / 特派员推荐) ------
#
# An institution, a carrier, a talent or a commissioner on the roll recorded by hand or
# from a sheet was decided outside the workflow; it still gets its application, at the
# decided stage with an event saying it was recorded directly (`frame.application_record`),
# in the same transaction — as migrated and demo records have theirs. Indicators count
# the records, never these applications, so nothing is counted twice.


def _no_pending(programme: str, party: dict[str, Any], key: str, name: str) -> None:
    """Refuse a record whose application (same party and key) is already under way:
    the bureau decides that application instead."""
    found = (
        Application.objects.filter(programme=programme, unique_key=key, **party)
        .only("stage", "programme")
        .first()
    )
    if found is not None:
        raise _invalid(
            "name",
            "名称",
            f"“{name}”已有申报（{found.stage_label}），请在该申报中办理，不必直接登记",
        )


def _record_institution(actor: Any, inst: RdInstitution, via: str) -> None:
    if inst.application_id is not None:
        return
    carrier = inst.carrier
    key = f"institution:{inst.name}"[:40]
    party: dict[str, Any] = (
        {"enterprise": inst.enterprise}
        if carrier is None
        else {"enterprise__isnull": True, "region": carrier.region}
    )
    _no_pending(RECOGNITION, party, key, inst.name)
    inst.application = frame.application_record(
        actor=actor,
        programme=RECOGNITION,
        stage="recognised",
        on=inst.approved_on,
        enterprise=inst.enterprise,
        region=carrier.region if carrier is not None else None,
        applicant=carrier.name if carrier is not None else "",
        year=inst.approved_on.year,
        kind="institution",
        unique_key=key,
        title=inst.name,
        data={"kind": inst.kind, "level": inst.level, "carrier": inst.carrier_id, "operator": ""},
        via=via,
    )
    inst.save(update_fields=["application"])


def _record_carrier(actor: Any, carrier: Carrier, via: str) -> None:
    if carrier.application_id is not None:
        return
    key = f"carrier:{carrier.name}"[:40]
    _no_pending(
        RECOGNITION, {"enterprise__isnull": True, "region": carrier.region}, key, carrier.name
    )
    carrier.application = frame.application_record(
        actor=actor,
        programme=RECOGNITION,
        stage="recognised",
        on=carrier.recognised_on,
        region=carrier.region,
        applicant=carrier.operator,
        year=carrier.recognised_on.year,
        kind="carrier",
        unique_key=key,
        title=carrier.name,
        data={
            "kind": carrier.kind,
            "level": carrier.level,
            "carrier": None,
            "operator": carrier.operator,
        },
        via=via,
    )
    carrier.save(update_fields=["application"])


def _record_talent(actor: Any, talent: Talent, via: str) -> None:
    if talent.application_id is not None:
        return
    from kechuang.core import periods

    on = min(periods.today(), dt.date(talent.year, 12, 31))
    carrier = talent.carrier
    talent.application = frame.application_record(
        actor=actor,
        programme=TALENT,
        stage="selected",
        on=on,
        enterprise=talent.enterprise,
        region=carrier.region if carrier is not None else None,
        applicant=talent.name,
        year=talent.year,
        kind=talent.programme,
        # as migration 0003 keys existing talent: one per record
        unique_key=f"{talent.programme}:{talent.year}:{talent.name}:{talent.pk}"[:40],
        title=f"{talent.name}（{talent.get_programme_display()}）",
        data={"name": talent.name, "field": talent.field, "carrier": talent.carrier_id},
        via=via,
    )
    talent.save(update_fields=["application"])


def _record_commissioner(actor: Any, c: Commissioner, via: str) -> None:
    if c.recommendation_id is not None:
        return
    on = c.registered_on or c.recommended_on
    assert on is not None
    c.recommendation = frame.application_record(
        actor=actor,
        programme=RECOMMENDATION,
        stage="accepted",
        on=on,
        region=c.region,
        applicant=f"{c.name}（{c.institution}）",
        year=on.year,
        unique_key=f"commissioner:{c.pk}",
        title=f"推荐科技特派员：{c.name}",
        data={"commissioner": c.pk, "expertise": c.expertise},
        via=via,
    )
    c.save(update_fields=["recommendation"])


# -- R&D institutions --------------------------------------------------------------------


def institution_save(
    *,
    actor: Any,
    data: Mapping[str, Any],
    institution: RdInstitution | None = None,
    via: str = "web",
) -> RdInstitution:
    """Record (or correct) an R&D institution: name, kind, level, host, approval date."""
    _require(can_manage(actor))
    check = _Check()
    name = check.text(data, "name", "名称", 120)
    kind = check.choice(data, "kind", "类型", RdInstitution.Kind.choices)
    level = check.choice(data, "level", "级别", LEVELS)
    enterprise, carrier = _host(check, data, actor)
    approved_on = check.date(data, "approved_on", "获批日期")
    next_review_on = check.date(data, "next_review_on", "下次绩效考评", required=False)
    document = check.text(data, "document", "批准文号", 80, required=False)
    if approved_on and next_review_on and next_review_on <= approved_on:
        check.add("next_review_on", "下次绩效考评", "应晚于获批日期")
    check.done()
    with transaction.atomic():
        clash = RdInstitution.objects.filter(
            name=name, enterprise=enterprise, carrier=carrier, kind=kind
        )
        if institution is not None:
            clash = clash.exclude(pk=institution.pk)
        if clash.exists():
            raise _invalid("name", "名称", f"“{name}”已登记")
        before = snapshot(institution) if institution else None
        obj = institution or RdInstitution()
        obj.name, obj.kind, obj.level = name, kind, level
        obj.enterprise, obj.carrier = enterprise, carrier
        assert approved_on is not None
        obj.approved_on, obj.document = approved_on, document
        obj.next_review_on = next_review_on
        obj.save()
        _log(actor, "update" if institution else "create", obj, before, via=via)
        _record_institution(actor, obj, via)
    return obj


def review_record(
    *,
    actor: Any,
    institution: RdInstitution,
    year: int,
    grade: str,
    reviewed_on: dt.date | None,
    note: str = "",
    via: str = "web",
) -> Review:
    """The yearly performance review (绩效考评) of an institution, by the bureau; the
    next review falls a year after this one (its reminder on the 待办 page)."""
    _require(can_decide(actor))
    check = _Check()
    y = check.year({"year": year}, "year", "考评年度")
    g = check.choice({"grade": grade}, "grade", "考评结果", Review.Grade.choices)
    on = check.date({"on": reviewed_on}, "on", "考评日期")
    if on and on < institution.approved_on:
        check.add("on", "考评日期", f"早于获批日期{institution.approved_on.isoformat()}")
    if y and y < institution.approved_on.year:
        check.add("year", "考评年度", f"早于获批年度{institution.approved_on.year}")
    check.done()
    assert on is not None
    with transaction.atomic():
        inst = RdInstitution.objects.select_for_update().get(pk=institution.pk)
        if Review.objects.filter(institution=inst, year=y).exists():
            raise _invalid("year", "考评年度", f"{y}年度已有考评结果")
        review = Review.objects.create(
            institution=inst, year=y, grade=g, reviewed_on=on, note=note.strip()[:200]
        )
        before = snapshot(inst)
        inst.next_review_on = on + dt.timedelta(days=REVIEW_CYCLE_DAYS)
        inst.save(update_fields=["next_review_on"])
        audit_log(
            actor=actor,
            action="create",
            obj=review,
            after=snapshot(review),
            enterprise_id=inst.enterprise_id,
            via=via,
            note=f"{inst.name} {y}年度考评：{review.get_grade_display()}",
        )
        _log(actor, "update", inst, before, note="下次考评日期", via=via)
    institution.next_review_on = inst.next_review_on
    return review


# -- carriers, incubated projects --------------------------------------------------------


def carrier_save(
    *, actor: Any, data: Mapping[str, Any], carrier: Carrier | None = None, via: str = "web"
) -> Carrier:
    _require(can_decide(actor))
    check = _Check()
    name = check.text(data, "name", "名称", 100)
    kind = check.choice(data, "kind", "类型", Carrier.Kind.choices)
    level = check.choice(data, "level", "级别", LEVELS)
    operator = check.text(data, "operator", "运营主体", 100)
    recognised_on = check.date(data, "recognised_on", "认定日期")
    region = data.get("region")
    if not isinstance(region, Region):
        check.add("region", "所在区域", "不能为空")
    check.done()
    assert isinstance(region, Region) and recognised_on is not None
    _region_in_scope(actor, region)
    with transaction.atomic():
        clash = Carrier.objects.filter(name=name)
        if carrier is not None:
            clash = clash.exclude(pk=carrier.pk)
        if clash.exists():
            raise _invalid("name", "名称", f"“{name}”已登记")
        before = snapshot(carrier) if carrier else None
        obj = carrier or Carrier()
        obj.name, obj.kind, obj.level, obj.operator = name, kind, level, operator
        obj.region, obj.recognised_on = region, recognised_on
        obj.note = str(data.get("note") or "")[:200]
        obj.save()
        _log(actor, "update" if carrier else "create", obj, before, via=via)
        _record_carrier(actor, obj, via)
    return obj


def incubated_save(
    *,
    actor: Any,
    carrier: Carrier,
    data: Mapping[str, Any],
    project: IncubatedProject | None = None,
    via: str = "web",
) -> IncubatedProject:
    """An incubated project entering a carrier (or its graduation, a correction)."""
    _require(can_manage(actor))
    _region_in_scope(actor, carrier.region)
    check = _Check()
    name = check.text(data, "name", "项目名称", 120)
    field = check.text(data, "field", "领域", 40)
    leader = check.text(data, "leader", "负责人", 40)
    talent = check.choice(data, "talent_category", "人才类别", IncubatedProject.Talent.choices)
    entered_on = check.date(data, "entered_on", "入驻日期")
    status = check.choice(
        {"status": data.get("status") or "incubating"},
        "status",
        "状态",
        IncubatedProject.Status.choices,
    )
    graduated_on = check.date(data, "graduated_on", "毕业日期", required=False)
    if status == "graduated" and graduated_on is None:
        check.add("graduated_on", "毕业日期", "已毕业的项目应填写毕业日期")
    if status != "graduated" and graduated_on is not None:
        check.add("graduated_on", "毕业日期", "只有已毕业的项目填写毕业日期")
    if entered_on and graduated_on and graduated_on < entered_on:
        check.add("graduated_on", "毕业日期", "早于入驻日期")
    if entered_on and entered_on < carrier.recognised_on - dt.timedelta(days=3 * 365):
        check.add("entered_on", "入驻日期", "早于载体成立")
    check.done()
    with transaction.atomic():
        clash = IncubatedProject.objects.filter(carrier=carrier, name=name)
        if project is not None:
            clash = clash.exclude(pk=project.pk)
        if clash.exists():
            raise _invalid("name", "项目名称", f"“{name}”已在{carrier.name}登记")
        before = snapshot(project) if project else None
        obj = project or IncubatedProject(carrier=carrier)
        obj.name, obj.field, obj.leader, obj.talent_category = name, field, leader, talent
        assert entered_on is not None
        obj.entered_on, obj.status, obj.graduated_on = entered_on, status, graduated_on
        obj.save()
        _log(actor, "update" if project else "create", obj, before, via=via)
    return obj


# -- talent -------------------------------------------------------------------------------


def talent_save(
    *, actor: Any, data: Mapping[str, Any], talent: Talent | None = None, via: str = "web"
) -> Talent:
    """A person selected for (or brought in by) a talent programme in a year."""
    _require(can_manage(actor))
    check = _Check()
    name = check.text(data, "name", "姓名", 40)
    programme = check.choice(data, "programme", "人才计划", Talent.Programme.choices)
    year = check.year(data, "year", "入选（引进）年度")
    field = check.text(data, "field", "专业领域", 40, required=False)
    enterprise, carrier = _host(check, data, actor)
    check.done()
    with transaction.atomic():
        clash = Talent.objects.filter(
            name=name, programme=programme, year=year, enterprise=enterprise, carrier=carrier
        )
        if talent is not None:
            clash = clash.exclude(pk=talent.pk)
        if clash.exists():
            raise _invalid("name", "姓名", f"{name} 已登记为{year}年该人才计划")
        before = snapshot(talent) if talent else None
        obj = talent or Talent()
        obj.name, obj.programme, obj.year, obj.field = name, programme, year, field
        obj.enterprise, obj.carrier = enterprise, carrier
        obj.save()
        _log(actor, "update" if talent else "create", obj, before, via=via)
        _record_talent(actor, obj, via)
    return obj


# -- science-plan projects (the programme frame) --------------------------------------------


def project_open(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: Mapping[str, Any],
    via: str = "web",
) -> PlanProject:
    """An enterprise's application to a national, provincial or city science plan."""
    check = _Check()
    year = check.year(data, "year", "申报年度")
    level = check.choice(data, "level", "级别", PLAN_LEVELS)
    scheme = check.text(data, "scheme", "计划类别", 60)
    title = check.text(data, "title", "项目名称", 200)
    applied_on = check.date(data, "applied_on", "申报日期")
    if year and applied_on and applied_on.year != year:
        check.add("applied_on", "申报日期", f"不在{year}年")
    check.done()
    assert applied_on is not None
    key = f"{year}:{title}"[:40]
    app = frame.application_open(
        actor=actor,
        programme=PROGRAMME,
        enterprise=enterprise,
        year=year,
        on=applied_on,
        kind=level,
        unique_key=key,
        title=title,
        data={"scheme": scheme},
        duplicate_message=f"“{enterprise.name}”{year}年已申报“{title}”",
        model=PlanProject,
        via=via,
    )
    assert isinstance(app, PlanProject)
    return app


def project_fund(
    *,
    actor: Any,
    project: PlanProject,
    amount_yuan: Decimal,
    granted_on: dt.date,
    paid_on: dt.date | None = None,
    via: str = "web",
) -> Any:
    """Funding granted to a project that was approved (立项), and when paid."""
    from kechuang.platforms.workflow import FUNDED_STAGES

    if project.stage not in FUNDED_STAGES:
        raise _invalid(
            "amount_yuan", "资助金额", f"项目处于“{project.stage_label}”，立项后才能登记资助"
        )
    scheme = str(project.data.get("scheme") or "科技计划")
    with transaction.atomic():
        award = frame.award_grant(
            actor=actor,
            application=project,
            title=f"{scheme}资助",
            amount_yuan=amount_yuan,
            granted_on=granted_on,
            via=via,
        )
        if paid_on is not None:
            award = frame.award_pay(actor=actor, award=award, paid_on=paid_on, via=via)
    return award


# -- projects: attachments, reviews, the 立项 公示 (the frame's) -----------------------------


def project_attach(
    *, actor: Any, project: PlanProject, file: Any, title: str = "", via: str = "web"
) -> Attachment:
    """A file kept with a project (申报书、合同、验收材料…): the frame checks the
    type, the size and the scope, and stores it privately."""
    if file is None:
        raise _invalid("file", "附件", "请选择文件")
    return frame.attachment_add(
        actor=actor,
        enterprise=project.enterprise,
        application=project,
        file=file,
        title=title.strip(),
        via=via,
    )


def project_review(
    *,
    actor: Any,
    project: PlanProject,
    reviewed_on: dt.date,
    opinion: str,
    score: Any = None,
    reviewer_name: str = "",
    via: str = "web",
) -> ProgrammeReview:
    """An expert's or the bureau's review of a project: a score (0–100) and an opinion."""
    value: Decimal | None = None
    if score not in (None, ""):
        try:
            value = Decimal(str(score).strip())
        except ArithmeticError:
            raise _invalid("score", "评分", f"“{score}”不是数字") from None
        if not value.is_finite():
            raise _invalid("score", "评分", f"“{score}”不是数字")
    return frame.review_add(
        actor=actor,
        application=project,
        reviewed_on=reviewed_on,
        opinion=opinion,
        score=value,
        reviewer_name=reviewer_name.strip(),
        via=via,
    )


def projects_publish(
    *,
    actor: Any,
    year: int,
    starts_on: dt.date,
    ends_on: dt.date,
    projects: Iterable[PlanProject],
    via: str = "web",
) -> Publicity:
    """Publish the year's 立项 list for 公示 with an objection window: the projects
    given (the bureau's, at 立项 or after), in order."""
    _require(can_decide(actor))
    listed = list(projects)
    late = [p.title for p in listed if p.stage not in ("approved", "midterm", "accepted")]
    if late:
        raise _invalid("applications", "公示名单", f"未立项的项目不能公示：{'、'.join(late[:5])}")
    return frame.publicity_publish(
        actor=actor,
        programme=PROGRAMME,
        title=f"{year}年科技计划项目立项公示",
        starts_on=starts_on,
        ends_on=ends_on,
        applications=listed,
        summaries={
            p.pk: f"{p.enterprise.name}：{p.data.get('scheme', '')}“{p.title}”" for p in listed
        },
        via=via,
    )


# -- tech commissioners -------------------------------------------------------------------


def _commissioner_fields(check: _Check, data: Mapping[str, Any]) -> dict[str, Any]:
    region = data.get("region")
    if not isinstance(region, Region):
        check.add("region", "服务区域", "不能为空")
    return {
        "name": check.text(data, "name", "姓名", 40),
        "institution": check.text(data, "institution", "派出单位", 80),
        "expertise": check.text(data, "expertise", "专业领域", 80),
        "phone": check.text(data, "phone", "联系电话", 20, required=False),
        "region": region,
    }


def _unique_person(values: Mapping[str, Any], exclude: int | None = None) -> None:
    clash = Commissioner.objects.filter(name=values["name"], institution=values["institution"])
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise _invalid("name", "姓名", f"{values['institution']}的{values['name']}已登记")


def commissioner_register(
    *, actor: Any, data: Mapping[str, Any], registered_on: dt.date, via: str = "web"
) -> Commissioner:
    """A commissioner on the roll (在册), e.g. from the province's list."""
    _require(can_decide(actor))
    check = _Check()
    values = _commissioner_fields(check, data)
    check.done()
    _region_in_scope(actor, values["region"])
    with transaction.atomic():
        _unique_person(values)
        obj = Commissioner.objects.create(
            **values, status=Commissioner.Status.ACTIVE, registered_on=registered_on
        )
        _log(actor, "create", obj, via=via)
        _record_commissioner(actor, obj, via)
        search_records_changed("commissioner", [obj.pk])
    return obj


def commissioner_update(
    *, actor: Any, commissioner: Commissioner, data: Mapping[str, Any], via: str = "web"
) -> Commissioner:
    """Correct a commissioner's name, 派出单位, expertise, phone or area (the bureau)."""
    _require(can_decide(actor))
    _region_in_scope(actor, commissioner.region)
    check = _Check()
    values = _commissioner_fields(check, data)
    check.done()
    _region_in_scope(actor, values["region"])
    with transaction.atomic():
        obj = Commissioner.objects.select_for_update().get(pk=commissioner.pk)
        _unique_person(values, exclude=obj.pk)
        before = snapshot(obj)
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        _log(actor, "update", obj, before, via=via)
        search_records_changed("commissioner", [obj.pk])
    return obj


def commissioner_recommend(
    *, actor: Any, data: Mapping[str, Any], on: dt.date, via: str = "web"
) -> Commissioner:
    """A new commissioner recommended (推荐) by a town/park or the bureau: the
    commissioner (推荐中) and the recommendation, an application of the
    `commissioner_recommendation` workflow scoped by the service area; the bureau then
    accepts (在册) or declines it (`commissioner_decide`)."""
    _require(can_manage(actor))
    check = _Check()
    values = _commissioner_fields(check, data)
    check.done()
    _region_in_scope(actor, values["region"])
    with transaction.atomic():
        _unique_person(values)
        obj = Commissioner.objects.create(
            **values,
            status=Commissioner.Status.RECOMMENDED,
            recommended_on=on,
            recommended_by=actor,
        )
        obj.recommendation = frame.application_open(
            actor=actor,
            programme=RECOMMENDATION,
            region=values["region"],
            applicant=f"{values['name']}（{values['institution']}）",
            year=on.year,
            on=on,
            unique_key=f"commissioner:{obj.pk}",
            title=f"推荐科技特派员：{values['name']}",
            data={"commissioner": obj.pk, "expertise": values["expertise"]},
            via=via,
        )
        obj.save(update_fields=["recommendation"])
        _log(actor, "create", obj, note="推荐", via=via)
    return obj


def commissioner_decide(
    *, actor: Any, commissioner: Commissioner, accept: bool, on: dt.date, via: str = "web"
) -> Commissioner:
    """The bureau's decision on a recommendation: a move of its workflow (推荐通过 /
    推荐未通过); the commissioner's status follows in the move's hook."""
    _require(can_decide(actor))
    app = commissioner.recommendation
    if app is None:
        raise Conflict(f"{commissioner.name}没有待审核的推荐")
    with transaction.atomic():
        frame.application_transition(
            actor=actor,
            application=app,
            to="accepted" if accept else "declined",
            on=on,
            expected_stage="recommended",
            via=via,
        )
    commissioner.refresh_from_db()
    return commissioner


def recommendation_decided(move: Move) -> None:
    """Hook of the recommendation workflow: the commissioner enters the roll (在册)
    or is marked 未通过, inside the move's transaction."""
    obj = Commissioner.objects.select_for_update().filter(recommendation=move.application).first()
    if obj is None:
        raise Conflict("该推荐没有对应的科技特派员")
    if obj.status != Commissioner.Status.RECOMMENDED:
        raise Conflict(f"{obj.name}已是“{obj.get_status_display()}”，不是待审核的推荐")
    before = snapshot(obj)
    if move.to == "accepted":
        obj.status, obj.registered_on = Commissioner.Status.ACTIVE, move.on
    else:
        obj.status = Commissioner.Status.DECLINED
    obj.save(update_fields=["status", "registered_on"])
    note = "推荐通过" if move.to == "accepted" else "推荐未通过"
    _log(move.actor, "update", obj, before, note=note, via=move.via)
    search_records_changed("commissioner", [obj.pk])


# -- 申报认定 and 人才计划 (applications on the frame) ------------------------------------------


def recognition_apply(
    *, actor: Any, data: Mapping[str, Any], on: dt.date, via: str = "web"
) -> Application:
    """申报认定: an enterprise or a carrier applies to have an R&D institution
    recognised (`target` "institution": name, kind, level, host), or an operator a
    research institute or incubator (`target` "carrier": name, kind, level, operator,
    region). Recorded as an application of the `platform_recognition` workflow; the
    institution or carrier itself is recorded when the bureau recognises it."""
    _require(can_manage(actor))
    check = _Check()
    target = str(data.get("target") or "")
    name = check.text(data, "name", "名称", 120 if target == "institution" else 100)
    level = check.choice(data, "level", "级别", LEVELS)
    enterprise: Enterprise | None = None
    carrier: Carrier | None = None
    region: Region | None = None
    operator = ""
    if target == "institution":
        kind = check.choice(data, "kind", "类型", RdInstitution.Kind.choices)
        enterprise, carrier = _host(check, data, actor)
        region = carrier.region if carrier is not None else None
        applicant = carrier.name if carrier is not None else ""
    elif target == "carrier":
        kind = check.choice(data, "kind", "类型", Carrier.Kind.choices)
        operator = check.text(data, "operator", "运营主体", 100)
        found = data.get("region")
        if not isinstance(found, Region):
            check.add("region", "所在区域", "不能为空")
        else:
            region = found
        applicant = operator
    else:
        check.add("target", "认定对象", "应为 研发机构 或 研发载体 之一")
        kind, applicant = "", ""
    check.done()
    if region is not None and enterprise is None:
        _region_in_scope(actor, region)
    if target == "carrier" and Carrier.objects.filter(name=name).exists():
        raise _invalid("name", "名称", f"“{name}”已认定")
    if (
        target == "institution"
        and RdInstitution.objects.filter(
            name=name, kind=kind, enterprise=enterprise, carrier=carrier
        ).exists()
    ):
        raise _invalid("name", "名称", f"“{name}”已认定")
    return frame.application_open(
        actor=actor,
        programme=RECOGNITION,
        enterprise=enterprise,
        region=region,
        applicant=applicant,
        year=on.year,
        on=on,
        kind=target,
        unique_key=f"{target}:{name}"[:40],
        title=name,
        data={
            "kind": kind,
            "level": level,
            "carrier": carrier.pk if carrier is not None else None,
            "operator": operator,
        },
        duplicate_message=f"“{name}”已申报认定",
        via=via,
    )


def recognition_recognised(move: Move) -> None:
    """Hook of 申报认定 on 已认定: the R&D institution or the carrier is recorded,
    recognised on the day of the decision, and keeps its application."""
    app, d = move.application, move.application.data
    if app.kind == "institution":
        host: dict[str, Any] = {"enterprise_id": app.enterprise_id, "carrier_id": d["carrier"]}
        if RdInstitution.objects.filter(name=app.title, kind=d["kind"], **host).exists():
            raise _invalid("name", "名称", f"“{app.title}”已认定")
        inst = RdInstitution.objects.create(
            name=app.title,
            kind=d["kind"],
            level=d["level"],
            enterprise_id=app.enterprise_id,
            carrier_id=d["carrier"],
            approved_on=move.on,
            next_review_on=move.on + dt.timedelta(days=REVIEW_CYCLE_DAYS),
            application=app,
        )
        _log(move.actor, "create", inst, note="认定", via=move.via)
        return
    if Carrier.objects.filter(name=app.title).exists():
        raise _invalid("name", "名称", f"“{app.title}”已认定")
    assert app.region is not None
    carrier = Carrier.objects.create(
        name=app.title,
        kind=d["kind"],
        level=d["level"],
        operator=d["operator"],
        region=app.region,
        recognised_on=move.on,
        application=app,
    )
    _log(move.actor, "create", carrier, note="认定", via=move.via)


def talent_apply(
    *, actor: Any, data: Mapping[str, Any], on: dt.date, via: str = "web"
) -> Application:
    """A person put forward for a talent programme (人才计划申报) of a year, by their
    enterprise or carrier: an application of the `talent_programme` workflow; the
    talent is recorded when selected (入选)."""
    _require(can_manage(actor))
    check = _Check()
    name = check.text(data, "name", "姓名", 40)
    programme = check.choice(data, "programme", "人才计划", Talent.Programme.choices)
    year = check.year(data, "year", "入选（引进）年度")
    field = check.text(data, "field", "专业领域", 40, required=False)
    enterprise, carrier = _host(check, data, actor)
    check.done()
    label = dict(Talent.Programme.choices)[programme]
    return frame.application_open(
        actor=actor,
        programme=TALENT,
        enterprise=enterprise,
        region=carrier.region if carrier is not None else None,
        applicant=name,
        year=year,
        on=on,
        kind=programme,
        unique_key=f"{programme}:{year}:{name}"[:40],
        title=f"{name}（{label}）",
        data={"name": name, "field": field, "carrier": carrier.pk if carrier else None},
        duplicate_message=f"{name}已申报{year}年{label}",
        via=via,
    )


def talent_selected(move: Move) -> None:
    """Hook of 人才计划申报 on 入选: the talent is recorded for the application's year."""
    app, d = move.application, move.application.data
    values = {
        "name": d["name"],
        "programme": app.kind,
        "year": app.year,
        "enterprise_id": app.enterprise_id,
        "carrier_id": d["carrier"],
    }
    if Talent.objects.filter(**values).exists():
        raise _invalid("name", "姓名", f"{d['name']} 已登记为{app.year}年该人才计划")
    talent = Talent.objects.create(**values, field=d.get("field", ""), application=app)
    _log(move.actor, "create", talent, note="入选", via=move.via)


def platform_application_move(
    *,
    actor: Any,
    application: Application,
    to: str,
    on: dt.date,
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Application:
    """A move of a recognition, talent or recommendation application along its
    workflow (the frame checks the role, the scope and the dates)."""
    if application.programme not in (RECOGNITION, TALENT, RECOMMENDATION):
        raise _invalid("programme", "申报", "不是平台认定、人才计划或特派员推荐的申报")
    return frame.application_transition(
        actor=actor,
        application=application,
        to=to,
        on=on,
        note=note,
        expected_stage=expected_stage,
        via=via,
    )


def decided_history(
    *, programme: str, items: list[dict[str, Any]], by_name: str = "存量数据"
) -> list[Application]:
    """Applications decided elsewhere (the demo's records; migration platforms 0003
    gives existing rows the same history): each at its `stage`, with the opening event
    on `on` and, past the first stage, the decision event on `decided_on` (else `on`).
    `items`: enterprise_id or (region_id, applicant), year, stage, kind, title, data,
    on, unique_key."""
    from kechuang.programmes.workflow import get

    wf = get(programme)
    apps = Application.objects.bulk_create(
        [
            Application(
                programme=programme,
                enterprise_id=it.get("enterprise_id"),
                region_id=None if it.get("enterprise_id") else it.get("region_id"),
                applicant="" if it.get("enterprise_id") else str(it.get("applicant", ""))[:100],
                year=it["year"],
                kind=it.get("kind", ""),
                stage=it["stage"],
                unique_key=str(it.get("unique_key", ""))[:40],
                title=str(it.get("title", ""))[:200],
                data=it.get("data", {}),
            )
            for it in items
        ],
        batch_size=500,
    )
    events = []
    for app, it in zip(apps, items, strict=True):
        events.append(
            Event(application=app, stage=wf.initial, on=it["on"], by_name=by_name, note="建立")
        )
        if it["stage"] != wf.initial:
            events.append(
                Event(
                    application=app,
                    from_stage=wf.initial,
                    stage=it["stage"],
                    on=it.get("decided_on") or it["on"],
                    by_name=by_name,
                    note="登记",
                )
            )
    Event.objects.bulk_create(events, batch_size=1000)
    return apps


def service_record(
    *,
    actor: Any,
    commissioner: Commissioner,
    enterprise: Enterprise,
    served_on: dt.date,
    summary: str,
    via: str = "web",
) -> ServiceRecord:
    """A commissioner's service to an enterprise; the enterprise joins those served."""
    _require(can_manage(actor))
    _firm_in_scope(actor, enterprise)
    _region_in_scope(actor, commissioner.region)
    check = _Check()
    text = check.text({"summary": summary}, "summary", "服务内容", 300)
    if commissioner.status != Commissioner.Status.ACTIVE:
        check.add(
            "commissioner",
            "科技特派员",
            f"{commissioner.name}不在册（{commissioner.get_status_display()}）",
        )
    check.done()
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            commissioner=commissioner, enterprise=enterprise, served_on=served_on, summary=text
        )
        commissioner.enterprises.add(enterprise)
        _log(actor, "create", record, via=via)
    return record


# -- the yearly 核实再登记 campaign ---------------------------------------------------------


def campaign_open(
    *,
    actor: Any,
    year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    note: str = "",
    via: str = "web",
) -> Campaign:
    """Open the year's 核实再登记: every commissioner on the roll gets a pending entry."""
    _require(can_decide(actor))
    check = _Check()
    y = check.year({"year": year}, "year", "年度")
    if closes_on < opens_on:
        check.add("closes_on", "截止日期", "早于开始日期")
    check.done()
    region = getattr(actor, "region", None)
    if region is None:
        raise PermissionDenied("核实再登记由县（市、区）科技局开展，请以科技局账号办理")
    with transaction.atomic():
        if Campaign.objects.filter(region=region, year=y).exists():
            raise _invalid("year", "年度", f"{y}年度的核实再登记已开始")
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    region=region, year=y, opens_on=opens_on, closes_on=closes_on, note=note[:200]
                )
        except IntegrityError:
            raise _invalid("year", "年度", f"{y}年度的核实再登记已开始") from None
        roll = Commissioner.objects.filter(status=Commissioner.Status.ACTIVE).in_region(region)
        CampaignEntry.objects.bulk_create(
            [
                CampaignEntry(campaign=campaign, commissioner_id=pk)
                for pk in roll.values_list("pk", flat=True)
            ],
            batch_size=1000,
        )
        _log(actor, "create", campaign, note=f"名单 {roll.count()} 人", via=via)
    return campaign


def campaign_decide(
    *,
    actor: Any,
    entries: QuerySet[CampaignEntry] | Iterable[CampaignEntry],
    status: str,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> int:
    """Confirm (再登记) or lapse (注销) pending entries of an open campaign, at once:
    a lapsed commissioner leaves the roll. Officers decide for their area."""
    _require(can_manage(actor))
    if status not in (CampaignEntry.Status.CONFIRMED, CampaignEntry.Status.LAPSED):
        raise _invalid("status", "核实结果", "应为 已再登记 或 已注销")
    ids = [e.pk for e in entries]
    if not ids:
        raise _invalid("ids", "科技特派员", "没有选中任何人")
    with transaction.atomic():
        rows = list(
            CampaignEntry.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("campaign", "commissioner")
        )
        if len(rows) != len(set(ids)):
            raise PermissionDenied("选中的人员中有不属于本区域的")
        for e in rows:
            if not e.campaign.is_open:
                raise Conflict(f"{e.campaign}已结束")
            if e.status != CampaignEntry.Status.PENDING:
                raise Conflict(
                    f"{e.commissioner.name}已核实为“{e.get_status_display()}”，请刷新后重试"
                )
            if on < e.campaign.opens_on:
                raise _invalid("on", "核实日期", f"早于开始日期{e.campaign.opens_on.isoformat()}")
        CampaignEntry.objects.filter(pk__in=ids).update(
            status=status, decided_on=on, note=note[:200]
        )
        people = [e.commissioner_id for e in rows]
        if status == CampaignEntry.Status.LAPSED:
            Commissioner.objects.filter(pk__in=people).update(
                status=Commissioner.Status.LAPSED, lapsed_on=on
            )
        else:
            Commissioner.objects.filter(pk__in=people).update(registered_on=on)
        search_records_changed("commissioner", people)
        label = dict(CampaignEntry.Status.choices)[status]
        audit_bulk(
            [
                build_entry(
                    actor=actor,
                    action="update",
                    obj=e,
                    before={"status": e.status},
                    after={"status": status, "decided_on": on.isoformat()},
                    via=via,
                    note=f"核实再登记：{label}",
                )
                for e in rows
            ]
        )
    return len(rows)


def campaign_close(*, actor: Any, campaign: Campaign, on: dt.date, via: str = "web") -> int:
    """Close the campaign: whoever has not confirmed by now is marked lapsed."""
    _require(can_decide(actor))
    with transaction.atomic():
        obj = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _region_in_scope(actor, obj.region)
        if obj.closed_on is not None:
            raise Conflict(f"{obj}已于{obj.closed_on.isoformat()}结束")
        if on < obj.opens_on:
            raise _invalid("on", "结束日期", "早于开始日期")
        pending = CampaignEntry.objects.filter(campaign=obj, status=CampaignEntry.Status.PENDING)
        people = list(pending.values_list("commissioner_id", flat=True))
        n = pending.update(status=CampaignEntry.Status.LAPSED, decided_on=on, note="逾期未再登记")
        Commissioner.objects.filter(pk__in=people).update(
            status=Commissioner.Status.LAPSED, lapsed_on=on
        )
        search_records_changed("commissioner", people)
        before = snapshot(obj)
        obj.closed_on = on
        obj.save(update_fields=["closed_on"])
        _log(actor, "update", obj, before, note=f"结束；逾期未再登记 {n} 人注销", via=via)
    campaign.closed_on = on
    return n

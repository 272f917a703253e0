"""Writes of 科技活动: events, participants and registrations, roadshow items and jury
scores, publicity articles. Permission first, one transaction, the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, role_of
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.registry import link_source
from kechuang.enterprises.models import Enterprise
from kechuang.events.models import (
    Article,
    Event,
    FinancingIntention,
    JuryScore,
    OutcomeLink,
    Participant,
    RoadshowItem,
)
from kechuang.programmes.permissions import in_scope


def _invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def _require(check: tuple[bool, str]) -> None:
    if not check[0]:
        raise PermissionDenied(check[1])


def can_organise(actor: Any, region: Region) -> tuple[bool, str]:
    """Events and articles: the bureau, and an officer for their own area."""
    if role_of(actor) in ("staff", "officer") and covers(actor, region):
        return True, ""
    return False, "只有科技局和本园区/乡镇可以登记活动和宣传用稿"


def _text(value: Any, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _invalid(field, label, "不能为空")
    if len(text) > max_length:
        raise _invalid(field, label, f"不能超过{max_length}个字")
    return text


def _date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise _invalid(field, label, f"“{value or ''}”不是日期（格式：2021-06-30）") from None


def _decimal(value: Any, field: str, label: str, *, wan: bool = False) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _invalid(field, label, f"“{value}”不是数字") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise _invalid(field, label, "数值超出范围")
    return (amount * 10000 if wan else amount).quantize(Decimal("0.01"))


def _log(
    actor: Any,
    action: str,
    obj: Any,
    before: Any = None,
    *,
    via: str = "web",
    enterprise_id: int | None = None,
    note: str = "",
) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj),
        via=via,
        enterprise_id=enterprise_id,
        note=note,
    )


def event_save(
    *, actor: Any, data: Mapping[str, Any], event: Event | None = None, via: str = "web"
) -> Event:
    region = data.get("region")
    if not isinstance(region, Region):
        raise _invalid("region", "主办区域", "请选择主办区域")
    _require(can_organise(actor, region))
    kind = str(data.get("kind") or "")
    if kind not in Event.Kind.values:
        raise _invalid("kind", "活动类型", "请选择活动类型")
    with transaction.atomic():
        obj = Event.objects.select_for_update().get(pk=event.pk) if event else Event()
        if event is not None:
            _require(can_organise(actor, obj.region))
        before = snapshot(obj) if obj.pk else None
        obj.kind, obj.region = kind, region
        obj.title = _text(data.get("title"), "title", "活动名称", 120)
        obj.held_on = _date(data.get("held_on"), "held_on", "举办日期")
        obj.place = _text(data.get("place"), "place", "地点", 120)
        obj.organisers = _text(data.get("organisers"), "organisers", "主办/承办单位", 200)
        obj.partners = _text(data.get("partners"), "partners", "对接高校院所/机构", 300, False)
        obj.open_for_registration = bool(data.get("open_for_registration"))
        obj.outcomes = _text(data.get("outcomes"), "outcomes", "活动成效", 2000, False)
        obj.save()
        _log(actor, "update" if before else "create", obj, before, via=via)
    return obj


def outcome_link_add(
    *, actor: Any, event: Event, kind: str, ref: Any, via: str = "web"
) -> OutcomeLink:
    """Link a record of another app (an agreement signed at the event) as an outcome. The
    record is looked up through the frame's `LINKS` source of `kind`, as `actor` sees it:
    one the actor may not see cannot be linked."""
    _require(can_organise(actor, event.region))
    source = link_source(kind)
    if source is None:
        raise _invalid("kind", "成果类型", "没有这种可关联的成果")
    text = str(ref or "").strip()
    if not text.isdecimal() or len(text) > 9:
        raise _invalid("ref", source.label, "请选择要关联的记录")
    found = list(source.records(actor, refs=[int(text)]))
    if not found:
        raise _invalid("ref", source.label, "记录不存在或不属于本区域")
    record = found[0]
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = OutcomeLink.objects.create(
                    event=event,
                    kind=kind,
                    ref=record.ref,
                    label=record.label[:200],
                    linked_on=periods.today(),
                )
        except IntegrityError:
            raise Conflict(f"“{record.label}”已关联到本次活动") from None
        _log(actor, "create", row, via=via, enterprise_id=record.enterprise_id)
    return row


def outcome_link_remove(*, actor: Any, link: OutcomeLink, via: str = "web") -> None:
    _require(can_organise(actor, link.event.region))
    with transaction.atomic():
        before = snapshot(link)
        audit_log(actor=actor, action="delete", obj=link, before=before, after=None, via=via)
        link.delete()


def intention_add(
    *, actor: Any, event: Event, data: Mapping[str, Any], via: str = "web"
) -> FinancingIntention:
    """A financing intention recorded at the event (see `intention_save`)."""
    return intention_save(actor=actor, event=event, data=data, via=via)


def intention_save(
    *,
    actor: Any,
    event: Event,
    data: Mapping[str, Any],
    intention: FinancingIntention | None = None,
    via: str = "web",
) -> FinancingIntention:
    """A financing intention recorded at the event: investor or bank, enterprise (of the
    actor's scope), amount (entered in 万元, kept in yuan), date, note. One per investor,
    enterprise and day at an event (a sheet names it by them); `intention` is corrected."""
    _require(can_organise(actor, event.region))
    if intention is not None and intention.event_id != event.pk:
        raise _invalid("", "", "融资意向不属于该活动")
    investor = _text(data.get("investor"), "investor", "投资机构/银行", 100)
    enterprise = data.get("enterprise")
    if enterprise is not None and not in_scope(actor, enterprise):
        raise _invalid("enterprise", "企业", f"“{enterprise.name}”不属于本区域")
    amount = (
        _decimal(data.get("amount_wan"), "amount_wan", "意向金额（万元）", wan=True)
        if "amount_wan" in data
        else _decimal(data.get("amount_yuan"), "amount_yuan", "意向金额（元）")
    )
    if amount is None:
        raise _invalid("amount_wan", "意向金额（万元）", "不能为空")
    on = _date(data.get("on") or event.held_on, "on", "日期")
    note = _text(data.get("note"), "note", "备注", 200, False)
    with transaction.atomic():
        twin = FinancingIntention.objects.select_for_update().filter(
            event=event, investor=investor, enterprise=enterprise, on=on
        )
        if intention is not None:
            twin = twin.exclude(pk=intention.pk)
        if twin.exists():
            raise _invalid(
                "investor", "投资机构/银行", f"本活动{on:%Y-%m-%d}已登记“{investor}”的这项融资意向"
            )
        if intention is None:
            row = FinancingIntention.objects.create(
                event=event,
                investor=investor,
                enterprise=enterprise,
                amount_yuan=amount,
                on=on,
                note=note,
            )
            _log(actor, "create", row, via=via, enterprise_id=enterprise.pk if enterprise else None)
            return row
        before = snapshot(intention)
        intention.investor, intention.enterprise, intention.on = investor, enterprise, on
        intention.amount_yuan, intention.note = amount, note
        intention.save()
        _log(
            actor,
            "update",
            intention,
            before,
            via=via,
            enterprise_id=enterprise.pk if enterprise else None,
        )
        return intention


def intention_remove(*, actor: Any, intention: FinancingIntention, via: str = "web") -> None:
    _require(can_organise(actor, intention.event.region))
    with transaction.atomic():
        before = snapshot(intention)
        audit_log(
            actor=actor,
            action="delete",
            obj=intention,
            before=before,
            after=None,
            via=via,
            enterprise_id=intention.enterprise_id,
        )
        intention.delete()


def participant_add(
    *,
    actor: Any,
    event: Event,
    role: str,
    enterprise: Enterprise | None = None,
    name: str = "",
    status: str = "attended",
    on: dt.date | None = None,
    via: str = "web",
) -> Participant:
    """A participant recorded by the organiser (an enterprise of their scope, an expert,
    an investor)."""
    _require(can_organise(actor, event.region))
    if role not in Participant.Role.values:
        raise _invalid("role", "身份", "请选择企业、专家、投资机构或其他")
    if role == Participant.Role.ENTERPRISE:
        if enterprise is None:
            raise _invalid("enterprise", "企业", "请填写企业")
        if not in_scope(actor, enterprise):
            raise _invalid("enterprise", "企业", f"“{enterprise.name}”不属于本区域")
    else:
        enterprise = None
        name = _text(name, "name", "名称/姓名", 100)
    if status not in Participant.Status.values:
        raise _invalid("status", "状态", "状态不正确")
    return _participant(actor, event, role, enterprise, name, status, on, via)


def _participant(
    actor: Any,
    event: Event,
    role: str,
    enterprise: Enterprise | None,
    name: str,
    status: str,
    on: dt.date | None,
    via: str,
) -> Participant:
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = Participant.objects.create(
                    event=event,
                    role=role,
                    enterprise=enterprise,
                    name=name[:100],
                    status=status,
                    registered_on=on,
                )
        except IntegrityError:
            raise Conflict(f"“{enterprise or name}”已在本次活动名单中") from None
        _log(actor, "create", row, via=via, enterprise_id=enterprise.pk if enterprise else None)
    return row


def registration_add(
    *,
    actor: Any,
    event: Event,
    enterprise: Enterprise,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> Participant:
    """An enterprise registers for an event open to registration, up to its day."""
    if not (role_of(actor) in ("enterprise", "staff", "officer") and in_scope(actor, enterprise)):
        raise PermissionDenied(f"无权为“{enterprise.name}”报名")
    if not event.open_for_registration:
        raise Conflict("该活动不接受企业报名")
    if on > event.held_on:
        raise Conflict("活动已举办，报名已截止")
    row = _participant(
        actor,
        event,
        Participant.Role.ENTERPRISE,
        enterprise,
        "",
        Participant.Status.REGISTERED,
        on,
        via,
    )
    if note:
        row.note = note[:200]
        row.save(update_fields=["note"])
    return row


def roadshow_item_add(
    *, actor: Any, event: Event, data: Mapping[str, Any], via: str = "web"
) -> RoadshowItem:
    _require(can_organise(actor, event.region))
    if event.kind != Event.Kind.ROADSHOW:
        raise _invalid("event", "路演活动", "只有路演活动可以登记路演项目")
    enterprise = data.get("enterprise")
    if enterprise is not None and not in_scope(actor, enterprise):
        raise _invalid("enterprise", "路演企业", f"“{enterprise.name}”不属于本区域")
    with transaction.atomic():
        row = RoadshowItem.objects.create(
            event=event,
            title=_text(data.get("title"), "title", "路演项目", 120),
            presenter=_text(data.get("presenter"), "presenter", "路演单位/团队", 100),
            enterprise=enterprise,
            summary=_text(data.get("summary"), "summary", "项目简介", 300, False),
            financing_sought_yuan=_decimal(
                data.get("financing_sought_wan"), "financing_sought_wan", "拟融资（万元）", wan=True
            ),
        )
        _log(actor, "create", row, via=via)
    return row


def jury_score(
    *, actor: Any, item: RoadshowItem, juror: str, score: Any, comment: str = "", via: str = "web"
) -> JuryScore:
    """A juror's score (0–100) of a roadshow item; scoring again replaces it."""
    _require(can_organise(actor, item.event.region))
    juror = _text(juror, "juror", "评委", 40)
    value = _decimal(score, "score", "评分")
    if value is None or value > 100:
        raise _invalid("score", "评分", "请填写0–100的分数")
    with transaction.atomic():
        row, created = JuryScore.objects.select_for_update().get_or_create(
            item=item, juror=juror, defaults={"score": value, "comment": comment[:200]}
        )
        before = None if created else snapshot(row)
        if not created:
            row.score, row.comment = value, comment[:200]
            row.save()
        _log(actor, "create" if created else "update", row, before, via=via)
    return row


def article_save(
    *, actor: Any, data: Mapping[str, Any], article: Article | None = None, via: str = "web"
) -> Article:
    region = data.get("region")
    if not isinstance(region, Region):
        raise _invalid("region", "报送区域", "请选择报送区域")
    _require(can_organise(actor, region))
    level = str(data.get("level") or "")
    if level not in Article.Level.values:
        raise _invalid("level", "媒体级别", "请选择国家级、省级、市级或县级")
    link = _text(data.get("link"), "link", "链接", 300, False)
    if link and not link.startswith(("http://", "https://")):
        raise _invalid("link", "链接", "请填写以 http:// 或 https:// 开头的网址")
    with transaction.atomic():
        obj = article or Article()
        before = snapshot(obj) if obj.pk else None
        obj.region, obj.level, obj.link = region, level, link
        obj.media = _text(data.get("media"), "media", "媒体", 60)
        obj.title = _text(data.get("title"), "title", "标题", 200)
        obj.published_on = _date(data.get("published_on"), "published_on", "刊发日期")
        obj.save()
        _log(actor, "update" if before else "create", obj, before, via=via)
    return obj

"""Writes to the registry. Every service takes keyword arguments and an `actor`,
checks permission, runs in one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from kechuang.accounts.models import Region
from kechuang.core.audit import audit_log, jsonable, snapshot
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.money import CENT
from kechuang.enterprises import validation as v
from kechuang.enterprises.facts import FACT_BY_NAME, Source
from kechuang.enterprises.models import (
    Certificate,
    Enterprise,
    FactRevision,
    FormerName,
    IPItem,
    YearlyFacts,
)
from kechuang.enterprises.permissions import (
    can_edit_enterprise,
    can_manage_certificates,
)
from kechuang.enterprises.versions import check_version, edit_version

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "region",
    "address",
    "industry_code",
    "registered_on",
    "tech_domain",
    "is_above_scale",
    "is_listed",
    "status",
    "contact_name",
    "contact_phone",
)
ENTERPRISE_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "region": "所属镇街/园区",
    "address": "地址",
    "industry_code": "行业代码",
    "registered_on": "成立日期",
    "tech_domain": "技术领域",
    "is_above_scale": "规上工业企业",
    "is_listed": "上市企业",
    "status": "经营状态",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "former_names": "曾用名",
}


def name_initials(name: str) -> str:
    """拼音首字母 for search: 泰兴市华泰化工 → TXSHTHG (non-Han characters kept)."""
    # Imported here: its phrase dictionary is a quarter of the start-up of every
    # process (CLI, server, worker) that never writes an enterprise.
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).upper()[:120]


@dataclass
class EnterpriseInput:
    """Clean values for one enterprise, as checked by `enterprise_check`."""

    values: dict[str, Any]
    former_names: list[str] | None = None
    warnings: list[str] = field(default_factory=list)


def enterprise_check(
    data: dict[str, Any], *, instance: Enterprise | None = None, row: int | None = None
) -> tuple[EnterpriseInput, list[FieldError]]:
    """Check a partial or full set of enterprise values (typed: dates as dates, region
    as a Region). No uniqueness query: callers check `uscc` against the database."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    warnings: list[str] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, ENTERPRISE_LABELS.get(name, name), message, row))

    for name in ENTERPRISE_FIELDS:
        if name not in data:
            if instance is None and name in ("uscc", "name", "region"):
                err(name, "不能为空")
            continue
        value = data[name]
        if name == "uscc":
            code, errs, warns = v.check_uscc(value)
            for e in errs:
                err(name, e)
            warnings.extend(warns)
            values[name] = code
        elif name == "name":
            text = (value or "").strip()
            if not text:
                err(name, "不能为空")
            elif len(text) > 120:
                err(name, "不能超过120个字")
            values[name] = text
        elif name == "region":
            if value is None:
                err(name, "不能为空")
            elif not isinstance(value, Region) or not value.is_area:
                err(name, "应为本县（市、区）的镇、街道、乡或园区")
            values[name] = value
        elif name == "industry_code":
            code = (value or "").strip().upper()
            problem = v.check_industry_code(code)
            if problem:
                err(name, problem)
            values[name] = code
        elif name == "registered_on":
            problem = v.check_registered_on(value)
            if problem:
                err(name, problem)
            values[name] = value
        elif name == "tech_domain":
            code, problem = v.check_tech_domain(value)
            if problem:
                err(name, problem)
            values[name] = code
        elif name == "status":
            if value not in Enterprise.Status.values:
                err(name, "应为 存续、迁出 或 注销")
            values[name] = value
        elif name in ("is_above_scale", "is_listed"):
            values[name] = bool(value)
        else:
            values[name] = (value or "").strip()
    former = data.get("former_names")
    former_list = None
    if former is not None:
        former_list = [n.strip() for n in former if n and n.strip()]
    return EnterpriseInput(values, former_list, warnings), errors


def _apply_review_flag(enterprise: Enterprise, warnings: list[str]) -> None:
    enterprise.needs_review = bool(warnings)
    enterprise.review_reason = "；".join(warnings)[:200]


def _set_former_names(enterprise: Enterprise, names: list[str]) -> None:
    existing = {f.name: f for f in enterprise.former_names.all()}
    for name in names:
        if name not in existing:
            FormerName.objects.create(enterprise=enterprise, name=name)
    for name, obj in existing.items():
        if name not in names:
            obj.delete()


def enterprise_create(*, actor: Any, data: dict[str, Any], via: str = "web") -> Enterprise:
    clean, errors = enterprise_check(data)
    region = clean.values.get("region")
    allowed, reason = can_edit_enterprise(
        actor, None, region if isinstance(region, Region) else None
    )
    if not allowed:
        raise PermissionDenied(reason)
    if not errors and Enterprise.all_objects.filter(uscc=clean.values["uscc"]).exists():
        code = clean.values["uscc"]
        gone = Enterprise.deleted_objects.filter(uscc=code).exists()
        errors.append(
            FieldError(
                "uscc",
                "统一社会信用代码",
                f"{code} 的企业已删除，可由科技局在“已删除企业”中恢复"
                if gone
                else f"{code} 已存在",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        enterprise = Enterprise(**clean.values)
        enterprise.name_initials = name_initials(enterprise.name)
        _apply_review_flag(enterprise, clean.warnings)
        try:
            enterprise.save()
        except IntegrityError:
            raise ValidationFailed(
                [FieldError("uscc", "统一社会信用代码", f"{enterprise.uscc} 已存在")]
            ) from None
        if clean.former_names:
            _set_former_names(enterprise, clean.former_names)
        after = snapshot(enterprise)
        if clean.former_names:
            after["former_names"] = clean.former_names
        audit_log(
            actor=actor,
            action="create",
            obj=enterprise,
            after=after,
            enterprise_id=enterprise.pk,
            via=via,
        )
    return enterprise


def enterprise_edit_values(enterprise: Enterprise) -> dict[str, Any]:
    """The profile as its form and the API show it (what an edit version holds)."""
    values = {name: getattr(enterprise, name) for name in ENTERPRISE_LABELS if name != "region"}
    values["region"] = enterprise.region.name if enterprise.region_id else None
    values["former_names"] = sorted(f.name for f in enterprise.former_names.all())
    return values


def enterprise_version(enterprise: Enterprise) -> str:
    """The edit version of a profile form or API read (see kechuang.enterprises.versions)."""
    return edit_version(f"enterprise:{enterprise.pk}", enterprise_edit_values(enterprise))


def _shown(name: str, value: Any) -> str:
    """A value as a conflict message shows it."""
    from kechuang.core import formats

    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, Region):
        return value.name
    if isinstance(value, list):
        return "；".join(map(str, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in FACT_BY_NAME and FACT_BY_NAME[name].kind == "money":
        return f"{formats.yuan_as_wan(value, places=6).rstrip('0').rstrip('.')} 万元"
    if isinstance(value, dt.date):
        return formats.day(value)
    return str(value)


def enterprise_update(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: dict[str, Any],
    via: str = "web",
    version: str | None = None,
) -> Enterprise:
    """Change a profile. `version` (from `enterprise_version`, given to the form when it
    was opened): a stale form is refused (StaleEdit) with what changed meanwhile."""
    clean, errors = enterprise_check(data, instance=enterprise)
    new_region = clean.values.get("region")
    allowed, reason = can_edit_enterprise(
        actor, enterprise, new_region if isinstance(new_region, Region) else None
    )
    if not allowed:
        raise PermissionDenied(reason)
    new_uscc = clean.values.get("uscc")
    if (
        not errors
        and new_uscc
        and new_uscc != enterprise.uscc
        and Enterprise.all_objects.filter(uscc=new_uscc).exclude(pk=enterprise.pk).exists()
    ):
        errors.append(FieldError("uscc", "统一社会信用代码", f"{new_uscc} 已存在"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if version is not None:
            yours = dict(clean.values)
            if clean.former_names is not None:
                yours["former_names"] = sorted(clean.former_names)
            check_version(
                version,
                obj_key=f"enterprise:{locked.pk}",
                current=enterprise_edit_values(locked),
                yours=yours,
                label=lambda n: ENTERPRISE_LABELS.get(n, n),
                shown=_shown,
            )
        before = snapshot(locked)
        before_names = sorted(locked.former_names.values_list("name", flat=True))
        for name, value in clean.values.items():
            setattr(locked, name, value)
        locked.name_initials = name_initials(locked.name)
        if "uscc" in clean.values:
            _apply_review_flag(locked, clean.warnings)
        locked.save()
        after = snapshot(locked)
        if clean.former_names is not None:
            _set_former_names(locked, clean.former_names)
            before["former_names"] = before_names
            after["former_names"] = sorted(clean.former_names)
        if before != after:
            audit_log(
                actor=actor,
                action="update",
                obj=locked,
                before=before,
                after=after,
                enterprise_id=locked.pk,
                via=via,
            )
    return locked


def _require_bureau(actor: Any, message: str, enterprise: Enterprise) -> None:
    """Bureau staff whose area holds the enterprise (a county bureau its county's)."""
    from kechuang.accounts.scoping import covers, is_bureau

    if not is_bureau(actor) or not covers(actor, enterprise.region):
        raise PermissionDenied(message)


def _reason(reason: str, label: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed([FieldError("reason", label, "请填写原因")])
    if len(text) > 200:
        raise ValidationFailed([FieldError("reason", label, "不超过200字")])
    return text


def _deletion_state(enterprise: Enterprise) -> dict[str, Any]:
    return snapshot(
        enterprise, ["deleted_at", "deleted_by_id", "deleted_reason", "purged_at", "purged_reason"]
    )


def enterprise_delete(
    *, actor: Any, enterprise: Enterprise, reason: str = "", via: str = "web"
) -> Enterprise:
    """Soft delete: the enterprise leaves every list, search, indicator and export; its
    records and files stay, and bureau staff can restore it (or purge its files)."""
    _require_bureau(actor, "只有科技局可以删除本辖区的企业", enterprise)
    text = (reason or "").strip()[:200] or "未填写原因"
    with transaction.atomic():
        locked = Enterprise.all_objects.select_for_update().get(pk=enterprise.pk)
        if locked.deleted_at is not None:
            raise Conflict(f"{locked.name} 已于 {locked.deleted_at:%Y-%m-%d} 删除")
        before = _deletion_state(locked)
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor
        locked.deleted_reason = text
        locked.save(update_fields=["deleted_at", "deleted_by", "deleted_reason"])
        audit_log(
            actor=actor,
            action="delete",
            obj=locked,
            before=before,
            after=_deletion_state(locked),
            enterprise_id=locked.pk,
            via=via,
            note=text,
        )
    return locked


def enterprise_restore(*, actor: Any, enterprise: Enterprise, via: str = "web") -> Enterprise:
    _require_bureau(actor, "只有科技局可以恢复本辖区的企业", enterprise)
    with transaction.atomic():
        locked = Enterprise.all_objects.select_for_update().get(pk=enterprise.pk)
        if locked.deleted_at is None:
            raise Conflict(f"{locked.name} 未被删除")
        before = _deletion_state(locked)
        locked.deleted_at = None
        locked.deleted_by = None
        locked.deleted_reason = ""
        locked.save(update_fields=["deleted_at", "deleted_by", "deleted_reason"])
        audit_log(
            actor=actor,
            action="restore",
            obj=locked,
            before=before,
            after=_deletion_state(locked),
            enterprise_id=locked.pk,
            via=via,
        )
    return locked


def enterprise_files(enterprise: Enterprise) -> list[tuple[models.Model, FieldFile]]:
    """Every stored file of rows that belong to `enterprise` (attachments and whatever
    a capability adds with a file field and a foreign key to the enterprise)."""
    out = []
    for rel in Enterprise._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or not rel.one_to_many:
            continue
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        for row in model._base_manager.filter(**{rel.field.name: enterprise}).order_by("pk"):
            for f in file_fields:
                stored = getattr(row, f.attname)
                if stored:
                    out.append((row, stored))
    return out


def enterprise_purge(
    *, actor: Any, enterprise: Enterprise, reason: str, via: str = "web"
) -> list[str]:
    """Removes a deleted enterprise's files from disk (after the commit, so a failure
    leaves them all), with a reason and an audit row naming each file. Records and
    their history stay. Returns the names of the files removed."""
    _require_bureau(actor, "只有科技局可以清除本辖区已删除企业的文件", enterprise)
    text = _reason(reason, "清除原因")
    with transaction.atomic():
        locked = Enterprise.all_objects.select_for_update().get(pk=enterprise.pk)
        if locked.deleted_at is None:
            raise Conflict(f"{locked.name} 未被删除：先删除企业，才能清除其文件")
        files = enterprise_files(locked)
        names = [str(stored.name) for _row, stored in files]
        before = _deletion_state(locked)
        locked.purged_at = timezone.now()
        locked.purged_reason = text
        locked.save(update_fields=["purged_at", "purged_reason"])
        after = _deletion_state(locked)
        before["files"], after["files"] = names, []
        audit_log(
            actor=actor,
            action="purge",
            obj=locked,
            before=before,
            after=after,
            enterprise_id=locked.pk,
            via=via,
            note=text,
        )
        for row, stored in files:
            row.delete()
            transaction.on_commit(partial(stored.storage.delete, str(stored.name)))
    return names


# -- yearly facts -------------------------------------------------------------------


def facts_current(facts: YearlyFacts | None) -> dict[str, Any]:
    if facts is None:
        return {}
    return {name: getattr(facts, name) for name in FACT_BY_NAME}


def facts_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    fiscal_year: int,
    values: dict[str, Any],
    source: str,
    recorded_on: dt.date | None = None,
    note: str = "",
    via: str = "web",
    version: str | None = None,
) -> YearlyFacts:
    """Record some facts of one year. Keys present are set (None clears a value to
    unknown); others are kept. Unchanged values make no revision. `version` (from
    `facts_version`, given to the form when it was opened): a stale form is refused
    (StaleEdit) with what changed meanwhile."""
    allowed, reason = can_edit_enterprise(actor, enterprise)
    if not allowed:
        raise PermissionDenied(reason)
    errors: list[FieldError] = []
    problem = v.check_fiscal_year(fiscal_year)
    if problem:
        errors.append(FieldError("fiscal_year", "会计年度", problem))
    if source not in Source.LABELS:
        errors.append(
            FieldError("source", "数据来源", f"应为 {'、'.join(Source.LABELS.values())} 之一")
        )
    unknown = [k for k in values if k not in FACT_BY_NAME]
    for k in unknown:
        errors.append(FieldError(k, k, "不是年度数据字段"))
    recorded_on = recorded_on or v.today()
    if recorded_on > v.today():
        errors.append(FieldError("recorded_on", "记录日期", "不能晚于今天"))
    values = dict(values)
    for name, value in values.items():
        # Money is kept to the fen, written the same way whatever path it came by.
        if (
            name in FACT_BY_NAME
            and FACT_BY_NAME[name].kind == "money"
            and isinstance(value, Decimal)
        ):
            if value != value.quantize(CENT):
                errors.append(
                    FieldError(
                        name, FACT_BY_NAME[name].label, "金额最多精确到分（万元最多6位小数）"
                    )
                )
            else:
                values[name] = value.quantize(CENT)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # the enterprise first (the order imports lock in): two first recordings of a
        # year wait for each other instead of one failing on the unique index
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk").first()
        facts = (
            YearlyFacts.objects.select_for_update()
            .filter(enterprise=enterprise, fiscal_year=fiscal_year)
            .first()
        )
        current = facts_current(facts)
        if version is not None:
            check_version(
                version,
                obj_key=f"facts:{enterprise.pk}:{fiscal_year}",
                current={name: current.get(name) for name in FACT_BY_NAME},
                yours=values,
                label=lambda n: FACT_BY_NAME[n].label,
                shown=_shown,
            )
        problems = v.check_facts(values, current)
        if problems:
            raise ValidationFailed(
                [FieldError(name, FACT_BY_NAME[name].label, msg) for name, msg in problems]
            )
        changes = {
            name: [jsonable(current.get(name)), jsonable(value)]
            for name, value in values.items()
            if _differs(current.get(name), value)
        }
        if facts is None:
            facts = YearlyFacts(enterprise=enterprise, fiscal_year=fiscal_year)
            action = "create"
        else:
            action = "update"
        if not changes and action == "update":
            return facts
        before = {k: c[0] for k, c in changes.items()}
        for name, value in values.items():
            setattr(facts, name, value)
        facts.save()
        FactRevision.objects.create(
            facts=facts,
            source=source,
            recorded_on=recorded_on,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            changes=changes,
            note=note,
        )
        audit_log(
            actor=actor,
            action=action,
            obj=facts,
            before=before if action == "update" else None,
            after={
                "fiscal_year": fiscal_year,
                **{k: c[1] for k, c in changes.items()},
                "source": source,
                "recorded_on": recorded_on.isoformat(),
            },
            enterprise_id=enterprise.pk,
            via=via,
            note=note,
        )
    return facts


def facts_version(enterprise_id: int, fiscal_year: int, facts: YearlyFacts | None) -> str:
    """The edit version of a year's facts form or API read (every fact; all unknown for a
    year not recorded yet)."""
    current = facts_current(facts)
    return edit_version(
        f"facts:{enterprise_id}:{fiscal_year}", {name: current.get(name) for name in FACT_BY_NAME}
    )


def _differs(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is not new
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return Decimal(old) != Decimal(new)
    return bool(old != new)


# -- intellectual property ------------------------------------------------------------


IP_LABELS = {
    "kind": "类型",
    "number": "授权号/登记号",
    "title": "名称",
    "granted_on": "授权日期",
    "acquisition": "获得方式",
    "is_valid": "有效",
}


def ip_check(data: dict[str, Any], row: int | None = None) -> list[FieldError]:
    errors: list[FieldError] = []

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, IP_LABELS[name], message, row))

    from kechuang.rules import ip_classes

    if data.get("kind") not in ip_classes.KINDS:
        err("kind", "应为 " + "、".join(n for n, _ in ip_classes.KINDS.values()) + " 之一")
    if not (data.get("number") or "").strip():
        err("number", "不能为空")
    if not (data.get("title") or "").strip():
        err("title", "不能为空")
    granted = data.get("granted_on")
    if granted is None:
        err("granted_on", "不能为空")
    elif granted > v.today():
        err("granted_on", "授权日期晚于今天")
    if data.get("acquisition", "self") not in IPItem.Acquisition.values:
        err("acquisition", "应为 自主研发、受让、受赠、并购 或 独占许可")
    return errors


def _numbered_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    model: Any,
    clean: dict[str, Any],
    errors: list[FieldError],
    fields: Iterable[str],
    number_label: str,
    existing: Any | None,
    via: str,
) -> Any:
    """Create or update a record identified by (kind, number): an IP item or a
    certificate. The number must not be registered already; the change is audited."""
    if not errors:
        clash = model.objects.filter(kind=clean["kind"], number=clean["number"])
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            errors.append(FieldError("number", number_label, f"{clean['number']} 已登记"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        before = snapshot(existing) if existing else None
        obj = existing or model(enterprise=enterprise)
        for name in fields:
            if name in clean:
                setattr(obj, name, clean[name])
        obj.save()
        audit_log(
            actor=actor,
            action="update" if existing else "create",
            obj=obj,
            before=before,
            after=snapshot(obj),
            enterprise_id=enterprise.pk,
            via=via,
        )
    return obj


def ip_item_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: dict[str, Any],
    item: IPItem | None = None,
    via: str = "web",
) -> IPItem:
    allowed, reason = can_edit_enterprise(actor, enterprise)
    if not allowed:
        raise PermissionDenied(reason)
    errors = ip_check(data)
    clean = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    saved: IPItem = _numbered_save(
        actor=actor,
        enterprise=enterprise,
        model=IPItem,
        clean=clean,
        errors=errors,
        fields=IP_LABELS,
        number_label="授权号/登记号",
        existing=item,
        via=via,
    )
    return saved


def ip_item_delete(*, actor: Any, item: IPItem, via: str = "web") -> None:
    allowed, reason = can_edit_enterprise(actor, item.enterprise)
    if not allowed:
        raise PermissionDenied(reason)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="delete",
            obj=item,
            before=snapshot(item),
            enterprise_id=item.enterprise_id,
            via=via,
        )
        item.delete()


# -- certificates ---------------------------------------------------------------------

CERT_LABELS = {
    "kind": "类型",
    "number": "证书编号",
    "issued_on": "发证日期",
    "valid_from": "有效期起",
    "valid_until": "有效期止",
    "batch": "批次",
    "revoked_on": "撤销日期",
    "note": "备注",
}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_validity(kind: str, issued_on: dt.date) -> tuple[dt.date, dt.date | None]:
    """The interval a certificate is in force when the record does not say.

    HNTE: three years from the date of issue (国科发火〔2016〕32号 第九条), so the last
    valid day is the day before the third anniversary. Tech-SME registration: the
    evaluation year (国科发政〔2017〕115号 第十二条: evaluated yearly). Provincial pool:
    open until the enterprise leaves the pool."""
    if kind == Certificate.Kind.HNTE:
        return issued_on, add_years(issued_on, 3) - dt.timedelta(days=1)
    if kind == Certificate.Kind.TECH_SME:
        return issued_on, dt.date(issued_on.year, 12, 31)
    return issued_on, None


def certificate_check(
    data: dict[str, Any], row: int | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    errors: list[FieldError] = []
    clean = dict(data)

    def err(name: str, message: str) -> None:
        errors.append(FieldError(name, CERT_LABELS[name], message, row))

    if data.get("kind") not in Certificate.Kind.values:
        err("kind", "应为 高新技术企业、科技型中小企业 或 省高企培育库入库")
    if not (data.get("number") or "").strip():
        err("number", "不能为空")
    issued = data.get("issued_on")
    if issued is None:
        err("issued_on", "不能为空")
    elif issued > v.today():
        err("issued_on", "发证日期晚于今天")
    if errors or issued is None:
        return clean, errors
    start, end = default_validity(data["kind"], issued)
    clean["valid_from"] = data.get("valid_from") or start
    clean["valid_until"] = data.get("valid_until") or end
    if clean["valid_until"] and clean["valid_until"] < clean["valid_from"]:
        err("valid_until", "有效期止早于有效期起")
    revoked = data.get("revoked_on")
    if revoked and revoked < clean["valid_from"]:
        err("revoked_on", "撤销日期早于有效期起")
    clean["number"] = data["number"].strip()
    return clean, errors


def certificate_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    data: dict[str, Any],
    certificate: Certificate | None = None,
    via: str = "web",
) -> Certificate:
    allowed, reason = can_manage_certificates(actor, enterprise)
    if not allowed:
        raise PermissionDenied(reason)
    clean, errors = certificate_check(data)
    saved: Certificate = _numbered_save(
        actor=actor,
        enterprise=enterprise,
        model=Certificate,
        clean=clean,
        errors=errors,
        fields=CERT_LABELS,
        number_label="证书编号",
        existing=certificate,
        via=via,
    )
    return saved


def certificate_delete(*, actor: Any, certificate: Certificate, via: str = "web") -> None:
    allowed, reason = can_manage_certificates(actor, certificate.enterprise)
    if not allowed:
        raise PermissionDenied(reason)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="delete",
            obj=certificate,
            before=snapshot(certificate),
            enterprise_id=certificate.enterprise_id,
            via=via,
        )
        certificate.delete()

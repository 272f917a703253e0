"""Import and export of the registry's sheets: enterprises, yearly facts, IP items and
certificates. Upload → preview (new / changed / unchanged rows and every error) →
confirm. Nothing is written unless every row is valid; an import is one transaction.

Blank cells of an existing record leave its value as it is (a sheet never erases);
clearing a value is done on the record's page.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

from django.db import IntegrityError, transaction

from kechuang.accounts.models import Region
from kechuang.core.audit import EntryRows, audit_bulk, build_entry, jsonable, snapshot
from kechuang.core.cache import registry_changed
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.imports import ImportKind, ImportPlan, RowResult
from kechuang.core.models import AuditLog
from kechuang.core.tabular import Column, Table, map_columns, parse_rows, read_table
from kechuang.enterprises import facts_import
from kechuang.enterprises import validation as v
from kechuang.enterprises.facts import FACT_FIELDS, Source
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
    can_import,
    can_manage_certificates,
)
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.enterprises.services import (
    _differs,
    certificate_check,
    enterprise_check,
    facts_current,
    ip_check,
    name_initials,
)
from kechuang.rules import ip_classes, tech_domains, uscc

BOOL_CHOICES = {"是": True, "否": False}
STATUS_CHOICES = {label: value for value, label in Enterprise.Status.choices}
IP_KIND_CHOICES = {name: key for key, (name, _c) in ip_classes.KINDS.items()}
ACQ_CHOICES = {label: value for value, label in IPItem.Acquisition.choices}
CERT_KIND_CHOICES = {label: value for value, label in Certificate.Kind.choices}
SOURCE_CHOICES = {label: key for key, label in Source.CHOICES}

USCC_COL = Column(
    "uscc",
    "统一社会信用代码",
    "text",
    required=True,
    help="18位",
    max_length=30,
    aliases=("信用代码", "统一代码", "社会信用代码", "统一信用代码", "企业信用代码", "USCC"),
)
# beside the code for the reader; the code alone names the enterprise
ENTERPRISE_NAME_COL = Column(
    "enterprise_name",
    "企业名称",
    "text",
    help="仅供核对，导入时不读取（按统一社会信用代码识别企业）",
    aliases=("单位名称", "企业全称"),
    info=True,
)


def _region_column() -> Column:
    return Column(
        "region",
        "所属镇街/园区",
        "text",
        required=True,
        help="镇、街道、乡或园区的名称或区划代码",
        aliases=(
            "所属镇街",
            "镇街/园区",
            "所属镇(街道)/园区",
            "所属区域",
            "所属园区",
            "所属镇街园区",
        ),
    )


ENTERPRISE_COLUMNS = [
    USCC_COL,
    Column(
        "name", "企业名称", "text", required=True, max_length=120, aliases=("单位名称", "企业全称")
    ),
    Column("former_names", "曾用名", "text", help="多个用；分隔"),
    _region_column(),
    Column("address", "地址", "text", max_length=200),
    Column("industry_code", "行业代码", "text", help="国民经济行业分类代码，如 C2614"),
    Column("registered_on", "成立日期", "date"),
    Column(
        "tech_domain", "技术领域", "text", help="《国家重点支持的高新技术领域》代码（如 4.5）或名称"
    ),
    Column("is_above_scale", "规上工业企业", "bool"),
    Column("is_listed", "上市企业", "bool"),
    Column("status", "经营状态", "choice", choices=STATUS_CHOICES),
    Column("contact_name", "联系人", "text", max_length=40),
    Column("contact_phone", "联系电话", "text", max_length=30),
]

FACT_COLUMNS = [
    USCC_COL,
    ENTERPRISE_NAME_COL,
    Column(
        "fiscal_year",
        "会计年度",
        "year",
        required=True,
        help="如 2020",
        aliases=("年度", "年份", "财务年度", "数据年度"),
    ),
    *[
        Column(
            f.key,
            f.header,
            "money_wan" if f.kind == "money" else "int",
            help=f.help,
            may_be_negative=f.may_be_negative,
            aliases=(f.name,),
        )
        for f in FACT_FIELDS
    ],
    Column(
        "source",
        "数据来源",
        "choice",
        choices=SOURCE_CHOICES,
        help="新增或修改数据的行必填；未变的行可空",
        aliases=("来源",),
    ),
    Column("recorded_on", "记录日期", "date", help="默认为导入当天"),
    Column("note", "说明", "text", max_length=200),
]

IP_COLUMNS = [
    USCC_COL,
    ENTERPRISE_NAME_COL,
    Column(
        "kind",
        "知识产权类型",
        "choice",
        required=True,
        choices=IP_KIND_CHOICES,
        help="Ⅰ类：发明专利等；Ⅱ类：实用新型、外观设计、软件著作权等",
    ),
    Column("number", "授权号/登记号", "text", required=True, max_length=40),
    Column("title", "名称", "text", required=True, max_length=200),
    Column("granted_on", "授权日期", "date", required=True),
    Column("acquisition", "获得方式", "choice", choices=ACQ_CHOICES, help="默认自主研发"),
    Column("is_valid", "有效", "bool", help="默认是"),
]

CERTIFICATE_COLUMNS = [
    USCC_COL,
    ENTERPRISE_NAME_COL,
    Column("kind", "证书类型", "choice", required=True, choices=CERT_KIND_CHOICES),
    Column(
        "number",
        "证书编号",
        "text",
        required=True,
        max_length=40,
        help="高企证书编号或科技型中小企业入库登记编号",
    ),
    Column("issued_on", "发证日期", "date", required=True),
    Column("valid_from", "有效期起", "date", help="默认为发证日期"),
    Column("valid_until", "有效期止", "date", help="高企默认三年，科技型中小企业默认当年年底"),
    Column("batch", "批次", "text", max_length=40, help="如 2020年第一批"),
    Column("revoked_on", "撤销日期", "date"),
    Column("note", "备注", "text", max_length=200),
]


@dataclass
class Kind:
    key: str
    title: str
    columns: list[Column]
    plan: Callable[[Any, list[tuple[int, dict[str, Any]]], ImportPlan], Callable[[], None]]
    note: str = ""


# -- shared lookups ---------------------------------------------------------------------


def _enterprises_by_uscc(codes: Iterable[str]) -> dict[str, Enterprise]:
    codes = list({c for c in codes if c})
    out: dict[str, Enterprise] = {}
    for i in range(0, len(codes), 900):
        for e in Enterprise.objects.filter(uscc__in=codes[i : i + 900]).select_related("region"):
            out[e.uscc] = e
    return out


DELETED_REASON = "%s 对应的企业已删除：请科技局在“已删除企业”中恢复后再导入"


def deleted_codes(codes: Iterable[str]) -> set[str]:
    """Which of `codes` belong to deleted enterprises (their codes stay taken)."""
    codes = list({c for c in codes if c})
    out: set[str] = set()
    for i in range(0, len(codes), 900):
        out.update(
            Enterprise.deleted_objects.filter(uscc__in=codes[i : i + 900]).values_list(
                "uscc", flat=True
            )
        )
    return out


def _scoped_ids(actor: Any, enterprises: Iterable[Enterprise]) -> set[int]:
    ids = [e.pk for e in enterprises]
    visible: set[int] = set()
    for i in range(0, len(ids), 900):
        visible.update(
            enterprise_queryset(actor).filter(pk__in=ids[i : i + 900]).values_list("pk", flat=True)
        )
    return visible


def _area_lookup() -> dict[str, Region]:
    out: dict[str, Region] = {}
    for r in Region.objects.filter(kind__in=["street", "town", "township", "park"]):
        out[r.code] = r
        out[r.name] = r
        if r.short_name:
            out[r.short_name] = r
    return out


def _enterprise_for(
    actor: Any,
    raw_code: Any,
    known: dict[str, Enterprise],
    visible: set[int],
    editable: Callable[[Any, Enterprise], tuple[bool, str]] = can_edit_enterprise,
) -> tuple[Enterprise | None, str]:
    """The enterprise a sheet's code names, or None and the reason (for the uscc column)."""
    code = (raw_code or "").replace(" ", "").upper()
    enterprise = known.get(code)
    if enterprise is None or enterprise.pk not in visible:
        return None, unknown_code_reason(code)
    allowed, reason = editable(actor, enterprise)
    if not allowed:
        return None, reason
    return enterprise, ""


def unknown_code_reason(code: str) -> str:
    """Why a code names no enterprise the actor may change: a malformed code or a wrong
    check digit (most likely a typo) before "not in the registry"."""
    _code, errors, _warnings = v.check_uscc(code)
    if errors:
        return errors[0] if not code else f"{code} {errors[0]}"
    expected = uscc.check_digit(code[:17])
    if code[17] != expected:
        return f"{code} 校验码应为 {expected}（按GB 32100计算），请核对"
    if Enterprise.deleted_objects.filter(uscc=code).exists():
        return DELETED_REASON % code
    return f"{code} 不在企业库中或无权修改"


def _resolve_enterprise(
    actor: Any,
    values: dict[str, Any],
    row: int,
    known: dict[str, Enterprise],
    visible: set[int],
    errors: list[FieldError],
    *,
    editable: Callable[[Any, Enterprise], tuple[bool, str]] = can_edit_enterprise,
) -> Enterprise | None:
    enterprise, reason = _enterprise_for(actor, values.get("uscc"), known, visible, editable)
    if enterprise is None:
        errors.append(FieldError("uscc", "统一社会信用代码", reason, row))
    return enterprise


# -- enterprises ------------------------------------------------------------------------


def _plan_enterprises(
    actor: Any, rows: list[tuple[int, dict[str, Any]]], plan: ImportPlan
) -> Callable[[], None]:
    areas = _area_lookup()
    codes = [v.check_uscc(r.get("uscc"))[0] for _, r in rows]
    known = _enterprises_by_uscc(codes)
    deleted = deleted_codes(c for c in codes if c not in known)
    visible = _scoped_ids(actor, known.values())
    seen: dict[str, int] = {}
    creates: list[tuple[Enterprise, list[str], list[str]]] = []
    updates: list[
        tuple[Enterprise, dict[str, Any], list[str] | None, dict[str, Any], list[str]]
    ] = []
    for row, raw in rows:
        data: dict[str, Any] = {}
        for key, value in raw.items():
            if value is None and key not in ("uscc", "name", "region"):
                continue  # blank leaves the value as it is
            data[key] = value
        row_errors: list[FieldError] = []  # every error of the row, then the row is skipped
        region_text = raw.get("region")
        if region_text is not None:
            region = areas.get(str(region_text).strip())
            if region is None:
                row_errors.append(
                    FieldError(
                        "region",
                        "所属镇街/园区",
                        f"“{region_text}”不是本县的镇、街道、乡或园区",
                        row,
                    )
                )
                del data["region"]
            else:
                data["region"] = region
        if raw.get("former_names") is not None:
            data["former_names"] = [
                n for n in str(raw["former_names"]).replace(";", "；").split("；") if n.strip()
            ]
        code = v.check_uscc(raw.get("uscc"))[0]
        existing = known.get(code)
        if code and code in seen:
            row_errors.append(
                FieldError("uscc", "统一社会信用代码", f"与第{seen[code]}行重复", row)
            )
        seen.setdefault(code, row)
        if code in deleted:
            row_errors.append(FieldError("uscc", "统一社会信用代码", DELETED_REASON % code, row))
        if existing is not None and existing.pk not in visible:
            row_errors.append(
                FieldError("uscc", "统一社会信用代码", f"{code} 已登记在其他区域，无权修改", row)
            )
        clean, errors = enterprise_check(data, instance=existing, row=row)
        reported = {e.field for e in row_errors}
        row_errors += [e for e in errors if e.field not in reported]
        for w in clean.warnings:  # a wrong check digit is said even when the row has errors
            plan.warnings.append(f"第{row}行 统一社会信用代码: {w}")
        if row_errors:
            plan.errors.extend(row_errors)
            continue
        region = clean.values.get("region")
        allowed, reason = can_edit_enterprise(actor, existing, region)
        if not allowed:
            plan.errors.append(
                FieldError("region" if region else "uscc", "所属镇街/园区", reason, row)
            )
            continue
        if existing is None:
            obj = Enterprise(**clean.values)
            obj.name_initials = name_initials(obj.name)
            obj.needs_review = bool(clean.warnings)
            obj.review_reason = "；".join(clean.warnings)[:200]
            creates.append((obj, clean.former_names or [], clean.warnings))
            plan.rows.append(RowResult(row, "new", code, obj.name))
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in clean.values.items():
            old = getattr(existing, name)
            if name == "region":
                if value.pk != existing.region_id:
                    changes[name] = (existing.region.name, value.name)
            elif old != value:
                changes[name] = (jsonable(old), jsonable(value))
        new_names = None
        if clean.former_names is not None:
            current = sorted(n.name for n in existing.former_names.all())
            wanted = sorted(set(current) | set(clean.former_names))
            if wanted != current:
                changes["former_names"] = ("；".join(current), "；".join(wanted))
                new_names = [n for n in clean.former_names if n not in current]
        status = "changed" if changes else "unchanged"
        plan.rows.append(RowResult(row, status, code, existing.name, changes))
        if changes:
            updates.append((existing, changes, new_names, clean.values, clean.warnings))

    def apply() -> None:
        if creates:
            Enterprise.objects.bulk_create([c[0] for c in creates], batch_size=500)
            created = _enterprises_by_uscc(c[0].uscc for c in creates)
            FormerName.objects.bulk_create(
                [FormerName(enterprise=created[c[0].uscc], name=n) for c in creates for n in c[1]],
                batch_size=500,
            )
            # The entries `build_entry` would make, written as plain rows (one bulk INSERT).
            created_entries = EntryRows(actor=actor, model=Enterprise)
            for c in creates:
                obj = created[c[0].uscc]
                created_entries.add(
                    action="create",
                    object_id=obj.pk,
                    object_repr=str(obj),
                    after=snapshot(obj),
                    enterprise_id=obj.pk,
                    via="import",
                )
            created_entries.write()
        entries: list[AuditLog] = []
        for existing, changes, new_names, values, warnings in updates:
            # the plan read `existing` under the lock: "before" is what this writes over
            before = snapshot(existing)
            fields = [n for n in changes if n != "former_names"]
            for name in fields:
                setattr(existing, name, values[name])
            if "name" in fields:
                existing.name_initials = name_initials(existing.name)
                fields.append("name_initials")
            review = (bool(warnings), "；".join(warnings)[:200])
            if (existing.needs_review, existing.review_reason) != review:
                existing.needs_review, existing.review_reason = review
                fields += ["needs_review", "review_reason"]
            # only the fields that change: a concurrent edit of another field is kept
            existing.save(update_fields=[*fields, "updated_at"])
            for n in new_names or []:
                FormerName.objects.get_or_create(enterprise=existing, name=n)
            entries.append(
                build_entry(
                    actor=actor,
                    action="update",
                    obj=existing,
                    before=before,
                    after=snapshot(existing),
                    enterprise_id=existing.pk,
                    via="import",
                )
            )
        audit_bulk(entries)

    return apply


# -- yearly facts ----------------------------------------------------------------------

FACT_KEYS = {f.key: f.name for f in FACT_FIELDS}


def _facts_repr(enterprise: Enterprise, year: int) -> str:
    """`str()` of the YearlyFacts of `enterprise` and `year` (see YearlyFacts.__str__)."""
    return f"{enterprise} {year}年度"


def _facts_ids(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Ids of the YearlyFacts of (enterprise id, fiscal year) keys."""
    by_enterprise: dict[int, set[int]] = {}
    for enterprise_id, year in keys:
        by_enterprise.setdefault(enterprise_id, set()).add(year)
    ids = list(by_enterprise)
    years = set().union(*by_enterprise.values()) if by_enterprise else set()
    out: dict[tuple[int, int], int] = {}
    for i in range(0, len(ids), 900):
        rows = YearlyFacts.objects.filter(enterprise_id__in=ids[i : i + 900], fiscal_year__in=years)
        for pk, enterprise_id, year in rows.values_list("pk", "enterprise_id", "fiscal_year"):
            out[(enterprise_id, year)] = pk
    return out


FACT_INSERT_FIELDS = ("enterprise_id", "fiscal_year", *FACT_KEYS.values())
REVISION_FIELDS = ("facts_id", "source", "recorded_on", "recorded_by_id", "changes", "note")


def _plan_facts(
    actor: Any, rows: list[tuple[int, dict[str, Any]]], plan: ImportPlan
) -> Callable[[], None]:
    known = _enterprises_by_uscc((r.get("uscc") or "").replace(" ", "").upper() for _, r in rows)
    visible = _scoped_ids(actor, known.values())
    years: set[int] = {int(r["fiscal_year"]) for _, r in rows if r.get("fiscal_year")}
    existing: dict[tuple[int, int], YearlyFacts] = {}
    ids = [e.pk for e in known.values() if e.pk in visible]
    for i in range(0, len(ids), 900):
        for f in YearlyFacts.objects.filter(
            enterprise_id__in=ids[i : i + 900], fiscal_year__in=years
        ):
            existing[(f.enterprise_id, f.fiscal_year)] = f
    seen: dict[tuple[int, int], int] = {}
    source_missing = False  # the sheet has no 数据来源 column and a row needs one (said once)
    today = v.today()
    resolved_codes: dict[Any, tuple[Enterprise | None, str]] = {}
    year_problems: dict[Any, str | None] = {}
    errors = plan.errors
    results = plan.rows
    fact_keys = FACT_KEYS
    nones = repeat(None)
    # (enterprise, enterprise id, year, facts or None, values, changes, source, recorded_on, note)
    work: list[
        tuple[
            Enterprise,
            int,
            int,
            YearlyFacts | None,
            dict[str, Any],
            dict[str, tuple[Any, Any]],
            str,
            dt.date,
            str,
        ]
    ] = []
    for row, raw in rows:
        raw_code = raw.get("uscc")
        resolved = resolved_codes.get(raw_code)
        if resolved is None:  # a sheet names an enterprise on many rows: resolve each code once
            resolved = resolved_codes[raw_code] = _enterprise_for(actor, raw_code, known, visible)
        enterprise = resolved[0]
        if enterprise is None:
            errors.append(FieldError("uscc", "统一社会信用代码", resolved[1], row))
        year = raw.get("fiscal_year")
        if year in year_problems:
            problem = year_problems[year]
        else:
            problem = year_problems[year] = v.check_fiscal_year(year, on=today)
        if problem:
            errors.append(FieldError("fiscal_year", "会计年度", problem, row))
        recorded_on = raw.get("recorded_on") or today
        late = recorded_on > today
        if late:
            errors.append(FieldError("recorded_on", "记录日期", "不能晚于今天", row))
        key = (enterprise.id, year) if enterprise is not None and year is not None else None
        duplicate = key is not None and key in seen
        if key is not None and duplicate:
            errors.append(
                FieldError(
                    "fiscal_year", "会计年度", f"与第{seen[key]}行重复（同一企业同一年度）", row
                )
            )
        elif key is not None:
            seen[key] = row
        values = {fact_keys[k]: val for k, val in raw.items() if k in fact_keys and val is not None}
        facts = existing.get(key) if key is not None and not duplicate else None
        current = facts_current(facts) if facts is not None else {}
        problems = v.check_facts(values, current)  # the values' errors, whatever else is wrong
        if problems:
            from kechuang.enterprises.facts import FACT_BY_NAME

            errors.extend(FieldError(n, FACT_BY_NAME[n].label, m, row) for n, m in problems)
        if enterprise is None or problem or key is None or duplicate or problems or late:
            continue
        assert year is not None
        eid = enterprise.id
        # {field: (before, after)} as JSON-ready values: the preview's changes, and (as
        # JSON, where a pair is a list) the revision's
        if facts is None:  # every value is a change from unknown
            after_values = [
                val if type(val) is int else str(val) if type(val) is Decimal else jsonable(val)
                for val in values.values()
            ]
            changes = dict(zip(values, zip(nones, after_values, strict=False), strict=True))
            status = "new"
        else:
            changes = {
                n: (jsonable(current.get(n)), jsonable(val))
                for n, val in values.items()
                if _differs(current.get(n), val)
            }
            status = "changed" if changes else "unchanged"
        if status != "unchanged" and not raw.get("source"):
            if "source" in raw:
                errors.append(FieldError("source", "数据来源", "新增或修改数据时不能为空", row))
            elif not source_missing:
                source_missing = True
                errors.append(
                    FieldError("source", "数据来源", "缺少此列：新增或修改年度数据时须注明来源", 1)
                )
            continue
        results.append(
            RowResult(row, status, f"{enterprise.uscc} {year}", enterprise.name, changes)
        )
        if status != "unchanged":
            work.append(
                (
                    enterprise,
                    eid,
                    year,
                    facts,
                    values,
                    changes,
                    raw["source"],  # present: checked above
                    recorded_on,
                    raw.get("note") or "",
                )
            )

    def apply() -> None:
        from kechuang.core.bulk import insert_rows

        recorder_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        names = list(FACT_KEYS.values())
        new_rows = [
            (eid, year, *map(values.get, names))
            for _e, eid, year, facts, values, *_ in work
            if facts is None
        ]
        insert_rows(YearlyFacts, FACT_INSERT_FIELDS, new_rows)
        changed: list[YearlyFacts] = []
        changed_fields: set[str] = set()
        for *_e, facts, values, _c, _s, _r, _n in work:
            if facts is not None:
                for n, val in values.items():
                    setattr(facts, n, val)
                changed_fields.update(values)
                changed.append(facts)
        if changed:
            YearlyFacts.objects.bulk_update(
                changed, sorted(changed_fields | {"updated_at"}), batch_size=500
            )
        new_ids = _facts_ids((eid, year) for _e, eid, year, facts, *_ in work if facts is None)
        revisions = []
        entries = EntryRows(actor=actor, model=YearlyFacts)
        iso_days: dict[dt.date, str] = {}
        for enterprise, eid, year, facts, _values, changes, source, recorded_on, note in work:
            pk = new_ids[(eid, year)] if facts is None else facts.pk
            revisions.append((pk, source, recorded_on, recorder_id, changes, note))
            after: dict[str, Any] = {"fiscal_year": year}
            after.update(zip(changes, [c[1] for c in changes.values()], strict=True))
            after["source"] = source
            after["recorded_on"] = iso_days.get(recorded_on) or iso_days.setdefault(
                recorded_on, recorded_on.isoformat()
            )
            entries.add(
                action="create" if facts is None else "update",
                object_id=pk,
                object_repr=_facts_repr(enterprise, year),
                before={k: c[0] for k, c in changes.items()} if facts is not None else None,
                after=after,
                enterprise_id=eid,
                via="import",
                note=note,
            )
        insert_rows(FactRevision, REVISION_FIELDS, revisions)
        entries.write()

    return apply


def _by_numbers(model: Any, numbers: list[str]) -> list[Any]:
    """Rows whose `number` is among `numbers`, queried in chunks (SQLite caps the
    number of parameters of one query)."""
    out: list[Any] = []
    unique = list(dict.fromkeys(numbers))
    for i in range(0, len(unique), 900):
        out.extend(model.objects.filter(number__in=unique[i : i + 900]))
    return out


# -- IP items ------------------------------------------------------------------------------


def _plan_numbered(
    actor: Any,
    rows: list[tuple[int, dict[str, Any]]],
    plan: ImportPlan,
    *,
    model: Any,
    check: Callable[[dict[str, Any], int], tuple[dict[str, Any], list[FieldError]]],
    number_label: str,
    editable: Callable[[Any, Enterprise], tuple[bool, str]] = can_edit_enterprise,
) -> Callable[[], None]:
    """Records identified by (kind, number) and owned by an enterprise: IP items and
    certificates. A number registered to another enterprise is an error."""
    known = _enterprises_by_uscc((r.get("uscc") or "").replace(" ", "").upper() for _, r in rows)
    visible = _scoped_ids(actor, known.values())
    numbers = [(r.get("number") or "").strip() for _, r in rows]
    existing = {(o.kind, o.number): o for o in _by_numbers(model, [n for n in numbers if n])}
    seen: dict[tuple[str, str], int] = {}
    creates: list[Any] = []
    updates: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
    for row, raw in rows:
        enterprise = _resolve_enterprise(
            actor, raw, row, known, visible, plan.errors, editable=editable
        )
        data = {k: val for k, val in raw.items() if k != "uscc" and val is not None}
        clean, errors = check(data, row)
        if errors:
            plan.errors.extend(errors)
        if enterprise is None or errors:
            continue
        key = (clean["kind"], clean["number"])
        if key in seen:
            plan.errors.append(FieldError("number", number_label, f"与第{seen[key]}行重复", row))
            continue
        seen[key] = row
        obj = existing.get(key)
        if obj is not None and obj.enterprise_id != enterprise.pk:
            plan.errors.append(
                FieldError("number", number_label, f"{key[1]} 已登记在其他企业名下", row)
            )
            continue
        if obj is None:
            new = model(enterprise=enterprise, **clean)
            if isinstance(new, IPItem):  # bulk_create skips save(), which derives the class
                new.ip_class = ip_classes.ip_class(new.kind)
            creates.append(new)
            plan.rows.append(RowResult(row, "new", key[1], enterprise.name))
            continue
        changes = {
            k: (jsonable(getattr(obj, k)), jsonable(val))
            for k, val in clean.items()
            if getattr(obj, k) != val
        }
        plan.rows.append(
            RowResult(row, "changed" if changes else "unchanged", key[1], enterprise.name, changes)
        )
        if changes:
            updates.append((obj, {k: clean[k] for k in changes}, snapshot(obj)))

    def apply() -> None:
        model.objects.bulk_create(creates, batch_size=1000)
        made = {(o.kind, o.number): o for o in _by_numbers(model, [c.number for c in creates])}
        # The entries `build_entry` would make, written as plain rows (one bulk INSERT).
        entries = EntryRows(actor=actor, model=model)
        for c in creates:
            obj = made[(c.kind, c.number)]
            entries.add(
                action="create",
                object_id=obj.pk,
                object_repr=str(obj),
                after=snapshot(obj),
                enterprise_id=c.enterprise_id,
                via="import",
            )
        for obj, data, before in updates:
            for k, val in data.items():
                setattr(obj, k, val)
            obj.save(update_fields=list(data))  # only the fields that change
            entries.add(
                action="update",
                object_id=obj.pk,
                object_repr=str(obj),
                before=before,
                after=snapshot(obj),
                enterprise_id=obj.enterprise_id,
                via="import",
            )
        entries.write()

    return apply


def _ip_check(data: dict[str, Any], row: int) -> tuple[dict[str, Any], list[FieldError]]:
    data.setdefault("acquisition", IPItem.Acquisition.SELF)
    errors = ip_check(data, row)
    if not errors:
        data["number"] = data["number"].strip()
    return data, errors


def _plan_ip(
    actor: Any, rows: list[tuple[int, dict[str, Any]]], plan: ImportPlan
) -> Callable[[], None]:
    return _plan_numbered(
        actor, rows, plan, model=IPItem, check=_ip_check, number_label="授权号/登记号"
    )


def _plan_certificates(
    actor: Any, rows: list[tuple[int, dict[str, Any]]], plan: ImportPlan
) -> Callable[[], None]:
    return _plan_numbered(
        actor,
        rows,
        plan,
        model=Certificate,
        check=certificate_check,
        number_label="证书编号",
        editable=can_manage_certificates,
    )


KINDS: dict[str, Kind] = {
    "enterprises": Kind(
        "enterprises",
        "企业名录",
        ENTERPRISE_COLUMNS,
        _plan_enterprises,
        "每行一家企业；统一社会信用代码已存在的更新，不存在的新增。空白单元格不修改已有值。",
    ),
    "facts": Kind(
        "facts",
        "年度数据",
        FACT_COLUMNS,
        _plan_facts,
        "每行一家企业一个会计年度；金额单位万元。空白表示未知，不修改已有值。",
    ),
    "ip": Kind("ip", "知识产权", IP_COLUMNS, _plan_ip, "每行一项知识产权，按类型+授权号识别。"),
    "certificates": Kind(
        "certificates",
        "资质证书",
        CERTIFICATE_COLUMNS,
        _plan_certificates,
        "每行一张证书：高新技术企业、科技型中小企业入库登记或省高企培育库入库。",
    ),
}

KIND_ALIASES = {
    "enterprise": "enterprises",
    "fact": "facts",
    "yearly-facts": "facts",
    "yearly_facts": "facts",
    "certificate": "certificates",
    "certs": "certificates",
    "ip-items": "ip",
    "ip_items": "ip",
}


def get_kind(key: str) -> Kind:
    key = KIND_ALIASES.get(key, key)
    if key not in KINDS:
        raise ValidationFailed([], f"未知的导入类型“{key}”，可选：{'、'.join(KINDS)}")
    return KINDS[key]


def import_run(
    *,
    actor: Any,
    kind: str,
    data: bytes,
    filename: str,
    commit: bool,
    max_rows: int | None = None,
) -> ImportPlan:
    """Parse, check and (with `commit`) write a sheet. Checking happens inside the
    transaction that writes, so a preview that has gone stale cannot half-land."""
    from django.conf import settings

    spec = get_kind(kind)
    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)
    with _gc_paused():
        return _import_run(
            actor, spec, data, filename, commit, max_rows or settings.IMPORT_MAX_ROWS
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a sheet is imported: its tens of thousands of
    short-lived dicts and tuples (freed by reference counting, no cycles) would otherwise
    set off collections that walk every object of the process, again and again.
    Collection resumes (if it was on) as soon as the import ends, however it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_run(
    actor: Any, spec: Kind, data: bytes, filename: str, commit: bool, max_rows: int
) -> ImportPlan:
    table: Table = read_table(data, filename, max_rows=max_rows)
    index, warnings = map_columns(table, spec.columns)
    if not table.rows:
        raise ValidationFailed([], "文件中没有数据行")
    plan = ImportPlan(spec.key, warnings=list(warnings))
    with transaction.atomic():
        if commit:
            # before anything is read: what the plan compares with is then what it writes over
            lock_enterprises(_sheet_codes(table, index))
        apply = None
        if spec.key == "facts":
            # a clean sheet, column by column; any other goes row by row, below
            apply = facts_import.plan_facts(actor, table, spec.columns, index, plan)
        if apply is None:
            # every row is checked, a cell that failed to parse left out of its row, so
            # that each row's every error is reported
            rows, errors = parse_rows(table, spec.columns, index)
            apply = spec.plan(actor, rows, plan)
            plan.finish(total=len(table.rows), parse_errors=errors)
        else:
            plan.finish(total=len(table.rows))
        if commit:
            if plan.errors:
                raise ValidationFailed(plan.errors)
            try:
                with transaction.atomic():
                    apply()
                    # bulk writes send no signals: the cached figures' new generation
                    registry_changed()
            except IntegrityError:
                # a record this sheet adds was added meanwhile by another user (an
                # enterprise's code, a year's facts, an IP or certificate number)
                raise _added_meanwhile(spec.key, plan) from None
            plan.imported = True
    return plan


def _sheet_codes(table: Table, index: dict[str, int]) -> list[str]:
    """The enterprise codes a sheet names (as the plans normalise them)."""
    col = index.get("uscc")
    if col is None:
        return []
    return [
        str(r[col]).replace(" ", "").upper()
        for _, r in table.rows
        if len(r) > col and r[col] is not None
    ]


def lock_enterprises(codes: Iterable[str]) -> list[int]:
    """Lock (SELECT … FOR UPDATE) the enterprises of `codes`, in primary-key order, and
    return their ids. Every writer that locks several enterprises takes them in this
    order, so two of them wait for each other instead of deadlocking. A concurrent
    import or edit of the same firms waits here until this transaction commits."""
    distinct = sorted(set(codes))
    pks: list[int] = []
    for i in range(0, len(distinct), 900):
        pks.extend(
            Enterprise.objects.filter(uscc__in=distinct[i : i + 900]).values_list("pk", flat=True)
        )
    pks.sort()
    for i in range(0, len(pks), 900):
        list(
            Enterprise.objects.select_for_update()
            .filter(pk__in=pks[i : i + 900])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return pks


def _added_meanwhile(kind: str, plan: ImportPlan) -> Conflict:
    """The conflict of an import whose new rows another user added first: which rows,
    read again (the other transaction has committed)."""
    new = [r for r in plan.rows if r.status == "new"]
    taken: list[RowResult] = []
    if kind == "enterprises":
        codes = {r.key for r in new}
        exist = set(
            Enterprise.objects.filter(uscc__in=list(codes)[:900]).values_list("uscc", flat=True)
        )
        taken = [r for r in new if r.key in exist]
    shown = "、".join(f"第{r.row}行 {r.key}" for r in taken[:10])
    more = f"等{len(taken)}行" if len(taken) > 10 else ""
    what = f"（{shown}{more}）" if taken else ""
    return Conflict(
        f"导入期间，其他用户刚刚新增了本表中的记录{what}，本次未写入任何数据。"
        "请重新上传，预览会按最新数据对比后再确认导入"
    )


def template_columns(kind: str) -> list[Column]:
    return get_kind(kind).columns


def template_lists(kind: str) -> dict[str, list[str]]:
    areas = [
        r.name
        for r in Region.objects.filter(kind__in=["street", "town", "township", "park"]).order_by(
            "sort_order", "code"
        )
    ]
    domains = list(tech_domains.DOMAINS)
    lists: dict[str, list[str]] = {}
    if kind == "enterprises":
        lists["region"] = areas
        lists["tech_domain"] = domains
    return lists


def money_out(value: Decimal | None) -> Decimal | None:
    from kechuang.core.money import yuan_to_wan

    return None if value is None else yuan_to_wan(value)


# -- export ------------------------------------------------------------------------------


def export_table(
    kind: str, enterprises: Any, *, year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    """Headers and rows of `kind` for a (scoped, filtered) enterprise queryset, in the
    import layout, so that an export edited in Excel imports back."""
    spec = get_kind(kind)
    headers = [c.header for c in spec.columns]
    status_label = dict(Enterprise.Status.choices)
    if spec.key == "enterprises":

        def ent_rows() -> Iterable[list[Any]]:
            for e in enterprises.select_related("region").prefetch_related("former_names"):
                yield [
                    e.uscc,
                    e.name,
                    "；".join(f.name for f in e.former_names.all()),
                    e.region.name,
                    e.address,
                    e.industry_code,
                    e.registered_on,
                    e.tech_domain,
                    e.is_above_scale,
                    e.is_listed,
                    status_label[e.status],
                    e.contact_name,
                    e.contact_phone,
                ]

        return headers, ent_rows()
    if spec.key == "facts":
        from django.db.models import OuterRef, Subquery

        latest_source = (
            FactRevision.objects.filter(facts=OuterRef("pk"))
            .order_by("-recorded_on", "-pk")
            .values("source")[:1]
        )
        facts = (
            YearlyFacts.objects.filter(enterprise__in=enterprises)
            .select_related("enterprise")
            .annotate(last_source=Subquery(latest_source))
        )
        if year:
            facts = facts.filter(fiscal_year=year)
        # 数据来源: that of the latest recording (a row edited in Excel may name another)
        headers = [c.header for c in spec.columns if c.key not in ("recorded_on", "note")]

        def fact_rows() -> Iterable[list[Any]]:
            for f in facts.order_by("enterprise__name", "fiscal_year"):
                row: list[Any] = [f.enterprise.uscc, f.enterprise.name, f.fiscal_year]
                for spec_f in FACT_FIELDS:
                    value = getattr(f, spec_f.name)
                    row.append(money_out(value) if spec_f.kind == "money" else value)
                row.append(Source.LABELS.get(f.last_source or "", ""))
                yield row

        return headers, fact_rows()
    if spec.key == "ip":
        items = IPItem.objects.filter(enterprise__in=enterprises).select_related("enterprise")
        acq = dict(IPItem.Acquisition.choices)

        def ip_rows() -> Iterable[list[Any]]:
            for i in items.order_by("enterprise__name", "granted_on"):
                yield [
                    i.enterprise.uscc,
                    i.enterprise.name,
                    ip_classes.KINDS[i.kind][0],
                    i.number,
                    i.title,
                    i.granted_on,
                    acq[i.acquisition],
                    i.is_valid,
                ]

        return headers, ip_rows()
    certs = Certificate.objects.filter(enterprise__in=enterprises).select_related("enterprise")
    kind_label = dict(Certificate.Kind.choices)

    def cert_rows() -> Iterable[list[Any]]:
        for c in certs.order_by("enterprise__name", "issued_on"):
            yield [
                c.enterprise.uscc,
                c.enterprise.name,
                kind_label[c.kind],
                c.number,
                c.issued_on,
                c.valid_from,
                c.valid_until,
                c.batch,
                c.revoked_on,
                c.note,
            ]

    return headers, cert_rows()


# -- the registry's kinds, declared to the frame (contributions.IMPORTS) -----------------


def _runner(key: str) -> Any:
    def run(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
        return import_run(actor=actor, kind=key, data=data, filename=filename, commit=commit)

    return run


def _exporter(key: str) -> Any:
    def export(
        *, actor: Any, region: str = "", year: int | None = None
    ) -> tuple[list[str], Iterable[list[Any]]]:
        qs = enterprise_queryset(actor)
        if region:
            area = Region.objects.filter(code=region).first()
            if area is None:
                raise ValidationFailed([], f"区域 {region} 不存在")
            qs = qs.in_region(area)
        return export_table(key, qs, year=year)

    return export


def _lists(key: str) -> Any:
    return lambda: template_lists(key)


IMPORT_KINDS: list[ImportKind] = [
    ImportKind(
        key=k.key,
        title=k.title,
        columns=k.columns,
        run=_runner(k.key),
        permission=can_import,
        note=k.note,
        aliases=tuple(a for a, target in KIND_ALIASES.items() if target == k.key),
        template_lists=_lists(k.key),
        export=_exporter(k.key),
        order=10 + n,
    )
    for n, k in enumerate(KINDS.values())
]

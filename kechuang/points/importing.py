"""积分补充数据 as an import kind (`/imports/`, `kechuang import|export|template
points_facts`): one row per enterprise and year; blank cells are unknown and leave the
stored value as it is; the export re-imports as it is."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.money import yuan_to_wan
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.points import services
from kechuang.points.models import PointsFacts

KIND = "points_facts"
VALUES = list(services.FACT_LABELS)
COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("name", "企业名称", "text", info=True),
    Column("year", "年度", "year", required=True),
    Column("tax_paid_yuan", "纳税总额（万元）", "money_wan"),
    Column("tech_contract_yuan", "技术合同成交额（万元）", "money_wan"),
    Column("rd_institutions", "市级以上研发机构（个）", "int"),
    Column("talents", "市级以上人才项目入选（人）", "int"),
    Column("awards", "市级以上科技奖励（项）", "int"),
    Column("major_incident", "发生重大安全、质量、环境事故", "bool"),
    Column("credit_blacklisted", "列入严重失信主体名单", "bool"),
]
LABELS = {c.key: c.header for c in COLUMNS}


def can_import(actor: Any) -> tuple[bool, str]:
    return services.can_manage(actor)


def _shown(value: Any) -> Any:
    return "是" if value is True else "否" if value is False else value


def facts_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    """Every row valid and of an enterprise in the actor's scope, or nothing is written."""
    from kechuang.enterprises.selectors import enterprise_queryset

    table = read_table(data, filename, max_rows=20000)
    index, warnings = map_columns(table, COLUMNS)
    rows, errors = parse_rows(table, COLUMNS, index)
    plan = ImportPlan(KIND, warnings=list(warnings))
    firms = {e.uscc: e for e in enterprise_queryset(actor).only("pk", "uscc", "name")}
    clean: list[tuple[int, Any, int, dict[str, Any]]] = []
    seen: set[tuple[str, int]] = set()
    for row_no, values in rows:
        firm = firms.get(values["uscc"])
        if firm is None:
            errors.append(FieldError("uscc", "统一社会信用代码", "不在企业库中或无权修改", row_no))
            continue
        if (firm.uscc, values["year"]) in seen:
            errors.append(FieldError("year", "年度", "同一企业同一年度重复出现", row_no))
            continue
        seen.add((firm.uscc, values["year"]))
        given = {k: values[k] for k in VALUES if values.get(k) is not None}
        clean.append((row_no, firm, values["year"], given))
    plan.errors = sorted(errors, key=lambda e: e.row or 0)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    existing = {
        (f.enterprise_id, f.year): f
        for f in PointsFacts.objects.filter(
            enterprise_id__in=[c[1].pk for c in clean], year__in={c[2] for c in clean}
        )
    }
    with transaction.atomic():
        for row_no, firm, year, given in clean:
            row = existing.get((firm.pk, year))
            changes = {
                LABELS[k]: (_shown(getattr(row, k) if row else None), _shown(v))
                for k, v in given.items()
                if row is None or getattr(row, k) != v
            }
            status = "new" if row is None else ("changed" if changes else "unchanged")
            plan.rows.append(RowResult(row_no, status, f"{firm.uscc} {year}", firm.name, changes))
            if commit and status != "unchanged":
                obj = row or PointsFacts(enterprise=firm, year=year)
                before = snapshot(obj, VALUES) if row else None
                for k, v in given.items():
                    setattr(obj, k, v)
                obj.save()
                audit_log(
                    actor=actor,
                    action="update" if row else "create",
                    obj=obj,
                    before=before,
                    after=snapshot(obj, VALUES),
                    enterprise_id=firm.pk,
                    via="import",
                )
        plan.imported = commit
    return plan


def facts_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    """The stored rows in the import layout (money in 万元), as the actor may see them."""
    qs = PointsFacts.objects.visible_to(actor).select_related("enterprise")
    if region:
        qs = qs.filter(enterprise__region__path__contains=f"{region}/")
    if year is not None:
        qs = qs.filter(year=year)

    def cell(obj: PointsFacts, key: str) -> Any:
        value = getattr(obj, key)
        if value is None:
            return None
        if key.endswith("_yuan"):
            return yuan_to_wan(value).quantize(Decimal("0.000001")).normalize()
        return _shown(value)

    rows = (
        [o.enterprise.uscc, o.enterprise.name, o.year, *[cell(o, k) for k in VALUES]]
        for o in qs.order_by("enterprise__name", "year").iterator(chunk_size=500)
    )
    return [c.header for c in COLUMNS], rows

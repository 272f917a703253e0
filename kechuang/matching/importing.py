"""The 专家库 sheet: import (upsert by name and institution) and export in the same
layout, so an export imports back unchanged. Every row valid or nothing written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES
from kechuang.matching import services
from kechuang.matching.models import Expert, Institution
from kechuang.matching.permissions import can_edit_supply

DOMAINS = {label: code for code, label in TECH_DOMAIN_CHOICES}
FIELDS = ("title", "domain", "fields", "achievements", "contact")
COLUMNS = [
    Column("name", "姓名", "text", required=True, max_length=40),
    Column(
        "institution", "单位", "text", required=True, max_length=100, help="须为高校院所库中的名称"
    ),
    Column("title", "职称", "text", max_length=40),
    Column("domain", "技术领域", "choice", choices=DOMAINS),
    Column("fields", "研究方向", "text", required=True, max_length=300),
    Column("achievements", "主要成果", "text", max_length=4000),
    Column("contact", "联系方式", "text", max_length=100),
]


def experts_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    table = read_table(data, filename, max_rows=10000)
    index, warnings = map_columns(table, COLUMNS)
    rows, cell_errors = parse_rows(table, COLUMNS, index)
    plan = ImportPlan("iur_experts", warnings=list(warnings))
    insts = {i.name: i for i in Institution.objects.all()}
    existing = {(x.name, x.institution_id): x for x in Expert.objects.select_related("institution")}
    todo: list[tuple[int, dict[str, Any], Institution, Expert | None]] = []
    seen: dict[tuple[str, int], int] = {}
    for row_no, v in rows:
        inst = insts.get(v["institution"])
        if inst is None:
            plan.errors.append(
                FieldError(
                    "institution", "单位", f"“{v['institution']}”不在高校院所库中，请先添加", row_no
                )
            )
            continue
        key = (v["name"], inst.pk)
        if key in seen:
            plan.errors.append(FieldError("name", "姓名", f"与第{seen[key]}行重复", row_no))
            continue
        seen[key] = row_no
        todo.append((row_no, v, inst, existing.get(key)))
    plan.finish(total=len(rows) + len({e.row for e in cell_errors}), parse_errors=cell_errors)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    with transaction.atomic():
        for row_no, v, inst, old in todo:
            new = {k: v.get(k) or "" for k in FIELDS}
            before = {k: getattr(old, k) for k in FIELDS} if old else None
            changes = {
                k: (before[k] if before else None, new[k])
                for k in FIELDS
                if before is None or (v.get(k) is not None and before[k] != new[k])
            }
            status = "new" if old is None else ("changed" if changes else "unchanged")
            plan.rows.append(
                RowResult(row_no, status, f"{v['name']} {inst.name}", v["name"], changes)
            )
            if commit and status != "unchanged":
                values: dict[str, Any] = {
                    **({k: getattr(old, k) for k in FIELDS} if old else {}),
                    **{k: v[k] for k in FIELDS if v.get(k) is not None},
                    "name": v["name"],
                    "institution": inst,
                }
                services.expert_save(actor=actor, data=values, expert=old, via="import")
        plan.imported = commit
    return plan


def experts_export(
    *, actor: Any, region: Any = None, year: Any = None
) -> tuple[list[str], Iterable[list[Any]]]:
    labels = dict(TECH_DOMAIN_CHOICES)
    rows = (
        [
            x.name,
            x.institution.name,
            x.title,
            labels.get(x.domain, ""),
            x.fields,
            x.achievements,
            x.contact,
        ]
        for x in Expert.objects.filter(active=True)
        .select_related("institution")
        .order_by("name", "id")
    )
    return [c.header for c in COLUMNS], rows


def can_import(actor: Any) -> tuple[bool, str]:
    return can_edit_supply(actor)

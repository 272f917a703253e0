"""The science-plan projects sheet (科技计划项目): a whole batch from the provincial or
city list, one row per project. Every row valid and in the actor's scope, or nothing is
written; its export (the project list's 导出, and `kechuang export science_plan`) has
the same columns, so that an edited export imports back."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.platforms import services
from kechuang.platforms.models import PlanProject
from kechuang.platforms.workflow import PROGRAMME, WORKFLOW
from kechuang.programmes import services as frame
from kechuang.programmes.models import Award
from kechuang.programmes.workflow import STAFF

LEVEL_CHOICES = {label: key for key, label in services.PLAN_LEVELS}
STAGE_CHOICES = {s.label: s.key for s in WORKFLOW.stages}
COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("name", "企业名称", "text", info=True),
    Column("year", "申报年度", "year", required=True),
    Column("level", "级别", "choice", required=True, choices=LEVEL_CHOICES),
    Column("scheme", "计划类别", "text", required=True, max_length=60),
    Column("title", "项目名称", "text", required=True, max_length=200),
    Column("applied_on", "申报日期", "date", required=True),
    Column("stage", "状态", "choice", required=True, choices=STAGE_CHOICES),
    Column(
        "decided_on", "办理日期", "date", help="状态不是“已申报”时必填：立项、中期检查或验收的日期"
    ),
    Column("granted", "资助金额（万元）", "money_wan"),
    Column("paid_on", "拨付日期", "date"),
]


def can_import(actor: Any) -> tuple[bool, str]:
    return services.can_decide(actor)


def path_to(frm: str, to: str) -> list[str] | None:
    """The stages from `frm` to `to` along the workflow's moves the bureau may make."""
    if frm == to:
        return []
    seen = {frm: [frm]}
    queue = deque([frm])
    while queue:
        stage = queue.popleft()
        for nxt in WORKFLOW.next_stages(stage, STAFF):
            if nxt not in seen:
                seen[nxt] = [*seen[stage], nxt]
                if nxt == to:
                    return seen[nxt][1:]
                queue.append(nxt)
    return None


def _key(year: int, title: str) -> str:
    return f"{year}:{title}"[:40]


def projects_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    from kechuang.enterprises.selectors import enterprise_queryset

    table = read_table(data, filename, max_rows=5000)
    index, warnings = map_columns(table, COLUMNS)
    rows, parse_errors = parse_rows(table, COLUMNS, index)
    plan = ImportPlan(PROGRAMME, warnings=list(warnings))
    usccs = {v.get("uscc") for _, v in rows if v.get("uscc")}
    firms = {e.uscc: e for e in enterprise_queryset(actor).filter(uscc__in=usccs)}
    existing = {
        (p.enterprise_id, p.unique_key): p
        for p in PlanProject.objects.of(PROGRAMME).filter(enterprise__in=firms.values())
    }
    granted = {
        a.application_id: a for a in Award.objects.filter(application__in=list(existing.values()))
    }
    errors: list[FieldError] = []
    work: list[tuple[int, Any, dict[str, Any], Any, list[str]]] = []
    seen: dict[tuple[int, str], int] = {}
    failed_rows = {e.row for e in parse_errors}
    for row_no, v in rows:
        if row_no in failed_rows:
            continue

        def err(field: str, label: str, message: str, row: int = row_no) -> None:
            errors.append(FieldError(field, label, message, row))

        firm = firms.get(v["uscc"].upper())
        if firm is None:
            err("uscc", "统一社会信用代码", "不在企业库中或不属于本区域")
            continue
        key = _key(v["year"], v["title"])
        if (firm.pk, key) in seen:
            err("title", "项目名称", f"与第{seen[(firm.pk, key)]}行重复")
            continue
        seen[(firm.pk, key)] = row_no
        if v["applied_on"].year != v["year"]:
            err("applied_on", "申报日期", f"不在{v['year']}年")
        current = existing.get((firm.pk, key))
        start = current.stage if current else WORKFLOW.initial
        steps = path_to(start, v["stage"])
        if steps is None:
            err(
                "stage",
                "状态",
                f"已是“{WORKFLOW.label_of(start)}”，不能改为“{WORKFLOW.label_of(v['stage'])}”",
            )
            continue
        decided = v.get("decided_on")
        if steps and decided is None:
            err("decided_on", "办理日期", f"状态为“{WORKFLOW.label_of(v['stage'])}”时不能为空")
        if decided and decided < v["applied_on"]:
            err("decided_on", "办理日期", "早于申报日期")
        amount = v.get("granted")
        if amount is not None and v["stage"] not in ("approved", "midterm", "accepted", "failed"):
            err("granted", "资助金额", "未立项的项目不能有资助金额")
        if v.get("paid_on") is not None and amount is None:
            err("paid_on", "拨付日期", "没有资助金额")
        if v.get("paid_on") and decided and v["paid_on"] < decided:
            err("paid_on", "拨付日期", "早于办理日期")
        old_award = granted.get(current.pk) if current else None
        if old_award is not None and amount is not None and old_award.amount_yuan != amount:
            err(
                "granted",
                "资助金额",
                f"已登记资助{old_award.amount_yuan / 10000}万元，不能在导入中更改",
            )
        work.append((row_no, firm, v, current, steps))
    todo: list[tuple[Any, Any, dict[str, Any], Any, list[str], Any, bool, bool]] = []
    for row_no, firm, v, current, steps in work:
        award = granted.get(current.pk) if current else None
        new_award = v.get("granted") is not None and award is None
        new_pay = v.get("paid_on") is not None and (award is None or award.paid_on is None)
        status = (
            "new"
            if current is None
            else ("changed" if steps or new_award or new_pay else "unchanged")
        )
        changes: dict[str, tuple[Any, Any]] = {}
        if steps:
            changes["状态"] = (
                WORKFLOW.label_of(current.stage) if current else None,
                WORKFLOW.label_of(v["stage"]),
            )
        if new_award:
            changes["资助金额（万元）"] = (None, v["granted"] / 10000)
        plan.rows.append(RowResult(row_no, status, f"{firm.uscc} {v['title']}", firm.name, changes))
        if status != "unchanged":
            todo.append((row_no, firm, v, current, steps, award, new_award, new_pay))
    plan.errors = errors
    plan.finish(total=len(table.rows), parse_errors=parse_errors)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    if not commit:
        return plan
    with transaction.atomic():
        for _row_no, firm, v, current, steps, award, new_award, new_pay in todo:
            project = current or services.project_open(
                actor=actor,
                enterprise=firm,
                data={
                    "year": v["year"],
                    "level": v["level"],
                    "scheme": v["scheme"],
                    "title": v["title"],
                    "applied_on": v["applied_on"],
                },
                via="import",
            )
            on: dt.date = v.get("decided_on") or v["applied_on"]
            for stage in steps:
                frame.application_transition(
                    actor=actor, application=project, to=stage, on=on, note="导入", via="import"
                )
            if new_award:
                award = frame.award_grant(
                    actor=actor,
                    application=project,
                    title=f"{v['scheme']}资助",
                    amount_yuan=v["granted"],
                    granted_on=on,
                    via="import",
                )
            if new_pay and award is not None:
                frame.award_pay(actor=actor, award=award, paid_on=v["paid_on"], via="import")
        plan.imported = commit
    return plan


def project_rows(items: Iterable[Any]) -> Iterable[list[Any]]:
    """Rows in the import layout (granted amounts in 万元)."""
    from kechuang.platforms.selectors import applied_on, decided_on, paid_on

    for p in items:
        awards = list(p.awards.all())
        total = sum((a.amount_yuan for a in awards), Decimal(0)) if awards else None
        paid = paid_on(p)
        decided = decided_on(p)
        yield [
            p.enterprise.uscc,
            p.enterprise.name,
            p.year,
            dict(services.PLAN_LEVELS).get(p.kind, p.kind),
            p.data.get("scheme", ""),
            p.title,
            applied_on(p),
            WORKFLOW.label_of(p.stage),
            decided,
            None if total is None else (total / 10000).quantize(Decimal("0.01")),
            paid,
        ]


def projects_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    from kechuang.accounts.models import Region
    from kechuang.platforms.selectors import projects

    qs = projects(actor=actor).prefetch_related("awards", "events")
    if region:
        area = Region.objects.filter(code=region).first()
        if area is None:
            raise ValidationFailed([], f"区域 {region} 不存在")
        qs = qs.in_region(area)
    if year is not None:
        qs = qs.filter(year=year)
    return [c.header for c in COLUMNS], project_rows(qs.order_by("-year", "enterprise__name", "id"))

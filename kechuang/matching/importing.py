"""The sheets of 产学研对接: 专家库 (upsert by name and institution), 高校院所, 待转化成果,
技术需求, 科技合作协议 and 校企联盟 (with members), each exported in the layout it imports,
so that an export imports back unchanged. Every row valid or nothing written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.money import yuan_to_wan
from kechuang.core.sheets import Layout, RowError, Sheet, each, names, one, run_sheet
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES, Enterprise
from kechuang.matching import services
from kechuang.matching.models import (
    Achievement,
    Agreement,
    Alliance,
    AllianceMember,
    Demand,
    Expert,
    Institution,
)
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


def experts_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    return experts_sheet(actor, Expert.objects.filter(active=True).order_by("name", "id"))


def experts_sheet(actor: Any, records: Any) -> Layout:
    """专家库 in the layout it imports, for these experts (a list's rows, say)."""
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
        for x in each(records, "institution")
    )
    return [c.header for c in COLUMNS], rows


def can_import(actor: Any) -> tuple[bool, str]:
    return can_edit_supply(actor)


# -- the other lists of this app: each export imports back unchanged ---------------------

INSTITUTION_KINDS = {label: code for code, label in Institution.Kind.choices}


def _no_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {}


def _institutions(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"inst": {i.name: i for i in Institution.objects.all()}}


INSTITUTION_COLUMNS = [
    Column("name", "名称", "text", required=True, max_length=100),
    Column("kind", "类型", "choice", required=True, choices=INSTITUTION_KINDS),
    Column("city", "所在地", "text", max_length=40),
    Column("strengths", "优势学科", "text", max_length=2000),
    Column("contact", "联系方式", "text", max_length=100),
]


def _institution_save(actor: Any, v: dict[str, Any], old: Any, lookups: Any) -> None:
    services.institution_save(actor=actor, data=v, institution=old, via="import")


INSTITUTIONS = Sheet(
    kind="iur_institutions",
    columns=INSTITUTION_COLUMNS,
    lookups=_institutions,
    resolve=lambda actor, v, lk: (v["name"], v),
    existing=lambda lk, key: lk["inst"].get(key),
    current=lambda lk, x: {
        k: getattr(x, k) for k in ("name", "kind", "city", "strengths", "contact")
    },
    save=_institution_save,
    label=lambda v: v["name"],
)


def institutions_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(INSTITUTIONS, actor=actor, data=data, filename=filename, commit=commit)


def institutions_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    return institutions_sheet(actor, Institution.objects.order_by("name"))


def institutions_sheet(actor: Any, records: Any) -> Layout:
    labels = dict(Institution.Kind.choices)
    rows = ([i.name, labels.get(i.kind, ""), i.city, i.strengths, i.contact] for i in each(records))
    return [c.header for c in INSTITUTION_COLUMNS], rows


# achievements: keyed by title and holder


ACHIEVEMENT_COLUMNS = [
    Column("title", "成果名称", "text", required=True, max_length=120),
    Column("institution", "持有单位", "text", required=True, max_length=100),
    Column("expert", "成果负责人", "text", max_length=40, help="须为持有单位的专家"),
    Column("domain", "技术领域", "choice", choices=DOMAINS),
    Column("description", "成果简介", "text", required=True, max_length=4000),
    Column("patents", "相关专利", "text", max_length=300),
    Column("terms", "转化方式", "text", max_length=200),
    Column("asking_yuan", "转让意向价（万元）", "money_wan"),
]


def _achievement_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[tuple[str, int], Achievement] = {}
    for a in Achievement.objects.select_related("institution", "expert").order_by("-id"):
        found[(a.title, a.institution_id)] = a  # the oldest of a duplicated title wins
    return {
        **_institutions(actor, rows),
        "experts": {(x.institution_id, x.name): x for x in Expert.objects.all()},
        "achievements": found,
    }


def _institution_of(v: dict[str, Any], lk: Any, field: str = "institution") -> Institution:
    label = next(c.label for c in [*ACHIEVEMENT_COLUMNS, *AGREEMENT_COLUMNS] if c.key == field)
    return one(lk["inst"], v[field], field, label, "不在高校院所库中，请先添加")  # type: ignore[no-any-return]


def _achievement_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    inst = _institution_of(v, lk)
    expert = None
    if v.get("expert"):
        expert = lk["experts"].get((inst.pk, v["expert"]))
        if expert is None:
            raise RowError("expert", "成果负责人", f"“{v['expert']}”不是{inst.name}的专家")
    return (v["title"], inst.pk), {**v, "_institution": inst, "_expert": expert}


def _achievement_current(lk: Any, a: Achievement) -> dict[str, Any]:
    return {
        "title": a.title,
        "institution": a.institution.name,
        "expert": a.expert.name if a.expert else "",
        "domain": a.domain,
        "description": a.description,
        "patents": a.patents,
        "terms": a.terms,
        "asking_yuan": a.asking_yuan,
    }


def _achievement_save(actor: Any, v: dict[str, Any], old: Any, lk: Any) -> None:
    services.achievement_save(
        actor=actor,
        data={**v, "institution": v["_institution"], "expert": v["_expert"]},
        achievement=old,
        via="import",
    )


ACHIEVEMENTS = Sheet(
    kind="iur_achievements",
    columns=ACHIEVEMENT_COLUMNS,
    lookups=_achievement_lookups,
    resolve=_achievement_resolve,
    existing=lambda lk, key: lk["achievements"].get(key),
    current=_achievement_current,
    save=_achievement_save,
    label=lambda v: f"{v['title']}（{v['institution']}）",
)


def achievements_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(ACHIEVEMENTS, actor=actor, data=data, filename=filename, commit=commit)


def achievements_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    return achievements_sheet(actor, Achievement.objects.order_by("title", "id"))


def achievements_sheet(actor: Any, records: Any) -> Layout:
    labels = dict(TECH_DOMAIN_CHOICES)
    rows = (
        [
            a.title,
            a.institution.name,
            a.expert.name if a.expert else "",
            labels.get(a.domain, ""),
            a.description,
            a.patents,
            a.terms,
            yuan_to_wan(a.asking_yuan) if a.asking_yuan is not None else None,
        ]
        for a in each(records, "institution", "expert")
    )
    return [c.header for c in ACHIEVEMENT_COLUMNS], rows


# demands: an enterprise's, keyed by its USCC and the demand's title

DEMAND_STATUSES = {label: code for code, label in Demand.Status.choices}
DEMAND_COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("enterprise_name", "企业名称", "text", info=True),
    Column("title", "需求名称", "text", required=True, max_length=120),
    Column("description", "需求描述", "text", required=True, max_length=4000),
    Column("domain", "技术领域", "choice", choices=DOMAINS),
    Column("budget_yuan", "预算（万元）", "money_wan"),
    Column("deadline_on", "期望解决日期", "date"),
    Column("status", "状态", "choice", required=True, choices=DEMAND_STATUSES),
    Column("posted_on", "发布日期", "date", required=True),
]


def _firms(actor: Any, rows: list[dict[str, Any]], *keys: str) -> dict[str, Enterprise]:
    from kechuang.enterprises.selectors import enterprise_queryset

    codes = {code for v in rows for k in keys for code in names(v.get(k))}
    return {e.uscc: e for e in enterprise_queryset(actor).filter(uscc__in=codes)}


def _firm(
    v: dict[str, Any], lk: Any, field: str = "uscc", label: str = "统一社会信用代码"
) -> Enterprise:
    return one(lk["firms"], v[field], field, label, "不在企业库中或无权导入")  # type: ignore[no-any-return]


def _demand_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    firms = _firms(actor, rows, "uscc")
    found: dict[tuple[int, str], Demand] = {}
    for d in Demand.objects.filter(enterprise__in=list(firms.values())).order_by("-id"):
        found[(d.enterprise_id, d.title)] = d
    return {"firms": firms, "demands": found}


def _demand_current(lk: Any, d: Demand) -> dict[str, Any]:
    return {
        k: getattr(d, k)
        for k in ("title", "description", "domain", "budget_yuan", "deadline_on", "status")
    } | {"uscc": d.enterprise.uscc, "posted_on": d.posted_on}


def _demand_save(actor: Any, v: dict[str, Any], old: Demand | None, lk: Any) -> None:
    if old is not None and old.posted_on != v["posted_on"]:
        raise ValidationFailed([FieldError("posted_on", "发布日期", "已发布的需求不能改发布日期")])
    services.demand_save(
        actor=actor,
        enterprise=v["_firm"],
        data={
            k: v.get(k)
            for k in ("title", "description", "domain", "budget_yuan", "deadline_on", "status")
        },
        demand=old,
        on=v["posted_on"],
        via="import",
    )


def _demand_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    firm = _firm(v, lk)
    return (firm.pk, v["title"]), {**v, "_firm": firm}


DEMANDS = Sheet(
    kind="iur_demands",
    columns=DEMAND_COLUMNS,
    lookups=_demand_lookups,
    resolve=_demand_resolve,
    existing=lambda lk, key: lk["demands"].get(key),
    current=_demand_current,
    save=_demand_save,
    label=lambda v: f"{v['uscc']} {v['title']}",
)


def demands_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(DEMANDS, actor=actor, data=data, filename=filename, commit=commit)


def demands_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    from kechuang.matching.selectors import demands

    return demands_sheet(actor, demands(actor=actor).order_by("posted_on", "id"))


def demands_sheet(actor: Any, records: Any) -> Layout:
    labels = dict(TECH_DOMAIN_CHOICES)
    statuses = dict(Demand.Status.choices)
    rows = (
        [
            d.enterprise.uscc,
            d.enterprise.name,
            d.title,
            d.description,
            labels.get(d.domain, ""),
            yuan_to_wan(d.budget_yuan) if d.budget_yuan is not None else None,
            d.deadline_on,
            statuses[d.status],
            d.posted_on,
        ]
        for d in each(records, "enterprise")
    )
    return [c.header for c in DEMAND_COLUMNS], rows


# agreements: keyed by the firm, the title and the day signed; a signed agreement is
# followed on its page (progress, 未执行), not rewritten by a sheet

AGREEMENT_COLUMNS = [
    Column("uscc", "统一社会信用代码", "text", required=True, max_length=30),
    Column("enterprise_name", "企业名称", "text", info=True),
    Column("title", "协议名称", "text", required=True, max_length=120),
    Column("institution", "合作单位", "text", required=True, max_length=100),
    Column("expert", "合作专家", "text", max_length=40),
    Column("amount_yuan", "合同金额（万元）", "money_wan", required=True),
    Column("signed_on", "签订日期", "date", required=True),
    Column("content", "合作内容", "text", required=True, max_length=4000),
    Column("status", "执行状态", "text", info=True),
    Column("not_executed_reason", "未执行原因", "text", info=True),
]
AGREEMENT_FIELDS = ("title", "institution", "expert", "amount_yuan", "signed_on", "content")


def _agreement_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    firms = _firms(actor, rows, "uscc")
    found: dict[tuple[int, str, Any], Agreement] = {}
    for a in (
        Agreement.objects.filter(enterprise__in=list(firms.values()))
        .select_related("institution", "expert")
        .order_by("-id")
    ):
        found[(a.enterprise_id, a.title, a.signed_on)] = a
    return {
        "firms": firms,
        "agreements": found,
        **_institutions(actor, rows),
        "experts": {(x.institution_id, x.name): x for x in Expert.objects.all()},
    }


def _agreement_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    firm = _firm(v, lk)
    inst = _institution_of(v, lk)
    expert = None
    if v.get("expert"):
        expert = lk["experts"].get((inst.pk, v["expert"]))
        if expert is None:
            raise RowError("expert", "合作专家", f"“{v['expert']}”不是{inst.name}的专家")
    return (firm.pk, v["title"], v["signed_on"]), {
        **v,
        "_firm": firm,
        "_institution": inst,
        "_expert": expert,
    }


def _agreement_current(lk: Any, a: Agreement) -> dict[str, Any]:
    return {
        "uscc": a.enterprise.uscc,
        "title": a.title,
        "institution": a.institution.name,
        "expert": a.expert.name if a.expert else "",
        "amount_yuan": a.amount_yuan,
        "signed_on": a.signed_on,
        "content": a.content,
    }


def _agreement_save(actor: Any, v: dict[str, Any], old: Agreement | None, lk: Any) -> None:
    if old is not None:
        raise ValidationFailed(
            [FieldError("", "", "已登记的协议不能通过导入修改，请在协议页面登记进展或标记未执行")]
        )
    services.agreement_sign(
        actor=actor,
        enterprise=v["_firm"],
        data={
            "title": v["title"],
            "content": v["content"],
            "amount_yuan": v["amount_yuan"],
            "signed_on": v["signed_on"],
            "institution": v["_institution"],
            "expert": v["_expert"],
        },
        via="import",
    )


AGREEMENTS = Sheet(
    kind="iur_agreements",
    columns=AGREEMENT_COLUMNS,
    lookups=_agreement_lookups,
    resolve=_agreement_resolve,
    existing=lambda lk, key: lk["agreements"].get(key),
    current=_agreement_current,
    save=_agreement_save,
    label=lambda v: f"{v['uscc']} 《{v['title']}》",
    compared=("uscc", *AGREEMENT_FIELDS),
)


def agreements_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(AGREEMENTS, actor=actor, data=data, filename=filename, commit=commit)


def agreements_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    from kechuang.matching.selectors import agreements

    return agreements_sheet(actor, agreements(actor=actor, year=year).order_by("signed_on", "id"))


def agreements_sheet(actor: Any, records: Any) -> Layout:
    statuses = dict(Agreement.Status.choices)
    rows = (
        [
            a.enterprise.uscc,
            a.enterprise.name,
            a.title,
            a.institution.name,
            a.expert.name if a.expert else "",
            yuan_to_wan(a.amount_yuan),
            a.signed_on,
            a.content,
            statuses[a.status],
            a.not_executed_reason,
        ]
        for a in each(records, "enterprise", "institution", "expert")
    )
    return [c.header for c in AGREEMENT_COLUMNS], rows


# alliances, with their members (the firms the actor may see, by USCC; institutions by name)

ALLIANCE_COLUMNS = [
    Column("name", "联盟名称", "text", required=True, max_length=120),
    Column("uscc", "牵头企业统一社会信用代码", "text", required=True, max_length=30),
    Column("lead_name", "牵头企业", "text", info=True),
    Column("institution", "共建高校院所", "text", required=True, max_length=100),
    Column("domain", "技术领域", "choice", choices=DOMAINS),
    Column("founded_on", "成立日期", "date", required=True),
    Column("purpose", "合作方向", "text", max_length=300),
    Column(
        "member_firms",
        "成员企业（统一社会信用代码）",
        "text",
        max_length=4000,
        help="以顿号分隔；其他区域的成员企业不列出，也不会被移除",
    ),
    Column("member_institutions", "成员院所", "text", max_length=4000, help="以顿号分隔"),
]


def _alliance_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from kechuang.enterprises.selectors import enterprise_queryset

    firms = _firms(actor, rows, "uscc", "member_firms")
    return {
        "firms": firms,
        "visible": set(enterprise_queryset(actor).values_list("pk", flat=True)),
        "alliances": {
            a.name: a
            for a in Alliance.objects.select_related("lead", "institution").prefetch_related(
                "members__enterprise", "members__institution"
            )
        },
        **_institutions(actor, rows),
    }


def _members(lk: Any, a: Alliance) -> tuple[list[str], list[str]]:
    members = list(a.members.all())
    firms = sorted(
        m.enterprise.uscc
        for m in members
        if m.enterprise is not None and m.enterprise_id in lk["visible"]
    )
    insts = sorted(m.institution.name for m in members if m.institution is not None)
    return firms, insts


def _alliance_current(lk: Any, a: Alliance) -> dict[str, Any]:
    firms, insts = _members(lk, a)
    return {
        "name": a.name,
        "uscc": a.lead.uscc,
        "institution": a.institution.name,
        "domain": a.domain,
        "founded_on": a.founded_on,
        "purpose": a.purpose,
        "member_firms": "、".join(firms),
        "member_institutions": "、".join(insts),
    }


def _alliance_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    lead = _firm(v, lk, "uscc", "牵头企业统一社会信用代码")
    inst = one(
        lk["inst"], v["institution"], "institution", "共建高校院所", "不在高校院所库中，请先添加"
    )
    firms = [
        one(lk["firms"], code, "member_firms", "成员企业", "不在企业库中或无权导入")
        for code in names(v.get("member_firms"))
    ]
    insts = [
        one(lk["inst"], name, "member_institutions", "成员院所", "不在高校院所库中，请先添加")
        for name in names(v.get("member_institutions"))
    ]
    member_firms = "、".join(sorted({f.uscc for f in firms}))
    member_insts = "、".join(sorted({i.name for i in insts}))
    return v["name"], {
        **v,
        "member_firms": member_firms,
        "member_institutions": member_insts,
        "_lead": lead,
        "_institution": inst,
        "_firms": {f.pk: f for f in firms},
        "_insts": {i.pk: i for i in insts},
    }


def _alliance_save(actor: Any, v: dict[str, Any], old: Alliance | None, lk: Any) -> None:
    from kechuang.core.periods import today

    alliance = services.alliance_save(
        actor=actor,
        data={
            "name": v["name"],
            "lead": v["_lead"],
            "institution": v["_institution"],
            "domain": v.get("domain"),
            "founded_on": v["founded_on"],
            "purpose": v.get("purpose"),
        },
        alliance=old,
        via="import",
    )
    on = v["founded_on"] if old is None else max(today(), v["founded_on"])
    have = {
        (m.enterprise_id, m.institution_id): m
        for m in AllianceMember.objects.filter(alliance=alliance)
    }
    firms = {e for e, i in have if e is not None}
    insts = {i for e, i in have if i is not None}
    for pk, firm in v["_firms"].items():
        if pk not in firms:
            services.alliance_member_add(
                actor=actor, alliance=alliance, member=firm, on=on, via="import"
            )
    for pk, inst in v["_insts"].items():
        if pk not in insts:
            services.alliance_member_add(
                actor=actor, alliance=alliance, member=inst, on=on, via="import"
            )
    if old is None:
        return
    for (e, i), m in have.items():
        gone = (e is not None and e in lk["visible"] and e not in v["_firms"]) or (
            i is not None and i not in v["_insts"]
        )
        if gone:
            services.alliance_member_remove(actor=actor, member=m, via="import")


ALLIANCES = Sheet(
    kind="iur_alliances",
    columns=ALLIANCE_COLUMNS,
    lookups=_alliance_lookups,
    resolve=_alliance_resolve,
    existing=lambda lk, key: lk["alliances"].get(key),
    current=_alliance_current,
    save=_alliance_save,
    label=lambda v: v["name"],
)


def alliances_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(ALLIANCES, actor=actor, data=data, filename=filename, commit=commit)


def alliances_export(*, actor: Any, region: Any = None, year: Any = None) -> Layout:
    from kechuang.matching.selectors import alliances

    return alliances_sheet(actor, alliances(actor=actor, year=year).order_by("founded_on", "id"))


def alliances_sheet(actor: Any, records: Any) -> Layout:
    """校企联盟 with their members: the member firms the actor may see, as the import
    leaves the others alone."""
    from kechuang.enterprises.selectors import enterprise_queryset

    labels = dict(TECH_DOMAIN_CHOICES)
    lk = {"visible": set(enterprise_queryset(actor).values_list("pk", flat=True))}

    def rows() -> Iterable[list[Any]]:
        for a in each(
            records,
            "lead",
            "institution",
            prefetch=("members__enterprise", "members__institution"),
        ):
            firms, insts = _members(lk, a)
            yield [
                a.name,
                a.lead.uscc,
                a.lead.name,
                a.institution.name,
                labels.get(a.domain, ""),
                a.founded_on,
                a.purpose,
                "、".join(firms),
                "、".join(insts),
            ]

    return [c.header for c in ALLIANCE_COLUMNS], rows()


def can_import_records(actor: Any) -> tuple[bool, str]:
    """Demands, agreements and alliances: the bureau and the areas' officers (each row
    is checked against the firm's scope by the service)."""
    from kechuang.accounts.scoping import role_of

    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "只有科技局和园区/乡镇可以导入"

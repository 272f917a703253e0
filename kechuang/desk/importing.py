"""The sheets of the desk: visits (走访记录) and the problems raised on them (企业难题),
each exported in the layout it imports, so that an export imports back unchanged. Every
row valid or nothing written; rows are written through the desk's services (scope,
audit, the notices the pages send).

A problem names its visit by three columns, the visit's key: 走访日期 + 走访人 (as the
visit records the name) + 走访对象 (the firm's 统一社会信用代码, or the town's or park's
name for a visit to an area). A visit already recorded is matched by the same key and
is not changed by a sheet (a row that differs is refused); a problem is matched by its
visit and 问题描述: a raised one may be given to a department (交办, with the category's
deadline), the other stage columns are read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.imports import ImportPlan
from kechuang.core.sheets import RowError, Sheet, run_sheet
from kechuang.core.tabular import Column
from kechuang.desk import selectors, services
from kechuang.desk.models import DeskVisit, Problem
from kechuang.desk.workflow import PROBLEM_WORKFLOW, RAISED

PURPOSES = {label: code for code, label in DeskVisit.Purpose.choices}
CATEGORIES = {label: code for code, label in Problem.Category.choices}

VISIT_COLUMNS = [
    Column("visited_on", "走访日期", "date", required=True),
    Column("visitor", "走访人", "text", required=True, max_length=60, help="用户名或姓名"),
    Column("unit", "走访单位", "text", max_length=60, help="不填为走访人所在单位"),
    Column("region", "乡镇（园区）", "text", max_length=60, help="走访乡镇（园区）时必填"),
    Column(
        "uscc",
        "统一社会信用代码",
        "text",
        max_length=18,
        help="走访企业时必填",
        aliases=("企业统一社会信用代码",),
    ),
    Column("enterprise_name", "企业名称", "text", info=True),
    Column("purpose", "走访目的", "choice", required=True, choices=PURPOSES),
    Column("companions", "陪同人员", "text", max_length=100),
    Column("notes", "走访情况", "text", required=True, max_length=2000),
    Column("follow_up_on", "跟进日期", "date"),
]
PROBLEM_COLUMNS = [
    Column("visited_on", "走访日期", "date", required=True, help="来源走访的日期"),
    Column("visitor", "走访人", "text", required=True, max_length=60, help="来源走访的走访人"),
    Column(
        "target",
        "走访对象",
        "text",
        required=True,
        max_length=60,
        help="企业的统一社会信用代码，或乡镇（园区）名称",
    ),
    Column("target_name", "对象名称", "text", info=True),
    Column("category", "问题类别", "choice", required=True, choices=CATEGORIES),
    Column("description", "问题描述", "text", required=True, max_length=1000),
    Column("raised_on", "提出日期", "date", help="不填为今天"),
    Column(
        "department", "责任部门", "text", max_length=60, help="填写即交办（按问题类别的办结时限）"
    ),
    Column("stage", "状态", "text", info=True),
    Column("due_on", "办结期限", "text", info=True),
    Column("resolution", "办理结果", "text", info=True),
]


def can_import(actor: Any) -> tuple[bool, str]:
    if role_of(actor) in ("staff", "officer"):
        return True, ""
    return False, "只有科技局和园区/乡镇可以导入走访记录和企业难题"


def _day(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _visit_key(visit: DeskVisit) -> tuple[Any, str, str]:
    target = visit.enterprise.uscc if visit.enterprise is not None else visit.region.name
    return (visit.visited_on, visit.visitor_name, target)


def _people(actor: Any) -> dict[str, Any]:
    """Recorders by username and by name; a name two people share maps to None."""
    out: dict[str, Any] = {}
    for u in selectors.visit_recorders(actor):
        out[u.username] = u
    names: dict[str, Any] = {}
    for u in selectors.visit_recorders(actor):
        names[str(u)] = None if str(u) in names else u
    for name, u in names.items():
        out.setdefault(name, u)
    return out


def _areas(actor: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for r in selectors.areas(actor):
        found.setdefault(r.name, r)
        found.setdefault(r.code, r)
    return found


def _visits(actor: Any, rows: list[dict[str, Any]]) -> dict[Hashable, DeskVisit]:
    days = sorted({d for v in rows if (d := _day(v.get("visited_on"))) is not None})
    return {_visit_key(x): x for x in selectors.sheet_visits(actor, days)}


# -- visits ------------------------------------------------------------------------------


def _visit_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    codes = sorted({str(v.get("uscc") or "").strip().upper() for v in rows} - {""})
    return {
        "people": _people(actor),
        "areas": _areas(actor),
        "firms": selectors.sheet_enterprises(actor, codes),
        "visits": _visits(actor, rows),
    }


def _visit_current(lk: Any, x: DeskVisit) -> dict[str, Any]:
    return {
        "visited_on": x.visited_on,
        "visitor": x.visitor_name,
        "unit": x.unit,
        "region": x.region.name,
        "uscc": x.enterprise.uscc if x.enterprise is not None else "",
        "purpose": x.purpose,
        "companions": x.companions,
        "notes": x.notes,
        "follow_up_on": x.follow_up_on,
    }


def _visit_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    text = v["visitor"]
    person = lk["people"].get(text)
    if text in lk["people"] and person is None:
        raise RowError("visitor", "走访人", f"有多人名为“{text}”，请填写用户名")
    name = str(person)[:60] if person is not None else text
    code = str(v.get("uscc") or "").strip().upper()
    firm = None
    if code:
        firm = lk["firms"].get(code)
        if firm is None:
            raise RowError("uscc", "统一社会信用代码", f"“{code}”不是本区域在库企业")
        if v.get("region") and v["region"] not in (firm.region.name, firm.region.code):
            raise RowError("region", "乡镇（园区）", f"与企业所在的“{firm.region.name}”不符")
        region = firm.region
    elif v.get("region"):
        region = lk["areas"].get(v["region"])
        if region is None:
            raise RowError("region", "乡镇（园区）", f"“{v['region']}”不是本区域的乡镇（园区）")
    else:
        raise RowError("uscc", "统一社会信用代码", "请填写企业的统一社会信用代码或乡镇（园区）")
    key = (v["visited_on"], name, firm.uscc if firm is not None else region.name)
    if person is None and key not in lk["visits"]:
        raise RowError(
            "visitor", "走访人", f"“{text}”不是本区域可记录走访的人员（请填写用户名或姓名）"
        )
    resolved = {
        **v,
        "visitor": name,
        "uscc": code,
        "region": region.name,
        "_person": person,
        "_firm": firm,
        "_region": region,
    }
    if not v.get("unit") and key in lk["visits"]:
        resolved["unit"] = lk["visits"][key].unit  # blank: as recorded
    return key, resolved


def _visit_save(actor: Any, v: dict[str, Any], old: DeskVisit | None, lk: Any) -> None:
    if old is not None:
        raise services.invalid("notes", "走访情况", "该走访已录入，不能通过导入修改")
    services.visit_record(
        actor=actor,
        visited_on=v["visited_on"],
        purpose=v["purpose"],
        notes=v["notes"],
        enterprise=v["_firm"],
        region=None if v["_firm"] is not None else v["_region"],
        follow_up_on=v.get("follow_up_on"),
        companions=v.get("companions") or "",
        visitor=v["_person"],
        unit=v.get("unit") or "",
        via="import",
    )


VISITS = Sheet(
    kind="desk_visits",
    columns=VISIT_COLUMNS,
    lookups=_visit_lookups,
    resolve=_visit_resolve,
    existing=lambda lk, key: lk["visits"].get(key),
    current=_visit_current,
    save=_visit_save,
    label=lambda v: f"{v['visited_on']:%Y-%m-%d} {v['visitor']} 走访 {v['_firm'] or v['region']}",
)


def visits_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(VISITS, actor=actor, data=data, filename=filename, commit=commit)


def visits_export(
    *, actor: Any, region: Any = None, year: Any = None
) -> tuple[list[str], Iterable[list[Any]]]:
    purposes = dict(DeskVisit.Purpose.choices)
    rows = (
        [
            x.visited_on,
            x.visitor_name,
            x.unit,
            x.region.name,
            x.enterprise.uscc if x.enterprise is not None else "",
            x.enterprise.name if x.enterprise is not None else "",
            purposes[x.purpose],
            x.companions,
            x.notes,
            x.follow_up_on,
        ]
        for x in selectors.visits_export(actor, year=year)
    )
    return [c.header for c in VISIT_COLUMNS], rows


# -- problems ----------------------------------------------------------------------------


def _problem_lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    visits = _visits(actor, rows)
    found: dict[Hashable, Problem] = {}
    for p in selectors.sheet_problems(actor, [x.pk for x in visits.values()]):
        assert p.visit is not None
        found[(p.visit_id, p.description)] = p
    return {"visits": visits, "problems": found, "people": _people(actor)}


def _problem_current(lk: Any, p: Problem) -> dict[str, Any]:
    assert p.visit is not None
    day, name, target = _visit_key(p.visit)
    return {
        "visited_on": day,
        "visitor": name,
        "target": target,
        "category": p.category,
        "description": p.description,
        "raised_on": p.raised_on,
        "department": p.department,
    }


def _problem_resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Any, dict[str, Any]]:
    text = str(v["target"]).strip()
    found = lk["visits"]
    visit = found.get((v["visited_on"], v["visitor"], text)) or found.get(
        (v["visited_on"], v["visitor"], text.upper())
    )
    if visit is None:  # the visitor by username, as in the visits sheet
        person = lk["people"].get(v["visitor"])
        if person is not None:
            name = str(person)[:60]
            visit = found.get((v["visited_on"], name, text)) or found.get(
                (v["visited_on"], name, text.upper())
            )
    if visit is None:
        raise RowError(
            "target", "走访对象", "找不到该走访（按走访日期、走访人和走访对象），请先导入或录入走访"
        )
    day, name, target = _visit_key(visit)
    raised = v.get("raised_on") or periods.today()
    resolved = {
        **v,
        "visited_on": day,
        "visitor": name,
        "target": target,
        "raised_on": raised,
        "department": v.get("department") or "",
        "_visit": visit,
    }
    return (visit.pk, v["description"]), resolved


def _problem_save(actor: Any, v: dict[str, Any], old: Problem | None, lk: Any) -> None:
    problem = old
    if old is not None:
        if old.category != v["category"] or old.raised_on != v["raised_on"]:
            raise services.invalid(
                "category", "问题类别", "该问题已登记，问题类别和提出日期不能通过导入修改"
            )
        if old.stage != RAISED:
            raise services.invalid("department", "责任部门", "该问题已交办，不能通过导入改交办")
    else:
        problem = services.problem_raise(
            actor=actor,
            visit=v["_visit"],
            category=v["category"],
            description=v["description"],
            on=v["raised_on"],
            via="import",
        )
    if v["department"]:
        assert problem is not None
        services.problem_assign(
            actor=actor,
            problem=problem,
            department=v["department"],
            assignee=None,
            due_on=None,
            via="import",
        )


PROBLEMS = Sheet(
    kind="desk_problems",
    columns=PROBLEM_COLUMNS,
    lookups=_problem_lookups,
    resolve=_problem_resolve,
    existing=lambda lk, key: lk["problems"].get(key),
    current=_problem_current,
    save=_problem_save,
    label=lambda v: f"{v['_visit'].target_name}：{v['description'][:30]}",
)


def problems_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(PROBLEMS, actor=actor, data=data, filename=filename, commit=commit)


def problems_export(
    *, actor: Any, region: Any = None, year: Any = None
) -> tuple[list[str], Iterable[list[Any]]]:
    categories = dict(Problem.Category.choices)

    def row(p: Problem) -> list[Any]:
        assert p.visit is not None
        day, name, target = _visit_key(p.visit)
        return [
            day,
            name,
            target,
            p.visit.target_name,
            categories[p.category],
            p.description,
            p.raised_on,
            p.department,
            PROBLEM_WORKFLOW.label_of(p.stage),
            f"{p.due_on:%Y-%m-%d}" if p.due_on else "",
            p.resolution,
        ]

    return [c.header for c in PROBLEM_COLUMNS], (
        row(p) for p in selectors.problems_export(actor, year=year)
    )

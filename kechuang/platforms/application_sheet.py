"""The sheet of 认定与人才申报 (`/platforms/applications/`): platform recognition
(平台认定申报), talent programmes (人才计划申报) and commissioner recommendations
(科技特派员推荐), one row per application. The list's 导出 writes this layout, so an
export imports back unchanged.

A row whose application is not there opens it through the service of its page
(`recognition_apply`, `talent_apply`, `commissioner_recommend`) and moves it to the
row's 当前环节; a row of an application on record moves it on along its workflow
(`platform_application_move`: the frame's row lock, event, audit and the stage's hooks —
an institution, carrier or talent is recorded on 已认定 / 入选). What an application was
opened with (type, level, host, unit, area, field, year, 申报日期) is not changed by a
sheet. Every row valid, or nothing is written (`core.sheets.run_sheet`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from typing import Any

from kechuang.core.errors import Conflict, FieldError, ValidationFailed
from kechuang.core.imports import ImportPlan
from kechuang.core.sheets import RowError, Sheet, run_sheet
from kechuang.core.tabular import Column
from kechuang.platforms import services
from kechuang.platforms.models import LEVELS, Carrier, RdInstitution, Talent
from kechuang.platforms.workflow import (
    RECOGNITION,
    RECOGNITION_WORKFLOW,
    RECOMMENDATION,
    RECOMMENDATION_WORKFLOW,
    TALENT,
    TALENT_WORKFLOW,
)
from kechuang.programmes.models import Application
from kechuang.programmes.workflow import STAFF, Workflow

KIND = "platform_applications"
FLOWS: dict[str, Workflow] = {
    RECOGNITION: RECOGNITION_WORKFLOW,
    TALENT: TALENT_WORKFLOW,
    RECOMMENDATION: RECOMMENDATION_WORKFLOW,
}
PROGRAMMES = {w.label: p for p, w in FLOWS.items()}
TARGETS = {"研发机构": "institution", "研发载体": "carrier"}
TARGET_LABELS = {v: k for k, v in TARGETS.items()}
TYPES: dict[str, dict[str, str]] = {
    "institution": {label: key for key, label in RdInstitution.Kind.choices},
    "carrier": {label: key for key, label in Carrier.Kind.choices},
    TALENT: {label: key for key, label in Talent.Programme.choices},
}

COLUMNS = [
    Column("programme", "类别", "choice", required=True, choices=PROGRAMMES),
    Column(
        "target",
        "认定对象",
        "choice",
        choices=TARGETS,
        help="平台认定申报填写：研发机构 或 研发载体",
    ),
    Column(
        "name",
        "名称或姓名",
        "text",
        required=True,
        max_length=120,
        help="研发机构、研发载体的名称，或人才、科技特派员的姓名",
    ),
    Column(
        "type",
        "类型",
        "text",
        max_length=20,
        help="研发机构或研发载体的类型（如 工程技术研究中心、科技企业孵化器），或人才计划（如 国家级人才）",
    ),
    Column("level", "级别", "choice", choices={label: key for key, label in LEVELS}),
    Column("uscc", "统一社会信用代码", "text", max_length=30, help="依托（所在）企业"),
    Column("firm", "企业名称", "text", info=True),
    Column("carrier", "所在载体", "text", max_length=100, help="依托（所在）研发载体"),
    Column(
        "unit",
        "运营主体或派出单位",
        "text",
        max_length=100,
        help="研发载体的运营主体，或科技特派员的派出单位",
    ),
    Column(
        "region", "所属区域", "text", max_length=60, help="研发载体、科技特派员填写乡镇、园区名称"
    ),
    Column("field", "专业领域", "text", max_length=80),
    Column("year", "年度", "year", required=True),
    Column("stage", "当前环节", "text", required=True, max_length=20),
    Column("applied_on", "申报日期", "date", required=True),
    Column(
        "last_on",
        "最近办理日期",
        "date",
        help="当前环节不是第一个环节时必填：推荐、认定、入选等办理的日期",
    ),
]
# what an application was opened with: a sheet does not change it
FIXED = ("type", "level", "unit", "region", "field", "year", "applied_on")


def can_import(actor: Any) -> tuple[bool, str]:
    return services.can_manage(actor)


def path_to(flow: Workflow, frm: str, to: str) -> list[str] | None:
    """The stages from `frm` to `to` along the moves of the workflow (the bureau's)."""
    if frm == to:
        return []
    seen = {frm: [frm]}
    queue = deque([frm])
    while queue:
        stage = queue.popleft()
        for nxt in flow.next_stages(stage, STAFF):
            if nxt not in seen:
                seen[nxt] = [*seen[stage], nxt]
                if nxt == to:
                    return seen[nxt][1:]
                queue.append(nxt)
    return None


# -- an application in the sheet's terms --------------------------------------------------


def values_of(app: Any, extras: dict[str, Any]) -> dict[str, Any]:
    """The application as a row: column key → value (codes for choice columns).
    `extras`: the commissioners of recommendations and the carriers' names
    (`selectors.application_sheet_extras`)."""
    d = app.data or {}
    firm = app.enterprise if app.enterprise_id else None
    region = firm.region if firm is not None else app.region
    out: dict[str, Any] = {
        "programme": app.programme,
        "target": None,
        "name": app.title,
        "type": None,
        "level": None,
        "uscc": firm.uscc if firm is not None else None,
        "firm": firm.name if firm is not None else None,
        "carrier": extras["carriers"].get(d.get("carrier")),
        "unit": None,
        "region": region.name if region is not None else None,
        "field": None,
        "year": app.year,
        "stage": FLOWS[app.programme].label_of(app.stage),
        "applied_on": getattr(app, "first_on", None),
        "last_on": getattr(app, "last_on", None),
    }
    if app.programme == RECOGNITION:
        labels = {v: k for k, v in TYPES.get(app.kind, {}).items()}
        kind = str(d.get("kind") or "")
        out.update(target=app.kind, type=labels.get(kind, kind or None))
        out["level"] = d.get("level") or None
        if app.kind == "carrier":
            out["unit"] = d.get("operator") or None
    elif app.programme == TALENT:
        labels = {v: k for k, v in TYPES[TALENT].items()}
        out.update(name=d.get("name", ""), type=labels.get(app.kind, app.kind))
        out["field"] = d.get("field") or None
    else:
        c = extras["commissioners"].get(app.pk)
        if c is not None:
            out.update(name=c.name, unit=c.institution, field=c.expertise)
        else:  # the applicant reads 姓名（派出单位）
            name, _, unit = app.applicant.partition("（")
            out.update(name=name, unit=unit.rstrip("）") or None, field=d.get("expertise"))
    return out


def _key(v: dict[str, Any]) -> Hashable:
    p = v["programme"]
    host = ("e", v.get("uscc")) if v.get("uscc") else ("c", v.get("carrier"))
    if p == RECOGNITION:
        if v.get("target") == "carrier":
            return (p, "carrier", v["name"])
        return (p, "institution", v["name"], host)
    if p == TALENT:
        return (p, v.get("type"), v.get("year"), v["name"], host)
    return (p, v["name"], v.get("unit"))


def application_rows(items: Iterable[Any]) -> Iterable[list[Any]]:
    """Rows in the sheet's layout (labels for codes), for the list's 导出 and
    `kechuang export platform_applications`."""
    from kechuang.platforms.selectors import application_sheet_extras

    apps = list(items)
    extras = application_sheet_extras(apps)
    choice_labels = {
        "programme": {v: k for k, v in PROGRAMMES.items()},
        "target": TARGET_LABELS,
        "level": dict(LEVELS),
    }
    for app in apps:
        v = values_of(app, extras)
        yield [
            choice_labels[c.key].get(v[c.key], v[c.key]) if c.key in choice_labels else v[c.key]
            for c in COLUMNS
        ]


# -- the sheet ------------------------------------------------------------------------------


def _lookups(actor: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    from kechuang.platforms.selectors import (
        application_sheet_extras,
        lookups,
        platform_applications,
    )

    firms, carriers, regions = lookups(actor)
    apps = list(platform_applications(actor=actor))
    extras = application_sheet_extras(apps)
    found: dict[Hashable, Any] = {}
    for app in apps:
        v = values_of(app, extras)
        found.setdefault(_key(v), (app, v))
    return {"firms": firms, "carriers": carriers, "regions": regions, "apps": found}


def _resolve(actor: Any, v: dict[str, Any], lk: Any) -> tuple[Hashable, dict[str, Any]]:
    p = v["programme"]
    v = {**v, "uscc": (v.get("uscc") or "").strip().upper() or None}
    flow = FLOWS[p]
    stages = {label: key for key, label in flow.choices()}
    if v["stage"] not in stages and v["stage"] not in stages.values():
        raise RowError("stage", "当前环节", f"“{v['stage']}”应为 {'、'.join(stages)} 之一")
    v["_stage"] = stages.get(v["stage"], v["stage"])
    v["stage"] = flow.label_of(v["_stage"])
    firm = carrier = region = None
    if v.get("uscc"):
        firm = lk["firms"].get(v["uscc"])
        if firm is None:
            raise RowError("uscc", "统一社会信用代码", "不在企业库中或不属于本区域")
    if v.get("carrier"):
        carrier = lk["carriers"].get(v["carrier"].strip())
        if carrier is None:
            raise RowError("carrier", "所在载体", f"找不到“{v['carrier']}”")
    hosted = p == TALENT or (p == RECOGNITION and v.get("target") == "institution")
    if hosted:
        if (firm is None) == (carrier is None):
            raise RowError("uscc", "统一社会信用代码", "应填写一家企业或一个所在载体（二者选一）")
        region = firm.region if firm is not None else getattr(carrier, "region", None)
        v["region"] = getattr(region, "name", None)  # derived from the host
    else:
        if firm is not None or carrier is not None:
            raise RowError("uscc", "统一社会信用代码", "研发载体认定、特派员推荐不填写企业或载体")
        if not v.get("region"):
            raise RowError("region", "所属区域", "不能为空")
        region = lk["regions"].get(v["region"].strip())
        if region is None:
            raise RowError("region", "所属区域", f"“{v['region']}”不是本区域的乡镇、园区")
    if p == RECOGNITION:
        if not v.get("target"):
            raise RowError("target", "认定对象", "平台认定申报应填写 研发机构 或 研发载体")
        if not v.get("level"):
            raise RowError("level", "级别", "不能为空")
        if v["target"] == "carrier" and not v.get("unit"):
            raise RowError("unit", "运营主体或派出单位", "研发载体应填写运营主体")
    elif v.get("target") or v.get("level"):
        raise RowError("target", "认定对象", "只有平台认定申报填写认定对象和级别")
    if p in (RECOGNITION, TALENT):
        types = TYPES[v["target"] if p == RECOGNITION else TALENT]
        if v.get("type") not in types:
            raise RowError("type", "类型", f"应为 {'、'.join(types)} 之一")
    elif v.get("type"):
        raise RowError("type", "类型", "科技特派员推荐不填写类型")
    if p == RECOMMENDATION:
        if not v.get("unit"):
            raise RowError("unit", "运营主体或派出单位", "科技特派员应填写派出单位")
        if not v.get("field"):
            raise RowError("field", "专业领域", "科技特派员应填写专业领域")
    if v.get("last_on") and v["last_on"] < v["applied_on"]:
        raise RowError("last_on", "最近办理日期", "早于申报日期")
    v.update(_firm=firm, _carrier=carrier, _region=region)
    key = _key(v)
    old = lk["apps"].get(key)
    if old is None:
        stage = flow.initial
        if p != TALENT and v["year"] != v["applied_on"].year:
            raise RowError("year", "年度", f"应为申报日期所在年度（{v['applied_on'].year}年）")
    else:
        stage, before = old[0].stage, old[1]
        for k in FIXED:
            if (before.get(k) or "") != (v.get(k) or ""):
                label = next(c.label for c in COLUMNS if c.key == k)
                shown = before.get(k) or "空"
                if k == "level":
                    shown = dict(LEVELS).get(shown, shown)
                raise RowError(k, label, f"与已登记的申报不一致（原为“{shown}”），导入不能更改")
    steps = path_to(flow, stage, v["_stage"])
    if steps is None:
        raise RowError(
            "stage",
            "当前环节",
            f"已是“{flow.label_of(stage)}”，不能改为“{flow.label_of(v['_stage'])}”",
        )
    if steps and v.get("last_on") is None:
        raise RowError("last_on", "最近办理日期", f"环节为“{v['stage']}”时不能为空")
    v["_steps"] = steps
    return key, v


def _invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def _open(actor: Any, v: dict[str, Any]) -> Application:
    p, on = v["programme"], v["applied_on"]
    if p == RECOGNITION:
        return services.recognition_apply(
            actor=actor,
            data={
                "target": v["target"],
                "name": v["name"],
                "kind": TYPES[v["target"]][v["type"]],
                "level": v["level"],
                "enterprise": v["_firm"],
                "carrier": v["_carrier"],
                "operator": v.get("unit") or "",
                "region": v["_region"],
            },
            on=on,
            via="import",
        )
    if p == TALENT:
        return services.talent_apply(
            actor=actor,
            data={
                "name": v["name"],
                "programme": TYPES[TALENT][v["type"]],
                "year": v["year"],
                "field": v.get("field") or "",
                "enterprise": v["_firm"],
                "carrier": v["_carrier"],
            },
            on=on,
            via="import",
        )
    c = services.commissioner_recommend(
        actor=actor,
        data={
            "name": v["name"],
            "institution": v["unit"],
            "expertise": v["field"],
            "region": v["_region"],
        },
        on=on,
        via="import",
    )
    assert c.recommendation is not None
    return c.recommendation


def _save(actor: Any, v: dict[str, Any], old: Any, lk: Any) -> None:
    """Open the application (a row not on record) and make the row's moves; the
    checks of `_resolve` have passed, the services check the rest."""
    try:
        app = _open(actor, v) if old is None else old[0]
        for to in v["_steps"]:
            app = services.platform_application_move(
                actor=actor,
                application=app,
                to=to,
                on=v["last_on"],
                note="导入",
                expected_stage=app.stage,
                via="import",
            )
    except ValidationFailed as exc:
        # the frame names a move's date 日期: in the sheet it is 最近办理日期
        raise ValidationFailed(
            [
                FieldError("last_on", "最近办理日期", e.message, e.row) if e.field == "on" else e
                for e in exc.errors
            ],
            exc.message,
        ) from None
    except Conflict as exc:  # moved by another user meanwhile, a record already there
        raise _invalid("stage", "当前环节", exc.message) from None


SHEET = Sheet(
    kind=KIND,
    columns=COLUMNS,
    lookups=_lookups,
    resolve=_resolve,
    existing=lambda lk, key: lk["apps"].get(key),
    current=lambda lk, old: old[1],
    save=_save,
    label=lambda v: f"{v['programme'] and FLOWS[v['programme']].label} {v['name']}",
    compared=tuple(c.key for c in COLUMNS if not c.info and c.key != "last_on"),
)


def applications_import(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    return run_sheet(SHEET, actor=actor, data=data, filename=filename, commit=commit)


def applications_export(
    *, actor: Any, region: str = "", year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    from kechuang.platforms.selectors import platform_applications, region_by_code

    qs: Any = platform_applications(actor=actor, year=year)
    if region:
        area = region_by_code(actor, region)
        if area is None:
            raise ValidationFailed([], f"区域 {region} 不存在或不属于本区域")
        qs = qs.in_region(area)
    return [c.header for c in COLUMNS], application_rows(qs.order_by("-last_on", "-id"))

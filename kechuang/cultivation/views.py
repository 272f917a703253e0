"""Pages of the cultivation pipeline. Each view parses (`kechuang.core.web`) → calls a
selector or service → renders; records named in the URL are looked up in the actor's
scope first (404), and refusals become pages by themselves (DomainErrorMiddleware)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import is_bureau, role_of
from kechuang.core.errors import DomainError, NotFound, ValidationFailed
from kechuang.core.registry import ListAction
from kechuang.core.tabular import write_rows_xlsx
from kechuang.core.web import (
    Column,
    Filter,
    Listing,
    date_param,
    file_response,
    plan_year_param,
    require,
    text_param,
    xlsx_response,
)
from kechuang.cultivation import forecast as fc
from kechuang.cultivation import grading, pipeline, selectors, services
from kechuang.cultivation.models import Ledger, PoolMembership
from kechuang.cultivation.permissions import can_read_ledgers, can_use
from kechuang.enterprises.selectors import enterprise_get
from kechuang.programmes.models import Task


def staff_or_officer(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Cultivation is the bureau's and the towns' and parks' (403 with the reason)."""

    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(can_use(request.user))
        return fn(request, *args, **kwargs)

    return inner


def ledger_reader(fn: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A ledger's page and its visits: also helpers, for the firms assigned to them."""

    @login_required
    @wraps(fn)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(can_read_ledgers(request.user))
        return fn(request, *args, **kwargs)

    return inner


def _year(request: HttpRequest) -> int:
    return plan_year_param(request, lambda: selectors.plan_year(request.user))


def _area(request: HttpRequest) -> Region | None:
    return selectors.area_by_code(request.user, text_param(request, "area"))


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    nxt = request.POST.get("next", "")
    local = nxt.startswith(("/cultivation/", "/enterprises/")) and "//" not in nxt
    return redirect(nxt if local else fallback)


def _ids(request: HttpRequest) -> list[int]:
    """The rows selected in a list (`ids`), as numbers."""
    raw = request.POST.getlist("ids")
    return [int(x) for x in raw if x.isdecimal() and len(x) < 19][: selectors.MAX_SELECTED]


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    try:
        fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return False
    except (
        DomainError
    ) as exc:  # the record is already in the actor's scope: say why, stay on the page
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    year = _year(request)
    return {
        "year": year,
        "areas": selectors.areas(request.user),
        "area": _area(request),
        "is_bureau": is_bureau(request.user),
        "stages": pipeline.STAGES,
        **extra,
    }


# -- board and pool ----------------------------------------------------------------------------


@staff_or_officer
def board(request: HttpRequest) -> HttpResponse:
    ctx = _ctx(request)
    want = text_param(request, "grade")
    cards = selectors.board_cards(request.user, year=ctx["year"], area=ctx["area"], grade=want)
    columns = [(s, [c for c in cards if c[0].stage == s.key]) for s in pipeline.STAGES]
    ctx.update(columns=columns, total=len(cards), grade=want, grade_labels=grading.GRADE_LABELS)
    return render(request, "cultivation/board.html", ctx)


POOL = Listing(
    name="pool",
    title="后备培育库",
    columns=[
        Column(
            "name",
            "企业",
            value="membership.enterprise.name",
            sort=selectors.SORTS["name"],
            link=lambda r: reverse("enterprises:detail", args=[r.membership.enterprise_id]),
        ),
        Column(
            "region",
            "区域",
            value="membership.enterprise.region.name",
            sort=selectors.SORTS["region"],
            css="text-nowrap",
        ),
        Column(
            "entered",
            "入库",
            value="membership.entered_on",
            sort=selectors.SORTS["entered"],
            template="cultivation/cells/pool_entered.html",
        ),
        Column(
            "grade",
            "分级",
            value="grade.label",
            sort=selectors.SORTS["grade"],
            template="cultivation/cells/pool_grade.html",
        ),
        Column(
            "distance",
            "距离（谁最接近）",
            value="grade.distance_text",
            sort=selectors.SORTS["distance"],
            template="cultivation/cells/pool_distance.html",
        ),
        Column(
            "p",
            "通过概率",
            value=lambda r: None if r.grade.code == "H" else f"{r.grade.p_percent}%",
            sort=selectors.SORTS["p"],
            css="num",
        ),
        Column(
            "score",
            "得分区间",
            value=lambda r: (
                f"[{r.grade.score['lo']}, {r.grade.score['hi']}] 中值{r.grade.score['mid']}"
            ),
            css="text-nowrap",
        ),
        Column(
            "remedies",
            "补足办法",
            value=lambda r: "；".join(r.grade.remedies[:3]),
            template="cultivation/cells/pool_remedies.html",
        ),
        Column(
            "ledger",
            "台帐",
            value=lambda r: r.ledger.stage_label if r.ledger else None,
            template="cultivation/cells/pool_ledger.html",
        ),
        Column(
            "override",
            "调整分级",
            value="membership.grade_override",
            template="cultivation/cells/pool_override.html",
            export=False,
        ),
    ],
    filters=[Filter("grade", "分级", choices=list(grading.GRADE_LABELS.items()))],
    default_sort="distance",
    page_size=30,
    empty="培育库中暂无企业",
    table_id="pool-table",
    select=lambda r: r.membership.enterprise_id,
    attributes="membership.enterprise",  # innovation points (and other declared attributes)
)
POOL_ACTIONS = [
    ListAction(
        "pool",
        "assign_officer",
        "指定责任人",
        "cultivation:ledgers_assign",
        icon="bi-person-check",
        fields_template="cultivation/cells/pick_officer.html",
    )
]


@staff_or_officer
def pool(request: HttpRequest) -> HttpResponse:
    ctx = _ctx(request)
    day = selectors.work_day(ctx["year"])

    def rows(filters: dict[str, Any]) -> list[Any]:
        found = selectors.pool_rows(request.user, day=day, year=ctx["year"], region=ctx["area"])
        return [r for r in found if not filters["grade"] or r.grade.code == filters["grade"]]

    table = POOL.build(request, rows, actions=POOL_ACTIONS, export_name=f"后备培育库-{day:%Y%m%d}")
    if response := table.export_response():
        return response
    ctx.update(
        table=table,
        grade=table.filters["grade"],
        sort=table.sort,
        grade_labels=grading.GRADE_LABELS,
        day=day,
        pending=selectors.pending_proposals(request.user),
        officers=selectors.officer_choices(request.user),
        leave_reasons=PoolMembership.LeaveReason.choices,
        verdicts=grading.VERDICT_LABELS,
    )
    return render(request, "cultivation/pool.html", ctx)


@staff_or_officer
@require_POST
def pool_propose(request: HttpRequest) -> HttpResponse:
    uscc = request.POST.get("uscc", "").strip()
    try:
        firm = enterprise_get(actor=request.user, uscc=uscc)
    except NotFound:
        messages.error(request, f"找不到统一社会信用代码为“{uscc}”的本区域企业")
        return redirect("cultivation:pool")
    on = date_param(request, "on", lambda: selectors.work_day(_year(request)))
    _run(
        request,
        lambda: services.pool_propose(
            actor=request.user, enterprise=firm, on=on, reason=request.POST.get("reason", "")
        ),
        "已入库" if is_bureau(request.user) else "已推荐，待科技局审核",
    )
    return redirect("cultivation:pool")


@staff_or_officer
@require_POST
def enterprise_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """入库 (or 推荐入库) from the enterprise page's cultivation panel."""
    firm = enterprise_get(actor=request.user, pk=pk)
    on = date_param(request, "on", lambda: selectors.work_day(selectors.plan_year(request.user)))
    _run(
        request,
        lambda: services.pool_propose(
            actor=request.user, enterprise=firm, on=on, reason=request.POST.get("reason", "")
        ),
        f"“{firm.name}”已入库" if is_bureau(request.user) else f"已推荐“{firm.name}”，待科技局审核",
    )
    return redirect("enterprises:detail", pk=firm.pk)


@staff_or_officer
@require_POST
def pool_propose_bulk(request: HttpRequest) -> HttpResponse:
    """入库 for the enterprises selected in a list (the enterprise list's action)."""
    firms = selectors.enterprises_chosen(request.user, _ids(request))
    on = date_param(request, "on", lambda: selectors.work_day(selectors.plan_year(request.user)))
    try:
        result = services.pool_propose_many(
            actor=request.user, enterprises=firms, on=on, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result.message)
    return _back(request, reverse("cultivation:pool"))


@staff_or_officer
@require_POST
def ledgers_assign(request: HttpRequest) -> HttpResponse:
    """指定责任人 for the year's ledgers of the enterprises selected in the pool list."""
    year = _year(request)
    ledgers = selectors.ledgers_chosen(request.user, _ids(request), year)
    officer = selectors.user_choice(request.POST.get("officer", ""))
    try:
        result = services.ledgers_assign_officer(
            actor=request.user, ledgers=ledgers, officer=officer
        )
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        missing = len(set(_ids(request))) - len(ledgers)
        note = f"；{missing} 家尚未建立{year}年台帐，未指定" if missing > 0 else ""
        messages.success(request, result.message + note)
    return _back(request, reverse("cultivation:pool"))


@staff_or_officer
@require_POST
def pool_decide(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.membership_get(actor=request.user, pk=pk)
    approve = request.POST.get("approve") == "1"
    on = date_param(request, "on", lambda: selectors.work_day(_year(request)))
    _run(
        request,
        lambda: services.pool_decide(
            actor=request.user,
            membership=m,
            approve=approve,
            on=on,
            note=request.POST.get("note", ""),
        ),
        "已审核",
    )
    return redirect("cultivation:pool")


@staff_or_officer
@require_POST
def pool_leave(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.membership_get(actor=request.user, pk=pk)
    on = date_param(request, "on", lambda: selectors.work_day(_year(request)))
    _run(
        request,
        lambda: services.pool_leave(
            actor=request.user,
            membership=m,
            reason=request.POST.get("reason", ""),
            on=on,
            note=request.POST.get("note", ""),
        ),
        "已出库",
    )
    return _back(request, reverse("cultivation:pool"))


@staff_or_officer
@require_POST
def pool_grade(request: HttpRequest, pk: int) -> HttpResponse:
    m = selectors.membership_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.grade_override(
            actor=request.user,
            membership=m,
            grade=request.POST.get("grade", ""),
            reason=request.POST.get("reason", ""),
        ),
        "分级已调整",
    )
    return _back(request, reverse("cultivation:pool"))


@staff_or_officer
@require_POST
def regrade(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    try:
        job = services.pool_regrade_start(actor=request.user, year=year, region=_area(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('cultivation:pool')}?year={year}")
    return redirect("jobs:detail", pk=job.pk)


# -- ledgers -----------------------------------------------------------------------------------


@staff_or_officer
def enterprise_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's ledger of the year; POST opens it."""
    firm = enterprise_get(actor=request.user, pk=pk)
    year = _year(request)
    lg = selectors.ledger_of(request.user, firm, year)
    if lg is None and request.method == "POST":
        kind = request.POST.get("kind", Ledger.Kind.FIRST)
        _run(
            request,
            lambda: services.ledger_open(
                actor=request.user,
                enterprise=firm,
                year=year,
                kind=kind,
                on=selectors.work_day(year),
            ),
            "台帐已建立",
        )
        lg = selectors.ledger_of(request.user, firm, year)
    if lg is not None:
        return redirect("cultivation:ledger", pk=lg.pk)
    return render(
        request, "cultivation/ledger_open.html", _ctx(request, e=firm, kinds=Ledger.Kind.choices)
    )


@ledger_reader
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    page = selectors.ledger_page(request.user, lg)
    role = role_of(request.user)
    ctx = _ctx(
        request,
        lg=lg,
        e=lg.enterprise,
        g=page.grade,
        membership=page.membership,
        next_stages=[(s, pipeline.label(s)) for s in pipeline.next_stages(lg.stage, role)],
        events=page.events,
        visits=page.visits,
        documents=page.documents,
        batches=page.batches,
        officers=page.officers,
        contacts=page.contacts,
        today=selectors.work_day(lg.year),
        tasks=page.tasks,
        can_edit=can_use(request.user)[0],
    )
    return render(request, "cultivation/ledger.html", ctx)


@staff_or_officer
@require_POST
def ledger_transition(request: HttpRequest, pk: int) -> HttpResponse:
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    on = date_param(request, "on", lambda: selectors.work_day(lg.year))
    to = request.POST.get("to", "")
    _run(
        request,
        lambda: services.ledger_transition(
            actor=request.user,
            ledger=lg,
            to=to,
            on=on,
            note=request.POST.get("note", ""),
            expected_stage=request.POST.get("expected_stage") or None,
        ),
        f"已进入“{pipeline.label(to)}”",
    )
    return _back(request, reverse("cultivation:ledger", args=[lg.pk]))


@staff_or_officer
@require_POST
def ledger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    officer = selectors.user_choice(request.POST.get("officer", ""))
    contact = selectors.user_choice(request.POST.get("bureau_contact", ""))
    batch = selectors.batch_choice(request.POST.get("batch", ""))

    _run(
        request,
        lambda: services.ledger_edit(
            actor=request.user,
            ledger=lg,
            officer=officer,
            bureau_contact=contact,
            notes=request.POST.get("notes"),
            batch=batch,
        ),
        "台帐已保存",
    )
    return redirect("cultivation:ledger", pk=lg.pk)


@ledger_reader
@require_POST
def ledger_visit(request: HttpRequest, pk: int) -> HttpResponse:
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    on = date_param(request, "visited_on", lambda: selectors.work_day(lg.year))
    _run(
        request,
        lambda: services.visit_record(
            actor=request.user,
            ledger=lg,
            visited_on=on,
            summary=request.POST.get("summary", ""),
            problems=request.POST.get("problems", ""),
        ),
        "走访已记录",
    )
    return redirect("cultivation:ledger", pk=lg.pk)


@staff_or_officer
@require_POST
def ledger_document(request: HttpRequest, pk: int) -> HttpResponse:
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "附件：请选择文件")
    else:
        _run(
            request,
            lambda: services.document_add(
                actor=request.user, ledger=lg, title=request.POST.get("title", ""), file=upload
            ),
            "附件已上传",
        )
    return redirect("cultivation:ledger", pk=lg.pk)


@staff_or_officer
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.document_get(actor=request.user, pk=pk)
    with doc.file.open("rb") as fh:
        data = fh.read()
    return file_response(data, (doc.file.name or "").rsplit("/", 1)[-1], "application/octet-stream")


# -- batches, targets, tasks -------------------------------------------------------------------


BATCH_DATES = ("submit_by", "review_on", "publicize_on", "certified_on")

BATCH_MEMBERS = Listing(
    name="batch_members",
    title="批次企业",
    columns=[
        Column(
            "name",
            "企业",
            value="enterprise.name",
            sort="enterprise__name",
            link=lambda lg: reverse("cultivation:ledger", args=[lg.pk]),
        ),
        Column("uscc", "统一社会信用代码", value="enterprise.uscc", css="font-monospace small"),
        Column(
            "region", "区域", value="enterprise.region.name", sort="enterprise__region__sort_order"
        ),
        Column("kind", "类型", value="get_kind_display"),
        Column("stage", "环节/结果", value="stage_label", sort="stage"),
        Column("officer", "园区/乡镇责任人", value=lambda lg: str(lg.officer or "") or None),
    ],
    page_size=50,
    empty="本区域没有编入该批次的企业",
    table_id="batch-members",
    attributes="enterprise",  # innovation points (and other declared attributes)
)
TASKS = Listing(
    name="tasks",
    title="培育任务",
    columns=[
        Column("title", "任务", sort="title"),
        Column("region", "区域", value="region.name", sort="region__sort_order"),
        Column(
            "about",
            "企业/批次",
            value=lambda t: (
                " ".join(
                    x for x in (getattr(t.enterprise, "name", ""), getattr(t.call, "name", "")) if x
                )
                or None
            ),
        ),
        Column("owner", "责任人", value=lambda t: str(t.owner) if t.owner else None),
        Column("due_on", "期限", sort="due_on", template="cultivation/cells/task_due.html"),
        Column("status", "状态", value="get_status_display", sort="status"),
        Column("done_on", "完成日期", sort="done_on"),
        Column(
            "act",
            "",
            value=lambda t: None,
            template="cultivation/cells/task_act.html",
            export=False,
        ),
    ],
    filters=[Filter("status", "状态", choices=Task.Status.choices)],
    page_size=50,
    empty="暂无任务",
    table_id="task-table",
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@staff_or_officer
def batches(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        obj = selectors.batch_choice(request.POST.get("id", ""))
        data: dict[str, Any] = {
            k: date_param(request, k) if request.POST.get(k) else None for k in BATCH_DATES
        }
        data.update(
            year=int(request.POST["year"]) if request.POST.get("year", "").isdigit() else None,
            seq=int(request.POST["seq"]) if request.POST.get("seq", "").isdigit() else None,
            name=request.POST.get("name", ""),
            note=request.POST.get("note", ""),
        )
        _run(
            request,
            lambda: services.batch_save(actor=request.user, data=data, batch=obj),
            "批次已保存",
        )
        return redirect(f"{reverse('cultivation:batches')}?year={data['year'] or ''}")
    ctx = _ctx(request)
    page = selectors.batches_page(
        request.user, year=ctx["year"], chosen_pk=text_param(request, "batch")
    )
    members = BATCH_MEMBERS.build(request, selectors.batch_members(request.user, page.chosen))
    if response := members.export_response():
        return response
    ctx.update(rows=page.rows, chosen=page.chosen, members=members, unplanned=page.unplanned)
    return render(request, "cultivation/batches.html", ctx)


@staff_or_officer
def progress(request: HttpRequest) -> HttpResponse:
    """Per town/park: the year's targets against the records and the forecast."""
    ctx = _ctx(request)
    year = ctx["year"]
    if request.method == "POST":
        region = selectors.region_by_code(request.POST.get("region", ""))
        raw = request.POST.get("value", "")
        if region is None:
            messages.error(request, "区域不存在")
        else:
            _run(
                request,
                lambda: services.target_set(
                    actor=request.user,
                    year=year,
                    region=region,
                    metric=request.POST.get("metric", ""),
                    value=int(raw) if raw.isdigit() else -1,
                    comparison=request.POST.get("comparison", "gte"),
                ),
                "目标已保存",
            )
        return redirect(f"{reverse('cultivation:progress')}?year={year}")
    f = fc.forecast(actor=request.user, year=year, calibrate=False)
    rows: list[dict[str, Any]] = []
    for area, fig in f.by_area:
        rows.append(
            {
                "area": area,
                "fig": fig,
                "new_target": fig.need("hnte_new"),
                "valid_target": fig.need("hnte_valid"),
                "pool_target": fig.need("pool_size"),
            }
        )
    chart = {
        "areas": [r["area"].short_name or r["area"].name for r in rows],
        "pool": [r["fig"].pool_size for r in rows],
        "pool_target": [r["pool_target"] for r in rows],
        "valid": [round(float(r["fig"].valid_end), 1) for r in rows],
        "valid_target": [r["valid_target"] for r in rows],
        "new": [round(float(r["fig"].new), 1) for r in rows],
        "new_target": [r["new_target"] for r in rows],
    }
    rates = selectors.success_rates(request.user, by="area")
    ctx.update(
        f=f,
        rows=rows,
        chart=chart,
        metrics=list(pipeline.TARGET_METRICS.items()),
        comparisons=[("gte", "≥"), ("gt", ">")],
        rates=rates,
        year_rates=selectors.success_rates(request.user, by="year"),
        county=selectors.county_of(request.user),
    )
    return render(request, "cultivation/progress.html", ctx)


@staff_or_officer
def tasks(request: HttpRequest) -> HttpResponse:
    ctx = _ctx(request)
    day = selectors.work_day(ctx["year"])
    if request.method == "POST":
        region = next((a for a in ctx["areas"] if a.code == request.POST.get("region")), None)
        owner = selectors.user_choice(request.POST.get("owner", ""))
        if region is None:
            messages.error(request, "责任区域：请选择本区域内的镇街或园区")
        else:
            _run(
                request,
                lambda: services.task_create(
                    actor=request.user,
                    title=request.POST.get("title", ""),
                    region=region,
                    owner=owner,
                    due_on=date_param(request, "due_on", day),
                ),
                "任务已派发",
            )
        return redirect("cultivation:tasks")
    table = TASKS.build(
        request, lambda f: selectors.tasks_of(request.user, ctx["area"], status=f["status"])
    )
    if response := table.export_response():
        return response
    ctx.update(
        table=table,
        keep=[("year", ctx["year"]), ("area", ctx["area"].code if ctx["area"] else "")],
        day=day,
        overdue=selectors.overdue_count(selectors.tasks_of(request.user, ctx["area"]), day),
        officers=selectors.officer_choices(request.user),
        statuses=Task.Status.choices,
    )
    return render(request, "cultivation/tasks.html", ctx)


@staff_or_officer
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.task_set_status(
            actor=request.user,
            task=task,
            status=request.POST.get("status", ""),
            on=selectors.work_day(task.due_on.year),
        ),
        "任务状态已更新",
    )
    return redirect("cultivation:tasks")


# -- forecast, success, export ------------------------------------------------------------------


@staff_or_officer
def forecast(request: HttpRequest) -> HttpResponse:
    ctx = _ctx(request)
    f = fc.forecast(actor=request.user, year=ctx["year"], region=ctx["area"])
    chart = {
        "areas": [a.short_name or a.name for a, _f in f.by_area],
        "still": [fig.still_valid for _a, fig in f.by_area],
        "renewals": [round(float(fig.renewals), 1) for _a, fig in f.by_area],
        "new": [round(float(fig.new), 1) for _a, fig in f.by_area],
        "target": [fig.need("hnte_valid") for _a, fig in f.by_area],
    }
    calibration = [
        {
            **row,
            "expected_f": float(row["expected"]),
            "bins": [
                (f"{lo}–{min(hi, 100)}%", n, float(e), hit)
                for (lo, hi), (n, e, hit) in row["bins"].items()
            ],
        }
        for row in f.calibration
    ]
    ctx.update(
        f=f,
        t=f.total,
        chart=chart,
        calibration=calibration,
        short={m: f.total.shortfall(m) for m in ("hnte_new", "hnte_valid", "pool_size")},
        need={m: f.total.need(m) for m in ("hnte_new", "hnte_valid", "pool_size")},
    )
    return render(request, "cultivation/forecast.html", ctx)


# The export's expected values (期望重认定, 期望新增, 年末有效, 缺口) to one decimal.
FORECAST_FORMATS = {i: "0.0" for i in (3, 5, 7, 9)}


@staff_or_officer
def forecast_export(request: HttpRequest) -> HttpResponse:
    """The forecast's area table (and the total) as a workbook."""
    ctx = _ctx(request)
    year, area = ctx["year"], ctx["area"]
    headers, rows = fc.export_rows(
        fc.forecast(actor=request.user, year=year, region=area, calibrate=False)
    )
    where = f"{area.name}" if area else ""
    return xlsx_response(
        lambda out: write_rows_xlsx(
            out, headers, rows, sheet=f"{year}年高企预测", number_formats=FORECAST_FORMATS
        ),
        f"{where}{year}年高企预测.xlsx",
    )


@staff_or_officer
def success(request: HttpRequest) -> HttpResponse:
    ctx = _ctx(request)
    ctx.update(
        by_area=selectors.success_rates(request.user, by="area"),
        by_batch=selectors.success_rates(request.user, by="batch"),
        by_year=selectors.success_rates(request.user, by="year"),
    )
    return render(request, "cultivation/success.html", ctx)


@staff_or_officer
def export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    headers, rows = selectors.ledger_export_rows(request.user, year)
    return xlsx_response(
        lambda out: write_rows_xlsx(out, headers, rows, sheet=f"{year}年高企培育台帐"),
        f"高企培育台帐{year}.xlsx",
    )

"""/api/v1/cultivation/…: the pool with grades, a ledger, its transitions, the forecast.
Records named in the path are looked up in the caller's scope before the body is read.
Every endpoint has a response schema (the OpenAPI describes it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.core.openapi import Year
from kechuang.cultivation import forecast as fc
from kechuang.cultivation import grading, selectors, services
from kechuang.cultivation.models import Ledger
from kechuang.cultivation.permissions import can_use

router = Router(tags=["高企培育"])


class GradeOut(Schema):
    grade: str
    computed: str
    override_reason: str
    p: float
    score: dict[str, int]
    distance: str
    failing: list[str]
    unknown: list[str]
    blockers: list[str]
    remedies: list[str]


class PoolRowOut(GradeOut):
    uscc: str
    name: str
    region: str
    entered_on: dt.date | None
    ledger_stage: str | None


class PoolOut(Schema):
    year: int
    day: dt.date
    count: int
    results: list[PoolRowOut]


class EventOut(Schema):
    stage: str
    on: dt.date
    by: str
    note: str


class LedgerOut(Schema):
    id: int
    uscc: str
    name: str
    year: int
    kind: str
    stage: str
    stage_label: str
    version: int
    batch: str | None
    events: list[EventOut]


class TransitionIn(Schema):
    # Blank is refused with the workflow's own message, after the scope check.
    to: str = ""
    on: dt.date | None = None
    note: str = ""
    # The stage the caller last saw: a move from a stale view is refused (409).
    expected_stage: str | None = None


class FiguresOut(Schema):
    start_valid: int
    expiring: int
    renewals: float
    new: float
    new_planned: int
    valid_end: float
    unknown: int
    unknown_p: float
    pool_size: int
    targets: dict[str, int]
    shortfall: dict[str, float | None]


class AreaFiguresOut(FiguresOut):
    code: str
    name: str


class ForecastOut(Schema):
    year: int
    total: FiguresOut
    areas: list[AreaFiguresOut]


def _guard(request: HttpRequest) -> None:
    allowed, reason = can_use(request.user)
    if not allowed:
        raise PermissionDenied(reason)


def _grade(g: grading.Grade) -> dict[str, Any]:
    return {
        "grade": g.code,
        "computed": g.computed,
        "override_reason": g.override_reason,
        "p": float(g.p),
        "score": g.score,
        "distance": g.distance_text,
        "failing": [c["id"] for c in g.failing],
        "unknown": [c["id"] for c in g.unknown],
        "blockers": g.blockers,
        "remedies": g.remedies,
    }


@router.get("/pool", response=PoolOut, summary="后备培育库（在库企业、分级、距离与补足办法）")
def pool(request: HttpRequest, year: Year | None = None, day: dt.date | None = None) -> PoolOut:
    _guard(request)
    y = year or selectors.plan_year(request.user)
    d = day or selectors.work_day(y)
    rows = selectors.sort_rows(selectors.pool_rows(request.user, day=d, year=y), "distance")
    return PoolOut(
        year=y,
        day=d,
        count=len(rows),
        results=[
            PoolRowOut(
                uscc=r.membership.enterprise.uscc,
                name=r.membership.enterprise.name,
                region=r.membership.enterprise.region.name,
                entered_on=r.membership.entered_on,
                ledger_stage=r.ledger.stage if r.ledger else None,
                **_grade(r.grade),
            )
            for r in rows
        ],
    )


def _ledger(lg: Ledger) -> LedgerOut:
    return LedgerOut(
        id=lg.pk,
        uscc=lg.enterprise.uscc,
        name=lg.enterprise.name,
        year=lg.year,
        kind=lg.kind,
        stage=lg.stage,
        stage_label=lg.stage_label,
        version=lg.version,
        batch=lg.call.name if lg.call else None,
        events=[
            EventOut(stage=e.stage, on=e.on, by=e.by_name, note=e.note)
            for e in selectors.ledger_events(lg)
        ],
    )


@router.get("/ledgers/{pk}", response=LedgerOut, summary="一份培育台帐")
def ledger(request: HttpRequest, pk: int) -> LedgerOut:
    _guard(request)
    return _ledger(selectors.ledger_get(actor=request.user, pk=pk))


@router.post(
    "/ledgers/{pk}/transition",
    response=LedgerOut,
    summary='推进台帐环节（{"to": 环节, "on": 日期, "note", "expected_stage"}）',
)
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> LedgerOut:
    _guard(request)
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    if not payload.to:
        raise ValidationFailed([FieldError("to", "环节", "请给出要进入的环节")])
    moved = services.ledger_transition(
        actor=request.user,
        ledger=lg,
        to=payload.to,
        on=payload.on or selectors.work_day(lg.year),
        note=payload.note,
        expected_stage=payload.expected_stage,
        via="api",
    )
    return _ledger(selectors.ledger_get(actor=request.user, pk=moved.pk))


def _figures(x: fc.Figures) -> dict[str, Any]:
    return {
        "start_valid": x.start_valid,
        "expiring": x.expiring,
        "renewals": float(x.renewals),
        "new": float(x.new),
        "new_planned": x.new_n,
        "valid_end": float(x.valid_end),
        "unknown": x.unknown_n,
        "unknown_p": float(x.unknown_p),
        "pool_size": x.pool_size,
        "targets": {m: t.count for m, t in x.targets.items()},
        "shortfall": {m: x.shortfall(m) for m in x.targets},
    }


@router.get("/forecast", response=ForecastOut, summary="年度预测：新增、年末有效高企与目标、缺口")
def forecast(request: HttpRequest, year: Year | None = None) -> ForecastOut:
    _guard(request)
    y = year or selectors.plan_year(request.user)
    f = fc.forecast(actor=request.user, year=y, calibrate=False)
    return ForecastOut(
        year=y,
        total=FiguresOut(**_figures(f.total)),
        areas=[AreaFiguresOut(code=a.code, name=a.name, **_figures(x)) for a, x in f.by_area],
    )

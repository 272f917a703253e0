"""/api/v1/cultivation/…: the pool with grades, a ledger, its transitions, the forecast.
Records named in the path are looked up in the caller's scope before the body is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.cultivation import forecast as fc
from kechuang.cultivation import grading, selectors, services
from kechuang.cultivation.permissions import can_use

router = Router(tags=["高企培育"])


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


@router.get("/pool", summary="后备培育库（在库企业、分级、距离与补足办法）")
def pool(
    request: HttpRequest, year: int | None = None, day: dt.date | None = None
) -> dict[str, Any]:
    _guard(request)
    y = year or selectors.plan_year(request.user)
    d = day or selectors.work_day(y)
    rows = selectors.sort_rows(selectors.pool_rows(request.user, day=d, year=y), "distance")
    return {
        "year": y,
        "day": d.isoformat(),
        "count": len(rows),
        "results": [
            {
                "uscc": r.membership.enterprise.uscc,
                "name": r.membership.enterprise.name,
                "region": r.membership.enterprise.region.name,
                "entered_on": r.membership.entered_on,
                "ledger_stage": r.ledger.stage if r.ledger else None,
                **_grade(r.grade),
            }
            for r in rows
        ],
    }


def _ledger(lg: Any) -> dict[str, Any]:
    return {
        "id": lg.pk,
        "uscc": lg.enterprise.uscc,
        "name": lg.enterprise.name,
        "year": lg.year,
        "kind": lg.kind,
        "stage": lg.stage,
        "batch": lg.batch.name if lg.batch else None,
        "events": [
            {"stage": e.stage, "on": e.on, "by": e.by_name, "note": e.note} for e in lg.events.all()
        ],
    }


@router.get("/ledgers/{pk}", summary="一份培育台帐")
def ledger(request: HttpRequest, pk: int) -> dict[str, Any]:
    _guard(request)
    return _ledger(selectors.ledger_get(actor=request.user, pk=pk))


@router.post("/ledgers/{pk}/transition", summary='推进台帐环节（{"to": 环节, "on": 日期, "note"}）')
def transition(request: HttpRequest, pk: int, payload: Body[Any]) -> dict[str, Any]:
    _guard(request)
    lg = selectors.ledger_get(actor=request.user, pk=pk)
    body = payload if isinstance(payload, dict) else {}
    try:
        on = (
            dt.date.fromisoformat(str(body["on"]))
            if body.get("on")
            else selectors.work_day(lg.year)
        )
    except ValueError:
        raise ValidationFailed([FieldError("on", "日期", "应为 YYYY-MM-DD")]) from None
    services.ledger_transition(
        actor=request.user,
        ledger=lg,
        to=str(body.get("to", "")),
        on=on,
        note=str(body.get("note", "")),
        via="api",
    )
    return _ledger(lg)


@router.get("/forecast", summary="年度预测：新增、年末有效高企与目标、缺口")
def forecast(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    _guard(request)
    y = year or selectors.plan_year(request.user)
    f = fc.forecast(actor=request.user, year=y, calibrate=False)

    def fig(x: fc.Figures) -> dict[str, Any]:
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
            "targets": {m: t.value for m, t in x.targets.items()},
            "shortfall": {m: x.shortfall(m) for m in x.targets},
        }

    return {
        "year": y,
        "total": fig(f.total),
        "areas": [{"code": a.code, "name": a.name, **fig(x)} for a, x in f.by_area],
    }

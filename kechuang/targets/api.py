"""/api/v1/indicators and /api/v1/targets: indicator values with targets and ranks,
the records behind a figure, and targets CRUD. Handlers parse → call → render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from kechuang.core.errors import NotFound, PermissionDenied, ValidationFailed
from kechuang.core.openapi import Year
from kechuang.targets import selectors, services
from kechuang.targets.indicators import INDICATORS, Evaluator, json_number
from kechuang.targets.models import Target
from kechuang.targets.permissions import can_manage_targets

router = Router(tags=["指标"])
targets_router = Router(tags=["目标"])


class RegionRef(Schema):
    code: str
    name: str


class IndicatorOut(Schema):
    id: str
    label: str
    unit: str
    capability: str
    value: Decimal | int | None
    status: str
    source: str
    records: int
    target: Decimal | None
    target_comparison: str | None
    progress: Decimal | None
    met: bool | None
    peer_rank: int | None


class IndicatorsOut(Schema):
    year: int
    region: RegionRef
    indicators: list[IndicatorOut]


class RecordOut(Schema):
    enterprise_id: int | None
    enterprise: str
    region: str
    kind: str
    detail: str
    amount_wan: Decimal | None


class RecordsOut(Schema):
    indicator: str
    year: int
    region: RegionRef
    value: Decimal | int | None
    count: int
    records: list[RecordOut]


def _region(request: HttpRequest, code: str) -> Any:
    if code:
        return selectors.region_get(actor=request.user, code=code)
    region = selectors.home_region(request.user)
    if region is None:
        raise NotFound("没有可查看的区域")
    return region


@router.get(
    "", response=IndicatorsOut, summary="某区域某年度的全部指标（含目标、完成率、同级排名）"
)
def indicators(request: HttpRequest, region: str = "", year: Year | None = None) -> Any:
    reg = _region(request, region)
    y = year or selectors.default_year(request.user)
    rows = selectors.indicator_table(actor=request.user, region=reg, year=y)
    out = []
    for r in rows:
        ind, t = r.value.indicator, r.progress.target
        out.append(
            IndicatorOut(
                id=ind.id,
                label=ind.label,
                unit=ind.unit,
                capability=ind.capability,
                value=json_number(r.value.value, ind),
                status=r.value.status,
                source=r.value.source,
                records=r.value.records,
                target=None if t is None else Decimal(t.value),
                target_comparison=None if t is None else t.get_comparison_display(),
                progress=r.progress.percent,
                met=r.progress.met,
                peer_rank=r.peer_rank,
            )
        )
    return IndicatorsOut(year=y, region=RegionRef(code=reg.code, name=reg.name), indicators=out)


@router.get("/{indicator_id}/records", response=RecordsOut, summary="指标背后的记录（下钻）")
def indicator_records(
    request: HttpRequest, indicator_id: str, region: str = "", year: Year | None = None
) -> Any:
    reg = _region(request, region)
    y = year or selectors.default_year(request.user)
    value, rows = selectors.records(
        actor=request.user,
        indicator_id=indicator_id,
        region=reg,
        year=y,
        evaluator=Evaluator(actor=request.user),
    )
    return RecordsOut(
        indicator=indicator_id,
        year=y,
        region=RegionRef(code=reg.code, name=reg.name),
        value=json_number(value.value, value.indicator),
        count=len(rows),
        records=[
            RecordOut(
                enterprise_id=r.enterprise_id,
                enterprise=r.enterprise,
                region=r.region,
                kind=r.kind,
                detail=r.detail,
                amount_wan=r.amount_wan,
            )
            for r in rows
        ],
    )


class TargetIn(Schema):
    region: str
    year: int
    indicator: str
    value: Decimal
    comparison: str = "gte"
    note: str = ""


_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["region", "year", "indicator", "value"],
                    "properties": {
                        "region": {"type": "string"},
                        "year": {"type": "integer"},
                        "indicator": {"type": "string"},
                        "value": {"type": "string"},
                        "comparison": {"type": "string", "enum": ["gte", "gt", "eq"]},
                        "note": {"type": "string"},
                    },
                }
            }
        },
        "required": True,
    }
}


class TargetOut(Schema):
    id: int
    region: RegionRef
    year: int
    indicator: str
    label: str
    value: Decimal
    comparison: str
    note: str


def target_out(t: Target) -> TargetOut:
    return TargetOut(
        id=t.pk,
        region=RegionRef(code=t.region.code, name=t.region.name),
        year=t.year,
        indicator=t.indicator,
        label=INDICATORS[t.indicator].label if t.indicator in INDICATORS else t.indicator,
        value=Decimal(t.value),
        comparison=t.comparison,
        note=t.note,
    )


@targets_router.get("", response=list[TargetOut], summary="目标列表")
def target_list(request: HttpRequest, year: Year | None = None) -> Any:
    return [target_out(t) for t in selectors.target_list(actor=request.user, year=year)]


def _payload(request: HttpRequest) -> TargetIn:
    """The body, parsed after the permission check so that outsiders get 403, not 422."""
    import json

    from pydantic import ValidationError as PydanticError

    try:
        raw = json.loads(request.body or b"{}")
        return TargetIn(**raw) if isinstance(raw, dict) else TargetIn()  # type: ignore[call-arg]
    except (ValueError, TypeError, PydanticError):
        raise ValidationFailed(
            [], "请求数据不符合要求：需要 region, year, indicator, value（可选 comparison, note）"
        ) from None


def _require_manage(request: HttpRequest) -> None:
    allowed, reason = can_manage_targets(request.user)
    if not allowed:
        raise PermissionDenied(reason)


@targets_router.post(
    "", response={201: TargetOut}, summary="下达或修改目标（科技局）", openapi_extra=_BODY
)
def target_create(request: HttpRequest) -> Any:
    _require_manage(request)
    payload = _payload(request)
    t = services.target_save(actor=request.user, via="api", **payload.dict())
    return Status(201, target_out(t))


def _target(request: HttpRequest, pk: int) -> Target:
    return selectors.target_get(actor=request.user, pk=pk)


@targets_router.get("/{pk}", response=TargetOut, summary="一个目标")
def target_get(request: HttpRequest, pk: int) -> Any:
    return target_out(_target(request, pk))


@targets_router.put("/{pk}", response=TargetOut, summary="修改目标（科技局）", openapi_extra=_BODY)
def target_update(request: HttpRequest, pk: int) -> Any:
    t = _target(request, pk)
    _require_manage(request)
    payload = _payload(request)
    if (payload.region, payload.year, payload.indicator) != (t.region.code, t.year, t.indicator):
        raise ValidationFailed([], "区域、年度和指标不能修改：请删除后重新下达")
    return target_out(services.target_save(actor=request.user, via="api", **payload.dict()))


@targets_router.delete("/{pk}", response={204: None}, summary="删除目标（科技局）")
def target_remove(request: HttpRequest, pk: int) -> Any:
    services.target_delete(actor=request.user, target=_target(request, pk), via="api")
    return Status(204, None)

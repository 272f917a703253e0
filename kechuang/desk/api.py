"""/api/v1/desk/…: read-only service requests (an enterprise sees only its own) and
visits (bureau, officers and helpers, in their scope). A record outside the caller's
scope is 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kechuang.core import periods
from kechuang.core.errors import PermissionDenied
from kechuang.desk import permissions, selectors
from kechuang.desk.models import DeskVisit, ServiceRequest

router = Router(tags=["科技服务"])


class RequestOut(Schema):
    id: int
    uscc: str
    enterprise: str
    request_type: str
    title: str
    channel: str
    stage: str
    stage_label: str
    filed_on: dt.date
    due_on: dt.date
    overdue: bool
    helper: str | None
    resolved_on: dt.date | None
    reply: str
    satisfaction: int | None


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RequestOut]


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    visitor: str
    unit: str
    area: str
    uscc: str | None
    enterprise: str | None
    purpose: str
    notes: str
    follow_up_on: dt.date | None
    overlap_note: str


class VisitPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[VisitOut]


class RequestFilters(Schema):
    stage: str = ""
    page: int = 1
    page_size: int = 50


class VisitFilters(Schema):
    year: int | None = None
    page: int = 1
    page_size: int = 50


def _guard(request: HttpRequest) -> None:
    allowed, reason = permissions.can_use(request.user)
    if not allowed:
        raise PermissionDenied(reason)


def _request_out(r: ServiceRequest) -> RequestOut:
    app = r.application
    return RequestOut(
        id=r.pk,
        uscc=app.enterprise.uscc,
        enterprise=app.enterprise.name,
        request_type=r.request_type.name,
        title=app.title,
        channel=r.get_channel_display(),
        stage=app.stage,
        stage_label=app.stage_label,
        filed_on=r.filed_on,
        due_on=r.due_on,
        overdue=r.overdue_on(periods.today()),
        helper=str(r.helper) if r.helper else None,
        resolved_on=r.resolved_on,
        reply=r.reply,
        satisfaction=r.satisfaction,
    )


def _visit_out(v: DeskVisit) -> VisitOut:
    return VisitOut(
        id=v.pk,
        visited_on=v.visited_on,
        visitor=v.visitor_name,
        unit=v.unit,
        area=v.region.name,
        uscc=v.enterprise.uscc if v.enterprise else None,
        enterprise=v.enterprise.name if v.enterprise else None,
        purpose=v.get_purpose_display(),
        notes=v.notes,
        follow_up_on=v.follow_up_on,
        overlap_note=v.overlap_note,
    )


def _paging(page: int, page_size: int) -> tuple[int, int]:
    return max(1, min(page, 100_000)), max(1, min(page_size, 500))


@router.get("/requests", response=RequestPage, summary="服务诉求列表（企业只看到本企业的）")
def request_list(request: HttpRequest, filters: Query[RequestFilters]) -> RequestPage:
    _guard(request)
    page, size = _paging(filters.page, filters.page_size)
    total, rows = selectors.requests_page(request.user, page=page, size=size, stage=filters.stage)
    return RequestPage(
        count=total, page=page, page_size=size, results=[_request_out(r) for r in rows]
    )


@router.get("/requests/{int:pk}", response=RequestOut, summary="一件服务诉求")
def request_detail(request: HttpRequest, pk: int) -> RequestOut:
    _guard(request)
    return _request_out(selectors.request_get(actor=request.user, pk=pk))


@router.get("/visits", response=VisitPage, summary="走访记录列表（科技局、园区/乡镇和帮办员）")
def visit_list(request: HttpRequest, filters: Query[VisitFilters]) -> VisitPage:
    _guard(request)
    page, size = _paging(filters.page, filters.page_size)
    year = filters.year if filters.year is not None and 1900 <= filters.year <= 2999 else None
    total, rows = selectors.visits_page(request.user, page=page, size=size, year=year)
    return VisitPage(count=total, page=page, page_size=size, results=[_visit_out(v) for v in rows])

"""/api/v1/platforms/…: read-only lists of R&D institutions, carriers, science-plan
projects, talent and tech commissioners, scoped as the pages are (bureau staff and
officers; an officer sees their area). Every list is paged and typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kechuang.platforms import selectors, services
from kechuang.platforms.models import PlanProject

router = Router(tags=["平台与人才"])
MAX_PAGE = 500


class Paging(Schema):
    # Bounded, as every list of the API: a page past 100,000 is refused (422), not
    # handed to the database as an offset it cannot hold.
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE)


def _page(
    request: HttpRequest, qs: Any, paging: Paging, order: tuple[str, ...]
) -> tuple[int, int, int, list[Any]]:
    services._require(services.can_manage(request.user))
    size = max(1, min(paging.page_size, MAX_PAGE))
    page = max(1, paging.page)
    total, rows = selectors.page_of(qs, page=page, size=size, order=order)
    return total, page, size, rows


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    enterprise_uscc: str | None
    enterprise_name: str | None
    carrier: str | None
    approved_on: dt.date
    document: str
    next_review_on: dt.date | None
    revoked_on: dt.date | None


class InstitutionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[InstitutionOut]


@router.get("/institutions", response=InstitutionPage, summary="研发机构（按权限范围）")
def institutions(request: HttpRequest, paging: Query[Paging]) -> InstitutionPage:
    qs = selectors.institution_list(actor=request.user)
    total, page, size, rows = _page(request, qs, paging, ("-approved_on", "name", "pk"))
    return InstitutionPage(
        count=total,
        page=page,
        page_size=size,
        results=[
            InstitutionOut(
                id=i.pk,
                name=i.name,
                kind=i.kind,
                kind_label=i.get_kind_display(),
                level=i.level,
                level_label=i.get_level_display(),
                enterprise_uscc=i.enterprise.uscc if i.enterprise else None,
                enterprise_name=i.enterprise.name if i.enterprise else None,
                carrier=i.carrier.name if i.carrier else None,
                approved_on=i.approved_on,
                document=i.document,
                next_review_on=i.next_review_on,
                revoked_on=i.revoked_on,
            )
            for i in rows
        ],
    )


class CarrierOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    operator: str
    region_code: str
    region_name: str
    recognised_on: dt.date
    incubated_projects: int
    talent: int


class CarrierPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CarrierOut]


@router.get("/carriers", response=CarrierPage, summary="研发载体与孵化器（按权限范围）")
def carriers(request: HttpRequest, paging: Query[Paging]) -> CarrierPage:
    qs = selectors.carrier_list(actor=request.user)
    total, page, size, rows = _page(request, qs, paging, ("name", "pk"))
    return CarrierPage(
        count=total,
        page=page,
        page_size=size,
        results=[
            CarrierOut(
                id=c.pk,
                name=c.name,
                kind=c.kind,
                kind_label=c.get_kind_display(),
                level=c.level,
                level_label=c.get_level_display(),
                operator=c.operator,
                region_code=c.region.code,
                region_name=c.region.name,
                recognised_on=c.recognised_on,
                incubated_projects=c.n_projects,
                talent=c.n_talent,
            )
            for c in rows
        ],
    )


class ProjectOut(Schema):
    id: int
    uscc: str
    enterprise_name: str
    year: int
    level: str
    scheme: str
    title: str
    stage: str
    stage_label: str
    granted_yuan: Decimal
    paid_yuan: Decimal


class ProjectPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProjectOut]


def _project_out(p: PlanProject) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        uscc=p.enterprise.uscc,
        enterprise_name=p.enterprise.name,
        year=p.year,
        level=p.kind,
        scheme=str(p.data.get("scheme", "")),
        title=p.title,
        stage=p.stage,
        stage_label=p.stage_label,
        granted_yuan=getattr(p, "granted", None) or Decimal(0),
        paid_yuan=getattr(p, "paid", None) or Decimal(0),
    )


@router.get("/projects", response=ProjectPage, summary="科技计划项目（按权限范围）")
def projects(request: HttpRequest, paging: Query[Paging]) -> ProjectPage:
    qs = selectors.projects(actor=request.user)
    total, page, size, rows = _page(request, qs, paging, ("-year", "pk"))
    return ProjectPage(
        count=total, page=page, page_size=size, results=[_project_out(p) for p in rows]
    )


class TalentOut(Schema):
    id: int
    name: str
    programme: str
    programme_label: str
    year: int
    field: str
    enterprise_uscc: str | None
    enterprise_name: str | None
    carrier: str | None


class TalentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TalentOut]


@router.get("/talent", response=TalentPage, summary="人才（按权限范围）")
def talent(request: HttpRequest, paging: Query[Paging]) -> TalentPage:
    qs = selectors.talent_list(actor=request.user)
    total, page, size, rows = _page(request, qs, paging, ("-year", "name", "pk"))
    return TalentPage(
        count=total,
        page=page,
        page_size=size,
        results=[
            TalentOut(
                id=t.pk,
                name=t.name,
                programme=t.programme,
                programme_label=t.get_programme_display(),
                year=t.year,
                field=t.field,
                enterprise_uscc=t.enterprise.uscc if t.enterprise else None,
                enterprise_name=t.enterprise.name if t.enterprise else None,
                carrier=t.carrier.name if t.carrier else None,
            )
            for t in rows
        ],
    )


class CommissionerOut(Schema):
    id: int
    name: str
    institution: str
    expertise: str
    region_code: str
    region_name: str
    status: str
    status_label: str
    recommended_on: dt.date | None
    registered_on: dt.date | None
    lapsed_on: dt.date | None
    enterprises_served: int


class CommissionerPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CommissionerOut]


@router.get("/commissioners", response=CommissionerPage, summary="科技特派员（按权限范围）")
def commissioners(request: HttpRequest, paging: Query[Paging]) -> CommissionerPage:
    qs = selectors.commissioner_list(actor=request.user)
    total, page, size, rows = _page(request, qs, paging, ("name", "pk"))
    return CommissionerPage(
        count=total,
        page=page,
        page_size=size,
        results=[
            CommissionerOut(
                id=c.pk,
                name=c.name,
                institution=c.institution,
                expertise=c.expertise,
                region_code=c.region.code,
                region_name=c.region.name,
                status=c.status,
                status_label=c.get_status_display(),
                recommended_on=c.recommended_on,
                registered_on=c.registered_on,
                lapsed_on=c.lapsed_on,
                enterprises_served=c.n_served,
            )
            for c in rows
        ],
    )

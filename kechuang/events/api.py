"""/api/v1/events/…: read-only, scoped like the pages. Events (the bureau and officers
their area's and the county's own, an enterprise those open to it and those it took part
in) with their participant count and roadshow items (a firm the caller may not see is not
named), and publicity articles (the bureau and officers only, as on the page). Money in
yuan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kechuang.accounts.scoping import role_of
from kechuang.core.errors import PermissionDenied
from kechuang.core.openapi import Year
from kechuang.events import selectors
from kechuang.events.models import Article, Event, RoadshowItem

router = Router(tags=["科技活动"])

PAGE_SIZE = Field(50, ge=1, le=500, description="每页条数（1–500）")
PAGE = Field(1, ge=1, le=100000, description="页码")


class RoadshowItemOut(Schema):
    id: int
    title: str
    presenter: str
    uscc: str | None = Field(description="路演企业；调用者无权查看的企业为 null")
    enterprise: str | None
    summary: str
    financing_sought_yuan: Decimal | None
    mean_score: Decimal | None = Field(description="评委平均分（0–100）；未评分为 null")
    scores: int = Field(description="评委人数")


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    held_on: dt.date
    place: str
    region: str
    organisers: str
    partners: str
    open_for_registration: bool
    participants: int = Field(description="参与方数（企业、专家、投资机构等）")
    agreements_signed: int
    financing_intention_yuan: Decimal | None
    outcomes: str
    items: list[RoadshowItemOut]


class IntentionOut(Schema):
    investor: str = Field(description="投资机构/银行")
    uscc: str | None = Field(description="企业统一社会信用代码；未指明企业为 null")
    enterprise: str | None
    amount_yuan: Decimal = Field(description="意向金额（元）")
    on: dt.date
    note: str


class LinkedAgreementOut(Schema):
    agreement_id: int | None = Field(
        description="科技合作协议（/api/v1/matching/agreements/{id}）；已删除或调用者无权查看的为 null"
    )
    title: str | None = Field(description="协议（名称、企业与合作单位）；调用者无权查看的为 null")
    signed_on: dt.date | None
    amount_yuan: Decimal | None = Field(description="合同金额（元）")
    linked_on: dt.date


class EventDetailOut(EventOut):
    intentions: list[IntentionOut] = Field(
        description="现场融资意向（调用者可见企业的，及未指明企业的）"
    )
    agreements: list[LinkedAgreementOut] = Field(description="现场签约的科技合作协议")


class EventPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EventOut]


class EventFilters(Schema):
    year: Year | None = Field(None, description="举办年度")
    kind: str = Field("", max_length=10, description="活动类型")
    q: str = Field("", max_length=100, description="名称、地点或机构")
    page: int = PAGE
    page_size: int = PAGE_SIZE


class ArticleOut(Schema):
    id: int
    media: str
    level: str
    level_label: str
    published_on: dt.date
    title: str
    link: str
    region: str


class ArticlePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ArticleOut]


class ArticleFilters(Schema):
    year: Year | None = Field(None, description="刊发年度")
    level: str = Field("", max_length=10, description="媒体级别")
    page: int = PAGE
    page_size: int = PAGE_SIZE


def _item(i: RoadshowItem) -> RoadshowItemOut:
    avg = getattr(i, "avg_score", None)
    return RoadshowItemOut(
        id=i.pk,
        title=i.title,
        presenter=i.presenter,
        uscc=i.enterprise.uscc if i.enterprise else None,
        enterprise=i.enterprise.name if i.enterprise else None,
        summary=i.summary,
        financing_sought_yuan=i.financing_sought_yuan,
        mean_score=None if avg is None else Decimal(avg).quantize(Decimal("0.01")),
        scores=getattr(i, "n_scores", 0),
    )


def _event(e: Event, items: list[RoadshowItem]) -> EventOut:
    return EventOut(
        id=e.pk,
        kind=e.kind,
        kind_label=e.get_kind_display(),
        title=e.title,
        held_on=e.held_on,
        place=e.place,
        region=e.region.name,
        organisers=e.organisers,
        partners=e.partners,
        open_for_registration=e.open_for_registration,
        participants=getattr(e, "n_participants", 0),
        # Outcomes are records now (linked agreements, financing intentions): counted
        # and summed by the events selector, in one query for the page.
        agreements_signed=getattr(e, "n_agreements", 0),
        financing_intention_yuan=getattr(e, "financing_yuan", None),
        outcomes=e.outcomes,
        items=[_item(i) for i in items],
    )


def _article(a: Article) -> ArticleOut:
    return ArticleOut(
        id=a.pk,
        media=a.media,
        level=a.level,
        level_label=a.get_level_display(),
        published_on=a.published_on,
        title=a.title,
        link=a.link,
        region=a.region.name,
    )


def _organiser(request: HttpRequest) -> None:
    # As the 宣传用稿 page: the bureau and officers register and read them.
    if role_of(request.user) not in ("staff", "officer"):
        raise PermissionDenied("宣传用稿由科技局和园区/乡镇登记")


@router.get("", response=EventPage, summary="科技活动（含参与方数与路演项目）")
def event_list(request: HttpRequest, filters: Query[EventFilters]) -> EventPage:
    qs = selectors.events(actor=request.user, kind=filters.kind, year=filters.year, q=filters.q)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    items = selectors.items_of(actor=request.user, events_=rows)
    return EventPage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_event(e, items[e.pk]) for e in rows],
    )


# Before "/{pk}", which would otherwise take "articles" for an id.
@router.get("/articles", response=ArticlePage, summary="宣传用稿（科技局和园区/乡镇）")
def article_list(request: HttpRequest, filters: Query[ArticleFilters]) -> ArticlePage:
    _organiser(request)
    qs = selectors.articles(actor=request.user, year=filters.year, level=filters.level)
    total, rows = selectors.page_of(qs, page=filters.page, size=filters.page_size)
    return ArticlePage(
        count=total,
        page=filters.page,
        page_size=filters.page_size,
        results=[_article(a) for a in rows],
    )


@router.get("/articles/{pk}", response=ArticleOut, summary="一篇宣传用稿")
def article_detail(request: HttpRequest, pk: int) -> ArticleOut:
    _organiser(request)
    return _article(selectors.article_get(actor=request.user, pk=pk))


@router.get(
    "/{pk}", response=EventDetailOut, summary="一场科技活动（含路演项目、融资意向与签约协议）"
)
def event_detail(request: HttpRequest, pk: int) -> EventDetailOut:
    e = selectors.event_get(actor=request.user, pk=pk)
    base = _event(e, selectors.items_of(actor=request.user, events_=[e])[e.pk])
    return EventDetailOut(
        **base.dict(),
        intentions=[
            IntentionOut(
                investor=i.investor,
                uscc=i.enterprise.uscc if i.enterprise else None,
                enterprise=i.enterprise.name if i.enterprise else None,
                amount_yuan=i.amount_yuan,
                on=i.on,
                note=i.note,
            )
            for i in selectors.intentions(actor=request.user, event=e)
        ],
        agreements=[
            LinkedAgreementOut(
                agreement_id=r.ref if r else None,
                title=r.label if r else None,
                signed_on=r.on if r else None,
                amount_yuan=r.amount_yuan if r else None,
                linked_on=link.linked_on,
            )
            for link, r in selectors.linked_agreements(actor=request.user, event=e)
        ],
    )

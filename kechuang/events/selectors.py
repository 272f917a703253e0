"""Reads of 科技活动, scoped. An event belongs to the area that organised it: the bureau
and officers see the events of their area and below, and the county's own events; an
enterprise sees the events open to it (its area's and its county's) and those it took
part in. Enterprise participants are listed only to those who may see the enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of, scope_region, sees_everything, visible_regions
from kechuang.core.errors import NotFound
from kechuang.core.registry import LinkRecord, link_source, link_sources
from kechuang.core.sums import ExactSum
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.events.models import (
    Article,
    Event,
    FinancingIntention,
    JuryScore,
    OutcomeLink,
    Participant,
    RoadshowItem,
)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _region_q(actor: Any, prefix: str = "region__") -> Q:
    if sees_everything(actor):
        return Q()
    role = role_of(actor)
    if role in ("staff", "officer"):
        own = scope_region(actor)
        if own is None:
            return Q(pk__in=[])
        return Q(**{f"{prefix}path__startswith": own.path}) | Q(
            **{f"{prefix}path__in": _ancestor_paths(own.path)}
        )
    if role in ("enterprise", "helper"):
        firms = enterprise_queryset(actor).select_related("region")
        paths = {p for e in firms[:50] for p in _ancestor_paths(e.region.path)}
        mine = Participant.objects.filter(enterprise__in=enterprise_queryset(actor)).values(
            "event_id"
        )
        open_ = Q(open_for_registration=True, **{f"{prefix}path__in": sorted(paths)})
        return open_ | Q(pk__in=mine)
    return Q(pk__in=[])


def events(*, actor: Any, kind: str = "", year: int | None = None, q: str = "") -> QuerySet[Event]:
    qs = Event.objects.filter(_region_q(actor)).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(partners__icontains=q))
    agreements = (
        OutcomeLink.objects.filter(event=OuterRef("pk"), kind="agreement")
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    financing = (
        FinancingIntention.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(total=Sum("amount_yuan"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    return qs.annotate(
        n_participants=Count("participants"),
        n_agreements=Coalesce(Subquery(agreements), 0),
        financing_yuan=Subquery(financing, output_field=money),
    )


def event_get(*, actor: Any, pk: int) -> Event:
    try:
        return events(actor=actor).get(pk=pk)
    except Event.DoesNotExist:
        raise NotFound("活动不存在或无权查看") from None


def event_page(*, actor: Any, event: Event) -> dict[str, Any]:
    rows = list(event.participants.select_related("enterprise", "enterprise__region"))
    firm_ids = [p.enterprise_id for p in rows if p.enterprise_id]
    visible = set(enterprise_queryset(actor).filter(pk__in=firm_ids).values_list("pk", flat=True))
    shown = [p for p in rows if not p.enterprise_id or p.enterprise_id in visible]
    items = list(
        event.items.select_related("enterprise")
        .annotate(avg_score=Avg("scores__score"), n_scores=Count("scores"))
        .order_by("-avg_score", "id")
    )
    scores: dict[int, list[JuryScore]] = {}
    for s in JuryScore.objects.filter(item__event=event).order_by("juror"):
        scores.setdefault(s.item_id, []).append(s)
    for item in items:
        item.jury = scores.get(item.pk, [])  # type: ignore[attr-defined]
        if (
            item.enterprise_id
            and item.enterprise_id not in visible
            and role_of(actor) not in ("staff", "officer")
        ):
            item.enterprise = None
    return {
        **event_outcomes(actor=actor, event=event, firm_ids=firm_ids),
        "participants": shown,
        "hidden": len(rows) - len(shown),
        "by_role": {r: sum(1 for p in rows if p.role == r) for r in Participant.Role.values},
        "items": items,
        "own_firms": list(enterprise_queryset(actor).exclude(pk__in=firm_ids)[:20])
        if role_of(actor) == "enterprise"
        else [],
    }


CANDIDATE_DAYS = 30


def event_outcomes(*, actor: Any, event: Event, firm_ids: list[int]) -> dict[str, Any]:
    """The event's outcomes as records: its links, each resolved through its `LINKS`
    source as `actor` sees it (a record out of the actor's scope, or gone, keeps its label
    and loses its link), and its financing intentions; for an organiser, the records
    that may be linked (of the participating enterprises, dated within 30 days of it)."""
    links = list(event.links.all())
    by_kind: dict[str, list[int]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link.ref)
    resolved: dict[tuple[str, int], LinkRecord] = {}
    for kind, refs in by_kind.items():
        source = link_source(kind)
        if source is not None:
            for r in source.records(actor, refs=refs, limit=len(refs)):
                resolved[(kind, r.ref)] = r
    labels = {source.kind: source.label for source in link_sources()}
    rows = [
        (link, resolved.get((link.kind, link.ref)), labels.get(link.kind, "其他成果"))
        for link in links
    ]
    intentions = list(event.intentions.select_related("enterprise"))
    visible = set(
        enterprise_queryset(actor)
        .filter(pk__in=[i.enterprise_id for i in intentions if i.enterprise_id])
        .values_list("pk", flat=True)
    )
    for i in intentions:
        i.shown_enterprise = i.enterprise if i.enterprise_id in visible else None  # type: ignore[attr-defined]
    candidates: list[tuple[str, str, list[LinkRecord]]] = []
    if role_of(actor) in ("staff", "officer") and firm_ids:
        days = dt.timedelta(days=CANDIDATE_DAYS)
        for source in link_sources():
            linked = set(by_kind.get(source.kind, []))
            found = source.records(
                actor,
                enterprise_ids=firm_ids,
                since=event.held_on - days,
                until=event.held_on + days,
            )
            candidates.append(
                (source.kind, source.label, [r for r in found if r.ref not in linked])
            )
    return {
        "links": rows,
        "n_agreements": sum(1 for link in links if link.kind == "agreement"),
        "intentions": intentions,
        "financing_yuan": sum((i.amount_yuan for i in intentions), Decimal(0))
        if intentions
        else None,
        "link_candidates": candidates,
    }


def intentions(
    *, actor: Any, year: int | None = None, event: Event | None = None
) -> QuerySet[FinancingIntention]:
    """The financing intentions recorded at the events the actor sees, each of an
    enterprise the actor sees or of none (another area's firm is neither named nor
    listed): the sheet's and the API's, in the order of the events and days."""
    qs = FinancingIntention.objects.filter(
        event__in=Event.objects.filter(_region_q(actor)).values("pk")
    ).filter(Q(enterprise__isnull=True) | Q(enterprise__in=enterprise_queryset(actor)))
    if year:
        qs = qs.filter(event__held_on__year=year)
    if event is not None:
        qs = qs.filter(event=event)
    return qs.select_related("event", "enterprise").order_by(
        "event__held_on", "event_id", "on", "id"
    )


def linked_agreements(*, actor: Any, event: Event) -> list[tuple[OutcomeLink, LinkRecord | None]]:
    """The agreements linked to the event, each with its record as the actor sees it
    (None: gone, or out of the actor's scope)."""
    links = list(event.links.filter(kind="agreement"))
    source = link_source("agreement")
    found: dict[int, LinkRecord] = {}
    if source is not None and links:
        refs = [link.ref for link in links]
        found = {r.ref: r for r in source.records(actor, refs=refs, limit=len(refs))}
    return [(link, found.get(link.ref)) for link in links]


def link_get(*, actor: Any, event: Event, pk: int) -> OutcomeLink:
    try:
        return event.links.get(pk=pk)
    except OutcomeLink.DoesNotExist:
        raise NotFound("成果关联不存在") from None


def intention_get(*, actor: Any, event: Event, pk: int) -> FinancingIntention:
    try:
        return event.intentions.get(pk=pk)
    except FinancingIntention.DoesNotExist:
        raise NotFound("融资意向不存在") from None


def enterprise_events(*, actor: Any, enterprise: Any) -> list[Participant]:
    return list(
        Participant.objects.visible_to(actor)
        .filter(enterprise=enterprise)
        .select_related("event")
        .order_by("-event__held_on")[:20]
    )


def articles(*, actor: Any, year: int | None = None, level: str = "") -> QuerySet[Article]:
    qs = Article.objects.filter(_region_q(actor)).select_related("region")
    if role_of(actor) not in ("staff", "officer") and not sees_everything(actor):
        qs = qs.none()
    if year:
        qs = qs.filter(published_on__year=year)
    if level:
        qs = qs.filter(level=level)
    return qs


def organiser_regions(actor: Any) -> list[Region]:
    return list(visible_regions(actor).order_by("path"))


def region_or_none(actor: Any, code: str) -> Region | None:
    return visible_regions(actor).filter(code=code).first() if code else None


def item_get(*, actor: Any, event: Event, pk: int) -> RoadshowItem:
    try:
        return event.items.get(pk=pk)
    except RoadshowItem.DoesNotExist:
        raise NotFound("路演项目不存在") from None


# -- indicators --------------------------------------------------------------------------

IUR_KINDS = (Event.Kind.IUR, Event.Kind.DIAGNOSIS)
REPORTED_LEVELS = (Article.Level.NATIONAL, Article.Level.PROVINCIAL, Article.Level.CITY)


def events_in(
    region: Region, year: int, kinds: tuple[str, ...], until: Any = None
) -> QuerySet[Event]:
    """Events of `kinds` held in `year` in the region (up to `until`: scheduled ones of
    the current year are not yet counted)."""
    qs = Event.objects.filter(
        region__path__startswith=region.path, held_on__year=year, kind__in=kinds
    ).select_related("region")
    return qs.filter(held_on__lte=until) if until is not None else qs


def articles_in(region: Region, year: int) -> QuerySet[Article]:
    return Article.objects.filter(
        region__path__startswith=region.path, published_on__year=year, level__in=REPORTED_LEVELS
    ).select_related("region")


def financing_total(qs: QuerySet[Event]) -> Decimal:
    """The financing intentions recorded at the events of `qs` (exact on SQLite too)."""
    found = FinancingIntention.objects.filter(event__in=qs.values("pk")).aggregate(
        total=ExactSum("amount_yuan")
    )["total"]
    return found or Decimal(0)


# -- the API ------------------------------------------------------------------------------


def page_of(qs: QuerySet[Any], *, page: int, size: int) -> tuple[int, list[Any]]:
    """One page of a scoped list (the orderings end in the id, so pages are stable)."""
    start = (page - 1) * size
    return qs.count(), list(qs[start : start + size])


def items_of(*, actor: Any, events_: list[Event]) -> dict[int, list[RoadshowItem]]:
    """The roadshow items of each event, with their mean jury score, read in one query.
    As on the event page, a firm the actor may not see is not named, except to the
    bureau and officers (who organise the event)."""
    rows: dict[int, list[RoadshowItem]] = {e.pk: [] for e in events_}
    items = list(
        RoadshowItem.objects.filter(event__in=list(rows))
        .select_related("enterprise")
        .annotate(avg_score=Avg("scores__score"), n_scores=Count("scores"))
        .order_by("event_id", "id")
    )
    if role_of(actor) not in ("staff", "officer"):
        firm_ids = {i.enterprise_id for i in items if i.enterprise_id}
        visible = set(
            enterprise_queryset(actor).filter(pk__in=firm_ids).values_list("pk", flat=True)
        )
        for item in items:
            if item.enterprise_id and item.enterprise_id not in visible:
                item.enterprise = None
    for item in items:
        rows[item.event_id].append(item)
    return rows


def article_get(*, actor: Any, pk: int) -> Article:
    try:
        return articles(actor=actor).get(pk=pk)
    except Article.DoesNotExist:
        raise NotFound("用稿不存在或无权查看") from None

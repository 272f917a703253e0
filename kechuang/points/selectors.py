"""Innovation points: reads, scoped to the actor.

Who sees what: the bureau sees everything of its county (drafts, every run); an
officer the scores of their area's enterprises; an enterprise (and its helper) its own
score and explanation at any time, and the published list (a 公示 is public) once it is
published — never another enterprise's score before publication, never another's
explanation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import enterprise_scope_q, role_of
from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.enterprises.models import Enterprise
from kechuang.points import services
from kechuang.points.models import PointSet, PointsFacts, Publication, Score, ScoreRun
from kechuang.programmes.models import Objection
from kechuang.rules.points import default_set

BUREAU_SIDE = ("staff", "officer")


def is_bureau_side(actor: Any) -> bool:
    return role_of(actor) in BUREAU_SIDE


def can_manage(actor: Any) -> bool:
    return services.can_manage(actor)[0]


def county_for(actor: Any, code: str = "") -> Region | None:
    """The county whose points `actor` reads: the bureau's (or the one picked), an
    officer's, the county of an enterprise user's (or a helper's first) enterprise."""
    role = role_of(actor)
    if role == "staff":
        try:
            return services.county_of_actor(actor, code)
        except PermissionDenied:
            return None
    if role == "officer" and actor.region_id:
        return services.county_of(actor.region)
    firm = Enterprise.objects.visible_to(actor).select_related("region").order_by("pk").first()
    return services.county_of(firm.region) if firm is not None else None


def county_choices(actor: Any) -> list[Region]:
    """The counties a user may pick between (more than one only for a city bureau)."""
    if role_of(actor) != "staff":
        return []
    from kechuang.accounts.scoping import bureau_counties

    return bureau_counties(actor)


def county_pick(actor: Any, code: str = "") -> Region | None:
    """As `county_for`, but a `code` the actor may not read gives None (the API answers
    404 rather than quietly showing another county)."""
    county = county_for(actor, code)
    if county is None or (code and county.code != code):
        return None
    return county


def own_enterprise(actor: Any) -> Enterprise | None:
    if role_of(actor) != "enterprise":
        return None
    return Enterprise.objects.visible_to(actor).first()


# -- sets ---------------------------------------------------------------------------------


def sets_of(actor: Any, county: Region) -> QuerySet[PointSet]:
    if not can_manage(actor):
        return PointSet.objects.none()
    return PointSet.objects.filter(region=county).select_related("created_by", "published_by")


def set_get(*, actor: Any, pk: int) -> PointSet:
    found = (
        PointSet.objects.filter(pk=pk, region__in=_counties(actor)).select_related("region").first()
        if can_manage(actor)
        else None
    )
    if found is None:
        raise NotFound("没有这个指标体系")
    return found


def _counties(actor: Any) -> list[Region]:
    from kechuang.accounts.scoping import bureau_counties

    return bureau_counties(actor)


def draft_of(county: Region, year: int) -> PointSet | None:
    return PointSet.objects.filter(region=county, year=year, status=PointSet.Status.DRAFT).first()


def reference_set(point_set: PointSet) -> PointSet | None:
    """What a draft is compared with: the year's published set, else the latest
    published set before it."""
    return (
        PointSet.objects.filter(
            region=point_set.region, year__lte=point_set.year, status=PointSet.Status.PUBLISHED
        )
        .exclude(pk=point_set.pk)
        .order_by("-year", "-version")
        .first()
    )


# -- runs, lists, publication ---------------------------------------------------------------


def publication_of(county: Region, year: int) -> Publication | None:
    return (
        Publication.objects.filter(region=county, year=year)
        .select_related("run", "publicity", "run__point_set")
        .first()
    )


def latest_run(county: Region, year: int) -> ScoreRun | None:
    return services.latest_run(county, year)


def runs_of(county: Region, year: int) -> QuerySet[ScoreRun]:
    return ScoreRun.objects.filter(region=county, year=year).select_related("created_by")


def years(county: Region) -> list[int]:
    """Years with a set, a run or a list, newest first."""
    found = set(PointSet.objects.filter(region=county).values_list("year", flat=True))
    found |= set(ScoreRun.objects.filter(region=county).values_list("year", flat=True))
    return sorted(found, reverse=True)


@dataclass(frozen=True)
class ListState:
    """Which run a list shows to an actor, and whether it is the published one."""

    run: ScoreRun | None
    publication: Publication | None
    newer_run: ScoreRun | None  # the bureau: a run newer than the published one

    @property
    def published(self) -> bool:
        return (
            self.publication is not None
            and self.run is not None
            and (self.run.pk == self.publication.run_id)
        )


def list_state(actor: Any, county: Region, year: int) -> ListState:
    pub = publication_of(county, year)
    latest = latest_run(county, year)
    if is_bureau_side(actor):
        if pub is not None:
            newer = latest if latest is not None and latest.pk != pub.run_id else None
            return ListState(pub.run, pub, newer)
        return ListState(latest, None, None)
    return ListState(pub.run if pub is not None else None, pub, None)


def list_scores(
    *,
    actor: Any,
    state: ListState,
    stage: str = "",
    tier: str = "",
    region: Region | None = None,
    q: str = "",
) -> QuerySet[Score]:
    """The rows of a rank list: the bureau side sees its scope; an enterprise and a
    helper see the published list only (the 公示)."""
    if state.run is None:
        return Score.objects.none()
    qs = Score.objects.filter(run=state.run, total_cents__isnull=False).select_related(
        "enterprise__region"
    )
    if is_bureau_side(actor):
        qs = qs.visible_to(actor)
    elif not state.published:
        return Score.objects.none()
    if stage:
        qs = qs.filter(stage=stage)
    if tier:
        qs = qs.filter(tier=tier)
    if region is not None:
        qs = qs.filter(enterprise__region__path__startswith=region.path)
    if q.strip():
        qs = qs.filter(Q(enterprise__name__icontains=q.strip()) | Q(enterprise__uscc=q.strip()))
    return qs


def score_page(qs: QuerySet[Score], *, page: int, size: int) -> tuple[int, list[Score]]:
    """(count, one page of a rank list in list order) for the API's paging."""
    ordered = qs.select_related("run").order_by("overall_rank", "enterprise__name", "id")
    return qs.count(), list(ordered[(page - 1) * size : page * size])


def open_objection_count(actor: Any, publication: Publication) -> int:
    """Objections to the list awaiting the bureau, in the actor's scope."""
    return (
        objections(actor=actor, publication=publication)
        .filter(status=Objection.Status.OPEN)
        .count()
    )


def stage_choices(run: ScoreRun | None) -> list[tuple[str, str]]:
    data = run.point_set.data if run is not None else None
    stages = (data or {}).get("stages") if isinstance(data, dict) else None
    if not stages:
        return [(s.id, s.label) for s in default_set().stages]
    return [(str(s.get("id")), str(s.get("label"))) for s in stages if isinstance(s, dict)]


def tier_choices(run: ScoreRun | None) -> list[tuple[str, str]]:
    data = run.point_set.data if run is not None else None
    tiers = (data or {}).get("tiers") if isinstance(data, dict) else None
    if not tiers:
        return [(t.id, t.label) for t in default_set().tiers]
    return [(str(t.get("id")), str(t.get("label"))) for t in tiers if isinstance(t, dict)]


# -- one enterprise ----------------------------------------------------------------------------


def county_of_enterprise(enterprise: Enterprise) -> Region | None:
    return services.county_of(enterprise.region)


def enterprise_by_uscc(*, actor: Any, uscc: str) -> Enterprise:
    found = (
        Enterprise.objects.visible_to(actor)
        .select_related("region")
        .filter(uscc=uscc.strip().upper())
        .first()
    )
    if found is None:
        raise NotFound("没有这家企业，或不在您的范围内")
    return found


def enterprise_get(*, actor: Any, pk: int) -> Enterprise:
    found = Enterprise.objects.visible_to(actor).select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound("没有这家企业，或不在您的范围内")
    return found


@dataclass(frozen=True)
class Standing:
    """One enterprise's points of a year as the actor may see them."""

    enterprise: Enterprise
    year: int
    score: Score | None
    publication: Publication | None
    published: bool  # the score shown is the published one

    @property
    def lines(self) -> list[dict[str, Any]]:
        return list((self.score.explanation or {}).get("lines", [])) if self.score else []


def standing(*, actor: Any, enterprise: Enterprise, year: int) -> Standing:
    """The published score (the bureau and the enterprise itself also see a newer,
    unpublished one, marked as such)."""
    county = services.county_of(enterprise.region)
    pub = publication_of(county, year) if county is not None else None
    run = latest_run(county, year) if county is not None else None
    chosen = run
    if pub is not None and not is_bureau_side(actor):
        chosen = pub.run
    sc = (
        Score.objects.filter(run=chosen, enterprise=enterprise).select_related("run").first()
        if chosen is not None
        else None
    )
    return Standing(
        enterprise,
        year,
        sc,
        pub,
        pub is not None and chosen is not None and chosen.pk == pub.run_id,
    )


def panel_standing(*, actor: Any, enterprise: Enterprise) -> Standing | None:
    """The enterprise page's panel, usually in one query: the latest score with the run
    its year's list publishes (the published score instead, for anybody but the bureau
    side, when a newer run is not published yet). `publication` is left unread."""
    published_run = Publication.objects.filter(
        region_id=OuterRef("run__region_id"), year=OuterRef("run__year")
    ).values("run_id")[:1]
    latest = (
        Score.objects.filter(enterprise=enterprise)
        .select_related("run")
        .annotate(published_run=Subquery(published_run))
        .order_by("-run__year", "-run__created_at", "-run_id")
        .first()
    )
    if latest is None:
        return None
    pub_run = getattr(latest, "published_run", None)
    chosen: Score | None = latest
    if pub_run is not None and not is_bureau_side(actor) and pub_run != latest.run_id:
        chosen = Score.objects.filter(run_id=pub_run, enterprise=enterprise).first()
    published = chosen is not None and pub_run is not None and chosen.run_id == pub_run
    return Standing(enterprise, latest.run.year, chosen, None, published)


def points_facts(enterprise: Enterprise, year: int) -> PointsFacts | None:
    return PointsFacts.objects.filter(enterprise=enterprise, year=year).first()


def latest_standing_year(actor: Any, enterprise: Enterprise) -> int | None:
    """The latest year with a score of this enterprise that the actor may see."""
    qs = Score.objects.filter(enterprise=enterprise)
    if not is_bureau_side(actor) and role_of(actor) not in ("enterprise", "helper"):
        return None
    top = qs.aggregate(m=Max("run__year"))["m"]
    return int(top) if top else None


# -- objections -------------------------------------------------------------------------------


def objections(*, actor: Any, publication: Publication) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(entry__publicity=publication.publicity)
        .filter(enterprise_scope_q(actor, "entry__application__enterprise__"))
        .select_related("entry__application__enterprise", "evidence")
        .order_by("status", "-filed_on", "-id")
    )


def open_objection_total(actor: Any) -> int:
    """How many of `open_objections` there are, in one query (the top bar's 待办 count,
    on every page of the bureau: no permission lookup, the scope says it all)."""
    if role_of(actor) != "staff":
        return 0
    return (
        Objection.objects.filter(
            entry__application__programme="points", status=Objection.Status.OPEN
        )
        .filter(enterprise_scope_q(actor, "entry__application__enterprise__"))
        .count()
    )


def open_objections(actor: Any) -> QuerySet[Objection]:
    """Objections to points lists awaiting the bureau, oldest window first."""
    if not can_manage(actor):
        return Objection.objects.none()
    return (
        Objection.objects.filter(
            entry__application__programme="points", status=Objection.Status.OPEN
        )
        .filter(enterprise_scope_q(actor, "entry__application__enterprise__"))
        .select_related("entry__application__enterprise", "entry__publicity")
        .order_by("entry__publicity__ends_on", "filed_on", "pk")
    )


def objections_of(
    *, actor: Any, publication: Publication, enterprise: Enterprise
) -> QuerySet[Objection]:
    return objections(actor=actor, publication=publication).filter(
        entry__application__enterprise=enterprise
    )


def objection_get(*, actor: Any, pk: int) -> Objection:
    found = (
        Objection.objects.filter(pk=pk, entry__application__programme="points")
        .filter(enterprise_scope_q(actor, "entry__application__enterprise__"))
        .select_related(
            "entry__application__enterprise__region", "entry__publicity", "evidence", "resolved_by"
        )
        .first()
    )
    if found is None:
        raise NotFound("没有这件异议，或不在您的范围内")
    return found


def publication_of_objection(objection: Objection) -> Publication:
    return Publication.objects.select_related("run", "publicity", "region").get(
        publicity=objection.entry.publicity
    )


# -- attributes other apps read (ATTRIBUTES) --------------------------------------------------


def _published_scores(year: int | None) -> QuerySet[Score]:
    """The scores of each county's latest published list of `year` or before (the
    latest of all when None): a voucher of 2021 reads the 2020 list, the one in force.
    In SQL, so that a list's annotation adds no query."""
    latest = Publication.objects.filter(region=OuterRef("run__region"))
    if year is not None:
        latest = latest.filter(year__lte=year)
    return Score.objects.filter(
        total_cents__isnull=False,
        run__publications__year=Subquery(latest.order_by("-year").values("year")[:1]),
    )


def attribute_values(field: str, ids: Sequence[int], year: int | None) -> dict[int, Any]:
    """{enterprise id: value} of the latest published list of `year` or before (the
    latest when None)."""
    rows = (
        _published_scores(year)
        .filter(enterprise_id__in=list(ids))
        .values_list("enterprise_id", field)
    )
    out: dict[int, Any] = {}
    for eid, value in rows:
        if value not in (None, ""):
            out[eid] = value
    return out


def attribute_annotate(
    field: str, queryset: Any, year: int | None, name: str, via: str = ""
) -> Any:
    """A queryset annotated with the published `field` of `year` as `name`, for the
    enterprise of each row (`via`: the path to it, "" for an enterprise queryset)."""
    sub = _published_scores(year).filter(enterprise=OuterRef(via or "pk")).values(field)[:1]
    return queryset.annotate(**{name: Subquery(sub)})


def score_total(enterprise_ids: Sequence[int], year: int | None) -> dict[int, Decimal]:
    return attribute_values("total", enterprise_ids, year)


# -- what-if ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    """A draft against the published set, over the same year's facts."""

    rows: list[dict[str, Any]]  # every scored enterprise, the biggest moves first
    moved: int
    crossed: int
    up: int
    down: int
    chart: dict[str, Any]


def whatif(draft: PointSet, reference: PointSet) -> WhatIf:
    from kechuang.points.inputs import facts_frame

    after = services.parsed(draft)
    before = services.parsed(reference)
    frame = facts_frame(draft.region, draft.year)
    compared = [r for r in services.compare(frame, before, after) if r["rank_before"] is not None]
    names = dict(
        Enterprise.objects.filter(pk__in=[r["key"] for r in compared]).values_list("pk", "name")
    )
    rows = []
    for r in compared:
        rows.append(
            {
                **r,
                "name": names.get(r["key"], ""),
                "before": None if r["total_before"] is None else Decimal(r["total_before"]) / 100,
                "after": None if r["total_after"] is None else Decimal(r["total_after"]) / 100,
            }
        )
    rows.sort(key=lambda r: (-abs(r["moved"]), not r["crossed"], r["rank_after"] or 0))
    # The chart: how many enterprises move by how many places (up is positive).
    buckets: dict[int, int] = {}
    for r in rows:
        buckets[r["moved"]] = buckets.get(r["moved"], 0) + 1
    keys = sorted(buckets)
    return WhatIf(
        rows=rows,
        moved=sum(1 for r in rows if r["moved"]),
        crossed=sum(1 for r in rows if r["crossed"]),
        up=sum(1 for r in rows if r["moved"] > 0),
        down=sum(1 for r in rows if r["moved"] < 0),
        chart={
            "moves": [str(k) for k in keys],
            "counts": [buckets[k] for k in keys],
            "scatter": [
                [r["rank_before"], r["rank_after"], r["name"], r["stage"]] for r in rows[:2000]
            ],
        },
    )

"""Reads of platforms, projects, talent and commissioners, scoped to the actor, and the
counts behind the indicators (for a region's subtree and a year)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from kechuang.accounts.models import Region
from kechuang.core.errors import NotFound
from kechuang.core.registry import SearchDocument
from kechuang.core.sums import ExactSum
from kechuang.enterprises.selectors import enterprise_get
from kechuang.platforms.models import (
    LEVEL_RANK,
    Campaign,
    CampaignEntry,
    Carrier,
    Commissioner,
    IncubatedProject,
    PlanProject,
    RdInstitution,
    Review,
    ServiceRecord,
    Talent,
)
from kechuang.platforms.workflow import PROGRAMME, RECOGNITION, RECOMMENDATION, TALENT
from kechuang.programmes.models import (
    Application,
    ApplicationQuerySet,
    Attachment,
    Award,
    Publicity,
    PublicityEntry,
)
from kechuang.programmes.selectors import application_queryset, attachments_of, objections_of

PROVINCIAL_OR_ABOVE = ("national", "provincial")
APPLIED_LEVELS = ("provincial", "city")  # 申报省、市科技计划项目
REVIEW_NOTICE_DAYS = 60


def _get(qs: QuerySet[Any], pk: int, what: str) -> Any:
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise NotFound(f"{what}不存在或无权查看") from None


# -- lists ------------------------------------------------------------------------------


def institutions(*, actor: Any) -> QuerySet[RdInstitution]:
    return RdInstitution.objects.visible_to(actor).select_related(
        "enterprise", "enterprise__region", "carrier"
    )


def institution_get(*, actor: Any, pk: int) -> RdInstitution:
    inst: RdInstitution = _get(institutions(actor=actor), pk, "研发机构")
    return inst


def reviews_of(institution: RdInstitution) -> QuerySet[Review]:
    return institution.reviews.order_by("-year")


def reviews_due(
    actor: Any, day: dt.date, days: int = REVIEW_NOTICE_DAYS
) -> QuerySet[RdInstitution]:
    """Institutions whose next performance review falls within `days` (or is overdue)."""
    return (
        institutions(actor=actor)
        .filter(revoked_on__isnull=True, next_review_on__isnull=False)
        .filter(next_review_on__lte=day + dt.timedelta(days=days))
        .order_by("next_review_on", "name")
    )


def decisions_count(actor: Any, day: dt.date) -> int:
    """Reviews due plus recommendations awaiting the bureau, in one query (the top
    bar's count is read on every page)."""
    from kechuang.accounts.scoping import role_of

    reviews = reviews_due(actor, day).order_by().values("pk")
    if role_of(actor) != "staff":
        return reviews.count()
    recs = (
        Commissioner.objects.visible_to(actor)
        .filter(status=Commissioner.Status.RECOMMENDED)
        .order_by()
        .values("pk")
    )
    return reviews.union(recs, all=True).count()


def carriers(*, actor: Any) -> QuerySet[Carrier]:
    return (
        Carrier.objects.visible_to(actor)
        .select_related("region")
        .annotate(
            n_projects=Count("projects", distinct=True), n_talent=Count("talent", distinct=True)
        )
    )


def carrier_get(*, actor: Any, pk: int) -> Carrier:
    carrier: Carrier = _get(
        Carrier.objects.visible_to(actor).select_related("region"), pk, "研发载体"
    )
    return carrier


def carrier_page(*, actor: Any, pk: int) -> dict[str, Any]:
    c = carrier_get(actor=actor, pk=pk)
    return {
        "carrier": c,
        "projects": list(c.projects.order_by("-entered_on", "name")),
        "talent": list(c.talent.order_by("-year", "name")),
        "institutions": list(c.institutions.order_by("-approved_on")),
    }


def incubated(*, actor: Any) -> QuerySet[IncubatedProject]:
    return IncubatedProject.objects.visible_to(actor).select_related("carrier")


def incubated_get(*, actor: Any, pk: int) -> IncubatedProject:
    p: IncubatedProject = _get(incubated(actor=actor), pk, "入孵项目")
    return p


def talent(*, actor: Any) -> QuerySet[Talent]:
    return Talent.objects.visible_to(actor).select_related("enterprise", "carrier")


def talent_get(*, actor: Any, pk: int) -> Talent:
    t: Talent = _get(talent(actor=actor), pk, "人才")
    return t


def projects(*, actor: Any) -> Any:
    qs = application_queryset(actor, PROGRAMME)
    return (
        PlanProject.objects.filter(pk__in=qs.values("pk"))
        .select_related("enterprise", "enterprise__region")
        .annotate(
            granted=ExactSum("awards__amount_yuan"),
            paid=ExactSum("awards__amount_yuan", filter=Q(awards__paid_on__isnull=False)),
        )
    )


def applied_on(p: PlanProject) -> dt.date | None:
    """The date of the project's first event (prefetched `events`)."""
    return min((e.on for e in p.events.all()), default=None)


def decided_on(p: PlanProject) -> dt.date | None:
    """The date of its latest move (立项、中期检查、验收…)."""
    return max((e.on for e in p.events.all() if e.from_stage), default=None)


def paid_on(p: PlanProject) -> dt.date | None:
    return max((a.paid_on for a in p.awards.all() if a.paid_on), default=None)


def project_get(*, actor: Any, pk: int) -> PlanProject:
    p: PlanProject = _get(projects(actor=actor), pk, "科技计划项目")
    return p


def project_page(*, actor: Any, pk: int) -> dict[str, Any]:
    p = project_get(actor=actor, pk=pk)
    return {
        "p": p,
        "events": list(p.events.select_related("application").order_by("on", "id")),
        "awards": list(Award.objects.filter(application=p).order_by("granted_on", "id")),
        "attachments": list(attachments_of(p)),
        "reviews": list(p.reviews.order_by("reviewed_on", "id")),
        "listed_in": list(
            PublicityEntry.objects.filter(application=p)
            .select_related("publicity")
            .order_by("-publicity__starts_on")
        ),
    }


def project_document(*, actor: Any, pk: int) -> Attachment:
    """A file of a science-plan project the actor may see (404 otherwise)."""
    found: Attachment = _get(
        Attachment.objects.filter(
            application__programme=PROGRAMME,
            application__in=application_queryset(actor, PROGRAMME).values("pk"),
        ),
        pk,
        "附件",
    )
    return found


def plan_publicities(*, actor: Any) -> QuerySet[Publicity]:
    """The 立项 公示 with at least one project the actor may see."""
    visible = application_queryset(actor, PROGRAMME).values("pk")
    return (
        Publicity.objects.filter(programme=PROGRAMME)
        .filter(pk__in=PublicityEntry.objects.filter(application__in=visible).values("publicity"))
        .annotate(n=Count("entries", distinct=True))
        .order_by("-starts_on", "-id")
    )


def publishable_count(*, actor: Any, year: int) -> int:
    return publishable_projects(actor=actor, year=year).count()


def plan_publicity_page(*, actor: Any, pk: int) -> dict[str, Any]:
    pub: Publicity = _get(plan_publicities(actor=actor), pk, "公示")
    visible = set(application_queryset(actor, PROGRAMME).values_list("pk", flat=True))
    entries = [
        e
        for e in pub.entries.select_related("application", "application__enterprise").order_by(
            "rank", "id"
        )
        if e.application_id in visible
    ]
    return {
        "pub": pub,
        "entries": entries,
        "objections": list(objections_of(actor=actor, publicity=pub)),
    }


def publishable_projects(*, actor: Any, year: int) -> QuerySet[PlanProject]:
    """Projects of the year at 立项 or after that no 公示 lists yet."""
    qs: QuerySet[PlanProject] = (
        projects(actor=actor)
        .filter(year=year, stage__in=("approved", "midterm", "accepted"))
        .exclude(publicity_entries__isnull=False)
        .order_by("enterprise__name", "id")
    )
    return qs


PLATFORM_PROGRAMMES = (RECOGNITION, TALENT, RECOMMENDATION)


def platform_applications(
    *,
    actor: Any,
    programme: str = "",
    stage: str = "",
    year: int | str | None = None,
    q: str = "",
) -> QuerySet[Application]:
    """Recognition, talent and recommendation applications the actor may see (an
    enterprise's as its firm is; one of a person or an institute by its region)."""
    qs = (
        Application.objects.filter(programme__in=PLATFORM_PROGRAMMES)
        .visible_to(actor)
        .select_related("enterprise", "enterprise__region", "region")
        .annotate(last_on=Max("events__on"), first_on=Min("events__on"))
    )
    if programme in PLATFORM_PROGRAMMES:
        qs = qs.filter(programme=programme)
    if stage:
        qs = qs.filter(stage=stage)
    if year:
        qs = qs.filter(year=year)
    if q.strip():
        word = q.strip()
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(applicant__icontains=word)
            | Q(enterprise__name__icontains=word)
        )
    return qs


def application_sheet_extras(apps: Sequence[Application]) -> dict[str, Any]:
    """What the applications' sheet rows read besides the applications: the
    commissioner of each recommendation (by application id) and carriers' names (by
    id), in two queries."""
    rec = [a.pk for a in apps if a.programme == RECOMMENDATION]
    return {
        "commissioners": {
            c.recommendation_id: c for c in Commissioner.objects.filter(recommendation__in=rec)
        }
        if rec
        else {},
        "carriers": dict(Carrier.objects.values_list("pk", "name")),
    }


def platform_application_page(*, actor: Any, pk: int) -> dict[str, Any]:
    app: Application = _get(platform_applications(actor=actor), pk, "申报")
    return {
        "a": app,
        "events": list(app.events.select_related("application").order_by("on", "id")),
    }


def commissioners(*, actor: Any) -> QuerySet[Commissioner]:
    return (
        Commissioner.objects.visible_to(actor)
        .select_related("region")
        .annotate(n_served=Count("enterprises", distinct=True))
    )


def commissioner_get(*, actor: Any, pk: int) -> Commissioner:
    c: Commissioner = _get(
        Commissioner.objects.visible_to(actor).select_related("region"), pk, "科技特派员"
    )
    return c


def commissioner_page(*, actor: Any, pk: int) -> dict[str, Any]:
    from kechuang.enterprises.selectors import enterprise_queryset

    c = commissioner_get(actor=actor, pk=pk)
    firms = enterprise_queryset(actor)
    return {
        "c": c,
        "served": list(c.enterprises.filter(pk__in=firms.values("pk")).order_by("name")),
        "services": list(
            ServiceRecord.objects.visible_to(actor)
            .filter(commissioner=c)
            .select_related("enterprise")[:100]
        ),
        "entries": list(c.campaign_entries.select_related("campaign").order_by("-campaign__year")),
    }


def recommendations(*, actor: Any) -> QuerySet[Commissioner]:
    return commissioners(actor=actor).filter(status=Commissioner.Status.RECOMMENDED)


def campaigns(actor: Any) -> QuerySet[Campaign]:
    """The campaigns that concern the actor's area: run by its county (or the city
    above it), or by a county below it (the city bureau sees every county's)."""
    from kechuang.accounts.scoping import scope_region, sees_everything

    qs = Campaign.objects.select_related("region")
    if sees_everything(actor):
        return qs
    own = scope_region(actor)
    if own is None:
        return qs.none()
    parts = own.path.strip("/").split("/")
    above = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return qs.filter(Q(region__path__in=above) | Q(region__path__startswith=own.path))


def campaign_get(*, actor: Any, pk: int) -> Campaign:
    found: Campaign = _get(campaigns(actor), pk, "核实再登记")
    return found


def campaign_entries(*, actor: Any, campaign: Campaign) -> QuerySet[CampaignEntry]:
    return (
        CampaignEntry.objects.visible_to(actor)
        .filter(campaign=campaign)
        .select_related("commissioner", "commissioner__region")
    )


def campaign_counts(*, actor: Any, campaign: Campaign) -> dict[str, int]:
    """待核实 / 已再登记 / 已注销 and the total, in the actor's area."""
    rows = (
        campaign_entries(actor=actor, campaign=campaign)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    out = {"pending": 0, "confirmed": 0, "lapsed": 0}
    for r in rows:
        out[r["status"]] = r["n"]
    out["total"] = sum(out.values())
    return out


def roll_counts(*, actor: Any) -> dict[str, int]:
    """The commissioners of the actor's area by status."""
    rows = (
        Commissioner.objects.visible_to(actor).order_by().values("status").annotate(n=Count("id"))
    )
    out = {s: 0 for s in Commissioner.Status.values}
    for r in rows:
        out[r["status"]] = r["n"]
    return out


def pending_entries(actor: Any) -> QuerySet[CampaignEntry]:
    """Entries still to be verified in open campaigns (the 待办 reminder)."""
    return (
        CampaignEntry.objects.visible_to(actor)
        .filter(status=CampaignEntry.Status.PENDING, campaign__closed_on__isnull=True)
        .select_related("campaign", "commissioner")
    )


# -- the enterprise page ---------------------------------------------------------------------


def enterprise_page(*, actor: Any, pk: int, firm: Any = None) -> dict[str, Any]:
    """The firm's institutions, projects, talent and commissioners (`firm`: the
    enterprise already read in the actor's scope by the enterprise page)."""
    if firm is None or firm.pk != pk:
        firm = enterprise_get(actor=actor, pk=pk)
    return {
        "e": firm,
        "institutions": list(RdInstitution.objects.visible_to(actor).filter(enterprise=firm)),
        "projects": list(
            PlanProject.objects.visible_to(actor).filter(enterprise=firm).order_by("-year", "id")
        ),
        "talent": list(Talent.objects.visible_to(actor).filter(enterprise=firm)),
        "commissioners": list(
            Commissioner.objects.filter(enterprises=firm).exclude(
                status=Commissioner.Status.DECLINED
            )
        ),
    }


# -- indicators ------------------------------------------------------------------------------


def rd_institutions_new(region: Region, year: int) -> QuerySet[RdInstitution]:
    """Enterprise R&D institutions of provincial level or above approved in `year`."""
    return (
        RdInstitution.objects.in_region(region)
        .filter(enterprise__isnull=False, level__in=PROVINCIAL_OR_ABOVE, approved_on__year=year)
        .select_related("enterprise", "enterprise__region")
        .order_by("approved_on", "name")
    )


def incubator_projects_new(region: Region, year: int) -> QuerySet[IncubatedProject]:
    return (
        IncubatedProject.objects.in_region(region)
        .filter(carrier__kind__in=Carrier.INCUBATING, entered_on__year=year)
        .select_related("carrier", "carrier__region")
        .order_by("entered_on", "name")
    )


def projects_applied(region: Region, year: int) -> ApplicationQuerySet[PlanProject]:
    return (
        PlanProject.objects.of(PROGRAMME)
        .in_region(region)
        .filter(year=year, kind__in=APPLIED_LEVELS)
        .select_related("enterprise", "enterprise__region")
        .order_by("enterprise__name", "id")
    )


def talent_new(region: Region, year: int, programme: str) -> QuerySet[Talent]:
    return (
        Talent.objects.in_region(region)
        .filter(year=year, programme=programme)
        .select_related("enterprise", "enterprise__region", "carrier", "carrier__region")
        .order_by("name", "id")
    )


def commissioners_reregistered(region: Region, year: int) -> QuerySet[CampaignEntry]:
    return (
        CampaignEntry.objects.in_region(region)
        .filter(campaign__year=year, status=CampaignEntry.Status.CONFIRMED)
        .select_related("commissioner", "commissioner__region")
        .order_by("commissioner__name", "id")
    )


def commissioners_new(region: Region, year: int) -> QuerySet[Commissioner]:
    return (
        Commissioner.objects.in_region(region)
        .filter(recommended_on__year=year)
        .exclude(status=Commissioner.Status.DECLINED)
        .select_related("region")
        .order_by("recommended_on", "name")
    )


# -- the attribute read by the rules ----------------------------------------------------------


def provincial_rd_institution(enterprise_ids: Sequence[int], day: dt.date) -> dict[int, bool]:
    """`provincial_rd_institution` (省部级以上研发机构, 科技型中小企业评价办法 第八条):
    True for each enterprise holding, on `day`, an R&D institution of provincial level
    or above (approved on or before `day`, not revoked). Firms without one are absent
    (unknown: the registry may not hold a ministry's recognition)."""
    rows = RdInstitution.objects.filter(
        enterprise_id__in=list(enterprise_ids),
        level__in=PROVINCIAL_OR_ABOVE,
        approved_on__lte=day,
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
    return {pk: True for pk in rows.values_list("enterprise_id", flat=True).distinct()}


def level_at_least(level: str, floor: str) -> bool:
    return LEVEL_RANK.get(level, 0) >= LEVEL_RANK[floor]


# -- what the pages ask for -----------------------------------------------------------------


def firm_by_key(actor: Any, key: str) -> Any:
    """An enterprise of the actor's scope by 统一社会信用代码 or full name, or None."""
    from kechuang.enterprises.selectors import enterprise_queryset

    qs = enterprise_queryset(actor)
    return qs.filter(uscc=key.upper()).first() or qs.filter(name=key).first()


def carrier_by_name(actor: Any, name: str) -> Carrier | None:
    found: Carrier | None = Carrier.objects.visible_to(actor).filter(name=name).first()
    return found


def region_by_code(actor: Any, code: str) -> Region | None:
    from kechuang.accounts.scoping import visible_regions

    found: Region | None = visible_regions(actor).filter(code=code).first()
    return found


def regions_for(actor: Any) -> list[Region]:
    from kechuang.accounts.scoping import visible_regions

    return list(visible_regions(actor).order_by("path"))


def dashboard(*, actor: Any, year: int | None = None) -> dict[str, Any]:
    """The overview: what is on record, or — for a `year` — what the year added (研发机构
    approved, carriers recognised, projects entering incubation, plan applications,
    talent, commissioners recommended) and that year's 核实再登记."""
    insts = institutions(actor=actor)
    carriers_ = Carrier.objects.visible_to(actor)
    incubating = incubated(actor=actor)
    plans = application_queryset(actor, PROGRAMME)
    people = talent(actor=actor)
    found = campaigns(actor)
    if year is None:
        incubating = incubating.filter(status="incubating")
    else:
        insts = insts.filter(approved_on__year=year)
        carriers_ = carriers_.filter(recognised_on__year=year)
        incubating = incubating.filter(entered_on__year=year)
        plans = plans.filter(year=year)
        people = people.filter(year=year)
        found = found.filter(year=year)
    campaign = found.first()
    return {
        "year": year,
        "n_institutions": insts.count(),
        "n_carriers": carriers_.count(),
        "n_incubated": incubating.count(),
        "n_projects": plans.count(),
        "n_talent": people.count(),
        "n_recommended": commissioners(actor=actor).filter(recommended_on__year=year).count()
        if year is not None
        else None,
        "roll": roll_counts(actor=actor),
        "campaign": campaign,
        "counts": campaign_counts(actor=actor, campaign=campaign) if campaign else None,
    }


def institution_list(
    *, actor: Any, kind: str = "", level: str = "", q: str = ""
) -> QuerySet[RdInstitution]:
    qs = institutions(actor=actor)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(enterprise__name__contains=q))
    return qs


def carrier_list(*, actor: Any, kind: str = "") -> QuerySet[Carrier]:
    qs = carriers(actor=actor)
    return qs.filter(kind=kind) if kind else qs


def incubated_list(
    *, actor: Any, year: int | str | None = None, status: str = ""
) -> QuerySet[IncubatedProject]:
    qs = incubated(actor=actor)
    if year:
        qs = qs.filter(entered_on__year=year)
    return qs.filter(status=status) if status else qs


def talent_list(
    *, actor: Any, year: int | str | None = None, programme: str = ""
) -> QuerySet[Talent]:
    qs = talent(actor=actor)
    if year:
        qs = qs.filter(year=year)
    return qs.filter(programme=programme) if programme else qs


def project_list(
    *, actor: Any, year: int | str | None = None, level: str = "", stage: str = ""
) -> Any:
    qs = projects(actor=actor).prefetch_related("events", "awards")
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(kind=level)
    return qs.filter(stage=stage) if stage else qs


def commissioner_list(*, actor: Any, status: str = "", q: str = "") -> QuerySet[Commissioner]:
    qs = commissioners(actor=actor)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(institution__contains=q))
    return qs


def campaign_entry_list(
    *, actor: Any, campaign: Campaign, status: str = ""
) -> QuerySet[CampaignEntry]:
    qs = campaign_entries(actor=actor, campaign=campaign).select_related("campaign")
    return qs.filter(status=status) if status else qs


def campaign_rows(*, actor: Any) -> list[tuple[Campaign, dict[str, int]]]:
    return [(c, campaign_counts(actor=actor, campaign=c)) for c in campaigns(actor)]


def pending_by_ids(actor: Any, ids: list[int]) -> list[CampaignEntry]:
    return list(pending_entries(actor).filter(pk__in=ids))


# -- what the sheets match rows against --------------------------------------------------------


def lookups(actor: Any) -> tuple[dict[str, Any], dict[str, Carrier], dict[str, Region]]:
    """The actor's enterprises by USCC, carriers by name and regions by name."""
    from kechuang.accounts.scoping import visible_regions
    from kechuang.enterprises.selectors import enterprise_queryset

    firms = {e.uscc: e for e in enterprise_queryset(actor).select_related("region")}
    carriers = {c.name: c for c in Carrier.objects.visible_to(actor).select_related("region")}
    regions = {r.name: r for r in visible_regions(actor)}
    return firms, carriers, regions


def institution_match(name: str, firm: Any, carrier: Any, kind: str) -> RdInstitution | None:
    found: RdInstitution | None = RdInstitution.objects.filter(
        name=name, enterprise=firm, carrier=carrier, kind=kind
    ).first()
    return found


def incubated_match(carrier: Carrier, name: str) -> IncubatedProject | None:
    found: IncubatedProject | None = IncubatedProject.objects.filter(
        carrier=carrier, name=name
    ).first()
    return found


def talent_match(name: str, programme: str, year: int, firm: Any, carrier: Any) -> Talent | None:
    found: Talent | None = Talent.objects.filter(
        name=name, programme=programme, year=year, enterprise=firm, carrier=carrier
    ).first()
    return found


def commissioner_match(name: str, institution: str) -> Commissioner | None:
    found: Commissioner | None = Commissioner.objects.filter(
        name=name, institution=institution
    ).first()
    return found


# -- the 产学研 search box (the SEARCH contribution) ------------------------------------------


def commissioner_documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
    """Commissioners on the roll (在册) as search documents, matchable for a technology
    demand: their public profile only — name, 派出单位, expertise and service area. The
    enterprises they serve are not search terms (typing a firm's name must not tell who
    serves it), and the link opens the profile every signed-in user may see
    (`commissioner_public`); staff and officers of the area are taken on to the full
    record."""
    from django.urls import reverse

    qs = Commissioner.objects.filter(status=Commissioner.Status.ACTIVE).select_related("region")
    if refs is not None:
        qs = qs.filter(pk__in=list(refs))
    for c in qs.order_by("pk").iterator(chunk_size=2000):
        yield SearchDocument(
            ref=c.pk,
            title=f"{c.name}（{c.institution}）",
            text=f"{c.expertise} {c.institution} 科技特派员",
            url=reverse("platforms:commissioner_profile", args=[c.pk]),
            summary=f"科技特派员 · {c.expertise} · 服务{c.region.name}",
        )


def commissioner_public(*, pk: int) -> Commissioner:
    """A commissioner on the roll as anyone signed in may see them (the search box's
    link): the public profile's fields only are shown."""
    c: Commissioner = _get(
        Commissioner.objects.filter(status=Commissioner.Status.ACTIVE).select_related("region"),
        pk,
        "科技特派员",
    )
    return c


def commissioner_visible(*, actor: Any, pk: int) -> bool:
    """Whether the actor may open the commissioner's full record (staff and officers
    of the service area)."""
    return Commissioner.objects.visible_to(actor).filter(pk=pk).exists()


def page_of(
    qs: QuerySet[Any], *, page: int, size: int, order: Sequence[str]
) -> tuple[int, list[Any]]:
    """(count, the page's rows in `order`) for the API's paging."""
    ordered = qs.order_by(*order)
    return qs.count(), list(ordered[(page - 1) * size : page * size])

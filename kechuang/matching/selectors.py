"""Reads of 产学研对接, scoped to the actor: the search box, the ranked matches of a
demand (with the reasons), lists, the enterprise panel, agreements awaiting progress,
and the indicators' counts."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from kechuang.accounts.scoping import enterprise_scope_q, region_subtree_q, role_of
from kechuang.core.errors import NotFound
from kechuang.core.registry import LinkRecord, SearchDocument, search_sources
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.matching import quality, search, segment
from kechuang.matching.models import (
    Achievement,
    Agreement,
    Alliance,
    AllianceMember,
    Demand,
    Expert,
    Institution,
    Introduction,
    Progress,
    SearchEntry,
)

DOMAINS = dict(TECH_DOMAIN_CHOICES)


def domain_label(code: str) -> str:
    return DOMAINS.get(code, "") if code else ""


# -- the search box -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    kind_label: str
    matched: list[str]


def _visible_entries(actor: Any) -> Q:
    """Entries of an enterprise (demands) only for those who may see it."""
    return Q(enterprise__isnull=True) | Q(enterprise__in=enterprise_queryset(actor).values("pk"))


def search_box(*, actor: Any, q: str, kind: str = "", limit: int = 50) -> list[Hit]:
    """The search box over experts, achievements, institutions, demands and what other
    apps offer (tech commissioners), best first, each with the words that matched."""
    terms = segment.terms(q)
    if not terms:
        return []
    kinds = [kind] if kind else []
    ids = search.find(terms, kinds, limit=limit * 3)
    visible = set(
        SearchEntry.objects.filter(pk__in=ids)
        .filter(_visible_entries(actor))
        .values_list("pk", flat=True)
    )
    labels = {s.kind: s.label for s in search_sources()}
    hits = []
    for entry in search.entries([i for i in ids if i in visible][:limit]):
        words = set(entry.terms.split())
        hits.append(
            Hit(entry, labels.get(entry.kind, entry.kind), [t for t in terms if t in words])
        )
    return hits


def search_kinds() -> list[tuple[str, str]]:
    return [(s.kind, s.label) for s in search_sources()]


# -- matching a demand -------------------------------------------------------------------

DOMAIN_SAME = 2.0
DOMAIN_FAMILY = 1.0
PAST_COOPERATION = 3.0
CANDIDATES = 200


@dataclass
class Match:
    entry: SearchEntry
    kind_label: str
    score: float
    matched: list[str]
    reasons: list[str] = field(default_factory=list)


def _family(code: str) -> str:
    return code.split(".")[0] if code else ""


def rank_for(
    *, text: str, domain: str, partners: Iterable[tuple[str, int]] = (), limit: int = 10
) -> dict[str, list[Match]]:
    """Experts (and other matchable kinds) and achievements for a demand's text, best
    first, by kind. Score: the matched words, each weighted by how rare it is among the
    candidates (a word every candidate has says little); + same technology domain (or
    the same family of domains); + past cooperation with the enterprise (`partners`:
    (kind, ref) pairs it has worked with)."""
    terms = segment.terms(text)
    matchable = [s.kind for s in search_sources() if s.matchable]
    kinds = [*matchable, "achievement"]
    labels = {s.kind: s.label for s in search_sources()}
    past = set(partners)
    ids = search.find(terms, kinds, limit=CANDIDATES) if terms else []
    candidates = search.entries(ids)
    # Past partners are candidates even when no word matches.
    known = {(e.kind, e.ref) for e in candidates}
    extra = [p for p in past if p not in known and p[0] in kinds]
    if extra:
        q = Q()
        for k, r in extra:
            q |= Q(kind=k, ref=r)
        candidates += list(SearchEntry.objects.filter(q))
    words = {e.pk: set(e.terms.split()) for e in candidates}
    df = Counter(t for e in candidates for t in words[e.pk] if t in terms)
    n = max(len(candidates), 1)
    out: dict[str, list[Match]] = {}
    for e in candidates:
        matched = [t for t in terms if t in words[e.pk]]
        score = sum(math.log(1 + n / df[t]) for t in matched)
        reasons = []
        if matched:
            reasons.append("匹配词：" + "、".join(matched[:8]))
        if domain and e.domain == domain:
            score += DOMAIN_SAME
            reasons.append(f"同一技术领域（{domain_label(domain)}）")
        elif domain and e.domain and _family(e.domain) == _family(domain):
            score += DOMAIN_FAMILY
            reasons.append(f"相近技术领域（{domain_label(_family(domain))}）")
        if (e.kind, e.ref) in past:
            score += PAST_COOPERATION
            reasons.append("曾与本企业合作")
        group = "achievement" if e.kind == "achievement" else "expert"
        out.setdefault(group, []).append(
            Match(e, labels.get(e.kind, e.kind), round(score, 2), matched, reasons)
        )
    for group in out:
        out[group].sort(key=lambda m: (-m.score, m.entry.title, m.entry.pk))
        out[group] = out[group][:limit]
    return out


def partners_of(enterprise_id: int) -> set[tuple[str, int]]:
    """(kind, ref) of experts and achievements' institutions the firm has worked with:
    agreements, and introductions the expert accepted."""
    pairs: set[tuple[str, int]] = set()
    for expert_id in Agreement.objects.filter(
        enterprise_id=enterprise_id, expert__isnull=False
    ).values_list("expert_id", flat=True):
        pairs.add(("expert", int(expert_id)))
    for expert_id in Introduction.objects.filter(
        application__enterprise_id=enterprise_id,
        application__stage__in=["accepted", "met", "agreed"],
    ).values_list("expert_id", flat=True):
        pairs.add(("expert", int(expert_id)))
    return pairs


def demand_matches(demand: Demand, limit: int = 10) -> dict[str, list[Match]]:
    return rank_for(
        text=f"{demand.title} {demand.description}",
        domain=demand.domain,
        partners=partners_of(demand.enterprise_id),
        limit=limit,
    )


# -- the app's own search sources ---------------------------------------------------------


def _refs(qs: QuerySet[Any], refs: Sequence[int] | None) -> QuerySet[Any]:
    return qs if refs is None else qs.filter(pk__in=list(refs))


def expert_documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
    qs = _refs(Expert.objects.filter(active=True).select_related("institution"), refs)
    qs = qs.prefetch_related(
        Prefetch("transfers", queryset=Achievement.objects.only("title", "expert"))
    )
    for x in qs.iterator(chunk_size=2000):
        titles = " ".join(a.title for a in x.transfers.all())
        yield SearchDocument(
            ref=x.pk,
            title=f"{x.name}（{x.institution.name}）",
            text=f"{x.fields} {x.achievements} {titles}",
            url=reverse("matching:expert", args=[x.pk]),
            summary=f"{x.title} · {x.fields}"[:300],
            domain=x.domain,
        )


def achievement_documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
    qs = _refs(Achievement.objects.select_related("institution", "expert"), refs)
    for a in qs.iterator(chunk_size=2000):
        yield SearchDocument(
            ref=a.pk,
            title=a.title,
            text=f"{a.description} {a.patents}",
            url=reverse("matching:achievement", args=[a.pk]),
            summary=f"{a.institution.name}{' · ' + a.expert.name if a.expert else ''}",
            domain=a.domain,
        )


def institution_documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
    for i in _refs(Institution.objects.all(), refs).iterator(chunk_size=2000):
        yield SearchDocument(
            ref=i.pk,
            title=i.name,
            text=i.strengths,
            url=reverse("matching:institution", args=[i.pk]),
            summary=f"{i.get_kind_display()} · {i.city}",
        )


def demand_documents(refs: Sequence[int] | None) -> Iterable[SearchDocument]:
    qs = _refs(Demand.objects.filter(enterprise__deleted_at__isnull=True), refs)
    for d in qs.select_related("enterprise").iterator(chunk_size=2000):
        yield SearchDocument(
            ref=d.pk,
            title=d.title,
            text=d.description,
            url=reverse("matching:demand", args=[d.pk]),
            summary=f"{d.enterprise.name} · {d.get_status_display()}",
            domain=d.domain,
            enterprise_id=d.enterprise_id,
        )


# -- records, scoped ---------------------------------------------------------------------


def demands(*, actor: Any, status: str = "", q: str = "") -> QuerySet[Demand]:
    qs = Demand.objects.visible_to(actor).select_related("enterprise", "enterprise__region")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def demand_get(*, actor: Any, pk: int) -> Demand:
    try:
        return demands(actor=actor).get(pk=pk)
    except Demand.DoesNotExist:
        raise NotFound("技术需求不存在或无权查看") from None


def experts(*, q: str = "", domain: str = "") -> QuerySet[Expert]:
    qs = Expert.objects.filter(active=True).select_related("institution")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(fields__icontains=q) | Q(institution__name__icontains=q)
        )
    if domain:
        qs = qs.filter(domain__startswith=domain)
    return qs


def expert_get(pk: int) -> Expert:
    try:
        return Expert.objects.select_related("institution").get(pk=pk)
    except Expert.DoesNotExist:
        raise NotFound("专家不存在") from None


def institutions() -> QuerySet[Institution]:
    return Institution.objects.all()


def institution_get(pk: int) -> Institution:
    try:
        return Institution.objects.get(pk=pk)
    except Institution.DoesNotExist:
        raise NotFound("高校院所不存在") from None


def achievements(*, q: str = "") -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related("institution", "expert")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(institution__name__icontains=q))
    return qs


def achievement_get(pk: int) -> Achievement:
    try:
        return achievements().get(pk=pk)
    except Achievement.DoesNotExist:
        raise NotFound("成果不存在") from None


def introductions(*, actor: Any, stage: str = "") -> QuerySet[Introduction]:
    qs = Introduction.objects.filter(enterprise_scope_q(actor, "application__enterprise__"))
    if role_of(actor) == "helper":
        qs = qs.distinct()
    qs = qs.select_related(
        "application", "application__enterprise", "expert", "expert__institution", "demand"
    )
    if stage:
        qs = qs.filter(application__stage=stage)
    return qs.order_by("-application__created_at", "-id")


def introduction_get(*, actor: Any, pk: int) -> Introduction:
    try:
        return introductions(actor=actor).get(pk=pk)
    except Introduction.DoesNotExist:
        raise NotFound("对接引荐不存在或无权查看") from None


def agreements(*, actor: Any, year: int | None = None, status: str = "") -> QuerySet[Agreement]:
    qs = Agreement.objects.visible_to(actor).select_related(
        "enterprise", "enterprise__region", "institution", "expert"
    )
    if year:
        qs = qs.filter(signed_on__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def agreement_get(*, actor: Any, pk: int) -> Agreement:
    try:
        return agreements(actor=actor).get(pk=pk)
    except Agreement.DoesNotExist:
        raise NotFound("协议不存在或无权查看") from None


def agreement_links(
    actor: Any,
    refs: Sequence[int] | None = None,
    enterprise_ids: Sequence[int] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 50,
) -> list[LinkRecord]:
    """Agreements `actor` may see, offered to other apps as linkable records (`LINKS`):
    an event links the agreements signed at it."""
    qs = agreements(actor=actor)
    if refs is not None:
        qs = qs.filter(pk__in=list(refs))
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    if since is not None:
        qs = qs.filter(signed_on__gte=since)
    if until is not None:
        qs = qs.filter(signed_on__lte=until)
    return [
        LinkRecord(
            ref=a.pk,
            label=f"{a.title}（{a.enterprise.name}—{a.institution.name}）",
            url=reverse("matching:agreement", args=[a.pk]),
            on=a.signed_on,
            amount_yuan=a.amount_yuan,
            enterprise_id=a.enterprise_id,
        )
        for a in qs.order_by("-signed_on", "-id")[:limit]
    ]


def agreement_facts(
    agreement: Agreement, progress: Sequence[Progress] | None = None
) -> quality.Facts:
    rows = list(agreement.progress.all()) if progress is None else progress
    return quality.Facts(
        agreement.amount_yuan,
        agreement.signed_on,
        agreement.status,
        [(p.kind, p.on, p.amount_yuan) for p in rows],
    )


def agreement_verdicts(agreements_: Sequence[Agreement]) -> dict[int, quality.Verdict]:
    """高质量 or not, for each agreement (progress read in one query)."""
    progress: dict[int, list[Progress]] = {a.pk: [] for a in agreements_}
    for p in Progress.objects.filter(agreement__in=[a.pk for a in agreements_]):
        progress[p.agreement_id].append(p)
    return {a.pk: quality.judge(agreement_facts(a, progress[a.pk])) for a in agreements_}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last))


def agreements_stalled(actor: Any, day: dt.date) -> QuerySet[Agreement]:
    """Signed agreements with no progress for N months (N from quality.yaml): signed at
    least N months ago and no progress recorded since N months ago, neither completed nor
    marked 未执行."""
    months = quality.stale_after_months(day)
    since = add_months(day, -months)
    recent = Progress.objects.filter(agreement=OuterRef("pk"), on__gt=since)
    return (
        agreements(actor=actor)
        .filter(signed_on__lte=since)
        .exclude(status__in=[Agreement.Status.COMPLETED, Agreement.Status.NOT_EXECUTED])
        .filter(~Exists(recent))
        .order_by("signed_on", "id")
    )


def alliances(*, actor: Any, year: int | None = None) -> QuerySet[Alliance]:
    qs = Alliance.objects.visible_to(actor).select_related("lead", "lead__region", "institution")
    if year:
        qs = qs.filter(founded_on__year=year)
    return qs


def alliance_get(*, actor: Any, pk: int) -> Alliance:
    try:
        return alliances(actor=actor).get(pk=pk)
    except Alliance.DoesNotExist:
        raise NotFound("联盟不存在或无权查看") from None


def alliance_members(*, actor: Any, alliance: Alliance) -> dict[str, Any]:
    """Members: institutions, and enterprises the actor may see (others counted)."""
    rows = list(alliance.members.select_related("enterprise", "institution"))
    firms = [m for m in rows if m.enterprise_id]
    visible = set(
        enterprise_queryset(actor)
        .filter(pk__in=[m.enterprise_id for m in firms])
        .values_list("pk", flat=True)
    )
    return {
        "institutions": [m for m in rows if m.institution_id],
        "enterprises": [m for m in firms if m.enterprise_id in visible],
        "hidden": sum(1 for m in firms if m.enterprise_id not in visible),
    }


def alliance_member_get(*, actor: Any, pk: int) -> AllianceMember:
    """A member of an alliance the actor may see (an institution, or a firm of their
    scope)."""
    member = (
        AllianceMember.objects.select_related("alliance", "enterprise", "institution")
        .filter(pk=pk, alliance__in=alliances(actor=actor).values("pk"))
        .first()
    )
    if member is None or (
        member.enterprise_id is not None
        and not enterprise_queryset(actor).filter(pk=member.enterprise_id).exists()
    ):
        raise NotFound("联盟成员不存在或无权查看")
    return member


def institution_choices() -> list[tuple[int, str]]:
    return list(Institution.objects.order_by("name").values_list("pk", "name"))


def expert_choices() -> list[tuple[int, str]]:
    return [
        (x.pk, f"{x.name}（{x.institution.name}）")
        for x in Expert.objects.filter(active=True)
        .select_related("institution")
        .order_by("institution__name", "name")
    ]


def alliance_form(a: Alliance) -> dict[str, Any]:
    return {
        "name": a.name,
        "uscc": a.lead.uscc,
        "institution": a.institution_id,
        "domain": a.domain,
        "founded_on": a.founded_on.isoformat(),
        "purpose": a.purpose,
    }


def enterprise_panel(*, actor: Any, enterprise: Any) -> dict[str, Any]:
    own_demands = list(demands(actor=actor).filter(enterprise=enterprise)[:20])
    own_agreements = list(agreements(actor=actor).filter(enterprise=enterprise)[:20])
    verdicts = agreement_verdicts(own_agreements)
    return {
        "demands": own_demands,
        "agreements": [(a, verdicts[a.pk]) for a in own_agreements],
        "introductions": list(
            introductions(actor=actor).filter(application__enterprise=enterprise)[:20]
        ),
    }


# -- indicators --------------------------------------------------------------------------


def agreements_in(region: Any, year: int) -> QuerySet[Agreement]:
    return (
        Agreement.objects.in_region(region)
        .filter(signed_on__year=year)
        .select_related("enterprise", "enterprise__region", "institution")
    )


def alliances_in(region: Any, year: int) -> QuerySet[Alliance]:
    return (
        Alliance.objects.in_region(region)
        .filter(founded_on__year=year)
        .select_related("lead", "lead__region", "institution")
    )


def high_quality_in(region: Any, year: int) -> list[Agreement]:
    rows = list(agreements_in(region, year))
    verdicts = agreement_verdicts(rows)
    return [a for a in rows if verdicts[a.pk].high_quality]


def paid_total(agreement_ids: Sequence[int]) -> Decimal:
    total = Decimal(0)
    for p in Progress.objects.filter(agreement__in=agreement_ids, kind="payment"):
        total += p.amount_yuan or Decimal(0)
    return total


def region_q(region: Any) -> Q:
    return region_subtree_q(region, "enterprise__")


# -- pages --------------------------------------------------------------------------------


def demand_introductions(*, actor: Any, demand: Demand) -> list[Introduction]:
    return list(introductions(actor=actor).filter(demand=demand))


def institution_or_none(pk: int | None) -> Institution | None:
    return Institution.objects.filter(pk=pk).first() if pk else None


def expert_or_none(pk: int | None) -> Expert | None:
    return Expert.objects.filter(pk=pk, active=True).first() if pk else None


def expert_page(*, actor: Any, expert: Expert) -> dict[str, Any]:
    return {
        "transfers": list(achievements().filter(expert=expert)),
        "agreements": list(agreements(actor=actor).filter(expert=expert)[:20]),
    }


def institution_page(institution: Institution) -> dict[str, Any]:
    return {
        "experts": list(experts().filter(institution=institution)),
        "achievements": list(achievements().filter(institution=institution)),
    }


def agreement_progress(agreement: Agreement) -> list[Progress]:
    return list(agreement.progress.all())


def alliance_activities(alliance: Alliance) -> list[Any]:
    return list(alliance.activities.all())


def demand_form(d: Demand) -> dict[str, str]:
    """A demand's values as the edit form shows them (budget in 万元)."""
    return {
        "title": d.title,
        "description": d.description,
        "domain": d.domain,
        "budget_wan": ""
        if d.budget_yuan is None
        else f"{d.budget_yuan / 10000:f}".rstrip("0").rstrip("."),
        "deadline_on": d.deadline_on.isoformat() if d.deadline_on else "",
        "status": d.status,
    }


def agreement_verdict(agreement: Agreement, progress: Sequence[Progress]) -> quality.Verdict:
    return quality.judge(agreement_facts(agreement, progress))


# -- the API ------------------------------------------------------------------------------


def page_of(qs: QuerySet[Any], *, page: int, size: int) -> tuple[int, list[Any]]:
    """One page of a scoped list (the models' orderings end in the id, so pages are
    stable) and the list's size."""
    start = (page - 1) * size
    return qs.count(), list(qs[start : start + size])


def progress_of(agreements_: Sequence[Agreement]) -> dict[int, list[Progress]]:
    """The progress records of each agreement, read in one query."""
    rows: dict[int, list[Progress]] = {a.pk: [] for a in agreements_}
    for p in Progress.objects.filter(agreement__in=list(rows)).order_by("on", "id"):
        rows[p.agreement_id].append(p)
    return rows

"""Reads, always scoped to the actor (`enterprise_scope_q`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import (
    ScopedQuerySet,
    is_bureau,
    role_of,
    scope_q_with_deleted,
    scope_region,
    sees_everything,
)
from kechuang.core import periods
from kechuang.core.cache import registry_memo
from kechuang.core.errors import NotFound, PermissionDenied
from kechuang.core.money import format_wan
from kechuang.enterprises.facts import FACT_FIELDS, FactField
from kechuang.enterprises.models import (
    Certificate,
    Enterprise,
    FactRevision,
    FormerName,
    IPItem,
    YearlyFacts,
)

# The regions an enterprise is placed in (and a list filters by): below the county.
AREA_KINDS = ("street", "town", "township", "park")

SORTS = {
    "name": "name",
    "-name": "-name",
    "registered_on": "registered_on",
    "-registered_on": "-registered_on",
    "uscc": "uscc",
    "region": "region__sort_order",
    "-updated": "-updated_at",
}

CERT_FILTERS = {
    "hnte": "有效高企",
    "not_hnte": "非有效高企",
    "tech_sme": "当年科技型中小企业",
    "pool": "省培育库在库",
}


def enterprise_queryset(actor: Any) -> ScopedQuerySet[Enterprise]:
    return Enterprise.objects.visible_to(actor)


def enterprise_list(
    *,
    actor: Any,
    q: str = "",
    region: Region | None = None,
    domain: str = "",
    cert: str = "",
    on: dt.date | None = None,
    above_scale: bool | None = None,
    needs_review: bool | None = None,
    sort: str = "name",
) -> QuerySet[Enterprise]:
    qs = enterprise_queryset(actor).select_related("region")
    if q.strip():
        qs = qs.filter(search_q(q))
    qs = qs.in_region(region)
    if domain:
        qs = qs.filter(Q(tech_domain=domain) | Q(tech_domain__startswith=f"{domain}."))
    if cert:
        day = on or periods.today()
        if cert in ("hnte", "not_hnte"):
            valid = Certificate.objects.valid_on(day).filter(
                kind=Certificate.Kind.HNTE, enterprise=OuterRef("pk")
            )
            qs = qs.filter(Exists(valid)) if cert == "hnte" else qs.exclude(Exists(valid))
        elif cert == "tech_sme":
            qs = qs.filter(
                Exists(
                    Certificate.objects.filter(
                        kind=Certificate.Kind.TECH_SME,
                        issued_on__year=day.year,
                        enterprise=OuterRef("pk"),
                    )
                )
            )
        elif cert == "pool":
            qs = qs.filter(
                Exists(
                    Certificate.objects.valid_on(day).filter(
                        kind=Certificate.Kind.PROVINCIAL_POOL, enterprise=OuterRef("pk")
                    )
                )
            )
    if above_scale is not None:
        qs = qs.filter(is_above_scale=above_scale)
    if needs_review is not None:
        qs = qs.filter(needs_review=needs_review)
    return qs.order_by(SORTS.get(sort, "name"), "pk")


# -- search ------------------------------------------------------------------------------------

# Runs of Han characters, or of letters and digits (pinyin initials, USCC, Latin names).
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
SUGGESTIONS = 8


def search_tokens(q: str) -> list[str]:
    """The query's words: "江苏 凯捷" → ["江苏", "凯捷"]; punctuation and spaces split."""
    return _TOKEN.findall(q or "")


def _han(token: str) -> bool:
    return not token.isascii()


def _chars_in(field: str, token: str) -> Q:
    """Every character of `token` occurs in `field`, in any order and place, so "凯捷科技"
    finds 江苏凯捷电子科技有限公司 (a plain LIKE per character: SQLite and PostgreSQL)."""
    q = Q()
    for ch in dict.fromkeys(token):
        q &= Q(**{f"{field}__contains": ch})
    return q


def _token_q(token: str) -> Q:
    if _han(token):
        former = FormerName.objects.filter(_chars_in("name", token), enterprise=OuterRef("pk"))
        return _chars_in("name", token) | Q(Exists(former))
    upper = token.upper()
    former = FormerName.objects.filter(name__icontains=token, enterprise=OuterRef("pk"))
    return (
        Q(name_initials__contains=upper)
        | Q(uscc__startswith=upper)
        | Q(name__icontains=token)
        | Q(Exists(former))
    )


def search_q(q: str) -> Q:
    """Enterprises matching the query: every word matches the name (each of its Han
    characters, in any order), a former name, the pinyin initials (拼音首字母) or the
    start of the USCC. An empty query matches nothing."""
    tokens = search_tokens(q)
    if not tokens:
        return Q(pk__in=[])
    out = Q()
    for token in tokens:
        out &= _token_q(token)
    return out


def enterprise_search(*, actor: Any, q: str) -> QuerySet[Enterprise]:
    """The top bar's search, scoped to the actor, best matches first: the exact name or
    USCC, then names starting with or holding the query as typed (spaces removed), then
    every word as written, then the rest (the characters apart), each by name."""
    tokens = search_tokens(q)
    if not tokens:
        return enterprise_queryset(actor).none()
    joined = "".join(tokens)
    upper = joined.upper()
    whole_words = Q()
    for token in tokens:
        whole_words &= Q(name__icontains=token) | Q(name_initials__contains=token.upper())
    rank = Case(
        When(Q(name=joined) | Q(uscc=upper), then=Value(0)),
        When(Q(name__istartswith=joined) | Q(uscc__startswith=upper), then=Value(1)),
        When(Q(name__icontains=joined) | Q(name_initials__startswith=upper), then=Value(2)),
        When(whole_words, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return (
        enterprise_queryset(actor)
        .filter(search_q(q))
        .select_related("region")
        .annotate(rank=rank)
        .order_by("rank", "name", "pk")
    )


def enterprise_suggestions(*, actor: Any, q: str) -> list[Enterprise]:
    """The first few matches, for the suggestions under the search box."""
    return list(enterprise_search(actor=actor, q=q)[:SUGGESTIONS])


def with_former_names(enterprises: Sequence[Enterprise]) -> Sequence[Enterprise]:
    """A page of enterprises with their former names read in one query."""
    prefetch_related_objects(list(enterprises), "former_names")
    return enterprises


def former_names_text(enterprise: Enterprise) -> str:
    return "；".join(f.name for f in enterprise.former_names.all())


def own_enterprise(actor: Any) -> Enterprise | None:
    """An enterprise user's own firm (their home page); None for every other role."""
    membership = getattr(actor, "membership", None) if role_of(actor) == "enterprise" else None
    if membership is None:
        return None
    return enterprise_queryset(actor).filter(pk=membership.enterprise_id).first()


def enterprise_get(*, actor: Any, uscc: str | None = None, pk: int | None = None) -> Enterprise:
    qs = enterprise_queryset(actor).select_related("region")
    try:
        if uscc is not None:
            return qs.get(uscc=uscc.strip().upper())
        if pk is None:
            raise Enterprise.DoesNotExist
        return qs.get(pk=pk)
    except Enterprise.DoesNotExist:
        raise NotFound("企业不存在或无权查看") from None


def facts_by_year(enterprise: Enterprise) -> list[YearlyFacts]:
    return list(enterprise.facts.order_by("fiscal_year"))


def fact_sources(enterprise: Enterprise) -> dict[tuple[int, str], FactRevision]:
    """For each (year, field) the revision that set its current value."""
    latest: dict[tuple[int, str], FactRevision] = {}
    revisions = (
        FactRevision.objects.filter(facts__enterprise=enterprise)
        .select_related("facts", "recorded_by")
        .order_by("recorded_at", "id")
    )
    for rev in revisions:
        for name in rev.changes:
            latest[(rev.facts.fiscal_year, name)] = rev
    return latest


def certificates_of(enterprise: Enterprise) -> QuerySet[Certificate]:
    return enterprise.certificates.order_by("kind", "-issued_on")


# A fiscal year is "complete" — its reports are in, and record pages open on it — when
# at least this share of the active enterprises in the user's scope have a row of facts
# for it. Early filers (three firms' figures for the year in progress) stay far below
# it; a reported year is far above it (the demo county: about 85 % for 2016–2020).
COMPLETE_YEAR_SHARE = Fraction(1, 2)


def latest_fiscal_year(actor: Any) -> int | None:
    """The latest year with any data in the actor's scope (one row is enough: for a
    page's default use `complete_year`)."""
    row = (
        YearlyFacts.objects.visible_to(actor)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    return row


def complete_year(actor: Any) -> int | None:
    """The latest complete reporting year in the actor's scope: the latest fiscal year
    before today's year for which at least `COMPLETE_YEAR_SHARE` of the active
    enterprises have facts. When no year reaches the share (a registry still being
    filled), the year with facts of the most enterprises (the latest of equals); None
    when there are no facts. Every record page opens on it (`default_year`) and every
    plan page on the year after it (`plan_year`), so a few new rows move neither.

    The counts it is read from are a scan of the scope's facts (O(records)): they are
    cached per region scope until the registry next changes (`core.cache.registry_memo`).
    """
    scope = _cache_scope(actor)
    if scope is None:
        active, per_year = _year_coverage(actor)
    else:
        active, per_year = registry_memo(
            "facts-coverage", scope, lambda: _year_coverage(actor), _scope_path(scope)
        )
    if not per_year:
        return latest_fiscal_year(actor)
    this_year = periods.today().year
    for year, firms in per_year:
        if year < this_year and firms >= COMPLETE_YEAR_SHARE * active:
            return int(year)
    return int(max(per_year, key=lambda row: (row[1], row[0]))[0])


def _cache_scope(actor: Any) -> str | None:
    """What the actor's scope is cached under: its region's path (every officer of a
    town, every bureau user of a county share it), "*" for the platform administrator;
    None — not cached — for enterprise users and helpers, whose scope is a few firms."""
    if sees_everything(actor):
        return "*"
    region = scope_region(actor)
    return region.path if region is not None else None


def _scope_path(scope: str) -> str:
    """The region path whose writes a scope's cached figures follow ("*": all)."""
    return "" if scope == "*" else scope


def _year_coverage(actor: Any) -> tuple[int, list[tuple[int, int]]]:
    """(active enterprises, [(fiscal year, active enterprises with facts)], latest
    year first) in the actor's scope."""
    active = Enterprise.objects.visible_to(actor).filter(status=Enterprise.Status.ACTIVE).count()
    per_year = [
        (int(year), int(firms))
        for year, firms in YearlyFacts.objects.visible_to(actor)
        .filter(enterprise__status=Enterprise.Status.ACTIVE)
        .values("fiscal_year")
        # One row per (enterprise, year) (uniq_facts_year): COUNT(*) is the firms, and
        # without DISTINCT PostgreSQL hashes instead of sorting every row of facts.
        .annotate(firms=Count("id"))
        .order_by("-fiscal_year")
        .values_list("fiscal_year", "firms")
    ]
    return active, per_year


def default_year(actor: Any) -> int:
    """The year a record page opens on: the latest complete reporting year
    (`complete_year`), else last year."""
    return complete_year(actor) or periods.today().year - 1


def plan_year(actor: Any) -> int:
    """The year a target or plan page opens on: the application year that reads the
    complete reporting year as its latest (`periods.application_year_of`), else this
    year."""
    year = complete_year(actor)
    return periods.application_year_of(year) if year is not None else periods.today().year


def latest_year_of(enterprise: Enterprise) -> int | None:
    """The latest fiscal year on record for one enterprise."""
    return enterprise.facts.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()


def area_regions(actor: Any) -> QuerySet[Region]:
    """The towns, streets and parks the actor may pick (filters, forms)."""
    return Region.objects.visible_to(actor).filter(kind__in=AREA_KINDS)


def area_choices(actor: Any) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in area_regions(actor)]


def form_regions(actor: Any, enterprise: Enterprise | None = None) -> QuerySet[Region]:
    """Regions an enterprise form offers: the actor's areas, plus the firm's own."""
    regions = area_regions(actor)
    if enterprise is not None and not regions.filter(pk=enterprise.region_id).exists():
        regions = regions | Region.objects.filter(pk=enterprise.region_id)
    return regions


@dataclass(frozen=True)
class EnterpriseRow:
    """A row of the registry list: the firm, its facts of the year, its certificates."""

    e: Enterprise
    facts: YearlyFacts | None
    hnte: bool
    tech_sme: bool

    @property
    def certificates(self) -> list[str]:
        return [
            label for on, label in ((self.hnte, "高企"), (self.tech_sme, "科技型中小企业")) if on
        ]


def enterprise_rows(
    enterprises: Sequence[Enterprise], *, year: int, on: dt.date
) -> list[EnterpriseRow]:
    """The list's rows for some enterprises (one page): three queries, not three a row."""
    ids = [e.pk for e in enterprises]
    facts = {
        f.enterprise_id: f
        for f in YearlyFacts.objects.filter(enterprise_id__in=ids, fiscal_year=year)
    }
    hnte = set(
        Certificate.objects.valid_on(on)
        .filter(kind=Certificate.Kind.HNTE, enterprise_id__in=ids)
        .values_list("enterprise_id", flat=True)
    )
    sme = set(
        Certificate.objects.filter(
            kind=Certificate.Kind.TECH_SME, enterprise_id__in=ids, issued_on__year=year
        ).values_list("enterprise_id", flat=True)
    )
    return [EnterpriseRow(e, facts.get(e.pk), e.pk in hnte, e.pk in sme) for e in enterprises]


@dataclass(frozen=True)
class FactCell:
    value: Any
    source: str
    recorded_on: dt.date | None


@dataclass(frozen=True)
class FactLine:
    spec: FactField
    cells: list[FactCell]


def facts_table(enterprise: Enterprise) -> tuple[list[YearlyFacts], list[FactLine]]:
    """An enterprise's yearly facts (oldest first) and, per field, each year's shown
    value with the source of its latest revision."""
    facts = facts_by_year(enterprise)
    sources = fact_sources(enterprise)
    table = []
    for spec in FACT_FIELDS:
        cells = []
        for f in facts:
            value = getattr(f, spec.name)
            rev = sources.get((f.fiscal_year, spec.name))
            shown = "—" if value is None else (format_wan(value) if spec.kind == "money" else value)
            cells.append(
                FactCell(
                    shown,
                    rev.get_source_display() if rev else "",
                    rev.recorded_on if rev else None,
                )
            )
        table.append(FactLine(spec, cells))
    return facts, table


def certificate_rows(enterprise: Enterprise, on: dt.date) -> list[dict[str, Any]]:
    today = periods.today()
    return [
        {"c": c, "valid": c.is_valid_on(on), "valid_today": c.is_valid_on(today)}
        for c in certificates_of(enterprise)
    ]


def former_names_of(enterprise: Enterprise) -> list[str]:
    return [f.name for f in enterprise.former_names.all()]


def enterprise_page(
    qs: QuerySet[Enterprise], *, page: int, size: int
) -> tuple[int, list[Enterprise]]:
    """(count, the page's enterprises with their former names) for the API's paging."""
    items = qs.prefetch_related("former_names")[(page - 1) * size : page * size]
    return qs.count(), list(items)


def ip_items_of(enterprise: Enterprise) -> list[IPItem]:
    return list(enterprise.ip_items.all())


def facts_of(enterprise: Enterprise, year: int) -> YearlyFacts | None:
    return enterprise.facts.filter(fiscal_year=year).first()


def region_by_code_or_name(text: str) -> Region | None:
    """A region named in an API body or a sheet: by code, else by name."""
    return Region.objects.filter(code=text).first() or Region.objects.filter(name=text).first()


def visible_region(actor: Any, code: str) -> Region:
    """A region the actor may see, by code; NotFound otherwise."""
    region = Region.objects.visible_to(actor).filter(code=code).first()
    if region is None:
        raise NotFound(f"区域 {code} 不存在或无权查看")
    return region


# -- the 待办 page -------------------------------------------------------------------------------

# HNTE certificates ending within this many days are listed (renewal takes months).
EXPIRING_DAYS = 180


def expiring_certificates(
    actor: Any, day: dt.date, days: int = EXPIRING_DAYS
) -> QuerySet[Certificate]:
    """HNTE certificates in the actor's scope ending from `day` to `days` later, of firms
    not yet holding a later one (a renewal already granted is no reminder)."""
    later = Certificate.objects.filter(
        kind=Certificate.Kind.HNTE,
        enterprise=OuterRef("enterprise"),
        valid_until__gt=OuterRef("valid_until"),
        revoked_on__isnull=True,
    )
    return (
        Certificate.objects.visible_to(actor)
        .filter(
            kind=Certificate.Kind.HNTE,
            revoked_on__isnull=True,
            valid_until__gte=day,
            valid_until__lte=day + dt.timedelta(days=days),
        )
        .exclude(Exists(later))
        .select_related("enterprise", "enterprise__region")
        .order_by("valid_until", "enterprise__name", "pk")
    )


def expiring_certificate_count(actor: Any, day: dt.date, days: int = EXPIRING_DAYS) -> int:
    """How many `expiring_certificates` there are: the top bar's reminder on every page,
    cached per region scope and day until the registry next changes."""
    scope = _cache_scope(actor)
    if scope is None:
        return expiring_certificates(actor, day, days).count()
    return registry_memo(
        "expiring-certificates",
        f"{scope}@{day.isoformat()}+{days}",
        lambda: expiring_certificates(actor, day, days).count(),
        _scope_path(scope),
    )


# -- deleted enterprises (soft delete) -----------------------------------------------------


def can_manage_deleted(actor: Any) -> tuple[bool, str]:
    if is_bureau(actor):
        return True, ""
    return False, "只有科技局可以查看已删除企业"


def deleted_enterprise_list(*, actor: Any) -> QuerySet[Enterprise]:
    """Deleted enterprises, latest first (bureau staff only)."""
    allowed, reason = can_manage_deleted(actor)
    if not allowed:
        raise PermissionDenied(reason)
    return (
        Enterprise.deleted_objects.filter(scope_q_with_deleted(actor))
        .select_related("region", "deleted_by")
        .order_by("-deleted_at", "pk")
    )


def deleted_enterprise_get(*, actor: Any, pk: int) -> Enterprise:
    found = deleted_enterprise_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("已删除企业中没有这家企业")
    return found

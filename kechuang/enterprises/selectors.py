"""Reads, always scoped to the actor (`enterprise_scope_q`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import enterprise_scope_q
from kechuang.core.errors import NotFound
from kechuang.enterprises.models import Certificate, Enterprise, FactRevision, YearlyFacts

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


def enterprise_queryset(actor: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(enterprise_scope_q(actor)).distinct()


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
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(name_initials__icontains=text.upper())
            | Q(uscc__icontains=text.upper())
            | Q(former_names__name__icontains=text)
        ).distinct()
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if domain:
        qs = qs.filter(Q(tech_domain=domain) | Q(tech_domain__startswith=f"{domain}."))
    if cert:
        day = on or dt.date.today()
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


def latest_fiscal_year(actor: Any) -> int | None:
    """The latest year with data in the actor's scope: pages default to it."""
    row = (
        YearlyFacts.objects.filter(enterprise_scope_q(actor, "enterprise__"))
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .first()
    )
    return row

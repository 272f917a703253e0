"""Which county's configuration applies: the desk's request types, routing rules,
working-day overrides and settings belong to a county (县级), so that on a city instance
each county's bureau keeps and sees its own. A request, a visit and a problem use the
configuration of the county their enterprise or area lies in."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import bureau_counties, role_of

# The services the seed names (2021 plan §三.3: 政策咨询、项目申报、融资对接、科技查新、
# 业务办理), with time limits in working days each bureau may change on its settings page.
SHIPPED_TYPES = [
    ("policy", "政策咨询", 3, "科技政策解读、申报条件咨询"),
    ("project", "项目申报", 10, "科技计划项目、高企认定、研发机构等申报辅导和代办"),
    ("finance", "融资对接", 10, "苏科贷、科技金融产品对接"),
    ("novelty", "科技查新", 10, "委托查新机构开展科技查新"),
    ("business", "业务办理", 5, "备案、登记、证明等事项代办帮办"),
]

# The overlap window of a county that has not set its own (days).
DEFAULT_OVERLAP_DAYS = 30

# A problem category's time limit from 交办 where the bureau set none (working days):
# our default, about a calendar month; each bureau sets its own per category.
DEFAULT_PROBLEM_DAYS = 20


def county_of(region: Region | None) -> Region | None:
    """The county a region lies in (the region itself for a county; None above one)."""
    if region is None:
        return None
    if region.kind == Region.Kind.COUNTY:
        return region
    codes = [c for c in region.path.split("/") if c]
    return Region.objects.filter(code__in=codes, kind=Region.Kind.COUNTY).order_by("-path").first()


def counties_of(actor: Any) -> list[Region]:
    """The counties whose desk configuration `actor` may edit: a county bureau its own,
    the city bureau each of its counties, the platform administrator every county."""
    return bureau_counties(actor)


def county_for(actor: Any, code: str = "") -> Region | None:
    """The county whose configuration `actor` reads: the bureau's own (or, for the city
    bureau, the one picked by `code`, else its first), an officer's county, an enterprise
    user's (or a helper's first) enterprise's county."""
    role = role_of(actor)
    if role == "staff":
        counties = counties_of(actor)
        return next((c for c in counties if c.code == code), counties[0] if counties else None)
    if role == "officer":
        return county_of(actor.region) if actor.region_id else None
    from kechuang.enterprises.models import Enterprise

    firm = Enterprise.objects.visible_to(actor).select_related("region").order_by("pk").first()
    return county_of(firm.region) if firm is not None else None


def county_setup(county: Region) -> int:
    """Give a county its shipped request types and its settings row (idempotent); the
    number of rows written."""
    from kechuang.desk.models import CountySettings, RequestType

    if county.kind != Region.Kind.COUNTY:
        return 0
    written = 0
    for order, (key, name, days, note) in enumerate(SHIPPED_TYPES, start=1):
        _obj, created = RequestType.objects.get_or_create(
            county=county,
            key=key,
            defaults={
                "name": name,
                "deadline_days": days,
                "description": note,
                "sort_order": order,
            },
        )
        written += created
    written += CountySettings.objects.get_or_create(county=county)[1]
    return written


def on_region_saved(sender: Any, instance: Region, created: bool, **kwargs: Any) -> None:
    """A new county starts with the shipped types (its bureau edits them afterwards)."""
    if created and not kwargs.get("raw") and instance.kind == Region.Kind.COUNTY:
        county_setup(instance)

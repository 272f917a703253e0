"""Reads for the report page: the regions a report may cover."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, visible_regions
from kechuang.core.errors import NotFound
from kechuang.reports.builder import default_region

REPORT_KINDS = ("city", "county", "street", "town", "township", "park")


def report_regions(actor: Any) -> QuerySet[Region]:
    """The regions `actor` may write a report for: their own region and below."""
    return visible_regions(actor).filter(kind__in=REPORT_KINDS)


def report_region(code: str, *, actor: Any) -> Region:
    """The region named by code, else the actor's county (or the registry's county);
    NotFound when neither, or when the region is not the actor's to see."""
    region = Region.objects.filter(code=code).first() if code else default_region(actor)
    if region is None or not covers(actor, region):
        raise NotFound("区域不存在")
    return region

"""Reads for the report page: the regions a report may cover."""

from __future__ import annotations

from django.db.models import QuerySet

from kechuang.accounts.models import Region
from kechuang.core.errors import NotFound
from kechuang.reports.builder import default_region

REPORT_KINDS = ("county", "street", "town", "township", "park")


def report_regions() -> QuerySet[Region]:
    return Region.objects.filter(kind__in=REPORT_KINDS)


def report_region(code: str) -> Region:
    """The region named by code, else the registry's county; NotFound when neither."""
    region = Region.objects.filter(code=code).first() if code else default_region()
    if region is None:
        raise NotFound("区域不存在")
    return region

"""Permission checks return (allowed, reason); the reason is shown to the user."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import covers, is_bureau, region_scope_q


def can_manage_targets(actor: Any) -> tuple[bool, str]:
    """Targets and assessment weights are set by the bureau."""
    if is_bureau(actor):
        return True, ""
    return False, "只有科技局可以设定目标和考核权重"


def can_enter_statistics(actor: Any) -> tuple[bool, str]:
    """Official statistics (GDP, peers' figures) are entered by the bureau."""
    if is_bureau(actor):
        return True, ""
    return False, "只有科技局可以填报区域统计数据"


def on_instance(region: Region) -> bool:
    """Whether the registry holds enterprises of `region` (its records are kept here)."""
    from kechuang.enterprises.models import Enterprise

    return Enterprise.objects.in_region(region).exists()


def can_enter_statistics_for(actor: Any, region: Region) -> tuple[bool, str]:
    """A bureau enters the statistics of its own region, and the published figures of
    peer counties whose records are not on this instance (a county on the instance
    has its own bureau: its figures are its own)."""
    allowed, reason = can_enter_statistics(actor)
    if not allowed:
        return allowed, reason
    if covers(actor, region):
        return True, ""
    if region.kind == Region.Kind.COUNTY and not on_instance(region):
        return True, ""
    return False, f"“{region.name}”不属于本区域，其统计数据由当地科技局填报"


def statistic_regions(actor: Any) -> list[Region]:
    """The regions whose statistics `actor` reads and keeps (`can_enter_statistics_for`)."""
    if not can_enter_statistics(actor)[0]:
        return list(Region.objects.filter(region_scope_q(actor)))
    return [r for r in Region.objects.all() if can_enter_statistics_for(actor, r)[0]]


def can_set_target_for(actor: Any, region: Region) -> tuple[bool, str]:
    allowed, reason = can_manage_targets(actor)
    if not allowed:
        return allowed, reason
    if covers(actor, region):
        return True, ""
    return False, f"“{region.name}”不属于本区域，不能为其设定目标"


def can_view_region(actor: Any, region: Region) -> tuple[bool, str]:
    """Bureau staff and officers see their own region and what lies below it."""
    if covers(actor, region):
        return True, ""
    return False, "无权查看该区域的指标"


def can_view_peers(actor: Any) -> tuple[bool, str]:
    """Other districts' figures and rankings are the bureau's business."""
    if is_bureau(actor):
        return True, ""
    return False, "只有科技局可以查看周边县（市、区）对比"

"""Permission checks return (allowed, reason); the reason is shown to the user."""

from __future__ import annotations

from typing import Any

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import is_bureau, role_of


def can_manage_targets(actor: Any) -> tuple[bool, str]:
    """Targets and assessment weights are set by the bureau."""
    if is_bureau(actor):
        return True, ""
    return False, "只有市科技局可以设定目标和考核权重"


def can_enter_statistics(actor: Any) -> tuple[bool, str]:
    """Official statistics (GDP, peers' figures) are entered by the bureau."""
    if is_bureau(actor):
        return True, ""
    return False, "只有市科技局可以填报区域统计数据"


def can_view_region(actor: Any, region: Region) -> tuple[bool, str]:
    """Staff see every region; an officer their own area and what lies below it."""
    if is_bureau(actor):
        return True, ""
    if role_of(actor) == "officer" and actor.region_id and actor.region.contains(region):
        return True, ""
    return False, "无权查看该区域的指标"


def can_view_peers(actor: Any) -> tuple[bool, str]:
    """Other districts' figures and rankings are the bureau's business."""
    if is_bureau(actor):
        return True, ""
    return False, "只有市科技局可以查看周边县（市、区）对比"

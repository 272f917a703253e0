"""What HNTE cultivation (C3) adds to the frame: its workflow (the `hnte` programme),
navigation, enterprise-page panel, pages and API, the `pool_size` indicator and the
demo county's cultivation records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.core.registry import ApiMount, DemoPhase, NavItem, UrlMount
from kechuang.core.roles import is_staff_or_officer
from kechuang.cultivation.panels import PANEL
from kechuang.cultivation.pipeline import WORKFLOW
from kechuang.targets.indicators import COUNT, Computed, Evaluator, Indicator, RecordRow, year_end


def _pool_size(ev: Evaluator, region: Any, year: int) -> Computed:
    """C3: enterprises in the county's reserve pool (后备培育库) on 31 Dec (today for the
    current year), read from the pool memberships."""
    from kechuang.cultivation.selectors import pool_members, pool_size

    day = year_end(year, ev.today)
    n = pool_size(region, day)

    def rows() -> list[RecordRow]:
        seen: set[int] = set()
        out: list[RecordRow] = []
        for m in pool_members(region, day).order_by("enterprise__name"):
            if m.enterprise_id in seen:
                continue
            seen.add(m.enterprise_id)
            out.append(
                RecordRow(
                    m.enterprise_id,
                    m.enterprise.name,
                    m.enterprise.region.name,
                    "培育库",
                    f"{m.entered_on:%Y-%m-%d}入库；{day:%Y-%m-%d}在库",
                    m.entered_on,
                )
            )
        return out

    return Computed(Decimal(n), n, rows)


def _demo(actor: Any) -> int:
    from kechuang.cultivation.demo import load_demo_cultivation

    return load_demo_cultivation()


WORKFLOWS = [WORKFLOW]
NAV = [
    NavItem(
        "cultivation",
        "高企培育",
        "cultivation:board",
        icon="bi-flower1",
        order=40,
        visible=is_staff_or_officer,
        app_name="cultivation",
    ),
]
PANELS = [PANEL]
URLS = [UrlMount("cultivation/", "kechuang.cultivation.urls")]
API = [ApiMount("/cultivation", "kechuang.cultivation.api")]
INDICATORS = [
    Indicator(
        "pool_size",
        "高企后备培育库在库企业",
        COUNT,
        "C3",
        "12月31日（当年为今天）在县后备培育库中的企业数（培育库入库记录）",
        "records",
        0,
        _pool_size,
    )
]
DEMO = [DemoPhase("cultivation", "高企培育", _demo, order=200)]

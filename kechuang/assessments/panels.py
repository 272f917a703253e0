"""The assessment panel on the enterprise page (declared in the app's contributions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kechuang.core.panels import Panel


def default_as_of(request: HttpRequest, year: int | None) -> dt.date:
    """?as_of=, else mid-year of the application year after the page's fiscal year."""
    raw = request.GET.get("as_of", "")
    try:
        if raw:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    today = timezone.localdate()
    if year is None:
        return today
    return min(dt.date(year + 1, 6, 30), today)


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.assessments.presentation import present_results
    from kechuang.assessments.services import enterprise_assessment, latest_snapshots

    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    if year is None:
        latest = (
            enterprise.facts.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
        )
        year = latest
    as_of = default_as_of(request, year)
    try:
        _record, doc = enterprise_assessment(enterprise=enterprise, as_of=as_of)
    except Exception as exc:  # the panel must never take the page down; show why
        return {"error": str(exc), "as_of": as_of}
    return {
        "as_of": as_of,
        "results": present_results(doc["results"]),
        "snapshots": latest_snapshots(enterprise),
    }


PANEL = Panel(
    key="assessment",
    title="认定评价（规则自动评估）",
    template="assessments/panel.html",
    context=panel_context,
    order=10,
)

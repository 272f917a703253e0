"""The assessment panel on the enterprise page (declared in the app's contributions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from kechuang.core import periods
from kechuang.core.panels import Panel
from kechuang.core.web import date_param, kept_year, text_param


def default_as_of(request: HttpRequest, year: int | None) -> dt.date:
    """?as_of=, else the as-of date of a page showing fiscal year `year`
    (`periods.as_of_for_fiscal_year`)."""
    return date_param(request, "as_of", default=lambda: periods.as_of_for_fiscal_year(year))


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.assessments.presentation import present_results
    from kechuang.assessments.services import enterprise_assessment
    from kechuang.enterprises.assessment import latest_snapshots
    from kechuang.enterprises.selectors import latest_year_of

    # The page's year (?year=, else the one kept while moving between pages), else the
    # firm's own latest year.
    year = periods.parse_year(text_param(request, "year")) or kept_year(request)
    as_of = default_as_of(request, year if year is not None else latest_year_of(enterprise))
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

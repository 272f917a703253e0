"""The cultivation panel on the enterprise page (declared in the app's contributions): pool
membership, grade and the ledger's stage."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.accounts.scoping import is_bureau
from kechuang.core import periods
from kechuang.core.panels import Panel
from kechuang.core.web import kept_year, text_param


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.cultivation import grading, selectors
    from kechuang.cultivation.models import PoolMembership
    from kechuang.cultivation.permissions import can_read_ledgers, can_use, can_work_on

    # The plan year after the page's reporting year (?year=, else the one kept), else
    # the default plan year.
    picked = periods.parse_year(text_param(request, "year")) or kept_year(request)
    year = (
        periods.application_year_of(picked)
        if picked is not None
        else selectors.plan_year(request.user)
    )
    facts = selectors.panel_facts(enterprise)
    try:
        grade = grading.grade_one(enterprise, periods.application_as_of(year), facts.override)
    except Exception as exc:  # the panel must never take the page down; show why
        return {"error": str(exc), "year": year}
    return {
        "year": year,
        "membership": facts.membership,
        "g": grade,
        "ledgers": facts.ledgers,
        "can_use": can_use(request.user)[0],
        "can_read": can_read_ledgers(request.user)[0],
        # 入库 from the page: a firm not in the pool (nor proposed), for whoever works on it
        "can_propose": can_work_on(request.user, enterprise)[0]
        and (
            facts.membership is None
            or facts.membership.status
            in (PoolMembership.Status.LEFT, PoolMembership.Status.REJECTED)
        ),
        "is_bureau": is_bureau(request.user),
    }


PANEL = Panel(
    key="cultivation",
    title="高企培育",
    template="cultivation/panel.html",
    context=panel_context,
    order=20,
)

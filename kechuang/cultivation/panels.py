"""The cultivation panel on the enterprise page (declared in the app's contributions): pool
membership, grade and the ledger's stage."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core import periods
from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.cultivation import grading, selectors
    from kechuang.cultivation.models import Ledger
    from kechuang.cultivation.permissions import can_use

    year = selectors.plan_year(request.user)
    membership = (
        enterprise.pool_memberships.exclude(status="rejected")
        .order_by("-proposed_on", "-id")
        .first()
    )
    override = None
    if membership and membership.status == "active" and membership.grade_override:
        override = (membership.grade_override, membership.grade_override_reason)
    try:
        grade = grading.grade_one(enterprise, periods.application_as_of(year), override)
    except Exception as exc:  # the panel must never take the page down; show why
        return {"error": str(exc), "year": year}
    ledgers = list(
        Ledger.objects.filter(enterprise=enterprise).select_related("call").order_by("-year")
    )
    return {
        "year": year,
        "membership": membership,
        "g": grade,
        "ledgers": ledgers,
        "can_use": can_use(request.user)[0],
    }


PANEL = Panel(
    key="cultivation",
    title="高企培育",
    template="cultivation/panel.html",
    context=panel_context,
    order=20,
)

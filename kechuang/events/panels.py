"""The events panel on the enterprise page: the events the firm registered for or took
part in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.events.selectors import enterprise_events

    return {"rows": enterprise_events(actor=request.user, enterprise=enterprise)}


PANEL = Panel(
    key="events",
    title="参加的科技活动",
    template="events/panel.html",
    context=panel_context,
    order=65,
)

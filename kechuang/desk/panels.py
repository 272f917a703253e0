"""The enterprise page's 科技服务 panel: the firm's requests, visits and open problems,
from selectors only (scoped to the viewer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.desk.selectors import enterprise_desk

    return enterprise_desk(actor=request.user, enterprise=enterprise)


PANEL = Panel(
    key="desk",
    title="科技服务（诉求、走访与难题）",
    template="desk/panel.html",
    context=panel_context,
    order=66,
)

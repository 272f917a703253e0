"""The 产学研 panel on the enterprise page: the firm's demands, introductions and
agreements (with 高质量 or not)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.matching.selectors import enterprise_panel

    return {**enterprise_panel(actor=request.user, enterprise=enterprise), "e": enterprise}


PANEL = Panel(
    key="matching",
    title="产学研合作",
    template="matching/panel.html",
    context=panel_context,
    order=60,
)

"""The enterprise page's panel: the firm's R&D institutions, science-plan projects,
talent and the commissioners who serve it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.platforms.selectors import enterprise_page

    return enterprise_page(actor=request.user, pk=enterprise.pk, firm=enterprise)


PANEL = Panel(
    key="platforms",
    title="研发机构、项目与人才",
    template="platforms/panel.html",
    context=panel_context,
    order=60,
)

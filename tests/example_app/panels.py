"""The example capability's panel on the enterprise page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from tests.example_app.selectors import enterprise_page

    return enterprise_page(actor=request.user, pk=enterprise.pk)


PANEL = Panel(
    key="example_rd",
    title="研发费用加计扣除备案",
    template="example_app/panel.html",
    context=panel_context,
    order=90,
)

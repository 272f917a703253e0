"""The vouchers panel of the enterprise page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.vouchers.selectors import enterprise_page

    return enterprise_page(actor=request.user, enterprise=enterprise)


PANEL = Panel(
    key="vouchers",
    title="科技创新券",
    template="vouchers/panel.html",
    context=panel_context,
    order=60,
)

"""The funds and loans panel of the enterprise page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.finance.selectors import enterprise_page

    return enterprise_page(actor=request.user, enterprise=enterprise)


PANEL = Panel(
    key="finance",
    title="政策资金、税收减免与科技贷款",
    template="finance/panel.html",
    context=panel_context,
    order=62,
)

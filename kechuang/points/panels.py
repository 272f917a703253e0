"""The innovation-points panel on the enterprise page: the latest score the user may
see, its rank and tier, the points at stake, and the way to the explanation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.core.panels import Panel


def panel_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    from kechuang.points import selectors

    st = selectors.panel_standing(actor=request.user, enterprise=enterprise)
    if st is None:
        return {"year": None}
    return {"year": st.year, "st": st, "s": st.score}


PANEL = Panel(
    key="points",
    title="创新积分",
    template="points/panel.html",
    context=panel_context,
    order=30,
)

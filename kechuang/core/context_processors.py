from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import kechuang as _pkg
from kechuang.core import periods
from kechuang.core.web.params import kept_year


def kechuang(request: HttpRequest) -> dict[str, Any]:
    from kechuang.core.registry import nav_menu, todo_count

    user = getattr(request, "user", None)
    nav = nav_menu(user, getattr(request, "resolver_match", None)) if user else []

    def todo() -> int:  # called by the template only where the top bar is drawn
        if user is None or not user.is_authenticated:
            return 0
        return todo_count(user, periods.today())

    return {
        "KECHUANG_VERSION": _pkg.__version__,
        "NAV_MENU": nav,
        "TODO_COUNT": todo,
        # The instance's today in the top bar ("2021年6月30日（演示）"), and the data
        # year kept while moving between pages, with a way back to the default.
        "TODAY_LABEL": periods.today_label(),
        "KEPT_YEAR": kept_year(request),
    }

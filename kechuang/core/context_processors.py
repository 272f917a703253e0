from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import kechuang as _pkg


def kechuang(request: HttpRequest) -> dict[str, Any]:
    from kechuang.core.registry import nav_items

    user = getattr(request, "user", None)
    nav = nav_items(user, getattr(request, "resolver_match", None)) if user else []
    return {"KECHUANG_VERSION": _pkg.__version__, "NAV_ITEMS": nav}

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import kechuang as _pkg


def kechuang(request: HttpRequest) -> dict[str, Any]:
    return {"KECHUANG_VERSION": _pkg.__version__}

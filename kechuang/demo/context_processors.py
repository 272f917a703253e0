from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kechuang.demo.load import DEMO_PASSWORD
from kechuang.demo.models import demo_instance


def demo(request: HttpRequest) -> dict[str, Any]:
    # A callable: the query runs only where base.html draws the banner.
    return {"DEMO_INSTANCE": demo_instance, "DEMO_PASSWORD": DEMO_PASSWORD}

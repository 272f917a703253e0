"""The pages and API calls the load bench requests, per demo login, with the records
they name looked up in the loaded database (shared by bench/pages.py and bench/load.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    path: str


# The demo's county and the town of its officer `huangqiao` (kechuang/demo/load.py).
COUNTY = "321283"
REGION_OF = {"kjj": COUNTY, "huangqiao": "321283101"}
MARKER_ENTERPRISE = "济川药业集团有限公司"


def pages_for(username: str) -> list[Target]:
    """Every endpoint the bench requests as `username`: the trivial view first (the
    ceiling), then the list, the enterprise page, the dashboards, an assessment, the API."""
    from django.db.models import Count

    from kechuang.enterprises.models import Enterprise

    region = REGION_OF[username]
    firms = Enterprise.objects.filter(region__path__contains=region).order_by("pk")
    firm = firms.filter(name=MARKER_ENTERPRISE).first() or (
        firms.annotate(n=Count("facts")).order_by("-n", "pk").first()
    )
    assert firm is not None, f"no enterprise in {region}: load the demo first"
    return [
        Target("healthz", "/healthz"),
        Target("home", "/"),
        Target("list", "/enterprises/"),
        Target("list_search", "/enterprises/?q=%E7%A7%91%E6%8A%80"),  # 科技
        Target("enterprise", f"/enterprises/{firm.pk}/"),
        Target("dashboard", f"/targets/region/{region}/"),
        Target("cultivation", "/cultivation/"),
        Target("assessment_area", "/targets/assessment/"),
        Target("assessment_firm", f"/assess/enterprise/{firm.pk}/"),
        Target("api_list", "/api/v1/enterprises?page_size=50"),
        Target("api_enterprise", f"/api/v1/enterprises/{firm.uscc}"),
    ]

"""`/healthz`: the trivial view. A load balancer's liveness probe, and the ceiling that
`bench/load.py` compares every page with (the same server, middleware and session, no
page work). It answers without a login and says nothing but "ok"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.accounts.scoping import is_bureau
from kechuang.core.models import AuditLog


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not is_bureau(request.user):
        raise PermissionDenied("只有市科技局可以查看操作日志")
    qs = AuditLog.objects.all()
    if request.GET.get("enterprise"):
        qs = qs.filter(enterprise_id=request.GET["enterprise"])
    if request.GET.get("action"):
        qs = qs.filter(action=request.GET["action"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"page": page, "query": query.urlencode()})

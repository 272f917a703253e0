"""The 待办 page: each app's `TODO` sources (kechuang.core.registry), for this user
and today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core import periods
from kechuang.core.registry import todo_sections


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    day = periods.today()
    sections = todo_sections(request.user, day)
    return render(
        request,
        "core/todo.html",
        {"day": day, "sections": sections, "total": sum(s.count for s in sections)},
    )

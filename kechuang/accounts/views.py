"""The 我的API令牌 page: the user's own tokens — create one (its key shown this once),
see when each was used and when it expires, revoke one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts import services
from kechuang.core.errors import FieldError, ValidationFailed


def _page(request: HttpRequest, **extra: object) -> HttpResponse:
    context = {
        "tokens": services.api_token_list(actor=request.user),
        "max_days": settings.API_TOKEN_DAYS,
        **extra,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    name = request.POST.get("name", "")
    raw_days = request.POST.get("days", "").strip()
    days = (
        int(raw_days) if raw_days.isascii() and raw_days.isdigit() and len(raw_days) < 5 else None
    )
    try:
        if raw_days and days is None:
            raise ValidationFailed([FieldError("days", "有效天数", "应为整数")])
        token, key = services.api_token_create(actor=request.user, name=name, days=days)
    except ValidationFailed as exc:
        return _page(request, errors=exc.lines(), name=name, days=raw_days)
    # The key is in this response only: it is not stored, so it cannot be shown again.
    return _page(request, new_key=key, new_token=token)


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    token = services.api_token_revoke(actor=request.user, prefix=request.POST.get("prefix", ""))
    messages.success(
        request, f"已吊销令牌 {token.prefix}…{'（' + token.name + '）' if token.name else ''}"
    )
    return redirect("accounts:tokens")

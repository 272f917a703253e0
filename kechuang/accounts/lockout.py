"""The page a locked-out login gets (django-axes calls `lockout_response`)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kechuang.core import formats


def lockout_message(request: HttpRequest | None) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return "登录失败次数过多，账号已锁定，请联系科技局管理员解锁。"
    minutes = max(1, int(cool_off.total_seconds() // 60))
    # The cool-off runs from the latest failed attempt, which is this one.
    retry_at = timezone.localtime(timezone.now() + cool_off)
    return (
        f"登录失败次数过多，已暂停登录 {minutes} 分钟：请于 {formats.minute(retry_at)} 之后再试，"
        "或联系科技局管理员解锁。"
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    return render(
        request,
        "accounts/locked_out.html",
        {"message": lockout_message(request)},
        status=429,
    )

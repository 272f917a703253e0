"""Domain errors become pages, once for every view: a service or selector raises
`NotFound` / `PermissionDenied` / `ValidationFailed` / `Conflict` (kechuang.core.errors)
and the visitor sees 404 / 403 / 400 / 409 with the reason in Chinese, inside the site
layout, with a way back. Views therefore never catch a domain error just to re-raise
it as Django's; they catch `ValidationFailed` only to show it beside a form.

    require(can_manage_targets(request.user))   # (allowed, reason) → 403 with the reason

Django's own `PermissionDenied` and `Http404` raised in a view are shown the same way
(no traceback in the log). Errors outside views (no such URL, a crash) use Django's
handlers with the templates `404.html` and `500.html`; `server_error` (handler500)
renders `500.html` — or `503.html` when the database cannot be reached — without the
request, so neither the database nor the user is needed, and answers the API in JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kechuang.core.errors import DomainError, PermissionDenied, ValidationFailed
from kechuang.core.outage import OUTAGE_MESSAGE, database_unreachable

# The page status of each domain error (the API keeps its own: 422 for invalid input).
PAGE_STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}
DEFAULT_REASONS = {
    400: "请求的内容有误",
    403: "您没有权限访问此页面",
    404: "页面不存在或无权查看",
    409: "操作与当前状态冲突",
}
MAX_LINES = 50


def require(check: tuple[bool, str]) -> None:
    """Refuse (403 with the reason) unless a permission check `(allowed, reason)` passed."""
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason or DEFAULT_REASONS[403])


def error_page(
    request: HttpRequest, status: int, reason: str = "", lines: list[str] | None = None
) -> HttpResponse:
    """The error page for `status` (`<status>.html`), or an alert fragment for htmx."""
    context = {
        "status": status,
        "reason": reason or DEFAULT_REASONS.get(status, ""),
        "lines": (lines or [])[:MAX_LINES],
        "more_lines": max(0, len(lines or []) - MAX_LINES),
    }
    template = "errors/fragment.html" if request.headers.get("HX-Request") else f"{status}.html"
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def page_for(exception: Exception) -> tuple[int, str, list[str]] | None:
    """(status, reason, detail lines) for an exception a page shows, else None."""
    if isinstance(exception, DomainError):
        status = PAGE_STATUS.get(exception.code, 400)
        lines = exception.lines() if isinstance(exception, ValidationFailed) else []
        return status, exception.message, lines
    if isinstance(exception, DjangoPermissionDenied):
        return 403, str(exception), []
    if isinstance(exception, Http404):
        return 404, str(exception), []
    return None


UNREADABLE_REASON = "网址中含有无法识别的字符（如 %00），请检查链接后重试"


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists())


def json_error(status: int, code: str, message: str) -> HttpResponse:
    """The API's one error shape, made without the API (outside a handler)."""
    body = {"error": {"code": code, "message": message, "details": []}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


class DomainErrorMiddleware:
    """Turns the errors a view raises into error pages (see the module docstring), and
    refuses an address with a NUL in it (400) before any view reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            # No address of ours holds a NUL, and PostgreSQL refuses one in any string.
            if request.path.startswith(API_PREFIX):
                return json_error(400, "invalid", UNREADABLE_REASON)
            return error_page(request, 400, UNREADABLE_REASON)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        found = page_for(exception)
        if found is None:
            return None
        status, reason, lines = found
        return error_page(request, status, reason, lines)


API_PREFIX = "/api/"
SERVER_ERROR_MESSAGE = (
    "服务器处理请求时出错，已记录。请稍后重试；如仍有问题，请联系市科技局管理员。"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a crash, or the database out of reach (503). Rendered without the
    request — context processors, the session and the user all read the database."""
    _type, exc, _tb = sys.exc_info()
    down = database_unreachable(exc)
    status = 503 if down else 500
    if request.path.startswith(API_PREFIX):
        code, message = (
            ("unavailable", OUTAGE_MESSAGE) if down else ("server_error", SERVER_ERROR_MESSAGE)
        )
        body = json.dumps(
            {"error": {"code": code, "message": message, "details": []}}, ensure_ascii=False
        )
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    template = "503.html" if down else "500.html"
    response = HttpResponse(render_to_string(template, {"status": status}), status=status)
    if down:
        response["Retry-After"] = "30"
    return response

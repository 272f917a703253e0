"""Domain errors become pages, once for every view: a service or selector raises
`NotFound` / `PermissionDenied` / `ValidationFailed` / `Conflict` (kechuang.core.errors)
and the visitor sees 404 / 403 / 400 / 409 with the reason in Chinese, inside the site
layout, with a way back. Views therefore never catch a domain error just to re-raise
it as Django's; they catch `ValidationFailed` only to show it beside a form.

    require(can_manage_targets(request.user))   # (allowed, reason) → 403 with the reason

Django's own `PermissionDenied` and `Http404` raised in a view are shown the same way
(no traceback in the log). Errors outside views (no such URL, a crash) use Django's
handlers with the templates `404.html` and `500.html`; `500.html` needs neither the
database nor the user.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kechuang.core.errors import DomainError, PermissionDenied, ValidationFailed

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


class DomainErrorMiddleware:
    """Turns the errors a view raises into error pages (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        found = page_for(exception)
        if found is None:
            return None
        status, reason, lines = found
        return error_page(request, status, reason, lines)

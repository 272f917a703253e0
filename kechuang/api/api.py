"""/api/v1/: django-ninja, session or bearer-token auth, one error shape:
`{"error": {"code": "...", "message": "...", "details": [{"row", "field", "label", "message"}]}}`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import BaseRenderer
from ninja.security import HttpBearer, SessionAuth

from kechuang.accounts.services import api_token_user
from kechuang.core.errors import DomainError, ValidationFailed


class ChineseJSONRenderer(BaseRenderer):
    """ninja's default renderer escapes Chinese (\\u4f60); ours keeps it readable."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        from ninja.responses import NinjaJSONEncoder

        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`: a live token of an active user. No CSRF check: a
    browser never adds this header by itself, so another site cannot forge it."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
            request.bearer_token = True  # type: ignore[attr-defined]
        return user


class CsrfSessionAuth(SessionAuth):
    """The browser's login session. Writes must carry the CSRF token — but only a request
    that *has* a logged-in session is checked: ninja's own SessionAuth checks first, and
    its 403 "CSRF check Failed" ended the request before the bearer token was tried."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not getattr(request.user, "is_authenticated", False):
            return None
        return super()._get_key(request)


def bearer_user(request: HttpRequest) -> Any:
    """The user of a valid bearer token in the request, else None."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return api_token_user(key.strip()) if scheme.lower() == "bearer" else None


def _docs_for_users(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page and the OpenAPI document are for logged-in users (or a token): the
    page sends a visitor to the login page, the document answers 401 in our error shape."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            user = bearer_user(request)
            if user is None:
                if request.path.endswith(".json"):
                    return error_response(request, 401, "unauthenticated", "未登录或令牌无效")
                return redirect_to_login(request.get_full_path())
            request.user = user
        return view(request, *args, **kwargs)

    return wrapped


class LocalSwagger(Swagger):
    """Swagger UI from kechuang/static/vendor (npm swagger-ui-dist), not a CDN: the docs
    page works on an intranet without internet access."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": self.settings,  # json_script in the page
            "api": api,
            "add_csrf": True,
        }
        return render(request, "api/docs.html", context)


# What every operation may answer besides its success, in the one error shape: the
# document says so, so a client (and schemathesis) can rely on it.
ERROR_RESPONSES = {
    "400": "请求有误（如网址中含有无法识别的字符）",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "不存在或无权查看",
    "409": "与当前状态冲突",
    "422": "请求数据不符合要求（details 逐项说明）",
    "500": "服务器出错",
    "503": "数据库暂时无法连接",
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "row": {"type": ["integer", "null"]},
                            "field": {"type": "string"},
                            "label": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}


class KechuangAPI(NinjaAPI):
    # The document is the same for every request under one URL prefix and took 60–80 ms
    # to build, so it is built once per prefix; a few prefixes are kept (a proxy's
    # SCRIPT_NAME is the client's to choose, so not every one).
    _DOCUMENTS_KEPT = 4

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        documents: dict[str, Any] = self.__dict__.setdefault("_documents", {})
        document = documents.get(path_prefix)
        if document is None:
            document = self._build_openapi_schema(path_prefix)
            if len(documents) >= self._DOCUMENTS_KEPT:
                documents.clear()
            documents[path_prefix] = document
        return document

    def _build_openapi_schema(self, path_prefix: str) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix)
        document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        for item in document.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {"description": text, "content": {"application/json": {"schema": ref}}},
                    )
        return document


api = KechuangAPI(
    title="科创云 Kechuang API",
    version="1",
    description="县（市、区）科技局科技创新工作平台的接口。认证：会话（浏览器登录）或 `Authorization: Bearer <token>`"
    '（`kechuang token create USER` 生成）。错误统一为 `{"error": {code, message, details}}`。',
    renderer=ChineseJSONRenderer(),
    # The token first: a request with a bearer token is never a CSRF question.
    auth=[TokenAuth(), CsrfSessionAuth()],
    urls_namespace="api",
    docs_decorator=_docs_for_users,
    docs=LocalSwagger(settings={"layout": "BaseLayout", "deepLinking": True}),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "details": details or []}},
        status=status,
    )


@api.exception_handler(ValidationFailed)
def _validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return error_response(
        request, exc.status, exc.code, exc.message, [e.as_dict() for e in exc.errors]
    )


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(
        request, exc.status, exc.code, exc.message, [e.as_dict() for e in exc.details()]
    )


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        details.append(
            {
                "row": None,
                "field": ".".join(loc),
                "label": ".".join(loc),
                "message": _pydantic_message(err),
            }
        )
    return error_response(request, 422, "invalid", "请求数据不符合要求", details)


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == "missing":
        return "不能为空"
    if kind.startswith(("int", "float", "decimal")):
        return "应为数字"
    if kind.startswith("date"):
        return "应为日期 YYYY-MM-DD"
    if kind.startswith("bool"):
        return "应为 true/false"
    limit = err.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{limit.get('ge', limit.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{limit.get('le', limit.get('lt'))}"
    if kind == "string_too_long":
        return f"不能超过{limit.get('max_length')}个字"
    if kind == "extra_forbidden":
        return "不是可接受的字段"
    return str(err.get("msg", "格式不正确"))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", "未登录或令牌无效")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


from kechuang.accounts.api import router as accounts_router  # noqa: E402
from kechuang.core.registry import collect  # noqa: E402

api.add_router("/", accounts_router)
# Every app's routers, from its contributions (`API`).
for mount in collect("API"):
    api.add_router(mount.prefix, mount.router())

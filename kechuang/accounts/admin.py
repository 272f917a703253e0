from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from kechuang.accounts.models import ApiToken, Region, User
from kechuang.core.admin_audit import AuditedAdmin, AuditedMixin, audit_change, stored


@admin.register(User)
class UserAdmin(AuditedMixin, BaseUserAdmin[User]):
    list_display = ["username", "display_name", "role", "region", "is_active"]
    list_filter = ["role", "is_active", "region"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("科创云", {"fields": ("role", "display_name", "region", "phone")}),
    )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_bureau", False)) and super().has_module_permission(
            request
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # The password form saves the user itself, past save_model.
        user = self.get_object(request, id)
        before = stored(user) if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            user.refresh_from_db()
            audit_change(request, user, before, note="管理后台重设密码")
        return response


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A token acts as its owner: re-owning one would hand it to someone else.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "user"] if obj is not None else fields

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from kechuang.accounts.models import ApiToken, Region, User
from kechuang.accounts.services import region_save
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


class _SavedByService(admin.ModelAdmin[Region]):
    """Below the audit mixin: the region is saved by the service that keeps the paths
    of the regions under it right."""

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        moved = region_save(actor=request.user, region=obj)
        if moved:
            self.message_user(request, f"已同步更新其下 {moved} 个区域的层级路径")


@admin.register(Region)
class RegionAdmin(AuditedAdmin, _SavedByService):
    list_display = ["name", "code", "kind", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are issued by their owner (the token page, the API, `kechuang token`): here
    staff may only rename, shorten or revoke one. The owner is read-only: a token moved to
    another user would act as that user with a key its first owner holds."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = [
        "user",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

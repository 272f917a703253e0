from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.audit import audit_log, snapshot
from kechuang.enterprises.models import (
    Certificate,
    Enterprise,
    EnterpriseMember,
    FactRevision,
    FormerName,
    HelperAssignment,
    IPItem,
    YearlyFacts,
)


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Admin saves and deletes go to the audit log like every other change."""

    def _enterprise_id(self, obj: Any) -> int | None:
        if isinstance(obj, Enterprise):
            return obj.pk
        return getattr(obj, "enterprise_id", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            before=before,
            after=snapshot(obj),
            enterprise_id=self._enterprise_id(obj),
            via="admin",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_log(
            actor=request.user,
            action="delete",
            obj=obj,
            before=snapshot(obj),
            enterprise_id=self._enterprise_id(obj),
            via="admin",
        )
        super().delete_model(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_bureau", False)) and super().has_module_permission(
            request
        )


class FormerNameInline(admin.TabularInline[FormerName, Enterprise]):
    model = FormerName
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["name", "uscc", "region", "tech_domain", "is_above_scale", "needs_review"]
    list_filter = ["region", "is_above_scale", "needs_review", "status"]
    search_fields = ["name", "uscc", "name_initials"]
    readonly_fields = ["name_initials", "created_at", "updated_at"]
    inlines = [FormerNameInline]


@admin.register(YearlyFacts)
class YearlyFactsAdmin(AuditedAdmin):
    list_display = ["enterprise", "fiscal_year", "employees", "revenue_yuan", "rd_expense_yuan"]
    list_filter = ["fiscal_year"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]


@admin.register(FactRevision)
class FactRevisionAdmin(admin.ModelAdmin[FactRevision]):
    list_display = ["facts", "source", "recorded_on", "recorded_by", "recorded_at"]
    list_filter = ["source"]
    raw_id_fields = ["facts"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is never edited


@admin.register(IPItem)
class IPItemAdmin(AuditedAdmin):
    list_display = ["number", "kind", "ip_class", "title", "enterprise", "granted_on", "is_valid"]
    list_filter = ["kind", "ip_class", "is_valid"]
    search_fields = ["number", "title", "enterprise__name"]
    raw_id_fields = ["enterprise"]


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = [
        "number",
        "kind",
        "enterprise",
        "issued_on",
        "valid_from",
        "valid_until",
        "batch",
    ]
    list_filter = ["kind", "batch"]
    search_fields = ["number", "enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]


@admin.register(EnterpriseMember)
class EnterpriseMemberAdmin(AuditedAdmin):
    list_display = ["user", "enterprise"]
    raw_id_fields = ["enterprise"]


@admin.register(HelperAssignment)
class HelperAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "enterprise", "since_on"]
    raw_id_fields = ["enterprise"]

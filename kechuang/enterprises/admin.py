from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
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
from kechuang.enterprises.services import enterprise_delete


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

    # Deleting here is the same soft delete as on the enterprise page (its own audit
    # row; records and files kept, restorable on 已删除企业), never a cascade.
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        enterprise_delete(actor=request.user, enterprise=obj, reason="管理后台删除", via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            enterprise_delete(
                actor=request.user, enterprise=obj, reason="管理后台删除", via="admin"
            )

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Nothing cascades: the confirmation lists only the enterprises themselves.
        names = [str(o) for o in objs]
        perms_needed: set[str] = set()
        if not self.has_delete_permission(request):
            perms_needed.add(str(self.opts.verbose_name))
        return names, {str(self.opts.verbose_name_plural): len(names)}, perms_needed, []


@admin.register(YearlyFacts)
class YearlyFactsAdmin(AuditedAdmin):
    list_display = ["enterprise", "fiscal_year", "employees", "revenue_yuan", "rd_expense_yuan"]
    list_filter = ["fiscal_year"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]

    # Facts change through facts_record and the imports, which keep each value's
    # revision history; an admin edit would change a value without one.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FactRevision)
class FactRevisionAdmin(AuditedAdmin):
    list_display = ["facts", "source", "recorded_on", "recorded_by", "recorded_at"]
    list_filter = ["source"]
    raw_id_fields = ["facts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # revisions are written by the services that change facts

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nor deleted


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

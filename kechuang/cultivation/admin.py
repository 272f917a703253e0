from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.cultivation.models import ApplicationBatch, Ledger, PoolMembership
from kechuang.programmes.admin import ApplicationAdmin, CallAdmin


@admin.register(PoolMembership)
class PoolMembershipAdmin(AuditedAdmin):
    list_display = (
        "enterprise",
        "status",
        "entered_on",
        "left_on",
        "leave_reason",
        "grade_override",
    )
    list_filter = ("status", "leave_reason")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)

    # Entry, grade and exit are decisions of the pool's workflow (cultivation.services,
    # with their checks, history and audit): the admin only shows them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ledger)
class LedgerAdmin(ApplicationAdmin):
    list_display = ("enterprise", "programme", "year", "kind", "stage", "call")
    list_filter = ("year", "kind", "stage")


admin.site.register(ApplicationBatch, CallAdmin)

from django.contrib import admin

from kechuang.cultivation.models import ApplicationBatch, Ledger, PoolMembership
from kechuang.programmes.admin import ApplicationAdmin, CallAdmin


@admin.register(PoolMembership)
class PoolMembershipAdmin(admin.ModelAdmin[PoolMembership]):
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


@admin.register(Ledger)
class LedgerAdmin(ApplicationAdmin):
    list_display = ("enterprise", "programme", "year", "kind", "stage", "call")
    list_filter = ("year", "kind", "stage")


admin.site.register(ApplicationBatch, CallAdmin)

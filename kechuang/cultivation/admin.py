from django.contrib import admin

from kechuang.cultivation.models import (
    ApplicationBatch,
    CultivationTarget,
    Ledger,
    LedgerEvent,
    PoolMembership,
    Task,
    Visit,
)


@admin.register(PoolMembership)
class PoolMembershipAdmin(admin.ModelAdmin):
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


class EventInline(admin.TabularInline):
    model = LedgerEvent
    extra = 0


@admin.register(Ledger)
class LedgerAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "year", "kind", "stage", "batch")
    list_filter = ("year", "kind", "stage")
    search_fields = ("enterprise__name",)
    raw_id_fields = ("enterprise",)
    inlines = [EventInline]


admin.site.register(ApplicationBatch)
admin.site.register(CultivationTarget)
admin.site.register(Task)
admin.site.register(Visit)

"""The programme frame in the admin. Stages move only through the workflow's services
(with their checks, events and audit), so the admin shows them read-only."""

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.programmes.models import (
    Application,
    Attachment,
    Award,
    Call,
    Event,
    Objection,
    Publicity,
    PublicityEntry,
    Review,
    Task,
    Visit,
)


class EventInline(admin.TabularInline[Event, Application]):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "stage", "on", "by", "by_name", "note", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Application | None = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display: tuple[str, ...] = (
        "enterprise",
        "applicant",
        "programme",
        "year",
        "kind",
        "stage",
        "call",
    )
    list_filter = ("programme", "year", "stage")
    search_fields = ("enterprise__name", "enterprise__uscc", "applicant", "title")
    raw_id_fields = ("enterprise", "region")
    readonly_fields = ("programme", "stage", "unique_key", "version")
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an application starts in its workflow's services


@admin.register(Call)
class CallAdmin(AuditedAdmin):
    list_display = ("name", "programme", "year", "seq", "closes_on", "decided_on")
    list_filter = ("programme", "year")


class EntryInline(admin.TabularInline[PublicityEntry, Publicity]):
    model = PublicityEntry
    extra = 0
    raw_id_fields = ("application",)


@admin.register(Publicity)
class PublicityAdmin(AuditedAdmin):
    list_display = ("title", "programme", "starts_on", "ends_on", "status")
    list_filter = ("programme", "status")
    readonly_fields = ("status",)  # opened and closed by the publicity services
    inlines = [EntryInline]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("title", "programme", "region", "enterprise", "due_on", "status")
    list_filter = ("programme", "status")
    raw_id_fields = ("enterprise", "application")


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    list_display = ("enterprise", "visited_on", "visitor_name", "application")
    raw_id_fields = ("enterprise", "application")


admin.site.register(Attachment, AuditedAdmin)
admin.site.register(Review, AuditedAdmin)
admin.site.register(Objection, AuditedAdmin)
admin.site.register(Award, AuditedAdmin)

"""The admin shows 产学研对接's records read-only: every write goes through the services,
which check scope, keep the search index and its word counts current and write the
audit log (an admin edit would do none of these)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.matching.models import (
    Achievement,
    Agreement,
    Alliance,
    AllianceActivity,
    AllianceMember,
    Demand,
    Expert,
    Institution,
    Introduction,
    Progress,
    SearchEntry,
)


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Institution)
class InstitutionAdmin(ReadOnly):
    list_display = ("name", "kind", "city")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Expert)
class ExpertAdmin(ReadOnly):
    list_display = ("name", "institution", "title", "domain", "active")
    list_filter = ("active",)
    search_fields = ("name", "fields", "institution__name")


@admin.register(Achievement)
class AchievementAdmin(ReadOnly):
    list_display = ("title", "institution", "expert", "domain", "asking_yuan")
    search_fields = ("title", "institution__name")


@admin.register(Demand)
class DemandAdmin(ReadOnly):
    list_display = ("title", "enterprise", "status", "posted_on", "budget_yuan")
    list_filter = ("status",)
    search_fields = ("title", "enterprise__name")


@admin.register(Introduction)
class IntroductionAdmin(ReadOnly):
    list_display = ("application", "expert", "demand", "met_on")
    search_fields = ("expert__name", "application__enterprise__name")


@admin.register(Agreement)
class AgreementAdmin(ReadOnly):
    list_display = ("title", "enterprise", "institution", "amount_yuan", "signed_on", "status")
    list_filter = ("status",)
    search_fields = ("title", "enterprise__name", "institution__name")


@admin.register(Progress)
class ProgressAdmin(ReadOnly):
    list_display = ("agreement", "kind", "on", "amount_yuan")
    list_filter = ("kind",)


@admin.register(Alliance)
class AllianceAdmin(ReadOnly):
    list_display = ("name", "lead", "institution", "founded_on")
    search_fields = ("name", "lead__name")


@admin.register(AllianceMember)
class AllianceMemberAdmin(ReadOnly):
    list_display = ("alliance", "enterprise", "institution", "joined_on")


@admin.register(AllianceActivity)
class AllianceActivityAdmin(ReadOnly):
    list_display = ("alliance", "on", "title")


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnly):
    list_display = ("kind", "ref", "title", "domain")
    list_filter = ("kind",)
    search_fields = ("title",)

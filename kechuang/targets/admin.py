from __future__ import annotations

from django.contrib import admin

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.targets.models import AssessmentWeight, RegionalStatistic, Target


@admin.register(RegionalStatistic)
class RegionalStatisticAdmin(AuditedAdmin):
    list_display = ("region", "year", "key", "value", "unit", "source", "entered_by", "entered_at")
    list_filter = ("year", "key")
    search_fields = ("region__name", "region__code", "key")


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("region", "year", "indicator", "comparison", "value", "set_by", "set_at")
    list_filter = ("year", "indicator")


@admin.register(AssessmentWeight)
class AssessmentWeightAdmin(AuditedAdmin):
    list_display = ("year", "indicator", "weight", "set_by", "set_at")
    list_filter = ("year",)

"""The admin shows 科技活动's records read-only: writes go through the services, which
check the organiser's area and write the audit log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.admin_audit import AuditedAdmin
from kechuang.events.models import Article, Event, JuryScore, Participant, RoadshowItem


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("title", "kind", "held_on", "region")
    list_filter = ("kind",)
    search_fields = ("title", "place")


@admin.register(Participant)
class ParticipantAdmin(ReadOnly):
    list_display = ("event", "role", "enterprise", "name", "status")
    list_filter = ("role", "status")


@admin.register(RoadshowItem)
class RoadshowItemAdmin(ReadOnly):
    list_display = ("title", "event", "presenter", "financing_sought_yuan")


@admin.register(JuryScore)
class JuryScoreAdmin(ReadOnly):
    list_display = ("item", "juror", "score")


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ("title", "media", "level", "published_on", "region")
    list_filter = ("level",)
    search_fields = ("title", "media")

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kechuang.core.models import AuditLog, ImportBatch, Job


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "via"]
    list_filter = ["action", "object_type", "via"]
    search_fields = ["object_repr", "actor_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["created_at", "filename", "kind", "actor", "status"]
    list_filter = ["kind", "status"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ["created_at", "kind", "actor_name", "status", "done", "total", "finished_at"]
    list_filter = ["status"]
    search_fields = ["kind", "actor_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

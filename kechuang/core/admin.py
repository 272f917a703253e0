from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from kechuang.core.admin_audit import AuditedAdmin, AuditedMixin
from kechuang.core.models import AuditLog, ImportBatch, Job


@admin.register(AuditLog)
class AuditLogAdmin(AuditedAdmin):
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
class ImportBatchAdmin(AuditedAdmin):
    list_display = ["created_at", "filename", "kind", "actor", "status"]
    list_filter = ["kind", "status"]


@admin.register(Job)
class JobAdmin(AuditedAdmin):
    list_display = ["created_at", "kind", "actor_name", "status", "done", "total", "finished_at"]
    list_filter = ["status"]
    search_fields = ["kind", "actor_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Admin classes of the frameworks we use, re-registered on the audited base so that no
# admin page on the site changes a row without an audit entry.
def _reregister(model: type[Any], base: type[Any]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    audited = type(base.__name__, (AuditedMixin, base), {"__module__": __name__})
    admin.site.register(model, audited)


_reregister(Group, GroupAdmin)
_reregister(DBTaskResult, DBTaskResultAdmin)
_reregister(AccessAttempt, AccessAttemptAdmin)
_reregister(AccessLog, AccessLogAdmin)
_reregister(AccessFailureLog, AccessFailureLogAdmin)

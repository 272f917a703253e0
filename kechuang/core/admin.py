from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from kechuang.core.admin_audit import AuditedAdmin, AuditedMixin, audit_removed, audited_action
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


class AuditedAccessAttemptAdmin(AuditedMixin, AccessAttemptAdmin):  # type: ignore[misc]
    """axes' login failures: deleting them lifts a lockout, so its clean-up action is
    logged like any delete (one row per attempt removed, with who and from where)."""

    actions = ["cleanup_expired_attempts"]

    @admin.action(description="清理已过期的登录失败记录（解除已到期的锁定）")
    @audited_action
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        if not hasattr(request, "axes_attempt_time"):  # set by axes' middleware when enabled
            request.axes_attempt_time = None  # type: ignore[attr-defined]
        with transaction.atomic():
            before = {a.pk: a for a in AccessAttempt.objects.select_for_update()}
            self.handler.clean_expired_user_attempts(request=request)
            count = audit_removed(
                request, AccessAttempt, before, note="管理后台清理已过期的登录失败记录"
            )
        self.message_user(request, f"已清理 {count} 条已过期的登录失败记录")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)
_reregister(AccessLog, AccessLogAdmin)
_reregister(AccessFailureLog, AccessFailureLogAdmin)

"""Reads of core's own records: the audit log (bureau staff only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kechuang.core.errors import PermissionDenied
from kechuang.core.models import AuditLog, ImportBatch


def can_view_audit(actor: Any) -> tuple[bool, str]:
    """The whole trail is the bureau's (core knows roles only through `is_bureau`)."""
    if getattr(actor, "is_bureau", False) is True:
        return True, ""
    return False, "只有科技局可以查看操作日志"


def _scope(actor: Any, enterprise_id: int | None = None) -> Q:
    """A bureau reads the trail of its own region (`User.audit_scope_q`); with
    `enterprise_id`, the part of it about that enterprise."""
    scope = getattr(actor, "audit_scope_q", None)
    if not callable(scope):
        return Q(pk__in=[])
    q: Q = scope(enterprise_id) if enterprise_id is not None else scope()
    return q


def audit_list(
    *, actor: Any, enterprise_id: int | None = None, action: str = ""
) -> QuerySet[AuditLog]:
    allowed, reason = can_view_audit(actor)
    if not allowed:
        raise PermissionDenied(reason)
    qs = AuditLog.objects.filter(_scope(actor, enterprise_id))
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if action:
        qs = qs.filter(action=action)
    return qs


def audit_recent(*, actor: Any, enterprise_id: int, limit: int = 10) -> list[AuditLog] | None:
    """The latest entries about one enterprise, or None when the actor may not see them."""
    if not can_view_audit(actor)[0]:
        return None
    from kechuang.core.audit_text import with_related_names

    qs = AuditLog.objects.filter(_scope(actor, enterprise_id), enterprise_id=enterprise_id)
    return with_related_names(list(qs[:limit]))


def import_batches_of(actor: Any, limit: int = 10) -> list[ImportBatch]:
    return list(ImportBatch.objects.filter(actor=actor)[:limit])


def import_batch_get(*, actor: Any, token: str) -> ImportBatch:
    from kechuang.core.errors import NotFound

    batch = ImportBatch.objects.filter(token=token, actor=actor).first()
    if batch is None:
        raise NotFound("导入批次不存在或已过期")
    return batch

"""Import batches: an upload is checked (nothing written) and kept under var/uploads
with an ImportBatch; confirming re-reads and re-checks it inside the writing
transaction (`importing.import_run(commit=True)`)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kechuang.core import selectors as core_selectors
from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.models import ImportBatch
from kechuang.enterprises import importing
from kechuang.enterprises.permissions import can_import


def _require(actor: Any) -> None:
    allowed, reason = can_import(actor)
    if not allowed:
        raise PermissionDenied(reason)


def import_preview(
    *, actor: Any, kind: str, data: bytes, filename: str
) -> tuple[importing.ImportPlan, ImportBatch]:
    """Check an upload and keep it for confirmation; ValidationFailed when unreadable."""
    _require(actor)
    importing.get_kind(kind)
    plan = importing.import_run(actor=actor, kind=kind, data=data, filename=filename, commit=False)
    token = secrets.token_urlsafe(16)
    settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    suffix = Path(filename).suffix.lower()[:6] or ".bin"
    stored = settings.UPLOAD_DIR / f"{token}{suffix}"
    stored.write_bytes(data)
    batch = ImportBatch.objects.create(
        token=token,
        kind=kind,
        filename=filename[:200],
        stored_path=str(stored),
        actor=actor,
        status=ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED,
        counts=plan.counts,
    )
    return plan, batch


def import_confirm(*, actor: Any, token: str) -> tuple[importing.ImportPlan, ImportBatch]:
    """Write a previewed upload. Conflict when it was imported or failed already;
    ValidationFailed (and the batch marked failed) when the data changed meanwhile."""
    _require(actor)
    batch = core_selectors.import_batch_get(actor=actor, token=token)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise Conflict("该文件已导入或有错误，请重新上传")
    data = Path(batch.stored_path).read_bytes()
    try:
        plan = importing.import_run(
            actor=actor, kind=batch.kind, data=data, filename=batch.filename, commit=True
        )
    except ValidationFailed:
        batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["status"])
        raise
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.counts = plan.counts
    batch.save(update_fields=["status", "imported_at", "counts"])
    Path(batch.stored_path).unlink(missing_ok=True)
    return plan, batch

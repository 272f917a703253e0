"""The one import page for every kind an app declares (`kechuang.core.imports`):
upload → preview → confirm. The uploaded file is kept under var/uploads until it is
confirmed; confirming re-reads and re-checks it inside the writing transaction."""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core import imports
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.imports import ImportKind
from kechuang.core.models import ImportBatch
from kechuang.core.tabular import write_template

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require_import(request: HttpRequest, kind: str | None = None) -> Any:
    """The acting user, when they may import (`kind`, or any kind at all)."""
    if kind is None:
        if not imports.kinds_for(request.user):
            raise DjangoPermissionDenied("只有市科技局和园区/乡镇用户可以批量导入")
        return request.user
    allowed, reason = _kind(kind).permission(request.user)
    if not allowed:
        raise DjangoPermissionDenied(reason)
    return request.user


def _kind(key: str) -> ImportKind:
    found = imports.kinds().get(key)
    if found is None:
        raise Http404("未知的导入类型")
    return found


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    actor = _require_import(request)
    recent = ImportBatch.objects.filter(actor=actor)[:10]
    titles = {k.key: k.title for k in imports.kinds().values()}
    return render(
        request,
        "imports/index.html",
        {
            "kinds": imports.kinds_for(actor),
            "recent": [(b, titles.get(b.kind, b.kind)) for b in recent],
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import(request, kind)
    spec = _kind(kind)
    buffer = io.BytesIO()
    write_template(
        buffer,
        spec.columns,
        sheet=spec.title,
        lists=spec.template_lists() if spec.template_lists else None,
        note=f"科创云 · {spec.title}导入模板\n{spec.note}\n第1行为表头（中文或英文键均可），"
        "第2行为填写说明（以【开头的行不会导入），从第3行起填写数据。",
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(spec.title + '导入模板.xlsx')}"
    )
    return response


@login_required
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    actor = _require_import(request, kind)
    spec = _kind(kind)
    if request.method != "POST":
        return redirect("imports:index")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect("imports:index")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "文件超过50MB，请分批导入")
        return redirect("imports:index")
    data = upload.read()
    token = secrets.token_urlsafe(16)
    settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name or "").suffix.lower()[:6] or ".bin"
    stored = settings.UPLOAD_DIR / f"{token}{suffix}"
    try:
        plan = imports.import_run(
            actor=request.user, kind=kind, data=data, filename=upload.name or "upload", commit=False
        )
    except ValidationFailed as exc:
        return render(
            request,
            "imports/preview.html",
            {
                "spec": spec,
                "filename": upload.name,
                "fatal": exc.message,
                "errors": exc.errors,
                "plan": None,
            },
            status=422,
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    stored.write_bytes(data)
    batch = ImportBatch.objects.create(
        token=token,
        kind=kind,
        filename=(upload.name or "upload")[:200],
        stored_path=str(stored),
        actor=actor,
        status=ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED,
        counts=plan.counts,
    )
    changed = [r for r in plan.rows if r.status != "unchanged"][:300]
    return render(
        request,
        "imports/preview.html",
        {
            "spec": spec,
            "filename": upload.name,
            "plan": plan,
            "batch": batch,
            "changed": changed,
            "errors": plan.errors[:1000],
            "more_errors": max(0, len(plan.errors) - 1000),
        },
        status=200 if plan.ok else 422,
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    actor = _require_import(request)
    batch = get_object_or_404(ImportBatch, token=token, actor=actor)
    _require_import(request, batch.kind)
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.error(request, "该文件已导入或有错误，请重新上传")
        return redirect("imports:index")
    spec = _kind(batch.kind)
    data = Path(batch.stored_path).read_bytes()
    try:
        plan = imports.import_run(
            actor=request.user, kind=batch.kind, data=data, filename=batch.filename, commit=True
        )
    except ValidationFailed as exc:
        batch.status = ImportBatch.Status.FAILED
        batch.save(update_fields=["status"])
        return render(
            request,
            "imports/preview.html",
            {
                "spec": spec,
                "filename": batch.filename,
                "fatal": "数据已变化，重新检查发现错误，未写入任何数据",
                "errors": exc.errors,
                "plan": None,
            },
            status=422,
        )
    batch.status = ImportBatch.Status.IMPORTED
    batch.imported_at = timezone.now()
    batch.counts = plan.counts
    batch.save(update_fields=["status", "imported_at", "counts"])
    Path(batch.stored_path).unlink(missing_ok=True)
    c = plan.counts
    messages.success(
        request, f"导入成功：新增{c['new']}行，更新{c['changed']}行，未变{c['unchanged']}行"
    )
    return redirect("imports:index")

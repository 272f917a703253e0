"""The one import page for every kind an app declares (`kechuang.core.imports`):
upload → preview → confirm. Each view parses → calls the service → renders; a big
confirm runs as a background job."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import imports
from kechuang.core import selectors as core_selectors
from kechuang.core.errors import Conflict, NotFound, ValidationFailed
from kechuang.core.import_display import preview_rows
from kechuang.core.imports import ImportKind
from kechuang.core.tabular import write_template
from kechuang.core.web import require, xlsx_response

NOBODY = (False, "只有科技局和园区/乡镇用户可以批量导入")


def _kind(request: HttpRequest, key: str) -> ImportKind:
    """The kind `key`, when the user may import it (404 / 403 otherwise)."""
    found = imports.kinds().get(key)
    if found is None:
        raise NotFound("未知的导入类型")
    require(found.permission(request.user))
    return found


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    kinds = imports.kinds_for(request.user)
    if not kinds:
        require(NOBODY)
    titles = {k.key: k.title for k in imports.kinds().values()}
    recent = core_selectors.import_batches_of(request.user)
    return render(
        request,
        "imports/index.html",
        {"kinds": kinds, "recent": [(b, titles.get(b.kind, b.kind)) for b in recent]},
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(request, kind)
    return xlsx_response(
        lambda out: write_template(
            out,
            spec.columns,
            sheet=spec.title,
            lists=spec.template_lists() if spec.template_lists else None,
            note=f"科创云 · {spec.title}导入模板\n{spec.note}\n第1行为表头（中文或英文键均可），"
            "第2行为填写说明（以【开头的行不会导入），从第3行起填写数据。",
        ),
        f"{spec.title}导入模板.xlsx",
    )


@login_required
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(request, kind)
    if request.method != "POST":
        return redirect("imports:index")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect("imports:index")
    max_mb = settings.SHEET_LIMITS.max_mb
    if upload.size and upload.size > max_mb * 1024 * 1024:
        messages.error(request, f"文件超过{max_mb}MB，请分批导入")
        return redirect("imports:index")
    data, filename = upload.read(), upload.name or "upload"
    try:
        if imports.import_is_big(data=data, filename=filename):
            # checked by the background worker; its page links to the preview
            job = imports.import_preview_start(
                actor=request.user, kind=spec.key, data=data, filename=filename
            )
            return redirect("jobs:detail", pk=job.pk)
        plan, batch = imports.import_preview(
            actor=request.user, kind=spec.key, data=data, filename=filename
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
    return render(
        request,
        "imports/preview.html",
        {
            "spec": spec,
            "filename": upload.name,
            "plan": plan,
            "batch": batch,
            "changed": preview_rows(spec, [r for r in plan.rows if r.status != "unchanged"][:300]),
            "errors": plan.errors[: imports.ERRORS_ON_PAGE],
            "more_errors": max(0, len(plan.errors) - imports.ERRORS_ON_PAGE),
            "big": imports.import_confirm_is_big(batch),
        },
        status=200 if plan.ok else 422,
    )


@login_required
def import_preview_page(request: HttpRequest, token: str) -> HttpResponse:
    """The preview of an upload checked by the background worker (a big sheet)."""
    batch, shown = imports.import_preview_shown(actor=request.user, token=token)
    spec = _kind(request, batch.kind)
    ok = not shown["errors"]
    if batch.status == batch.Status.IMPORTED:
        messages.info(request, f"“{batch.filename}”已导入")
        return redirect("imports:index")
    return render(
        request,
        "imports/preview.html",
        {
            "spec": spec,
            "filename": batch.filename,
            "plan": {"counts": shown["counts"], "warnings": shown["warnings"]},
            "batch": batch,
            "changed": shown["changed"],
            "errors": shown["errors"],
            "more_errors": shown["more_errors"],
            "big": imports.import_confirm_is_big(batch),
        },
        status=200 if ok else 422,
    )


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    """A previewed upload's rows with an added 错误 column."""
    name, write = imports.import_error_workbook(actor=request.user, token=token)
    return xlsx_response(write, name)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    batch = core_selectors.import_batch_get(actor=request.user, token=token)
    spec = _kind(request, batch.kind)
    try:
        if imports.import_confirm_is_big(batch):
            job = imports.import_confirm_start(actor=request.user, token=token)
            return redirect("jobs:detail", pk=job.pk)
        plan, _batch = imports.import_confirm(actor=request.user, token=token)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    except ValidationFailed as exc:
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
    c = plan.counts
    messages.success(
        request, f"导入成功：新增{c['new']}行，更新{c['changed']}行，未变{c['unchanged']}行"
    )
    return redirect("imports:index")

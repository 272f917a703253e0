"""Import and export kinds: one frame for every sheet a user uploads or downloads.

Each app declares its kinds in its contributions (`IMPORTS`); the one `/imports/` page
and the one `kechuang import|export|template KIND` command read them here. A kind
checks and (with `commit`) writes a whole sheet in one transaction, and answers with an
`ImportPlan`: the rows it would write (new / changed / unchanged, with their changes)
and every error, naming row and column. Its export writes the same columns, so that an
export edited in Excel imports back."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kechuang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.jobs import Reporter, job_body, job_start
from kechuang.core.models import ImportBatch, Job
from kechuang.core.selectors import import_batch_get
from kechuang.core.tabular import Column, count_rows, read_table, write_error_workbook

# a preview page lists this many errors; all of them are in the error workbook
ERRORS_ON_PAGE = 50


@dataclass
class RowResult:
    row: int
    status: str  # new | changed | unchanged
    key: str
    name: str = ""
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # FieldError
    warnings: list[str] = field(default_factory=list)
    imported: bool = False
    total: int | None = None  # data rows read from the sheet (valid or not)

    @property
    def counts(self) -> dict[str, int]:
        out = {
            "new": 0,
            "changed": 0,
            "unchanged": 0,
            "errors": len(self.errors),
            "rows": len(self.rows) if self.total is None else self.total,
        }
        for r in self.rows:
            out[r.status] += 1
        return out

    @property
    def ok(self) -> bool:
        return not self.errors

    def finish(self, *, total: int, parse_errors: Iterable[Any] = ()) -> None:
        """Settle the plan of a whole sheet of `total` data rows: the cell errors first,
        then the checks' errors of the same rows (each row's every error; a check of a
        cell that failed to parse is not repeated), in row order; a row with an error is
        neither new, changed nor unchanged."""
        cells = list(parse_errors)
        failed_cells = {(e.row, e.field) for e in cells}
        checks = [e for e in self.errors if (e.row, e.field) not in failed_cells]
        self.errors = sorted([*cells, *checks], key=lambda e: e.row or 0)
        failed = {e.row for e in self.errors}
        self.rows = [r for r in self.rows if r.row not in failed]
        self.total = total

    def errors_by_row(self) -> dict[int, list[str]]:
        """Each row's errors as `列名: 原因` (the error workbook's 错误 column)."""
        out: dict[int, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.row or 0, []).append(
                f"{e.label}: {e.message}" if e.label else e.message
            )
        return out


Runner = Callable[..., ImportPlan]  # (*, actor, data, filename, commit) -> ImportPlan
Exporter = Callable[..., tuple[list[str], Iterable[list[Any]]]]  # (*, actor, region, year)


def _anyone(actor: Any) -> tuple[bool, str]:
    return True, ""


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: str
    columns: list[Column]
    run: Runner
    permission: Callable[[Any], tuple[bool, str]] = _anyone
    note: str = ""
    aliases: tuple[str, ...] = ()
    template_lists: Callable[[], dict[str, list[str]]] | None = None
    export: Exporter | None = None
    order: int = 100


def kinds() -> dict[str, ImportKind]:
    """Every declared kind, by key, in order."""
    from kechuang.core.registry import collect

    found = sorted(collect("IMPORTS"), key=lambda k: (k.order, k.key))
    return {k.key: k for k in found}


def get_kind(key: str) -> ImportKind:
    found = kinds()
    for kind in found.values():
        if key == kind.key or key in kind.aliases:
            return kind
    raise ValidationFailed([], f"未知的导入类型“{key}”，可选：{'、'.join(found)}")


def kinds_for(actor: Any) -> list[ImportKind]:
    """The kinds `actor` may import."""
    return [k for k in kinds().values() if k.permission(actor)[0]]


def import_run(*, actor: Any, kind: str, data: bytes, filename: str, commit: bool) -> ImportPlan:
    """Check (and with `commit`, write) a sheet of `kind` as `actor`."""
    spec = get_kind(kind)
    allowed, reason = spec.permission(actor)
    if not allowed:
        raise PermissionDenied(reason)
    return spec.run(actor=actor, data=data, filename=filename, commit=commit)


def export_rows(
    *, actor: Any, kind: str, region: str = "", year: int | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    """Headers and rows of `kind` in its import layout, as `actor` may see them."""
    spec = get_kind(kind)
    if spec.export is None:
        raise ValidationFailed([], f"“{spec.title}”没有导出")
    allowed, reason = spec.permission(actor)
    if not allowed:
        raise PermissionDenied(reason)
    return spec.export(actor=actor, region=region, year=year)


# -- upload → preview → confirm ----------------------------------------------------------------


def import_preview(
    *, actor: Any, kind: str, data: bytes, filename: str
) -> tuple[ImportPlan, ImportBatch]:
    """Check an upload (nothing written) and keep it under var/uploads for the confirm
    step. ValidationFailed when the file cannot be read at all."""
    spec = get_kind(kind)
    plan = import_run(actor=actor, kind=spec.key, data=data, filename=filename, commit=False)
    token, stored = _new_upload(filename)
    stored.write_bytes(data)
    return plan, _keep_preview(
        actor=actor, spec=spec, token=token, stored=stored, plan=plan, filename=filename
    )


def _new_upload(filename: str) -> tuple[str, Path]:
    """A fresh token and where its upload is kept (old uploads purged on the way)."""
    token = secrets.token_urlsafe(16)
    settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    purge_stale_uploads()
    suffix = Path(filename).suffix.lower()[:6] or ".bin"
    return token, settings.UPLOAD_DIR / f"{token}{suffix}"


def _keep_preview(
    *, actor: Any, spec: ImportKind, token: str, stored: Path, plan: ImportPlan, filename: str
) -> ImportBatch:
    """The batch of a checked upload, and beside the upload what its confirm compares
    (a digest per row)."""
    _seen_path(stored).write_text(json.dumps(_row_digests(plan)), encoding="utf-8")
    return ImportBatch.objects.create(
        token=token,
        kind=spec.key,
        filename=filename[:200],
        stored_path=str(stored),
        actor=actor,
        status=ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED,
        counts=plan.counts,
    )


# -- big sheets: the preview and the confirm run in the background worker ---------------------


def job_rows() -> int:
    """Above this many rows a sheet is checked and written by the background worker,
    never in a web request (settings.IMPORT_JOB_ROWS)."""
    return int(getattr(settings, "IMPORT_JOB_ROWS", 5000))


def import_is_big(*, data: bytes, filename: str) -> bool:
    """Whether an upload is checked as a background job. Only the cheap checks run
    here (size, zip directory, a streaming count of the rows); ValidationFailed when
    they refuse the file."""
    return count_rows(data, filename) > job_rows()


def import_preview_start(*, actor: Any, kind: str, data: bytes, filename: str) -> Job:
    """Keep a big upload and queue its check: the job writes the batch and the preview
    (`import_preview_shown`), and links to it."""
    spec = get_kind(kind)
    allowed, reason = spec.permission(actor)
    if not allowed:
        raise PermissionDenied(reason)
    rows = max(0, count_rows(data, filename) - 1)  # the header row
    token, stored = _new_upload(filename)
    stored.write_bytes(data)
    return job_start(
        actor=actor,
        kind=f"检查{spec.title}（{filename[:80]}，约{rows}行）",
        task=import_preview_job,
        kind_key=spec.key,
        token=token,
        filename=filename[:200],
        stored=stored.name,
    )


def _shown_path(stored: Path) -> Path:
    return stored.with_name(f"{stored.name}.shown.json")


def _errors_path(stored: Path) -> Path:
    return stored.with_name(f"{stored.name}.errors.xlsx")


# the preview page lists at most this many rows to be written
ROWS_ON_PAGE = 300


@job_body
def import_preview_job(
    *, actor: Any, report: Reporter, kind_key: str, token: str, filename: str, stored: str
) -> dict[str, Any]:
    """The job body of `import_preview_start`: the preview a small upload gets in the
    request, kept beside the upload for the preview page, with its error workbook."""
    from kechuang.core.import_display import preview_rows

    spec = get_kind(kind_key)
    path = Path(settings.UPLOAD_DIR) / Path(stored).name
    report(0, 3, "读取并检查表格……")
    try:
        data = path.read_bytes()
        plan = import_run(actor=actor, kind=spec.key, data=data, filename=filename, commit=False)
    except BaseException:
        path.unlink(missing_ok=True)  # unreadable: nothing to confirm
        raise
    report(1, 3, "保存预览……")
    shown = {
        "counts": plan.counts,
        "warnings": list(plan.warnings),
        "errors": [str(e) for e in plan.errors[:ERRORS_ON_PAGE]],
        "more_errors": max(0, len(plan.errors) - ERRORS_ON_PAGE),
        "changed": preview_rows(
            spec, [r for r in plan.rows if r.status != "unchanged"][:ROWS_ON_PAGE]
        ),
    }
    _shown_path(path).write_text(json.dumps(shown, ensure_ascii=False, default=str), "utf-8")
    if plan.errors:
        report(2, 3, "生成错误清单……")
        table = read_table(data, filename)
        with _errors_path(path).open("wb") as out:
            write_error_workbook(out, table, plan.errors_by_row(), sheet=spec.title)
    _keep_preview(actor=actor, spec=spec, token=token, stored=path, plan=plan, filename=filename)
    c = plan.counts
    summary = (
        f"检查完毕：新增{c['new']}行，修改{c['changed']}行，未变{c['unchanged']}行"
        if plan.ok
        else f"检查完毕：有{c['errors']}处错误，未写入任何数据"
    )
    return {
        "summary": summary,
        "url": reverse("imports:preview", args=[token]),
        "url_label": "查看预览并确认导入" if plan.ok else "查看错误",
    }


def import_preview_shown(*, actor: Any, token: str) -> tuple[ImportBatch, dict[str, Any]]:
    """A batch checked in the background and what its preview shows (counts, warnings,
    the first errors as text, the first rows to be written)."""
    batch = import_batch_get(actor=actor, token=token)
    shown = _shown_path(Path(batch.stored_path))
    if not shown.is_file():
        raise NotFound("预览已不在服务器上，请重新上传")
    return batch, json.loads(shown.read_text(encoding="utf-8"))


def import_confirm(*, actor: Any, token: str) -> tuple[ImportPlan, ImportBatch]:
    """Write a previewed upload: re-read and re-checked inside the writing transaction.
    The batch row is locked first, so a double-clicked confirm (or two queued jobs)
    writes once; the second is told. Conflict when it was imported or failed already;
    ValidationFailed (and the batch marked failed) when the data changed meanwhile."""
    import_batch_get(actor=actor, token=token)  # 404 outside the actor's own batches
    failure: ValidationFailed | Conflict | None = None
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(token=token, actor=actor)
        if batch.status != ImportBatch.Status.PREVIEWED:
            raise Conflict("该文件已导入或有错误，请重新上传")
        stored = Path(batch.stored_path)
        if not stored.is_file():
            raise NotFound("上传的文件已不在服务器上，请重新上传")
        try:
            with transaction.atomic():
                plan = import_run(
                    actor=actor,
                    kind=batch.kind,
                    data=stored.read_bytes(),
                    filename=batch.filename,
                    commit=True,
                )
                # still under the import's locks: undone unless it is what was previewed
                _check_as_previewed(stored, plan)
        except (ValidationFailed, Conflict) as exc:  # a stale preview, a firm added meanwhile
            failure = exc
            batch.status = ImportBatch.Status.FAILED
            batch.save(update_fields=["status"])
        else:
            batch.status = ImportBatch.Status.IMPORTED
            batch.imported_at = timezone.now()
            batch.counts = plan.counts
            batch.save(update_fields=["status", "imported_at", "counts"])
    for path in (stored, _seen_path(stored), _shown_path(stored), _errors_path(stored)):
        path.unlink(missing_ok=True)  # imported, or refused (the user uploads again)
    if failure is not None:
        raise failure
    return plan, batch


class StalePreview(Conflict):
    """Rows whose changes at the confirm are not those the preview showed: another
    user changed (or added) those records in between. Nothing is written."""


def _seen_path(stored: Path) -> Path:
    return stored.with_name(f"{stored.name}.preview.json")


def _row_digests(plan: ImportPlan) -> dict[str, str]:
    """Row number → a digest of what the preview says the row does (new or changed,
    and each change's before and after). Unchanged rows are left out."""
    out: dict[str, str] = {}
    for r in plan.rows:
        if r.status == "unchanged":
            continue
        text = json.dumps([r.status, r.changes], sort_keys=True, default=str, ensure_ascii=False)
        out[str(r.row)] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def _check_as_previewed(stored: Path, plan: ImportPlan) -> None:
    """StalePreview when a row would write over something other than what its preview
    showed (the confirm re-reads everything under the import's locks)."""
    seen_file = _seen_path(stored)
    if not seen_file.is_file():
        return  # a batch previewed before previews were kept: the locks alone
    seen: dict[str, str] = json.loads(seen_file.read_text(encoding="utf-8"))
    now = _row_digests(plan)
    keys = {r.row: r.key for r in plan.rows}
    moved = sorted(int(row) for row in set(seen) | set(now) if seen.get(row) != now.get(row))
    if not moved:
        return
    shown = "、".join(f"第{row}行（{keys.get(row, '')}）" for row in moved[:10])
    more = f"等{len(moved)}行" if len(moved) > 10 else ""
    raise StalePreview(
        f"预览之后，其他用户修改或新增了本表涉及的记录：{shown}{more}。本次未写入任何数据，"
        "以免覆盖他人的修改；请重新上传，按最新数据预览后再确认"
    )


def purge_stale_uploads(*, now: float | None = None) -> int:
    """Remove kept uploads older than settings.UPLOAD_KEEP_HOURS (previews never
    confirmed, failed checks whose error workbook is no longer wanted); their batches say
    "please upload again" (`import_confirm`, `import_error_workbook`). The number removed."""
    keep = int(getattr(settings, "UPLOAD_KEEP_HOURS", 24)) * 3600
    cutoff = (time.time() if now is None else now) - keep
    removed = 0
    folder = Path(settings.UPLOAD_DIR)
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker removed it first
            continue
    return removed


def import_error_workbook(*, actor: Any, token: str) -> tuple[str, Callable[[Any], None]]:
    """The file name and writer of a previewed upload's error workbook: its rows as
    uploaded with an added 错误 column. The upload is checked again (nothing written)."""
    batch = import_batch_get(actor=actor, token=token)
    stored = Path(batch.stored_path)
    spec = get_kind(batch.kind)
    name = f"{Path(batch.filename).stem}-错误清单.xlsx"
    kept = _errors_path(stored)
    if kept.is_file():  # written by the background check: a big sheet is not read again here
        made = kept.read_bytes()
        return name, lambda out: out.write(made)
    if not stored.exists() or import_confirm_is_big(batch):
        raise NotFound("上传的文件已不在服务器上，请重新上传")
    data = stored.read_bytes()
    plan = import_run(actor=actor, kind=spec.key, data=data, filename=batch.filename, commit=False)
    table = read_table(data, batch.filename)

    def write(out: Any) -> None:
        write_error_workbook(out, table, plan.errors_by_row(), sheet=spec.title)

    return name, write


def import_confirm_is_big(batch: ImportBatch) -> bool:
    """Whether a confirm runs as a background job (more rows than the web request
    should wait for: settings.IMPORT_JOB_ROWS)."""
    rows = int((batch.counts or {}).get("rows", 0))
    return rows > job_rows()


def import_confirm_start(*, actor: Any, token: str) -> Job:
    """Queue the confirm of a big previewed upload as a background job."""
    batch = import_batch_get(actor=actor, token=token)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise Conflict("该文件已导入或有错误，请重新上传")
    spec = get_kind(batch.kind)
    return job_start(
        actor=actor,
        kind=f"导入{spec.title}（{batch.filename}，{batch.counts.get('rows', 0)}行）",
        task=import_confirm_job,
        token=token,
    )


@job_body
def import_confirm_job(*, actor: Any, report: Reporter, token: str) -> dict[str, Any]:
    """The job body of `import_confirm_start`."""
    report(0, 1, "重新检查并写入……")
    plan, _batch = import_confirm(actor=actor, token=token)
    c = plan.counts
    report(1, 1, "已写入")
    return {
        "summary": f"导入成功：新增{c['new']}行，更新{c['changed']}行，未变{c['unchanged']}行",
        "url": "/imports/",
        "url_label": "返回数据导入",
    }

"""Assessment through the rules engine: for records given by users (API, uploads,
what-if forms) and for the registry's own enterprises (panel, snapshots)."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from kechuang.accounts.scoping import is_bureau
from kechuang.assessments.selectors import REGISTRY_JOB_KIND
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.core.jobs import Actor, JobFile, Reporter, job_body, job_start
from kechuang.core.models import Job
from kechuang.enterprises.assessment import (
    engine_results,
    input_failed,
    registry_records,
    registry_scope,
    registry_snapshot,
    rulesets_for,
)
from kechuang.enterprises.models import Enterprise
from kechuang.rules import evaluate, explain, inputs, outputs
from kechuang.rules.rulesets import RULESETS

MAX_API_ROWS = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assess_records(
    records: Sequence[Mapping[str, Any]], *, rules: str | None = None, as_of: dt.date
) -> dict[str, Any]:
    """The assess.md output document for records in the assess.md input keys (or
    Chinese headers). Invalid input raises ValidationFailed listing every error."""
    if not records:
        raise ValidationFailed([FieldError("input", "", "没有要评价的企业")])
    if len(records) > MAX_API_ROWS:
        raise ValidationFailed(
            [FieldError("input", "", f"一次最多评价{MAX_API_ROWS}家企业，本次{len(records)}家")]
        )
    chosen = rulesets_for(rules, as_of)
    try:
        parsed = inputs.from_records(list(records), as_of=as_of)
    except inputs.InputError as exc:
        raise input_failed(exc.errors) from None
    evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
    results = list(explain.records(evaluated, chosen))
    doc = explain.document(as_of, chosen, results)
    if parsed.warnings:
        doc["warnings"] = parsed.warnings
    return doc


def enterprise_assessment(
    *,
    enterprise: Enterprise,
    as_of: dt.date,
    rules: str | None = "all",
    overrides: Mapping[str, Any] | None = None,
    base: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(input record, output document) for one registered enterprise; `overrides`
    are what-if values that replace the registry's for this run only (nothing saved);
    `base` is the enterprise's record as a call on the same `as_of` returned it, when
    the caller has it already. The caller has already scoped `enterprise` to the actor."""
    record = dict(base) if base is not None else registry_records([enterprise], as_of)[0]
    if overrides:
        record.update({k: v for k, v in overrides.items() if k not in ("uscc", "name")})
    # Read from the cache when these very inputs were assessed before by these rules.
    chosen = rulesets_for(rules, as_of)
    try:
        [(results, _fix)], warnings = engine_results([record], chosen, as_of)
    except inputs.InputError as exc:
        raise input_failed(exc.errors) from None
    doc = explain.document(as_of, chosen, results)
    if warnings:
        doc["warnings"] = warnings
    return record, doc


def _nothing(done: int, total: int, message: str = "") -> None:
    return None


def assess_upload(
    *,
    data: bytes,
    filename: str,
    rules: str | None,
    as_of: dt.date,
    report: Reporter = _nothing,
) -> bytes:
    """The result workbook for an uploaded table of enterprises (any format the rules
    engine reads). Unreadable or invalid input raises ValidationFailed listing every
    error; nothing is stored."""
    chosen = rulesets_for(rules, as_of)
    with tempfile.TemporaryDirectory() as tmp:
        src = _kept_as(Path(tmp), data, filename)
        try:
            # the instance's limits: checked before anything is built, parsed in a child
            limits = replace(settings.SHEET_LIMITS, max_rows=settings.ASSESS_UPLOAD_MAX_ROWS)
            report(0, 3, "读取并检查文件……")
            parsed = inputs.load(src, as_of=as_of, limits=limits)
        except inputs.InputError as exc:
            raise input_failed(exc.errors) from None
        report(1, 3, f"按规则评价 {parsed.facts.height} 家企业……")
        evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
        report(2, 3, "生成结果表格……")
        out = Path(tmp) / "result.xlsx"
        outputs.write_xlsx(
            explain.records(evaluated, chosen), chosen, out, chinese=True, as_of=as_of
        )
        return out.read_bytes()


def _kept_as(folder: Path, data: bytes, filename: str) -> Path:
    """The upload written under `folder` by its own name (messages quote it)."""
    suffix = Path(filename).suffix.lower() or ".xlsx"
    stem = Path(Path(filename).name).stem.strip(". ") or "input"
    src = folder / f"{stem}{suffix}"
    src.write_bytes(data)
    return src


def assess_upload_rows(*, data: bytes, filename: str) -> int:
    """About how many enterprises an upload holds, by the cheap checks alone (nothing
    parsed); ValidationFailed when they refuse the file."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return inputs.count_rows(_kept_as(Path(tmp), data, filename), settings.SHEET_LIMITS)
        except inputs.InputError as exc:
            raise input_failed(exc.errors) from None


def assess_upload_is_big(*, data: bytes, filename: str) -> bool:
    """Whether an upload is assessed by the background worker (settings.ASSESS_JOB_ROWS)."""
    return assess_upload_rows(data=data, filename=filename) > settings.ASSESS_JOB_ROWS


def assess_upload_start(
    *, actor: Actor, data: bytes, filename: str, rules: str | None, as_of: dt.date
) -> Job:
    """Keep a big upload and queue its assessment; the job gives the result workbook."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    rulesets_for(rules, as_of)  # an unknown rule set is refused now, not in the worker
    rows = assess_upload_rows(data=data, filename=filename)
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"assess-{secrets.token_urlsafe(16)}{Path(filename).suffix.lower()[:8]}"
    stored.write_bytes(data)
    return job_start(
        actor=actor,
        kind=f"批量评价（{Path(filename).name[:80]}，约{rows}家企业）",
        task=assess_upload_job,
        stored=stored.name,
        filename=Path(filename).name[:200],
        rules=rules,
        as_of=as_of.isoformat(),
    )


@job_body
def assess_upload_job(
    *, actor: Any, report: Reporter, stored: str, filename: str, rules: str | None, as_of: str
) -> JobFile:
    """The job body of `assess_upload_start`: the workbook the page gives small uploads."""
    path = Path(settings.UPLOAD_DIR) / Path(stored).name
    try:
        if not path.is_file():
            raise ValidationFailed([], "上传的文件已不在服务器上，请重新上传")
        day = dt.date.fromisoformat(as_of)
        data = assess_upload(
            data=path.read_bytes(), filename=filename, rules=rules, as_of=day, report=report
        )
    except ValidationFailed as exc:  # the job page says what the upload page says
        raise ValidationFailed(exc.errors, f"输入有{len(exc.errors)}处错误，未评价") from None
    finally:
        path.unlink(missing_ok=True)
    return JobFile(
        filename=f"评价结果-{as_of}.xlsx",
        content_type=XLSX,
        data=data,
        summary={"summary": f"已评价“{filename}”，结果表格可下载"},
    )


def registry_assessment_start(*, actor: Actor, as_of: dt.date) -> Job:
    """Queue the whole-registry assessment on `as_of` as a background job (bureau
    staff only); the job page shows its progress and links to the stored run."""
    if not is_bureau(actor):
        raise PermissionDenied("只有科技局可以发起全库评价")
    return job_start(
        actor=actor,
        kind=f"{REGISTRY_JOB_KIND}（评价日期 {as_of.isoformat()}）",
        task=registry_assessment_job,
        as_of=as_of.isoformat(),
    )


@job_body
def registry_assessment_job(*, actor: Any, report: Reporter, as_of: str) -> dict[str, Any]:
    """The job body: assess every enterprise the actor may see, as on the page."""
    run = registry_snapshot(
        actor=actor,
        as_of=dt.date.fromisoformat(as_of),
        enterprises=registry_scope(actor),
        progress=report,
    )
    return {
        "run": run.pk,
        "enterprises": run.enterprises,
        "as_of": run.as_of.isoformat(),
        "counts": run.counts,
        "summary": f"已评价 {run.enterprises} 家企业（评价日期 {run.as_of}），用时 {run.seconds:.1f} 秒",
        "url": reverse("assessments:runs") + f"#run-{run.pk}",
        "url_label": "查看全库评价记录",
    }


KNOWN_RULESETS = tuple(RULESETS)

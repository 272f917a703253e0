"""Assessment through the rules engine: for records given by users (API, uploads,
what-if forms) and for the registry's own enterprises (panel, snapshots)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from kechuang.accounts.scoping import is_bureau
from kechuang.assessments.models import AssessmentRun, AssessmentSnapshot
from kechuang.assessments.registry import registry_records
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.enterprises.models import Enterprise
from kechuang.rules import evaluate, explain, inputs, outputs
from kechuang.rules.model import RuleSet
from kechuang.rules.rulesets import RULESETS, UnknownRuleSet, select

MAX_API_ROWS = 10_000
SNAPSHOT_RULES = "all"


def rulesets_for(spec: str | None, as_of: dt.date) -> list[RuleSet]:
    try:
        return select(spec, as_of)
    except UnknownRuleSet as exc:
        raise ValidationFailed([FieldError("rules", "规则集", str(exc))]) from None


def _input_failed(lines: Sequence[str]) -> ValidationFailed:
    return ValidationFailed([FieldError("input", "", line) for line in lines])


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
        raise _input_failed(exc.errors) from None
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
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(input record, output document) for one registered enterprise; `overrides`
    are what-if values that replace the registry's for this run only (nothing saved).
    The caller has already scoped `enterprise` to the actor."""
    record = registry_records([enterprise], as_of)[0]
    if overrides:
        record.update({k: v for k, v in overrides.items() if k not in ("uscc", "name")})
    return record, assess_records([record], rules=rules, as_of=as_of)


def assess_upload(*, data: bytes, filename: str, rules: str | None, as_of: dt.date) -> bytes:
    """The result workbook for an uploaded table of enterprises (any format the rules
    engine reads). Unreadable or invalid input raises ValidationFailed listing every
    error; nothing is stored."""
    chosen = rulesets_for(rules, as_of)
    suffix = Path(filename).suffix.lower() or ".xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        # The upload's own name (messages quote it), kept inside the temporary directory.
        stem = Path(Path(filename).name).stem.strip(". ") or "input"
        src = Path(tmp) / f"{stem}{suffix}"
        src.write_bytes(data)
        try:
            parsed = inputs.load(src, as_of=as_of)
        except inputs.InputError as exc:
            raise _input_failed(exc.errors) from None
        evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
        out = Path(tmp) / "result.xlsx"
        outputs.write_xlsx(explain.records(evaluated, chosen), chosen, out)
        return out.read_bytes()


def _hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def ruleset_version(rs: RuleSet, as_of: dt.date) -> str:
    """Rule-set id + the date its parameters in force on `as_of` took effect."""
    dates = [d for d in rs.parameters.change_dates() if d <= as_of]
    return f"{rs.id}@{max(dates).isoformat() if dates else rs.effective_from.isoformat()}"


def registry_snapshot(
    *, actor: Any, as_of: dt.date, enterprises: Any, rules: str = SNAPSHOT_RULES
) -> AssessmentRun:
    """Assess every given enterprise and store dated snapshots (bureau staff only)."""
    if not is_bureau(actor):
        raise PermissionDenied("只有市科技局可以发起全库评价")
    started = time.perf_counter()
    chosen = rulesets_for(rules, as_of)
    firms = list(enterprises)
    records = registry_records(firms, as_of)
    by_uscc = {e.uscc: e for e in firms}
    snapshots: list[AssessmentSnapshot] = []
    counts: Counter[str] = Counter()
    if records:
        try:
            parsed = inputs.from_records(records, as_of=as_of)
        except inputs.InputError as exc:
            raise _input_failed(exc.errors) from None
        evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
        record_by_uscc = {r["uscc"]: r for r in records}
        versions = {rs.id: ruleset_version(rs, as_of) for rs in chosen}
        for result in explain.records(evaluated, chosen):
            record = record_by_uscc[result["uscc"]]
            score = result.get("score") or {}
            counts[f"{result['ruleset']}:{result['verdict']}"] += 1
            snapshots.append(
                AssessmentSnapshot(
                    enterprise=by_uscc[result["uscc"]],
                    ruleset=result["ruleset"],
                    ruleset_version=versions[result["ruleset"]],
                    as_of=as_of,
                    inputs_hash=_hash(record),
                    inputs=record,
                    result=result,
                    verdict=result["verdict"],
                    score_lo=score.get("lo"),
                    score_hi=score.get("hi"),
                )
            )
    with transaction.atomic():
        run = AssessmentRun.objects.create(
            as_of=as_of,
            rulesets=",".join(rs.id for rs in chosen),
            created_by=actor,
            enterprises=len(firms),
            counts=dict(counts),
        )
        for s in snapshots:
            s.run = run
        AssessmentSnapshot.objects.bulk_create(snapshots, batch_size=500)
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["seconds"])
    return run


KNOWN_RULESETS = tuple(RULESETS)

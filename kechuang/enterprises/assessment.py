"""The registry assessed by the rules (C2), shared by every capability: the registry's
records read into the assessment input of ../shared/spec/assess.md, and dated,
reproducible snapshots of the results (`registry_snapshot`).

For an assessment on `as_of` (application year A) the fiscal years are y1 = A−3,
y2 = A−2, y3 = A−1. Amounts are written in 万元 (exact: yuan ÷ 10000 has at most six
decimals). What the registry does not hold stays blank = unknown, never zero.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import pickle
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

import kechuang.rules as rules_package
from kechuang.accounts.scoping import is_bureau
from kechuang.core.cache import set_many_in_bulk
from kechuang.core.errors import FieldError, PermissionDenied, ValidationFailed
from kechuang.core.jobs import Reporter
from kechuang.core.money import yuan_to_wan
from kechuang.enterprises.models import (
    AssessmentRun,
    AssessmentSnapshot,
    Certificate,
    Enterprise,
    IPItem,
    YearlyFacts,
)
from kechuang.rules import evaluate, explain, inputs
from kechuang.rules.model import RuleSet
from kechuang.rules.rulesets import UnknownRuleSet, select

YEAR_KEYS = ("y1", "y2", "y3")


def _wan(value: Decimal | None) -> str | None:
    return None if value is None else format(yuan_to_wan(value), "f")


def fiscal_years(as_of: dt.date) -> dict[str, int]:
    a = as_of.year
    return {"y1": a - 3, "y2": a - 2, "y3": a - 1}


# What `_record` reads of a year's facts.
RECORD_FACT_FIELDS = (
    "enterprise_id",
    "fiscal_year",
    "employees",
    "tech_staff",
    "revenue_yuan",
    "rd_expense_yuan",
    "net_assets_yuan",
    "rd_domestic_yuan",
    "conversions",
    "total_income_yuan",
    "non_taxable_income_yuan",
    "hightech_income_yuan",
    "total_assets_yuan",
    "total_cost_yuan",
)


def registry_records(
    enterprises: QuerySet[Enterprise] | Iterable[Enterprise],
    as_of: dt.date,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """One assessment input record per enterprise (keys of assess.md); `progress` is
    told how many enterprises have been read after each chunk."""
    firms = list(enterprises)
    ids = [e.pk for e in firms]
    years = fiscal_years(as_of)
    facts: dict[int, dict[int, Any]] = defaultdict(dict)
    ip: dict[int, list[Any]] = defaultdict(list)
    hnte_ever: set[int] = set()
    hnte_valid: set[int] = set()
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        # rows, not model instances: a pool's worth of firms is thousands of rows
        for f in YearlyFacts.objects.filter(
            enterprise_id__in=chunk, fiscal_year__in=years.values()
        ).values(*RECORD_FACT_FIELDS):
            facts[f["enterprise_id"]][f["fiscal_year"]] = SimpleNamespace(**f)
        for item in IPItem.objects.filter(
            enterprise_id__in=chunk, is_valid=True, granted_on__lte=as_of
        ).values("enterprise_id", "ip_class", "acquisition"):
            ip[item["enterprise_id"]].append(SimpleNamespace(**item))
        hnte = Certificate.objects.filter(enterprise_id__in=chunk, kind=Certificate.Kind.HNTE)
        hnte_ever.update(hnte.filter(issued_on__lte=as_of).values_list("enterprise_id", flat=True))
        hnte_valid.update(hnte.valid_on(as_of).values_list("enterprise_id", flat=True))
        if progress is not None:
            progress(i + len(chunk))
    records = [
        _record(
            e,
            facts.get(e.pk, {}),
            ip.get(e.pk, []),
            years,
            as_of,
            e.pk in hnte_ever,
            e.pk in hnte_valid,
        )
        for e in firms
    ]
    _fill_from_attributes(records, ids, as_of)
    return records


def _fill_from_attributes(records: list[dict[str, Any]], ids: list[int], as_of: dt.date) -> None:
    """Input fields the registry leaves blank that an app declares as an enterprise
    attribute of the same key (`ATTRIBUTES`: e.g. `provincial_rd_institution` from the
    R&D institutions), read on `as_of`; an enterprise the app does not know stays blank."""
    from kechuang.core.registry import attribute, attribute_values_on
    from kechuang.rules.fields import FIELDS

    for f in FIELDS:
        if attribute(f.key) is None:
            continue
        values = attribute_values_on(f.key, ids, as_of)
        for pk, rec in zip(ids, records, strict=True):
            value = values.get(pk)
            if value is None or rec.get(f.key) is not None:
                continue
            rec[f.key] = ("true" if value else "false") if isinstance(value, bool) else str(value)


def _present_years(by_year: dict[int, Any], years: dict[str, int]) -> list[str]:
    """The fiscal years with revenue, contiguous and ending at y3 (assess.md)."""
    present: list[str] = []
    for key in reversed(YEAR_KEYS):
        f = by_year.get(years[key])
        if f is None or f.revenue_yuan is None:
            break
        present.insert(0, key)
    return present


def _record(
    e: Enterprise,
    by_year: dict[int, Any],
    items: list[Any],
    years: dict[str, int],
    as_of: dt.date,
    ever: bool,
    valid: bool,
) -> dict[str, Any]:
    present = _present_years(by_year, years)
    y3 = by_year.get(years["y3"])
    rec: dict[str, Any] = {
        "uscc": e.uscc,
        "name": e.name,
        "registered_on": e.registered_on.isoformat() if e.registered_on else None,
        "as_of": as_of.isoformat(),
        "employees": None if y3 is None or y3.employees is None else str(y3.employees),
        "tech_staff": None if y3 is None or y3.tech_staff is None else str(y3.tech_staff),
        "tech_domain": e.tech_domain or None,
        "hnte_ever": "true" if ever else "false",
        "hnte_valid": "true" if valid else "false",
    }
    for key in YEAR_KEYS:
        f = by_year.get(years[key]) if key in present else None
        rec[f"revenue_{key}"] = _wan(f.revenue_yuan) if f else None
        rec[f"rd_expense_{key}"] = _wan(f.rd_expense_yuan) if f else None
    # Net assets are year-end figures: contiguous ending at y3, like revenue.
    na_present: list[str] = []
    for key in reversed(YEAR_KEYS):
        f = by_year.get(years[key])
        if f is None or f.net_assets_yuan is None:
            break
        na_present.insert(0, key)
    for key in YEAR_KEYS:
        f = by_year.get(years[key]) if key in na_present else None
        rec[f"net_assets_{key}"] = _wan(f.net_assets_yuan) if f else None
    domestic = [by_year[years[k]].rd_domestic_yuan for k in present]
    rec["rd_domestic_3y"] = (
        _wan(sum(domestic, Decimal(0))) if present and None not in domestic else None
    )
    conversions = [by_year[years[k]].conversions for k in present]
    rec["conversions_3y"] = (
        str(sum(c for c in conversions if c is not None))
        if present and None not in conversions
        else None
    )
    for name in (
        "total_income",
        "non_taxable_income",
        "hightech_income",
        "total_assets",
        "total_cost",
    ):
        rec[name] = _wan(getattr(y3, f"{name}_yuan")) if y3 is not None else None
    # No IP record at all means "not entered", not "none held": unknown, never zero.
    if items:
        rec["ip_class1"] = str(sum(1 for i in items if i.ip_class == "I"))
        rec["ip_class2"] = str(sum(1 for i in items if i.ip_class == "II"))
        rec["ip_self_developed"] = (
            "true" if any(i.acquisition == IPItem.Acquisition.SELF for i in items) else "false"
        )
    return rec


def registry_scope(actor: Any) -> QuerySet[Enterprise]:
    from kechuang.enterprises.selectors import enterprise_queryset

    return enterprise_queryset(actor).filter(~Q(status=Enterprise.Status.CLOSED))


# -- dated snapshots -------------------------------------------------------------------

SNAPSHOT_RULES = "all"


def rulesets_for(spec: str | None, as_of: dt.date) -> list[RuleSet]:
    """The rule sets of `spec` ("all", "hnte-2016,tech-sme-2017"…) in force on `as_of`."""
    try:
        return select(spec, as_of)
    except UnknownRuleSet as exc:
        raise ValidationFailed([FieldError("rules", "规则集", str(exc))]) from None


def input_failed(lines: Sequence[str]) -> ValidationFailed:
    return ValidationFailed([FieldError("input", "", line) for line in lines])


def _hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def ruleset_version(rs: RuleSet, as_of: dt.date) -> str:
    """Rule-set id + the date its parameters in force on `as_of` took effect."""
    dates = [d for d in rs.parameters.change_dates() if d <= as_of]
    return f"{rs.id}@{max(dates).isoformat() if dates else rs.effective_from.isoformat()}"


# -- results cached by their inputs -----------------------------------------------------

# Per record: its results (one per rule set asked for, in that order) and, when asked
# for, the evaluated row's numeric fix columns (`<criterion>|fix|<key>`, with uscc,
# employees and rd_expense_y3) that grading reads.
EngineRow = tuple[list[dict[str, Any]], dict[str, Any] | None]
FIX_BASE_COLUMNS = ("uscc", "employees", "rd_expense_y3")


@functools.cache
def engine_fingerprint() -> str:
    """The rules engine's own source and parameters (every file of `kechuang/rules/`):
    results computed by another version of a rule or a threshold are another key."""
    root = Path(rules_package.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".csv"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def results_key(
    record: Mapping[str, Any], chosen: Sequence[RuleSet], as_of: dt.date, fix_columns: bool
) -> str:
    """The cache key of one record's results: the hash of the input record, the as-of
    date, the version of each rule set in force on it (`ruleset_version`) and the
    engine's fingerprint — everything the results are computed from."""
    payload = {
        "inputs": record,
        "as_of": as_of.isoformat(),
        "rulesets": [ruleset_version(rs, as_of) for rs in chosen],
        "engine": engine_fingerprint(),
        "fix": fix_columns,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return "kc:results:" + hashlib.sha256(text.encode()).hexdigest()


def engine_results(
    records: Sequence[Mapping[str, Any]],
    chosen: Sequence[RuleSet],
    as_of: dt.date,
    *,
    fix_columns: bool = False,
) -> tuple[list[EngineRow], list[str]]:
    """Each record's results (and fix columns), from the cache where the very same
    inputs were assessed before by the same rules; the others in one vectorized run
    (stored for next time). Also the input's warnings (unknown columns), which only a
    run can have. Invalid input raises `inputs.InputError`, as the engine does.

    Nothing here can be stale: a record whose facts changed is another key. A rule set
    is row-wise, so a record's results do not depend on the others assessed with it
    (tests/enterprises/test_results_cache.py checks batch against one by one)."""
    keys = [results_key(r, chosen, as_of, fix_columns) for r in records]
    found: dict[str, EngineRow] = _LOCAL.get_many(keys)
    shared = list({k for k in keys if k not in found})
    if shared:
        from_cache = cache.get_many(shared)
        _LOCAL.set_many(from_cache)
        found.update(from_cache)
    missing = [i for i, k in enumerate(keys) if k not in found]
    warnings: list[str] = []
    if missing:
        parsed = inputs.from_records([records[i] for i in missing], as_of=as_of)
        warnings = list(parsed.warnings)
        evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
        flat = list(explain.records(evaluated, chosen))
        per = len(chosen)
        fixes: list[dict[str, Any] | None] = [None] * len(missing)
        if fix_columns:
            cols = [*FIX_BASE_COLUMNS, *(c for c in evaluated.columns if "|fix|" in c)]
            fixes = list(evaluated.select(cols).to_dicts())
        fresh: dict[str, EngineRow] = {}
        for n, i in enumerate(missing):
            results = flat[n * per : (n + 1) * per]
            assert all(r["uscc"] == results[0]["uscc"] for r in results)
            fresh[keys[i]] = (results, fixes[n])
        found.update(fresh)
        if not warnings:  # a record with unknown keys is never stored (its warnings)
            set_many_in_bulk(fresh)  # (Django's set_many: 3 queries and a savepoint a key)
            _LOCAL.set_many(fresh)
    return [found[k] for k in keys], warnings


class _LocalResults:
    """The latest results this process read or computed, in front of the shared cache:
    an entry keyed by its inputs can never be stale, so no other process needs to tell
    this one anything. Bounded (least recently used out); kept pickled, as the shared
    cache keeps them, so every caller gets its own copy to change."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, EngineRow]:
        with self.lock:
            found = {k: self.entries[k] for k in keys if k in self.entries}
            for k in found:
                self.entries.move_to_end(k)
        return {k: pickle.loads(v) for k, v in found.items()}

    def set_many(self, entries: Mapping[str, EngineRow]) -> None:
        packed = {k: pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for k, v in entries.items()}
        with self.lock:
            self.entries.update(packed)
            for k in packed:
                self.entries.move_to_end(k)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_LOCAL = _LocalResults(4096)


def _no_progress(done: int, total: int, message: str = "") -> None:
    pass


def registry_snapshot(
    *,
    actor: Any,
    as_of: dt.date,
    enterprises: Any,
    rules: str = SNAPSHOT_RULES,
    progress: Reporter = _no_progress,
) -> AssessmentRun:
    """Assess every given enterprise and store dated snapshots (bureau staff only).
    `progress` hears (done, total, message): reading counts the first half, building
    the results the second; the save is one transaction, reported before it starts."""
    if not is_bureau(actor):
        raise PermissionDenied("只有科技局可以发起全库评价")
    started = time.perf_counter()
    chosen = rulesets_for(rules, as_of)
    firms = list(enterprises)
    n = len(firms)
    total = 2 * n
    progress(0, total, f"读取企业数据（共 {n} 家）…")
    records = registry_records(
        firms, as_of, progress=lambda k: progress(k, total, f"读取企业数据 {k}/{n}")
    )
    by_uscc = {e.uscc: e for e in firms}
    snapshots: list[AssessmentSnapshot] = []
    counts: Counter[str] = Counter()
    if records:
        progress(n, total, "按规则集评价…")
        try:
            parsed = inputs.from_records(records, as_of=as_of)
        except inputs.InputError as exc:
            raise input_failed(exc.errors) from None
        evaluated = evaluate.assess(parsed.facts, chosen, as_of=as_of)
        record_by_uscc = {r["uscc"]: r for r in records}
        versions = {rs.id: ruleset_version(rs, as_of) for rs in chosen}
        for i, result in enumerate(explain.records(evaluated, chosen), start=1):
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
            if i % 1000 == 0:
                k = min(n, i // max(1, len(chosen)))
                progress(n + k, total, f"整理评价结果 {k}/{n}")
    progress(total, total, f"保存 {len(snapshots)} 条评价快照…")
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


def latest_snapshots(enterprise: Enterprise) -> dict[str, AssessmentSnapshot]:
    """The latest stored snapshot of each rule set for one enterprise."""
    out: dict[str, AssessmentSnapshot] = {}
    for s in enterprise.assessment_snapshots.order_by("-created_at", "-id")[:20]:
        out.setdefault(s.ruleset, s)
    return out

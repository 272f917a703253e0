"""Turn evaluated rows into the result records of assess.md, and explain one enterprise.

Explaining runs the very same vectorized evaluator on a one-row frame.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cache
from itertools import repeat
from typing import Any

import polars as pl

from kechuang.rules.evaluate import ROW, WARNINGS, assess
from kechuang.rules.model import (
    AMBIGUOUS,
    HI,
    LO,
    NOTE,
    PASSED,
    REMEDY,
    THRESHOLD,
    VALUE,
    RuleSet,
    col,
    fix_col,
    text,
)

DISPLAY_DIGITS = 6


def result_columns(rulesets: Sequence[RuleSet]) -> list[str]:
    cols = ["uscc", "name", "as_of", ROW, WARNINGS]
    for rs in rulesets:
        cols += [col(rs.id, "verdict"), col(rs.id, "route")]
        if rs.has_score:
            cols += [col(rs.id, p) for p in ("score_lo", "score_hi", "score_mid")]
        for cr in rs.criteria:
            cols += [col(cr.id, p) for p in (PASSED, VALUE, THRESHOLD, AMBIGUOUS, NOTE, REMEDY)]
            cols += [fix_col(cr.id, k) for k in cr.fix_keys]
        for s in rs.subscores:
            cols += [col(s.id, p) for p in (LO, HI, AMBIGUOUS)]
    return list(dict.fromkeys(cols))


CHUNK_ROWS = 8192  # rows turned into result objects at a time (bounded memory)


@cache
def _labels_by_period(rs: RuleSet) -> tuple[tuple[date, ...], tuple[tuple[str, ...], ...]]:
    periods = tuple(rs.parameters.change_dates())
    return periods, tuple(
        tuple(text(cr.label, rs.params_on(d)) for cr in rs.criteria) for d in periods
    )


def criterion_labels(rs: RuleSet, as_of: Sequence[date | None]) -> list[Iterator[str]]:
    """Per criterion, its label for each row, filled from the parameters in force on the
    row's `as_of` (labels quote thresholds, e.g. 不低于60分)."""
    periods, by_period = _labels_by_period(rs)
    if len(set(by_period)) == 1:
        return [repeat(label, len(as_of)) for label in by_period[0]]
    rows = [by_period[max(bisect_right(periods, d) - 1, 0) if d is not None else 0] for d in as_of]
    return [iter([labels[i] for labels in rows]) for i in range(len(rs.criteria))]


def _column_records(chunk: pl.DataFrame, rs: RuleSet) -> list[dict[str, Any]]:
    """One result object (assess.md) per row of `chunk` for rule set `rs`, built column
    by column: one Python list per column instead of one dict lookup per cell."""

    def get(name: str) -> list[Any]:
        return chunk.get_column(name).to_list()

    def displayed(name: str) -> list[float | None]:
        """Display floats: rounded by Polars, as the flat table (`table.py`) rounds."""
        return chunk.get_column(name).cast(pl.Float64).round(DISPLAY_DIGITS).to_list()

    n = chunk.height
    notices = list(rs.notices)
    late = f"评价日期早于规则集 {rs.id} 生效日期 {rs.effective_from.isoformat()}"
    warnings = [
        [*(w or []), *notices, *((late,) if isinstance(d, date) and d < rs.effective_from else ())]
        for w, d in zip(get(WARNINGS), get("as_of"), strict=True)
    ]
    scores: list[dict[str, int] | None]
    if rs.has_score:
        scores = [
            {"lo": int(lo), "hi": int(hi), "mid": int(mid)}
            for lo, hi, mid in zip(
                get(col(rs.id, "score_lo")),
                get(col(rs.id, "score_hi")),
                get(col(rs.id, "score_mid")),
                strict=True,
            )
        ]
    else:
        scores = [None] * n
    labels = criterion_labels(rs, get("as_of"))
    per_criterion = [
        [
            {
                "id": cr.id,
                "label": label,
                "clause": cr.clause,
                "value": value,
                "threshold": threshold,
                "passed": passed,
                "ambiguous": bool(ambiguous),
                "note": note,
                "remedy": remedy,
            }
            for label, value, threshold, passed, ambiguous, note, remedy in zip(
                labels[i],
                displayed(col(cr.id, VALUE)),
                displayed(col(cr.id, THRESHOLD)),
                get(col(cr.id, PASSED)),
                get(col(cr.id, AMBIGUOUS)),
                get(col(cr.id, NOTE)),
                get(col(cr.id, REMEDY)),
                strict=True,
            )
        ]
        for i, cr in enumerate(rs.criteria)
    ]
    per_subscore = [
        [
            {"id": s.id, "lo": int(lo), "hi": int(hi), "ambiguous": bool(ambiguous)}
            for lo, hi, ambiguous in zip(
                get(col(s.id, LO)), get(col(s.id, HI)), get(col(s.id, AMBIGUOUS)), strict=True
            )
        ]
        for s in rs.subscores
    ]
    criteria_rows = zip(*per_criterion, strict=True) if per_criterion else iter([()] * n)
    subscore_rows = zip(*per_subscore, strict=True) if per_subscore else iter([()] * n)
    return [
        {
            "uscc": uscc,
            "name": name,
            "ruleset": rs.id,
            "verdict": verdict,
            "route": route,
            "score": score,
            "criteria": list(criteria),
            "subscores": list(subscores),
            "warnings": warning,
        }
        for uscc, name, verdict, route, score, criteria, subscores, warning in zip(
            get("uscc"),
            get("name"),
            get(col(rs.id, "verdict")),
            get(col(rs.id, "route")),
            scores,
            criteria_rows,
            subscore_rows,
            warnings,
            strict=True,
        )
    ]


def records(evaluated: pl.DataFrame, rulesets: Sequence[RuleSet]) -> Iterator[dict[str, Any]]:
    """Result objects in input order, rule sets in the given order (built a chunk of rows
    at a time)."""
    slim = evaluated.select(result_columns(rulesets))
    for start in range(0, slim.height, CHUNK_ROWS):
        chunk = slim.slice(start, CHUNK_ROWS)
        per_ruleset = [_column_records(chunk, rs) for rs in rulesets]
        for row in zip(*per_ruleset, strict=True):
            yield from row


def explain(
    facts: pl.DataFrame, rulesets: Sequence[RuleSet], *, as_of: date
) -> list[dict[str, Any]]:
    """The results for a one-row facts frame: the same evaluator, traced by its columns."""
    if facts.height != 1:
        raise ValueError("explain() takes exactly one enterprise")
    return list(records(assess(facts, rulesets, as_of=as_of), rulesets))


def document(
    as_of: date, rulesets: Sequence[RuleSet], results: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"as_of": as_of.isoformat(), "rulesets": [rs.id for rs in rulesets], "results": results}

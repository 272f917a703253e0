"""Turn evaluated rows into the result records of assess.md, and explain one enterprise.

Explaining runs the very same vectorized evaluator on a one-row frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
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
)

DISPLAY_DIGITS = 6


def _display(value: float | None) -> float | None:
    return None if value is None else round(float(value), DISPLAY_DIGITS)


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


def record(row: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    """One result object (assess.md) for one evaluated row and rule set."""
    warnings = list(row.get(WARNINGS) or [])
    warnings += list(rs.notices)
    as_of = row.get("as_of")
    if isinstance(as_of, date) and as_of < rs.effective_from:
        warnings.append(f"评价日期早于规则集 {rs.id} 生效日期 {rs.effective_from.isoformat()}")
    score: dict[str, int] | None = None
    if rs.has_score:
        score = {
            "lo": int(row[col(rs.id, "score_lo")]),
            "hi": int(row[col(rs.id, "score_hi")]),
            "mid": int(row[col(rs.id, "score_mid")]),
        }
    criteria = [
        {
            "id": cr.id,
            "label": cr.label,
            "clause": cr.clause,
            "value": _display(row[col(cr.id, VALUE)]),
            "threshold": _display(row[col(cr.id, THRESHOLD)]),
            "passed": row[col(cr.id, PASSED)],
            "ambiguous": bool(row[col(cr.id, AMBIGUOUS)]),
            "note": row[col(cr.id, NOTE)],
            "remedy": row[col(cr.id, REMEDY)],
        }
        for cr in rs.criteria
    ]
    subscores = [
        {
            "id": s.id,
            "lo": int(row[col(s.id, LO)]),
            "hi": int(row[col(s.id, HI)]),
            "ambiguous": bool(row[col(s.id, AMBIGUOUS)]),
        }
        for s in rs.subscores
    ]
    return {
        "uscc": row["uscc"],
        "name": row["name"],
        "ruleset": rs.id,
        "verdict": row[col(rs.id, "verdict")],
        "route": row[col(rs.id, "route")],
        "score": score,
        "criteria": criteria,
        "subscores": subscores,
        "warnings": warnings,
    }


def records(evaluated: pl.DataFrame, rulesets: Sequence[RuleSet]) -> Iterator[dict[str, Any]]:
    """Result objects in input order, rule sets in the given order."""
    slim = evaluated.select(result_columns(rulesets))
    for row in slim.iter_rows(named=True):
        for rs in rulesets:
            yield record(row, rs)


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

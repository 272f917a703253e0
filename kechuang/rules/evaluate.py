"""Run rule sets over a frame of facts, vectorized (one row per enterprise).

`assess(facts, rulesets, as_of=…)` returns the facts plus, per rule set, the columns
described in `model.py`. Parameters are resolved by each row's `as_of`: rows whose dates
fall in different parameter periods are evaluated period by period.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from functools import cache

import polars as pl

from kechuang.rules.common import DETAIL
from kechuang.rules.common import detail as detail_context
from kechuang.rules.fields import FIELDS, Kind
from kechuang.rules.model import Late, Plan, RuleSet

DTYPES: dict[Kind, pl.DataType] = {
    "text": pl.String(),
    "domain": pl.String(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "score": pl.Int64(),
    "money": pl.Int64(),
    "bool": pl.Boolean(),
}
ROW = "_row"
WARNINGS = "_warnings"


def facts_schema() -> dict[str, pl.DataType]:
    return {f.key: DTYPES[f.kind] for f in FIELDS}


def conform(facts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Every fact column present with its dtype (missing → null), `as_of` filled,
    `_row` (spreadsheet row) and `_warnings` present."""
    exprs: list[pl.Expr] = []
    for key, dtype in facts_schema().items():
        if key in facts.columns:
            exprs.append(pl.col(key).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(key))
    exprs[[f.key for f in FIELDS].index("as_of")] = (
        pl.col("as_of").cast(pl.Date).fill_null(as_of)
        if "as_of" in facts.columns
        else pl.lit(as_of).alias("as_of")
    )
    if ROW in facts.columns:
        exprs.append(pl.col(ROW).cast(pl.Int64))
    else:
        exprs.append((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))
    if WARNINGS in facts.columns:
        exprs.append(pl.col(WARNINGS).cast(pl.List(pl.String)))
    else:
        exprs.append(pl.lit([], dtype=pl.List(pl.String)).alias(WARNINGS))
    return facts.select(exprs)


@cache
def _change_dates(rs: RuleSet) -> tuple[date, ...]:
    return tuple(rs.parameters.change_dates())


def _epoch(dates: Sequence[date], on: date) -> int:
    return max(bisect_right(list(dates), on) - 1, 0)


@cache
def plan(rs: RuleSet, on: date, detail: bool) -> Plan:
    """The rule set's plan with the parameters in force on `on`, built once (expressions
    are immutable: one call per enterprise pays nothing for building)."""
    with detail_context(detail):
        built = rs.plan(rs.parameters.at(on))
    return Plan(tuple(tuple(step) for step in built.steps), tuple(built.late))


def _evaluate(lf: pl.LazyFrame, rs: RuleSet, on: date) -> tuple[pl.LazyFrame, list[Late]]:
    built = plan(rs, on, DETAIL.get())
    for step in built.steps:
        lf = lf.with_columns(step)
    return lf, list(built.late)


def apply_ruleset(
    lf: pl.LazyFrame, rs: RuleSet, lo: date, hi: date
) -> tuple[pl.LazyFrame, list[Late]]:
    """Evaluate one rule set; `lo`/`hi` bound the rows' `as_of`. Returns the frame and
    the late text columns still to fill (`fill_late`)."""
    dates = _change_dates(rs)
    first, last = _epoch(dates, lo), _epoch(dates, hi)
    if first == last:
        return _evaluate(lf, rs, dates[first])
    parts = []
    late: list[Late] = []
    for i in range(first, last + 1):
        start = dates[i] if i > 0 else date.min
        end = dates[i + 1] if i + 1 < len(dates) else None
        cond = pl.col("as_of") >= start
        if end is not None:
            cond = cond & (pl.col("as_of") < end)
        part, part_late = _evaluate(lf.filter(cond), rs, dates[i])
        parts.append(part)
        late += [Late(t.name, t.need & cond, t.text) for t in part_late]
    return pl.concat(parts, how="diagonal_relaxed").sort(ROW), late


def fill_late(frame: pl.DataFrame, late: Sequence[Late]) -> pl.DataFrame:
    """Fill each late text column on the rows that need it, evaluating its text on those
    rows alone (the others stay null). The texts are computed in parallel."""
    if not late or frame.height == 0:
        return frame
    needs = frame.select([t.need.fill_null(False).alias(str(i)) for i, t in enumerate(late)])
    todo: list[tuple[Late, pl.Series]] = []
    for i, t in enumerate(late):
        need = needs.get_column(str(i))
        if need.any():
            todo.append((t, need))
    texts = pl.collect_all(
        [frame.lazy().filter(need).select(t.text.alias(t.name)) for t, need in todo]
    )
    columns: dict[str, pl.Series] = {}
    for (t, need), text in zip(todo, texts, strict=True):
        values = text.get_column(t.name)
        if t.name in columns:  # several parts (rule-set periods) of the same column
            base = columns[t.name]
        else:
            base = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(t.name)
        if values.len() == frame.height:
            columns[t.name] = values
        else:
            columns[t.name] = base.scatter(need.arg_true(), values)
    return frame.with_columns(list(columns.values())) if columns else frame


def assess(
    facts: pl.DataFrame,
    rulesets: Sequence[RuleSet],
    *,
    as_of: date,
    detail: bool = True,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The facts frame plus every rule set's result columns (same row order).

    `detail=False` builds the same rules without the explanatory text and remedies
    (notes, remedies and fixes are null): verdicts, criteria and scores only. Then every
    rule set runs in one query, and `columns` (if given) keeps only those columns: the
    query skips whatever they do not need.
    """
    frame = conform(facts, as_of)
    if frame.height == 0:
        lo = hi = as_of
    else:
        dates = frame.get_column("as_of")
        lo_v, hi_v = dates.min(), dates.max()
        lo = lo_v if isinstance(lo_v, date) else as_of
        hi = hi_v if isinstance(hi_v, date) else as_of
    with detail_context(detail):
        if not detail:
            lf = frame.lazy()
            for rs in rulesets:
                lf, _ = apply_ruleset(lf, rs, lo, hi)  # no late texts without detail
            return (lf if columns is None else lf.select(columns)).collect()
        for rs in rulesets:
            lf, late = apply_ruleset(frame.lazy(), rs, lo, hi)
            # Materialized per rule set: its late texts read its own columns, before a
            # later rule set could replace a shared helper.
            frame = fill_late(lf.collect(), late)
    return frame if columns is None else frame.select(columns)

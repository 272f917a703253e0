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
from kechuang.rules.model import RuleSet

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
def plan(rs: RuleSet, on: date, detail: bool) -> tuple[tuple[pl.Expr, ...], ...]:
    """The rule set's `with_columns` steps with the parameters in force on `on`, built
    once (expressions are immutable: one call per enterprise pays nothing for building)."""
    with detail_context(detail):
        return tuple(tuple(step) for step in rs.plan(rs.parameters.at(on)))


def _evaluate(lf: pl.LazyFrame, rs: RuleSet, on: date) -> pl.LazyFrame:
    for step in plan(rs, on, DETAIL.get()):
        lf = lf.with_columns(step)
    return lf


def apply_ruleset(lf: pl.LazyFrame, rs: RuleSet, lo: date, hi: date) -> pl.LazyFrame:
    """Evaluate one rule set; `lo`/`hi` bound the rows' `as_of`."""
    dates = _change_dates(rs)
    first, last = _epoch(dates, lo), _epoch(dates, hi)
    if first == last:
        return _evaluate(lf, rs, dates[first])
    parts = []
    for i in range(first, last + 1):
        start = dates[i] if i > 0 else date.min
        end = dates[i + 1] if i + 1 < len(dates) else None
        cond = pl.col("as_of") >= start
        if end is not None:
            cond = cond & (pl.col("as_of") < end)
        parts.append(_evaluate(lf.filter(cond), rs, dates[i]))
    return pl.concat(parts, how="diagonal_relaxed").sort(ROW)


def assess(
    facts: pl.DataFrame, rulesets: Sequence[RuleSet], *, as_of: date, detail: bool = True
) -> pl.DataFrame:
    """The facts frame plus every rule set's result columns (same row order).

    `detail=False` builds the same rules without the explanatory text and remedies
    (notes, remedies and fixes are null): verdicts, criteria and scores only.
    """
    frame = conform(facts, as_of)
    if frame.height == 0:
        lo = hi = as_of
    else:
        dates = frame.get_column("as_of")
        lo_v, hi_v = dates.min(), dates.max()
        lo = lo_v if isinstance(lo_v, date) else as_of
        hi = hi_v if isinstance(hi_v, date) else as_of
    lf = frame.lazy()
    with detail_context(detail):
        for rs in rulesets:
            lf = apply_ruleset(lf, rs, lo, hi)
        return lf.collect()

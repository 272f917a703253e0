"""Score a whole county's year in one vectorized pass, and explain each score.

Input: a Polars frame, one row per enterprise: `key` (any id) and the set's fields
(`IndicatorSet.fields`; money as Int64 10⁻⁶ 万元, counts Int64, yes/no Boolean; null =
unknown, never zero).

Each enterprise is placed in a stage by its revenue. For a percentile indicator, an
enterprise with a known value beats `B` of the `N` enterprises of its stage that have a
known value (strictly worse values; ties beat nobody they tie with) and earns

    points = weight × B / (N − 1)          (the whole weight when it is alone)

rounded half up to 0.01 point; a thresholds indicator earns the share of the weight of
the highest band it reaches. Bonus items add their points, negative items subtract
theirs. The total is the sum of those rounded points, so every explanation sums to it
exactly; unknown values earn nothing and the points they could earn are reported as
`at_stake`. Ranks are per stage (ties share the best rank) and over all stages.

Gains: for an indicator with a `step`, the points the enterprise would earn one step
better with every other enterprise unchanged (exact), and the rank it would reach at
worst (others can only lose points when it overtakes them, so the true rank is that or
better).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from kechuang.rules.fields import MICRO
from kechuang.rules.points.model import POINT_FIELDS, Indicator, IndicatorSet, money_micro

STAGE = "stage"
TOTAL = "total"
AT_STAKE = "at_stake"
NEGATIVE_UNKNOWN = "negative_unknown"
RANK = "rank"
COHORT = "cohort"
OVERALL_RANK = "overall_rank"
TIER = "tier"


def c(indicator_id: str, part: str) -> str:
    """The output column of `part` (value, cmp, beaten, known, weight, cents, gain,
    rank_after) of an indicator or item."""
    return f"{indicator_id}|{part}"


def _cmp_expr(ind: Indicator) -> pl.Expr:
    """The value compared between enterprises: exact integers for amounts and counts; a
    correctly rounded Float64 quotient for ratios (equal quotients compare equal)."""
    src = ind.source
    if src.kind == "field":
        return pl.col(src.fields[0]).cast(pl.Int64)
    num, den = (pl.col(f).cast(pl.Float64) for f in src.fields)
    return pl.when(den > 0).then(num / den).otherwise(None)


def _display_expr(ind: Indicator) -> pl.Expr:
    """The value in its display unit: 万元, a count, or per cent."""
    cmp = pl.col(c(ind.id, "cmp"))
    src = ind.source
    if src.kind == "field":
        return cmp.cast(pl.Float64) / MICRO if src.is_money else cmp.cast(pl.Float64)
    if src.kind == "ratio":
        return cmp * 100
    return (cmp - 1) * 100


def _step_cmp(ind: Indicator, cmp: pl.Expr) -> pl.Expr:
    """The compared value one step better."""
    assert ind.step is not None
    step = ind.step
    src = ind.source
    if src.kind == "field":
        delta: int | float = money_micro(step) if src.is_money else float(step)
    else:  # percentage points
        delta = float(step / 100)
    return cmp + delta if ind.direction == "higher" else cmp - delta


def _threshold_score(ind: Indicator, cmp: pl.Expr) -> pl.Expr:
    """The share (0–100) of the weight a thresholds indicator earns at `cmp`."""
    out = pl.lit(0, dtype=pl.Int64)
    for band in ind.thresholds:
        src = ind.source
        if src.kind == "field":
            at: Any = money_micro(band.at_least) if src.is_money else float(band.at_least)
        elif src.kind == "ratio":
            at = float(band.at_least / 100)
        else:
            at = float(1 + band.at_least / 100)
        reached = cmp >= at if ind.direction == "higher" else cmp <= at
        out = pl.when(reached).then(pl.lit(band.score, dtype=pl.Int64)).otherwise(out)
    return pl.when(cmp.is_null()).then(None).otherwise(out)


def _cents(weight: pl.Expr, beaten: pl.Expr, known: pl.Expr) -> pl.Expr:
    """weight × beaten / (known − 1), half up, in hundredths; the whole weight alone."""
    d = known - 1
    return pl.when(known == 1).then(weight).otherwise((2 * weight * beaten + d) // (2 * d))


def stage_expr(iset: IndicatorSet) -> pl.Expr:
    revenue = pl.col("revenue")
    out: pl.Expr = pl.lit(iset.stages[-1].id)
    for stage in reversed(iset.stages[:-1]):
        assert stage.revenue_below is not None
        out = (
            pl.when(revenue < money_micro(stage.revenue_below))
            .then(pl.lit(stage.id))
            .otherwise(out)
        )
    return pl.when(revenue.is_null()).then(pl.lit(None, dtype=pl.String)).otherwise(out)


def score(frame: pl.DataFrame, iset: IndicatorSet) -> pl.DataFrame:
    """Every enterprise of `frame` scored by `iset` (see the module's docstring)."""
    missing = [f for f in iset.fields if f not in frame.columns]
    if missing:
        labels = "、".join(POINT_FIELDS[f].label for f in missing)
        raise ValueError(f"积分数据缺少字段：{labels}")
    df = frame.with_columns(stage_expr(iset).alias(STAGE))
    cohorts = _Cohorts.of(df, iset)
    df = df.with_columns(
        [_cmp_expr(ind).alias(c(ind.id, "cmp")) for ind in iset.indicators]
        + [cohorts.weights(ind, iset) for ind in iset.indicators]
    )
    # every indicator's values and known flags in one pass, then ranked in numpy
    cmps = df.select(
        [pl.col(c(i.id, "cmp")).fill_null(0).alias(i.id) for i in iset.indicators]
        + [pl.col(c(i.id, "cmp")).is_not_null().alias(c(i.id, "k")) for i in iset.indicators]
    )
    ranked = {
        ind.id: cohorts.rank(
            ind, cmps.get_column(ind.id).to_numpy(), cmps.get_column(c(ind.id, "k")).to_numpy()
        )
        for ind in iset.indicators
    }
    per: list[Any] = []
    for ind in iset.indicators:
        per += [
            _display_expr(ind).alias(c(ind.id, "value")),
            ranked[ind.id].beaten,
            ranked[ind.id].known,
        ]
    df = df.with_columns(per)
    cents: list[pl.Expr] = []
    for ind in iset.indicators:
        weight = pl.col(c(ind.id, "weight"))
        if ind.method == "thresholds":
            share = _threshold_score(ind, pl.col(c(ind.id, "cmp")))
            got = weight * share // 100
        else:
            got = _cents(weight, pl.col(c(ind.id, "beaten")), pl.col(c(ind.id, "known")))
        known = pl.col(c(ind.id, "cmp")).is_not_null() & pl.col(STAGE).is_not_null()
        cents.append(pl.when(known).then(got).otherwise(None).alias(c(ind.id, "cents")))
    for item in iset.bonus:
        flag = pl.col(item.field)
        cents.append(
            pl.when(pl.col(STAGE).is_null() | flag.is_null())
            .then(pl.lit(None, dtype=pl.Int64))
            .otherwise(pl.when(flag).then(item.points).otherwise(0))
            .alias(c(item.id, "cents"))
        )
    for item in iset.negative:
        flag = pl.col(item.field)
        cents.append(
            pl.when(pl.col(STAGE).is_null() | flag.is_null())
            .then(pl.lit(None, dtype=pl.Int64))
            .otherwise(pl.when(flag).then(-item.points).otherwise(0))
            .alias(c(item.id, "cents"))
        )
    df = df.with_columns(cents)
    ind_cols = [c(i.id, "cents") for i in iset.indicators]
    bonus_cols = [c(i.id, "cents") for i in iset.bonus]
    neg_cols = [c(i.id, "cents") for i in iset.negative]
    staged = pl.col(STAGE).is_not_null()
    stake = [
        pl.when(pl.col(c(i.id, "cents")).is_null()).then(pl.col(c(i.id, "weight"))).otherwise(0)
        for i in iset.indicators
    ] + [
        pl.when(pl.col(c(i.id, "cents")).is_null()).then(i.points).otherwise(0) for i in iset.bonus
    ]
    neg_unknown = [
        pl.when(pl.col(c(i.id, "cents")).is_null()).then(i.points).otherwise(0)
        for i in iset.negative
    ]
    all_cols = ind_cols + bonus_cols + neg_cols
    df = df.with_columns(
        pl.when(staged)
        .then(pl.sum_horizontal([pl.col(x).fill_null(0) for x in all_cols]))
        .cast(pl.Int64)
        .alias(TOTAL),
        pl.when(staged)
        .then(pl.sum_horizontal(stake) if stake else 0)
        .cast(pl.Int64)
        .alias(AT_STAKE),
        pl.when(staged)
        .then(pl.sum_horizontal(neg_unknown) if neg_unknown else 0)
        .cast(pl.Int64)
        .alias(NEGATIVE_UNKNOWN),
    )
    df = df.with_columns(
        pl.col(TOTAL).rank("min", descending=True).over(STAGE).cast(pl.Int64).alias(RANK),
        pl.col(TOTAL).count().over(STAGE).cast(pl.Int64).alias(COHORT),
        pl.col(TOTAL).rank("min", descending=True).cast(pl.Int64).alias(OVERALL_RANK),
    )
    tier: pl.Expr = pl.lit(None, dtype=pl.String)
    for t in reversed(iset.tiers):
        cut = (t.top.numerator * pl.col(COHORT) + t.top.denominator - 1) // t.top.denominator
        tier = pl.when(pl.col(RANK) <= cut).then(pl.lit(t.id)).otherwise(tier)
    df = df.with_columns(pl.when(pl.col(RANK).is_not_null()).then(tier).alias(TIER))
    return _gains(df, iset, cohorts, ranked)


@dataclass(frozen=True)
class _Ranked:
    """One indicator ranked in its stage cohorts: `beaten` and `known` (the output
    columns), and the known values sorted by (stage, value) for the gains' searches
    (better is bigger: an indicator where lower is better is negated)."""

    beaten: pl.Series
    known: pl.Series
    sorted_values: np.ndarray  # Float64, the known values, cohort after cohort
    bounds: np.ndarray  # cohort s is sorted_values[bounds[s]:bounds[s + 1]]


@dataclass(frozen=True)
class _Cohorts:
    """The stage of every row as a number (`k` = no stage), and each stage's rows."""

    code: np.ndarray
    k: int
    rows: list[np.ndarray]

    @classmethod
    def of(cls, df: pl.DataFrame, iset: IndicatorSet) -> _Cohorts:
        k = len(iset.stages)
        code = (
            df.get_column(STAGE)
            .replace_strict([s.id for s in iset.stages], list(range(k)), return_dtype=pl.Int64)
            .fill_null(k)
            .to_numpy()
        )
        return cls(code, k, [np.flatnonzero(code == s) for s in range(k)])

    def weights(self, ind: Indicator, iset: IndicatorSet) -> pl.Series:
        """The weight of each row's stage (null without a stage)."""
        table = np.array([ind.weights.get(s.id, 0) for s in iset.stages] + [0], dtype=np.int64)
        return pl.Series(c(ind.id, "weight"), table[self.code], dtype=pl.Int64).scatter(
            self.unstaged, None
        )

    @property
    def unstaged(self) -> np.ndarray:
        return np.flatnonzero(self.code == self.k)

    def rank(self, ind: Indicator, values: np.ndarray, has_value: np.ndarray) -> _Ranked:
        """How many of its cohort's known values each known value strictly beats (ties
        beat nobody they tie with: a "min" rank − 1), and how many values its cohort
        knows: one sort by (stage, value) instead of a rank per stage."""
        n, k = len(values), self.k
        known = has_value & (self.code < k)
        rows = np.flatnonzero(known)
        v = values[rows]
        if ind.direction == "lower":
            v = -v
        g = self.code[rows].astype(np.int16)
        # by value, then (stable, a radix sort of small integers) by stage
        o = np.argsort(v)
        o = o[np.argsort(g[o], kind="stable")]
        g, v, rows = g[o], v[o], rows[o]
        m = len(rows)
        bounds = np.searchsorted(g, np.arange(k + 1))
        new_run = np.ones(m, dtype=bool)
        new_run[1:] = (g[1:] != g[:-1]) | (v[1:] != v[:-1])
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(m), 0)) if m else new_run
        beaten = np.zeros(n, dtype=np.int64)
        beaten[rows] = run_start - bounds[g]
        # each row's cohort size (0 without a stage: `code` k reads the appended 0)
        cohort_known = np.append(np.diff(bounds), 0)[self.code]
        return _Ranked(
            beaten=pl.Series(c(ind.id, "beaten"), beaten, dtype=pl.Int64).scatter(
                np.flatnonzero(~known), None
            ),
            known=pl.Series(c(ind.id, "known"), cohort_known, dtype=pl.Int64),
            sorted_values=v.astype(np.float64),
            bounds=bounds,
        )


def _gains(
    df: pl.DataFrame, iset: IndicatorSet, cohorts: _Cohorts, ranked: dict[str, _Ranked]
) -> pl.DataFrame:
    """`gain` and `rank_after` for every indicator with a step (see the docstring).

    Per stage cohort: the sorted known values, searched for each firm's value one step
    better (the firm itself, strictly worse than its own improved value, is taken off);
    then the sorted totals, searched for each firm's improved total."""
    stepped = [i for i in iset.indicators if i.step is not None]
    if not stepped:
        return df
    n = df.height
    # Compared as Float64: exact for amounts below 2⁵³ × 10⁻⁶ 万元 and for counts; an
    # unknown value is NaN (its gain is null whatever the search returns).
    moved = df.select(
        [_step_cmp(i, pl.col(c(i.id, "cmp"))).cast(pl.Float64).alias(i.id) for i in stepped]
    )
    beaten_after: list[pl.Series] = []
    for ind in stepped:
        r = ranked[ind.id]
        after = moved.get_column(ind.id).fill_null(np.nan).to_numpy()
        if ind.direction == "lower":  # the sorted values are negated: better is bigger
            after = -after
        out = np.zeros(n, dtype=np.int64)
        for s, idx in enumerate(cohorts.rows):
            known = r.sorted_values[r.bounds[s] : r.bounds[s + 1]]
            # the others strictly worse than the new value (the firm itself off)
            out[idx] = np.searchsorted(known, after[idx], side="left") - 1
        beaten_after.append(pl.Series(c(ind.id, "beaten_after"), out))
    df = df.with_columns(beaten_after)
    df = df.with_columns(
        [
            (
                (
                    pl.col(c(i.id, "weight"))
                    * _threshold_score(i, _step_cmp(i, pl.col(c(i.id, "cmp"))))
                    // 100
                    if i.method == "thresholds"
                    else _cents(
                        pl.col(c(i.id, "weight")),
                        pl.col(c(i.id, "beaten_after")),
                        pl.col(c(i.id, "known")),
                    )
                )
                - pl.col(c(i.id, "cents"))
            ).alias(c(i.id, "gain"))
            for i in stepped
        ]
    ).drop([c(i.id, "beaten_after") for i in stepped])
    totals = df.get_column(TOTAL).fill_null(0).to_numpy()
    ordered = [np.sort(totals[idx]) for idx in cohorts.rows]  # once, for every indicator
    ranks: list[pl.Series] = []
    for ind in stepped:
        gain = df.get_column(c(ind.id, "gain"))
        new_total = totals + gain.fill_null(0).to_numpy()
        out = np.zeros(n, dtype=np.int64)
        for idx, sorted_totals in zip(cohorts.rows, ordered, strict=True):
            out[idx] = (
                len(sorted_totals)
                - np.searchsorted(sorted_totals, new_total[idx], side="right")
                + 1
            )
        rank = pl.Series(c(ind.id, "rank_after"), out)
        ranks.append(pl.select(pl.when(gain.is_null()).then(None).otherwise(rank)).to_series())
    return df.with_columns(
        [r.alias(c(i.id, "rank_after")) for r, i in zip(ranks, stepped, strict=True)]
    )


# -- explanations -----------------------------------------------------------------------------


def points_text(cents: int) -> str:
    """Hundredths of a point → "3.20"."""
    return f"{Decimal(cents) / 100:.2f}"


def _value_text(ind: Indicator, value: float | None) -> str:
    if value is None:
        return "未知"
    unit = ind.unit
    if unit == "%":
        return f"{value:.2f}%"
    if unit == "万元":
        return f"{value:,.2f}万元"
    return f"{value:g}{unit}"


@dataclass(frozen=True)
class Line:
    id: str
    label: str
    group: str
    value: str
    reading: str  # "在成长期65家有数据的企业中高于41家" / "达到第2档" / "未知"
    weight: str  # "10.00"
    points: str | None  # "6.41"; None = unknown
    cents: int | None


@dataclass(frozen=True)
class Gain:
    indicator: str
    text: str  # "再增加1件发明专利"
    cents: int
    rank_before: int
    rank_after: int

    def __str__(self) -> str:
        return (
            f"{self.text} → +{points_text(self.cents)}分，"
            f"排名 {self.rank_before} → 至少第{self.rank_after}名"
        )


@dataclass(frozen=True)
class Explanation:
    stage: str | None
    total: int | None
    rank: int | None
    cohort: int | None
    tier: str | None
    lines: list[Line]
    at_stake: int
    gains: list[Gain]
    notes: list[str]


def explain(row: dict[str, Any], iset: IndicatorSet, *, best: int = 3) -> Explanation:
    """One scored row (`score(...).row(i, named=True)`) in words; `lines` sum to `total`."""
    stage = row[STAGE]
    if stage is None:
        return Explanation(
            None, None, None, None, None, [], 0, [], ["缺少当年销售收入，无法确定发展阶段，未计分"]
        )
    label = iset.stage_label(stage)
    lines: list[Line] = []
    for ind in iset.indicators:
        cents = row[c(ind.id, "cents")]
        weight = row[c(ind.id, "weight")]
        if cents is None:
            reading = "缺少数据，未计分"
        elif ind.method == "thresholds":
            reading = "按分档计分"
        else:
            known, beaten = row[c(ind.id, "known")], row[c(ind.id, "beaten")]
            better = "高于" if ind.direction == "higher" else "优于"
            reading = (
                "本阶段仅此1家有数据，得满分"
                if known == 1
                else f"在{label}{known}家有数据的企业中{better}{beaten}家"
            )
        lines.append(
            Line(
                ind.id,
                ind.label,
                iset.groups[ind.group],
                _value_text(ind, row[c(ind.id, "value")]),
                reading,
                points_text(weight),
                None if cents is None else points_text(cents),
                cents,
            )
        )
    for kind, items in (("加分", iset.bonus), ("扣分", iset.negative)):
        for item in items:
            cents = row[c(item.id, "cents")]
            flag = row[item.field]
            reading = "未知" if flag is None else ("是" if flag else "否")
            lines.append(
                Line(
                    item.id,
                    item.label,
                    kind,
                    reading,
                    f"{kind}项，{points_text(item.points)}分",
                    points_text(item.points),
                    None if cents is None else points_text(cents),
                    cents,
                )
            )
    gains = [
        Gain(ind.id, ind.step_text, row[c(ind.id, "gain")], row[RANK], row[c(ind.id, "rank_after")])
        for ind in iset.indicators
        if ind.step is not None and row.get(c(ind.id, "gain"))
    ]
    gains.sort(key=lambda g: (-g.cents, g.rank_after))
    notes = []
    if row[AT_STAKE]:
        notes.append(f"缺少数据的指标和加分项最多还可得{points_text(row[AT_STAKE])}分")
    if row[NEGATIVE_UNKNOWN]:
        notes.append(f"扣分项有未知，最多可能扣{points_text(row[NEGATIVE_UNKNOWN])}分")
    tier = next((t.label for t in iset.tiers if t.id == row[TIER]), None)
    return Explanation(
        label, row[TOTAL], row[RANK], row[COHORT], tier, lines, row[AT_STAKE], gains[:best], notes
    )

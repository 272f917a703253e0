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

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
    """The value in its display unit: 万元, a count, or per cent (in Polars: its
    division by a constant is a multiplication by the reciprocal)."""
    cmp = _cmp_expr(ind)
    src = ind.source
    if src.kind == "field":
        return cmp.cast(pl.Float64) / MICRO if src.is_money else cmp.cast(pl.Float64)
    if src.kind == "ratio":
        return cmp * 100
    return (cmp - 1) * 100


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
    """Every enterprise of `frame` scored by `iset` (see the module's docstring).

    One Polars select reads every fact (the compared values, nulls filled, and their
    null masks); the rest is numpy on whole columns, each indicator ranked once (see
    `_Ranked`), and the output columns are made once, nulls set from the masks."""
    missing = [f for f in iset.fields if f not in frame.columns]
    if missing:
        labels = "、".join(POINT_FIELDS[f].label for f in missing)
        raise ValueError(f"积分数据缺少字段：{labels}")
    n, k = frame.height, len(iset.stages)
    inds, items = iset.indicators, (*iset.bonus, *iset.negative)
    read = frame.select(
        stage_expr(iset).alias(STAGE),
        pl.col("revenue").cast(pl.Int64).fill_null(0).alias("?rev"),
        pl.col("revenue").is_null().alias("?rev_null"),
        *[_cmp_expr(i).alias(c(i.id, "cmp")) for i in inds],
        *[_cmp_expr(i).is_null().alias(c(i.id, "null")) for i in inds],
        *[_cmp_expr(i).fill_null(0).alias(c(i.id, "v")) for i in inds],
        *[_display_expr(i).alias(c(i.id, "value")) for i in inds],
        *[pl.col(i.field).is_null().alias(c(i.id, "null")) for i in items],
        *[pl.col(i.field).fill_null(False).alias(c(i.id, "flag")) for i in items],
    )

    def col(name: str) -> np.ndarray:
        return read.get_column(name).to_numpy()

    below = [s.revenue_below for s in iset.stages[:-1]]
    bounds = np.array([money_micro(b) for b in below if b is not None], dtype=np.int64)
    code = np.searchsorted(bounds, col("?rev"), side="right")
    code[col("?rev_null")] = k
    unstaged = code == k
    no_stage = pl.Series(unstaged)
    zero = np.zeros(n, dtype=np.int64)
    total, stake, neg_unknown = zero.copy(), zero.copy(), zero.copy()
    with ThreadPoolExecutor(_THREADS) as pool:  # numpy lets go of the GIL in its loops
        scored = list(pool.map(lambda i: _Scored.of(i, iset, read, code, no_stage), inds))
    for sc in scored:
        total += sc.cents
        stake += np.where(sc.null, sc.weight, 0)
    per_cents = [sc.columns[-1] for sc in scored]
    for item in items:
        null = col(c(item.id, "null"))
        sign = 1 if item in iset.bonus else -1
        got = np.where(col(c(item.id, "flag")), sign * item.points, 0)
        per_cents.append(_nulls(c(item.id, "cents"), got, pl.Series(null | unstaged)))
        total += np.where(null, 0, got)
        (stake if sign > 0 else neg_unknown)[null] += item.points
    totals = _Totals.of(total, code, k)
    cohort = totals.cohort
    rank = totals.rank(total)
    overall = totals.overall_rank(total)
    tier = np.full(n, len(iset.tiers), dtype=np.int64)
    for t_index in range(len(iset.tiers) - 1, -1, -1):
        top = iset.tiers[t_index].top
        cut = (top.numerator * cohort + top.denominator - 1) // top.denominator
        tier[rank <= cut] = t_index
    tier[unstaged] = len(iset.tiers)
    tier_ids = pl.Series(TIER, [t.id for t in iset.tiers] + [None], dtype=pl.String)
    out = [
        read.get_column(STAGE),
        *[read.get_column(c(i.id, "cmp")) for i in inds],
        *[sc.columns[0] for sc in scored],
        *[column for sc in scored for column in sc.columns[1:4]],
        *per_cents,
        _nulls(TOTAL, total, no_stage),
        _nulls(AT_STAKE, stake, no_stage),
        _nulls(NEGATIVE_UNKNOWN, neg_unknown, no_stage),
        _nulls(RANK, rank, no_stage),
        pl.Series(COHORT, cohort, dtype=pl.Int64),
        _nulls(OVERALL_RANK, overall, no_stage),
        tier_ids.gather(tier),
    ]
    stepped = [sc for sc in scored if sc.ind.step is not None]
    if stepped:
        with ThreadPoolExecutor(_THREADS) as pool:
            gained = list(pool.map(lambda sc: _gains(sc, total, totals, code), stepped))
        out += [g for g, _ in gained] + [r for _, r in gained]
    return frame.with_columns(out)


def _nulls(name: str, values: np.ndarray, null: pl.Series) -> pl.Series:
    """A column of numpy values, null where `null` (a Boolean series)."""
    return pl.Series(name, values).set(null, None)


def _step(ind: Indicator, v: np.ndarray) -> np.ndarray:
    """The compared value one step better (amounts stay exact integers)."""
    assert ind.step is not None
    step = ind.step
    src = ind.source
    if src.kind == "field":
        delta: int | float = money_micro(step) if src.is_money else float(step)
    else:  # percentage points
        delta = float(step / 100)
    return v + delta if ind.direction == "higher" else v - delta


def _threshold_share(ind: Indicator, v: np.ndarray) -> np.ndarray:
    """The share (0–100) of the weight a thresholds indicator earns at `v`."""
    share = np.zeros(len(v), dtype=np.int64)
    for band in ind.thresholds:
        src = ind.source
        if src.kind == "field":
            at: Any = money_micro(band.at_least) if src.is_money else float(band.at_least)
        elif src.kind == "ratio":
            at = float(band.at_least / 100)
        else:
            at = float(1 + band.at_least / 100)
        share[v >= at if ind.direction == "higher" else v <= at] = band.score
    return share


def _points(weight: int, known: int, beaten: np.ndarray) -> np.ndarray:
    """weight × beaten / (known − 1), half up, in hundredths, for one stage cohort (one
    weight, `known` values); the whole weight alone. (Divided by one number, numpy
    divides the whole array quickly.)"""
    if known <= 1:
        return np.full(len(beaten), weight, dtype=np.int64)
    d = known - 1
    return (2 * weight * beaten + d) // (2 * d)


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """For sorted values, the position where each one's run of equal values starts."""
    m = len(ordered)
    new_run = np.ones(m, dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    return np.maximum.accumulate(np.where(new_run, np.arange(m), 0))


# Integers are ranked by counting (one bincount per indicator) when their span is at
# most this or the number of values; else by one sort of (stage, value, row) packed
# into an int64 when that fits; anything else by one argsort per stage cohort.
_COUNTING_SPAN = 1 << 12
_COUNT_PER_VALUE = 1
_PACKED_BITS = 63
_THREADS = 2  # indicators scored side by side (the county server has 2 cores)
_EXACT = 1 << 52  # integers compared as Float64 by the gains stay exact below this


def _set(
    beaten: np.ndarray,
    cents: np.ndarray,
    rows: np.ndarray,
    worse: np.ndarray,
    weights: list[int] | None,
    stage: int,
) -> None:
    """The beaten counts of one cohort's `rows` and, for a percentile indicator, their
    points."""
    beaten[rows] = worse
    if weights is not None:
        cents[rows] = _points(weights[stage], len(rows), worse)


@dataclass(frozen=True)
class _Ranked:
    """One indicator ranked in its stage cohorts (better is bigger: an indicator where
    lower is better is negated): `beaten` (the strictly worse known values of the
    cohort: ties beat nobody they tie with) and, for a percentile indicator, `cents`
    (0 where unknown), the known `counts` per stage (and 0 for "no stage"); and what
    `cents_after` needs to count the values below any other values: a table of counts
    by value (`below`), or each cohort's rows and values in order (`cohorts`)."""

    beaten: np.ndarray
    cents: np.ndarray
    counts: np.ndarray
    weights: list[int] | None
    lo: int = 0
    below: np.ndarray | None = None  # below[s, x] = the values of cohort s < lo + x
    cohorts: tuple[tuple[np.ndarray, np.ndarray], ...] = ()  # (rows, Float64 values)

    @classmethod
    def of(
        cls,
        values: np.ndarray,
        known: np.ndarray,
        code: np.ndarray,
        k: int,
        direction: str,
        weights: list[int] | None,
    ) -> _Ranked:
        n = len(values)
        v = -values if direction == "lower" else values
        rows = np.flatnonzero(known)
        g = code[rows]
        counts = np.bincount(g, minlength=k + 1)
        counts[k] = 0
        beaten = np.zeros(n, dtype=np.int64)
        cents = np.zeros(n, dtype=np.int64)
        if not len(rows):
            return cls(beaten, cents, counts, weights, 0, np.zeros((k + 1, 1), dtype=np.int64))
        vk = v[rows]
        if vk.dtype.kind == "i":
            lo, hi = int(vk.min()), int(vk.max())
            span = hi - lo + 1
            if (
                span <= max(_COUNTING_SPAN, _COUNT_PER_VALUE * len(rows))
                and -_EXACT < lo <= hi < _EXACT
            ):
                at = g * (span + 1) + (vk - lo)
                table = np.bincount(at + 1, minlength=(k + 1) * (span + 1))
                below = np.cumsum(table.reshape(k + 1, span + 1), axis=1)
                beaten[rows] = below.ravel()[at]
                ranked = cls(beaten, cents, counts, weights, lo, below)
                if weights is not None:
                    cents[rows] = ranked._cents_table(below).ravel()[at]
                return ranked
            row_bits, value_bits = max(1, (n - 1).bit_length()), (hi - lo).bit_length()
            if k.bit_length() + value_bits + row_bits <= _PACKED_BITS:
                # one sort of (stage, value, row) packed into an int64
                key = (g << (value_bits + row_bits)) | ((vk - lo) << row_bits) | rows
                key.sort()
                rows, head = key & ((1 << row_bits) - 1), key >> row_bits
                bounds = np.searchsorted(head >> value_bits, np.arange(k + 1))
                runs = _run_starts(head)
                values_f = ((head & ((1 << value_bits) - 1)) + lo).astype(np.float64)
                cohorts = []
                for s in range(k):
                    a, b = bounds[s], bounds[s + 1]
                    cohorts.append((rows[a:b], values_f[a:b]))
                    _set(beaten, cents, rows[a:b], runs[a:b] - a, weights, s)
                return cls(beaten, cents, counts, weights, cohorts=tuple(cohorts))
        cohorts = []
        for s in range(k):
            idx = rows[g == s]
            vs = v[idx]
            o = np.argsort(vs)
            idx, vs = idx[o], vs[o]
            _set(beaten, cents, idx, _run_starts(vs), weights, s)
            cohorts.append((idx, vs.astype(np.float64)))
        return cls(beaten, cents, counts, weights, cohorts=tuple(cohorts))

    def _cents_table(self, beaten: np.ndarray) -> np.ndarray:
        """Points by stage (a row per stage) of a table of beaten counts."""
        assert self.weights is not None
        out = np.zeros_like(beaten)
        for s, w in enumerate(self.weights):
            out[s] = _points(w, int(self.counts[s]), beaten[s])
        return out

    def cents_after(self, after: np.ndarray, code: np.ndarray, direction: str) -> np.ndarray:
        """For every known row of a percentile indicator, the points its value one step
        better (`after`, compared as Float64) would earn, all others unchanged: the
        other known values of its cohort strictly worse than it (the row itself, worse
        than its own improved value, is taken off). Meaningless for unknown rows."""
        a = after.astype(np.float64)
        if direction == "lower":
            a = -a
        if self.below is not None:
            width = self.below.shape[1]
            # the integers below a (as Float64) are those below ⌈a⌉
            x = np.clip(np.ceil(np.nan_to_num(a, nan=0.0)) - self.lo, 0, width - 1)
            table = self._cents_table(self.below - 1)
            out: np.ndarray = table.ravel()[code * width + x.astype(np.int64)]
            return out
        assert self.weights is not None
        out = np.zeros(len(a), dtype=np.int64)
        for s, (rows, ordered) in enumerate(self.cohorts):
            # the rows are in value order: their improved values are in order too
            beaten = np.searchsorted(ordered, a[rows], side="left") - 1
            out[rows] = _points(self.weights[s], len(rows), beaten)
        return out


@dataclass(frozen=True)
class _Scored:
    """One indicator scored: its output columns (weight, value, beaten, known, cents)
    and what the totals and the gains read."""

    ind: Indicator
    values: np.ndarray
    null: np.ndarray
    unknown: pl.Series
    weight: np.ndarray
    cents: np.ndarray  # 0 where unknown
    ranked: _Ranked
    columns: tuple[pl.Series, ...]

    @classmethod
    def of(
        cls,
        ind: Indicator,
        iset: IndicatorSet,
        read: pl.DataFrame,
        code: np.ndarray,
        no_stage: pl.Series,
    ) -> _Scored:
        k = len(iset.stages)
        v = read.get_column(c(ind.id, "v")).to_numpy()
        null = read.get_column(c(ind.id, "null")).to_numpy()
        known = ~null & (code < k)
        unknown = pl.Series(~known)
        weights = [ind.weights.get(s.id, 0) for s in iset.stages]
        w = np.array([*weights, 0], dtype=np.int64)[code]
        if ind.method == "thresholds":
            ranked = _Ranked.of(v, known, code, k, ind.direction, None)
            cents = np.where(known, w * _threshold_share(ind, v) // 100, 0)
        else:
            ranked = _Ranked.of(v, known, code, k, ind.direction, weights)
            cents = ranked.cents
        columns = (
            _nulls(c(ind.id, "weight"), w, no_stage),
            read.get_column(c(ind.id, "value")),
            _nulls(c(ind.id, "beaten"), ranked.beaten, unknown),
            pl.Series(c(ind.id, "known"), ranked.counts[code], dtype=pl.Int64),
            _nulls(c(ind.id, "cents"), cents, unknown),
        )
        return cls(ind, v, null, unknown, w, cents, ranked, columns)


@dataclass(frozen=True)
class _Totals:
    """Each stage cohort's totals, counted by value (or sorted when their span is too
    wide) to answer "how many totals of the cohort are at most t" for any t."""

    code: np.ndarray
    sizes: np.ndarray  # per stage, and 0 for "no stage"
    cohort: np.ndarray  # each row's cohort size
    lo: int = 0
    table: np.ndarray | None = None  # counting: table[s, x] = cohort s totals < lo + x
    base: np.ndarray | None = None  # counting: each row's cohort's offset in the table
    ordered: tuple[np.ndarray, ...] = ()  # sorting: each cohort's totals in order

    @classmethod
    def of(cls, total: np.ndarray, code: np.ndarray, k: int) -> _Totals:
        rows = np.flatnonzero(code < k)
        t, g = total[rows], code[rows]
        sizes = np.bincount(g, minlength=k + 1)
        sizes[k] = 0
        lo = int(t.min()) if len(t) else 0
        width = int(t.max()) - lo + 2 if len(t) else 2
        if width <= max(_COUNTING_SPAN, _COUNT_PER_VALUE * len(t)):
            counted = np.bincount(g * width + (t - lo) + 1, minlength=(k + 1) * width)
            table = np.cumsum(counted.reshape(k + 1, width), axis=1)
            return cls(code, sizes, sizes[code], lo, table, code * width)
        ordered = tuple(np.sort(t[g == s]) for s in range(k))
        return cls(code, sizes, sizes[code], ordered=ordered)

    def _at_most(self, t: np.ndarray, overall: bool = False) -> np.ndarray:
        if self.table is not None and self.base is not None:
            width = self.table.shape[1]
            x = np.clip(t - (self.lo - 1), 0, width - 1)
            if overall:
                return self.table[:-1].sum(axis=0)[x]  # type: ignore[no-any-return]
            return self.table.ravel()[self.base + x]  # type: ignore[no-any-return]
        if overall:
            every = np.sort(np.concatenate(self.ordered))
            return np.searchsorted(every, t, side="right")
        at_most = np.zeros(len(t), dtype=np.int64)
        for s, ordered in enumerate(self.ordered):
            idx = np.flatnonzero(self.code == s)
            at_most[idx] = np.searchsorted(ordered, t[idx], side="right")
        return at_most

    def rank(self, t: np.ndarray) -> np.ndarray:
        """Per row, 1 + the totals of its stage cohort strictly above `t` (ties share the
        best rank; meaningless for a row without a stage)."""
        rank: np.ndarray = self.cohort - self._at_most(t) + 1
        return rank

    def overall_rank(self, t: np.ndarray) -> np.ndarray:
        """Per row, 1 + the totals of every stage strictly above `t`."""
        rank: np.ndarray = int(self.sizes.sum()) - self._at_most(t, overall=True) + 1
        return rank


def _gains(
    sc: _Scored, total: np.ndarray, totals: _Totals, code: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    """`gain` and `rank_after` of an indicator with a step (see the docstring): the
    improved value counted against its cohort's known values, the improved total
    against its cohort's totals."""
    ind = sc.ind
    after = _step(ind, sc.values)
    if ind.method == "thresholds":
        new = sc.weight * _threshold_share(ind, after) // 100
    else:
        new = sc.ranked.cents_after(after, code, ind.direction)
    gain = new - sc.cents
    return (
        _nulls(c(ind.id, "gain"), gain, sc.unknown),
        _nulls(c(ind.id, "rank_after"), totals.rank(total + gain), sc.unknown),
    )


# -- explanations -----------------------------------------------------------------------------


def points_text(cents: int) -> str:
    """Hundredths of a point → "3.20" (integer arithmetic: the Decimal it equals was a
    fifth of the cost of explaining a county)."""
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"


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

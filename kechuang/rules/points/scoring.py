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

The output: the input frame with, per indicator, `beaten`, `known` (its stage's known
values), `cents` and, with a step, `gain` and `rank_after` (all Int32); per item its
`cents`; and the stage, totals, ranks and tier. What is the same for a whole stage or
follows from a row's inputs is not a column: the weight is `weight(ind, stage)`, the
value shown `display_value(ind, row)`.

How (issue #13: a county of 100,000 in a few times the time of one scan of its facts).
One Polars select reads each fact once (nulls filled by 0, null masks as bytes);
then numpy on whole columns, indicators on two threads. Every row falls in a *bucket*:
its stage, or its stage plus k when its value is unknown (k = the number of stages; k
alone = no stage), so that unknown values are kept apart without being filtered out.
Small whole numbers are ranked by counting: one `bincount` per indicator gives a table
by (bucket, value) of the values below, from which the beaten counts, points and gains
are each one lookup. Other values are sorted once (one packed sort of (bucket, value,
row), or one argsort per stage cohort), and the values below one step better are one
`searchsorted` of the improved values in that order. Totals lie within bounds the set
fixes, so they are counted too, and a rank, a tier and the rank after a gain are each
one lookup. Fresh memory costs page faults, so the per-indicator columns are Int32
and no column is made that a stage or a row's inputs already say.
"""

from __future__ import annotations

import itertools
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
    """The output column of `part` (beaten, known, cents, gain, rank_after) of an
    indicator or (cents) of an item."""
    return f"{indicator_id}|{part}"


def _cmp_expr(ind: Indicator) -> pl.Expr:
    """The value compared between enterprises: exact integers for amounts and counts; a
    correctly rounded Float64 quotient for ratios (equal quotients compare equal)."""
    src = ind.source
    if src.kind == "field":
        return pl.col(src.fields[0]).cast(pl.Int64)
    num, den = (pl.col(f).cast(pl.Float64) for f in src.fields)
    return pl.when(den > 0).then(num / den).otherwise(None)


def display_value(ind: Indicator, row: dict[str, Any]) -> float | None:
    """The value of an indicator in its display unit (万元, a count, or per cent) from a
    row's inputs; None when unknown. The same floats as the Polars expressions that made
    them a column before (Polars divides by a constant as a product by its reciprocal)."""
    src = ind.source
    if src.kind == "field":
        x = row[src.fields[0]]
        if x is None:
            return None
        return float(int(x)) * (1 / MICRO) if src.is_money else float(int(x))
    num, den = (row[f] for f in src.fields)
    if num is None or den is None or not den > 0:
        return None
    q = float(num) / float(den)
    return q * 100 if src.kind == "ratio" else (q - 1) * 100


def weight(ind: Indicator, stage: str) -> int:
    """An indicator's weight in a stage (hundredths of a point)."""
    return ind.weights.get(stage, 0)


def stage_expr(iset: IndicatorSet) -> pl.Expr:
    """Each row's stage id by revenue, as a Polars expression (`score` finds the same
    stages in numpy, `_stage_codes`; the bench's floor row uses this)."""
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


# Integers are ranked by counting (one bincount per indicator) when their span is at
# most this or the number of values; else by one sort of (bucket, value, row) packed
# into an int64 when that fits; anything else by one argsort per stage cohort. Totals
# are counted when a stage's possible totals (with room for any gain) are at most
# `_TOTALS_SPAN` or the number of values, else sorted.
_COUNTING_SPAN = 1 << 12
_COUNT_PER_VALUE = 1
_PACKED_BITS = 63
_TOTALS_SPAN = 1 << 16
_THREADS = 2  # indicators scored side by side (the county server has 2 cores)
_EXACT = 1 << 52  # integers compared as Float64 by the gains stay exact below this


def _read(frame: pl.DataFrame, iset: IndicatorSet) -> dict[str, np.ndarray]:
    """Every fact the set reads, as numpy, from one Polars select (its expressions run
    side by side): a whole-number field with its nulls filled by 0 (so that ranges
    include 0: harmless, and one pass less) and its null mask; a ratio or growth as
    Float64 with NaN where unknown; a yes/no item as its flag and its null mask. Masks
    and flags travel as UInt8 (numpy views them as bool without a copy)."""
    exprs: dict[str, pl.Expr] = {}

    def fact(name: str) -> None:
        x = pl.col(name).cast(pl.Int64)
        exprs[f"{name}|v"] = x.fill_null(0)
        exprs[f"{name}|null"] = x.is_null().cast(pl.UInt8)

    fact("revenue")
    for ind in iset.indicators:
        if ind.source.kind == "field":
            if f"{ind.source.fields[0]}|v" not in exprs:
                fact(ind.source.fields[0])
        else:
            exprs[c(ind.id, "cmp")] = _cmp_expr(ind).fill_null(float("nan"))
    for item in (*iset.bonus, *iset.negative):
        exprs[f"{item.field}|flag"] = pl.col(item.field).fill_null(False).cast(pl.UInt8)
        exprs[f"{item.field}|null"] = pl.col(item.field).is_null().cast(pl.UInt8)
    read = frame.select(e.alias(name) for name, e in exprs.items())
    out = {}
    for name in read.columns:
        a = read.get_column(name).to_numpy()
        out[name] = a.view(np.bool_) if a.dtype == np.uint8 else a
    return out


def _stage_codes(revenue: np.ndarray, null: np.ndarray, iset: IndicatorSet) -> np.ndarray:
    """Each row's stage index by revenue (k = no stage: revenue unknown)."""
    k = len(iset.stages)
    code = np.zeros(len(revenue), dtype=np.int64)
    for stage in iset.stages[:-1]:
        assert stage.revenue_below is not None
        code += revenue >= money_micro(stage.revenue_below)
    code[null] = k
    return code


def score(frame: pl.DataFrame, iset: IndicatorSet) -> pl.DataFrame:
    """Every enterprise of `frame` scored by `iset` (see the module's docstring)."""
    missing = [f for f in iset.fields if f not in frame.columns]
    if missing:
        labels = "、".join(POINT_FIELDS[f].label for f in missing)
        raise ValueError(f"积分数据缺少字段：{labels}")
    n, k = frame.height, len(iset.stages)
    inds = iset.indicators
    read = _read(frame, iset)
    code = _stage_codes(read["revenue|v"], read["revenue|null"], iset)
    staged = code < k
    no_stage = pl.Series(~staged)
    by_stage = _stage_rows(code, k)

    def one(ind: Indicator) -> _Scored:
        return _Scored.of(ind, iset, read, code, by_stage)

    with ThreadPoolExecutor(_THREADS) as pool:  # numpy lets go of the GIL in its loops
        by_id = {sc.ind.id: sc for sc in pool.map(one, _heaviest_first(inds))}
        scored = [by_id[ind.id] for ind in inds]
        total = np.zeros(n, dtype=np.int64)
        stake = total.copy()
        for sc in scored:
            total += sc.cents
            stake += sc.stake
        neg_unknown = np.zeros(n, dtype=np.int64)
        item_cents = []
        for sign, items in ((1, iset.bonus), (-1, iset.negative)):
            for item in items:
                null = read[f"{item.field}|null"]
                got = read[f"{item.field}|flag"] * (sign * item.points)  # 0 where unknown
                item_cents.append(_nulls(c(item.id, "cents"), got, pl.Series(null | ~staged)))
                total += got
                (stake if sign > 0 else neg_unknown)[null] += item.points
        ranks = _Ranks.of(total, code, iset)

        def after(sc: _Scored, gain: np.ndarray) -> pl.Series:
            rank = ranks.after(gain)
            return _int32(c(sc.ind.id, "rank_after"), rank, sc.unknown)

        stepped = [(sc, sc.gain) for sc in scored if sc.gain is not None]
        rank_after = list(pool.map(after, *zip(*stepped, strict=True))) if stepped else []
    out = [
        pl.Series(STAGE, [s.id for s in iset.stages] + [None], dtype=pl.String).gather(code),
        *[col for sc in scored for col in sc.columns],
        *item_cents,
        _nulls(TOTAL, total, no_stage),
        _nulls(AT_STAKE, stake, no_stage),
        _nulls(NEGATIVE_UNKNOWN, neg_unknown, no_stage),
        _nulls(RANK, ranks.rank, no_stage),
        pl.Series(COHORT, ranks.sizes[code], dtype=pl.Int64),
        _nulls(OVERALL_RANK, ranks.overall, no_stage),
        pl.Series(TIER, [t.id for t in iset.tiers] + [None], dtype=pl.String).gather(ranks.tier),
        *[_int32(c(sc.ind.id, "gain"), gain, sc.unknown) for sc, gain in stepped],
        *rank_after,
    ]
    return frame.with_columns(out)


def _heaviest_first(inds: tuple[Indicator, ...]) -> list[Indicator]:
    """Ratios and amounts (sorted) before counts (counted), so that the two threads
    end together."""
    return sorted(inds, key=lambda i: i.source.kind == "field" and not i.source.is_money)


def _nulls(name: str, values: np.ndarray, null: pl.Series) -> pl.Series:
    """A column of numpy values, null where `null` (a Boolean series)."""
    return pl.Series(name, values, dtype=pl.Int64).set(null, None)


def _stage_rows(code: np.ndarray, k: int) -> list[np.ndarray]:
    """The rows of each stage, in row order (for the argsort per stage)."""
    order = np.argsort(code.astype(np.int8), kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(code, minlength=k + 1))))
    return [order[bounds[s] : bounds[s + 1]] for s in range(k)]


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


def _int_step(ind: Indicator) -> int | None:
    """The step as a whole number of the compared unit when it is one (then a value one
    step better is a fixed offset in any table or order of whole numbers), else None."""
    if ind.step is None or ind.source.kind != "field":
        return None
    if ind.source.is_money:
        return money_micro(ind.step)
    return int(ind.step) if ind.step.denominator == 1 else None


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
    out: np.ndarray = np.multiply(beaten, 2 * weight, dtype=np.int64)  # (in place from here)
    out += d
    out //= 2 * d
    return out


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """For sorted values, the position where each one's run of equal values starts."""
    m = len(ordered)
    new_run = np.ones(m, dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    run = np.cumsum(new_run)
    run -= 1
    return np.flatnonzero(new_run)[run]  # type: ignore[no-any-return]


def _int32(name: str, values: np.ndarray, null: pl.Series | None) -> pl.Series:
    """An Int32 column of numpy values (Polars keeps the array itself), null where
    `null`. Per indicator, the columns are Int32 (ranks, counts and hundredths of a point
    all fit): a county's output is mostly fresh memory, paid in page faults."""
    s = pl.Series(name, values, dtype=pl.Int32)
    return s if null is None else s.set(null, None)


@dataclass(frozen=True)
class _Scored:
    """One indicator scored: its columns; per row its points (`cents`, 0 where unknown),
    the weight at `stake` where its value is unknown, and the `gain` one step better
    (no nulls); and the rows where those are null (`unknown`: the value unknown, or no
    stage)."""

    ind: Indicator
    columns: tuple[pl.Series, ...]
    unknown: pl.Series
    cents: np.ndarray
    stake: np.ndarray
    gain: np.ndarray | None

    @classmethod
    def of(
        cls,
        ind: Indicator,
        iset: IndicatorSet,
        read: dict[str, np.ndarray],
        code: np.ndarray,
        by_stage: list[np.ndarray],
    ) -> _Scored:
        k, n = len(iset.stages), len(code)
        weights = [ind.weights.get(s.id, 0) for s in iset.stages]
        if ind.source.kind == "field":
            field = ind.source.fields[0]
            v, null = read[f"{field}|v"], read[f"{field}|null"]
        else:
            v = read[c(ind.id, "cmp")]
            null = np.isnan(v)
        u = -v if ind.direction == "lower" else v  # better is bigger
        bucket = null * k  # see the module's docstring
        bucket += code
        unknown = bucket >= k
        stake = np.array([0] * k + weights + [0], dtype=np.int32)[bucket]
        s = _Scoring(ind, weights, k, v, u, bucket)
        counts: np.ndarray | None = None
        parts: _Parts
        if n and v.dtype.kind == "i":
            lo, hi = int(u.min()), int(u.max())
            d = _int_step(ind) or 0
            span = hi - lo + 1
            if (
                span <= max(_COUNTING_SPAN, _COUNT_PER_VALUE * n)
                and -_EXACT < lo
                and hi + max(d, 1) < _EXACT
            ):
                counts, parts = s.counted(lo, span + max(d, 1))
            else:
                value_bits = (hi - lo + d).bit_length()
                row_bits = max(1, (n - 1).bit_length())
                if (2 * k).bit_length() + value_bits + row_bits <= _PACKED_BITS:
                    counts, parts = s.sorted(_packed(u, lo, bucket, k, value_bits, row_bits))
        if counts is None:
            cohorts = []
            for rows in by_stage:  # one argsort per stage cohort
                rows = rows[~null[rows]]  # (numpy's fast argsort is slow with NaN)
                values = u[rows]
                order = np.argsort(values)
                cohorts.append((rows[order], values[order]))
            counts, parts = s.sorted(cohorts)
        beaten, cents, gain = parts
        null_s = pl.Series(unknown)
        columns = (
            _int32(c(ind.id, "beaten"), beaten, null_s),
            _int32(c(ind.id, "known"), np.take(counts.astype(np.int32), code), None),
            _int32(c(ind.id, "cents"), cents, null_s),
        )
        return cls(ind, columns, null_s, cents, stake, gain)


def _packed(
    u: np.ndarray, lo: int, bucket: np.ndarray, k: int, value_bits: int, row_bits: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each stage cohort's known rows and values in value order, from one sort of
    (bucket, value − lo, row) packed into an int64."""
    key = u - lo
    key <<= row_bits
    key |= np.arange(len(u))
    key |= bucket << (value_bits + row_bits)
    key.sort()
    starts = np.cumsum(np.bincount(bucket, minlength=2 * k + 1)[:k])
    known = key[: starts[-1]]
    rows = known & ((1 << row_bits) - 1)
    values = known >> row_bits
    values &= (1 << value_bits) - 1
    values += lo
    bounds = [0, *starts.tolist()]
    return [(rows[a:b], values[a:b]) for a, b in itertools.pairwise(bounds)]


# Per row, Int32: beaten counts, points (0 where unknown), and the gain one step better
# (with a step; None without).
_Parts = tuple[np.ndarray, np.ndarray, np.ndarray | None]


@dataclass(frozen=True)
class _Scoring:
    """What ranking one indicator needs: its weights per stage, the values as read
    (`v`) and better-is-bigger (`u`), and each row's bucket."""

    ind: Indicator
    weights: list[int]
    k: int
    v: np.ndarray
    u: np.ndarray
    bucket: np.ndarray

    def _after(self, u: np.ndarray) -> np.ndarray:
        """Better-is-bigger values one step better, compared as Float64 (exactly as the
        values themselves are compared: amounts as exact integers, converted once)."""
        lower = self.ind.direction == "lower"
        a: np.ndarray = _step(self.ind, -u if lower else u).astype(np.float64, copy=False)
        return -a if lower else a

    def _bucket_weights(self) -> np.ndarray:
        """Each row's weight where its value is known (0 elsewhere)."""
        weights: np.ndarray = np.array(self.weights + [0] * (self.k + 1), dtype=np.int64)
        return weights[self.bucket]  # type: ignore[no-any-return]

    def counted(self, lo: int, width: int) -> tuple[np.ndarray, _Parts]:
        """By counting: a table by (bucket, value − lo) of width `width` (the values,
        then room for one step better, or at least one column above them all); the
        known values per stage returned."""
        ind, k = self.ind, self.k
        at = self.bucket * width
        at += self.u
        at -= lo
        table = np.bincount(at, minlength=(2 * k + 1) * width).reshape(2 * k + 1, width)
        counts = np.append(table[:k].sum(axis=1), 0)
        below = np.zeros(table.shape, dtype=np.int32)  # below[s, x]: values below lo + x
        below[:k] = np.cumsum(table[:k], axis=1) - table[:k]
        cents = np.zeros_like(below)
        if ind.method == "thresholds":
            x = np.arange(lo, lo + width, dtype=np.int64)
            share = _threshold_share(ind, -x if ind.direction == "lower" else x)
            for s, w in enumerate(self.weights):
                cents[s] = w * share // 100
        else:
            for s, w in enumerate(self.weights):
                cents[s] = _points(w, int(counts[s]), below[s])
        beaten, got = below.ravel()[at], cents.ravel()[at]
        gain = None
        d = _int_step(ind)
        if d is not None:  # one step better is d columns to the right
            gains = np.zeros_like(below)
            if ind.method == "thresholds":
                gains[:k, :-d] = cents[:k, d:] - cents[:k, :-d]
            else:
                for s, w in enumerate(self.weights):
                    # the values below the improved one, less the row itself
                    gains[s, :-d] = _points(w, int(counts[s]), below[s, d:] - 1) - cents[s, :-d]
            gain = gains.ravel()[at]
        elif ind.step is not None:  # a fractional step: looked up by value
            if ind.method == "thresholds":
                w = np.array([*self.weights, 0], dtype=np.int64)[np.minimum(self.bucket, k)]
                new = w * _threshold_share(ind, _step(ind, self.v)) // 100
            else:
                # the integers below a (as Float64) are those below ⌈a⌉
                a = self._after(self.u)
                x = np.clip(np.ceil(np.nan_to_num(a, nan=0.0)) - lo, 0, width - 1)
                after = np.zeros_like(below)
                for s, w in enumerate(self.weights):
                    after[s] = _points(w, int(counts[s]), below[s] - 1)
                new = after.ravel()[self.bucket * width + x.astype(np.int64)]
            gain = (new - got).astype(np.int32)
        return counts, (beaten, got, gain)

    def sorted(self, cohorts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, _Parts]:
        """From each stage cohort's known rows and their values, in value order: the
        beaten counts are where each run of equal values starts; the values below one
        step better are found by one `searchsorted` of the improved values (in order).
        The known values per stage returned."""
        ind, n = self.ind, len(self.bucket)
        beaten = np.zeros(n, dtype=np.int32)
        cents = np.zeros(n, dtype=np.int32)
        counts = np.array([len(rows) for rows, _ in cohorts] + [0], dtype=np.int64)
        percentile = ind.method == "percentile"
        cohort_cents = []
        for (rows, values), w in zip(cohorts, self.weights, strict=True):
            b = _run_starts(values)
            beaten[rows] = b
            if percentile:
                cohort_cents.append(_points(w, len(rows), b))
                cents[rows] = cohort_cents[-1]
        if not percentile:
            wk = self._bucket_weights()
            cents[:] = wk * _threshold_share(ind, self.v) // 100
        if ind.step is None:
            return counts, (beaten, cents, None)
        gain = np.zeros(n, dtype=np.int32)
        if not percentile:
            gain[:] = wk * _threshold_share(ind, _step(ind, self.v)) // 100 - cents
            return counts, (beaten, cents, gain)
        d = _int_step(ind)
        for (rows, values), w, got in zip(cohorts, self.weights, cohort_cents, strict=True):
            if not len(values):
                continue
            if (
                d is not None
                and values.dtype.kind == "i"
                and -_EXACT < values[0]
                and values[-1] + d < _EXACT
            ):
                below = np.searchsorted(values, values + d)
            else:
                ordered = values.astype(np.float64, copy=False)
                below = np.searchsorted(ordered, self._after(values))
            below -= 1  # less the row itself
            new = _points(w, len(rows), below)
            new -= got
            gain[rows] = new
        return counts, (beaten, cents, gain)


@dataclass(frozen=True)
class _Ranks:
    """Ranks from the totals: per row its stage `rank` (ties share the best), `overall`
    rank and `tier` (an index into the set's tiers; their number = none), each stage's
    `sizes` (and 0 for "no stage"), and `after(gain)`: the rank with `gain` added to the
    total, others unchanged.

    Totals are whole hundredths between −(negative items) and the largest stage's
    weights plus the bonus items, so they are counted: a table by (stage, total) of the
    totals at most that, wide enough for any gain (a gain is at most a weight), turned
    into tables of ranks and tiers; a rank is then one lookup. Totals too wide for that
    (absurd items) are sorted instead."""

    rank: np.ndarray
    overall: np.ndarray
    tier: np.ndarray
    sizes: np.ndarray
    _rank_table: np.ndarray | None = None
    _pos: np.ndarray | None = None
    _code: np.ndarray | None = None
    _ordered: tuple[np.ndarray, ...] = ()
    _total: np.ndarray | None = None

    @classmethod
    def of(cls, total: np.ndarray, code: np.ndarray, iset: IndicatorSet) -> _Ranks:
        k, n, tiers = len(iset.stages), len(total), iset.tiers
        pad = max((w for ind in iset.indicators for w in ind.weights.values()), default=0)
        lo = -sum(i.points for i in iset.negative) - pad
        top = max(sum(i.weights.get(s.id, 0) for i in iset.indicators) for s in iset.stages)
        width = top + sum(i.points for i in iset.bonus) + pad - lo + 1
        if width > max(_TOTALS_SPAN, _COUNT_PER_VALUE * n):
            return cls._sorted(total, code, iset)
        pos = code * width + (total - lo)
        table = np.cumsum(
            np.bincount(pos, minlength=(k + 1) * width).reshape(k + 1, width), axis=1
        )  # table[s, x]: the totals of stage s at most lo + x
        sizes = table[:, -1].copy()
        sizes[k] = 0
        ranks = sizes[:, None] - table + 1
        overall = int(sizes.sum()) - table[:k].sum(axis=0) + 1
        tier = np.full_like(ranks, len(tiers))
        for t in range(len(tiers) - 1, -1, -1):
            top_t = tiers[t].top
            cut = (top_t.numerator * sizes + top_t.denominator - 1) // top_t.denominator
            tier[ranks <= cut[:, None]] = t
        tier[k] = len(tiers)
        flat = ranks.ravel().astype(np.int32)
        return cls(flat[pos], overall[total - lo], tier.ravel()[pos], sizes, flat, pos)

    @classmethod
    def _sorted(cls, total: np.ndarray, code: np.ndarray, iset: IndicatorSet) -> _Ranks:
        k, tiers = len(iset.stages), iset.tiers
        staged = code < k
        sizes = np.bincount(code, minlength=k + 1)
        sizes[k] = 0
        ordered = tuple(np.sort(total[code == s]) for s in range(k))
        every = np.sort(total[staged])
        overall = int(sizes.sum()) - np.searchsorted(every, total, side="right") + 1
        ranks = cls(np.zeros(0), overall, np.zeros(0), sizes, None, None, code, ordered, total)
        rank = ranks._rank(total)
        cohort = sizes[code]
        tier = np.full(len(total), len(tiers), dtype=np.int64)
        for t in range(len(tiers) - 1, -1, -1):
            top = tiers[t].top
            cut = (top.numerator * cohort + top.denominator - 1) // top.denominator
            tier[rank <= cut] = t
        tier[~staged] = len(tiers)
        return cls(rank, overall, tier, sizes, None, None, code, ordered, total)

    def _rank(self, t: np.ndarray) -> np.ndarray:
        """Sorted: per row, 1 + the totals of its stage strictly above `t`."""
        assert self._code is not None
        at_most = np.zeros(len(t), dtype=np.int64)
        for s, ordered in enumerate(self._ordered):
            idx = np.flatnonzero(self._code == s)
            at_most[idx] = np.searchsorted(ordered, t[idx], side="right")
        return self.sizes[self._code] - at_most + 1  # type: ignore[no-any-return]

    def after(self, gain: np.ndarray) -> np.ndarray:
        """Per row, 1 + the totals of its stage strictly above its total plus `gain`
        (meaningless for a row without a stage)."""
        if self._rank_table is not None and self._pos is not None:
            return self._rank_table[self._pos + gain]  # type: ignore[no-any-return]
        assert self._total is not None
        return self._rank(self._total + gain)


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
                _value_text(ind, display_value(ind, row)),
                reading,
                points_text(weight(ind, stage)),
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

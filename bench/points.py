"""Benchmark innovation-points scoring (run by hand, not a test).

    .venv/bin/python bench/points.py [--n 100000] [--repeat 3]

Generates N synthetic enterprises (deterministic, vectorized; about 5 % of every fact
unknown, revenue spread over the three stages) and times, each the best of `--repeat`
runs after one untimed warm-up:

* the scan limit: ONE pass over every column the default indicator set reads (the sum
  of each column, null counts included) — a lower bound for anything that must look at
  every fact once;
* scoring without gains: stages, every indicator's percentile in its stage cohort,
  points, totals, ranks and tiers;
* scoring with gains: the above plus, for every indicator with a step, the points and
  the rank one step better (the "cheapest ways to gain" of the explanations);
* the floor of exact ranking: one `np.sort` of every percentile indicator's known values
  within each stage cohort, the values derived beforehand (from the frame, by the
  expressions scoring compares) and nothing else done — the least an exact percentile
  in its cohort costs (ties and unknown values aside), to set the 10× target against;
* the floor of returning the result: the columns `score` adds (their number and dtypes
  taken from one scored run), each filled with a constant into fresh memory, as `score`
  must return them — and, beside it, the same writes into memory already touched, which
  shows how much of that floor is the first touch of fresh pages (a page fault per
  4 KiB; on our virtual machines several µs each).

Target (issue #13): the whole county of 100,000 scored in under 2 s on 2 cores, within
10× of the scan.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kechuang.rules.points import POINT_FIELDS, default_set, score
from kechuang.rules.points.scoring import _cmp_expr, stage_expr

M = 1_000_000


def synthetic(n: int, seed: int = 2021) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    stage = rng.choice([0, 1, 2], size=n, p=[0.5, 0.4, 0.1])
    revenue_wan = np.where(
        stage == 0,
        rng.integers(10, 500, n),
        np.where(stage == 1, rng.integers(500, 10_000, n), rng.integers(10_000, 200_000, n)),
    )
    revenue = revenue_wan * M
    cols: dict[str, np.ndarray] = {
        "revenue": revenue,
        "revenue_prev": (revenue * rng.uniform(0.6, 1.4, n)).astype(np.int64),
        "net_assets": (revenue * rng.uniform(0.1, 1.5, n)).astype(np.int64),
        "net_assets_prev": (revenue * rng.uniform(0.1, 1.5, n)).astype(np.int64),
        "rd_expense": (revenue * rng.uniform(0, 0.1, n)).astype(np.int64),
        "hightech_income": (revenue * rng.uniform(0, 0.9, n)).astype(np.int64),
        "tax_paid": (revenue * rng.uniform(0, 0.08, n)).astype(np.int64),
        "tech_contract_amount": np.where(
            rng.random(n) < 0.2, rng.integers(1, 500, n) * M, 0
        ).astype(np.int64),
        "employees": rng.integers(5, 2000, n),
        "invention_patents": rng.poisson(1.5, n),
        "other_ip": rng.poisson(6, n),
        "rd_institutions": rng.choice([0, 1, 2], size=n, p=[0.8, 0.15, 0.05]),
        "talents": rng.poisson(0.3, n),
        "awards": rng.poisson(0.1, n),
    }
    cols["tech_staff"] = (cols["employees"] * rng.uniform(0, 0.4, n)).astype(np.int64)
    frame: dict[str, pl.Series] = {"key": pl.Series(np.arange(n))}
    for key, values in cols.items():
        unknown = rng.random(n) < (0.01 if key == "revenue" else 0.05)
        frame[key] = pl.Series(key, values, dtype=pl.Int64).scatter(np.flatnonzero(unknown), None)
    for key, share in (
        ("hnte_valid", 0.2),
        ("tech_sme", 0.4),
        ("major_incident", 0.005),
        ("credit_blacklisted", 0.003),
    ):
        s = pl.Series(key, rng.random(n) < share)
        frame[key] = s.scatter(np.flatnonzero(rng.random(n) < 0.05), None)
    assert set(frame) >= set(POINT_FIELDS)
    return pl.DataFrame(frame)


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, float]:
    """(cold, best warm) seconds."""
    t0 = time.perf_counter()
    work()
    cold = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        runs.append(time.perf_counter() - t0)
    return cold, min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    iset = default_set()
    t0 = time.perf_counter()
    df = synthetic(args.n)
    print(f"generated {args.n:,} enterprises in {time.perf_counter() - t0:.2f} s")
    fields = iset.fields

    def scan() -> object:
        return df.select([pl.col(f).cast(pl.Int64).sum() for f in fields]).row(0)

    plain = replace(iset, indicators=tuple(replace(i, step=None) for i in iset.indicators))
    cohorts = []  # every percentile indicator's known values per stage, better is bigger
    for ind in iset.indicators:
        if ind.method != "percentile":
            continue
        values = df.select(stage_expr(iset).alias("s"), _cmp_expr(ind).alias("v")).drop_nulls()
        for part in values.partition_by("s"):
            v = part.get_column("v").to_numpy()
            cohorts.append(-v if ind.direction == "lower" else v)

    def floor() -> object:
        return [np.sort(v) for v in cohorts]

    result = score(df, iset)
    added = [result[name].dtype for name in result.columns if name not in df.columns]
    widths = [np.int32 if dtype == pl.Int32 else np.int64 for dtype in added]
    added_mb = sum(np.dtype(w).itemsize for w in widths) * args.n / 1e6

    def write_fresh() -> object:
        return [np.full(args.n, 1, dtype=w) for w in widths]

    touched = write_fresh()

    def write_touched() -> object:
        for a in touched:
            a.fill(2)
        return touched

    figures = {
        "scan (one pass over the read columns)": best_of(args.repeat, scan),
        "score: percentiles, points, ranks, tiers": best_of(args.repeat, lambda: score(df, plain)),
        "score + gains (one step of every stepped indicator)": best_of(
            args.repeat, lambda: score(df, iset)
        ),
        "floor: one sort per percentile indicator and stage": best_of(args.repeat, floor),
        f"floor: write the {len(widths)} result columns ({added_mb:.1f} MB), fresh memory": (
            best_of(args.repeat, write_fresh)
        ),
        "  the same writes into memory already touched": best_of(args.repeat, write_touched),
    }
    base = figures["scan (one pass over the read columns)"][1]
    print(f"{'':62} {'cold s':>8} {'best s':>8} {'rows/s':>12} {'× scan':>8}")
    for name, (cold, best) in figures.items():
        print(f"{name:62} {cold:8.3f} {best:8.3f} {args.n / best:12,.0f} {best / base:8.1f}")
    out = result
    print(
        f"scored {out['total'].count():,} (stage unknown: {out['stage'].null_count():,}); "
        f"{len(iset.indicators)} indicators, "
        f"{sum(i.step is not None for i in iset.indicators)} with gains"
    )


if __name__ == "__main__":
    main()

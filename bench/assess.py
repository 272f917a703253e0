"""Benchmark the rules engine (run by hand, not a test).

    .venv/bin/python bench/assess.py [--n 1000000] [--sample 200]

Generates N synthetic enterprises (deterministic, vectorized), then prints seconds and
rows/s for: the vectorized assessment (hnte-2016 + tech-sme-2017, and all three rule
sets), a per-row loop over a sample (extrapolated), one pass that merely sums the input
columns (the scan limit), and the ratios. The vectorized figure is "end to end" from a
typed facts frame to every result column (verdicts, scores, notes, remedies, fixes);
turning results into JSON objects is timed separately on a sample.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import polars as pl

from kechuang.rules.evaluate import assess, conform
from kechuang.rules.explain import records
from kechuang.rules.fields import MICRO
from kechuang.rules.rulesets import RULESETS

AS_OF = date(2025, 6, 15)


def _rand(i: pl.Expr, seed: int, n: int) -> pl.Expr:
    """A deterministic pseudo-random integer in [0, n) per row."""
    return (i.hash(seed) % n).cast(pl.Int64)


def synthetic(n: int) -> pl.DataFrame:
    i = pl.int_range(n, dtype=pl.Int64)
    wan = MICRO
    base = pl.DataFrame({"_i": pl.int_range(n, dtype=pl.Int64, eager=True)})
    emp = _rand(i, 1, 600) + 1
    frame = base.select(
        (pl.lit("91321283MA") + i.cast(pl.String).str.zfill(8)).alias("uscc"),
        (pl.lit("企业") + i.cast(pl.String)).alias("name"),
        (pl.lit(date(2015, 1, 1)) + pl.duration(days=_rand(i, 2, 3800))).alias("registered_on"),
        emp.alias("employees"),
        (_rand(i, 3, 1000) * emp // 2000).alias("tech_staff"),
        *(
            ((_rand(i, 10 + k, 30_000 * 1000)) * (wan // 1000)).alias(f"revenue_y{k}")
            for k in (1, 2, 3)
        ),
        *(
            ((_rand(i, 20 + k, 2_000 * 1000)) * (wan // 1000)).alias(f"rd_expense_y{k}")
            for k in (1, 2, 3)
        ),
        (_rand(i, 30, 5_000 * 1000) * (wan // 1000)).alias("rd_domestic_3y"),
        *(
            ((_rand(i, 40 + k, 20_000 * 1000) - 1_000_000) * (wan // 1000)).alias(
                f"net_assets_y{k}"
            )
            for k in (1, 2, 3)
        ),
        (_rand(i, 50, 30_000 * 1000) * (wan // 1000)).alias("total_income"),
        (_rand(i, 51, 100 * 1000) * (wan // 1000)).alias("non_taxable_income"),
        (_rand(i, 52, 25_000 * 1000) * (wan // 1000)).alias("hightech_income"),
        (_rand(i, 53, 30_000 * 1000) * (wan // 1000)).alias("total_assets"),
        (_rand(i, 54, 30_000 * 1000) * (wan // 1000)).alias("total_cost"),
        _rand(i, 60, 3).alias("ip_class1"),
        _rand(i, 61, 8).alias("ip_class2"),
        (_rand(i, 62, 2) == 1).alias("ip_self_developed"),
        _rand(i, 63, 25).alias("conversions_3y"),
        pl.lit("1.1").alias("tech_domain"),
        (_rand(i, 64, 2) == 1).alias("standards"),
        (_rand(i, 65, 50) == 0).alias("major_incident"),
        (_rand(i, 66, 50) == 0).alias("credit_blacklisted"),
        (_rand(i, 67, 100) == 0).alias("prohibited_industry"),
        (_rand(i, 68, 10) == 0).alias("hnte_valid"),
        (_rand(i, 69, 10) == 0).alias("hnte_ever"),
    )
    # Some blanks (unknown facts), as in real ledgers.
    frame = frame.with_columns(
        pl.when(_rand(i, 70, 20) == 0)
        .then(None)
        .otherwise(pl.col("revenue_y1"))
        .alias("revenue_y1"),
    )
    return conform(frame, AS_OF)


def timed(label: str, rows: int, fn: object, repeat: int = 2) -> float:
    """Best of `repeat` runs (the first run also pays for allocating the result)."""
    assert callable(fn)
    seconds = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        seconds = min(seconds, time.perf_counter() - start)
    print(f"{label:<58} {seconds:9.3f} s  {rows / seconds:>12,.0f} rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    n = args.n
    two = [RULESETS["hnte-2016"], RULESETS["tech-sme-2017"]]
    three = list(RULESETS.values())

    t0 = time.perf_counter()
    facts = synthetic(n)
    print(
        f"generated {n:,} enterprises in {time.perf_counter() - t0:.2f} s ({facts.width} columns)"
    )
    numeric = [c for c, t in facts.schema.items() if t == pl.Int64 and c != "_row"]

    assess(facts.head(1000), three, as_of=AS_OF)  # warm up (plan building, thread pool)
    scan = timed(
        "scan limit: one pass summing the input columns",
        n,
        lambda: facts.select([pl.col(c).sum() for c in numeric]),
    )
    vec2 = timed(
        "vectorized hnte-2016 + tech-sme-2017, decisions",
        n,
        lambda: assess(facts, two, as_of=AS_OF, detail=False),
    )
    full2 = timed(
        "vectorized hnte-2016 + tech-sme-2017, + notes & remedies",
        n,
        lambda: assess(facts, two, as_of=AS_OF),
    )
    vec3 = timed(
        "vectorized all three rule sets, decisions",
        n,
        lambda: assess(facts, three, as_of=AS_OF, detail=False),
    )
    full3 = timed(
        "vectorized all three rule sets, + notes & remedies",
        n,
        lambda: assess(facts, three, as_of=AS_OF),
    )

    sample = facts.head(args.sample)
    loop_start = time.perf_counter()
    for k in range(sample.height):
        assess(sample.slice(k, 1), two, as_of=AS_OF)
    per_row = (time.perf_counter() - loop_start) / sample.height
    loop2 = per_row * n
    print(
        f"{'per-row loop hnte-2016 + tech-sme-2017 (extrapolated)':<58} {loop2:9.1f} s  {1 / per_row:>12,.0f} rows/s  (sample {sample.height})"
    )

    evaluated = assess(facts.head(20_000), three, as_of=AS_OF)
    json_s = timed(
        "JSON result objects, all three (20,000-row sample)",
        20_000,
        lambda: list(records(evaluated, three)),
    )

    print()
    print(f"hnte+tech-sme rows/s, decisions:        {n / vec2:,.0f}   (target ≥ 500,000)")
    print(f"hnte+tech-sme rows/s, with explanations: {n / full2:,.0f}")
    print(f"all three rows/s, decisions / explained: {n / vec3:,.0f} / {n / full3:,.0f}")
    print(
        f"speed-up over the per-row loop:         {loop2 / vec2:,.0f}× decisions, {loop2 / full2:,.0f}× explained  (target ≥ 50×)"
    )
    print(
        f"vectorized ÷ scan limit:                {vec2 / scan:,.1f}× decisions, {full2 / scan:,.1f}× explained  (target ≤ 10×)"
    )
    print(f"JSON objects (all three):        {20_000 / json_s:,.0f} enterprises/s")


if __name__ == "__main__":
    main()

"""Benchmark the rules engine (run by hand, not a test).

    .venv/bin/python bench/assess.py [--n 1000000] [--repeat 3] [--sample 200] [--e2e 100000]

Generates N synthetic enterprises (deterministic, vectorized), then times:

* the scan limit: ONE pass that reads every input column the rules read (sums of the
  numbers and booleans, dates as day numbers, byte lengths of the codes) — an honest
  lower bound for any engine that must look at every fact once;
* the vectorized assessment (hnte-2016 + tech-sme-2017, and all three rule sets),
  decisions only (every column; and only the columns the result table reads, which lets
  the query skip the rest) and with notes, remedies and fixes;
* the per-row loop: the same engine called on one-row frames (the web page's "explain
  one enterprise" path: assess + result objects), over a sample, extrapolated;
* END TO END for hnte-2016 + tech-sme-2017, file to file, through the CLI's own code
  (`python -m kechuang.rules assess IN --format csv|parquet --out OUT`): read the input
  file (Parquet with typed columns and amounts as exact decimals, or the same as CSV),
  check every cell (assess.md "Invalid input"), assess, and write the flat result table
  (one row per enterprise and rule set, criteria as columns); against the file scan limit
  (read the same file, then the one pass above);
* ONE SHOT: `kechuang assess` in a fresh process on the same Parquet file, as a user
  runs it (start-up, plan building and first-query costs included), and its start-up
  alone (a one-enterprise file);
* result objects + JSON text (what `--format jsonl` writes: every note and remedy as
  text, about 5 KB per enterprise), on `--e2e` rows.

Every figure but ONE SHOT is the best of `--repeat` runs after one untimed warm-up run of the very
same work (the first run of a query pays for plan building, the thread pool and the
allocator growing to the working set; it is printed as "cold"). Variants run in a fixed
order, each one warmed up, so their order no longer changes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from kechuang.rules import uscc
from kechuang.rules.cli import main as rules_cli
from kechuang.rules.evaluate import assess, conform
from kechuang.rules.explain import explain, records
from kechuang.rules.fields import FIELDS, MICRO
from kechuang.rules.model import RuleSet
from kechuang.rules.rulesets import RULESETS
from kechuang.rules.table import table_inputs

AS_OF = date(2025, 6, 15)
WIDTH = 62


def _rand(i: pl.Expr, seed: int, n: int) -> pl.Expr:
    """A deterministic pseudo-random integer in [0, n) per row."""
    return (i.hash(seed) % n).cast(pl.Int64)


def synthetic(n: int) -> pl.DataFrame:
    i = pl.int_range(n, dtype=pl.Int64)
    wan = MICRO
    base = pl.DataFrame({"_i": pl.int_range(n, dtype=pl.Int64, eager=True)})
    emp = _rand(i, 1, 600) + 1
    frame = base.select(
        (pl.lit("91321283MA") + i.cast(pl.String).str.zfill(7)).alias("uscc"),
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
    # Valid codes (check digit per GB 32100), as in a registry: the first 17 characters
    # are unique, the 18th computed.
    first17 = frame.get_column("uscc")
    codes = uscc.codes_array(("0".join(first17.to_list()) + "0").encode("ascii"))
    digits = np.array(list(uscc.CHARSET))[uscc.expected_check_indexes(codes)]
    frame = frame.with_columns(first17 + pl.Series(digits.tolist(), dtype=pl.String))
    # Some blanks (unknown facts), as in real ledgers.
    frame = frame.with_columns(
        pl.when(_rand(i, 70, 20) == 0)
        .then(None)
        .otherwise(pl.col("revenue_y1"))
        .alias("revenue_y1"),
    )
    return conform(frame, AS_OF)


def input_layout(facts: pl.DataFrame) -> pl.DataFrame:
    """The facts as a user's file holds them (assess.md "Input"): amounts in 万元 as exact
    decimals (6 places), everything else as is."""
    exprs = []
    for f in FIELDS:
        x = pl.col(f.key)
        if f.kind == "money":
            wan = x.cast(pl.Decimal(24, 6)) / pl.lit(MICRO, dtype=pl.Decimal(24, 0))
            x = wan.cast(pl.Decimal(24, 6))
        exprs.append(x.alias(f.key))
    return facts.select(exprs)


def scan_exprs(schema: pl.Schema) -> list[pl.Expr]:
    """One aggregate per input column the rules read (every fact but the name)."""
    out: list[pl.Expr] = []
    for f in FIELDS:
        if f.key == "name":
            continue
        dtype = schema[f.key]
        x = pl.col(f.key)
        if dtype == pl.String:
            out.append(x.str.len_bytes().sum())
        elif dtype == pl.Date:
            out.append(x.cast(pl.Int32).sum())
        else:
            out.append(x.sum())
    return out


def jsonl(evaluated: pl.DataFrame, rulesets: Sequence[RuleSet]) -> int:
    """The text `--format jsonl` writes (into memory); returns its length."""
    buf = io.StringIO()
    for r in records(evaluated, rulesets):
        buf.write(json.dumps(r, ensure_ascii=False))
        buf.write("\n")
    return buf.tell()


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


class Timing:
    def __init__(self, label: str, rows: int, cold: float, runs: list[float]) -> None:
        self.label, self.rows, self.cold, self.runs = label, rows, cold, runs

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def per_row(self) -> float:
        return self.best / self.rows

    def rate(self) -> float:
        return self.rows / self.best


def timed(label: str, rows: int, fn: Callable[[], Any], repeat: int) -> Timing:
    """Best of `repeat` timed runs after one warm-up run of the same work."""
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    t = Timing(label, rows, cold, runs)
    spread = f"median {statistics.median(runs):.3f}, cold {cold:.3f}"
    print(f"{label:<{WIDTH}} {t.best:9.3f} s {t.rate():>12,.0f} rows/s  ({spread})")
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=200, help="rows of the per-row loop")
    parser.add_argument("--e2e", type=int, default=100_000, help="rows of the end-to-end run")
    args = parser.parse_args()
    n, repeat = args.n, args.repeat
    two = [RULESETS["hnte-2016"], RULESETS["tech-sme-2017"]]
    three = list(RULESETS.values())

    t0 = time.perf_counter()
    facts = synthetic(n)
    print(
        f"generated {n:,} enterprises in {time.perf_counter() - t0:.2f} s "
        f"({facts.width} columns), {pl.thread_pool_size()} Polars threads, best of {repeat}"
    )
    scan_cols = scan_exprs(facts.schema)
    scan = timed(
        f"scan limit: one pass over the {len(scan_cols)} input columns the rules read",
        n,
        lambda: facts.select(scan_cols),
        repeat,
    )
    vec2 = timed(
        "vectorized hnte-2016 + tech-sme-2017, decisions",
        n,
        lambda: assess(facts, two, as_of=AS_OF, detail=False),
        repeat,
    )
    table2 = timed(
        "vectorized hnte-2016 + tech-sme-2017, decisions, the table's columns",
        n,
        lambda: assess(facts, two, as_of=AS_OF, detail=False, columns=table_inputs(two)),
        repeat,
    )
    full2 = timed(
        "vectorized hnte-2016 + tech-sme-2017, + notes & remedies",
        n,
        lambda: assess(facts, two, as_of=AS_OF),
        repeat,
    )
    timed(
        "vectorized all three rule sets, decisions",
        n,
        lambda: assess(facts, three, as_of=AS_OF, detail=False),
        repeat,
    )
    timed(
        "vectorized all three rule sets, + notes & remedies",
        n,
        lambda: assess(facts, three, as_of=AS_OF),
        repeat,
    )

    sample = facts.head(args.sample)
    rows = [sample.slice(k, 1) for k in range(sample.height)]
    loop_assess = timed(
        f"per-row loop hnte+tech-sme, assess only (sample {sample.height})",
        sample.height,
        lambda: [assess(r, two, as_of=AS_OF) for r in rows],
        repeat,
    )
    loop2 = timed(
        f"per-row loop hnte+tech-sme, explain() = assess + objects (sample {sample.height})",
        sample.height,
        lambda: [explain(r, two, as_of=AS_OF) for r in rows],
        repeat,
    )

    # END TO END, file to file, through the CLI (input checks included).
    tmp = Path(tempfile.mkdtemp(prefix="kechuang-bench-"))
    typed = input_layout(facts)
    files = {"parquet": tmp / "in.parquet", "csv": tmp / "in.csv"}
    typed.write_parquet(files["parquet"])
    typed.write_csv(files["csv"])
    del typed
    args_two = ["--rules", "hnte-2016,tech-sme-2017", "--as-of", AS_OF.isoformat()]
    e2e: dict[tuple[str, str], Timing] = {}
    file_scan: dict[str, Timing] = {}
    out_mb: dict[str, float] = {}
    for kind, path in files.items():
        mb = path.stat().st_size / 1e6

        def read_and_scan(kind: str = kind, path: Path = path) -> None:
            frame = pl.read_parquet(path) if kind == "parquet" else pl.read_csv(path)
            frame.select(scan_exprs(frame.schema))

        file_scan[kind] = timed(
            f"file scan limit: read the {kind} input ({mb:,.0f} MB) + the one pass",
            n,
            read_and_scan,
            repeat,
        )
        for fmt in ("csv", "parquet") if kind == "parquet" else ("csv",):
            out = tmp / f"out.{fmt}"

            def run(path: Path = path, fmt: str = fmt, out: Path = out) -> None:
                argv = ["assess", str(path), *args_two, "--format", fmt, "--out", str(out)]
                with contextlib.redirect_stderr(io.StringIO()):  # the progress bar
                    code = rules_cli(argv)
                assert code == 0, code

            e2e[kind, fmt] = timed(
                f"END TO END hnte+tech-sme: {kind} file → checks → assess → {fmt} file",
                n,
                run,
                repeat,
            )
            out_mb[fmt] = out.stat().st_size / 1e6
            out.unlink()
    # ONE SHOT: what a user waits for, `kechuang assess` in a fresh process (start-up and
    # first-query costs included; the figures above are warm runs in one process).
    one_shot: dict[str, float] = {}
    tiny = tmp / "one.parquet"
    pl.read_parquet(files["parquet"], n_rows=1).write_parquet(tiny)
    for label, path in (
        ("start-up (one enterprise)", tiny),
        ("parquet → parquet", files["parquet"]),
    ):
        out = tmp / "one-shot.parquet"
        argv = [sys.executable, "-m", "kechuang", "assess", str(path), *args_two]
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(
                [*argv, "--format", "parquet", "--out", str(out)], check=True, capture_output=True
            )
            runs.append(time.perf_counter() - started)
        one_shot[label] = min(runs)
        out.unlink()
    tiny.unlink()
    for path in files.values():
        path.unlink()
    tmp.rmdir()

    m = min(args.e2e, n)
    part = facts.head(m)
    evaluated = assess(part, two, as_of=AS_OF)
    objects = timed(
        f"result objects only, hnte+tech-sme ({m:,} rows)",
        m,
        lambda: sum(1 for _ in records(evaluated, two)),
        repeat,
    )
    as_json = timed(
        f"result objects + JSON Lines text, hnte+tech-sme ({m:,} rows)",
        m,
        lambda: jsonl(evaluated, two),
        repeat,
    )
    json_e2e = timed(
        f"assess + objects + JSON Lines text, hnte+tech-sme ({m:,} rows)",
        m,
        lambda: jsonl(assess(part, two, as_of=AS_OF), two),
        repeat,
    )
    size = jsonl(evaluated, two) / m

    print()
    print(
        f"hnte+tech-sme rows/s: decisions {vec2.rate():,.0f} (the table's columns "
        f"{table2.rate():,.0f}); + notes & remedies "
        f"{full2.rate():,.0f}"
    )
    for (kind, fmt), t in e2e.items():
        print(
            f"END TO END from a {kind} file to the {fmt} result ({out_mb[fmt]:,.0f} MB): "
            f"{t.rate():,.0f} rows/s   (target ≥ 500,000: {met(t.rate() >= 500_000)})"
        )
    whole, start = one_shot["parquet → parquet"], one_shot["start-up (one enterprise)"]
    print(
        f"ONE SHOT `kechuang assess` in a fresh process, parquet → parquet: {whole:.2f} s "
        f"= {n / whole:,.0f} rows/s (of which start-up {start:.2f} s: imports, plans, first "
        f"queries; best of {repeat})"
    )
    print(
        f"JSON Lines (every note and remedy as text, {size:,.0f} characters per enterprise): "
        f"{json_e2e.rate():,.0f} rows/s = assess {full2.per_row * 1e6:.2f} µs/row + objects "
        f"{objects.per_row * 1e6:.2f} µs/row + JSON text "
        f"{(as_json.per_row - objects.per_row) * 1e6:.2f} µs/row"
    )
    print(
        f"per-row loop: {1 / loop2.per_row:,.0f} rows/s explained "
        f"({loop2.per_row * 1e3:.2f} ms per enterprise; assess alone "
        f"{loop_assess.per_row * 1e3:.2f} ms)"
    )
    speedups = ", ".join(
        f"{loop2.per_row / t.per_row:,.0f}× {kind}→{fmt}" for (kind, fmt), t in e2e.items()
    )
    print(
        f"speed-up over the per-row loop:  {loop2.per_row / vec2.per_row:,.0f}× decisions, "
        f"{loop2.per_row / full2.per_row:,.0f}× + notes, {speedups}   (target ≥ 50×: "
        f"{met(all(loop2.per_row / t.per_row >= 50 for t in e2e.values()))} end to end)"
    )
    print(
        f"÷ scan limit (in memory):        {vec2.per_row / scan.per_row:,.1f}× decisions, "
        f"{table2.per_row / scan.per_row:,.1f}× the table's columns, "
        f"{full2.per_row / scan.per_row:,.1f}× + notes   (target ≤ 10×: "
        f"{met(table2.per_row / scan.per_row <= 10)} for the table's columns)"
    )
    ratios = ", ".join(
        f"{t.per_row / file_scan[kind].per_row:,.1f}× {kind}→{fmt}"
        for (kind, fmt), t in e2e.items()
    )
    each = ", ".join(
        f"{met(t.per_row / file_scan[kind].per_row <= 10)} {kind}→{fmt}"
        for (kind, fmt), t in e2e.items()
    )
    print(f"÷ file scan limit, end to end:  {ratios}   (target ≤ 10×: {each})")


if __name__ == "__main__":
    main()

"""Check that innovation-points scoring gives exactly the results of an earlier version
(run by hand when the scoring changes, not a test).

    .venv/bin/python bench/points_check.py [--base ad4cbc2] [--time 7]

Loads `kechuang/rules/points/scoring.py` as it was at git revision `--base` next to the
current one and compares their output column by column (names, dtypes, nulls, and every
value bit for bit; the columns the current one no longer makes — per indicator its
compared value, its value shown and its weight — against what replaces them:
`display_value` from the row's inputs, `weight` by stage) on synthetic counties of
100,000, 5,000 and 300 enterprises (about 5 % of every fact unknown, many ties), with
the default set and with a variant set (indicators where lower is better, thresholds on
a ratio, a fractional step, wide and narrow amounts), and on edge frames (a column
wholly unknown, a stage with a single enterprise, every value tied, no enterprise at
all) — once as shipped, once with counting by value off and once with packed sorting
off too (so that every way of ranking is compared); and the explanations (`explain`,
each version's of its own rows) of every row of the 5,000.

`--time R` then times the two versions alternately on the 100,000 (old, new, old, new…:
a shared, busy machine slows both alike), best of R each, wall and CPU time, and prints
the ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from points import synthetic  # noqa: E402

import kechuang.rules.points.scoring as scoring  # noqa: E402
from kechuang.rules.points import IndicatorSet, default_set  # noqa: E402
from kechuang.rules.points import score as new_score  # noqa: E402
from kechuang.rules.points.model import Threshold  # noqa: E402
from kechuang.rules.points.scoring import (  # noqa: E402
    STAGE,
    _value_text,
    c,
    display_value,
    weight,
)

SCORING = "kechuang/rules/points/scoring.py"


def load_scoring(rev: str) -> ModuleType:
    """`scoring.py` as it was at git revision `rev`, as a module of its own."""
    text = subprocess.run(
        ["git", "show", f"{rev}:{SCORING}"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / f"scoring_{rev}.py"
    path.write_bytes(text)
    spec = importlib.util.spec_from_file_location(f"scoring_{rev}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # for its dataclasses
    spec.loader.exec_module(module)
    return module


# Columns a revision may leave out (`a`'s, not `b`'s): per indicator its compared value,
# its value shown and its weight (now `display_value(ind, row)` and `weight(ind, stage)`,
# compared with the old columns by `derived`).
DROPPED = ("cmp", "value", "weight")


def same(a: pl.DataFrame, b: pl.DataFrame) -> list[str]:
    """Every difference between two results (empty when identical): the columns of `b`
    (names, dtypes, nulls, every value bit for bit), which must be those of `a` less
    the `DROPPED` ones; an Int64 column of `a` may be Int32 in `b` (values compared as
    Int64)."""
    kept = [n for n in a.columns if n.rpartition("|")[2] not in DROPPED or n in b.columns]
    if sorted(kept) != sorted(b.columns):
        return [f"columns: {sorted(kept)} != {sorted(b.columns)}"]
    if a.height != b.height:
        return [f"height {a.height} != {b.height}"]
    out = []
    for name in b.columns:
        ta, tb = a.schema[name], b.schema[name]
        if ta != tb and not (ta == pl.Int64 and tb == pl.Int32):  # Int32 per indicator
            out.append(f"{name}: dtype {ta} != {tb}")
            continue
        x, y = a.get_column(name), b.get_column(name).cast(a.schema[name])
        if not (x.is_null() == y.is_null()).all():
            out.append(f"{name}: nulls differ")
            continue
        keep = x.is_not_null()
        x, y = x.filter(keep), y.filter(keep)
        if x.dtype.is_float():
            ok = np.array_equal(x.to_numpy().view(np.int64), y.to_numpy().view(np.int64))
        else:
            ok = bool((x == y).all()) if len(x) else True
        if not ok:
            out.append(f"{name}: values differ")
    return out


def derived(a: pl.DataFrame, b: pl.DataFrame, iset: IndicatorSet) -> list[str]:
    """The dropped columns of `a` against what replaces them, from `b`'s rows: the
    weight by stage; the value shown from the inputs, as text (`_value_text`, what an
    explanation shows) and as floats bit for bit. Floats that differ are printed but
    pass when their text agrees: Polars divides by a column it holds as one literal
    (the edge frame "every value tied") as by a constant, through its reciprocal,
    which a row's own division cannot know (real inputs are never such columns)."""
    out = []
    rows = b.to_dicts()
    for ind in iset.indicators:
        if c(ind.id, "weight") in a.columns:
            want = a.get_column(c(ind.id, "weight")).to_list()
            got = [None if r[STAGE] is None else weight(ind, r[STAGE]) for r in rows]
            if want != got:
                out.append(f"{ind.id}: weights differ")
        if c(ind.id, "value") in a.columns:
            old_v = a.get_column(c(ind.id, "value")).to_list()
            new_v = [display_value(ind, r) for r in rows]
            if [_value_text(ind, x) for x in old_v] != [_value_text(ind, y) for y in new_v]:
                out.append(f"{ind.id}: values shown differ")
            bits = sum(
                (x is None) != (y is None)
                or (x is not None and struct.pack("d", x) != struct.pack("d", y))
                for x, y in zip(old_v, new_v, strict=True)
            )
            if bits:
                print(f"    note: {ind.id}: {bits} values differ in their floats, shown alike")
    return out


def variant(iset: IndicatorSet) -> IndicatorSet:
    """Lower-is-better indicators, thresholds on a ratio, a fractional step."""
    inds = []
    for ind in iset.indicators:
        if ind.id in ("tax_paid", "revenue_growth", "talents"):
            ind = replace(ind, direction="lower")
        if ind.id == "hightech_share":
            ind = replace(
                ind,
                method="thresholds",
                thresholds=(Threshold(Fraction(30), 50), Threshold(Fraction(60), 100)),
            )
        if ind.id == "other_ip":
            ind = replace(ind, step=Fraction(1, 2))
        if ind.id == "awards":
            ind = replace(ind, step=None)
        inds.append(ind)
    return replace(iset, indicators=tuple(inds))


def edge_frames(base: pl.DataFrame) -> dict[str, pl.DataFrame]:
    small = base.head(300)
    mature = small.filter(pl.col("revenue") >= 10_000 * 1_000_000)
    one_mature = pl.concat([small.filter(pl.col("revenue") < 10_000 * 1_000_000), mature.head(1)])
    ints = [c for c, t in small.schema.items() if t == pl.Int64 and c not in ("key", "revenue")]
    return {
        "300, a column wholly unknown": small.with_columns(pl.lit(None, pl.Int64).alias("awards")),
        "300, one mature enterprise": one_mature,
        "300, every value tied": small.with_columns(
            pl.lit(7_000_000, pl.Int64).alias(c) for c in ints
        ),
        "300, amounts rounded to 100万元 (ties)": small.with_columns(
            (pl.col(c) // 100_000_000 * 100_000_000).alias(c)
            for c in ("rd_expense", "tax_paid", "tech_contract_amount")
        ),
        "300, one amount of 10¹²万元 (wide span)": small.with_columns(
            pl.when(pl.col("key") == pl.col("key").min())
            .then(10**18)
            .otherwise(pl.col("rd_expense"))
            .alias("rd_expense")
        ),
        "none": small.head(0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="ad4cbc2", help="the git revision to compare with")
    parser.add_argument("--time", type=int, default=0, help="best of R alternate timings")
    args = parser.parse_args()
    old = load_scoring(args.base)
    iset = default_set()
    sets = {
        "default": iset,
        "no gains": replace(iset, indicators=tuple(replace(i, step=None) for i in iset.indicators)),
        "variant": variant(iset),
    }
    frames = {f"{n:,}": synthetic(n, seed=n) for n in (100_000, 5_000, 300)}
    frames.update(edge_frames(frames["5,000"]))
    failed = 0
    ways = {"as shipped": (1, 63), "sorting": (0, 63), "argsort": (0, 0)}
    knobs = ("_COUNTING_SPAN", "_COUNT_PER_VALUE", "_PACKED_BITS", "_TOTALS_SPAN")
    shipped = {name: getattr(scoring, name) for name in knobs}
    for way, (per_value, bits) in ways.items():
        for name in ("_COUNTING_SPAN", "_TOTALS_SPAN"):
            setattr(scoring, name, shipped[name] if per_value else 0)
        scoring._COUNT_PER_VALUE, scoring._PACKED_BITS = per_value, bits
        for fname, frame in frames.items():
            for sname, iset in sets.items():
                a, b = old.score(frame, iset), new_score(frame, iset)
                diffs = same(a, b)
                if way == "as shipped" and sname != "no gains":
                    diffs += derived(a, b, iset)
                failed += bool(diffs)
                verdict = "identical" if not diffs else "DIFFERENT"
                print(f"{way:10} {fname:40} {sname:8} {a.shape} {verdict}")
                for d in diffs[:10]:
                    print("   ", d)
    for name, value in shipped.items():
        setattr(scoring, name, value)
    # the explanations of every row of the 5,000 (what the capability stores)
    iset = sets["default"]
    rows_old = old.score(frames["5,000"], iset).iter_rows(named=True)
    rows_new = new_score(frames["5,000"], iset).iter_rows(named=True)
    differ = sum(
        asdict(old.explain(a, iset)) != asdict(scoring.explain(b, iset))
        for a, b in zip(rows_old, rows_new, strict=True)
    )
    failed += bool(differ)
    print(f"explanations of the 5,000: {'identical' if not differ else f'{differ} DIFFERENT'}")
    if args.time:
        alternate(old, frames["100,000"], sets, args.time)
    sys.exit(1 if failed else 0)


def alternate(old: ModuleType, frame: pl.DataFrame, sets: dict[str, IndicatorSet], r: int) -> None:
    """Wall time and CPU time (every thread of the process: the work done, which a busy
    machine disturbs less), best of `r` each, old and new alternately."""
    print(f"\n{frame.height:,} enterprises, old and new alternately, best of {r}:")
    print(
        f"{'':16} {'old ms':>8} {'new ms':>8} {'old/new':>8}   {'CPU old':>8} {'new':>8} {'old/new':>8}"
    )
    for label, iset in (("score", sets["no gains"]), ("score + gains", sets["default"])):
        wall = {"old": float("inf"), "new": float("inf")}
        cpu = dict(wall)
        for _ in range(r):
            for name, fn in (("old", old.score), ("new", new_score)):
                t0, c0 = time.perf_counter(), time.process_time()
                fn(frame, iset)
                wall[name] = min(wall[name], time.perf_counter() - t0)
                cpu[name] = min(cpu[name], time.process_time() - c0)
        w = [wall["old"] * 1000, wall["new"] * 1000]
        c = [cpu["old"] * 1000, cpu["new"] * 1000]
        print(
            f"{label:16} {w[0]:8.1f} {w[1]:8.1f} {w[0] / w[1]:8.1f}   "
            f"{c[0]:8.1f} {c[1]:8.1f} {c[0] / c[1]:8.1f}"
        )


if __name__ == "__main__":
    main()

"""The flat result table (assess.md "Output": one row per enterprise and rule set,
criteria as columns), built column-wise from the evaluated frame.

This is what `--format csv` writes (and `--format parquet`, our addition, typed). It reads decisions and values only — the table has
no notes or remedies — so it is built from an assessment run with `detail=False`, and
written by Polars' CSV writer. Its bytes equal those of the row-by-row writer
(`outputs.table_row` + `csv.DictWriter`; a test compares them): BOM, CRLF line ends,
minimal quoting, Python's `repr` for the display floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import IO

import polars as pl

from kechuang.rules.cells import safe_text_expr
from kechuang.rules.evaluate import WARNINGS
from kechuang.rules.explain import DISPLAY_DIGITS
from kechuang.rules.model import PASSED, VALUE, RuleSet, col

ORDER = "_order"
TEXT_COLUMNS = ("uscc", "name")  # texts from the input (the others are ours, or numbers)
VERDICTS = pl.Enum(["pass", "fail", "uncertain"])
ROUTES = pl.Enum(["score", "direct"])


def table_columns(rulesets: Sequence[RuleSet]) -> list[str]:
    """Columns of the flat table: one row per enterprise and rule set, criteria as columns."""
    cols = ["uscc", "name", "ruleset", "verdict", "route", "score_lo", "score_hi", "score_mid"]
    for rs in rulesets:
        for cr in rs.criteria:
            cols += [cr.id, f"{cr.id}.value"]
    return [*dict.fromkeys(cols), "warnings"]


def _as_python_prints(frame: pl.DataFrame, value_cols: Sequence[str]) -> pl.DataFrame:
    """Display floats are written by Polars, which prints the same shortest digits as
    Python's `repr` except below 1e-4 ("0.00005" where Python prints "5e-05"). A column
    holding such values (rare) is turned into text, those values through `repr`."""
    if not value_cols:
        return frame
    tiny = frame.select(
        [((pl.col(name) != 0) & (pl.col(name).abs() < 1e-4)).any() for name in value_cols]
    ).row(0)
    exprs = []
    for name in (name for name, any_tiny in zip(value_cols, tiny, strict=True) if any_tiny):
        v = frame.get_column(name)
        small = v.filter((v != 0) & (v.abs() < 1e-4)).unique()
        if small.len():
            mapping = {x: repr(float(x)) for x in small.to_list()}
            exprs.append(
                pl.when(pl.col(name).is_in(small.implode()))
                .then(pl.col(name).replace_strict(mapping, default=None, return_dtype=pl.String))
                .otherwise(pl.col(name).cast(pl.String))
                .alias(name)
            )
    return frame.with_columns(exprs) if exprs else frame


JOINED = "_warnings_text"


def _warnings(rs: RuleSet, any_early: bool) -> pl.Expr:
    """The row's warnings joined with "；" (`JOINED`: the input warnings, joined once for
    every rule set), then the rule set's notices and the note that `as_of` precedes the
    rule set, as `explain.records` gives them."""
    extra = [pl.lit(text) for text in rs.notices]
    text = pl.col(JOINED)
    if extra:
        text = pl.concat_str([text, *extra], separator="；", ignore_nulls=True)
    if any_early:
        late = pl.lit(f"评价日期早于规则集 {rs.id} 生效日期 {rs.effective_from.isoformat()}")
        early = (pl.col("as_of") < pl.lit(rs.effective_from)).fill_null(False)
        text = (
            pl.when(early)
            .then(pl.concat_str([text, late], separator="；", ignore_nulls=True))
            .otherwise(text)
        )
    return text


def table_inputs(rulesets: Sequence[RuleSet]) -> list[str]:
    """The columns of an evaluated frame that `table_frame` reads (`assess(columns=…)`)."""
    cols = ["uscc", "name", "as_of", WARNINGS]
    for rs in rulesets:
        cols += [col(rs.id, "verdict"), col(rs.id, "route")]
        if rs.has_score:
            cols += [col(rs.id, part) for part in ("score_lo", "score_hi", "score_mid")]
        for cr in rs.criteria:
            cols += [col(cr.id, PASSED), col(cr.id, VALUE)]
    return list(dict.fromkeys(cols))


def table_frame(
    evaluated: pl.DataFrame, rulesets: Sequence[RuleSet], *, for_csv: bool = True
) -> pl.DataFrame:
    """The flat table of `evaluated` (the output of `assess`): booleans (true/false),
    blanks null (never "": Polars' CSV writer would quote it where Python's csv writes
    nothing), display floats rounded to 6 places. `for_csv`: the few display floats
    below 1e-4 become the text `repr` prints (else they stay floats, for Parquet)."""
    columns = table_columns(rulesets)
    kinds: dict[str, pl.DataType] = {name: pl.String() for name in columns}
    value_cols: list[str] = []
    for rs in rulesets:
        for part in ("score_lo", "score_hi", "score_mid"):
            kinds[part] = pl.Int64()
        for cr in rs.criteria:
            kinds[cr.id] = pl.Boolean()
            kinds[f"{cr.id}.value"] = pl.Float64()
            value_cols.append(f"{cr.id}.value")
    # Small sets of words as enums: cheap to interleave, written as their text.
    ids = pl.Enum(list(dict.fromkeys(rs.id for rs in rulesets)))
    kinds["ruleset"], kinds["verdict"], kinds["route"] = ids, VERDICTS, ROUTES
    k = len(rulesets)
    n = evaluated.height
    evaluated = evaluated.with_columns(
        pl.col(WARNINGS).list.join("；").replace("", None).alias(JOINED)
    )
    first_day = evaluated.get_column("as_of").min()
    parts: list[pl.DataFrame] = []
    for rs in rulesets:
        cells = {name: pl.lit(None, dtype=kind) for name, kind in kinds.items()}
        cells["uscc"] = pl.col("uscc")
        cells["name"] = pl.col("name")
        cells["ruleset"] = pl.lit(rs.id).cast(ids)
        cells["verdict"] = pl.col(col(rs.id, "verdict")).cast(pl.String).cast(VERDICTS)
        cells["route"] = pl.col(col(rs.id, "route")).cast(pl.String).cast(ROUTES)
        if rs.has_score:
            for part in ("score_lo", "score_hi", "score_mid"):
                cells[part] = pl.col(col(rs.id, part)).cast(pl.Int64)
        for cr in rs.criteria:
            cells[cr.id] = pl.col(col(cr.id, PASSED)).cast(pl.Boolean)
            value = pl.col(col(cr.id, VALUE)).cast(pl.Float64).round(DISPLAY_DIGITS)
            cells[f"{cr.id}.value"] = value
        early = isinstance(first_day, date) and first_day < rs.effective_from
        cells["warnings"] = _warnings(rs, early)  # null when there are none
        j = len(parts)
        order = pl.int_range(j, n * k + j, k, dtype=pl.Int64).alias(ORDER)
        parts.append(evaluated.select([*(e.alias(name) for name, e in cells.items()), order]))
    stacked = pl.concat(parts, how="vertical")
    if k > 1:
        # Interleave, enterprise by enterprise: row i of rule set j goes to i·k + j (a
        # sort on that key moves the rows faster than gathering them by index).
        stacked = stacked.sort(ORDER)
    table = stacked.drop(ORDER)
    return _as_python_prints(table, value_cols) if for_csv else table


def write_table_csv(
    evaluated: pl.DataFrame, rulesets: Sequence[RuleSet], out: IO[bytes], *, header: bool = True
) -> None:
    """Append the flat table of `evaluated` to `out` as CSV (see `write_csv_table`)."""
    write_csv_table(table_frame(evaluated, rulesets), out, header=header)


def write_csv_table(table: pl.DataFrame, out: IO[bytes], *, header: bool = True) -> None:
    """Append a flat table (`table_frame(..., for_csv=True)`) to `out` as CSV (UTF-8;
    with `header`, the BOM and the header row first, so that Excel opens the Chinese text
    correctly)."""
    if header:
        out.write("\ufeff".encode())
    # the input's own texts: a name "=1+1" must not become a formula (rules/cells.py)
    table = table.with_columns(safe_text_expr(c) for c in TEXT_COLUMNS if c in table.columns)
    table.write_csv(out, include_header=header, line_terminator="\r\n", quote_style="necessary")


def write_table_parquet(tables: Sequence[pl.DataFrame], path: Path) -> None:
    """The flat tables (`table_frame(..., for_csv=False)` of successive chunks) as one
    Parquet file, typed: booleans, floats, integers, and the words as dictionaries
    (lz4: twice as fast to write as the default zstd, for a file half again as big)."""
    pl.concat(tables, how="vertical").write_parquet(path, compression="lz4")

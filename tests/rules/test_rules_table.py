"""The column-wise flat table (`--format csv`) equals the row-by-row one, byte for byte.

The reference is the writer the CLI used before: `csv.DictWriter` over
`outputs.table_row` of the result objects of a full (`detail=True`) assessment. The
column-wise table is built as the CLI builds it: from a decisions-only (`detail=False`)
assessment of every rule set in one query, keeping only the columns the table reads.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from kechuang.rules.cases import load_cases
from kechuang.rules.cli import main
from kechuang.rules.evaluate import assess
from kechuang.rules.explain import records
from kechuang.rules.inputs import InputError, from_records
from kechuang.rules.model import RuleSet
from kechuang.rules.outputs import table_row
from kechuang.rules.rulesets import RULESETS
from kechuang.rules.table import table_columns, table_inputs, write_table_csv
from kechuang.rules.uscc import generate
from tests.rules.test_rules_properties import SETTINGS, enterprise

ALL = list(RULESETS.values())


def reference_csv(facts: pl.DataFrame, rulesets: list[RuleSet], as_of: date) -> bytes:
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=table_columns(rulesets), extrasaction="ignore")
    writer.writeheader()
    for r in records(assess(facts, rulesets, as_of=as_of), rulesets):
        writer.writerow(table_row(r))
    return out.getvalue().encode()


def columnwise_csv(
    facts: pl.DataFrame, rulesets: list[RuleSet], as_of: date, chunk: int = 10**9
) -> bytes:
    out = io.BytesIO()
    for start in range(0, max(facts.height, 1), chunk):
        evaluated = assess(
            facts.slice(start, chunk),
            rulesets,
            as_of=as_of,
            detail=False,
            columns=table_inputs(rulesets),
        )
        write_table_csv(evaluated, rulesets, out, header=start == 0)
    return out.getvalue()


def test_worked_examples_byte_for_byte() -> None:
    rows: list[dict[str, Any]] = []
    for case in load_cases():
        try:
            from_records([case.facts], as_of=case.as_of)
        except InputError:
            continue
        rows.append({**case.facts, "as_of": case.as_of.isoformat()})
    keys = list(dict.fromkeys(k for r in rows for k in r))
    # Distinct codes: the worked examples reuse one enterprise's code.
    rng = random.Random(3)
    for r in rows:
        r["uscc"] = generate(rng)
    facts = from_records([{k: r.get(k) for k in keys} for r in rows], as_of=date(2025, 6, 15)).facts
    for rulesets in (ALL, ALL[:1], ALL[1:2], list(reversed(ALL))):
        assert columnwise_csv(facts, rulesets, date(2025, 6, 15)) == reference_csv(
            facts, rulesets, date(2025, 6, 15)
        )


awkward_names = st.sampled_from(
    ["甲公司", 'A "quoted", name', "逗号,公司", "line\nbreak", " 前后空格 ", "", "x\r\ny"]
)


@SETTINGS
@given(
    st.lists(enterprise(), min_size=1, max_size=7),
    st.lists(awkward_names, min_size=7, max_size=7),
    st.sampled_from([date(2025, 6, 15), date(2016, 3, 1), date(2015, 1, 1)]),
    st.sampled_from([1, 2, 3, 100]),
)
def test_generated_enterprises_byte_for_byte(
    recs: list[dict[str, Any]], names: list[str], as_of: date, chunk: int
) -> None:
    rng = random.Random(11)
    rows = []
    for r, name in zip(recs, names, strict=False):
        rows.append({**r, "uscc": generate(rng), "name": name or "企业"})
    keys = list(dict.fromkeys(k for r in rows for k in r))
    facts = from_records([{k: r.get(k) for k in keys} for r in rows], as_of=as_of).facts
    assert columnwise_csv(facts, ALL, as_of, chunk) == reference_csv(facts, ALL, as_of)


def test_tiny_values_print_as_python_does() -> None:
    """Below 1e-4 Python prints "5e-05"; Polars would print "0.00005"."""
    rec = {
        "uscc": generate(random.Random(5)),
        "name": "小数",
        "revenue_y3": "1000000",
        "rd_expense_y3": "0.05",
        "rd_domestic_3y": "0.01",
        "employees": 100000,
        "tech_staff": 1,
    }
    facts = from_records([rec], as_of=date(2025, 6, 15)).facts
    got = columnwise_csv(facts, ALL, date(2025, 6, 15))
    assert got == reference_csv(facts, ALL, date(2025, 6, 15))
    assert b"e-05" in got


def test_parquet_output_is_the_csv_table_typed(tmp_path: Path) -> None:
    """`--format parquet` (our addition): the same rows and cells as `--format csv`."""
    rng = random.Random(13)
    rows = [
        {
            "uscc": generate(rng),
            "name": f"企业{i}",
            "employees": 100 + i,
            "tech_staff": 5 * i,
            "revenue_y2": "1500",
            "revenue_y3": str(2000 + 100 * i),
            "rd_expense_y3": str(40 * i) if i % 3 else None,
            "rd_expense_y2": "50",
            "ip_class2": i,
        }
        for i in range(9)
    ]
    src = tmp_path / "in.json"
    src.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    as_csv, as_parquet = tmp_path / "out.csv", tmp_path / "out.parquet"
    args = ["assess", str(src), "--rules", "all", "--as-of", "2025-06-15"]
    assert main([*args, "--format", "csv", "--out", str(as_csv)]) == 0
    assert main([*args, "--format", "parquet", "--out", str(as_parquet)]) == 0
    table = pl.read_parquet(as_parquet)
    expected = pl.read_csv(as_csv, infer_schema=False, encoding="utf8")
    assert table.columns == expected.columns
    assert table.height == 9 * len(ALL)
    assert table.schema["hnte.rd_expense_ratio"] == pl.Boolean
    assert table.schema["hnte.rd_expense_ratio.value"] == pl.Float64
    as_text = table.with_columns(
        [pl.col(c).cast(pl.String).str.to_lowercase() for c in table.columns]
    )
    assert as_text.equals(expected.with_columns(pl.all().str.to_lowercase()))


def test_parquet_needs_out(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps([{"uscc": generate(random.Random(1)), "name": "甲"}]), "utf-8")
    assert main(["assess", str(src), "--format", "parquet"]) == 2

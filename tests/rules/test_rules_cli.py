"""The plain entry point: `python -m kechuang.rules assess …` (cli.main)."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kechuang.rules.cli import main

CSV = (
    "统一社会信用代码,企业名称,成立日期,职工总数,科技人员数,销售收入_第三年,研发费用_第三年\n"
    "91321283MA1MR5HB8P,甲公司,2019-03-01,100,15,4200,230\n"
)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_assess_writes_the_json_contract(good: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["assess", str(good), "--as-of", "2025-06-15", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["as_of"] == "2025-06-15"
    assert doc["rulesets"] == ["hnte-2016", "tech-sme-2017"]
    first = doc["results"][0]
    assert list(first) == [
        "uscc",
        "name",
        "ruleset",
        "verdict",
        "route",
        "score",
        "criteria",
        "subscores",
        "warnings",
    ]
    assert list(first["criteria"][0]) == [
        "id",
        "label",
        "clause",
        "value",
        "threshold",
        "passed",
        "ambiguous",
        "note",
        "remedy",
    ]
    assert list(first["score"]) == ["lo", "hi", "mid"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_other_formats(good: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    assert (
        main(["assess", str(good), "--rules", "all", "--as-of", "2025-06-15", "--out", str(out)])
        == 0
    )
    if fmt == "jsonl":
        assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    elif fmt == "csv":
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("uscc,name,ruleset,verdict") and len(lines) == 4
    else:
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == ["结果", "说明"]


def test_invalid_input_exits_2_lists_every_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("uscc,name,employees\n123,甲,x\n91321283MA1MR5HB8P,乙,-1\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["assess", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "第2行 统一社会信用代码" in err
        and "第2行 职工总数" in err
        and "第3行 职工总数: 不能为负数" in err
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.csv", b"", "第1行 输入: 文件“empty.csv”是空的"),
        (
            "bad.parquet",
            b"not parquet",
            "第1行 输入: 无法读取文件“bad.parquet”，不是有效的 Parquet 文件",
        ),
        ("bad.xlsx", b"%PDF-1.4", "第1行 输入: 无法读取文件“bad.xlsx”，不是有效的 Excel 文件"),
    ],
)
def test_an_unreadable_file_exits_2_with_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, expected: str
) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / "out.json"
    assert main(["assess", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_rule_set_exits_2(good: Path) -> None:
    assert main(["assess", str(good), "--rules", "nope"]) == 2


def test_template_has_headers_help_and_validation_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert main(["assess", "--template", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["企业"]
    assert ws.cell(1, 1).value == "统一社会信用代码"
    assert str(ws.cell(2, 1).value).startswith("【")
    assert len(ws.data_validations.dataValidation) > 30
    ws.cell(3, 1, "91321283MA1MR5HB8P")
    ws.cell(3, 2, "甲")
    wb.save(path)
    out = tmp_path / "o.json"
    assert main(["assess", str(path), "--as-of", "2025-06-15", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["results"][0]["verdict"] == "uncertain"


def fill_template(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write the template to `path` with `rows` of facts typed in as a user would: text
    cells, 是/否 for booleans, dates as YYYY-MM-DD, from row 3 on."""
    from kechuang.rules.fields import BY_KEY

    assert main(["assess", "--template", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["企业"]
    headers = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
    for row, facts in enumerate(rows, start=3):
        for key, value in facts.items():
            if isinstance(value, bool):
                text = "是" if value else "否"
            elif isinstance(value, date):
                text = value.isoformat()
            else:
                text = str(value)
            ws.cell(row, headers[BY_KEY[key].header], text)
    wb.save(path)
    return path


def test_template_filled_with_h1_and_t1_gives_the_spec_verdicts(tmp_path: Path) -> None:
    """The issue's check: `kechuang assess` on the template filled with the worked
    examples H1 (hnte-2016) and T1 (tech-sme-2017) prints the assess.md JSON shape with
    the verdicts, routes and scores the rule specs give."""
    from kechuang.rules.cases import load_cases
    from kechuang.rules.uscc import generate

    cases = {c.id: c for c in load_cases() if c.id in ("H1", "T1")}
    rng = random.Random(1)
    rows = [
        {**cases[case_id].facts, "uscc": generate(rng), "name": f"示例{case_id}"}
        for case_id in ("H1", "T1")
    ]
    codes = {case_id: row["uscc"] for case_id, row in zip(("H1", "T1"), rows, strict=True)}
    path = fill_template(tmp_path / "t.xlsx", rows)
    assert cases["H1"].as_of == cases["T1"].as_of
    as_of = cases["H1"].as_of.isoformat()
    out = tmp_path / "o.json"
    argv = ["assess", str(path), "--rules", "hnte-2016,tech-sme-2017", "--as-of", as_of]
    assert main([*argv, "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["as_of"] == as_of and doc["rulesets"] == ["hnte-2016", "tech-sme-2017"]
    got = {(r["uscc"], r["ruleset"]): r for r in doc["results"]}
    for case_id, ruleset in (("H1", "hnte-2016"), ("T1", "tech-sme-2017")):
        result = got[codes[case_id], ruleset]
        expect = cases[case_id].expect
        assert result["verdict"] == expect["verdict"]
        if "route" in expect:
            assert result["route"] == expect["route"]
        if "score" in expect:
            assert {k: result["score"][k] for k in expect["score"]} == expect["score"]
        passed = {c["id"]: c["passed"] for c in result["criteria"]}
        for cid, want in (expect.get("criteria") or {}).items():
            assert passed[cid] is want, cid


def test_every_worked_example_through_the_filled_template_equals_the_in_memory_result(
    tmp_path: Path,
) -> None:
    """Every worked example (all three rule sets), typed into the Excel template as a
    user would (text cells, 是/否, each row with its own 评价日期), gives through the CLI
    exactly the record the in-memory path gives for the same facts."""
    from dataclasses import replace

    from kechuang.rules.cases import load_cases, run
    from kechuang.rules.uscc import generate

    cases = [c for c in load_cases() if "input_error" not in c.expect]
    rng = random.Random(7)
    rows: list[dict[str, object]] = []
    expected: dict[tuple[str, str], dict[str, object]] = {}
    for case in cases:
        facts = {**case.facts, "uscc": generate(rng), "name": f"示例{case.id}", "as_of": case.as_of}
        record, _, errors = run(replace(case, facts=facts))
        assert not errors and record is not None, (case.name, errors)
        expected[facts["uscc"], case.ruleset] = record
        rows.append(facts)
    path = fill_template(tmp_path / "t.xlsx", rows)
    out = tmp_path / "o.json"
    rules = ",".join(sorted({c.ruleset for c in cases}))
    assert (
        main(["assess", str(path), "--rules", rules, "--as-of", "2020-01-01", "--out", str(out)])
        == 0
    )
    got = {(r["uscc"], r["ruleset"]): r for r in json.loads(out.read_text("utf-8"))["results"]}
    assert len(expected) == len(cases) > 90
    for key, record in expected.items():
        assert json.loads(json.dumps(record, ensure_ascii=False, default=str)) == got[key], key

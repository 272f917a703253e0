"""Input formats, headers, cell kinds and the all-errors contract (assess.md)."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kechuang.rules import uscc
from kechuang.rules.fields import MICRO
from kechuang.rules.inputs import InputError, load

AS_OF = date(2025, 6, 15)
HEADER = "统一社会信用代码,name,成立日期,employees,科技人员数,销售收入_第三年,研发费用_第三年,standards,foo"
CODE = "91321283MA1MR5HB8P"
ROW = "91321283MA1MR5HB8P,甲公司,2019-03-01,100,15,4200.123456,230,是,x"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path: Path, encoding: str) -> None:
    parsed = load(write(tmp_path, "in.csv", f"{HEADER}\n{ROW}\n", encoding), as_of=AS_OF)
    row = parsed.facts.row(0, named=True)
    assert row["name"] == "甲公司"
    assert row["revenue_y3"] == 4200 * MICRO + 123456
    assert row["registered_on"] == date(2019, 3, 1)
    assert row["standards"] is True
    assert row["as_of"] == AS_OF
    assert parsed.warnings == ["未知列“foo”已忽略"]


def test_gbk_is_detected_where_only_the_header_or_one_late_cell_is_not_ascii(
    tmp_path: Path,
) -> None:
    # polars checks the cells' UTF-8 but reads the header lossily: both must fall back.
    header_only = write(tmp_path, "a.csv", f"统一社会信用代码,企业名称\n{CODE},abc\n", "gbk")
    assert load(header_only, as_of=AS_OF).facts.get_column("name").to_list() == ["abc"]
    codes = [uscc.generate(random.Random(i)) for i in range(3000)]
    lines = [f"{code},firm{i}" for i, code in enumerate(codes)] + [f"{CODE},乙公司"]
    late = write(tmp_path, "b.csv", "uscc,name\n" + "\n".join(lines) + "\n", "gbk")
    assert load(late, as_of=AS_OF).facts.get_column("name")[-1] == "乙公司"


def test_gbk_after_a_utf8_bom_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"uscc,name\n{CODE},甲\n".encode("gbk"))
    with pytest.raises(InputError) as caught:
        load(path, as_of=AS_OF)
    assert caught.value.errors == [
        "第2行 输入: 文件以UTF-8标记（BOM）开头，但此处不是有效的UTF-8，请另存为UTF-8"
    ]


def test_blank_is_unknown_never_zero(tmp_path: Path) -> None:
    parsed = load(
        write(tmp_path, "in.csv", f"{HEADER}\n91321283MA1MR5HB8P,甲,,,,,,,\n"), as_of=AS_OF
    )
    row = parsed.facts.row(0, named=True)
    assert row["employees"] is None and row["revenue_y3"] is None and row["standards"] is None


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("0", False), ("否", False), ("Y", True), ("n", False)]
)
def test_booleans_accept_every_documented_spelling(tmp_path: Path, text: str, value: bool) -> None:
    path = write(tmp_path, "in.csv", f"uscc,name,core_ip\n91321283MA1MR5HB8P,甲,{text}\n")
    assert load(path, as_of=AS_OF).facts.row(0, named=True)["core_ip"] is value


def test_every_invalid_cell_is_listed_with_row_and_chinese_header(tmp_path: Path) -> None:
    text = (
        "uscc,name,employees,revenue_y1,revenue_y3,rd_expense_y3,tech_domain,score_ip_count\n"
        "91321283MA1MR5HB8P,甲,abc,100,,1.1234567,9.9,9\n"
        "91321283MA1MR5HB8P,乙,-1,-5,10,1,1,\n"
    )
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, "bad.csv", text), as_of=AS_OF)
    errors = exc.value.errors
    assert "第2行 职工总数: “abc”不是整数" in errors
    assert "第2行 研发费用_第三年: 小数位不能超过6位（万元）" in errors
    assert any(e.startswith("第2行 技术领域: “9.9”") for e in errors)
    assert "第2行 知识产权数量得分: 应为0–8的整数" in errors
    assert any(e.startswith("第2行 销售收入_第三年: ") for e in errors)  # years not contiguous
    assert "第3行 统一社会信用代码: 与第2行重复" in errors
    assert "第3行 职工总数: 不能为负数" in errors
    assert "第3行 销售收入_第一年: 不能为负数" in errors
    assert errors == sorted(errors, key=lambda e: int(e[1 : e.index("行")]))


def test_missing_required_column_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, "in.csv", "name\n甲\n"), as_of=AS_OF)
    assert exc.value.errors == ["第1行 统一社会信用代码: 缺少必填列"]


def test_negative_net_assets_are_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", "uscc,name,净资产_第三年\n91321283MA1MR5HB8P,甲,-12.5\n")
    assert load(path, as_of=AS_OF).facts.row(0, named=True)["net_assets_y3"] == -12_500_000


def test_xlsx_with_excel_dates_and_numbers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "企业名称",
            "统一社会信用代码",
            "成立日期",
            "销售收入_第三年",
            "职工总数",
            "有自主研发知识产权",
        ]
    )
    ws.append(["甲", "91321283MA1MR5HB8P", datetime(2019, 3, 1), 607.545, 12, True])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    row = load(path, as_of=AS_OF).facts.row(0, named=True)
    assert row["registered_on"] == date(2019, 3, 1)
    assert row["revenue_y3"] == 607_545_000
    assert row["employees"] == 12 and row["ip_self_developed"] is True


def test_json_jsonl_and_parquet_give_the_same_facts(tmp_path: Path) -> None:
    recs = [{"uscc": "91321283MA1MR5HB8P", "name": "甲", "revenue_y3": 0.1, "as_of": "2025-01-02"}]
    (tmp_path / "a.json").write_text(json.dumps(recs), encoding="utf-8")
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    pl.DataFrame(recs).write_parquet(tmp_path / "a.parquet")
    frames = [
        load(tmp_path / f"a.{ext}", as_of=AS_OF).facts for ext in ("json", "jsonl", "parquet")
    ]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])
    assert frames[0].row(0, named=True)["revenue_y3"] == 100_000
    assert frames[0].row(0, named=True)["as_of"] == date(2025, 1, 2)


def test_expert_score_outside_objective_range_names_field_and_range(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "in.csv",
        "uscc,name,ip_class1,ip_class2,score_ip_count\n91321283MA1MR5HB8P,甲,0,3,5\n",
    )
    with pytest.raises(InputError) as exc:
        load(path, as_of=AS_OF)
    assert exc.value.errors == ["第2行 知识产权数量得分: 专家评分5超出按客观数据允许的范围 [3, 4]"]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "a.json",
            b'[{"uscc": "1",}]',
            "第1行 输入: 不是有效的 JSON：第1行第15列键名应放在英文双引号中",
        ),
        ("a.json", b'[{"uscc": "1"}', "第1行 输入: 不是有效的 JSON：第1行第15列缺少英文逗号"),
        ("a.json", b'\xff\xfe[{"uscc": "1"}]', "第1行 输入: JSON 文件应为 UTF-8 编码"),
        (
            "a.jsonl",
            b'{"uscc": "1"}\n{"uscc": }\n',
            "第3行 输入: 不是有效的 JSON（文件第2行第10列此处应为一个值）",
        ),
        ("a.parquet", b"PAR1" + b"\x00" * 40 + b"PAR1", "不是有效的 Parquet 文件（文件已损坏"),
    ],
)
def test_json_and_parquet_errors_are_chinese_and_name_where(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    import re

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        load(path, as_of=AS_OF)
    text = "；".join(err.value.errors)
    assert expected in text
    # no reader's English: only the format's own name, UTF-8 and the file's name
    rest = re.sub(r"JSON|Parquet|UTF|a\.jsonl?|a\.parquet", "", text)
    assert not re.search(r"[A-Za-z]{3,}", rest), text

"""The vectorized input parse (inputs.py): odd cells, typed parquet columns, USCC checks.

Most cells take a fast path (canonical text, or a parquet column whose type already fits)
and the rest the general parse; these cases pin the outcome of both, alone and mixed.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from kechuang.rules import uscc
from kechuang.rules.inputs import InputError, from_records, load

AS_OF = date(2025, 6, 15)
CODES = [
    "91321283MA1MR5HB8P",
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
    "91110108551385082Q",
    "91350100M000100Y43",
]
TOO_BIG = "数值过大（上限 1000000000 万元）"
TOO_PRECISE = "小数位不能超过6位（万元）"

# (cell text, value in 10⁻⁶ 万元 or the error) for a column that may be negative.
AMOUNTS: list[tuple[str, int | str | None]] = [
    ("12", 12_000_000),
    ("4200.123456", 4_200_123_456),
    ("-12.5", -12_500_000),
    ("1,234.5", 1_234_500_000),
    ("1，234.5", 1_234_500_000),
    (" 12 ", 12_000_000),
    ("1 000", 1_000_000_000),
    ("+5", 5_000_000),
    ("-0", 0),
    (".5", 500_000),
    ("5.", 5_000_000),
    ("-.5", -500_000),
    ("00012.30", 12_300_000),
    ("0000000000001", 1_000_000),
    ("1.1234567", TOO_PRECISE),
    ("1.1234560", 1_123_456),
    ("1.12345600000", 1_123_456),
    ("1000000000", 1_000_000_000_000_000),
    ("1000000000.999999", 1_000_000_000_999_999),
    ("-1000000000.999999", -1_000_000_000_999_999),
    ("1000000001", TOO_BIG),
    ("-1000000001", TOO_BIG),
    ("9999999999", TOO_BIG),
    ("1e-05", 10),
    ("2.5E+3", 2_500_000_000),
    ("1e20", TOO_BIG),
    ("1.5e-7", TOO_PRECISE),
    ("abc", "“abc”不是数字（金额单位万元）"),
    ("1.2.3", "“1.2.3”不是数字（金额单位万元）"),
    ("١٢٣", None),  # non-ASCII digits: matched as digits, not read (kept as it was)
]
COUNTS: list[tuple[str, int | str | None]] = [
    ("5", 5),
    ("5.0", 5),
    ("05", 5),
    ("+5", 5),
    ("-0", 0),
    (" 7 ", 7),
    ("-1", "不能为负数"),
    ("1.5", "“1.5”不是整数"),
    ("1e3", "“1e3”不是整数"),
    ("9" * 20, None),  # beyond Int64: not read (kept as it was)
]
DATES: list[tuple[str, date | str]] = [
    ("2019-03-01", date(2019, 3, 1)),
    ("2019-3-1", date(2019, 3, 1)),
    ("2019/03/01", date(2019, 3, 1)),
    ("2019-03-01 00:00:00", date(2019, 3, 1)),
    ("43000", date(2017, 9, 22)),
    ("43000.0", date(2017, 9, 22)),
    ("0999-01-01", date(999, 1, 1)),
    ("2019-02-30", "“2019-02-30”不是日期（YYYY-MM-DD）"),
    ("10000-01-01", "“10000-01-01”不是日期（YYYY-MM-DD）"),
    ("0", "“0”不是日期（YYYY-MM-DD）"),
]
BOOLS: list[tuple[str, bool | str]] = [
    ("true", True),
    ("false", False),
    ("TRUE", True),
    ("Y", True),
    ("否", False),
    ("1.0", True),
    ("2", "“2”不是是/否（可填 是/否、true/false、1/0、Y/N）"),
]
BAD_CHARS = "（只允许数字和除 I、O、S、V、Z 以外的大写字母）"
USCCS: list[tuple[str, str]] = [
    ("91321283ma1mr5hb8p", "91321283MA1MR5HB8P"),
    ("9132 1283MA1MR5HB8P", "91321283MA1MR5HB8P"),
    (" 91321283MA1MR5HB8P\u3000", "91321283MA1MR5HB8P"),
    ("91321283MA1MR5HB8", "“91321283MA1MR5HB8”应为18位，实际17位"),
    ("91321283MA1MR5HB8PX", "“91321283MA1MR5HB8PX”应为18位，实际19位"),
    ("91321283MA1MR5HB8I", f"“91321283MA1MR5HB8I”含非法字符 I{BAD_CHARS}"),
    ("Z1321283MA1MR5HB8P", f"“Z1321283MA1MR5HB8P”含非法字符 Z{BAD_CHARS}"),
    (" ", "不能为空"),
]


def _one(key: str, text: str) -> object:
    """The value of one cell, or its error message (without the row and header)."""
    code = text if key == "uscc" else CODES[0]
    try:
        parsed = from_records([{"uscc": code, "name": "甲", key: text}], as_of=AS_OF)
    except InputError as exc:
        assert len(exc.errors) == 1
        return exc.errors[0].split(": ", 1)[1]
    return parsed.facts.row(0, named=True)[key]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_amount_spellings(text: str, expected: object) -> None:
    assert _one("net_assets_y3", text) == expected


@pytest.mark.parametrize("text", ["-5", "-0.000001", "-12.5"])
def test_negative_amounts_are_errors_where_not_allowed(text: str) -> None:
    assert _one("revenue_y3", text) == "不能为负数"


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_count_spellings(text: str, expected: object) -> None:
    assert _one("employees", text) == expected


@pytest.mark.parametrize(("text", "expected"), [("8", 8), ("8.00", 8), ("9", "应为0–8的整数")])
def test_score_range(text: str, expected: object) -> None:
    assert _one("score_ip_count", text) == expected


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_spellings(text: str, expected: object) -> None:
    assert _one("registered_on", text) == expected


@pytest.mark.parametrize(("text", "expected"), BOOLS)
def test_bool_spellings(text: str, expected: object) -> None:
    assert _one("core_ip", text) == expected


@pytest.mark.parametrize(("text", "expected"), USCCS)
def test_uscc_spellings(text: str, expected: str) -> None:
    assert _one("uscc", text) == expected


CASES: dict[str, list[tuple[str, object]]] = {
    "net_assets_y3": list(AMOUNTS),
    "employees": list(COUNTS),
    "registered_on": list(DATES),
    "core_ip": list(BOOLS),
}
CANONICAL = {
    "net_assets_y3": "12.5",
    "employees": "3",
    "registered_on": "2020-01-02",
    "core_ip": "1",
}


def _mixed_csv(tmp_path: Path, key: str, cases: list[tuple[str, object]]) -> Path:
    """Every case between canonical cells of the same column (rows 2, 4, 6 … canonical)."""
    lines = [f"uscc,name,{key}"]
    for i, (text, _) in enumerate(cases):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"{CODES[0][:-4]}{2 * i:04d},甲,{CANONICAL[key]}")
        lines.append(f"{CODES[0][:-4]}{2 * i + 1:04d},乙,{quoted}")
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("key", sorted(CASES))
def test_odd_cells_among_canonical_ones_keep_their_rows(tmp_path: Path, key: str) -> None:
    good = [(t, v) for t, v in CASES[key] if not isinstance(v, str)]
    bad = [(t, v) for t, v in CASES[key] if isinstance(v, str)]
    facts = load(_mixed_csv(tmp_path, key, good), as_of=AS_OF).facts
    assert facts.get_column(key).to_list() == [
        x for _, v in good for x in (_one(key, CANONICAL[key]), v)
    ]
    with pytest.raises(InputError) as exc:
        load(_mixed_csv(tmp_path, key, bad), as_of=AS_OF)
    header = {"net_assets_y3": "净资产_第三年", "employees": "职工总数"}.get(key)
    header = header or {"registered_on": "成立日期", "core_ip": "拥有核心知识产权"}[key]
    assert exc.value.errors == [f"第{2 * i + 3}行 {header}: {v}" for i, (_, v) in enumerate(bad)]


def _typed_frame(n: int, rng: random.Random) -> pl.DataFrame:
    q = Decimal("0.000001")
    return pl.DataFrame(
        [
            pl.Series("uscc", [uscc.generate(rng) for _ in range(n)]),
            pl.Series("name", [f"企业{i}" for i in range(n)]),
            pl.Series(
                "registered_on",
                [
                    rng.choice([None, date(2000 + i % 25, 1 + i % 12, 1 + i % 28), date(999, 1, 1)])
                    for i in range(n)
                ],
                dtype=pl.Date,
            ),
            pl.Series("employees", [rng.choice([None, rng.randint(0, 500)]) for _ in range(n)]),
            pl.Series("tech_staff", [rng.randint(0, 50) for _ in range(n)], dtype=pl.Int32),
            pl.Series(
                "revenue_y3",
                [Decimal(rng.randint(0, 10**12)).scaleb(-6).quantize(q) for _ in range(n)],
                dtype=pl.Decimal(24, 6),
            ),
            pl.Series(
                "net_assets_y3",
                [Decimal(rng.randint(-(10**9), 10**9)).scaleb(-2) for _ in range(n)],
                dtype=pl.Decimal(14, 2),
            ),
            pl.Series("total_cost", [rng.choice([None, rng.randint(0, 10**9)]) for _ in range(n)]),
            pl.Series("total_assets", [rng.choice([0.1, 2.5, 1234.5]) for _ in range(n)]),
            pl.Series("core_ip", [rng.choice([None, True, False]) for _ in range(n)]),
            pl.Series("score_ip_count", [rng.choice([None, rng.randint(0, 8)]) for _ in range(n)]),
        ]
    )


def test_typed_parquet_columns_give_the_facts_of_their_text(tmp_path: Path) -> None:
    frame = _typed_frame(300, random.Random(3)).drop("score_ip_count")
    frame.write_parquet(tmp_path / "in.parquet")
    frame.write_csv(tmp_path / "in.csv")
    typed = load(tmp_path / "in.parquet", as_of=AS_OF)
    text = load(tmp_path / "in.csv", as_of=AS_OF)
    assert typed.facts.equals(text.facts)
    assert typed.facts.get_column("total_assets").to_list()[:3] == [
        round(v * 1_000_000) for v in frame.get_column("total_assets").to_list()[:3]
    ]


def test_typed_parquet_columns_give_the_errors_of_their_text(tmp_path: Path) -> None:
    frame = _typed_frame(40, random.Random(4)).with_columns(
        pl.Series("revenue_y3", [Decimal(-1), Decimal(1_000_000_001), *[Decimal(1)] * 38]).cast(
            pl.Decimal(24, 6)
        ),
        pl.Series("total_cost", [None, None, -3, 10**9 + 1, *[None] * 36], dtype=pl.Int64),
        pl.Series("score_ip_count", [9, -1, *[None] * 38], dtype=pl.Int64),
    )
    frame.write_parquet(tmp_path / "in.parquet")
    frame.write_csv(tmp_path / "in.csv")
    errors = []
    for name in ("in.parquet", "in.csv"):
        with pytest.raises(InputError) as exc:
            load(tmp_path / name, as_of=AS_OF)
        errors.append(exc.value.errors)
    assert errors[0] == errors[1]
    assert errors[0][:5] == [
        "第2行 销售收入_第三年: 不能为负数",
        "第2行 知识产权数量得分: 应为0–8的整数",
        f"第3行 销售收入_第三年: {TOO_BIG}",
        "第3行 知识产权数量得分: 不能为负数",
        "第4行 成本费用支出总额: 不能为负数",
    ]
    assert errors[0][5:] == [f"第5行 成本费用支出总额: {TOO_BIG}"]


def test_vectorized_uscc_warnings_equal_validate() -> None:
    rng = random.Random(5)
    codes = [uscc.generate(rng) for _ in range(300)]
    codes += ["".join(rng.choice(uscc.CHARSET) for _ in range(18)) for _ in range(3000)]
    codes += [c[:17] + ch for c in CODES for ch in uscc.CHARSET]
    assert all(uscc.is_clean(c) for c in codes)
    array = uscc.codes_array("".join(codes).encode("ascii"))
    assert [uscc.CHARSET[i] for i in uscc.expected_check_indexes(array)] == [
        uscc.check_digit(c[:17]) for c in codes
    ]
    outcome, warnings = uscc.clean_warnings(array)
    got = [warnings.get(number, []) for number in outcome.tolist()]
    assert got == [uscc.validate(c).warnings for c in codes]
    assert any(len(w) == 2 for w in got) and any(not w for w in got)
    # Every department known (the shortcut that skips the department arithmetic).
    known = [c[:17] + ch for c in codes[:300] for ch in "0Q"]
    outcome, warnings = uscc.clean_warnings(uscc.codes_array("".join(known).encode("ascii")))
    assert [warnings.get(number, []) for number in outcome.tolist()] == [
        uscc.validate(c).warnings for c in known
    ]


def test_uscc_warnings_and_duplicates_through_load(tmp_path: Path) -> None:
    wrong_digit = CODES[0][:17] + "Q"
    unknown_department = "B3" + CODES[1][2:]
    lines = [
        "uscc,name",
        f"{wrong_digit},甲",
        f"{unknown_department.lower()},乙",
        f"{CODES[2]},丙",
    ]
    path = tmp_path / "in.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings = load(path, as_of=AS_OF).facts.get_column("_warnings").to_list()
    assert warnings == [
        ["统一社会信用代码" + "；".join(uscc.validate(wrong_digit).warnings)],
        ["统一社会信用代码" + "；".join(uscc.validate(unknown_department).warnings)],
        [],
    ]
    assert uscc.validate(wrong_digit).warnings and uscc.validate(unknown_department).warnings
    lines += [f" {CODES[2].lower()} ,丁", f"{wrong_digit},戊", f"{CODES[2]},己"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path, as_of=AS_OF)
    assert exc.value.errors == [
        "第5行 统一社会信用代码: 与第4行重复",
        "第6行 统一社会信用代码: 与第2行重复",
        "第7行 统一社会信用代码: 与第4行重复",
    ]


def test_csv_blank_and_help_rows_are_skipped_but_keep_row_numbers(tmp_path: Path) -> None:
    text = (
        "uscc,name,employees\n"
        "【18位】,【名称】,【人】\n"
        f"{CODES[0]},甲,1\n"
        "\n"
        " , ,\u3000\n"
        "【x】,,\n"
        f"{CODES[1]},乙,x\n"
        " 【x】,,\n"
    )
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path, as_of=AS_OF)
    assert exc.value.errors == [
        "第7行 职工总数: “x”不是整数",
        "第8行 统一社会信用代码: “【x】”应为18位，实际3位",
        "第8行 企业名称: 不能为空",
    ]

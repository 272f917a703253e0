"""The column-by-column facts import (facts_import) gives what the row-by-row path
gives: the same parsed values, the same plan, the same stored rows; on any error it
steps aside, so the errors are the row-by-row path's."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection

from kechuang.core.errors import ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.tabular import Column, ParseError
from kechuang.enterprises import facts_import, importing
from kechuang.enterprises.models import FactRevision, YearlyFacts
from tests.conftest import make_enterprise

MONEY = [c for c in importing.FACT_COLUMNS if c.kind == "money_wan"]
NEGATIVE_OK = next(c for c in MONEY if c.may_be_negative)
NON_NEGATIVE = next(c for c in MONEY if not c.may_be_negative)


def _cells(rng: random.Random) -> list[object]:
    fixed: list[object] = [
        0.1, 1e-6, 123456789.123456, 0.0, -0.0, 1.0, -1.0, 0.15005, -0.15005, 2800.5,
        1.1234567, 1e-7, 4294967296.5, 4294967295.999999, 1e13, 1e20, -1e13,
        float("nan"), float("inf"), float("-inf"), 5, 0, -3, 10**16, None, "", "  ",
        "abc", "1,234.5", " 12 ", "-0", "-0.00", "1e3", "0.0000001", True,
        dt.date(2021, 3, 31), 44286.0, 2.675, 1.005, 999999999999.999999,
    ]  # fmt: skip
    randoms: list[object] = []
    for _ in range(400):
        places = rng.randint(0, 8)
        value = round(rng.uniform(-1e6, 1e9), places)
        randoms += [value, rng.randint(-1000, 10**7) / 10**places]
    return fixed + randoms


def _expected_fen(col: Column, raw: object) -> object:
    """`col.parse(raw)` in fen, "fail" on a ParseError, "step aside" for -0.00."""
    try:
        value = col.parse(raw)
    except ParseError:
        return "fail"
    if value is None:
        return None
    if value.is_zero() and value.is_signed():
        return "step aside"
    fen = int(value.scaleb(2))
    return "step aside" if abs(fen) > facts_import.MAX_FEN else fen  # check: 数值过大


@pytest.mark.parametrize("col", [NEGATIVE_OK, NON_NEGATIVE], ids=lambda c: c.key)
def test_money_column_equals_parse_cell_by_cell(col):
    cells = _cells(random.Random(7))
    for raw in cells:
        expected = _expected_fen(col, raw)
        got = facts_import.money_fen(col, [raw, 1.5, None])
        if expected in ("fail", "step aside"):
            assert got is None, raw
        else:
            assert got is not None, raw
            assert got.to_list() == [expected, 1500000, None], raw
    good = [raw for raw in cells if _expected_fen(col, raw) not in ("fail", "step aside")]
    got = facts_import.money_fen(col, good)
    assert got is not None
    assert got.to_list() == [_expected_fen(col, raw) for raw in good]


def test_yuan_text_is_the_str_of_the_decimal():
    rng = random.Random(3)
    fens = [0, 1, -1, 5, -5, 99, 100, -100, 123456, -123456, 10**17, *(
        rng.randint(-(10**15), 10**15) for _ in range(500)
    )]  # fmt: skip
    got = pl.DataFrame({"f": fens}).select(facts_import.yuan_text(pl.col("f"))).to_series()
    assert got.to_list() == [str(Decimal(f).scaleb(-2)) for f in fens]


@pytest.mark.parametrize(
    "col",
    [
        next(c for c in importing.FACT_COLUMNS if c.key == "fiscal_year"),
        next(c for c in importing.FACT_COLUMNS if c.key == "employees"),
        Column("t", "文本", "text", max_length=5),
        Column("c", "来源", "choice", required=True, choices={"统计": "statistics"}),
        Column("d", "日期", "date"),
    ],
    ids=lambda c: c.key,
)
def test_other_columns_equal_parse_cell_by_cell(col):
    cells: list[object] = [
        2020.0, 2.5, -1.0, -0.0, 0.0, 1e20, 2.0**53, float("nan"), None, 7, "8", "x",
        "统计", "statistics", "2021-03-31", "abcdef", dt.date(2020, 1, 1), True,
    ]  # fmt: skip
    filler = ("统计" if col.kind == "choice" else 2020.0) if col.required else None
    for raw in cells:
        try:
            expected = [col.parse(raw), col.parse(filler)]
        except ParseError:
            with pytest.raises(ParseError):
                facts_import._parse_column(col, [raw, filler])
            continue
        got = facts_import._parse_column(col, [raw, filler])
        assert got == expected and [type(g) for g in got] == [type(e) for e in expected], raw
    texts = ["统计", "2021-03-31", None, "统计", "x"] * 3
    try:
        expected_all = [col.parse(t) for t in texts]
    except ParseError:
        with pytest.raises(ParseError):
            facts_import._parse_column(col, texts)
    else:
        assert facts_import._parse_column(col, texts) == expected_all


def _xlsx(rows: list[list[object]]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, [c.header for c in importing.FACT_COLUMNS if not c.info])
    for i, row in enumerate(rows, start=1):
        for j, cell in enumerate(row):
            if cell is not None:
                ws.write(i, j, cell)
    wb.close()
    return buf.getvalue()


def _sheet_rows(
    codes: list[str], rng: random.Random, years: tuple[int, ...] = (2018, 2019, 2020)
) -> list[list[object]]:
    rows = []
    for code in codes:
        for year in years:
            employees = rng.randint(20, 800)
            revenue = round(rng.uniform(0, 50000), rng.randint(0, 6))
            row: list[object] = [
                code,
                year,
                employees,
                rng.choice([None, rng.randint(0, 20)]),
                revenue,
                rng.choice([None, round(revenue * 0.05, 4)]),
                None,
                round(rng.uniform(-500, 500), 6),
                *[rng.choice([None, 0, round(rng.uniform(0, 9e5), 2)]) for _ in range(2)],
                None,
                round(rng.uniform(0, 100), 3),
                None,
                None,
                None,
                rng.randint(0, 5),
                rng.choice(["统计", "税务", "enterprise"]),
                rng.choice([None, "2021-03-31", dt.date(2021, 1, 5)]),
                rng.choice([None, "说明文字"]),
            ]
            rows.append(row)
    return rows


def _stored(model, enterprise_ids, exclude):
    cols = [f.column for f in model._meta.concrete_fields if f.column not in exclude]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(qn, cols))} FROM {qn(model._meta.db_table)}")
        return sorted(tuple(r) for r in cursor.fetchall())


def _run_both(actor, data, monkeypatch, *, commit):
    """The plan (and stored rows) of the fast path, then of the row-by-row path, each
    in a transaction rolled back afterwards."""
    from django.db import transaction

    class Rollback(Exception):
        pass

    out = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(facts_import, "plan_facts", lambda *a, **k: None)
        result: dict = {}
        try:
            with transaction.atomic():
                try:
                    plan = importing.import_run(
                        actor=actor, kind="facts", data=data, filename="f.xlsx", commit=commit
                    )
                    result["plan"] = [
                        (r.row, r.status, r.key, r.name, r.changes) for r in plan.rows
                    ]
                except ValidationFailed as exc:
                    result["errors"] = exc.lines()
                result["facts"] = _stored(YearlyFacts, None, {"id", "updated_at"})
                result["revisions"] = _stored(FactRevision, None, {"id", "facts_id", "recorded_at"})
                result["audit"] = _stored(AuditLog, None, {"id", "at", "object_id"})
                raise Rollback
        except Rollback:
            pass
        out.append(result)
        monkeypatch.undo()
    return out


@pytest.mark.django_db
def test_new_and_changed_rows_equal_the_row_by_row_path(staff, regions, monkeypatch):
    rng = random.Random(11)
    firms = [make_enterprise(staff, regions["town_b"]) for _ in range(4)]
    codes = [f.uscc for f in firms]
    first = _sheet_rows(codes, rng)
    importing.import_run(
        actor=staff, kind="facts", data=_xlsx(first), filename="f.xlsx", commit=True
    )
    # changed rows, unchanged rows (firms[0]) and new rows (2017)
    second = _sheet_rows(codes, rng)
    second = [r if r[0] != codes[0] else first[i] for i, r in enumerate(second)]
    second += _sheet_rows(codes, rng, (2017,))
    data = _xlsx(second)
    for commit in (False, True):
        fast, slow = _run_both(staff, data, monkeypatch, commit=commit)
        assert "errors" not in fast
        assert fast == slow
    statuses = {s for _r, s, *_ in fast["plan"]}
    assert statuses == {"new", "changed", "unchanged"}


@pytest.mark.django_db
def test_fast_path_takes_a_clean_sheet_and_steps_aside_on_errors(staff, regions, monkeypatch):
    a = make_enterprise(staff, regions["town_b"])
    clean = [[a.uscc, 2019, 10, 2, 1.5, None, None, -0.25, *[None] * 8, "统计", None, None]]
    table_calls = []
    real = facts_import.plan_facts

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        table_calls.append(result is not None)
        return result

    monkeypatch.setattr(facts_import, "plan_facts", spy)
    importing.import_run(
        actor=staff, kind="facts", data=_xlsx(clean), filename="f.xlsx", commit=False
    )
    assert table_calls == [True]
    monkeypatch.undo()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    bad = [
        [a.uscc, 2019, 10, 12, 1, *[None] * 11, "统计", None, None],
        [a.uscc, 1979, "x", None, "1.1234567", *[None] * 11, "统计", future, None],
        ["91320000MA1234567X", 2019, 1, *[None] * 13, "统计", None, None],
        [a.uscc, 2020, 5, 1, 1, 2, 3, *[None] * 9, "统计", future, None],
        [a.uscc, 2020, 5, 1, 1, 2, 1, *[None] * 9, "统计", None, None],
        [a.uscc, 2021 + 100, -0.0, None, -0.0, *[None] * 11, "其它", None, None],
        [a.uscc, 2018, 1, None, -5, None, None, 1e20, *[None] * 8, "统计", "2021-02-30", None],
        [a.uscc, 2017, 1, None, None, 2, 3, None, 1, 2, None, None, 5, 6, 7, 8, "税务", None, "x" * 201],
    ]  # fmt: skip
    fast, slow = _run_both(staff, _xlsx(bad), monkeypatch, commit=True)
    assert fast == slow
    assert fast["errors"][:3] == [
        "第2行 科技人员数: 科技人员数不能大于职工总数",
        "第3行 职工总数: “x”不是整数",
        "第3行 销售收入: 小数位不能超过6位",
    ]
    assert len(fast["errors"]) > 8
    # each bad row alone: the fast path steps aside, the outcome is the row-by-row one
    for row in bad:
        assert real is facts_import.plan_facts
        fast, slow = _run_both(staff, _xlsx([row]), monkeypatch, commit=True)
        assert fast == slow, row

"""Broken workbooks and CSVs, generated (hypothesis), against every import kind the
frame declares and against /assess/: the answer is a Chinese message (ValidationFailed)
or a whole import — never an exception of another kind, and never a half-written
database after a refusal.

Bounded and reproducible: a fixed number of examples per kind, derandomized, no
example database, no deadline (the machine is shared; nothing here is timed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kechuang.assessments.services import assess_upload
from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.rules.fields import FIELDS

pytestmark = pytest.mark.django_db

EXAMPLES_PER_KIND = 25
ASSESS_EXAMPLES = 40
CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = hsettings(
    max_examples=EXAMPLES_PER_KIND,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_TEXTS = [
    "=1+1",
    "'=1+1",
    "@SUM(A1)",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "2021-02-30",
    "2021/13/01",
    "0000-00-00",
    "是",
    "否",
    "园区A",
    "镇B",
    "321283102",
    "91321283MA1MR5HB8P",
    "91321283MA1MR5HB8X",
    "４２",
    "1,000",
    "1.2.3",
    " ",
    "\x00",
    "【说明】",
    "高新技术企业",
    "发明专利",
    "统计",
    "99999999999999999999",
]
JUNK_HEADERS = ["", "备注", "合计", "(第1列)", "错误", "原行号", "uscc", "name", "=A1"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "big5", "shift_jis", "latin-1", "utf-16"]
XLSX_SHAPES = ["plain", "hidden_first", "merged", "empty", "formula", "two_sheets"]

cell_values = st.one_of(
    st.none(),
    st.sampled_from(ODD_TEXTS),
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=6, min_value=-(10**12), max_value=10**12
    ),
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.booleans(),
)


def header_names(columns: list[Any]) -> list[str]:
    out: list[str] = []
    for c in columns:
        out += [c.header, c.key, *c.aliases]
    return out


def _csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def _write(ws: Any, i: int, j: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(i, j, value)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            ws.write_string(i, j, str(value))
        else:
            ws.write_number(i, j, number)
    elif isinstance(value, dt.date):
        ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()))
    else:
        ws.write_string(i, j, str(value))


def _xlsx(headers: list[str], rows: list[list[Any]], shape: str) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2021, 6, 30)})  # the same bytes every run
    if shape == "hidden_first":
        hidden = wb.add_worksheet("隐藏")
        hidden.write_string(0, 0, "统一社会信用代码")
        hidden.write_string(1, 0, "91321283MA1MR5HB8P")
    ws = wb.add_worksheet("数据")
    if shape == "hidden_first":
        ws.activate()
        hidden.hide()
    if shape != "empty":
        for j, h in enumerate(headers):
            ws.write_string(0, j, h)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                _write(ws, i, j, v)
    if shape == "merged" and rows:
        ws.merge_range(1, 0, min(len(rows), 3), 1, "合并的单元格")
    if shape == "formula":
        ws.write_formula(1, 0, "=B2&C2", None, "")
        ws.write_formula(2, 1, "=1/0")
    if shape == "two_sheets":
        other = wb.add_worksheet("第二页")
        other.write_string(0, 0, "不读")
    wb.close()
    return buf.getvalue()


@st.composite
def broken_files(draw: Any, names: list[str]) -> tuple[bytes, str]:
    """(bytes, file name) of a sheet that is likely wrong in several ways at once."""
    headers = draw(st.lists(st.sampled_from(names + JUNK_HEADERS), max_size=8))
    width = max(len(headers), 1)
    rows = draw(
        st.lists(st.lists(cell_values, min_size=0, max_size=width + 1), min_size=0, max_size=6)
    )
    if draw(st.booleans()):
        encoding = draw(st.sampled_from(ENCODINGS))
        data = _csv_text(headers, rows).encode(encoding, errors="replace")
        name = "upload.csv"
    else:
        data = _xlsx(headers, rows, draw(st.sampled_from(XLSX_SHAPES)))
        name = "upload.xlsx"
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "wrong_name"]))
    if damage == "truncate" and data:
        data = data[: draw(st.integers(min_value=0, max_value=len(data) - 1))]
    elif damage == "flip" and data:
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    elif damage == "wrong_name":
        name = draw(st.sampled_from(["upload.xls", "upload.txt", "upload", "upload.xlsx.csv"]))
    return data, name


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model an import may write (the test database is small)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model._meta.app_label in ("enterprises", "targets", "core", "accounts"):
            out[model._meta.label] = list(model.objects.order_by("pk").values())
    return out


def assert_chinese(exc: ValidationFailed) -> None:
    for text in [exc.message, *exc.lines()]:
        assert CJK.search(text), text
        assert "Traceback" not in text, text


# every kind the registry's IMPORTS declares (the example app's too, in tests)
KINDS = sorted(imports.kinds())


def test_the_main_kinds_are_fuzzed() -> None:
    assert {"enterprises", "facts", "ip", "certificates", "statistics", "targets"} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_broken_sheets_never_crash_and_never_half_land(
    kind: str, staff: Any, regions: Any, firm_b: Any
) -> None:
    spec = imports.get_kind(kind)
    outcomes = {"refused": 0, "imported": 0}

    @FUZZ
    @given(broken_files(header_names(spec.columns)))
    def check(file: tuple[bytes, str]) -> None:
        data, name = file
        before = database_state()
        try:
            imports.import_run(actor=staff, kind=kind, data=data, filename=name, commit=True)
        except ValidationFailed as exc:
            assert_chinese(exc)
            assert database_state() == before, "a refused import changed the database"
            outcomes["refused"] += 1
        else:
            outcomes["imported"] += 1

    check()
    assert outcomes["refused"] > 0


def test_broken_sheets_never_crash_assess() -> None:
    names = [f.header for f in FIELDS] + [f.key for f in FIELDS]
    suffixes = st.sampled_from([None, ".json", ".jsonl", ".parquet"])

    @hsettings(FUZZ, max_examples=ASSESS_EXAMPLES)
    @given(broken_files(names), suffixes)
    def check(file: tuple[bytes, str], suffix: str | None) -> None:
        data, name = file
        if suffix:
            name = "upload" + suffix
        try:
            assess_upload(data=data, filename=name, rules=None, as_of=dt.date(2021, 6, 30))
        except ValidationFailed as exc:
            assert_chinese(exc)

    check()

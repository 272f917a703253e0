"""Hostile and faulty files (issue 12): nothing a user uploads or gives the CLI can take a
worker down, and what cannot be read is said in Chinese, naming the problem.

The workbooks are written part by part (tests/core/sheets.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.models import ImportBatch
from kechuang.core.tabular import read_table
from kechuang.enterprises.models import Enterprise
from kechuang.rules import inputs
from kechuang.rules.safe_read import (
    SheetLimits,
    SheetRefused,
    _calamine_rows,
    check_xlsx,
    decode_text,
    run_limited,
)
from tests.core import sheets

ROOT = Path(__file__).resolve().parents[2]
SMALL = SheetLimits(memory_mb=256, seconds=20)


# -- the far cell: 1.5 KB that asked calamine for 512 GB --------------------------------


@pytest.mark.nodb
def test_a_cell_at_xfd1048576_is_refused_before_anything_is_built() -> None:
    data = sheets.far_cell()
    assert len(data) < 2000
    with pytest.raises(ValidationFailed) as exc:
        read_table(data, "far.xlsx", limits=SheetLimits())
    assert "XFD1048576" in exc.value.message and "超出范围" in exc.value.message
    # the same check for the rules engine (/assess/ and `kechuang assess`)
    with pytest.raises(SheetRefused, match="XFD4000"):  # 2.6 GB before
        check_xlsx(sheets.far_cell("XFD4000"), SheetLimits())


@pytest.mark.nodb
def test_a_declared_dimension_beyond_the_limit_is_refused() -> None:
    body = f'<row r="1">{sheets.cell("A1", "企业名称")}</row>'
    data = sheets.workbook([("企业", "", body)])
    # the dimension element comes before sheetData; put it in by rewriting the part
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<sheetData>", b'<dimension ref="A1:ZZ999999"/><sheetData>')
            z.writestr(info.filename, part)
    with pytest.raises(SheetRefused, match="ZZ999999"):
        check_xlsx(out.getvalue(), SheetLimits())


@pytest.mark.nodb
def test_a_reader_that_aborts_in_the_child_is_a_message_and_the_process_lives() -> None:
    """Even past the checks (called directly here), calamine's abort on the far cell
    happens in the limited child: a Chinese message, and this process carries on."""
    with pytest.raises(SheetRefused, match="内存上限"):
        run_limited(_calamine_rows, sheets.far_cell(), "企业", limits=SMALL)
    assert run_limited(lambda: 6 * 7, limits=SMALL) == 42


@pytest.mark.nodb
def test_the_child_has_a_memory_and_a_time_limit() -> None:
    def hog() -> int:
        return len(bytearray(1024 * 1024 * 1024))

    with pytest.raises(SheetRefused, match="内存上限"):
        run_limited(hog, limits=SMALL)

    def sleeper() -> None:
        time.sleep(600)

    with pytest.raises(SheetRefused, match="超过 1 秒"):
        run_limited(sleeper, limits=SheetLimits(seconds=1))


@pytest.mark.nodb
def test_a_zip_bomb_is_refused_from_its_directory() -> None:
    data = sheets.bomb(3)  # 3 MB of XML in a few KB
    assert len(data) < 100_000
    with pytest.raises(SheetRefused, match="压缩比异常"):
        check_xlsx(data, SheetLimits())
    with pytest.raises(SheetRefused, match="解压后"):
        check_xlsx(data, SheetLimits(max_unzipped_mb=1))
    with pytest.raises(SheetRefused, match="文件大小"):
        check_xlsx(data, SheetLimits(max_mb=0))


@pytest.mark.nodb
def test_rows_are_counted_while_scanning() -> None:
    rows = [["企业名称"], *[[f"企业{i}"] for i in range(30)]]
    data = sheets.workbook([("企业", "", sheets.rows_xml(rows))])
    with pytest.raises(ValidationFailed, match="数据行数超过上限 20"):
        read_table(data, "x.xlsx", max_rows=20)
    assert len(read_table(data, "x.xlsx", max_rows=30).rows) == 30


@pytest.mark.nodb
def test_a_dtd_is_refused() -> None:
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    data = sheets.workbook([("企业", "", sheets.rows_xml([["企业名称"]]))], prolog=laughs)
    with pytest.raises(SheetRefused, match="DTD"):
        check_xlsx(data, SheetLimits())


@pytest.mark.nodb
def test_truncated_and_garbage_workbooks_are_messages() -> None:
    good = sheets.workbook([("企业", "", sheets.rows_xml([["企业名称"], ["甲"]]))])
    for data in (good[: len(good) // 2], good[:-30], b"PK\x03\x04" + b"\x00" * 200):
        with pytest.raises(ValidationFailed, match="不是有效的Excel文件"):
            read_table(data, "x.xlsx")


@pytest.mark.nodb
def test_the_cli_refuses_the_far_cell_with_exit_2_not_134(tmp_path: Path) -> None:
    src = tmp_path / "far.xlsx"
    src.write_bytes(sheets.far_cell())
    done = subprocess.run(
        [sys.executable, "-m", "kechuang.rules", "assess", str(src)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "KECHUANG_SHEET_MEMORY_MB": "512"},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "XFD1048576" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.nodb
def test_limits_come_from_the_environment() -> None:
    limits = SheetLimits.from_env(
        {"KECHUANG_SHEET_MAX_CELLS": "1000", "KECHUANG_SHEET_SECONDS": ""}
    )
    assert limits.max_cells == 1000 and limits.seconds == SheetLimits().seconds
    with pytest.raises(ValueError, match="KECHUANG_SHEET_MAX_MB"):
        SheetLimits.from_env({"KECHUANG_SHEET_MAX_MB": "many"})


# -- faults: hidden sheets, formulas without values, encodings ----------------------------


@pytest.mark.nodb
def test_the_first_visible_sheet_is_read_and_the_hidden_one_named() -> None:
    data = sheets.workbook(
        [
            ("旧数据", "hidden", sheets.rows_xml([["企业名称"], ["隐藏的企业"]])),
            ("内部", "veryHidden", sheets.rows_xml([["企业名称"], ["更隐藏的企业"]])),
            ("企业", "", sheets.rows_xml([["企业名称"], ["看得见的企业"]])),
        ]
    )
    table = read_table(data, "x.xlsx")
    assert [r[0] for _, r in table.rows] == ["看得见的企业"]
    assert table.warnings == ["已读取第一个可见工作表“企业”（跳过隐藏的工作表 “旧数据”、“内部”）"]
    only_hidden = sheets.workbook([("旧数据", "hidden", sheets.rows_xml([["企业名称"]]))])
    with pytest.raises(ValidationFailed, match="没有可见的工作表"):
        read_table(only_hidden, "x.xlsx")


@pytest.mark.nodb
def test_a_formula_without_a_cached_value_is_warned_naming_row_and_column() -> None:
    body = sheets.rows_xml([["企业名称", "销售收入（万元）"]])
    body += f'<row r="2">{sheets.cell("A2", "甲")}{sheets.cell("B2", None, "C2*2")}</row>'
    body += f'<row r="3">{sheets.cell("A3", "乙")}{sheets.cell("B3", 42, "C3*2")}</row>'
    table = read_table(sheets.workbook([("企业", "", body)]), "x.xlsx")
    assert table.rows[0][1][1] is None and table.rows[1][1][1] == 42
    assert len(table.warnings) == 1
    assert table.warnings[0].startswith("第2行 销售收入（万元）（B2）是公式但没有计算结果")


def test_reading_warnings_reach_the_import_plan(staff: Any, firm_b: Any) -> None:
    body = sheets.rows_xml([["信用代码", "年度", "职工总数", "数据来源"]])
    body += (
        f'<row r="2">{sheets.cell("A2", firm_b.uscc)}{sheets.cell("B2", 2020)}'
        f"{sheets.cell('C2', None, 'D9+1')}{sheets.cell('D2', '统计')}</row>"
    )
    data = sheets.workbook([("隐藏", "hidden", ""), ("年度数据", "", body)])
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert plan.warnings[0].startswith("已读取第一个可见工作表“年度数据”")
    assert plan.warnings[1].startswith("第2行 职工总数（C2）是公式但没有计算结果")


HEADERS = "统一社会信用代码,企业名称,所属镇街/园区\n"


@pytest.mark.nodb
@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        (
            "big5",
            "統一社會信用代碼,企業名稱,所屬鎮街\n91321283MA1MR5HB8P,臺灣精密機械股份有限公司,園區\n",
        ),
        (
            "shift_jis",
            "統一社会信用コード,企業名称,所属\n91321283MA1MR5HB8P,テスト株式会社,工業団地\n",
        ),
        ("latin-1", "uscc,name,région\n91321283MA1MR5HB8P,Société Générale Müller,Zürich\n"),
        ("cp1252", "uscc,name\n91321283MA1MR5HB8P,Café “Ærø” Ltd — Straße\n"),
    ],
)
def test_a_file_in_another_encoding_is_named_not_read_as_missing_columns(
    encoding: str, text: str
) -> None:
    data = text.encode(encoding)
    with pytest.raises(ValidationFailed) as exc:
        read_table(data, "x.csv")
    assert "无法识别文件编码" in exc.value.message and "缺少必填列" not in exc.value.message
    with pytest.raises(inputs.InputError, match="无法识别文件编码"):
        inputs._decode(data)


@pytest.mark.nodb
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_utf8_and_gbk_files_still_read(encoding: str) -> None:
    text = HEADERS + "91321283MA1MR5HB8P,泰兴市鑫焱精密机械有限公司,黄桥镇\n"
    assert decode_text(text.encode(encoding)) == text
    table = read_table(text.encode(encoding), "x.csv")
    assert table.rows[0][1][1] == "泰兴市鑫焱精密机械有限公司"


# -- the web: every upload path, any logged-in user ----------------------------------------


def test_the_far_cell_through_assess_is_a_422_for_an_enterprise_user(
    client_for: Any, enterprise_user: Any
) -> None:
    response = client_for(enterprise_user).post(
        "/assess/", {"file": SimpleUploadedFile("far.xlsx", sheets.far_cell())}
    )
    assert response.status_code == 422
    assert "XFD1048576" in response.content.decode()


def test_assess_upload_has_a_row_limit(client_for: Any, staff: Any, settings: Any) -> None:
    settings.ASSESS_UPLOAD_MAX_ROWS = 5
    rows = "".join(f"91321283MA1MR5HB8P,企业{i},100\n" for i in range(6))
    response = client_for(staff).post(
        "/assess/",
        {"file": SimpleUploadedFile("in.csv", ("uscc,name,employees\n" + rows).encode())},
    )
    assert response.status_code == 422
    assert "数据行数 6 超过上限 5" in response.content.decode()
    settings.SHEET_LIMITS = SheetLimits(max_mb=0)
    response = client_for(staff).post(
        "/assess/", {"file": SimpleUploadedFile("in.csv", b"uscc,name\n1,2\n")}
    )
    assert response.status_code == 422 and "文件超过0MB" in response.content.decode()


@pytest.mark.parametrize("kind", ["enterprises", "facts", "statistics"])
def test_the_far_cell_through_the_import_page_is_a_message(
    client_for: Any, staff: Any, kind: str
) -> None:
    response = client_for(staff).post(
        reverse("imports:upload", args=[kind]),
        {"file": SimpleUploadedFile("far.xlsx", sheets.far_cell())},
        follow=True,
    )
    assert response.status_code in (200, 422)
    assert "XFD1048576" in response.content.decode()
    assert not ImportBatch.objects.exists()


# -- failed uploads do not stay on disk ---------------------------------------------------


def test_a_refused_confirm_removes_its_upload(
    staff: Any, regions: Any, settings: Any, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    code = "91321283MA1MR5HB8P"
    data = f"统一社会信用代码,企业名称,所属镇街/园区\n{code},甲公司,园区A\n".encode()
    _plan, batch = imports.import_preview(
        actor=staff, kind="enterprises", data=data, filename="a.csv"
    )
    stored = Path(batch.stored_path)
    assert stored.is_file()
    # the kept file no longer checks when confirmed (here: changed on disk)
    stored.write_bytes(data.replace("园区A".encode(), "不存在的园区".encode()))
    with pytest.raises(ValidationFailed):
        imports.import_confirm(actor=staff, token=batch.token)
    assert not stored.exists()
    assert not Enterprise.objects.filter(uscc=code).exists()


def test_stale_uploads_are_purged(settings: Any, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path
    settings.UPLOAD_KEEP_HOURS = 24
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert imports.purge_stale_uploads() == 1
    assert not old.exists() and new.exists()


# -- money and numbers still read as they were --------------------------------------------


@pytest.mark.nodb
def test_negative_numbers_and_apostrophes_in_a_csv() -> None:
    data = "名称,金额\n'=1+1,-12.5\n'普通,3\n".encode()
    table = read_table(data, "x.csv")
    assert [r for _, r in table.rows] == [["=1+1", "-12.5"], ["'普通", "3"]]
    assert Decimal(table.rows[0][1][1]) == Decimal("-12.5")

from __future__ import annotations

import io
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from kechuang.reports.builder import build_annual, to_docx, to_json, to_markdown, to_pdf
from kechuang.targets.services import statistic_save, target_save
from tests.conftest import make_regions, make_staff
from tests.targets.conftest import TODAY, make_county_firms


@pytest.fixture(scope="module")
def report_data(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The small county's 2020 report, built once for the module (about a second with its
    charts) in a transaction rolled back at once: the report is plain data, and the tests
    that read it have no database access, so none of them can see another's rows."""
    with django_db_blocker.unblock(), transaction.atomic():
        regions = make_regions()
        staff = make_staff()
        make_county_firms(staff, regions)
        statistic_save(actor=staff, region=regions["peer"], year=2020, key="hnte_valid", value=5)
        statistic_save(actor=staff, region=regions["peer"], year=2017, key="hnte_valid", value=2)
        statistic_save(actor=staff, region=regions["peer"], year=2018, key="hnte_valid", value=3)
        statistic_save(actor=staff, region=regions["peer"], year=2019, key="hnte_valid", value=4)
        target_save(actor=staff, region=regions["county"], year=2020, indicator="hnte_new", value=5)
        target_save(
            actor=staff, region=regions["county"], year=2021, indicator="hnte_new", value=50
        )
        target_save(
            actor=staff,
            region=regions["county"],
            year=2021,
            indicator="hnte_valid",
            value=260,
            comparison="gt",
        )
        report = build_annual(region=regions["county"], year=2020, today=TODAY)
        transaction.set_rollback(True)
    return report


@pytest.fixture(scope="module")
def out_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "var" / "reports-test"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_json_follows_the_contract(report_data: Any):
    data = json.loads(to_json(report_data), parse_float=Decimal)
    assert data["year"] == 2020
    assert data["region"] == {"code": "321283", "name": "泰兴市"}
    hnte = data["indicators"]["hnte_new"]
    assert {"label", "unit", "value", "target", "peer_rank", "records"} <= set(hnte)
    assert hnte["value"] == 2 and hnte["records"] == 2 and hnte["target"] == 5
    assert data["indicators"]["hnte_valid"]["peer_rank"] == 2  # 兴化 5 > 泰兴 3


def test_json_writes_money_in_wan_with_two_decimals(report_data: Any):
    text = to_json(report_data)
    assert '"value": 8000.50' in text


def test_json_reports_no_data_indicators_as_null(report_data: Any):
    data = json.loads(to_json(report_data))
    # a statistic nobody entered; vouchers and loans of a county that runs no programme
    for ind_id in ("rd_gdp_ratio", "voucher_redeemed_wan", "loan_amount_wan"):
        assert data["indicators"][ind_id]["value"] is None
        assert data["indicators"][ind_id]["status"] == "no data"
        assert data["indicators"][ind_id]["records"] == 0


def test_markdown_has_the_three_sections_and_the_shortfalls(report_data: Any):
    md = to_markdown(report_data)
    assert (
        "## 一、2020年工作情况" in md
        and "## 二、存在的短板和不足" in md
        and "## 三、2021年工作思路" in md
    )
    assert "全年新认定国家高企2家" in md
    assert "未完成年度目标（≥5家）" in md
    # 兴化 grew faster: 2→5 mean of rates (0.5+0.3333+0.25)/3 = 36.11 % vs 50 % ours: not a shortfall
    assert "有效期内国家高企为3家，列泰州第2，低于兴化市的5家" in md
    assert "新认定国家高企不少于50家" in md and "有效期内国家高企超过260家" in md


def test_docx_opens_with_headings_a_table_and_an_image(report_data: Any, out_dir: Path):
    from docx import Document

    data = to_docx(report_data)
    (out_dir / "annual.docx").write_bytes(data)
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("一、") for h in headings)
    assert any(h.startswith("二、") for h in headings)
    assert any(h.startswith("三、") for h in headings)
    assert doc.tables and doc.tables[0].rows[0].cells[1].text == "指标"
    assert doc.inline_shapes and len(doc.inline_shapes) >= 2


def test_pdf_embeds_chinese_text(report_data: Any, out_dir: Path):
    data = to_pdf(report_data)
    assert data.startswith(b"%PDF")
    path = out_dir / "annual.pdf"
    path.write_bytes(data)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "存在的短板和不足" in text and "新认定国家高企" in text


def test_lagged_statistics_show_the_previous_year(county_firms: Any, regions: Any, staff: Any):
    # The seed's 2020 report gives the 2019 R&D/GDP ratio: a year's report reads it with a lag.
    statistic_save(
        actor=staff, region=regions["county"], year=2019, key="rd_gdp_ratio", value="2.65"
    )
    statistic_save(actor=staff, region=regions["peer"], year=2019, key="rd_gdp_ratio", value="2.70")
    data = json.loads(
        to_json(build_annual(region=regions["county"], year=2020, today=TODAY)), parse_float=Decimal
    )
    rd = data["indicators"]["rd_gdp_ratio"]
    assert rd["value"] == Decimal("2.65") and rd["data_year"] == 2019 and rd["peer_rank"] == 2
    assert data["indicators"]["hnte_new"]["data_year"] == 2020


def test_docx_is_a4_with_official_margins_serif_body_and_sans_headings(
    report_data: Any, out_dir: Path
):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    data = to_docx(report_data)
    (out_dir / "annual-a4.docx").write_bytes(data)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]

    def mm(length: Any) -> float:  # Word keeps twips: 210 mm is 11906 twips
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)

    def east_asian(style: Any) -> str:
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian(doc.styles["Normal"]) == "Noto Serif CJK SC"
    for name in ("Title", "Heading 1"):
        assert east_asian(doc.styles[name]) == "Noto Sans CJK SC"
        assert doc.styles[name].font.bold
    table = doc.tables[0]
    assert table.autofit is False
    widths = [c.width for c in table.columns]
    assert all(widths) and abs(sum(widths) - Mm(156)) < Mm(1)


def test_indicators_without_data_are_listed_once_in_the_appendix(report_data: Any):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(report_data)))
    texts = [p.text for p in doc.paragraphs]
    appendix = texts.index("附录：暂无数据的指标")
    visits = "兑现科技创新券"  # the small county runs no voucher programme
    assert report_data.lines["voucher_redeemed_wan"].ind.label.startswith(visits)
    assert not any(visits in t for t in texts[:appendix])
    assert sum(visits in t for t in texts[appendix:]) == 1
    assert not any(visits in c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "暂无记录或统计数据，未列入" not in "".join(texts[:appendix])
    md = to_markdown(report_data)
    assert (
        "## 附录：暂无数据的指标" in md
        and md.count(report_data.lines["voucher_redeemed_wan"].ind.label) == 1
    )


def test_a_lagged_figure_is_labelled_with_the_year_it_describes(
    county_firms: Any, regions: Any, staff: Any
):
    statistic_save(
        actor=staff, region=regions["county"], year=2019, key="rd_gdp_ratio", value="2.65"
    )
    report = build_annual(region=regions["county"], year=2020, today=TODAY, with_charts=False)
    md = to_markdown(report)
    assert "2019年度全社会研发经费占GDP的比重达2.65%" in md
    assert "2020年度全社会研发经费" not in md
    table = report.tables[0]
    row = next(r for r in table.rows if r[1].startswith("全社会研发经费占GDP比重"))
    assert row[1] == "全社会研发经费占GDP比重（2019年度）" and row[3] == "2.65"


def test_docx_tables_fit_their_numbers_and_repeat_their_header(report_data: Any):
    """Numbers never wrap (a column is at least as wide as its longest value), the page's
    spare width goes to the text columns, the header repeats on every page and a table's
    title is kept with it (seen in LibreOffice: 完成率 and 排名 wrapped a character a line)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    from kechuang.reports.builder import CELL_PAD_MM, UNIT_MM, _text_units

    doc = Document(io.BytesIO(to_docx(report_data)))
    for t, table in zip(report_data.tables, doc.tables, strict=True):
        widths = [c.width for c in table.columns]
        assert abs(sum(widths) - Mm(156)) < Mm(1)
        for j in range(t.text_cols, len(t.headers)):
            longest = max(_text_units(r[j]) for r in t.rows)
            assert widths[j] >= Mm(longest * UNIT_MM + CELL_PAD_MM) - Mm(0.1), (t.title, j)
        head = table.rows[0]._tr.trPr
        assert head.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    titles = [p for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("表")]
    assert titles and all(p.paragraph_format.keep_with_next for p in titles)

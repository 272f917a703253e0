"""Round trips and the upload → preview frame for every import kind: whatever is
exported imports back unchanged; variant headers, extra columns, every error of a row,
the error workbook and the counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.models import ImportBatch
from kechuang.core.tabular import read_table, write_rows_csv, write_rows_xlsx
from kechuang.rules import uscc
from kechuang.targets.services import statistic_save, target_save
from tests.conftest import make_enterprise, new_uscc

pytestmark = pytest.mark.django_db

KINDS = ["enterprises", "facts", "ip", "certificates", "statistics", "targets"]


def xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wrong_check_digit(code: str) -> str:
    right = uscc.check_digit(code[:17])
    return code[:17] + ("1" if right != "1" else "2")


@pytest.fixture
def records(staff: Any, regions: Any, firm_a: Any, firm_b: Any) -> dict[str, Any]:
    """Something of every kind: firm_b's facts, IP and certificate; a firm registered
    with a wrong check digit (kept, flagged for review); statistics and targets with
    fractions and notes."""
    odd = make_enterprise(staff, regions["park_a"], "校验码有误科技有限公司")
    odd.uscc = wrong_check_digit(odd.uscc)
    odd.save()
    statistic_save(actor=staff, region=regions["county"], year=2019, key="gdp_wan", value="1234.5")
    statistic_save(
        actor=staff,
        region=regions["peer"],
        year=2019,
        key="rd_gdp_ratio",
        value="2.65",
        source="泰州统计年鉴2020",
        note="初步数",
    )
    target_save(actor=staff, region=regions["county"], year=2021, indicator="hnte_new", value=50)
    target_save(
        actor=staff,
        region=regions["park_a"],
        year=2021,
        indicator="hnte_valid",
        value="12.5",
        comparison="gt",
        note="含迁入",
    )
    return {"firm_b": firm_b, "odd": odd}


def exported(actor: Any, kind: str, fmt: str = "xlsx") -> tuple[bytes, int]:
    headers, rows = imports.export_rows(actor=actor, kind=kind)
    rows = list(rows)
    if fmt == "csv":
        text = io.StringIO()
        write_rows_csv(text, headers, rows)
        return ("\ufeff" + text.getvalue()).encode(), len(rows)
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows, sheet=imports.get_kind(kind).title)
    return buf.getvalue(), len(rows)


def assert_unchanged(plan: imports.ImportPlan, n: int) -> None:
    assert plan.errors == [], [str(e) for e in plan.errors]
    assert n > 0
    assert plan.counts["rows"] == n == plan.counts["unchanged"], plan.counts
    assert all(r.status == "unchanged" for r in plan.rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_reimports_unchanged(staff: Any, records: Any, kind: str, fmt: str):
    data, n = exported(staff, kind, fmt)
    plan = imports.import_run(
        actor=staff, kind=kind, data=data, filename=f"export.{fmt}", commit=False
    )
    assert_unchanged(plan, n)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_export_uploads_back_unchanged_through_the_page(
    client_for: Any, staff: Any, records: Any, kind: str, tmp_path: Path
):
    out = tmp_path / f"{kind}.xlsx"
    call_command("export", kind, str(out), "--user", staff.username)
    response = client_for(staff).post(
        reverse("imports:upload", args=[kind]),
        {"file": SimpleUploadedFile(out.name, out.read_bytes())},
    )
    assert response.status_code == 200
    assert_unchanged(response.context["plan"], len(read_table(out).rows))
    assert ImportBatch.objects.get().counts["unchanged"] == len(read_table(out).rows)


@pytest.mark.parametrize("kind", ["enterprises", "facts", "ip", "certificates"])
def test_registry_list_export_uploads_back_unchanged(
    client_for: Any, staff: Any, records: Any, kind: str
):
    c = client_for(staff)
    data = c.get(reverse("enterprises:export", args=[kind])).content
    n = len(read_table(data, "x.xlsx").rows)
    response = c.post(
        reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile("x.xlsx", data)}
    )
    assert_unchanged(response.context["plan"], n)


def test_facts_export_carries_name_and_source_and_a_template_has_the_name(staff: Any, records: Any):
    headers, rows = imports.export_rows(actor=staff, kind="facts")
    first = next(iter(rows))
    assert headers[:3] == ["统一社会信用代码", "企业名称", "会计年度"]
    assert headers[-1] == "数据来源" and first[-1] == "统计"
    spec = imports.get_kind("facts")
    assert [c.header for c in spec.columns][:2] == ["统一社会信用代码", "企业名称"]
    for kind in ("ip", "certificates"):
        assert imports.export_rows(actor=staff, kind=kind)[0][1] == "企业名称"


def test_an_edited_export_without_source_names_the_rows_that_need_one(staff: Any, firm_b: Any):
    data = xlsx(
        [
            ["信用代码", "企业名称", "年度", "职工总数(人)"],
            [firm_b.uscc, "随便写的名称", 2020, 100],  # unchanged: no source needed
            [firm_b.uscc, firm_b.name, 2019, 120],  # changed
        ]
    )
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert [str(e) for e in plan.errors] == [
        "第1行 数据来源: 缺少此列：新增或修改年度数据时须注明来源"
    ]
    data = xlsx(
        [
            ["信用代码", "企业名称", "年度", "职工总数(人)", "数据来源"],
            [firm_b.uscc, "x", 2020, 100, None],
            [firm_b.uscc, "x", 2019, 120, None],
        ]
    )
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert [str(e) for e in plan.errors] == ["第3行 数据来源: 新增或修改数据时不能为空"]


@pytest.mark.parametrize(
    "headers",
    [
        ["信用代码", "年度", "职工总数", "数据来源"],
        ["统一代码", "会计年度", "职工总数(人)", "来源"],
        ["统一社会信用代码 ", "会 计 年 度", "职工总数（人）", "数据来源*"],
        ["ＵＳＣＣ", "年份", "职工总数【人】", "数据\u3000来源"],
    ],
)
def test_header_variants_are_recognised(staff: Any, firm_b: Any, headers: list[str]):
    data = xlsx([headers, [firm_b.uscc, 2020, 101, "统计"]])
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert plan.errors == [] and plan.warnings == []
    assert plan.rows[0].changes == {"employees": (100, 101)}


def test_unknown_columns_are_named_and_a_wrong_unit_refused(staff: Any, firm_b: Any):
    data = xlsx(
        [["信用代码", "年度", "职工总数", "备注栏", "联系人"], [firm_b.uscc, 2020, 100, 1, 2]]
    )
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert plan.warnings == ["未识别的列：“备注栏”、“联系人”，已忽略"]
    data = xlsx([["信用代码", "年度", "销售收入（元）"], [firm_b.uscc, 2020, 42000000]])
    with pytest.raises(ValidationFailed) as exc:
        imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert exc.value.lines() == ["第1行 销售收入: 单位应为万元（表头“销售收入（元）”）"]


def test_missing_required_columns_name_the_columns_not_recognised(staff: Any, firm_b: Any):
    data = xlsx([["代码", "财年", "职工总数"], [firm_b.uscc, 2020, 100]])
    with pytest.raises(ValidationFailed) as exc:
        imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    assert exc.value.lines() == [
        "第1行 统一社会信用代码: 缺少必填列",
        "第1行 会计年度: 缺少必填列",
    ]
    assert "未识别的列：“代码”、“财年”" in exc.value.message


def test_every_error_of_a_row_is_reported(staff: Any, regions: Any, firm_b: Any):
    unknown = wrong_check_digit(new_uscc())
    right = uscc.check_digit(unknown[:17])
    data = xlsx(
        [
            ["统一社会信用代码", "会计年度", "职工总数", "销售收入（万元）", "数据来源"],
            [unknown, 2020, "很多", -5, "统计"],
            [new_uscc(), 2020, 5, 1, "统计"],
        ]
    )
    plan = imports.import_run(actor=staff, kind="facts", data=data, filename="f.xlsx", commit=False)
    lines = [str(e) for e in plan.errors]
    assert lines[:3] == [
        "第2行 职工总数: “很多”不是整数",
        "第2行 销售收入: 不能为负数",
        f"第2行 统一社会信用代码: {unknown} 校验码应为 {right}（按GB 32100计算），请核对",
    ]
    assert lines[3].startswith("第3行 统一社会信用代码:") and "不在企业库中或无权修改" in lines[3]
    assert plan.counts["rows"] == 2 and plan.rows == []


def test_an_enterprise_rows_check_digit_is_said_beside_its_errors(staff: Any, regions: Any):
    code = wrong_check_digit(new_uscc())
    data = xlsx([["统一社会信用代码", "企业名称", "所属镇街/园区"], [code, "甲公司", "火星"]])
    plan = imports.import_run(
        actor=staff, kind="enterprises", data=data, filename="e.xlsx", commit=False
    )
    assert [str(e) for e in plan.errors] == [
        "第2行 所属镇街/园区: “火星”不是本县的镇、街道、乡或园区"
    ]
    assert any("校验码不符" in w for w in plan.warnings)


def test_statistics_preview_carries_every_error_and_a_commit_raises(staff: Any, regions: Any):
    data = "区域代码,年度,指标,数值\n999999,1800,GDP,abc\n321283,2020,gdp_wan,1\n".encode()
    plan = imports.import_run(
        actor=staff, kind="statistics", data=data, filename="s.csv", commit=False
    )
    assert [e.field for e in plan.errors] == ["key", "value", "region", "year"]
    assert plan.counts == {"new": 1, "changed": 0, "unchanged": 0, "errors": 4, "rows": 2}
    with pytest.raises(ValidationFailed):
        imports.import_run(actor=staff, kind="statistics", data=data, filename="s.csv", commit=True)


def test_a_failed_three_row_import_records_three_rows(client_for: Any, staff: Any, firm_b: Any):
    data = xlsx(
        [
            ["统一社会信用代码", "会计年度", "职工总数", "数据来源"],
            [firm_b.uscc, 2020, 100, "统计"],
            [firm_b.uscc, 2019, "x", "统计"],
            [firm_b.uscc, 2018, 100, "统计"],
        ]
    )
    c = client_for(staff)
    response = c.post(
        reverse("imports:upload", args=["facts"]), {"file": SimpleUploadedFile("f.xlsx", data)}
    )
    assert response.status_code == 422
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.counts == {"new": 0, "changed": 0, "unchanged": 2, "errors": 1, "rows": 3}
    assert "<td>3</td>" in c.get(reverse("imports:index")).content.decode()


def test_many_errors_show_fifty_and_link_the_error_workbook(
    client_for: Any, staff: Any, firm_b: Any
):
    rows: list[list[object]] = [
        ["统一社会信用代码", "企业名称", "会计年度", "职工总数", "数据来源"]
    ]
    rows.append(["【必填；18位", None, None, None, None])  # a template's help row is skipped
    rows += [[wrong_check_digit(new_uscc()), "某公司", 2020, "x", "统计"] for _ in range(60)]
    rows.append([firm_b.uscc, firm_b.name, 2020, 100, "统计"])  # fine
    c = client_for(staff)
    response = c.post(
        reverse("imports:upload", args=["facts"]),
        {"file": SimpleUploadedFile("年度数据.xlsx", xlsx(rows))},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert page.count("<li>第") == 50 and "另有 70 处错误" in page  # 120 errors in all
    batch = ImportBatch.objects.get()
    assert batch.counts["rows"] == 61 and batch.counts["errors"] == 120
    link = reverse("imports:errors", args=[batch.token])
    assert link in page
    download = c.get(link)
    assert download.status_code == 200
    assert "%E9%94%99%E8%AF%AF%E6%B8%85%E5%8D%95" in download["Content-Disposition"]  # 错误清单
    table = read_table(download.content, "e.xlsx")
    assert table.headers == [*rows[0], "错误", "原行号"]
    assert len(table.rows) == 61
    first = table.rows[0][1]
    assert (
        first[5].startswith("职工总数: “x”不是整数；统一社会信用代码: ")
        and "校验码应为" in first[5]
    )
    assert first[6] == 3
    assert table.rows[-1][1][5] is None
    # uploaded again as it is, its added columns are ignored: the same errors
    again = imports.import_run(
        actor=staff, kind="facts", data=download.content, filename="x.xlsx", commit=False
    )
    assert again.warnings == [] and len(again.errors) == 120


def test_error_workbook_is_the_uploaders_own(
    client_for: Any, staff: Any, officer_b: Any, firm_b: Any
):
    data = xlsx(
        [["统一社会信用代码", "会计年度", "职工总数", "数据来源"], [firm_b.uscc, 2020, "x", "统计"]]
    )
    client_for(staff).post(
        reverse("imports:upload", args=["facts"]), {"file": SimpleUploadedFile("f.xlsx", data)}
    )
    batch = ImportBatch.objects.get()
    response = client_for(officer_b).get(reverse("imports:errors", args=[batch.token]))
    assert response.status_code == 404


def test_dates_and_money_survive_the_error_workbook(staff: Any, firm_b: Any):
    from kechuang.core.tabular import write_error_workbook

    data = xlsx(
        [
            ["统一社会信用代码", "证书类型", "证书编号", "发证日期"],
            [firm_b.uscc, "高新技术企业", "GR1", dt.date(2020, 12, 2)],
        ]
    )
    table = read_table(data, "c.xlsx")
    buf = io.BytesIO()
    write_error_workbook(buf, table, {2: ["证书编号: 不对", "发证日期: 也不对"]})
    back = read_table(buf.getvalue(), "b.xlsx")
    assert back.rows[0][1][3] in (dt.date(2020, 12, 2), dt.datetime(2020, 12, 2))
    assert back.rows[0][1][4] == "证书编号: 不对；发证日期: 也不对"
    assert Decimal(1) == 1


def test_a_confirm_clicked_twice_writes_once(staff, regions):
    """The batch row is claimed under a lock: the second confirm is told, not written."""
    from kechuang.core import imports
    from kechuang.core.errors import Conflict
    from kechuang.targets.models import Target

    data = "区域代码,年度,指标,比较方式,目标值\n321283,2021,新认定国家高企,≥,50\n".encode()
    _plan, batch = imports.import_preview(actor=staff, kind="targets", data=data, filename="t.csv")
    imports.import_confirm(actor=staff, token=batch.token)
    with pytest.raises(Conflict, match="已导入"):
        imports.import_confirm(actor=staff, token=batch.token)
    assert Target.objects.count() == 1

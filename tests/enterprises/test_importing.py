import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.tabular import read_table, write_template
from kechuang.enterprises import importing
from kechuang.enterprises.models import Certificate, Enterprise, FactRevision, IPItem, YearlyFacts
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db

FACT_HEADERS = [
    "统一社会信用代码",
    "会计年度",
    "职工总数（人）",
    "科技人员数（人）",
    "销售收入（万元）",
    "研发费用（万元）",
    "数据来源",
]


def xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, kind, data, commit=True, name="t.xlsx"):
    return importing.import_run(actor=actor, kind=kind, data=data, filename=name, commit=commit)


def test_enterprise_sheet_imports_and_previews_changes(staff, regions):
    codes = [new_uscc() for _ in range(3)]
    data = xlsx(
        [
            [
                "统一社会信用代码",
                "企业名称",
                "所属镇街/园区",
                "成立日期",
                "技术领域",
                "规上工业企业",
            ],
            [codes[0], "甲公司", "园区A", "2010-01-02", "4.5", "是"],
            [codes[1], "乙公司", "镇B", dt.date(2012, 5, 6), "新材料", "否"],
            [codes[2], "丙公司", "321283102", None, None, None],
        ]
    )
    preview = run(staff, "enterprises", data, commit=False)
    assert preview.counts["new"] == 3 and not preview.errors
    assert Enterprise.objects.count() == 0
    run(staff, "enterprises", data)
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(uscc=codes[1]).tech_domain == "4"
    assert AuditLog.objects.filter(action="create", via="import").count() == 3
    again = xlsx(
        [
            ["uscc", "name", "region"],
            [codes[0], "甲公司（新名）", "园区A"],
            [codes[1], "乙公司", "镇B"],
        ]
    )
    plan = run(staff, "enterprises", again, commit=False)
    assert [r.status for r in plan.rows] == ["changed", "unchanged"]
    assert plan.rows[0].changes["name"] == ("甲公司", "甲公司（新名）")


def test_errors_name_row_and_column_and_nothing_is_written(staff, regions):
    ok = new_uscc()
    data = xlsx(
        [
            ["统一社会信用代码", "企业名称", "所属镇街/园区", "成立日期"],
            [ok, "好公司", "园区A", "2010-01-01"],
            ["9144030O1922038216", "坏代码公司", "园区A", None],
            [ok, "重复公司", "镇B", None],
            [new_uscc(), "未来公司", "镇B", (dt.date.today() + dt.timedelta(days=5)).isoformat()],
            [new_uscc(), "外县公司", "兴化市", None],
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        run(staff, "enterprises", data)
    lines = exc.value.lines()
    assert (
        "第3行 统一社会信用代码: 含非法字符 O（只允许数字和除 I、O、S、V、Z 以外的大写字母）"
        in lines
    )
    assert "第4行 统一社会信用代码: 与第2行重复" in lines
    assert any(line.startswith("第5行 成立日期:") and "晚于今天" in line for line in lines)
    assert any(line.startswith("第6行 所属镇街/园区:") for line in lines)
    assert Enterprise.objects.count() == 0


def test_duplicate_of_existing_in_another_area_is_refused_for_officer(officer_a, firm_b):
    data = xlsx(
        [["统一社会信用代码", "企业名称", "所属镇街/园区"], [firm_b.uscc, "抢过来", "园区A"]]
    )
    with pytest.raises(ValidationFailed) as exc:
        run(officer_a, "enterprises", data)
    assert "无权修改" in exc.value.lines()[0]
    firm_b.refresh_from_db()
    assert firm_b.name == "镇B精细化工有限公司"


def test_facts_import_converts_wan_to_yuan_and_records_source(staff, firm_b):
    data = xlsx([FACT_HEADERS, [firm_b.uscc, 2017, 90, 12, "2800.5", 150.000001, "税务"]])
    run(staff, "facts", data)
    f = YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2017)
    assert f.revenue_yuan == Decimal("28005000.00") and f.rd_expense_yuan == Decimal("1500000.01")
    assert FactRevision.objects.filter(facts=f).get().source == "tax"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([90, 12, "三千", 10], "第2行 销售收入: “三千”不是数字"),
        ([90, 12, -5, 10], "第2行 销售收入: 不能为负数"),
        ([10, 12, 5, 1], "第2行 科技人员数: 科技人员数不能大于职工总数"),
        ([10.5, 1, 5, 1], "第2行 职工总数: “10.5”不是整数"),
        ([10, 1, "1.1234567", 1], "第2行 销售收入: 小数位不能超过6位"),
    ],
)
def test_bad_fact_cells(staff, firm_b, cells, expected):
    data = xlsx([FACT_HEADERS, [firm_b.uscc, 2017, *cells, "税务"]])
    with pytest.raises(ValidationFailed) as exc:
        run(staff, "facts", data)
    assert expected in exc.value.lines()
    assert not YearlyFacts.objects.filter(fiscal_year=2017).exists()


def test_missing_required_columns(staff, firm_b):
    data = xlsx([["统一社会信用代码", "职工总数"], [firm_b.uscc, 5]])
    with pytest.raises(ValidationFailed) as exc:
        run(staff, "facts", data)
    assert exc.value.lines() == ["第1行 会计年度: 缺少必填列"]  # 数据来源: only rows that write
    assert "文件中没有未识别的列" in exc.value.message


def test_empty_file_is_refused(staff):
    with pytest.raises(ValidationFailed, match="文件为空"):
        run(staff, "facts", b"")
    with pytest.raises(ValidationFailed, match="没有数据行"):
        run(staff, "facts", xlsx([FACT_HEADERS]))


def test_non_excel_renamed_xlsx_is_refused(staff):
    with pytest.raises(ValidationFailed, match="不是有效的Excel文件"):
        run(staff, "facts", b"%PDF-1.4 this is not a spreadsheet", name="fake.xlsx")
    with pytest.raises(ValidationFailed, match="不是有效的Excel文件"):
        run(staff, "facts", b"PK\x03\x04broken zip", name="broken.xlsx")


def test_csv_in_gbk_and_utf8_bom(staff, firm_b):
    text = "统一社会信用代码,会计年度,职工总数,数据来源\n" + f"{firm_b.uscc},2016,80,统计\n"
    run(staff, "facts", text.encode("gbk"), name="f.csv")
    run(staff, "facts", ("\ufeff" + text.replace("2016", "2015")).encode("utf-8"), name="f.csv")
    assert set(
        YearlyFacts.objects.filter(enterprise=firm_b).values_list("fiscal_year", flat=True)
    ) >= {2015, 2016}


def test_ten_thousand_rows_with_one_bad_row_at_the_end_write_nothing(staff, regions):
    codes = [new_uscc() for _ in range(10_000)]
    rows = [["统一社会信用代码", "企业名称", "所属镇街/园区"]]
    rows += [[c, f"企业{i:05d}", "园区A"] for i, c in enumerate(codes)]
    rows[-1][0] = "BAD"
    with pytest.raises(ValidationFailed) as exc:
        run(staff, "enterprises", xlsx(rows))
    assert exc.value.lines() == ["第10001行 统一社会信用代码: 应为18位，实际3位"]
    assert Enterprise.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_ip_and_certificates_import(staff, firm_a):
    ip = xlsx(
        [
            ["统一社会信用代码", "知识产权类型", "授权号/登记号", "名称", "授权日期", "获得方式"],
            [firm_a.uscc, "发明专利", "ZL202010000001.1", "一种方法", "2020-06-01", "受让"],
            [firm_a.uscc, "实用新型专利", "ZL202020000002.2", "一种装置", "2020-07-01", None],
        ]
    )
    run(staff, "ip", ip)
    assert sorted(IPItem.objects.values_list("ip_class", flat=True)) == ["I", "II"]
    certs = xlsx(
        [
            ["统一社会信用代码", "证书类型", "证书编号", "发证日期", "批次"],
            [firm_a.uscc, "高新技术企业", "GR202032000001", "2020-12-02", "2020年第一批"],
        ]
    )
    run(staff, "certificates", certs)
    assert Certificate.objects.get().valid_until == dt.date(2023, 12, 1)


def test_enterprise_user_cannot_import(enterprise_user):
    with pytest.raises(PermissionDenied):
        run(enterprise_user, "facts", xlsx([FACT_HEADERS]))


def test_template_has_help_row_that_is_skipped(tmp_path, staff, firm_b):
    path = tmp_path / "t.xlsx"
    write_template(
        path, importing.FACT_COLUMNS, sheet="年度数据", lists=importing.template_lists("facts")
    )
    table = read_table(path)
    assert table.headers[0] == "统一社会信用代码" and table.rows == []
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["年度数据"]
    assert ws.data_validations.dataValidation, "template carries validation lists"
    for col, value in (
        (1, firm_b.uscc),
        (2, "（企业名称仅供核对）"),
        (3, 2016),
        (4, 77),
        (len(importing.FACT_COLUMNS) - 2, "统计"),
    ):
        ws.cell(row=3, column=col, value=value)
    wb.save(path)
    run(staff, "facts", path.read_bytes())
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2016).employees == 77


def test_export_round_trips_through_import(staff, firm_b, tmp_path):
    out = tmp_path / "facts.xlsx"
    call_command("export", "facts", str(out))
    table = read_table(out)
    assert len(table.rows) == 3
    plan = run(staff, "facts", out.read_bytes(), commit=False)  # 企业名称 and 数据来源 included
    assert plan.counts["unchanged"] == 3, plan.errors


def test_cli_import_exits_2_on_errors(staff, firm_b, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([FACT_HEADERS, [firm_b.uscc, 2017, "abc", 1, 1, 1, "统计"]]))
    with pytest.raises(SystemExit) as exc:
        call_command("import", "facts", str(bad), "--user", "staff")
    assert exc.value.code == 2
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([FACT_HEADERS, [firm_b.uscc, 2017, 50, 5, 100, 4, "统计"]]))
    call_command("import", "facts", str(good), "--dry-run", "--user", "staff")
    assert not YearlyFacts.objects.filter(fiscal_year=2017).exists()
    call_command("import", "facts", str(good), "--user", "staff")
    assert YearlyFacts.objects.filter(fiscal_year=2017).exists()


@pytest.mark.nodb  # the help text: no database
def test_console_script_help_lists_our_commands():
    out = subprocess.run(
        [sys.executable, "-m", "kechuang"], capture_output=True, text=True, check=True
    ).stdout
    assert "import" in out and "serve" in out


def test_large_ip_sheet_queries_numbers_in_chunks(staff, firm_a):
    rows = [["统一社会信用代码", "知识产权类型", "授权号/登记号", "名称", "授权日期"]]
    rows += [
        [firm_a.uscc, "实用新型专利", f"ZL2019200{i:05d}.1", f"装置{i}", "2019-01-01"]
        for i in range(2000)
    ]
    plan = run(staff, "ip", xlsx(rows))
    assert plan.counts["new"] == 2000 and IPItem.objects.count() == 2000
    assert run(staff, "ip", xlsx(rows), commit=False).counts["unchanged"] == 2000

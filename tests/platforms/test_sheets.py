"""The institutions, incubated projects, talent and commissioners sheets: each list's
export imports back unchanged; bad rows are refused naming row and field, and nothing
of the sheet is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.tabular import read_table, write_rows_xlsx
from kechuang.platforms.models import Commissioner, Talent

pytestmark = pytest.mark.django_db

LISTS = {
    "rd_institutions": "platforms:institutions",
    "incubated_projects": "platforms:incubated",
    "talent": "platforms:talent",
    "commissioners": "platforms:commissioners",
}


def run(actor: Any, kind: str, data: bytes, commit: bool = True) -> Any:
    return imports.import_run(actor=actor, kind=kind, data=data, filename="x.xlsx", commit=commit)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("kind", list(LISTS))
def test_each_list_export_imports_back_unchanged(
    client: Any, staff: Any, records: Any, kind: str
) -> None:
    client.force_login(staff)
    data = body(client.get(reverse(LISTS[kind]) + "?export=xlsx"))
    plan = run(staff, kind, data, commit=True)
    assert plan.ok, plan.errors
    assert plan.counts["unchanged"] >= 1 and plan.counts["new"] == 0 and plan.counts["changed"] == 0


def test_an_edited_export_changes_the_record(client: Any, staff: Any, records: Any) -> None:
    client.force_login(staff)
    table = read_table(
        body(client.get(reverse("platforms:commissioners") + "?export=xlsx")), "x.xlsx"
    )
    rows = [list(r) for _, r in table.rows]
    headers = list(table.headers)
    rows[0][headers.index("专业领域")] = "催化材料"
    out = io.BytesIO()
    write_rows_xlsx(out, headers, rows)
    plan = run(staff, "commissioners", out.getvalue())
    assert plan.counts["changed"] == 1
    assert Commissioner.objects.filter(expertise="催化材料").count() == 1


def test_bad_rows_are_refused_and_nothing_is_written(staff: Any, firm_a: Any, records: Any) -> None:
    headers = [
        "姓名",
        "人才计划",
        "入选（引进）年度",
        "专业领域",
        "所在企业统一社会信用代码",
        "所在企业",
        "所在载体",
    ]
    rows = [
        ["新人甲", "国家级人才", 2021, "化工", firm_a.uscc, "", None],
        ["新人乙", "院士", 2021, "化工", firm_a.uscc, "", None],
        ["新人丙", "省双创人才", 2021, "", "91320000MA00000000", "", None],
        ["新人丁", "市级人才", 2021, "", None, "", None],
    ]
    out = io.BytesIO()
    write_rows_xlsx(out, headers, rows)
    before = Talent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        run(staff, "talent", out.getvalue())
    lines = caught.value.lines()
    assert any(line.startswith("第3行 人才计划: “院士”应为") for line in lines), lines
    assert "第4行 统一社会信用代码: 不在企业库中或不属于本区域" in lines
    assert "第5行 依托单位: 应为一家企业或一个研发载体（二者选一）" in lines
    assert Talent.objects.count() == before
    preview = run(staff, "talent", out.getvalue(), commit=False)
    assert preview.counts["new"] == 1 and Talent.objects.count() == before


def test_officer_imports_only_their_area(officer_b: Any, firm_a: Any, records: Any) -> None:
    headers = [
        "姓名",
        "人才计划",
        "入选（引进）年度",
        "专业领域",
        "所在企业统一社会信用代码",
        "所在企业",
        "所在载体",
    ]
    out = io.BytesIO()
    write_rows_xlsx(out, headers, [["某人", "市级人才", 2021, "", firm_a.uscc, "", None]])
    with pytest.raises(ValidationFailed) as caught:
        run(officer_b, "talent", out.getvalue())
    assert caught.value.lines() == ["第2行 统一社会信用代码: 不在企业库中或不属于本区域"]

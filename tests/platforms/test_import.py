"""The science-plan projects sheet: a whole batch or nothing, errors naming row and
field in Chinese, and the list's export imports back unchanged."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core import imports
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.tabular import write_rows_xlsx
from kechuang.platforms.importing import COLUMNS
from kechuang.platforms.models import PlanProject
from kechuang.programmes.models import Award

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in COLUMNS]


def sheet(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    write_rows_xlsx(out, HEADERS, rows)
    return out.getvalue()


def run(actor: Any, data: bytes, commit: bool = True) -> Any:
    return imports.import_run(
        actor=actor, kind="science_plan", data=data, filename="清单.xlsx", commit=commit
    )


def good_rows(firm_a: Any, firm_b: Any) -> list[list[Any]]:
    return [
        [
            firm_a.uscc,
            firm_a.name,
            2020,
            "省级",
            "省重点研发计划",
            "课题一",
            dt.date(2020, 4, 1),
            "已申报",
            None,
            None,
            None,
        ],
        [
            firm_b.uscc,
            firm_b.name,
            2020,
            "市级",
            "泰州市科技支撑计划",
            "课题二",
            dt.date(2020, 4, 2),
            "立项",
            dt.date(2020, 9, 1),
            50,
            dt.date(2020, 10, 8),
        ],
        [
            firm_b.uscc,
            firm_b.name,
            2020,
            "省级",
            "省成果转化专项资金",
            "课题三",
            dt.date(2020, 4, 3),
            "未立项",
            dt.date(2020, 9, 2),
            None,
            None,
        ],
    ]


def test_a_batch_is_written_through_the_workflow(staff: Any, firm_a: Any, firm_b: Any) -> None:
    plan = run(staff, sheet(good_rows(firm_a, firm_b)))
    assert plan.ok and plan.counts["new"] == 3
    stages = dict(PlanProject.objects.values_list("title", "stage"))
    assert stages == {"课题一": "applied", "课题二": "approved", "课题三": "rejected"}
    award = Award.objects.get(application__title="课题二")
    assert award.amount_yuan == Decimal("500000.00") and award.paid_on == dt.date(2020, 10, 8)
    # the same sheet again changes nothing
    again = run(staff, sheet(good_rows(firm_a, firm_b)))
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0


def test_bad_rows_name_row_and_field_and_nothing_is_written(
    staff: Any, firm_a: Any, firm_b: Any
) -> None:
    rows = good_rows(firm_a, firm_b)
    rows.append(
        [
            firm_a.uscc,
            "",
            2020,
            "部级",
            "x",
            "课题四",
            dt.date(2020, 4, 1),
            "已申报",
            None,
            None,
            None,
        ]
    )
    rows.append(
        [
            "91320000MA00000000",
            "",
            2020,
            "省级",
            "x",
            "课题五",
            dt.date(2020, 4, 1),
            "已申报",
            None,
            None,
            None,
        ]
    )
    rows.append(
        [firm_a.uscc, "", 2020, "省级", "x", "课题六", dt.date(2019, 4, 1), "立项", None, 10, None]
    )
    rows.append(
        [
            firm_a.uscc,
            "",
            2020,
            "省级",
            "x",
            "课题七",
            dt.date(2020, 4, 1),
            "已申报",
            None,
            10,
            None,
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        run(staff, sheet(rows))
    lines = caught.value.lines()
    assert "第5行 级别: “部级”应为 国家级、省级、市级 之一" in lines
    assert "第6行 统一社会信用代码: 不在企业库中或不属于本区域" in lines
    assert "第7行 申报日期: 不在2020年" in lines
    assert "第7行 办理日期: 状态为“立项”时不能为空" in lines
    assert "第8行 资助金额: 未立项的项目不能有资助金额" in lines
    assert PlanProject.objects.count() == 0
    preview = run(staff, sheet(rows), commit=False)
    assert not preview.ok and preview.counts["new"] == 3


def test_a_move_the_workflow_forbids_is_refused(staff: Any, firm_a: Any, firm_b: Any) -> None:
    run(staff, sheet(good_rows(firm_a, firm_b)))
    rows = good_rows(firm_a, firm_b)
    rows[2][7] = "立项"  # 未立项 is final
    with pytest.raises(ValidationFailed) as caught:
        run(staff, sheet(rows))
    assert caught.value.lines() == ["第4行 状态: 已是“未立项”，不能改为“立项”"]


def test_only_the_bureau_imports(officer_a: Any, firm_a: Any, firm_b: Any) -> None:
    with pytest.raises(PermissionDenied):
        run(officer_a, sheet(good_rows(firm_a, firm_b)))


def test_the_list_export_imports_back(client: Any, staff: Any, firm_a: Any, firm_b: Any) -> None:
    run(staff, sheet(good_rows(firm_a, firm_b)))
    client.force_login(staff)
    response = client.get(reverse("platforms:projects") + "?export=xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    plan = run(staff, data, commit=False)
    assert plan.ok, plan.errors
    assert plan.counts["unchanged"] == 3
    headers, rows = imports.export_rows(actor=staff, kind="science_plan")
    assert headers == HEADERS and len(list(rows)) == 3

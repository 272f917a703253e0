"""The 专家库 sheet: an export imports back unchanged; bad rows are named; nothing is
half-written."""

from __future__ import annotations

import io
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.imports import export_rows, import_run
from kechuang.core.tabular import write_rows_xlsx
from kechuang.matching.models import Expert

pytestmark = pytest.mark.django_db


def sheet(headers: list[str], rows: Any) -> bytes:
    out = io.BytesIO()
    write_rows_xlsx(out, headers, rows)
    return out.getvalue()


def test_export_imports_back_unchanged(staff: Any, labelled: Any) -> None:
    headers, rows = export_rows(actor=staff, kind="iur_experts")
    data = sheet(headers, list(rows))
    plan = import_run(actor=staff, kind="iur_experts", data=data, filename="x.xlsx", commit=True)
    assert plan.ok and plan.counts["unchanged"] == Expert.objects.count() == 40


def test_new_and_changed_rows_and_errors(staff: Any, labelled: Any, officer_a: Any) -> None:
    headers = ["姓名", "单位", "技术领域", "研究方向"]
    good = [
        ["周建平", "吉林大学", "4.1 新材料·金属材料", "轴承钢 表面渗氮"],
        ["新专家", "江苏大学", "", "农业装备"],
    ]
    plan = import_run(
        actor=staff, kind="iur_experts", data=sheet(headers, good), filename="x.xlsx", commit=True
    )
    assert plan.counts["new"] == 1 and plan.counts["changed"] == 1
    assert Expert.objects.get(name="周建平").fields == "轴承钢 表面渗氮"
    bad = [
        ["王五", "不存在大学", "", "x"],
        ["赵六", "江苏大学", "", ""],
        ["新专家", "江苏大学", "", "y"],
        ["新专家", "江苏大学", "", "z"],
    ]
    with pytest.raises(ValidationFailed) as exc:
        import_run(
            actor=staff,
            kind="iur_experts",
            data=sheet(headers, bad),
            filename="x.xlsx",
            commit=True,
        )
    text = "；".join(exc.value.lines())
    assert "第2行 单位" in text and "第3行 研究方向" in text and "第5行 姓名: 与第4行重复" in text
    assert Expert.objects.get(name="新专家").fields == "农业装备"  # nothing written
    with pytest.raises(PermissionDenied):
        import_run(
            actor=officer_a,
            kind="iur_experts",
            data=sheet(headers, good),
            filename="x.xlsx",
            commit=False,
        )

"""积分补充数据 as an import kind: checked row by row in Chinese, written all or
nothing, blank = unknown (left as it is), and the export re-imports unchanged."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.imports import export_rows, import_run
from kechuang.points.models import PointsFacts
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db

HEADERS = [
    "统一社会信用代码",
    "年度",
    "纳税总额（万元）",
    "市级以上研发机构（个）",
    "列入严重失信主体名单",
]


def sheet(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_checks_every_row_then_writes_and_the_export_reimports(staff, firms):
    x, y = firms["X"], firms["Y"]
    bad = sheet(
        [HEADERS, [x.uscc, YEAR, "十万", 1, "是"], ["91320000000000000X", YEAR, 1, 1, "否"]]
    )
    plan = import_run(actor=staff, kind="points_facts", data=bad, filename="a.xlsx", commit=False)
    lines = [str(e) for e in plan.errors]
    assert any(line.startswith("第2行 纳税总额") for line in lines)
    assert any(line.startswith("第3行 统一社会信用代码") for line in lines)
    with pytest.raises(ValidationFailed):
        import_run(actor=staff, kind="points_facts", data=bad, filename="a.xlsx", commit=True)
    assert not PointsFacts.objects.exists()

    good = sheet([HEADERS, [x.uscc, YEAR, "12.5", 2, "否"], [y.uscc, YEAR, None, 0, None]])
    plan = import_run(actor=staff, kind="points_facts", data=good, filename="a.xlsx", commit=True)
    assert plan.imported and [r.status for r in plan.rows] == ["new", "new"]
    fx = PointsFacts.objects.get(enterprise=x, year=YEAR)
    assert str(fx.tax_paid_yuan) == "125000.00" and fx.credit_blacklisted is False
    fy = PointsFacts.objects.get(enterprise=y, year=YEAR)
    assert fy.tax_paid_yuan is None and fy.credit_blacklisted is None  # blank = unknown

    headers, rows = export_rows(actor=staff, kind="points_facts", year=YEAR)
    again = sheet([headers, *rows])
    plan = import_run(actor=staff, kind="points_facts", data=again, filename="b.xlsx", commit=False)
    assert not plan.errors and {r.status for r in plan.rows} == {"unchanged"}


def test_only_the_bureau_imports_points_facts(officer_a, firms):
    with pytest.raises(PermissionDenied):
        import_run(
            actor=officer_a,
            kind="points_facts",
            data=sheet([HEADERS]),
            filename="a.xlsx",
            commit=False,
        )


def test_open_objections_are_the_bureaus_todo(staff, county, scored_published_with_objection):
    import datetime as dt

    from kechuang.core.registry import todo_sections

    section = next(
        s for s in todo_sections(staff, dt.date(2021, 6, 5)) if s.source.key == "points-objections"
    )
    assert section.count == 1 and "丙综合企业有限公司" in section.items[0].title

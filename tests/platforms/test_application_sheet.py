"""The sheet of 认定与人才申报: the list's 导出 is the import layout and imports back
unchanged (the demo county's too); a row opens an application or moves it on through
the services; a bad row names row and field, and nothing of the sheet is written."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from kechuang.core import imports
from kechuang.core.errors import ValidationFailed
from kechuang.core.tabular import read_table, write_rows_xlsx
from kechuang.platforms.application_sheet import COLUMNS, KIND
from kechuang.platforms.models import Talent
from kechuang.platforms.workflow import RECOGNITION, RECOMMENDATION, TALENT
from kechuang.programmes.models import Application, Event

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


def run(actor: Any, data: bytes, commit: bool = True) -> Any:
    return imports.import_run(actor=actor, kind=KIND, data=data, filename="x.xlsx", commit=commit)


def export(client: Any, actor: Any) -> bytes:
    client.force_login(actor)
    r = client.get(reverse("platforms:applications") + "?export=xlsx")
    assert r.status_code == 200
    return b"".join(r.streaming_content) if r.streaming else r.content


def sheet(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    write_rows_xlsx(out, HEADERS, rows)
    return out.getvalue()


def snapshot() -> list[tuple[Any, ...]]:
    apps = Application.objects.filter(programme__in=(RECOGNITION, TALENT, RECOMMENDATION))
    return [*sorted(apps.values_list("pk", "stage", "version")), (Event.objects.count(),)]


def test_the_page_export_is_the_import_layout_and_imports_back_unchanged(
    client: Any, staff: Any, records: Any
) -> None:
    data = export(client, staff)
    table = read_table(data, "x.xlsx")
    assert list(table.headers) == HEADERS
    n = Application.objects.filter(programme__in=(RECOGNITION, TALENT, RECOMMENDATION)).count()
    assert len(table.rows) == n >= 5  # the recognition applied for, and the records' own
    before = snapshot()
    plan = run(staff, data)
    assert plan.ok, plan.errors
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": n, "errors": 0, "rows": n}
    assert snapshot() == before
    # the command's export is the same sheet
    headers, rows = imports.export_rows(actor=staff, kind=KIND)
    assert headers == HEADERS and len(list(rows)) == n


def test_rows_open_applications_and_move_them_on(
    client: Any, staff: Any, firm_a: Any, regions: Any, records: Any
) -> None:
    table = read_table(export(client, staff), "x.xlsx")
    rows = [list(r) for _, r in table.rows]
    col = {h: i for i, h in enumerate(HEADERS)}
    # the recognition applied for (已申报) is recommended
    mine = next(r for r in rows if r[col["名称或姓名"]] == "园区A众创空间申报")
    mine[col["当前环节"]] = "已推荐"
    mine[col["最近办理日期"]] = dt.date(2020, 7, 1)
    rows.append(
        [
            "人才计划申报",
            None,
            "钱新材",
            "省双创人才",
            None,
            firm_a.uscc,
            firm_a.name,
            None,
            None,
            None,
            "高分子材料",
            2020,
            "入选",
            dt.date(2020, 5, 1),
            dt.date(2020, 9, 1),
        ]
    )
    rows.append(
        [
            "科技特派员推荐",
            None,
            "沈推荐",
            None,
            None,
            None,
            None,
            None,
            "南京工业大学",
            "镇B",
            "化工安全",
            2020,
            "推荐中",
            dt.date(2020, 8, 1),
            None,
        ]
    )
    data = sheet(rows)
    preview = run(staff, data, commit=False)
    assert preview.ok, preview.errors
    assert (preview.counts["new"], preview.counts["changed"]) == (2, 1)
    assert not Talent.objects.filter(name="钱新材").exists()  # a preview writes nothing

    plan = run(staff, data)
    assert plan.ok and plan.imported
    records["recognition"].refresh_from_db()
    assert records["recognition"].stage == "recommended"
    # 入选 through the workflow: its hook records the talent
    talent = Talent.objects.get(name="钱新材")
    assert talent.programme == "provincial" and talent.year == 2020
    assert talent.application is not None and talent.application.stage == "selected"
    assert [e.stage for e in talent.application.events.order_by("on", "id")] == [
        "applied",
        "recommended",
        "selected",
    ]
    rec = Application.objects.get(programme=RECOMMENDATION, applicant="沈推荐（南京工业大学）")
    assert rec.stage == "recommended" and rec.region == regions["town_b"]
    # and the sheet, exported again, imports back unchanged
    again = run(staff, export(client, staff), commit=False)
    assert again.counts["changed"] == again.counts["new"] == 0


def test_bad_rows_name_row_and_field_and_nothing_is_written(
    client: Any, staff: Any, firm_a: Any, records: Any
) -> None:
    table = read_table(export(client, staff), "x.xlsx")
    rows = [list(r) for _, r in table.rows]
    col = {h: i for i, h in enumerate(HEADERS)}
    n = len(rows)
    mine = next(i for i, r in enumerate(rows) if r[col["名称或姓名"]] == "园区A众创空间申报")
    rows[mine][col["当前环节"]] = "已认定"  # two moves ahead, but no date
    rows[mine][col["最近办理日期"]] = None
    good = [
        "人才计划申报",
        None,
        "周好人",
        "国家级人才",
        None,
        firm_a.uscc,
        None,
        None,
        None,
        None,
        None,
        2020,
        "已申报",
        dt.date(2020, 5, 1),
        None,
    ]
    rows.append(good)
    rows.append([*good[:2], "吴坏人", "院士", *good[4:]])  # no such programme
    rows.append([*good[:2], "郑坏人", *good[3:12], "入选", *good[13:]])  # no date
    data = sheet(rows)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        run(staff, data)
    lines = caught.value.lines()
    assert any(line.startswith(f"第{n + 3}行 类型: 应为 国家级人才") for line in lines), lines
    assert f"第{mine + 2}行 最近办理日期: 环节为“已认定”时不能为空" in lines, lines
    assert f"第{n + 4}行 最近办理日期: 环节为“入选”时不能为空" in lines, lines
    assert snapshot() == before
    assert not Talent.objects.filter(name="周好人").exists()
    assert not Application.objects.filter(applicant="周好人").exists()


def test_a_backward_move_and_a_changed_detail_are_refused(
    client: Any, staff: Any, records: Any
) -> None:
    table = read_table(export(client, staff), "x.xlsx")
    rows = [list(r) for _, r in table.rows]
    col = {h: i for i, h in enumerate(HEADERS)}
    i = next(i for i, r in enumerate(rows) if r[col["名称或姓名"]] == "园区A人才")
    rows[i][col["当前环节"]] = "已申报"
    j = next(i for i, r in enumerate(rows) if r[col["名称或姓名"]] == "园区A孵化器")
    rows[j][col["级别"]] = "国家级"
    with pytest.raises(ValidationFailed) as caught:
        run(staff, sheet(rows))
    lines = caught.value.lines()
    assert f"第{i + 2}行 当前环节: 已是“入选”，不能改为“已申报”" in lines, lines
    assert f"第{j + 2}行 级别: 与已登记的申报不一致（原为“省级”），导入不能更改" in lines, lines


def test_the_demo_countys_export_imports_back_with_no_change(
    client: Any, demo_county: Any, tmp_path: Any
) -> None:
    from django.core.management import call_command

    from kechuang.accounts.models import User

    kjj = User.objects.get(username="kjj")
    data = export(client, kjj)
    n = len(read_table(data, "x.xlsx").rows)
    assert n > 100
    plan = run(kjj, data, commit=False)
    assert plan.ok, plan.errors[:5]
    assert plan.counts["unchanged"] == n and plan.counts["new"] == plan.counts["changed"] == 0
    # the command line, as a user would check it: `kechuang import … --dry-run`
    path = tmp_path / "applications.xlsx"
    path.write_bytes(data)
    before = snapshot()
    out = io.StringIO()
    call_command("import", KIND, str(path), "--dry-run", "--user", "kjj", stdout=out)
    assert snapshot() == before

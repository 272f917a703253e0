"""The desk's sheets: visits and the problems raised on them, imported through the
frame's kinds (all or nothing, errors naming row and column, written through the
services with their scope, audit and notices), and exported in the layout they import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from kechuang.core import imports
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.core.tabular import write_rows_csv, write_rows_xlsx
from kechuang.desk import services
from kechuang.desk.models import DeskVisit, Problem
from kechuang.desk.workflow import PROBLEM_WORKFLOW
from kechuang.programmes.models import Visit

pytestmark = pytest.mark.django_db

VISIT_HEADERS = [c.header for c in imports.get_kind("desk_visits").columns]
PROBLEM_HEADERS = [c.header for c in imports.get_kind("desk_problems").columns]


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    write_rows_csv(text, headers, rows)
    return ("\ufeff" + text.getvalue()).encode()


def exported(actor: Any, kind: str, fmt: str) -> tuple[bytes, int]:
    headers, rows = imports.export_rows(actor=actor, kind=kind)
    rows = list(rows)
    if fmt == "csv":
        return csv_bytes(headers, rows), len(rows)
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows, sheet=imports.get_kind(kind).title)
    return buf.getvalue(), len(rows)


def run(actor: Any, kind: str, data: bytes, *, commit: bool = True) -> imports.ImportPlan:
    return imports.import_run(actor=actor, kind=kind, data=data, filename="s.csv", commit=commit)


@pytest.fixture
def today(settings: Any) -> dt.date:
    settings.KECHUANG_TODAY = "2021-07-10"
    return dt.date(2021, 7, 10)


@pytest.fixture
def recorded(today: Any, staff: Any, officer_b: Any, firm_b: Any, regions: Any) -> dict[str, Any]:
    """A visit to a firm and one to a town, each with a problem (one given out)."""
    firm_visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2021, 7, 1),
        purpose="policy",
        notes="宣讲研发费用加计扣除",
        enterprise=firm_b,
        follow_up_on=dt.date(2021, 8, 1),
        companions="镇B干部",
    )
    area_visit, _ = services.visit_record(
        actor=officer_b,
        visited_on=dt.date(2021, 7, 2),
        purpose="survey",
        notes="镇B科技工作座谈",
        region=regions["town_b"],
    )
    p1 = services.problem_raise(
        actor=staff, visit=firm_visit, category="funding", description="缺少流动资金"
    )
    services.problem_assign(
        actor=staff, problem=p1, department="县金融办", assignee=None, due_on=None
    )
    services.problem_raise(
        actor=officer_b, visit=area_visit, category="land", description="众创空间缺少场地"
    )
    return {"firm_visit": firm_visit, "area_visit": area_visit}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["desk_visits", "desk_problems"])
def test_every_export_reimports_unchanged(staff: Any, recorded: Any, kind: str, fmt: str) -> None:
    data, n = exported(staff, kind, fmt)
    plan = imports.import_run(
        actor=staff, kind=kind, data=data, filename=f"export.{fmt}", commit=False
    )
    assert plan.errors == [], [str(e) for e in plan.errors]
    assert n == 2 and plan.counts["unchanged"] == n == plan.counts["rows"], plan.counts


def test_export_is_in_chinese_and_names_the_visit_of_each_problem(
    staff: Any, recorded: Any, firm_b: Any
) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="desk_problems")
    by_target = {r[2]: r for r in rows}
    assert headers[:3] == ["走访日期", "走访人", "走访对象"]
    firm = by_target[firm_b.uscc]
    assert firm[1] == "局员工" and firm[4] == "资金融资" and firm[7] == "县金融办"
    assert firm[8] == PROBLEM_WORKFLOW.label_of("assigned") and firm[9]  # read-only
    assert by_target["镇B"][3] == "镇B"


def test_visits_import_writes_through_the_service(
    today: Any, staff: Any, officer_b: Any, firm_b: Any
) -> None:
    rows = [
        ["2021-07-03", "officer_b", "", "", firm_b.uscc, "", "问题协调", "", "协调用电", ""],
        ["2021-07-04", "镇B干部", "", "镇B", "", "", "调研走访", "", "走访众创空间", "2021-08-01"],
    ]
    plan = run(staff, "desk_visits", csv_bytes(VISIT_HEADERS, rows))
    assert plan.counts["new"] == 2 and plan.imported
    firm_visit = DeskVisit.objects.get(enterprise=firm_b)
    assert firm_visit.visitor == officer_b and firm_visit.unit == "镇B"
    assert firm_visit.frame_visit is not None
    assert Visit.objects.get(pk=firm_visit.frame_visit.pk).visitor == officer_b
    area = DeskVisit.objects.get(enterprise__isnull=True)
    assert area.region.name == "镇B" and area.follow_up_on == dt.date(2021, 8, 1)
    audited = AuditLog.objects.filter(object_type="desk.deskvisit", via="import")
    assert audited.count() == 2


def test_a_bad_row_writes_nothing_and_names_row_and_column(
    today: Any, staff: Any, firm_b: Any
) -> None:
    rows = [
        ["2021-07-03", "staff", "", "", firm_b.uscc, "", "问题协调", "", "协调用电", ""],
        ["2021-07-04", "无此人", "", "镇B", "", "", "调研走访", "", "座谈", ""],
        ["2021-07-05", "staff", "", "镇Z", "", "", "走亲戚", "", "", ""],
    ]
    data = csv_bytes(VISIT_HEADERS, rows)
    plan = run(staff, "desk_visits", data, commit=False)
    lines = [str(e) for e in plan.errors]
    assert any(t.startswith("第3行") and "走访人" in t for t in lines), lines
    assert any(t.startswith("第4行") and "走访目的" in t for t in lines), lines
    assert any(t.startswith("第4行") and "走访情况" in t for t in lines), lines
    with pytest.raises(ValidationFailed):
        run(staff, "desk_visits", data)
    assert DeskVisit.objects.count() == 0 and Visit.objects.count() == 0
    # what the service refuses is said at the preview too, and nothing of the sheet lands
    rows = [rows[0], ["2030-07-05", "staff", "", "镇B", "", "", "调研走访", "", "未来", ""]]
    plan = run(staff, "desk_visits", csv_bytes(VISIT_HEADERS, rows), commit=False)
    assert [str(e) for e in plan.errors] == ["第3行 走访日期: 不能晚于今天"]
    with pytest.raises(ValidationFailed):
        run(staff, "desk_visits", csv_bytes(VISIT_HEADERS, rows))
    assert DeskVisit.objects.count() == 0 and Visit.objects.count() == 0


def test_an_officer_imports_only_within_their_area(
    today: Any, officer_b: Any, officer_a: Any, firm_a: Any, firm_b: Any
) -> None:
    rows = [
        ["2021-07-03", "officer_b", "", "", firm_a.uscc, "", "调研走访", "", "越界", ""],
        ["2021-07-03", "officer_b", "", "园区A", "", "", "调研走访", "", "越界", ""],
        ["2021-07-03", "officer_a", "", "镇B", "", "", "调研走访", "", "他人", ""],
    ]
    plan = run(officer_b, "desk_visits", csv_bytes(VISIT_HEADERS, rows), commit=False)
    assert {e.row for e in plan.errors} == {2, 3, 4}, [str(e) for e in plan.errors]
    assert DeskVisit.objects.count() == 0
    ok = [["2021-07-03", "officer_b", "", "", firm_b.uscc, "", "调研走访", "", "本镇", ""]]
    assert run(officer_b, "desk_visits", csv_bytes(VISIT_HEADERS, ok)).counts["new"] == 1


def test_enterprises_and_helpers_cannot_import(enterprise_user: Any, helper_user: Any) -> None:
    for actor in (enterprise_user, helper_user):
        with pytest.raises(PermissionDenied):
            run(actor, "desk_visits", csv_bytes(VISIT_HEADERS, []))


def test_a_recorded_visit_is_not_changed_by_a_sheet(staff: Any, recorded: Any) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="desk_visits")
    rows = [list(r) for r in rows]
    rows[0][8] = "改过的走访情况"
    plan = run(staff, "desk_visits", csv_bytes(headers, rows), commit=False)
    assert [str(e) for e in plan.errors] == ["第2行 走访情况: 该走访已录入，不能通过导入修改"]


def test_problems_import_raises_and_gives_out_with_the_default_deadline(
    staff: Any, recorded: Any, firm_b: Any
) -> None:
    rows = [
        [
            "2021-07-01",
            "局员工",
            firm_b.uscc.lower(),
            "",
            "人才用工",
            "缺少研发人员",
            "",
            "县人社局",
        ],
        ["2021-07-02", "officer_b", "镇B", "", "其他", "网络信号差", "2021-07-03", ""],
    ]
    plan = run(staff, "desk_problems", csv_bytes(PROBLEM_HEADERS[:8], rows))
    assert plan.counts["new"] == 2, [str(e) for e in plan.errors]
    talent = Problem.objects.get(description="缺少研发人员")
    assert talent.application is not None and talent.application.enterprise == firm_b
    assert talent.stage == "assigned" and talent.department == "县人社局"
    assert talent.due_on is not None and talent.raised_on == dt.date(2021, 7, 10)
    area = Problem.objects.get(description="网络信号差")
    assert area.visit == recorded["area_visit"] and area.stage == "raised"
    assert AuditLog.objects.filter(object_type="desk.problem", via="import").count() >= 3


def test_a_raised_problem_is_given_out_from_a_sheet_but_not_reassigned(
    staff: Any, recorded: Any, officer_b: Any
) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="desk_problems")
    rows = [list(r) for r in rows]
    area = next(r for r in rows if r[2] == "镇B")
    area[7] = "县自然资源局"
    plan = run(staff, "desk_problems", csv_bytes(headers, [area]))
    assert plan.counts["changed"] == 1
    p = Problem.objects.get(description="众创空间缺少场地")
    assert p.stage == "assigned" and p.department == "县自然资源局"
    firm = next(r for r in rows if r[2] != "镇B")
    firm[7] = "另一个部门"
    plan = run(staff, "desk_problems", csv_bytes(headers, [firm]), commit=False)
    assert [str(e) for e in plan.errors] == ["第2行 责任部门: 该问题已交办，不能通过导入改交办"]


def test_a_problem_of_an_unknown_visit_is_refused(staff: Any, recorded: Any) -> None:
    rows = [["2021-07-05", "局员工", "镇B", "", "其他", "无来源", "", ""]]
    plan = run(staff, "desk_problems", csv_bytes(PROBLEM_HEADERS[:8], rows), commit=False)
    assert len(plan.errors) == 1
    assert str(plan.errors[0]).startswith("第2行 走访对象: 找不到该走访")
    with pytest.raises(ValidationFailed):
        run(staff, "desk_problems", csv_bytes(PROBLEM_HEADERS[:8], rows))
    assert Problem.objects.count() == 2


def test_an_officer_sees_and_imports_only_their_areas_problems(
    recorded: Any, officer_a: Any, officer_b: Any
) -> None:
    _headers, rows = imports.export_rows(actor=officer_a, kind="desk_problems")
    assert list(rows) == []
    rows = [["2021-07-02", "镇B干部", "镇B", "", "其他", "越界", "", ""]]
    plan = run(officer_a, "desk_problems", csv_bytes(PROBLEM_HEADERS[:8], rows), commit=False)
    assert [e.row for e in plan.errors] == [2]
    assert run(officer_b, "desk_problems", csv_bytes(PROBLEM_HEADERS[:8], rows)).counts["new"] == 1


@pytest.mark.parametrize("kind", ["desk_visits", "desk_problems"])
def test_the_demo_countys_export_reimports_unchanged(demo_county: Any, kind: str) -> None:
    from kechuang.accounts.models import User

    kjj = User.objects.get(username="kjj")
    data, n = exported(kjj, kind, "xlsx")
    plan = imports.import_run(actor=kjj, kind=kind, data=data, filename="e.xlsx", commit=False)
    assert plan.errors == [], [str(e) for e in plan.errors[:5]]
    assert n > 0 and plan.counts["unchanged"] == n


@pytest.mark.parametrize("kind", ["desk_visits", "desk_problems"])
def test_cli_export_uploads_back_unchanged_through_the_page(
    client_for: Any, staff: Any, recorded: Any, kind: str, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    out = tmp_path / f"{kind}.xlsx"
    call_command("export", kind, str(out), "--user", staff.username)
    page = client_for(staff).get(reverse("imports:index"))
    assert "走访记录" in page.content.decode() and "企业难题" in page.content.decode()
    response = client_for(staff).post(
        reverse("imports:upload", args=[kind]),
        {"file": SimpleUploadedFile(out.name, out.read_bytes())},
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.errors == [] and plan.counts["unchanged"] == 2

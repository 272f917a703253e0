import io
import subprocess
import sys

import pytest
from openpyxl import Workbook, load_workbook

from kechuang.enterprises.models import AssessmentRun

pytestmark = pytest.mark.django_db


def test_enterprise_page_shows_the_assessment_panel(client, officer_b, firm_b):
    client.force_login(officer_b)
    body = client.get(f"/enterprises/{firm_b.pk}/?year=2020").content.decode()
    assert "认定评价" in body and "高新技术企业认定" in body
    assert "国科发火〔2016〕32号 第十一条（五）" in body
    assert "评价日期 2021-06-30" in body


def test_what_if_form_recomputes_without_saving(client, enterprise_user, firm_b):
    client.force_login(enterprise_user)
    url = f"/assess/enterprise/{firm_b.pk}/?as_of=2021-06-30"
    assert client.get(url).status_code == 200
    response = client.post(
        f"/assess/enterprise/{firm_b.pk}/",
        {
            "as_of": "2021-06-30",
            "rd_expense_y3": "1",
            "revenue_y3": "4200",
            "revenue_y2": "3600",
            "revenue_y1": "3000",
            "rd_expense_y1": "200",
            "rd_expense_y2": "200",
        },
    )
    body = response.content.decode()
    changed = body.split("已修改：", 1)[1].split("</div>", 1)[0]
    assert "研发费用_第三年" in changed and "rd_expense_y3" not in changed  # labels, not keys
    assert firm_b.facts.get(fiscal_year=2020).rd_expense_yuan == 2000000
    bad = client.post(
        f"/assess/enterprise/{firm_b.pk}/", {"as_of": "2021-06-30", "employees": "很多"}
    )
    assert "职工总数" in bad.content.decode() and "不是整数" in bad.content.decode()


def test_what_if_is_scoped(client, officer_a, firm_b):
    client.force_login(officer_a)
    assert client.get(f"/assess/enterprise/{firm_b.pk}/").status_code == 404


def test_upload_returns_result_workbook(client, staff):
    from tests.assessments.test_services import H1

    wb = Workbook()
    wb.active.append(list(H1))
    wb.active.append(list(H1.values()))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "in.xlsx"
    client.force_login(staff)
    response = client.post("/assess/", {"file": buf, "as_of": "2025-06-15", "rules": "hnte-2016"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")
    out = load_workbook(io.BytesIO(response.content))
    assert len(out.sheetnames) >= 2
    header, first = list(out["结果"].iter_rows(max_row=2, values_only=True))
    assert header[:4] == ("统一社会信用代码", "企业名称", "规则集", "结论")
    assert first[2] == "高新技术企业认定（2016年版）" and first[3] in ("通过", "未通过", "待定")


def test_upload_with_errors_lists_them(client, staff):
    buf = io.BytesIO(b"uscc,name,employees\nBAD,x,abc\n")
    buf.name = "in.csv"
    client.force_login(staff)
    response = client.post("/assess/", {"file": buf})
    assert response.status_code == 422
    assert "第2行 职工总数" in response.content.decode()


def test_registry_button_is_for_staff(client, staff, officer_a, firm_b):
    client.force_login(officer_a)
    assert client.post("/assess/runs/new/", {"as_of": "2021-06-30"}).status_code == 403
    client.force_login(staff)
    assert client.post("/assess/runs/new/", {"as_of": "2021-06-30"}).status_code == 302
    assert AssessmentRun.objects.get().enterprises == 1


def test_registry_runs_page_defaults_to_the_application_year_and_reads_in_chinese(
    client, staff, firm_b
):
    client.force_login(staff)
    page = client.get("/assess/runs/").content.decode()
    # The latest fiscal year on record is 2020: mid-2021, as on the enterprise page.
    assert 'value="2021-06-30"' in page and "尚无" in page
    assert client.post("/assess/runs/new/", {"as_of": "2021-06-30"}).status_code == 302
    run = AssessmentRun.objects.get()
    rows = client.get("/assess/runs/").content.decode()
    assert "高新技术企业认定" in rows and "科技型中小企业评价" in rows
    for key, n in run.counts.items():
        label = {"pass": "通过", "fail": "未通过", "uncertain": "待定"}[key.partition(":")[2]]
        assert f"{label} {n}</span>" in rows
    assert ":uncertain=" not in rows and rows.count('id="runs"') == 1


def test_registry_assessment_runs_as_a_job_with_progress_and_links_to_the_run(
    client, staff, officer_a, firm_a, firm_b
):
    from kechuang.core.models import Job

    client.force_login(staff)
    response = client.post("/assess/runs/new/", {"as_of": "2021-06-30"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    # The immediate backend (tests) ran it inline; the database backend queues it.
    assert job.status == Job.Status.SUCCEEDED and job.kind == "全库评价（评价日期 2021-06-30）"
    assert (job.done, job.total) == (4, 4)  # two enterprises read, two results built
    run = AssessmentRun.objects.get()
    assert job.result["run"] == run.pk and job.result["enterprises"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "已评价 2 家企业（评价日期 2021-06-30）" in page
    assert f'href="/assess/runs/#run-{run.pk}"' in page and "every 1s" not in page
    assert f'id="run-{run.pk}"' in client.get("/assess/runs/").content.decode()
    api = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert api["status"] == "succeeded" and api["result"]["run"] == run.pk
    # An officer neither starts one nor sees the bureau's.
    client.force_login(officer_a)
    assert client.post("/assess/runs/new/", {"as_of": "2021-06-30"}).status_code == 403
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert Job.objects.count() == 1


def test_runs_page_lists_the_registry_assessments_still_running(client, staff):
    from kechuang.core.models import Job

    job = Job.objects.create(
        kind="全库评价（评价日期 2021-06-30）",
        task="x",
        actor=staff,
        status="running",
        done=1,
        total=4,
    )
    client.force_login(staff)
    page = client.get("/assess/runs/").content.decode()
    assert 'id="pending-runs"' in page and f'href="/jobs/{job.pk}/"' in page and "25%" in page


def test_cli_assess_exits_2_on_bad_input(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("uscc,name,employees\nBAD,x,abc\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kechuang", "assess", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "第2行 职工总数" in proc.stderr + proc.stdout


@pytest.mark.nodb  # the subprocess starts no Django, so no database
def test_the_kechuang_command_runs_assess_without_starting_django(tmp_path):
    out = tmp_path / "t.xlsx"
    code = (
        "import sys; from kechuang.__main__ import main; "
        f"main(['kechuang', 'assess', '--template', {str(out)!r}]); "
        "print('django.db' in sys.modules, 'django.apps.registry' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "False"] and out.exists()


def test_upload_of_a_renamed_non_excel_file_is_refused(client, staff):
    buf = io.BytesIO(b"%PDF-1.4 not a sheet")
    buf.name = "fake.xlsx"
    client.force_login(staff)
    response = client.post("/assess/", {"file": buf})
    assert response.status_code == 422
    assert "无法读取文件“fake.xlsx”，不是有效的 Excel 文件" in response.content.decode()


def test_upload_names_stay_inside_the_temporary_directory(client, staff):
    buf = io.BytesIO(b"")
    buf.name = "../../empty.csv"
    client.force_login(staff)
    response = client.post("/assess/", {"file": buf})
    assert response.status_code == 422
    assert "第1行 输入: 文件“empty.csv”是空的" in response.content.decode()

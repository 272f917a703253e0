"""The background-job frame: inline under the immediate backend (tests), queued under
the database backend and run by the real db_worker; progress, results, failures, and
who may see a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kechuang.core import jobs
from kechuang.core.errors import ValidationFailed
from kechuang.core.models import Job

pytestmark = pytest.mark.django_db

SEEN: list[tuple[str, int, int, str]] = []


@jobs.job_body
def counting(*, actor: Any, report: jobs.Reporter, upto: int) -> dict[str, Any]:
    for k in range(1, upto + 1):
        report(k, upto, f"第 {k} 步")
        # What a polling page reads while the body is still running.
        row = Job.objects.get(task=f"{__name__}.counting", status=Job.Status.RUNNING)
        SEEN.append((row.status, row.done, row.total, row.message))
    return {"summary": f"数到 {upto}", "sum": sum(range(upto + 1)), "by": actor.username}


@jobs.job_body
def crashing(*, actor: Any, report: jobs.Reporter) -> None:
    report(1, 2, "快要出错了")
    raise RuntimeError("secret internal detail")


@jobs.job_body
def refusing(*, actor: Any, report: jobs.Reporter) -> None:
    from kechuang.core.errors import FieldError

    raise ValidationFailed([FieldError("as_of", "评价日期", "日期不正确")], "评价失败")


@jobs.job_body
def making_a_file(*, actor: Any, report: jobs.Reporter, name: str) -> jobs.JobFile:
    return jobs.JobFile(
        filename=name,
        content_type="text/plain",
        data="报告正文".encode(),
        summary={"summary": "已生成"},
    )


def not_registered(*, actor: Any, report: jobs.Reporter) -> None:
    pass


@pytest.fixture(autouse=True)
def jobs_dir(tmp_path, settings):
    settings.JOBS_DIR = tmp_path / "jobs"
    return settings.JOBS_DIR


def test_the_immediate_backend_runs_the_job_inline_in_tests(settings, staff):
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    job = jobs.job_start(actor=staff, kind="计数", task=counting, upto=3)
    assert job.status == Job.Status.SUCCEEDED and job.get_status_display() == "已完成"
    assert job.task_result_id and job.started_at and job.finished_at
    assert job.actor == staff and job.kind == "计数" and job.params == {"upto": 3}


def test_a_job_records_progress_then_its_result(staff):
    SEEN.clear()
    job = jobs.job_start(actor=staff, kind="计数", task=counting, upto=3)
    assert SEEN == [
        ("running", 1, 3, "第 1 步"),
        ("running", 2, 3, "第 2 步"),
        ("running", 3, 3, "第 3 步"),
    ]
    assert job.result == {"summary": "数到 3", "sum": 6, "by": staff.username}
    assert (job.done, job.total, job.percent) == (3, 3, 100)


def test_a_running_job_stays_below_a_hundred_percent():
    job = Job(status=Job.Status.RUNNING, done=10, total=10)
    assert job.percent == 99
    assert Job(status=Job.Status.QUEUED).percent is None


def test_a_failing_job_is_failed_with_a_chinese_message_and_no_traceback(client_for, staff, caplog):
    job = jobs.job_start(actor=staff, kind="出错", task=crashing)
    assert job.status == Job.Status.FAILED and job.get_status_display() == "失败"
    assert job.error == f"任务执行出错（任务编号 {job.pk}），请联系管理员"
    assert job.finished_at is not None
    # The traceback is logged for the operator, never shown to the user.
    assert "secret internal detail" in caplog.text
    page = client_for(staff).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "失败" in page and job.error in page
    assert "secret internal detail" not in page and "Traceback" not in page
    api = client_for(staff).get(f"/api/v1/jobs/{job.pk}").json()
    assert api["status"] == "failed" and api["status_label"] == "失败"
    assert "secret" not in str(api)


def test_a_domain_error_fails_the_job_with_its_own_message(staff):
    job = jobs.job_start(actor=staff, kind="拒绝", task=refusing)
    assert job.status == Job.Status.FAILED
    assert job.error == "评价失败；评价日期: 日期不正确"


def test_only_registered_bodies_and_json_parameters_are_queued(staff):
    with pytest.raises(ValueError, match="job_body"):
        jobs.job_start(actor=staff, kind="x", task=not_registered)
    with pytest.raises(TypeError):
        jobs.job_start(actor=staff, kind="x", task=counting, upto=object())
    assert not Job.objects.exists()


def test_another_user_cannot_see_someones_job(client_for, staff, officer_a, officer_b):
    job = jobs.job_start(actor=officer_a, kind="计数", task=counting, upto=1)
    own = client_for(officer_a)
    assert own.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert own.get(f"/api/v1/jobs/{job.pk}").json()["result"]["sum"] == 1
    assert "计数" in own.get(reverse("jobs:list")).content.decode()
    other = client_for(officer_b)
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    response = other.get(f"/api/v1/jobs/{job.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert f"#{job.pk}" not in other.get(reverse("jobs:list")).content.decode()
    # Bureau staff see the jobs of their county.
    assert client_for(staff).get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert client_for(staff).get(f"/api/v1/jobs/{job.pk}").status_code == 200


def test_anonymous_is_sent_to_login(client, staff):
    job = jobs.job_start(actor=staff, kind="计数", task=counting, upto=1)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 302
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 401


def test_the_page_polls_while_the_job_runs_and_stops_when_it_has_finished(client_for, staff):
    job = Job.objects.create(
        kind="全库评价", task="x.y", actor=staff, status="running", done=5, total=20, message="读取"
    )
    c = client_for(staff)
    page = c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<nav" in page and "htmx.min.js" in page  # in the site layout
    assert f'hx-get="{reverse("jobs:detail", args=[job.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page and "运行中" in page and "25%" in page
    fragment = c.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<nav" not in body and 'hx-trigger="every 1s"' in body and "5 / 20" in body
    Job.objects.filter(pk=job.pk).update(
        status="succeeded",
        result={"summary": "已评价 20 家企业", "url": "/assess/runs/", "url_label": "查看记录"},
    )
    body = c.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in body and "已评价 20 家企业" in body
    assert 'href="/assess/runs/"' in body and "查看记录" in body


def test_a_result_link_must_stay_on_the_site():
    assert Job(result={"url": "https://evil.example/"}).result_link is None
    assert Job(result={"url": "//evil.example/"}).result_link is None
    assert Job(result={"url": "/assess/runs/"}).result_link == ("/assess/runs/", "查看结果")


def test_a_result_file_is_stored_outside_the_web_root_and_downloaded_by_its_owner(
    client_for, staff, officer_a, officer_b, jobs_dir
):
    job = jobs.job_start(actor=officer_a, kind="报告", task=making_a_file, name="../../报告.txt")
    assert job.status == Job.Status.SUCCEEDED and job.result == {"summary": "已生成"}
    stored = jobs_dir / job.result_file
    assert stored.parent == jobs_dir / str(job.pk) and stored.name == "result.txt"
    response = client_for(officer_a).get(reverse("jobs:download", args=[job.pk]))
    assert (
        response.status_code == 200 and b"".join(response.streaming_content) == "报告正文".encode()
    )
    assert "attachment" in response["Content-Disposition"]
    assert client_for(officer_b).get(reverse("jobs:download", args=[job.pk])).status_code == 404
    api = client_for(officer_a).get(f"/api/v1/jobs/{job.pk}").json()
    assert api["download_url"] == reverse("jobs:download", args=[job.pk])
    stored.unlink()
    assert client_for(officer_a).get(reverse("jobs:download", args=[job.pk])).status_code == 404


@pytest.mark.nodb  # reads the settings in a subprocess: no database
def test_the_database_backend_is_configured_outside_tests():
    code = "import kechuang.settings as s; print(s.TASKS['default']['BACKEND'])"
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "KECHUANG_TASKS_BACKEND")
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "django_tasks_db.DatabaseBackend", out.stderr
    env["KECHUANG_TASKS_BACKEND"] = "immediate"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "django_tasks.backends.immediate.ImmediateBackend"
    env["KECHUANG_TASKS_BACKEND"] = "celery"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0 and "KECHUANG_TASKS_BACKEND" in out.stderr


@pytest.fixture
def database_backend(monkeypatch):
    """The production backend on the test database. The worker checks its connection
    between tasks; inside the test's transaction that would drop it, so that one call
    is a no-op here. Its signal handlers are put back afterwards."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_the_db_worker_runs_a_queued_job(database_backend, staff):
    from django_tasks_db.models import DBTaskResult

    job = jobs.job_start(actor=staff, kind="计数", task=counting, upto=2)
    assert job.status == Job.Status.QUEUED and job.started_at is None
    assert DBTaskResult.objects.filter(id=job.task_result_id, status="READY").exists()
    # --batch: run what is queued, then exit (bounded).
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["sum"] == 3
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"

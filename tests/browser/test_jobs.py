"""A job page in Chromium: it polls while the job runs and shows the result when the
job finishes, without a reload; 全库评价 clicked through to its finished job."""

import pytest

from kechuang.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username="staff", password="pw-Kechuang-1"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")


def test_job_page_follows_the_job_until_it_finishes(page, live_server, staff, shot):
    job = Job.objects.create(
        kind="全库评价（评价日期 2021-06-30）",
        task="x.y",
        actor=staff,
        actor_name=str(staff),
        status="running",
        done=3,
        total=10,
        message="读取企业数据 3/10",
    )
    login(page, live_server)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert page.inner_text("#job-status") == "运行中"
    assert "30%" in page.inner_text(".progress")
    shot("job-running")
    Job.objects.filter(pk=job.pk).update(done=7, message="整理评价结果 7/10")
    page.wait_for_selector("#job-message:has-text('整理评价结果 7/10')", timeout=10000)
    Job.objects.filter(pk=job.pk).update(
        status="succeeded",
        result={
            "summary": "已评价 10 家企业",
            "url": "/assess/runs/",
            "url_label": "查看全库评价记录",
        },
    )
    page.wait_for_selector("#job-result", timeout=10000)
    assert page.inner_text("#job-status") == "已完成"
    assert "已评价 10 家企业" in page.inner_text("#job-result")
    shot("job-finished")
    page.click("#job-link")
    page.wait_for_selector("h1:has-text('全库评价')")


def test_registry_assessment_is_clicked_through_to_its_job(page, live_server, staff, firm_b):
    login(page, live_server)
    page.goto(f"{live_server.url}/assess/runs/")
    page.click("#run-registry")
    page.wait_for_selector("#job-result")
    assert "已评价 1 家企业" in page.inner_text("#job-result")
    page.click("#job-link")
    page.wait_for_selector("#runs tbody [id^=run-]")  # the run's anchor in its row

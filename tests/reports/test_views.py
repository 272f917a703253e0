from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_staff_downloads_the_annual_report(client_for: Any, staff: Any, county_firms: Any):
    c = client_for(staff)
    assert c.get(reverse("reports:index")).status_code == 200
    response = c.get(reverse("reports:annual") + "?year=2020&region=321283&format=json")
    assert response.status_code == 200 and response.json()["region"]["code"] == "321283"
    md = c.get(reverse("reports:annual") + "?year=2020&region=321283&format=md")
    assert "二、存在的短板和不足" in md.content.decode()


def test_officers_cannot_generate_reports(client_for: Any, officer_a: Any, county_firms: Any):
    assert client_for(officer_a).get(reverse("reports:index")).status_code == 403
    assert (
        client_for(officer_a).get(reverse("reports:annual") + "?year=2020&format=json").status_code
        == 403
    )


def test_word_report_is_built_as_a_job_and_downloaded_from_its_page(
    client_for: Any, staff: Any, county_firms: Any, tmp_path: Any, settings: Any
):
    from kechuang.core.models import Job

    settings.JOBS_DIR = tmp_path / "jobs"
    c = client_for(staff)
    form = c.get(reverse("reports:index")).content.decode()
    assert 'method="post"' in form and "后台生成" in form
    # Word/PDF are never built by a GET (a link or a prefetch must not start a job).
    url = reverse("reports:annual") + "?year=2020&region=321283&format=docx"
    assert c.get(url).status_code == 405 and not Job.objects.exists()
    response = c.post(
        reverse("reports:annual"), {"year": "2020", "region": "321283", "format": "docx"}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.kind == "年度报告（泰兴市2020年，Word）" and (job.done, job.total) == (2, 2)
    assert job.result_filename == "泰兴市2020年科技创新工作总结.docx"
    assert (tmp_path / "jobs" / job.result_file).is_file()
    page = c.get(response["Location"]).content.decode()
    assert "已生成《泰兴市2020年科技创新工作总结.docx》" in page
    download = c.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"].endswith("document")
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_officers_cannot_queue_a_report(client_for: Any, officer_a: Any, county_firms: Any):
    from kechuang.core.models import Job

    response = client_for(officer_a).post(
        reverse("reports:annual"), {"year": "2020", "format": "pdf"}
    )
    assert response.status_code == 403 and not Job.objects.exists()


def test_report_service_refuses_a_format_it_does_not_queue(staff: Any, county_firms: Any):
    import pytest

    from kechuang.core.errors import ValidationFailed
    from kechuang.reports.services import annual_report_start

    with pytest.raises(ValidationFailed):
        annual_report_start(actor=staff, year=2020, region_code="", fmt="json")

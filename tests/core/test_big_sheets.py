"""Big sheets never run in a web request: above a row threshold (a setting, lowered
here so that no test handles 200,000 rows) an import's check (preview) and its confirm,
and an /assess/ upload, are background jobs with progress on the job page; the result
(the preview, the written rows, the result workbook) or the errors are shown when done.
Tests run jobs inline (the immediate backend); the dummy backend stores a job without
running it, which proves the request itself parsed and wrote nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core import imports, tabular
from kechuang.core.models import ImportBatch, Job
from kechuang.enterprises.models import YearlyFacts
from tests.conftest import new_uscc
from tests.core.test_imports import xlsx

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
HEAD = ["统一社会信用代码", "会计年度", "职工总数", "数据来源"]


@pytest.fixture
def small_threshold(settings: Any, tmp_path: Path) -> Any:
    settings.IMPORT_JOB_ROWS = 3
    settings.ASSESS_JOB_ROWS = 2
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.JOBS_DIR = tmp_path / "jobs"
    return settings


def facts_sheet(firm: Any, employees: list[object]) -> bytes:
    return xlsx([HEAD, *[[firm.uscc, 2010 + i, n, "统计"] for i, n in enumerate(employees)]])


def upload(client: Any, data: bytes, name: str = "年度数据.xlsx") -> Any:
    return client.post(
        reverse("imports:upload", args=["facts"]), {"file": SimpleUploadedFile(name, data)}
    )


def job_of(response: Any) -> Job:
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith("/jobs/")
    return Job.objects.get(pk=int(response["Location"].strip("/").split("/")[1]))


def never(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a big sheet was parsed or written in the web request")


def test_a_big_import_is_checked_and_confirmed_by_the_worker(
    client_for: Any, staff: Any, firm_b: Any, small_threshold: Any
) -> None:
    c = client_for(staff)
    job = job_of(upload(c, facts_sheet(firm_b, [10, 20, 30, 40, 50])))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert "检查年度数据" in job.kind and "新增5行" in job.result["summary"]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.counts["rows"] == 5
    assert job.result["url"] == reverse("imports:preview", args=[batch.token])
    # the job page links to the kept preview, which offers the confirm in the background
    assert job.result["url"] in c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    page = c.get(job.result["url"])
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="count-new">5<' in text and 'id="confirm-in-background"' in text
    assert "2010" in text and not YearlyFacts.objects.filter(fiscal_year__lt=2015).exists()
    confirm = job_of(c.post(reverse("imports:confirm", args=[batch.token])))
    assert confirm.status == Job.Status.SUCCEEDED, confirm.error
    assert "新增5行" in confirm.result["summary"]
    written = YearlyFacts.objects.filter(enterprise=firm_b, fiscal_year__lt=2015)
    assert sorted(written.values_list("employees", flat=True)) == [10, 20, 30, 40, 50]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert not list(Path(small_threshold.UPLOAD_DIR).iterdir())  # nothing left on disk


def test_a_big_import_with_errors_shows_them_and_its_error_workbook_when_checked(
    client_for: Any, staff: Any, firm_b: Any, small_threshold: Any, monkeypatch: Any
) -> None:
    c = client_for(staff)
    job = job_of(upload(c, facts_sheet(firm_b, [10, "很多", 30, "x"])))
    assert job.status == Job.Status.SUCCEEDED and "有2处错误" in job.result["summary"]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    page = c.get(reverse("imports:preview", args=[batch.token]))
    text = page.content.decode()
    assert page.status_code == 422
    assert "第3行 职工总数: “很多”不是整数" in text and "第5行 职工总数" in text
    assert 'id="confirm-import"' not in text
    # the error workbook was written by the job: the request does not read the sheet again
    monkeypatch.setattr(imports, "import_run", never)
    download = c.get(reverse("imports:errors", args=[batch.token]))
    assert download.status_code == 200
    table = tabular.read_table(download.content, "e.xlsx")
    assert table.headers[-2] == "错误" and len(table.rows) == 4


def test_a_confirm_refused_in_the_background_writes_nothing_and_says_why(
    client_for: Any, staff: Any, firm_b: Any, small_threshold: Any
) -> None:
    c = client_for(staff)
    job_of(upload(c, facts_sheet(firm_b, [10, 20, 30, 40])))
    batch = ImportBatch.objects.get()
    # someone else records 2011 after the preview: the confirm would write over it
    imports.import_confirm(
        actor=staff,
        token=imports.import_preview(
            actor=staff,
            kind="facts",
            data=xlsx([HEAD, [firm_b.uscc, 2011, 99, "统计"]]),
            filename="other.xlsx",
        )[1].token,
    )
    job = job_of(c.post(reverse("imports:confirm", args=[batch.token])))
    assert job.status == Job.Status.FAILED
    assert "预览之后，其他用户修改或新增了本表涉及的记录" in job.error and "第3行" in job.error
    assert not YearlyFacts.objects.filter(fiscal_year__in=[2010, 2012, 2013]).exists()
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2011).employees == 99


def test_the_request_never_parses_or_writes_a_big_sheet(
    client_for: Any, staff: Any, firm_b: Any, small_threshold: Any, monkeypatch: Any
) -> None:
    c = client_for(staff)
    small = facts_sheet(firm_b, [10, 20])
    _plan, kept = imports.import_preview(actor=staff, kind="facts", data=small, filename="s.xlsx")
    kept.counts = {**kept.counts, "rows": 4}  # as if it had been a big one
    kept.save()
    for name in ("_read_xlsx", "_read_csv"):
        monkeypatch.setattr(tabular, name, never)
    monkeypatch.setattr(imports, "import_run", never)
    with override_settings(TASKS=DUMMY):
        for data, name in (
            (facts_sheet(firm_b, [10, 20, 30, 40]), "big.xlsx"),
            (
                "\n".join(
                    ",".join(map(str, r))
                    for r in [
                        HEAD,
                        *[[firm_b.uscc, y, 1, "统计"] for y in (2010, 2011, 2012, 2013)],
                    ]
                ).encode(),
                "big.csv",
            ),
        ):
            job = job_of(upload(c, data, name))
            assert job.status == Job.Status.QUEUED
        confirm = job_of(c.post(reverse("imports:confirm", args=[kept.token])))
        assert confirm.status == Job.Status.QUEUED
    assert ImportBatch.objects.count() == 1
    assert not YearlyFacts.objects.filter(fiscal_year__lt=2015).exists()
    # below the threshold the request itself reads the sheet, as before
    with pytest.raises(AssertionError, match="parsed or written"):
        upload(c, facts_sheet(firm_b, [10]))


def test_a_hostile_big_sheet_is_still_refused_in_the_request(
    client_for: Any, staff: Any, small_threshold: Any
) -> None:
    from tests.core import sheets

    response = upload(client_for(staff), sheets.far_cell(), "far.xlsx")
    assert response.status_code == 422 and "XFD1048576" in response.content.decode()
    assert not Job.objects.exists() and not ImportBatch.objects.exists()


# -- /assess/ --------------------------------------------------------------------------------


def assess_csv(n: int) -> bytes:
    from tests.assessments.test_services import H1

    lines = [",".join(H1)]
    for i in range(n):
        row = {**H1, "uscc": new_uscc(), "name": f"企业{i}"}
        lines.append(",".join(str(v) for v in row.values()))
    return ("\n".join(lines) + "\n").encode()


def assess(client: Any, data: bytes, name: str = "企业.csv") -> Any:
    return client.post(
        "/assess/",
        {"file": SimpleUploadedFile(name, data), "as_of": "2025-06-15", "rules": "hnte-2016"},
    )


def test_a_big_assess_upload_runs_as_a_job_and_gives_the_workbook(
    client_for: Any, enterprise_user: Any, small_threshold: Any
) -> None:
    c = client_for(enterprise_user)
    job = job_of(assess(c, assess_csv(3)))
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert "批量评价" in job.kind and "约3家企业" in job.kind
    download = c.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    out = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(out["结果"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["企业0", "企业1", "企业2"]
    assert not list(Path(small_threshold.UPLOAD_DIR).iterdir())  # the kept upload is gone


def test_a_big_assess_upload_keeps_the_row_limit_and_says_every_error(
    client_for: Any, staff: Any, small_threshold: Any
) -> None:
    small_threshold.ASSESS_UPLOAD_MAX_ROWS = 3
    c = client_for(staff)
    job = job_of(assess(c, assess_csv(5)))
    assert job.status == Job.Status.FAILED and "超过上限 3" in job.error
    bad = assess_csv(3).replace(b",100,", b",abc,", 1)
    job = job_of(assess(c, bad))
    assert job.status == Job.Status.FAILED and job.error.startswith(
        "输入有1处错误，未评价；第2行 职工总数"
    )


def test_the_assess_request_never_parses_a_big_upload(
    client_for: Any, staff: Any, small_threshold: Any, monkeypatch: Any
) -> None:
    from kechuang.rules import inputs

    monkeypatch.setattr(inputs, "load", never)
    c = client_for(staff)
    with override_settings(TASKS=DUMMY):
        job = job_of(assess(c, assess_csv(3)))
    assert job.status == Job.Status.QUEUED
    with pytest.raises(AssertionError, match="parsed or written"):
        assess(c, assess_csv(1))  # a small one is read in the request, as before

"""/api/v1/jobs/{id}: a background job's progress and result (the submitter's own, or
any for bureau staff); another user's job is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from kechuang.core import jobs
from kechuang.core.models import Job

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    done: int
    total: int
    percent: int | None
    message: str
    started_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: dict[str, Any] | None
    download_url: str | None
    error: str

    @staticmethod
    def of(job: Job) -> JobOut:
        return JobOut(
            id=job.pk,
            kind=job.kind,
            status=job.status,
            status_label=job.get_status_display(),
            done=job.done,
            total=job.total,
            percent=job.percent,
            message=job.message,
            started_by=job.actor_name,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            result=job.result if job.finished else None,
            download_url=reverse("jobs:download", args=[job.pk]) if job.result_file else None,
            error=job.error,
        )


@router.get("/{int:pk}", response=JobOut, summary="后台任务的进度与结果")
def job_detail(request: HttpRequest, pk: int) -> JobOut:
    return JobOut.of(jobs.job_get(actor=request.user, pk=pk))

"""Job pages: one job's progress (polled with htmx until it finishes), its result file,
and the list of the jobs the user may see."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kechuang.core import jobs
from kechuang.core.errors import NotFound
from kechuang.core.models import Job
from kechuang.core.web import Column, Filter, Listing


def _job_outcome(job: Job) -> str:
    if job.status == Job.Status.FAILED:
        return str(job.error or "")
    if job.status == Job.Status.SUCCEEDED:
        return str((job.result or {}).get("summary", "")) if isinstance(job.result, dict) else ""
    percent = f"{job.percent}% " if job.percent is not None else ""
    return f"{percent}{job.message or ''}".strip()


JOBS = Listing(
    name="jobs",
    title="后台任务",
    columns=[
        Column(
            "pk",
            "编号",
            sort="pk",
            display=lambda v: f"#{v}",
            css="num text-nowrap",
            link=lambda j: reverse("jobs:detail", args=[j.pk]),
        ),
        Column("kind", "任务", sort="kind", link=lambda j: reverse("jobs:detail", args=[j.pk])),
        Column(
            "status",
            "状态",
            value="get_status_display",
            sort="status",
            template="core/cells/job_status.html",
        ),
        Column("outcome", "进度", value=_job_outcome, template="core/cells/job_outcome.html"),
        Column("actor_name", "发起人", sort="actor_name", css="text-nowrap"),
        Column("created_at", "提交时间", sort="created_at", css="text-nowrap"),
        Column("finished_at", "结束时间", sort="finished_at", css="text-nowrap"),
    ],
    filters=[Filter("status", "状态", choices=Job.Status.choices)],
    default_sort="-pk",
    page_size=30,
    empty="尚无",
    table_id="jobs",
)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = jobs.job_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if request.headers.get("HX-Request"):
        return render(request, "core/job_progress.html", {"job": job})
    return render(request, "core/job.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        path, job = jobs.job_result_file(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    response = FileResponse(path.open("rb"), content_type=job.result_content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_filename)}"
    return response


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    table = JOBS.build(request, lambda f: jobs.job_list(actor=request.user, status=f["status"]))
    return table.export_response() or render(request, "core/job_list.html", {"table": table})

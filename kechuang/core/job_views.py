"""Job pages: one job's progress (polled with htmx until it finishes), its result file,
and the list of the jobs the user may see."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core import jobs
from kechuang.core.errors import NotFound


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
    page = Paginator(jobs.job_list(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page, "query": ""})

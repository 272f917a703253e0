"""Background jobs: long work (whole-registry assessment, reports, big imports) run
through Django's tasks API, with progress the pages poll.

An app writes a *body* and registers it with `@job_body`:

    @job_body
    def registry_assessment(*, actor, report, as_of: str) -> dict:
        report(0, n, "读取企业数据…")
        ...
        return {"summary": "已评价 12 家企业", "url": "/assess/runs/"}

and its service starts it with `job_start(actor=..., kind="全库评价",
task=registry_assessment, as_of="2021-06-30")`. The parameters must be JSON (they
travel through the task queue). The body returns a JSON dict (shown on the job page:
`summary`, and `url` + `url_label` for a link) or a `JobFile` (stored under
settings.JOBS_DIR, never under the web root, and downloaded through the scoped view).

The task backend is settings.TASKS: the database backend with a `db_worker` (started by
`kechuang serve`), or the immediate backend in tests, where `job_start` runs the body
inline before it returns. A body that raises a DomainError fails with its (Chinese)
message; any other exception is logged with its traceback and the user reads a short
Chinese message naming the job number.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from kechuang.core.errors import DomainError, NotFound, ValidationFailed
from kechuang.core.models import Job

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | AnonymousUser


class Reporter(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobFile:
    """A file a job gives (a report): stored under settings.JOBS_DIR/<job id>/."""

    filename: str  # the name the user downloads it as
    content_type: str
    data: bytes
    summary: dict[str, Any] = field(default_factory=dict)  # stored as the job's result


Body = TypeVar("Body", bound=Callable[..., Any])
BODIES: dict[str, Callable[..., Any]] = {}


def _path(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def job_body(fn: Body) -> Body:
    """Register `fn` as a job body; the runner calls nothing that is not registered."""
    BODIES[_path(fn)] = fn
    return fn


def _body(path: str) -> Callable[..., Any]:
    if path not in BODIES:
        # A worker process has not imported the body's module yet: importing it registers.
        importlib.import_module(path.rpartition(".")[0])
    return BODIES[path]


def jobs_scope_q(actor: Actor) -> Q:
    """Bureau staff see the jobs of the users of their region (a county bureau its
    county's, the city bureau the city's, the platform administrator all); everybody else
    their own. Core reads roles only through the user (`User.job_scope_q`)."""
    scope = getattr(actor, "job_scope_q", None)
    return scope() if callable(scope) else Q(actor_id=getattr(actor, "pk", None))


# -- starting -----------------------------------------------------------------------


def job_start(*, actor: Actor, kind: str, task: Callable[..., Any], **params: Any) -> Job:
    """Record a job and put it on the task queue (the caller has checked permission).
    With the immediate backend (tests) the job has finished when this returns."""
    path = _path(task)
    if BODIES.get(path) is not task:
        raise ValueError(f"{path} is not registered with @job_body")
    json.dumps(params)  # the queue carries JSON only: fail here, not in the worker
    user = actor if isinstance(actor, AbstractBaseUser) else None
    job = Job.objects.create(
        kind=kind,
        task=path,
        params=params,
        actor_id=user.pk if user is not None else None,
        actor_name=str(user) if user is not None else "",
    )
    try:
        queued = run_job.enqueue(job.pk)
    except Exception:
        logger.exception("job %s could not be queued", job.pk)
        _finish(
            job.pk, status=Job.Status.FAILED, error=f"任务无法提交（任务编号 {job.pk}），请稍后重试"
        )
        raise
    Job.objects.filter(pk=job.pk).update(task_result_id=str(queued.id))
    job.refresh_from_db()
    return job


# -- running ------------------------------------------------------------------------


class _Progress:
    """report(done, total, message): one UPDATE of the job row per call, so bodies
    report at coarse steps (a chunk, a stage). Inside a transaction the pages only see
    it after the commit: report before and after atomic blocks."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=self.job_id).update(
            done=max(0, int(done)), total=max(0, int(total)), message=message[:200]
        )


def _error_text(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        lines = exc.lines()[:5]
        return "；".join([exc.message, *lines])[:500] if lines else exc.message[:500]
    return exc.message[:500]


def _finish(job_id: int, **values: Any) -> None:
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **values)


def _store(job: Job, out: JobFile) -> dict[str, Any]:
    # The file on disk has a fixed name: the user's filename never becomes a path.
    folder = Path(settings.JOBS_DIR) / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / ("result" + Path(out.filename).suffix.lower()[:10])
    stored.write_bytes(out.data)
    return {
        "result": out.summary or {},
        "result_file": str(stored.relative_to(settings.JOBS_DIR)),
        "result_filename": out.filename[:200],
        "result_content_type": out.content_type[:120],
    }


@task()
def run_job(job_id: int) -> None:
    """The one task on the queue: claim the job, run its body, record the outcome."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already run (a retry) or deleted
    job = Job.objects.select_related("actor").get(pk=job_id)
    try:
        body = _body(job.task)
        out = body(actor=job.actor, report=_Progress(job_id), **job.params)
        if isinstance(out, JobFile):
            values = _store(job, out)
        else:
            result = dict(out) if isinstance(out, Mapping) else {"value": out}
            json.dumps(result)
            values = {"result": result}
    except DomainError as exc:
        logger.info("job %s (%s) refused: %s", job_id, job.kind, exc.message)
        _finish(job_id, status=Job.Status.FAILED, error=_error_text(exc))
        return
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _finish(
            job_id,
            status=Job.Status.FAILED,
            error=f"任务执行出错（任务编号 {job_id}），请联系管理员",
        )
        return
    job.refresh_from_db(fields=["done", "total"])
    _finish(job_id, status=Job.Status.SUCCEEDED, done=max(job.done, job.total), **values)


def job_fail_interrupted() -> int:
    """Mark jobs left running by a worker that was stopped as failed; called when the
    one worker (`kechuang serve`'s) starts. Queued jobs stay queued and run then."""
    return Job.objects.filter(status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        error="任务被中断（后台任务进程已重启），请重新提交",
    )


# -- reading ------------------------------------------------------------------------


def job_list(*, actor: Actor, status: str = "") -> QuerySet[Job]:
    """The jobs `actor` may see (`jobs_scope_q`; one `status` only, when given)."""
    if not getattr(actor, "is_authenticated", False):
        return Job.objects.none()
    qs = Job.objects.select_related("actor")
    if status:
        qs = qs.filter(status=status)
    return qs.filter(jobs_scope_q(actor))


def job_get(*, actor: Actor, pk: int) -> Job:
    """One job, if `actor` may see it; otherwise NotFound (its existence is not told)."""
    job = job_list(actor=actor).filter(pk=pk).first()
    if job is None:
        raise NotFound("任务不存在或无权查看")
    return job


def job_result_file(*, actor: Actor, pk: int) -> tuple[Path, Job]:
    """The stored result file of a finished job `actor` may see."""
    job = job_get(actor=actor, pk=pk)
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise NotFound("该任务没有可下载的结果")
    root = Path(settings.JOBS_DIR).resolve()
    path = (root / job.result_file).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound("结果文件已不存在，请重新生成")
    return path, job

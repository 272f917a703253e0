"""Daily scheduled jobs: an app declares `SCHEDULE = [ScheduledJob(key, label, run,
at="07:00")]` in its contributions module; `run(day)` does the day's work and returns a
one-line summary in Chinese.

The worker that `kechuang serve` (and so `make run`) starts beside the web server
(`kechuang schedule work`) looks once a minute for jobs whose time of day (`at`, local
time) has come and that have no run for today, and runs each once. `kechuang schedule
run [--day D]` does the same by hand or from cron.

At most once a day, whoever calls: before a job runs, its `ScheduledRun` row (unique
key and day) is created in a transaction of its own; a second worker, a restart or a
hand run that finds the row (or loses the race to insert it) skips the job.

Days are not back-filled silently: the worker only ever runs *today's* due jobs. A day
on which no worker ran (the server was down) stays without a run; the 定时任务 page lists
such missed days of the last fortnight, and `kechuang schedule run --day D` runs a past
day explicitly (recorded as a hand run). A job that fails is recorded as 失败 with the
error and not retried that day (its work is idempotent, so a hand run of the next day
catches up; or delete the row in the admin and run it again)."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kechuang.core import periods
from kechuang.core.models import ScheduledRun

log = logging.getLogger(__name__)

# How far back the page looks for days a job did not run.
MISSED_WINDOW_DAYS = 14


@dataclass(frozen=True)
class ScheduledJob:
    """A job run once a day at `at` (HH:MM, the instance's local time)."""

    key: str
    label: str
    run: Callable[[dt.date], str]
    at: str = "07:00"

    def time_of_day(self) -> dt.time:
        hours, minutes = self.at.split(":")
        return dt.time(int(hours), int(minutes))


def jobs() -> list[ScheduledJob]:
    """Every installed app's `SCHEDULE`, by time of day then key."""
    from kechuang.core.registry import collect

    return sorted(collect("SCHEDULE"), key=lambda j: (j.at, j.key))


def job_labels() -> dict[str, str]:
    return {j.key: j.label for j in jobs()}


def _claim(job: ScheduledJob, day: dt.date, trigger: str) -> ScheduledRun | None:
    """The run row of `job` for `day`, created now; None when it exists already (run, or
    being run, by someone else)."""
    if ScheduledRun.objects.filter(key=job.key, day=day).exists():
        return None
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(key=job.key, day=day, trigger=trigger)
    except IntegrityError:
        return None


def run_job(job: ScheduledJob, day: dt.date, trigger: str = "worker") -> ScheduledRun | None:
    """Run `job` for `day` unless it has a run for that day; the run, or None if skipped."""
    claimed = _claim(job, day, trigger)
    if claimed is None:
        return None
    try:
        summary = job.run(day)
        claimed.status, claimed.result = ScheduledRun.Status.DONE, str(summary or "")[:2000]
    except Exception as exc:  # a failing job is recorded, never kills the worker
        log.exception("scheduled job %s failed for %s", job.key, day)
        claimed.status = ScheduledRun.Status.FAILED
        claimed.result = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"[:2000]
    claimed.finished_at = timezone.now()
    claimed.save(update_fields=["status", "result", "finished_at"])
    return claimed


def due(
    now: dt.datetime | None = None, found: Sequence[ScheduledJob] | None = None
) -> list[ScheduledJob]:
    """Jobs whose time of day has come by `now` (local time)."""
    moment = timezone.localtime(now) if now is not None else timezone.localtime()
    return [j for j in (jobs() if found is None else found) if j.time_of_day() <= moment.time()]


def run_due(
    *,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
    found: Sequence[ScheduledJob] | None = None,
    trigger: str = "worker",
) -> list[ScheduledRun]:
    """Run today's due jobs that have not run today (the worker's tick, and `schedule
    run` without `--day`). With `day` (a past day, by hand): every job of that day not
    yet run, whatever its time."""
    listed = list(jobs() if found is None else found)
    today = periods.today()
    if day is None or day == today:
        chosen, day = due(now, listed), today
    elif day > today:
        return []
    else:
        chosen = listed
    out = []
    for job in chosen:
        run = run_job(job, day, trigger)
        if run is not None:
            out.append(run)
    return out


def missed_days(
    today: dt.date | None = None, found: Sequence[ScheduledJob] | None = None
) -> list[tuple[ScheduledJob, list[dt.date]]]:
    """Per job, the days of the last fortnight before today without a run (a worker was
    not running): shown, never run by themselves."""
    day = today or periods.today()
    start = day - dt.timedelta(days=MISSED_WINDOW_DAYS)
    out = []
    for job in jobs() if found is None else found:
        ran = set(
            ScheduledRun.objects.filter(key=job.key, day__gte=start, day__lt=day).values_list(
                "day", flat=True
            )
        )
        first = (
            ScheduledRun.objects.filter(key=job.key).order_by("day").values_list("day", flat=True)
        ).first()
        if first is None:
            continue  # never ran on this instance: nothing to call missed
        days = [
            start + dt.timedelta(days=i)
            for i in range(MISSED_WINDOW_DAYS)
            if start + dt.timedelta(days=i) >= first and start + dt.timedelta(days=i) not in ran
        ]
        if days:
            out.append((job, days))
    return out


def runs_list(*, status: str = "") -> QuerySet[ScheduledRun]:
    """Every run, newest first (the page's list; instance-wide, like the jobs it runs)."""
    qs = ScheduledRun.objects.order_by("-day", "key")
    return qs.filter(status=status) if status else qs

"""Daily scheduled jobs (`SCHEDULE`): a job runs once a day at its time, even when two
workers look at once (PostgreSQL), a failure is recorded, and days no worker ran are
listed as missed, not back-filled, until run by hand."""

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from kechuang.core import schedule
from kechuang.core.models import ScheduledRun
from kechuang.core.schedule import ScheduledJob


class Counter:
    def __init__(self, pause: float = 0.0) -> None:
        self.calls: list[dt.date] = []
        self.lock = threading.Lock()
        self.pause = pause

    def __call__(self, day: dt.date) -> str:
        time.sleep(self.pause)
        with self.lock:
            self.calls.append(day)
        return f"处理{day:%m月%d日}"


def at(day: str, clock: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{clock}"))


@pytest.mark.django_db
def test_runs_at_its_time_once_a_day(settings):
    settings.KECHUANG_TODAY = "2021-06-01"
    count = Counter()
    job = ScheduledJob("t-daily", "测试任务", count, at="07:00")
    assert schedule.run_due(now=at("2021-06-01", "06:59"), found=[job]) == []
    done = schedule.run_due(now=at("2021-06-01", "07:00"), found=[job])
    assert [r.status for r in done] == ["done"] and done[0].result == "处理06月01日"
    assert schedule.run_due(now=at("2021-06-01", "18:00"), found=[job]) == []
    assert count.calls == [dt.date(2021, 6, 1)]
    assert ScheduledRun.objects.filter(key="t-daily").count() == 1


@pytest.mark.django_db
def test_skipped_days_are_listed_not_back_filled(settings):
    count = Counter()
    job = ScheduledJob("t-daily", "测试任务", count, at="07:00")
    settings.KECHUANG_TODAY = "2021-06-01"
    schedule.run_due(now=at("2021-06-01", "08:00"), found=[job])
    # the server was down on 2 and 3 June: on the 4th only the 4th runs
    settings.KECHUANG_TODAY = "2021-06-04"
    schedule.run_due(now=at("2021-06-04", "08:00"), found=[job])
    assert count.calls == [dt.date(2021, 6, 1), dt.date(2021, 6, 4)]
    assert schedule.missed_days(dt.date(2021, 6, 4), found=[job]) == [
        (job, [dt.date(2021, 6, 2), dt.date(2021, 6, 3)])
    ]
    # run by hand for a past day: recorded as such, then no longer missed
    run = schedule.run_job(job, dt.date(2021, 6, 2), trigger="command")
    assert run is not None and run.trigger == "command"
    assert schedule.missed_days(dt.date(2021, 6, 4), found=[job]) == [(job, [dt.date(2021, 6, 3)])]
    # the future is never run
    assert schedule.run_due(day=dt.date(2021, 6, 9), found=[job]) == []


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_not_retried_that_day(settings):
    settings.KECHUANG_TODAY = "2021-06-01"

    def boom(day: dt.date) -> str:
        raise RuntimeError("邮件服务器不可用")

    job = ScheduledJob("t-boom", "会失败的任务", boom)
    [run] = schedule.run_due(now=at("2021-06-01", "09:00"), found=[job])
    assert run.status == "failed" and "邮件服务器不可用" in run.result
    assert schedule.run_due(now=at("2021-06-01", "09:01"), found=[job]) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_a_job_once(settings):
    """Both workers look at the same moment; the unique (key, day) row lets one run."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite serialises writers)")
    settings.KECHUANG_TODAY = "2021-06-01"
    count = Counter(pause=0.3)
    job = ScheduledJob("t-race", "并发测试", count)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(schedule.run_due(now=at("2021-06-01", "08:00"), found=[job]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert count.calls == [dt.date(2021, 6, 1)]
    assert sorted(len(r) for r in results) == [0, 1]  # type: ignore[arg-type]
    assert ScheduledRun.objects.filter(key="t-race").count() == 1


@pytest.mark.django_db
def test_the_desk_declares_its_daily_run_and_the_command_runs_it(settings, capsys):
    settings.KECHUANG_TODAY = "2021-06-01"
    assert "desk-daily" in {j.key for j in schedule.jobs()}
    call_command("schedule", "run", "--day", "2021-05-31", "--job", "desk-daily")
    out = capsys.readouterr().out
    assert "2021-05-31 desk-daily：完成 升级督办 诉求0件、问题0个" in out
    call_command("schedule", "run", "--day", "2021-05-31", "--job", "desk-daily")
    assert "当天已运行" in capsys.readouterr().out
    call_command("schedule", "list")
    assert "desk-daily\t每日 07:00" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_page_is_for_bureau_staff(settings, client_for, staff, officer_b):
    settings.KECHUANG_TODAY = "2021-06-01"
    ScheduledRun.objects.create(
        key="desk-daily", day=dt.date(2021, 5, 30), status="done", result="升级督办 诉求1件"
    )
    page = client_for(staff).get("/schedule/").content.decode()
    assert "科技服务每日处理" in page and "升级督办 诉求1件" in page
    assert "2021-05-31" in page  # missed (no run), listed
    assert client_for(officer_b).get("/schedule/").status_code == 403

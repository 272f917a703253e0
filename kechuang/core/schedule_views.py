"""The 定时任务 page: each daily job (`SCHEDULE`), its runs and the days it missed, for
bureau staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.core import periods, schedule
from kechuang.core.models import ScheduledRun
from kechuang.core.roles import has_role
from kechuang.core.web import Column, Filter, Listing, require


def _label(run: ScheduledRun) -> str:
    return schedule.job_labels().get(run.key, run.key)


RUNS = Listing(
    name="schedule_runs",
    title="定时任务运行记录",
    columns=[
        Column("day", "日期", sort="day", css="text-nowrap"),
        Column("label", "任务", value=_label),
        Column("status", "状态", value="get_status_display", sort="status"),
        Column(
            "trigger",
            "方式",
            value=lambda r: "手工补运行" if r.trigger == "command" else "自动",
        ),
        Column("started_at", "开始时间", sort="started_at", css="text-nowrap"),
        Column("finished_at", "结束时间", css="text-nowrap"),
        Column("result", "结果"),
    ],
    filters=[Filter("status", "状态", choices=ScheduledRun.Status.choices)],
    default_sort="-day",
    page_size=30,
    empty="尚无运行记录",
    table_id="schedule-runs",
)


@login_required
def schedule_page(request: HttpRequest) -> HttpResponse:
    require((has_role(request.user, "staff"), "只有科技局可以查看定时任务"))
    table = RUNS.build(
        request,
        lambda f: schedule.runs_list(status=f["status"]),
    )
    if response := table.export_response():
        return response
    return render(
        request,
        "core/schedule.html",
        {
            "table": table,
            "jobs": schedule.jobs(),
            "missed": schedule.missed_days(periods.today()),
        },
    )

"""`kechuang schedule run [--day D] [--job KEY]` · `kechuang schedule work` · `kechuang
schedule list`: the daily scheduled jobs (`SCHEDULE` contributions,
kechuang.core.schedule)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import periods, schedule

# Seconds between the worker's looks for due jobs.
TICK_SECONDS = 60


class Command(BaseCommand):
    help = (
        "每日定时任务：run 运行到时的任务（可用 --day 补运行某一天），work 常驻运行，list 列出任务"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["run", "work", "list"])
        parser.add_argument("--day", help="补运行该日期（YYYY-MM-DD，不晚于今天）的全部未运行任务")
        parser.add_argument("--job", help="只运行该任务（代码）")

    def handle(self, *args: Any, **options: Any) -> None:
        found = schedule.jobs()
        if options.get("job"):
            found = [j for j in found if j.key == options["job"]]
            if not found:
                raise CommandError(f"--job：没有定时任务“{options['job']}”")
        if options["action"] == "list":
            for j in found:
                self.stdout.write(f"{j.key}\t每日 {j.at}\t{j.label}")
            return
        if options["action"] == "work":
            self.stdout.write("定时任务进程已启动（每分钟检查一次到时的任务）")
            while True:
                for r in schedule.run_due(found=found):
                    self.stdout.write(
                        f"{r.day:%Y-%m-%d} {r.key}：{r.get_status_display()} {r.result}"
                    )
                self.stdout.flush()
                time.sleep(TICK_SECONDS)
        day = None
        if options.get("day"):
            day = periods.parse_date(options["day"])
            if day is None:
                raise CommandError("--day：应为 YYYY-MM-DD 日期")
            if day > periods.today():
                raise CommandError("--day：不能晚于今天")
        done = schedule.run_due(day=day, found=found, trigger="command")
        if not done:
            self.stdout.write("没有需要运行的任务（未到时间，或当天已运行）")
        for r in done:
            self.stdout.write(f"{r.day:%Y-%m-%d} {r.key}：{r.get_status_display()} {r.result}")

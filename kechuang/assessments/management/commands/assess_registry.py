"""kechuang assess_registry [--as-of DATE] [--region CODE] [--user USER]"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress

from kechuang.accounts.models import Region, User
from kechuang.core import periods
from kechuang.enterprises.assessment import registry_scope, registry_snapshot
from kechuang.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "评价企业库中的全部企业并保存带日期的评价快照（供培育分级、看板读取）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )
        parser.add_argument("--region", default="", help="only enterprises of this area (code)")
        parser.add_argument(
            "--user", default=None, help="act as this bureau user (default: the first one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = (
            User.objects.filter(username=options["user"]).first()
            if options["user"]
            else User.objects.filter(role=User.Role.STAFF, is_active=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("没有科技局用户：请用 --user 指定")
        qs = registry_scope(user)
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"区域 {options['region']} 不存在")
            qs = qs.filter(pk__in=Enterprise.objects.in_region(region).values("pk"))
        # The same progress the web page's job shows, as a bar on stderr.
        with Progress(console=Console(stderr=True), transient=True) as bar:
            step = bar.add_task("评价", total=None)

            def progress(done: int, total: int, message: str = "") -> None:
                bar.update(step, completed=done, total=total or None, description=message)

            run = registry_snapshot(
                actor=user,
                as_of=options["as_of"] or periods.today(),
                enterprises=qs,
                progress=progress,
            )
        self.stdout.write(
            f"已评价 {run.enterprises} 家企业（评价日期 {run.as_of}），用时 {run.seconds:.2f} 秒"
        )
        for key, n in sorted(run.counts.items()):
            self.stdout.write(f"  {key}: {n}")

"""`kechuang desk_digest [--date D] [--dry-run]`: the service desk's daily run (cron it
once a day): escalate overdue requests and problems to the owners' leaders, then send each user one
e-mail with their new notices and their due and overdue work, when e-mail is configured."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import periods
from kechuang.desk.digest import daily_run
from kechuang.desk.notify import email_configured


class Command(BaseCommand):
    help = (
        "科技服务每日处理：逾期诉求和问题升级督办，并给每位用户发送一封待办摘要邮件（已配置邮件时）"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="按该日期处理（YYYY-MM-DD；默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只列出摘要，不升级、不发送")

    def handle(self, *args: Any, **options: Any) -> None:
        day = periods.today()
        if options.get("date"):
            parsed = periods.parse_date(options["date"])
            if parsed is None:
                raise CommandError("--date：应为 YYYY-MM-DD 日期")
            day = parsed
        result = daily_run(day=day, dry_run=bool(options.get("dry_run")))
        self.stdout.write(
            f"{day:%Y-%m-%d}：升级督办 诉求 {result.escalated} 件、问题 {result.problems_escalated} 个"
        )
        for d in result.digests:
            self.stdout.write(
                f"  {d.user}（{d.user.email or '无邮箱'}）：通知 {len(d.notices)} 条，待办 {len(d.lines)} 项"
            )
        if not email_configured():
            self.stdout.write("未配置邮件（EMAIL_HOST 或 EMAIL_BACKEND），摘要未发送")
        else:
            self.stdout.write(f"已发送摘要邮件 {result.sent} 封")

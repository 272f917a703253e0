"""kechuang vouchers_expire [--on DATE] [--user USER]"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.accounts.models import User
from kechuang.core import periods
from kechuang.core.errors import DomainError
from kechuang.vouchers.services import vouchers_expire


class Command(BaseCommand):
    help = "将有效期已过、尚未申请兑付的创新券置为“已过期”并释放其额度（可每日定时运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )
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
        on = options["on"] or periods.today()
        try:
            n = vouchers_expire(actor=user, on=on, via="cli")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{on:%Y-%m-%d}：{n}张创新券到期未用，已置为已过期并释放额度")

"""kechuang token create USER | list USER | revoke PREFIX"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "管理API令牌：create USER（显示一次）、list USER、revoke PREFIX。Manage API bearer tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("target", help="username (create/list) or token prefix (revoke)")
        parser.add_argument("--name", default="", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action == "revoke":
            n = ApiToken.objects.filter(prefix=target, revoked=False).update(revoked=True)
            if not n:
                raise CommandError(f"没有前缀为 {target} 的有效令牌")
            self.stdout.write(f"已吊销 {n} 个令牌")
            return
        try:
            user = User.objects.get(username=target)
        except User.DoesNotExist:
            raise CommandError(f"用户 {target} 不存在") from None
        if action == "create":
            _token, key = ApiToken.issue(user, options["name"])
            self.stdout.write(key)
            self.stderr.write("令牌只显示这一次；使用方式：Authorization: Bearer <token>")
        else:
            for t in user.api_tokens.all():
                state = "已吊销" if t.revoked else "有效"
                self.stdout.write(f"{t.prefix}…  {t.name or '-'}  {t.created_at:%Y-%m-%d}  {state}")

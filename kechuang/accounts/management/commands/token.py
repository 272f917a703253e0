"""kechuang token create USER | list USER | revoke PREFIX"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kechuang.accounts.models import ApiToken, User
from kechuang.accounts.services import api_token_create
from kechuang.core.errors import DomainError, ValidationFailed


class Command(BaseCommand):
    help = (
        "管理API令牌：create USER（显示一次）、list USER、revoke PREFIX。Manage API bearer tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("target", help="username (create/list) or token prefix (revoke)")
        parser.add_argument("--name", default="", help="a label for the token")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="lifetime in days (default KECHUANG_API_TOKEN_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action == "revoke":
            n = ApiToken.objects.filter(prefix=target, revoked=False).update(
                revoked=True, revoked_at=timezone.now(), revoked_reason="管理员吊销"
            )
            if not n:
                raise CommandError(f"没有前缀为 {target} 的有效令牌")
            self.stdout.write(f"已吊销 {n} 个令牌")
            return
        try:
            user = User.objects.get(username=target)
        except User.DoesNotExist:
            raise CommandError(f"用户 {target} 不存在") from None
        if action == "create":
            try:
                token, key = api_token_create(
                    actor=user, name=options["name"], days=options["days"]
                )
            except DomainError as exc:
                lines: list[str] = exc.lines() if isinstance(exc, ValidationFailed) else []
                raise CommandError("；".join([exc.message, *lines])) from None
            self.stdout.write(key)
            self.stderr.write(
                f"令牌只显示这一次，{token.expires_at:%Y-%m-%d} 到期；"
                "使用方式：Authorization: Bearer <token>"
            )
        else:
            for t in user.api_tokens.all():
                self.stdout.write(
                    f"{t.prefix}…  {t.name or '-'}  {t.created_at:%Y-%m-%d}"
                    f"  到期 {t.expires_at:%Y-%m-%d}  {t.state}"
                )

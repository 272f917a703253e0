"""Who a management command acts as."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def command_actor(username: str | None) -> Any:
    """The user a command acts as: `--user`, else the first active bureau staff."""
    user_model = get_user_model()
    if username:
        try:
            return user_model.objects.get(username=username)
        except user_model.DoesNotExist:
            raise CommandError(f"用户 {username} 不存在") from None
    user = user_model.objects.filter(role="staff", is_active=True).order_by("pk").first()
    user = (
        user or user_model.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError(
            "没有科技局用户：请用 --user 指定，或先运行 kechuang demo / createsuperuser"
        )
    return user

"""Writes of accounts: API token use."""

from __future__ import annotations

from django.utils import timezone

from kechuang.accounts.models import ApiToken, User


def api_token_user(key: str) -> User | None:
    """The active user a bearer key belongs to (noting the token's use), else None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user

"""Writes of accounts: API tokens — issued to their owner (the key shown once, only its
hash kept), used, listed and revoked by their owner; they expire
(`settings.API_TOKEN_DAYS`) and a password change revokes them (`User.save`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from kechuang.accounts.models import ApiToken, Region, User
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed

TOKEN_AUDIT_FIELDS = ("name", "prefix", "expires_at", "revoked", "revoked_reason")
MAX_TOKEN_DAYS = 366


def api_token_user(key: str) -> User | None:
    """The active user a live bearer key belongs to (noting the token's use), else None."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.live().select_related("user").filter(key_hash=ApiToken.hash_key(key))
    found = token.first()
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user


def _owner(actor: Any) -> User:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("请先登录")
    user: User = actor
    return user


def api_token_list(*, actor: Any) -> list[ApiToken]:
    """The actor's own tokens, newest first (live, expired and revoked)."""
    return list(ApiToken.objects.filter(user=_owner(actor)))


def api_token_create(
    *, actor: Any, name: str = "", days: int | None = None, by_token: bool = False
) -> tuple[ApiToken, str]:
    """A new token for the actor: (token, key). The key is returned this once. A request
    authenticated by a token may not mint another (a leaked key would outlive its expiry)."""
    owner = _owner(actor)
    if by_token:
        raise PermissionDenied("不能用API令牌创建新令牌：请登录后在“API令牌”页面创建")
    name = (name or "").strip()
    errors = []
    if len(name) > 60:
        errors.append(FieldError("name", "名称", "不能超过60个字"))
    if days is not None and not 1 <= days <= min(MAX_TOKEN_DAYS, settings.API_TOKEN_DAYS):
        limit = min(MAX_TOKEN_DAYS, settings.API_TOKEN_DAYS)
        errors.append(FieldError("days", "有效天数", f"应为1到{limit}之间的整数"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        token, key = ApiToken.issue(owner, name, days)
        audit_log(
            actor=owner,
            action="create",
            obj=token,
            after=snapshot(token, TOKEN_AUDIT_FIELDS),
            note="创建API令牌",
        )
    return token, key


def api_token_revoke(*, actor: Any, prefix: str) -> ApiToken:
    """Revoke the actor's live token with this prefix (another's token is "not found")."""
    owner = _owner(actor)
    with transaction.atomic():
        token = (
            ApiToken.objects.live()
            .select_for_update()
            .filter(user=owner, prefix=(prefix or "").strip()[:8])
            .first()
        )
        if token is None:
            raise NotFound("没有这个有效的令牌（可能已过期或已吊销）")
        before = snapshot(token, TOKEN_AUDIT_FIELDS)
        token.revoked = True
        token.revoked_at = timezone.now()
        token.revoked_reason = ApiToken.BY_OWNER
        token.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
        audit_log(
            actor=owner,
            action="update",
            obj=token,
            before=before,
            after=snapshot(token, TOKEN_AUDIT_FIELDS),
            note="吊销API令牌",
        )
    return token


def region_save(*, actor: Any, region: Region) -> int:
    """Save a region (the admin's form; its audit row is the admin's) and, when its
    place in the tree changed (a new parent or code), rebuild the path of every region
    below it in the same transaction: scoping reads the paths, so a stale one would put
    a town's firms outside the county that now holds it. The number of regions below
    that moved with it. A parent inside its own subtree is refused."""
    with transaction.atomic():
        old = None
        if region.pk is not None:
            old = Region.objects.select_for_update().filter(pk=region.pk).first()
        parent = region.parent
        if parent is not None:
            parent = Region.objects.select_for_update().get(pk=parent.pk)
            if old is not None and parent.path.startswith(old.path):
                raise ValidationFailed(
                    [FieldError("parent", "上级", "不能是本区域或其下级区域")],
                    "区域的上级不能是它自己或它的下级",
                )
            region.parent = parent
        region.save()
        if old is None or old.path == region.path:
            return 0
        # one statement: every path under the old prefix gets the new prefix
        return (
            Region.objects.filter(path__startswith=old.path)
            .exclude(pk=region.pk)
            .update(path=Concat(Value(region.path), Substr(F("path"), len(old.path) + 1)))
        )

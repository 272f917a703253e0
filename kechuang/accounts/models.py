from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class RegionQuerySet(models.QuerySet["Region"]):
    """Regions by area: `Region.objects.visible_to(actor)`, `.in_region(region)`."""

    def in_region(self, region: Region) -> RegionQuerySet:
        """`region` and every region below it (the path is the chain of codes)."""
        return self.filter(path__startswith=region.path)

    def visible_to(self, actor: Any) -> RegionQuerySet:
        """The regions `actor` may pick or see figures for (`scoping.region_scope_q`)."""
        from kechuang.accounts.scoping import region_scope_q

        return self.filter(region_scope_q(actor))


class Region(models.Model):
    """A node of the area tree: 泰州市 → 泰兴市 → its towns, streets and parks.

    Peer districts (the other 泰州 districts) are counties under the same city.
    `path` is the chain of codes from the root, so a subtree is one prefix query.
    """

    class Kind(models.TextChoices):
        CITY = "city", "地级市"
        COUNTY = "county", "县（市、区）"
        STREET = "street", "街道"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"
        PARK = "park", "园区"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级",
    )
    path = models.CharField("路径", max_length=200, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        # a parent inside its own subtree would make the tree a loop (services.region_save)
        if self.pk is not None and self.parent_id is not None:
            stored = Region.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            parent = self.parent
            if stored and parent is not None and parent.path.startswith(stored):
                raise ValidationError({"parent": "上级不能是本区域或其下级区域"})

    def contains(self, other: Region | None) -> bool:
        """`other` is this region or lies below it."""
        return other is not None and other.path.startswith(self.path)

    @property
    def is_area(self) -> bool:
        """Towns, streets, townships and parks: the areas officers answer for."""
        return self.kind in (self.Kind.STREET, self.Kind.TOWN, self.Kind.TOWNSHIP, self.Kind.PARK)


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", "科技局"
        OFFICER = "officer", "园区/乡镇"
        ENTERPRISE = "enterprise", "企业"
        HELPER = "helper", "帮办员/专家"

    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.ENTERPRISE)
    display_name = models.CharField("姓名", max_length=60, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="所属区域",
        help_text=(
            "科技局和园区/乡镇用户只能看到本区域（含下级）的企业：县（市、区）科技局选所在县，"
            "市科技局选地级市；不选区域的科技局用户什么也看不到（超级用户除外：平台管理员）"
        ),
    )
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_bureau(self) -> bool:
        return self.is_active and (self.role == self.Role.STAFF or self.is_superuser)

    @property
    def role_label(self) -> str:
        """The role as officers say it: a bureau is named by its level (县（市、区）科技局,
        市科技局); a superuser without a region is the platform administrator."""
        if not self.is_bureau:
            return str(self.get_role_display())
        region = self.region
        if region is None:
            return "平台管理员" if self.is_superuser else "科技局（未设区域）"
        if region.kind == Region.Kind.CITY:
            return "市科技局"
        if region.kind == Region.Kind.COUNTY:
            return "县（市、区）科技局"
        return "科技局"

    @property
    def sees_everything(self) -> bool:
        """The platform administrator (`kechuang.accounts.scoping.sees_everything`)."""
        from kechuang.accounts.scoping import sees_everything

        return sees_everything(self)

    def job_scope_q(self) -> models.Q:
        """The background jobs this user may see (`scoping.job_scope_q`)."""
        from kechuang.accounts.scoping import job_scope_q

        return job_scope_q(self)

    def audit_scope_q(self, enterprise_id: int | None = None) -> models.Q:
        """The audit entries this user may read (`scoping.audit_scope_q`), those about
        one enterprise with `enterprise_id`; core reads roles only through attributes of
        the user."""
        from kechuang.accounts.scoping import audit_scope_q

        return audit_scope_q(self, enterprise_id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # set_password() leaves the raw password in _password until the save: every path
        # that changes a password (the page, the admin, `changepassword`) comes here.
        password_changed = getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self, revoked=False).update(
                revoked=True, revoked_at=timezone.now(), revoked_reason=ApiToken.PASSWORD_CHANGED
            )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        """Tokens that still open the API: not revoked, not expired."""
        return self.filter(revoked=False, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the key is shown once.
    It expires after `KECHUANG_API_TOKEN_DAYS` and dies with its owner's password."""

    PASSWORD_CHANGED = "密码已更改"
    BY_OWNER = "本人吊销"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="所有者"
    )
    name = models.CharField("名称", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField("吊销原因", max_length=60, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def is_live(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked:
            return f"已吊销（{self.revoked_reason}）" if self.revoked_reason else "已吊销"
        return "有效" if self.is_live else "已过期"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
        key = "kc_" + secrets.token_urlsafe(32)
        lifetime = dt.timedelta(days=days or settings.API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=cls.hash_key(key),
            expires_at=timezone.now() + lifetime,
        )
        return token, key

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


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

    def audit_scope_q(self) -> models.Q:
        """The audit entries this user may read (`scoping.audit_scope_q`); core reads
        roles only through attributes of the user."""
        from kechuang.accounts.scoping import audit_scope_q

        return audit_scope_q(self)


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        key = "kc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key

"""科技活动 (C11): events of every kind the bureau organises (产学研对接, 路演, 科技金融进孵化器,
培训, 政策宣讲, 技术巡诊) with their participants and outcomes, roadshow items scored by a
jury, enterprises' registrations, and publicity articles in the media."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from kechuang.accounts.scoping import ScopedQuerySet


class Event(models.Model):
    class Kind(models.TextChoices):
        IUR = "iur", "产学研对接"
        ROADSHOW = "roadshow", "路演"
        FINANCE = "finance", "科技金融进孵化器"
        TRAINING = "training", "培训"
        POLICY = "policy", "政策宣讲"
        DIAGNOSIS = "diagnosis", "技术巡诊"

    kind = models.CharField("活动类型", max_length=10, choices=Kind.choices, db_index=True)
    title = models.CharField("活动名称", max_length=120)
    held_on = models.DateField("举办日期", db_index=True)
    place = models.CharField("地点", max_length=120)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="主办区域"
    )
    organisers = models.CharField("主办/承办单位", max_length=200)
    partners = models.CharField("对接高校院所/机构", max_length=300, blank=True)
    open_for_registration = models.BooleanField("接受企业报名", default=False)
    outcomes = models.TextField("活动成效", blank=True)

    class Meta:
        verbose_name = "科技活动"
        verbose_name_plural = "科技活动"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class OutcomeLink(models.Model):
    """An outcome of an event that is a record of another app (an agreement signed at it),
    stored as `(kind, ref)`: `kind` is a `LinkSource` of the frame (`core.registry.LINKS`),
    validated through it when the link is made; `label` keeps its name as it was then."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="links", verbose_name="活动"
    )
    kind = models.CharField("成果类型", max_length=30)
    ref = models.PositiveIntegerField("记录编号")
    label = models.CharField("名称", max_length=200)
    linked_on = models.DateField("关联日期")

    class Meta:
        verbose_name = "活动成果关联"
        verbose_name_plural = "活动成果关联"
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind", "ref"], name="events_link_once")
        ]

    def __str__(self) -> str:
        return self.label


class FinancingIntention(models.Model):
    """A financing intention recorded at an event: an investor or bank and an enterprise."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="intentions", verbose_name="活动"
    )
    investor = models.CharField("投资机构/银行", max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业",
    )
    amount_yuan = models.DecimalField("意向金额（元）", max_digits=16, decimal_places=2)
    on = models.DateField("日期")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "融资意向"
        verbose_name_plural = "融资意向"
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gte=0), name="events_intention_amount_nonneg"
            )
        ]

    def __str__(self) -> str:
        return f"{self.investor} {self.enterprise or ''}"


class Participant(models.Model):
    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        EXPERT = "expert", "专家"
        INVESTOR = "investor", "投资机构"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        REGISTERED = "registered", "已报名"
        ATTENDED = "attended", "已参加"
        CANCELLED = "cancelled", "已取消"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participants", verbose_name="活动"
    )
    role = models.CharField("身份", max_length=10, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_participations",
        verbose_name="企业",
    )
    name = models.CharField("名称/姓名", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    registered_on = models.DateField("报名日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "活动参与方"
        verbose_name_plural = "活动参与方"
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="events_participant_once",
            ),
            models.CheckConstraint(
                condition=Q(role="enterprise", enterprise__isnull=False)
                | (~Q(role="enterprise") & ~Q(name="")),
                name="events_participant_named",
            ),
        ]

    def __str__(self) -> str:
        return str(self.enterprise or self.name)


class RoadshowItem(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="items", verbose_name="路演活动"
    )
    title = models.CharField("路演项目", max_length=120)
    presenter = models.CharField("路演单位/团队", max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="路演企业",
    )
    summary = models.CharField("项目简介", max_length=300, blank=True)
    financing_sought_yuan = models.DecimalField(
        "拟融资（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "路演项目"
        verbose_name_plural = "路演项目"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class JuryScore(models.Model):
    item = models.ForeignKey(
        RoadshowItem, on_delete=models.CASCADE, related_name="scores", verbose_name="路演项目"
    )
    juror = models.CharField("评委", max_length=40)
    score = models.DecimalField("评分", max_digits=5, decimal_places=2)
    comment = models.CharField("点评", max_length=200, blank=True)

    class Meta:
        verbose_name = "评委评分"
        verbose_name_plural = "评委评分"
        constraints = [
            models.UniqueConstraint(fields=["item", "juror"], name="events_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="events_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.juror} {self.score}"


class Article(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="报送区域"
    )
    media = models.CharField("媒体", max_length=60)
    level = models.CharField("媒体级别", max_length=10, choices=Level.choices)
    published_on = models.DateField("刊发日期", db_index=True)
    title = models.CharField("标题", max_length=200)
    link = models.URLField("链接", max_length=300, blank=True)

    class Meta:
        verbose_name = "宣传用稿"
        verbose_name_plural = "宣传用稿"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

"""Innovation points (C4, 企业科技创新积分): the indicator sets a county's bureau keeps
(one line of versions per year: copied forward, edited as a draft, frozen when
published), the facts the points read that the registry does not hold, the stored
scoring runs and their scores, and the published rank list (a 公示 of the programme
frame, `kechuang.programmes`, whose objections are the frame's).

Points are exact: a score is stored in hundredths of a point (`*_cents`) as the rules
compute it (`kechuang.rules.points`), and shown with two decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


def _user(verbose: str) -> Any:
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


def points_of(cents: int | None) -> Decimal | None:
    """Hundredths of a point → Decimal points (None stays unknown)."""
    return None if cents is None else Decimal(cents) / 100


class PointSet(models.Model):
    """An indicator set of one county and year (积分指标体系), as the plain form
    `kechuang.rules.points.IndicatorSet.parse` reads. A draft is edited; a published
    set is frozen (a later change is a new version of the same year)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        RETIRED = "retired", "已停用"

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="县（市、区）"
    )
    year = models.PositiveSmallIntegerField("积分年度")
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField("指标体系")
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="复制自",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = _user("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_by = _user("发布人")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "积分指标体系"
        verbose_name_plural = "积分指标体系"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "version"], name="uniq_pointset_version"
            ),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(status="draft"),
                name="uniq_pointset_draft",
            ),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(status="published"),
                name="uniq_pointset_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年积分指标体系 第{self.version}版（{self.get_status_display()}）"

    @property
    def title(self) -> str:
        return str(self.data.get("title") or "积分指标体系") if isinstance(self.data, dict) else ""

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PointsFacts(models.Model):
    """What the points read that the enterprise registry does not hold (纳税, 技术合同,
    研发机构, 人才, 奖励, 事故, 失信), per enterprise and year. Blank = unknown, never
    zero (an unknown indicator earns nothing and its points are shown as at stake)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="points_facts",
        verbose_name="企业",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField("年度")
    tax_paid_yuan = models.DecimalField(
        "纳税总额（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    tech_contract_yuan = models.DecimalField(
        "技术合同成交额（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    rd_institutions = models.PositiveIntegerField("市级以上研发机构（个）", null=True, blank=True)
    talents = models.PositiveIntegerField("市级以上人才项目入选（人）", null=True, blank=True)
    awards = models.PositiveIntegerField("市级以上科技奖励（项）", null=True, blank=True)
    major_incident = models.BooleanField("发生重大安全、质量、环境事故", null=True, blank=True)
    credit_blacklisted = models.BooleanField("列入严重失信主体名单", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "积分补充数据"
        verbose_name_plural = "积分补充数据"
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_points_facts_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年积分补充数据"


class ScoreRun(models.Model):
    """One scoring of a county's year by one set version: every enterprise in one pass.
    `inputs_hash` is the SHA-256 of the inputs read (the same inputs and set give the
    same scores)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="县（市、区）"
    )
    year = models.PositiveSmallIntegerField("积分年度")
    point_set = models.ForeignKey(
        PointSet, on_delete=models.PROTECT, related_name="runs", verbose_name="指标体系"
    )
    set_version = models.CharField("指标体系版本", max_length=120)
    inputs_hash = models.CharField("输入摘要", max_length=64)
    enterprises = models.PositiveIntegerField("企业数", default=0)
    scored = models.PositiveIntegerField("计分企业数", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = _user("计分人")
    created_at = models.DateTimeField("计分时间", auto_now_add=True)

    class Meta:
        verbose_name = "积分计算"
        verbose_name_plural = "积分计算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年积分计算（{self.created_at:%Y-%m-%d %H:%M}）"


class Score(models.Model):
    """One enterprise's points in one run, with its explanation (the lines sum to the
    total exactly), the points at stake for unknown facts and the cheapest gains."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="points_scores",
        verbose_name="企业",
    )
    stage = models.CharField("发展阶段", max_length=20, blank=True)
    stage_label = models.CharField("发展阶段", max_length=20, blank=True)
    total_cents = models.IntegerField("总分（0.01分）", null=True, blank=True)
    total = models.DecimalField("总分", max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("阶段排名", null=True, blank=True)
    cohort = models.PositiveIntegerField("阶段企业数", null=True, blank=True)
    overall_rank = models.PositiveIntegerField("总排名", null=True, blank=True)
    tier = models.CharField("档次", max_length=20, blank=True)
    tier_label = models.CharField("档次", max_length=40, blank=True)
    at_stake_cents = models.IntegerField("缺数据待得分（0.01分）", default=0)
    explanation = models.JSONField("计分说明", default=dict)
    inputs = models.JSONField("计分数据", default=dict)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业积分"
        verbose_name_plural = "企业积分"
        ordering = ["run", "overall_rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_score_run_enterprise")
        ]
        indexes = [models.Index(fields=["enterprise", "run"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.run.year}年积分"

    @property
    def at_stake(self) -> Decimal:
        return Decimal(self.at_stake_cents) / 100


class Publication(models.Model):
    """A county's published rank list of a year: a 公示 of the frame (its window and
    objections) over the scores of one run. Re-publishing after a correction points it
    at the new run; freezing freezes its 公示."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="县（市、区）"
    )
    year = models.PositiveSmallIntegerField("积分年度")
    run = models.ForeignKey(
        ScoreRun, on_delete=models.PROTECT, related_name="publications", verbose_name="公示的计算"
    )
    publicity = models.OneToOneField(
        "programmes.Publicity",
        on_delete=models.PROTECT,
        related_name="points_publication",
        verbose_name="公示",
    )
    revisions = models.PositiveIntegerField("重新发布次数", default=0)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "积分排名公示"
        verbose_name_plural = "积分排名公示"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="uniq_points_publication")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度企业科技创新积分排名公示"

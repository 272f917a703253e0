"""Statistics entered per region and year, targets, and assessment weights.

None of these holds a figure computed from records: indicators are queries
(`kechuang.targets.indicators`); these tables hold what is *not* a record — official
statistics (GDP, 全社会研发经费, peers' figures) and the plans (targets, weights).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from kechuang.accounts.models import Region


class RegionalStatistic(models.Model):
    """One statistic of one region for one year (an indicator id or a statistic key),
    in the unit of its catalogue entry, with its source."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="statistics", verbose_name="区域"
    )
    year = models.PositiveSmallIntegerField("年度")
    key = models.CharField("指标/统计项", max_length=60)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6)
    unit = models.CharField("单位", max_length=10, blank=True)
    source = models.CharField("来源", max_length=120, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "区域统计数据"
        verbose_name_plural = "区域统计数据"
        ordering = ["-year", "region__sort_order", "region__code", "key"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "key"], name="uniq_statistic")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.key}={self.value}"


class Target(models.Model):
    class Comparison(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    indicator = models.CharField("指标", max_length=60)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="targets", verbose_name="区域"
    )
    value = models.DecimalField("目标值", max_digits=24, decimal_places=6)
    comparison = models.CharField(
        "比较方式", max_length=3, choices=Comparison.choices, default=Comparison.GTE
    )
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设定人",
    )
    set_at = models.DateTimeField("设定时间", auto_now=True)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["-year", "region__sort_order", "region__code", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "region"], name="uniq_target")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator} {self.get_comparison_display()} {self.value}"

    @property
    def metric(self) -> str:
        return self.indicator

    @property
    def count(self) -> int:
        """The target as a whole count (targets of firms are counts)."""
        return int(self.value)

    def need(self) -> Decimal:
        """The least value that meets the target (a count above `> n` is n + 1)."""
        return self.value + 1 if self.comparison == self.Comparison.GT else self.value

    def met_by(self, value: Decimal | int | float) -> bool:
        v = Decimal(str(value))
        if self.comparison == self.Comparison.GT:
            return v > self.value
        if self.comparison == self.Comparison.EQ:
            return v == self.value
        return v >= self.value


class AssessmentWeight(models.Model):
    """The weight of one indicator in one year's town/park assessment (绩效考核)."""

    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=60)
    weight = models.DecimalField("权重", max_digits=8, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设定人",
    )
    set_at = models.DateTimeField("设定时间", auto_now=True)

    class Meta:
        verbose_name = "考核权重"
        verbose_name_plural = "考核权重"
        ordering = ["-year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator"], name="uniq_assessment_weight")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator} ×{self.weight}"

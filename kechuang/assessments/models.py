from __future__ import annotations

from django.conf import settings
from django.db import models

from kechuang.accounts.scoping import ScopedQuerySet


class AssessmentRun(models.Model):
    """One assessment of the whole registry (or an area of it) on a date."""

    as_of = models.DateField("评价日期")
    rulesets = models.CharField("规则集", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    enterprises = models.PositiveIntegerField("企业数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)
    counts = models.JSONField("结论统计", default=dict)

    class Meta:
        verbose_name = "全库评价"
        verbose_name_plural = "全库评价"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.rulesets}"


class AssessmentSnapshot(models.Model):
    """A dated, reproducible verdict: rule-set version + hash of the inputs + result.
    Later capabilities (cultivation grades, dashboards) read the latest snapshot."""

    run = models.ForeignKey(
        AssessmentRun, on_delete=models.CASCADE, related_name="snapshots", null=True, blank=True
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="assessment_snapshots"
    )
    ruleset = models.CharField("规则集", max_length=40)
    ruleset_version = models.CharField("规则集版本", max_length=80)
    as_of = models.DateField("评价日期")
    inputs_hash = models.CharField("输入摘要", max_length=64)
    inputs = models.JSONField("输入")
    result = models.JSONField("结果")
    verdict = models.CharField("结论", max_length=10)
    score_lo = models.SmallIntegerField("得分下限", null=True, blank=True)
    score_hi = models.SmallIntegerField("得分上限", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "评价快照"
        verbose_name_plural = "评价快照"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "ruleset", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.ruleset} {self.as_of} {self.verdict}"

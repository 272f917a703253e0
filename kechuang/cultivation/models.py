"""HNTE cultivation (C3): the reserve pool, ledgers with milestones, application
batches, targets split across towns/parks, tasks and tracking visits.

No count is stored: the pool's size on a day is the number of memberships open on
that day, a success rate counts ledgers (selectors.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.cultivation.pipeline import STAGE_CHOICES, label

USER = settings.AUTH_USER_MODEL


def _user(verbose: str) -> models.ForeignKey:
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


class PoolMembership(models.Model):
    """One stay of an enterprise in the reserve pool (后备培育库): proposed, approved
    (entered_on), and left (left_on, reason). Re-entry after leaving is a new row."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待审核"
        ACTIVE = "active", "在库"
        REJECTED = "rejected", "未通过审核"
        LEFT = "left", "已出库"

    class LeaveReason(models.TextChoices):
        CERTIFIED = "certified", "认定为高企"
        WITHDRAWN = "withdrawn", "企业退出"
        FAILED_TWICE = "failed_twice", "两次申报未通过"
        MOVED = "moved", "迁出本市"
        CLOSED = "closed", "注销"

    class Grade(models.TextChoices):
        A = "A", "A 可申报"
        B = "B", "B 一年内可达"
        C = "C", "C 长期培育"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="pool_memberships",
        verbose_name="企业",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_on = models.DateField("推荐日期")
    entered_on = models.DateField("入库日期", null=True, blank=True)
    left_on = models.DateField("出库日期", null=True, blank=True)
    reason = models.CharField("入库理由", max_length=300, blank=True)
    leave_reason = models.CharField(
        "出库原因", max_length=20, choices=LeaveReason.choices, blank=True
    )
    leave_note = models.CharField("出库说明", max_length=300, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    proposed_by = _user("推荐人")
    approved_by = _user("审核人")
    entry_check = models.JSONField("入库条件核验", default=dict, blank=True)
    grade_override = models.CharField("调整后分级", max_length=1, choices=Grade.choices, blank=True)
    grade_override_reason = models.CharField("分级调整理由", max_length=300, blank=True)
    grade_overridden_by = _user("分级调整人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "培育库入库记录"
        verbose_name_plural = "培育库入库记录"
        ordering = ["-entered_on", "-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=["proposed", "active"]),
                name="one_open_pool_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(entered_on__isnull=True)
                | Q(left_on__gte=models.F("entered_on")),
                name="pool_membership_interval_ordered",
            ),
        ]
        indexes = [models.Index(fields=["entered_on", "left_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} 培育库 {self.entered_on or self.proposed_on}"


class ApplicationBatch(models.Model):
    """An HNTE application batch (申报批次) of a year, with its dates."""

    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveSmallIntegerField("批次")
    name = models.CharField("名称", max_length=40)
    submit_by = models.DateField("网上申报截止")
    review_on = models.DateField("专家评审", null=True, blank=True)
    publicize_on = models.DateField("公示日期", null=True, blank=True)
    certified_on = models.DateField("认定日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["year", "seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="uniq_batch_year_seq")]

    def __str__(self) -> str:
        return self.name


class Ledger(models.Model):
    """The cultivation ledger (培育台帐) of one enterprise for one application year."""

    class Kind(models.TextChoices):
        FIRST = "first", "首次申报"
        RENEWAL = "renewal", "到期重新认定"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="cultivation_ledgers",
        verbose_name="企业",
    )
    year = models.PositiveSmallIntegerField("申报年度")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.FIRST)
    stage = models.CharField("当前环节", max_length=12, choices=STAGE_CHOICES, default="pool")
    batch = models.ForeignKey(
        ApplicationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ledgers",
        verbose_name="申报批次",
    )
    officer = _user("园区/乡镇责任人")
    bureau_contact = _user("市科技局联系人")
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "培育台帐"
        verbose_name_plural = "培育台帐"
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_ledger_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年台帐"

    @property
    def stage_label(self) -> str:
        return label(self.stage)


class LedgerEvent(models.Model):
    """A milestone reached (a transition of the pipeline), with its date and who."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField("原环节", max_length=12, choices=STAGE_CHOICES, blank=True)
    stage = models.CharField("环节", max_length=12, choices=STAGE_CHOICES)
    on = models.DateField("日期")
    by = _user("办理人")
    by_name = models.CharField("办理人", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "台帐节点"
        verbose_name_plural = "台帐节点"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.ledger} {label(self.stage)} {self.on}"


class LedgerDocument(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("名称", max_length=120)
    file = models.FileField("文件", upload_to="cultivation/%Y/")
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_by = _user("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "台帐附件"
        verbose_name_plural = "台帐附件"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """A tracking visit (跟踪服务) recorded against a ledger."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("走访日期")
    visitor = _user("走访人")
    visitor_name = models.CharField("走访人", max_length=60, blank=True)
    summary = models.CharField("走访情况", max_length=500)
    problems = models.CharField("企业问题", max_length=500, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "跟踪走访"
        verbose_name_plural = "跟踪走访"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.ledger} 走访 {self.visited_on}"


class CultivationTarget(models.Model):
    """A yearly cultivation target of a region (the county, or a town/park's share)."""

    class Metric(models.TextChoices):
        HNTE_NEW = "hnte_new", "新增高企"
        HNTE_VALID = "hnte_valid", "有效期内高企（年末）"
        POOL_SIZE = "pool_size", "后备培育库在库企业"

    class Comparison(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="区域"
    )
    metric = models.CharField("指标", max_length=12, choices=Metric.choices)
    value = models.PositiveIntegerField("目标值")
    comparison = models.CharField(
        "比较", max_length=3, choices=Comparison.choices, default=Comparison.GTE
    )
    set_by = _user("设定人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "培育目标"
        verbose_name_plural = "培育目标"
        ordering = ["-year", "region__sort_order", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "metric"], name="uniq_cultivation_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.get_metric_display()} {self.get_comparison_display()}{self.value}"

    def met_by(self, value: float) -> bool:
        return value > self.value if self.comparison == self.Comparison.GT else value >= self.value


class Task(models.Model):
    """A task pushed down to a town/park officer, for an enterprise or a batch."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    title = models.CharField("任务", max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="责任区域"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业",
    )
    batch = models.ForeignKey(
        ApplicationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="批次",
    )
    due_on = models.DateField("完成期限")
    owner = _user("责任人")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    created_by = _user("派发人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "培育任务"
        verbose_name_plural = "培育任务"
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def overdue_on(self, day: object) -> bool:
        return self.status == self.Status.OPEN and self.due_on < day  # type: ignore[operator]

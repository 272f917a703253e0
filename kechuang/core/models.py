from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Every create/update/delete: who, when, what, before, after."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象ID", max_length=40)
    object_repr = models.CharField("对象", max_length=200)
    # A plain id, not a foreign key: core depends on no domain app, and the trail
    # must outlive a deleted enterprise.
    enterprise_id = models.BigIntegerField("企业ID", null=True, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    via = models.CharField(
        "途径", max_length=20, blank=True
    )  # web / api / cli / import / admin / demo
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, str, str]]:
        """(Chinese label, before, after) for each value that differs, as shown on pages:
        labels from verbose names, amounts in 万元, 是/否, choice labels, names not ids."""
        from kechuang.core.audit_text import changed_fields

        names = getattr(self, "related_names", None)  # read for a whole page at once
        return changed_fields(self.object_type, self.before, self.after, names)

    @property
    def action_label(self) -> str:
        """新增/修改/删除/环节变更 (also actions a capability adds)."""
        from kechuang.core.audit_text import action_label

        return action_label(self.action)

    @property
    def type_label(self) -> str:
        """The object's kind: its model's verbose name (企业, 年度数据, 培育台帐…)."""
        from kechuang.core.audit_text import type_label

        return type_label(self.object_type)

    @property
    def via_label(self) -> str:
        from kechuang.core.audit_text import via_label

        return via_label(self.via)


class ImportBatch(models.Model):
    """One uploaded sheet: previewed, then confirmed (imported) or abandoned."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "待确认"
        IMPORTED = "imported", "已导入"
        FAILED = "failed", "有错误"

    token = models.CharField(max_length=40, unique=True)
    kind = models.CharField("类型", max_length=30)
    filename = models.CharField("文件名", max_length=200)
    stored_path = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="上传人"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    counts = models.JSONField("统计", default=dict)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class Job(models.Model):
    """One piece of long work run in the background (kechuang.core.jobs): who started
    it, how far it has got, and what it gave (JSON, or a file under settings.JOBS_DIR)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务", max_length=80)
    # The body's dotted path; the runner only calls bodies registered with @job_body.
    task = models.CharField("任务函数", max_length=200)
    params = models.JSONField("参数", default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    actor_name = models.CharField("发起人名称", max_length=150, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    # Relative to settings.JOBS_DIR; served only through the scoped download view.
    result_file = models.CharField("结果文件", max_length=300, blank=True)
    result_filename = models.CharField("结果文件名", max_length=200, blank=True)
    result_content_type = models.CharField("结果文件类型", max_length=120, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    task_result_id = models.CharField("队列任务ID", max_length=64, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """Whole per cent done, or None while the total is not known yet."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return None
        # A running job stays below 100 % until its outcome is recorded.
        return min(99, self.done * 100 // self.total)

    @property
    def result_link(self) -> tuple[str, str] | None:
        """(url, label) a finished body gave for its result; only a path on this site."""
        result = self.result if isinstance(self.result, dict) else {}
        url = str(result.get("url") or "")
        if not url.startswith("/") or url.startswith("//"):
            return None
        return url, str(result.get("url_label") or "查看结果")


class ScheduledRun(models.Model):
    """One run of a daily scheduled job (`SCHEDULE` contributions, kechuang.core.schedule)
    for one day. The row is created, in its own transaction, before the job runs: the
    unique (key, day) makes a second worker, a restart or a hand run skip a day already
    claimed, so each job runs at most once a day."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    key = models.CharField("任务", max_length=60)
    day = models.DateField("日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    result = models.TextField("结果", blank=True)
    trigger = models.CharField("方式", max_length=20, default="worker")

    class Meta:
        verbose_name = "定时任务运行记录"
        verbose_name_plural = "定时任务运行记录"
        ordering = ["-day", "key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="uniq_scheduled_run_day")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.day}"

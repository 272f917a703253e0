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
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(Chinese label, before, after) for each value that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        labels = _field_labels(self.object_type)
        return [
            (labels.get(k, k), before.get(k), after.get(k))
            for k in keys
            if before.get(k) != after.get(k)
            and (before.get(k) not in (None, "") or after.get(k) not in (None, ""))
        ]


def _field_labels(object_type: str) -> dict[str, str]:
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    labels = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    labels.update({f.name: str(f.verbose_name) for f in model._meta.concrete_fields})
    labels.update({"former_names": "曾用名", "source": "数据来源", "recorded_on": "记录日期"})
    return labels


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

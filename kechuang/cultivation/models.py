"""HNTE cultivation (C3): the reserve pool, and the cultivation ledgers and application
batches, which are the `hnte` programme's applications and calls on the programme
frame (`kechuang.programmes`): their events, attachments, tasks and visits are the
frame's. Targets are rows of `kechuang.targets`.

No count is stored: the pool's size on a day is the number of memberships open on
that day, a success rate counts ledgers (selectors.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from kechuang.accounts.scoping import ScopedQuerySet
from kechuang.cultivation.pipeline import PROGRAMME
from kechuang.programmes.models import Application, ApplicationQuerySet, Call

USER = settings.AUTH_USER_MODEL


def _user(verbose: str) -> models.ForeignKey[Any, Any]:
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

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

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


class BatchManager(models.Manager["ApplicationBatch"]):
    def get_queryset(self) -> models.QuerySet[ApplicationBatch]:
        return super().get_queryset().filter(programme=PROGRAMME)


class ApplicationBatch(Call):
    """An HNTE application batch (申报批次) of a year: a call of the `hnte` programme.
    网上申报截止 is the call's `closes_on`, 公示 its `publicity_on`, 认定 its
    `decided_on`."""

    objects = BatchManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = "高企申报批次"
        verbose_name_plural = "高企申报批次"
        ordering = ["year", "seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.programme = PROGRAMME
        super().save(*args, **kwargs)


_LedgerManagerBase = models.Manager.from_queryset(ApplicationQuerySet)


class LedgerManager(_LedgerManagerBase["Ledger"]):
    def get_queryset(self) -> models.QuerySet[Ledger]:
        return super().get_queryset().filter(programme=PROGRAMME)


class Ledger(Application):
    """The cultivation ledger (培育台帐) of one enterprise for one application year: an
    application of the `hnte` programme, unique per enterprise and year."""

    class Kind(models.TextChoices):
        FIRST = "first", "首次申报"
        RENEWAL = "renewal", "到期重新认定"

    objects: ClassVar[LedgerManager] = LedgerManager()

    class Meta:
        proxy = True
        verbose_name = "培育台帐"
        verbose_name_plural = "培育台帐"
        ordering = ["-year", "enterprise__name"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年台帐"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.programme = PROGRAMME
        self.unique_key = self.unique_key or str(self.year)
        super().save(*args, **kwargs)

    @property
    def batch(self) -> Call | None:
        """The ledger's batch (its call), as the cultivation pages name it."""
        return self.call

    @property
    def batch_id(self) -> int | None:
        return self.call_id

    def get_kind_display(self) -> str:
        return str(dict(self.Kind.choices).get(self.kind, self.kind))

    @staticmethod
    def audit_value(key: str, value: object, row: dict[str, Any]) -> str | None:
        """The operation log shows the ledger's kind by its label (首次申报…)."""
        if key == "kind" and isinstance(value, str):
            return str(dict(Ledger.Kind.choices).get(value, value))
        return Application.audit_value(key, value, row)

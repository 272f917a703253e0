"""What every support programme of the bureau shares (扶持项目框架): a call (申报通知) of a
year, applications by enterprises moving through a workflow, the events of each move,
attachments, expert reviews, 公示 with objections, awards, tasks with owners and due
dates, and visits to enterprises.

A programme is a key (`hnte` for the HNTE cultivation ledgers, later `voucher`, …);
its workflow is data (`kechuang.programmes.workflow`), registered by the app that owns
it. A capability keeps its own models only for what no other programme has (the
cultivation reserve pool, a voucher's provider…) and reads and writes the shared ones
through `kechuang.programmes.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self, TypeVar

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


def _audit_value(key: str, value: object, row: dict[str, Any]) -> str | None:
    """The operation log shows programmes and stages by their workflow's labels."""
    if key in ("stage", "from_stage") and isinstance(value, str) and value:
        return _workflow_label(str(row.get("programme", "")), value)
    if key == "programme" and isinstance(value, str):
        from kechuang.programmes.workflow import registered

        return {wf.programme: wf.label for wf in registered()}.get(value, value)
    return None


def _workflow_label(programme: str, stage: str) -> str:
    from kechuang.programmes.workflow import stage_label

    return stage_label(programme, stage)


class Call(models.Model):
    """A call for applications (申报批次/申报通知) of a programme: its year and batch,
    when it opens and closes, and the review, 公示 and decision dates."""

    programme = models.CharField("项目类别", max_length=30, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveSmallIntegerField("批次", default=1)
    name = models.CharField("名称", max_length=60)
    opens_on = models.DateField("开始申报", null=True, blank=True)
    closes_on = models.DateField("申报截止")
    review_on = models.DateField("评审日期", null=True, blank=True)
    publicity_on = models.DateField("公示日期", null=True, blank=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    budget_yuan = models.DecimalField(
        "预算（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["programme", "year", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "seq"], name="uniq_call_programme_year_seq"
            )
        ]

    audit_value = staticmethod(_audit_value)

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: dt.date) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and day <= self.closes_on


_A = TypeVar("_A", bound="Application")
_NULLABLE: dict[str, Any] = {"null": True, "blank": True}


class ApplicationQuerySet(ScopedQuerySet[_A]):
    """Applications of every programme, or of one programme's proxy model (`Ledger`).

    An enterprise's application is seen as its enterprise is; one of a person or an
    institute (no enterprise: a commissioner recommended, a talent programme, a carrier
    applying for recognition) by the bureau staff and officers of its `region`."""

    def of(self, programme: str) -> Self:
        return self.filter(programme=programme)

    def visible_to(self, actor: Any) -> Self:
        from kechuang.accounts.scoping import role_of

        qs = self.filter(application_scope_q(actor))
        # A helper's rows come through their assignments: one row per assignment.
        return qs.distinct() if role_of(actor) == "helper" else qs

    def in_region(self, region: Region | None) -> Self:
        from kechuang.accounts.scoping import alive_q, region_subtree_q

        if region is None:
            return self
        own = (
            Q(enterprise__isnull=False)
            & region_subtree_q(region, "enterprise__")
            & alive_q("enterprise__")
        )
        area = Q(enterprise__isnull=True, region__path__startswith=region.path)
        return self.filter(own | area)


def application_scope_q(actor: Any, prefix: str = "") -> Q:
    """Applications `actor` may see (`prefix`: the path to the application, e.g.
    "entry__application__"): an enterprise's as its enterprise is seen; one without an
    enterprise by the bureau staff and officers of its region."""
    from kechuang.accounts.scoping import NOTHING, enterprise_scope_q, role_of, sees_everything

    own = Q(**{f"{prefix}enterprise__isnull": False}) & enterprise_scope_q(
        actor, f"{prefix}enterprise__"
    )
    if role_of(actor) not in ("staff", "officer"):
        area = NOTHING
    elif sees_everything(actor):
        area = Q()
    elif actor.region_id is None:
        area = NOTHING
    else:
        area = Q(**{f"{prefix}region__path__startswith": actor.region.path})
    return own | (Q(**{f"{prefix}enterprise__isnull": True}) & area)


class Application(models.Model):
    """An enterprise's application (申报/台帐) to a programme, at a stage of its
    workflow. `unique_key` makes an application unique within its programme and
    enterprise when set (the HNTE ledger: one per application year)."""

    programme = models.CharField("项目类别", max_length=30, db_index=True)
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="申报批次",
    )
    # Typed as the enterprise programmes see it (they always have one); only the frame
    # meets an application without one (a person's or institute's: `region`, `applicant`)
    # and checks `enterprise_id is None` itself.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="programme_applications",
        verbose_name="企业",
        **_NULLABLE,
    )
    # An application of a person or an institute has no enterprise: it is scoped by
    # its region and names its applicant.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属区域",
    )
    applicant = models.CharField("申报人（单位）", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("申报年度")
    kind = models.CharField("类型", max_length=20, blank=True)
    stage = models.CharField("当前环节", max_length=20)
    unique_key = models.CharField("唯一键", max_length=40, blank=True)
    title = models.CharField("项目名称", max_length=200, blank=True)
    amount_requested_yuan = models.DecimalField(
        "申请金额（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    data = models.JSONField("申报内容", default=dict, blank=True)
    officer = _user("园区/乡镇责任人")
    bureau_contact = _user("市科技局联系人")
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ApplicationQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "项目申报"
        verbose_name_plural = "项目申报"
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise", "unique_key"],
                condition=~Q(unique_key=""),
                name="uniq_application_key",
            ),
            models.UniqueConstraint(
                fields=["programme", "region", "unique_key"],
                condition=~Q(unique_key="") & Q(enterprise__isnull=True),
                name="uniq_application_key_no_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False)
                | (Q(region__isnull=False) & ~Q(applicant="")),
                name="application_enterprise_or_applicant",
            ),
        ]
        indexes = [models.Index(fields=["programme", "year", "stage"])]

    def __str__(self) -> str:
        return f"{self.party_name} {self.year}年{self.title or '申报'}"

    @property
    def party_name(self) -> str:
        """Who applies: the enterprise, else the person or institute."""
        return self.enterprise.name if self.enterprise_id is not None else self.applicant

    @property
    def stage_label(self) -> str:
        return _workflow_label(self.programme, self.stage)

    @property
    def firm_id(self) -> int:
        """`enterprise_id` typed as an id, for the programmes whose applications always
        have an enterprise (every one but those of a person or an institute)."""
        if self.enterprise_id is None:
            raise ValueError(f"申报“{self.title}”没有企业")
        return self.enterprise_id

    audit_value = staticmethod(_audit_value)


class Event(models.Model):
    """A transition of an application (a milestone reached): from, to, when, who."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField("原环节", max_length=20, blank=True)
    stage = models.CharField("环节", max_length=20)
    on = models.DateField("日期")
    by = _user("办理人")
    by_name = models.CharField("办理人", max_length=60, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.stage_label} {self.on}"

    @property
    def stage_label(self) -> str:
        return _workflow_label(self.application.programme, self.stage)

    @property
    def from_label(self) -> str:
        return (
            _workflow_label(self.application.programme, self.from_stage) if self.from_stage else ""
        )


class Attachment(models.Model):
    """A file kept with an application (or an enterprise). Stored under the private
    media root (never served by the web server), read only through a scoped view."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="企业",
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="申报",
    )
    title = models.CharField("名称", max_length=120)
    file = models.FileField("文件", upload_to="programmes/%Y/", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_by = _user("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """An expert's or the bureau's review of an application: a score and an opinion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = _user("评审人")
    reviewer_name = models.CharField("评审人", max_length=60)
    score = models.DecimalField("评分", max_digits=6, decimal_places=2, null=True, blank=True)
    opinion = models.TextField("评审意见", blank=True)
    reviewed_on = models.DateField("评审日期")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "评审意见"
        verbose_name_plural = "评审意见"
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.application} 评审 {self.reviewer_name}"


class Publicity(models.Model):
    """A 公示: a published list of applications with an objection window. Frozen once
    the window has closed and every objection is resolved."""

    class Status(models.TextChoices):
        OPEN = "open", "公示中"
        CLOSED = "closed", "公示期满"
        FROZEN = "frozen", "已定稿"

    programme = models.CharField("项目类别", max_length=30, db_index=True)
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publicities",
        verbose_name="申报批次",
    )
    title = models.CharField("公示名称", max_length=200)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("异议截止")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField("说明", blank=True)
    published_by = _user("发布人")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    frozen_at = models.DateTimeField("定稿时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]

    audit_value = staticmethod(_audit_value)

    def __str__(self) -> str:
        return self.title

    def accepts_objections_on(self, day: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.starts_on <= day <= self.ends_on


class PublicityEntry(models.Model):
    """One line of a 公示: the application, and what was published about it."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="publicity_entries"
    )
    rank = models.PositiveIntegerField("序号", default=0)
    summary = models.CharField("公示内容", max_length=300, blank=True)

    class Meta:
        verbose_name = "公示条目"
        verbose_name_plural = "公示条目"
        ordering = ["publicity", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publicity", "application"], name="uniq_publicity_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publicity} {self.application}"


class Objection(models.Model):
    """An objection (异议) to a 公示 entry, filed in the window and resolved by staff."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    entry = models.ForeignKey(PublicityEntry, on_delete=models.CASCADE, related_name="objections")
    filed_by = _user("提出人")
    filed_by_name = models.CharField("提出人", max_length=60)
    filed_on = models.DateField("提出日期")
    reason = models.TextField("异议理由")
    evidence = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="证明材料",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = _user("处理人")
    resolved_on = models.DateField("处理日期", null=True, blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.entry} 异议"


class Award(models.Model):
    """Money granted to an application (资助/奖补), in yuan, and when it was paid."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField("名称", max_length=120)
    amount_yuan = models.DecimalField("金额（元）", max_digits=18, decimal_places=2)
    granted_on = models.DateField("批准日期")
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    granted_by = _user("批准人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资助奖补"
        verbose_name_plural = "资助奖补"
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="award_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("granted_on")),
                name="award_paid_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.title}"


class TaskQuerySet(ScopedQuerySet["Task"]):
    """Tasks are scoped by their region (an officer sees the tasks of their area and
    below) or by their owner (a helper sees the tasks given to them)."""

    def visible_to(self, actor: Any) -> Self:
        # A task about a deleted enterprise goes with it (soft delete).
        return self._visible_to(actor).filter(
            Q(enterprise__isnull=True) | Q(enterprise__deleted_at__isnull=True)
        )

    def _visible_to(self, actor: Any) -> Self:
        from kechuang.accounts.scoping import role_of, sees_everything

        role = role_of(actor)
        if sees_everything(actor):
            return self
        if role in ("staff", "officer") and actor.region_id:
            return self.filter(
                Q(region__in=Region.objects.in_region(actor.region)) | Q(owner=actor)
            )
        if role == "helper":
            return self.filter(owner=actor)
        return self.none()

    def in_region(self, region: Region | None) -> Self:
        if region is None:
            return self
        return self.filter(region__in=Region.objects.in_region(region))


class Task(models.Model):
    """A task pushed down to a town/park officer (or a helper), for an enterprise, a
    call or an application, with an owner and a due date."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    programme = models.CharField("项目类别", max_length=30, blank=True, db_index=True)
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
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="批次",
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="申报",
    )
    due_on = models.DateField("完成期限")
    owner = _user("责任人")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    created_by = _user("派发人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    audit_value = staticmethod(_audit_value)

    def __str__(self) -> str:
        return self.title

    def overdue_on(self, day: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < day


class Visit(models.Model):
    """A visit to an enterprise (走访/跟踪服务), which may refer to an application."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name="企业",
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name="相关申报",
    )
    visited_on = models.DateField("走访日期")
    visitor = _user("走访人")
    visitor_name = models.CharField("走访人", max_length=60, blank=True)
    summary = models.CharField("走访情况", max_length=500)
    problems = models.CharField("企业问题", max_length=500, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} 走访 {self.visited_on}"

"""The service desk and leaders' visits (C10, seed 2020 §一.5 and 2021 §三.3): one-stop
service requests handled by 帮办员, leaders linked to towns, parks and key firms
(挂钩联系), visits, and the problems raised on a visit tracked to closure.

A service request and a problem are applications of the programme frame (programmes
`desk_request` and `desk_problem`): their stage, events (every move: who, when, note),
attachments and audit are the frame's; the rows here hold only what is theirs (type,
helper, deadline, satisfaction; category, department, resolution). An enterprise visit
is also the frame's `Visit` (so it shows wherever the firm's visits show); area visits
(a town or park) exist only here. Types, routing rules, helpers' leaders and working-day
overrides are data the bureau edits."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import (
    alive_q,
    enterprise_scope_q,
    role_of,
    scope_region,
    sees_everything,
)
from kechuang.programmes.models import Application, Visit

USER = settings.AUTH_USER_MODEL

# Whom an overdue request or problem went to (督办): the helper's or owner's 分管领导,
# else the county's designated 局领导, else (none designated) the county bureau's staff.
ESCALATION_CHOICES = [("leader", "分管领导"), ("bureau", "局领导"), ("staff", "科技局")]


def _user(verbose: str, related: str = "+", **extra: Any) -> Any:
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related,
        verbose_name=verbose,
        **extra,
    )


def _county(related: str = "+") -> Any:
    """The county (县级) whose bureau keeps a row of configuration: on a city instance each
    county's bureau edits its own types, rules, working days and settings."""
    return models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name=related,
        verbose_name="县（市、区）",
        limit_choices_to={"kind": Region.Kind.COUNTY},
    )


class CountySettings(models.Model):
    """Settings of one county's desk the bureau edits (one row per county, made with the
    county; absent rows read as the defaults)."""

    county = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="desk_settings", verbose_name="县（市、区）"
    )
    visit_overlap_days = models.PositiveSmallIntegerField(
        "重复走访提示天数",
        default=30,
        help_text="另一单位在此天数内走访过同一企业时提示（走访扰企）",
    )

    class Meta:
        verbose_name = "科技服务设置"
        verbose_name_plural = "科技服务设置"

    def __str__(self) -> str:
        return f"{self.county} 科技服务设置"


class ProblemLimit(models.Model):
    """The time limit, in working days from 交办, of a problem category in one county
    (a category without a row has `counties.DEFAULT_PROBLEM_DAYS`)."""

    county = _county()
    category = models.CharField("问题类别", max_length=10)
    deadline_days = models.PositiveSmallIntegerField("办结时限（工作日）")

    class Meta:
        verbose_name = "问题办结时限"
        verbose_name_plural = "问题办结时限"
        constraints = [
            models.UniqueConstraint(fields=["county", "category"], name="uniq_desk_problem_limit")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.category} {self.deadline_days}个工作日"


class RequestType(models.Model):
    """A kind of service request (政策咨询, 项目申报, …) of one county and its time limit
    in working days."""

    county = _county("desk_request_types")
    key = models.SlugField("代码", max_length=20)
    name = models.CharField("服务类型", max_length=30)
    deadline_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务类型"
        verbose_name_plural = "服务类型"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="uniq_desk_type_key"),
            models.UniqueConstraint(fields=["county", "name"], name="uniq_desk_type_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BureauLeader(models.Model):
    """A 局领导 the county's bureau designates (局长, 副局长, 分管领导, …): the leaders
    linked to towns, parks and key firms (挂钩联系), counted per leader in the measures,
    and whom an overdue request or problem goes to when its helper or owner has no
    分管领导. One row per county and staff member; an inactive row is kept for history."""

    county = _county("desk_leaders")
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="desk_leader_roles", verbose_name="局领导"
    )
    title = models.CharField("职务", max_length=20)
    sort_order = models.PositiveSmallIntegerField("排序（督办先后）", default=100)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "局领导"
        verbose_name_plural = "局领导"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "user"], name="uniq_desk_bureau_leader")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.user}"


class HelperProfile(models.Model):
    """A 帮办员: the county (县级) whose bureau they serve — routing, reassignment and 交办
    pick only a county's own helpers — and the bureau leader an overdue request of theirs
    is escalated to."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="desk_profile", verbose_name="帮办员"
    )
    county = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属县（市、区）",
        limit_choices_to={"kind": Region.Kind.COUNTY},
    )
    leader = _user("分管领导")
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "帮办员"
        verbose_name_plural = "帮办员"

    def __str__(self) -> str:
        return str(self.user)


class RoutingRule(models.Model):
    """Which helper takes a request: by type and by area (the firm's town or park and
    below). Blank type or area matches any; the most specific rule wins (type and area,
    then type, then area, then neither), then the lowest priority number. A rule belongs
    to a county and routes only that county's requests."""

    county = _county()
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name="服务类型",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="区域",
    )
    helper = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name="帮办员"
    )
    priority = models.PositiveSmallIntegerField("优先级（小者先）", default=100)

    class Meta:
        verbose_name = "分派规则"
        verbose_name_plural = "分派规则"
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        kind = self.request_type.name if self.request_type else "任意类型"
        area = self.region.name if self.region else "任意区域"
        return f"{kind} · {area} → {self.helper}"


class WorkdayOverride(models.Model):
    """A day the bureau declares a working day or a rest day, over the calendar of
    `chinese-calendar` (国务院办公厅 holiday notices): for a year the package does not
    know yet, or a local change. Each county's bureau keeps its own."""

    county = _county()
    day = models.DateField("日期")
    is_workday = models.BooleanField("上班")
    note = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["county", "day"], name="uniq_desk_override_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'}"


class RequestQuerySet(models.QuerySet["ServiceRequest"]):
    def visible_to(self, actor: Any) -> Self:
        """Bureau and officers: the firms of their area; an enterprise: its own; a
        helper: the requests given to them (or escalated to them)."""
        role = role_of(actor)
        base = self.filter(alive_q("application__enterprise__"))
        if role == "helper":
            return base.filter(Q(helper=actor) | Q(escalated_to=actor))
        if role in ("staff", "officer", "enterprise"):
            return base.filter(enterprise_scope_q(actor, "application__enterprise__"))
        return base.none()


class ServiceRequest(models.Model):
    """A service request (服务诉求) of an enterprise: the `desk_request` application
    that carries its stage, plus its type, helper and deadline, and the 回访."""

    class Channel(models.TextChoices):
        ONLINE = "online", "网上提交"
        PHONE = "phone", "电话"
        VISIT = "visit", "走访收集"
        WINDOW = "window", "窗口"

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="desk_request", verbose_name="申报"
    )
    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, related_name="requests", verbose_name="服务类型"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    contact = models.CharField("联系人及电话", max_length=60, blank=True)
    filed_by = _user("提交人")
    filed_on = models.DateField("提交日期")
    helper = _user("帮办员", "desk_requests")
    assigned_on = models.DateField("分派日期", null=True, blank=True)
    due_on = models.DateField("办结期限")
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    reply = models.TextField("办理结果", blank=True)
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    escalated_to = _user("升级至", "desk_escalations")
    escalated_as = models.CharField(
        "升级对象", max_length=10, choices=ESCALATION_CHOICES, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField("满意度（1–5）", null=True, blank=True)
    feedback = models.CharField("回访意见", max_length=300, blank=True)
    reviewed_on = models.DateField("回访日期", null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = "服务诉求"
        verbose_name_plural = "服务诉求"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="desk_request_satisfaction_1_5",
            )
        ]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.application.enterprise} {self.request_type}：{self.application.title}"

    @property
    def enterprise(self) -> Any:
        return self.application.enterprise

    @property
    def stage(self) -> str:
        return self.application.stage

    def is_open(self) -> bool:
        from kechuang.desk.workflow import REQUEST_OPEN

        return self.application.stage in REQUEST_OPEN

    def overdue_on(self, day: dt.date) -> bool:
        return self.is_open() and self.due_on < day


class Linkage(models.Model):
    """挂钩联系: a bureau leader linked, for a year, to a town or park or to a key firm."""

    year = models.PositiveSmallIntegerField("年度")
    leader = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="+", verbose_name="挂钩领导"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="挂钩乡镇（园区）",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="挂钩重点企业",
    )
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "挂钩联系"
        verbose_name_plural = "挂钩联系"
        ordering = ["-year", "leader_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False) & Q(enterprise__isnull=True))
                | (Q(region__isnull=True) & Q(enterprise__isnull=False)),
                name="desk_linkage_region_or_enterprise",
            ),
            models.UniqueConstraint(
                fields=["year", "leader", "region"],
                condition=Q(region__isnull=False),
                name="uniq_desk_linkage_region",
            ),
            models.UniqueConstraint(
                fields=["year", "leader", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="uniq_desk_linkage_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.leader} ↔ {self.enterprise or self.region}"


class DeskVisitQuerySet(models.QuerySet["DeskVisit"]):
    def visible_to(self, actor: Any) -> Self:
        """Bureau and officers: visits in their area; a helper: their own; nobody else.
        (A visit is internal: enterprises see the problems raised, not the log.)"""
        role = role_of(actor)
        alive = Q(enterprise__isnull=True) | alive_q("enterprise__")
        if sees_everything(actor):
            return self.filter(alive)
        if role in ("staff", "officer"):
            own = scope_region(actor)
            if own is None:
                return self.none()
            return self.filter(alive, region__path__startswith=own.path)
        if role == "helper":
            return self.filter(alive, visitor=actor)
        return self.none()

    def in_region(self, region: Region | None) -> Self:
        if region is None:
            return self
        return self.filter(
            Q(enterprise__isnull=True) | alive_q("enterprise__"),
            region__path__startswith=region.path,
        )


class DeskVisit(models.Model):
    """A visit (走访) by a leader or staff member to a town, park or enterprise: purpose,
    notes, a follow-up date. For an enterprise it is also the frame's `Visit`."""

    class Purpose(models.TextChoices):
        SURVEY = "survey", "调研走访"
        POLICY = "policy", "政策宣讲"
        PROBLEM = "problem", "问题协调"
        PROJECT = "project", "项目推进"
        FOLLOW_UP = "follow_up", "回访"
        OTHER = "other", "其他"

    visited_on = models.DateField("走访日期")
    visitor = _user("走访人")
    visitor_name = models.CharField("走访人", max_length=60)
    unit = models.CharField("走访单位", max_length=60)
    companions = models.CharField("陪同人员", max_length=100, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（园区）"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业",
    )
    purpose = models.CharField("走访目的", max_length=12, choices=Purpose.choices)
    notes = models.TextField("走访情况")
    follow_up_on = models.DateField("跟进日期", null=True, blank=True)
    followed_up_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="跟进走访",
    )
    overlap_note = models.CharField("重复走访提示", max_length=200, blank=True)
    frame_visit = models.OneToOneField(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desk_visit",
        verbose_name="企业走访记录",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = DeskVisitQuerySet.as_manager()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.visitor_name} 走访 {self.enterprise or self.region}"

    @property
    def target_name(self) -> str:
        return self.enterprise.name if self.enterprise is not None else self.region.name


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, actor: Any) -> Self:
        """Bureau and officers: problems of the firms of their area and those raised on
        visits to their towns and parks; an enterprise: its own (to confirm the
        resolution); a helper: those they raised or are responsible for."""
        role = role_of(actor)
        base = self.filter(Q(application__isnull=True) | alive_q("application__enterprise__"))
        if role == "helper":
            return base.filter(Q(raised_by=actor) | Q(assignee=actor))
        if role == "enterprise":
            return base.filter(
                application__isnull=False,
            ).filter(enterprise_scope_q(actor, "application__enterprise__"))
        if role in ("staff", "officer"):
            if sees_everything(actor):
                return base
            own = scope_region(actor)
            if own is None:
                return base.none()
            firm = Q(application__isnull=False) & enterprise_scope_q(
                actor, "application__enterprise__"
            )
            area = Q(application__isnull=True, region__path__startswith=own.path)
            return base.filter(firm | area)
        return base.none()

    def in_region(self, region: Region | None) -> Self:
        """Problems of firms in `region` and of visits to its towns and parks."""
        alive = Q(application__isnull=True) | alive_q("application__enterprise__")
        if region is None:
            return self.filter(alive)
        return self.filter(alive, region__path__startswith=region.path)


class Problem(models.Model):
    """A problem (企业难题) raised on a visit, with its category, description, the
    department it is given to (交办), the resolution and the confirmation.

    Raised on a visit to a firm it is also the `desk_problem` application of the firm
    (whose stage, events and attachments are the frame's, and the enterprise confirms
    it); raised on a visit to a town or park (no firm) it has no application, moves
    here only (every move in the audit log), and the visiting unit confirms it: the
    visitor or an officer of that town or park (the bureau may record it). `stage`
    and `region` (the firm's town or park, or the area visited) are kept for both."""

    class Category(models.TextChoices):
        POLICY = "policy", "政策兑现"
        FUNDING = "funding", "资金融资"
        TALENT = "talent", "人才用工"
        TECH = "tech", "技术研发"
        LAND = "land", "用地用房"
        PERMIT = "permit", "审批手续"
        IP = "ip", "知识产权"
        OTHER = "other", "其他"

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="desk_problem",
        verbose_name="申报",
    )
    stage = models.CharField("状态", max_length=12, default="raised", db_index=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="乡镇（园区）",
    )
    visit = models.ForeignKey(
        DeskVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="来源走访",
    )
    category = models.CharField("问题类别", max_length=10, choices=Category.choices)
    description = models.TextField("问题描述")
    raised_on = models.DateField("提出日期")
    raised_by = _user("提出人（记录人）")
    department = models.CharField("责任部门", max_length=60, blank=True)
    assignee = _user("责任人", "desk_problems")
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    due_on = models.DateField("办结期限", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    escalated_to = _user("升级至", "desk_problem_escalations")
    escalated_as = models.CharField(
        "升级对象", max_length=10, choices=ESCALATION_CHOICES, blank=True
    )
    closed_on = models.DateField("企业确认解决日期", null=True, blank=True)
    confirmed_by = _user("确认人")
    reopen_count = models.PositiveSmallIntegerField("退回次数", default=0)
    objection = models.CharField("企业意见", max_length=300, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "企业难题"
        verbose_name_plural = "企业难题"
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["closed_on"])]

    def __str__(self) -> str:
        return f"{self.target_name} {self.get_category_display()}：{self.short}"

    @property
    def enterprise(self) -> Any:
        return self.application.enterprise if self.application is not None else None

    @property
    def is_area(self) -> bool:
        """Raised on a visit to a town or park (no firm)."""
        return self.application_id is None

    @property
    def target_name(self) -> str:
        if self.application is not None:
            return str(self.application.enterprise.name)
        return self.region.name if self.region is not None else "—"

    @property
    def stage_label(self) -> str:
        from kechuang.desk.workflow import PROBLEM_WORKFLOW

        return PROBLEM_WORKFLOW.label_of(self.stage)

    @property
    def short(self) -> str:
        text = self.description.replace("\n", " ")
        return text if len(text) <= 30 else text[:30] + "…"

    def overdue_on(self, day: dt.date) -> bool:
        from kechuang.desk.workflow import PROBLEM_OPEN

        return self.stage in PROBLEM_OPEN and self.due_on is not None and self.due_on < day


class Notice(models.Model):
    """A notification to a user (assignment, deadline, escalation, 交办): read on the desk
    pages, and sent by e-mail in one daily digest when e-mail is configured."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "分派"
        DUE = "due", "即将到期"
        OVERDUE = "overdue", "逾期"
        ESCALATED = "escalated", "升级督办"
        PROBLEM = "problem", "交办"
        CONFIRM = "confirm", "待确认"

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="desk_notices", verbose_name="接收人"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    key = models.CharField("去重键", max_length=60, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="uniq_desk_notice_key"
            )
        ]

    def __str__(self) -> str:
        return self.text

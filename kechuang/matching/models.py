"""产学研对接 (C8): the supply side (universities and institutes, experts, achievements
for transfer), the demand side (enterprises' technology demands), introductions (the
programme frame's applications, programme `iur_intro`), cooperation agreements followed
past signing, alliances, and the search index over all of them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from kechuang.accounts.scoping import ScopedQuerySet
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES
from kechuang.programmes.models import Application


def _money(label: str, *, null: bool = False) -> Any:
    return models.DecimalField(label, max_digits=16, decimal_places=2, null=null, blank=null)


class Institution(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", "高校"
        INSTITUTE = "institute", "科研院所"
        PLATFORM = "platform", "新型研发机构"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    city = models.CharField("所在地", max_length=40, blank=True)
    strengths = models.TextField("优势学科", blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)

    class Meta:
        verbose_name = "高校院所"
        verbose_name_plural = "高校院所"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    name = models.CharField("姓名", max_length=40)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="experts", verbose_name="单位"
    )
    title = models.CharField("职称", max_length=40, blank=True)
    domain = models.CharField(
        "技术领域", max_length=8, choices=TECH_DOMAIN_CHOICES, blank=True, db_index=True
    )
    fields = models.CharField("研究方向", max_length=300)
    achievements = models.TextField("主要成果", blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "institution"], name="matching_expert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.institution}）"


class Achievement(models.Model):
    title = models.CharField("成果名称", max_length=120)
    description = models.TextField("成果简介")
    domain = models.CharField(
        "技术领域", max_length=8, choices=TECH_DOMAIN_CHOICES, blank=True, db_index=True
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="achievements", verbose_name="持有单位"
    )
    expert = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name="成果负责人",
    )
    patents = models.CharField("相关专利", max_length=300, blank=True)
    terms = models.CharField("转化方式", max_length=200, blank=True)
    asking_yuan = _money("转让意向价（元）", null=True)

    class Meta:
        verbose_name = "待转化成果"
        verbose_name_plural = "待转化成果"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Demand(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "征集中"
        MATCHING = "matching", "对接中"
        SOLVED = "solved", "已解决"
        CLOSED = "closed", "已关闭"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="iur_demands",
        verbose_name="企业",
    )
    title = models.CharField("需求名称", max_length=120)
    description = models.TextField("需求描述")
    domain = models.CharField(
        "技术领域", max_length=8, choices=TECH_DOMAIN_CHOICES, blank=True, db_index=True
    )
    budget_yuan = _money("预算（元）", null=True)
    deadline_on = models.DateField("期望解决日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    posted_on = models.DateField("发布日期")
    posted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Introduction(models.Model):
    """Who an introduction (an `iur_intro` application: stage, events, audit) puts in
    touch: an enterprise's demand and an expert."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="iur_introduction"
    )
    demand = models.ForeignKey(
        Demand,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name="技术需求",
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="introductions", verbose_name="专家"
    )
    met_on = models.DateField("会面日期", null=True, blank=True)
    meeting_note = models.CharField("会面情况", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "application__enterprise__"

    class Meta:
        verbose_name = "对接引荐"
        verbose_name_plural = "对接引荐"

    def __str__(self) -> str:
        return f"{self.application.enterprise} ↔ {self.expert.name}"


class Agreement(models.Model):
    class Status(models.TextChoices):
        SIGNED = "signed", "已签订"
        EXECUTING = "executing", "执行中"
        COMPLETED = "completed", "已完成"
        NOT_EXECUTED = "not_executed", "未执行"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="iur_agreements",
        verbose_name="企业",
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="agreements", verbose_name="合作单位"
    )
    expert = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name="合作专家",
    )
    introduction = models.OneToOneField(
        Introduction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name="来自引荐",
    )
    title = models.CharField("协议名称", max_length=120)
    content = models.TextField("合作内容")
    amount_yuan = _money("合同金额（元）")
    signed_on = models.DateField("签订日期", db_index=True)
    status = models.CharField(
        "执行状态", max_length=14, choices=Status.choices, default=Status.SIGNED
    )
    not_executed_reason = models.CharField("未执行原因", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "科技合作协议"
        verbose_name_plural = "科技合作协议"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gte=0), name="matching_agreement_amount_nonneg"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Progress(models.Model):
    """What happened to an agreement after signing."""

    class Kind(models.TextChoices):
        STARTED = "started", "项目启动"
        PAYMENT = "payment", "付款"
        RESULT = "result", "取得成果"
        COMPLETED = "completed", "验收完成"
        NOTE = "note", "其他进展"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="progress", verbose_name="协议"
    )
    kind = models.CharField("进展类型", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    amount_yuan = _money("付款金额（元）", null=True)
    note = models.CharField("说明", max_length=300, blank=True)
    by_name = models.CharField("记录人", max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "agreement__enterprise__"

    class Meta:
        verbose_name = "协议执行进展"
        verbose_name_plural = "协议执行进展"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.get_kind_display()} {self.on}"


class Alliance(models.Model):
    name = models.CharField("联盟名称", max_length=120, unique=True)
    lead = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="iur_alliances",
        verbose_name="牵头企业",
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="alliances", verbose_name="共建高校院所"
    )
    domain = models.CharField("技术领域", max_length=8, choices=TECH_DOMAIN_CHOICES, blank=True)
    founded_on = models.DateField("成立日期", db_index=True)
    purpose = models.CharField("合作方向", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "lead__"

    class Meta:
        verbose_name = "校企联盟"
        verbose_name_plural = "校企联盟"
        ordering = ["-founded_on", "name"]

    def __str__(self) -> str:
        return self.name


class AllianceMember(models.Model):
    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="members", verbose_name="联盟"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="成员企业",
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="成员院所",
    )
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = "联盟成员"
        verbose_name_plural = "联盟成员"
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, institution__isnull=True)
                | Q(enterprise__isnull=True, institution__isnull=False),
                name="matching_member_one_party",
            )
        ]

    def __str__(self) -> str:
        return str(self.enterprise or self.institution)


class AllianceActivity(models.Model):
    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="activities", verbose_name="联盟"
    )
    on = models.DateField("日期")
    title = models.CharField("活动", max_length=120)
    note = models.CharField("成效", max_length=300, blank=True)

    class Meta:
        verbose_name = "联盟活动"
        verbose_name_plural = "联盟活动"
        ordering = ["-on", "id"]

    def __str__(self) -> str:
        return self.title


class SearchEntry(models.Model):
    """One document of the search box: an expert, an achievement, an institution, a
    demand, or a record another app offers (`SEARCH` contributions). `terms` is the
    segmented text the database's full-text index reads (FTS5 on SQLite, a GIN index on
    `to_tsvector('simple', terms)` on PostgreSQL: migration 0002)."""

    kind = models.CharField("类型", max_length=20)
    ref = models.PositiveBigIntegerField("记录")
    title = models.CharField("标题", max_length=200)
    summary = models.CharField("摘要", max_length=300, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    domain = models.CharField("技术领域", max_length=8, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属企业",
    )
    terms = models.TextField("分词")

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="matching_search_entry_ref")
        ]

    def __str__(self) -> str:
        return self.title


class TermStat(models.Model):
    """How many search entries of each kind hold each term (document frequency), kept
    by the index's writers: the search asks for the rarer words that entries of the kinds
    sought hold, and leaves out those most of them hold. The row with the empty term
    counts the entries of the kind."""

    kind = models.CharField("类型", max_length=20)
    term = models.CharField("词", max_length=100)
    df = models.PositiveIntegerField("条目数", default=0)

    class Meta:
        verbose_name = "检索词频"
        verbose_name_plural = "检索词频"
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="matching_termstat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.df}"

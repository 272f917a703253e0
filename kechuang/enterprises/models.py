from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import ScopedQuerySet
from kechuang.core import periods
from kechuang.core.errors import PermissionDenied
from kechuang.enterprises.facts import Source
from kechuang.rules import ip_classes, tech_domains

TECH_DOMAIN_CHOICES = [(code, tech_domains.label(code)) for code in tech_domains.DOMAINS]
IP_KIND_CHOICES = [(key, name) for key, (name, _cls) in ip_classes.KINDS.items()]


_ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class AliveEnterprises(_ScopedManager["Enterprise"]):
    """The default manager: enterprises that have not been deleted. Every list, search,
    indicator and export starts here (or, for related rows, from `visible_to`, whose
    scope filter also leaves deleted enterprises out); `Enterprise.deleted_objects` is
    the one way to the deleted."""

    def get_queryset(self) -> ScopedQuerySet[Enterprise]:
        queryset = cast("ScopedQuerySet[Enterprise]", super().get_queryset())
        return queryset.filter(deleted_at__isnull=True)


class DeletedEnterprises(models.Manager["Enterprise"]):
    """Deleted enterprises only (the 已删除企业 page, restore and purge)."""

    def get_queryset(self) -> models.QuerySet[Enterprise]:
        return super().get_queryset().filter(deleted_at__isnull=False)


class Enterprise(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "存续"
        MOVED = "moved", "迁出"
        CLOSED = "closed", "注销"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=120, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=120, blank=True, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name="所属镇街/园区"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    industry_code = models.CharField(
        "行业代码",
        max_length=5,
        blank=True,
        help_text="国民经济行业分类（GB/T 4754-2017），如 C2614",
    )
    registered_on = models.DateField("成立日期", null=True, blank=True)
    tech_domain = models.CharField(
        "技术领域",
        max_length=5,
        blank=True,
        choices=TECH_DOMAIN_CHOICES,
        help_text="《国家重点支持的高新技术领域》代码",
    )
    is_above_scale = models.BooleanField("规上工业企业", default=False)
    is_listed = models.BooleanField("上市企业", default=False)
    status = models.CharField(
        "经营状态", max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    needs_review = models.BooleanField("待人工核实", default=False)
    review_reason = models.CharField("核实原因", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Soft delete: a deleted enterprise keeps its records and files (restorable by
    # bureau staff) until its files are purged, with a reason.
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="删除人",
        editable=False,
        db_index=False,
    )
    deleted_reason = models.CharField(
        "删除原因", max_length=200, blank=True, default="", db_default="", editable=False
    )
    purged_at = models.DateTimeField("文件清除时间", null=True, blank=True, editable=False)
    purged_reason = models.CharField(
        "文件清除原因", max_length=200, blank=True, default="", db_default="", editable=False
    )

    enterprise_path = ""
    deleted_objects = DeletedEnterprises()
    all_objects = models.Manager()
    objects = AliveEnterprises()  # the default (Meta.default_manager_name)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name


class FormerName(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField("曾用名", max_length=120)
    until_on = models.DateField("使用至", null=True, blank=True)

    class Meta:
        verbose_name = "曾用名"
        verbose_name_plural = "曾用名"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="uniq_former_name")
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    """Binds an enterprise user to the one enterprise whose record they keep."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = "企业用户绑定"
        verbose_name_plural = "企业用户绑定"

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class HelperAssignment(models.Model):
    """An enterprise assigned to a service helper, tech commissioner or expert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="helper_assignments"
    )
    since_on = models.DateField("起始日期", default=periods.today)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "帮办分配"
        verbose_name_plural = "帮办分配"
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="uniq_helper_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


def _money(label: str, *, negative: bool = False) -> models.DecimalField[Any, Any]:
    validators = [] if negative else [MinValueValidator(0)]
    return models.DecimalField(
        label, max_digits=18, decimal_places=2, null=True, blank=True, validators=validators
    )


def _count(label: str) -> models.PositiveIntegerField[Any, Any]:
    return models.PositiveIntegerField(label, null=True, blank=True)


class YearlyFacts(models.Model):
    """One enterprise's facts for one fiscal year. Blank = unknown, never zero.

    The current values live here for fast queries; every recorded change, with its
    source and date, is a FactRevision.
    """

    # No index of its own: the unique (enterprise, fiscal_year) index starts with it.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="facts", db_index=False
    )
    fiscal_year = models.PositiveSmallIntegerField("会计年度")
    employees = _count("职工总数")
    tech_staff = _count("科技人员数")
    revenue_yuan = _money("销售收入（元）")
    rd_expense_yuan = _money("研发费用（元）")
    rd_domestic_yuan = _money("境内研发费用（元）")
    net_assets_yuan = _money("净资产（元）", negative=True)
    total_assets_yuan = _money("资产总额（元）")
    total_income_yuan = _money("收入总额（元）")
    non_taxable_income_yuan = _money("不征税收入（元）")
    hightech_income_yuan = _money("高新技术产品收入（元）")
    total_cost_yuan = _money("成本费用支出总额（元）")
    output_value_yuan = _money("工业总产值（元）")
    hightech_output_yuan = _money("高新技术产业产值（元）")
    conversions = _count("科技成果转化数")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度数据"
        verbose_name_plural = "年度数据"
        ordering = ["enterprise_id", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "fiscal_year"], name="uniq_facts_year"),
            models.CheckConstraint(
                condition=Q(tech_staff__isnull=True)
                | Q(employees__isnull=True)
                | Q(tech_staff__lte=models.F("employees")),
                name="tech_staff_within_employees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.fiscal_year}年度"

    @staticmethod
    def audit_value(key: str, value: object, row: dict[str, Any]) -> str | None:
        """The operation log shows a revision's source by its label (统计, 税务…)."""
        if key == "source" and isinstance(value, str):
            return dict(Source.CHOICES).get(value, value)
        return None


REVISION_KEPT = "年度数据修订记录是数据的历史，不能删除。"


class FactRevisionQuerySet(ScopedQuerySet["FactRevision"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(REVISION_KEPT)

    delete.queryset_only = True  # type: ignore[attr-defined]


class FactRevision(models.Model):
    """One act of recording yearly facts: which values changed, from what to what,
    on whose word (source) and when. The history of every value."""

    facts = models.ForeignKey(YearlyFacts, on_delete=models.CASCADE, related_name="revisions")
    source = models.CharField("数据来源", max_length=20, choices=Source.CHOICES)
    recorded_on = models.DateField("记录日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
        db_index=False,  # never looked up by recorder; saves index upkeep on imports
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    # {field: [before, after]} as strings (None = blank)
    changes = models.JSONField("变更内容")
    note = models.CharField("说明", max_length=200, blank=True)

    enterprise_path = "facts__enterprise__"
    objects = FactRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "年度数据修订"
        verbose_name_plural = "年度数据修订"
        ordering = ["facts_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.facts} {self.get_source_display()} {self.recorded_on}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(REVISION_KEPT)


@receiver(pre_delete, sender=FactRevision)
def _revisions_are_never_deleted(sender: Any, instance: FactRevision, **kwargs: Any) -> None:
    # Every deletion path (admin, API, shell, a cascade from its facts or enterprise)
    # sends this signal inside the deleting transaction, which the error rolls back.
    raise PermissionDenied(REVISION_KEPT)


class IPItem(models.Model):
    class Acquisition(models.TextChoices):
        SELF = "self", "自主研发"
        TRANSFER = "transfer", "受让"
        GIFT = "gift", "受赠"
        MERGER = "merger", "并购"
        LICENSE = "license", "独占许可"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="ip_items")
    kind = models.CharField("类型", max_length=30, choices=IP_KIND_CHOICES)
    ip_class = models.CharField("类别", max_length=2, editable=False)
    number = models.CharField("授权号/登记号", max_length=40)
    title = models.CharField("名称", max_length=200)
    granted_on = models.DateField("授权日期")
    acquisition = models.CharField(
        "获得方式", max_length=10, choices=Acquisition.choices, default=Acquisition.SELF
    )
    is_valid = models.BooleanField("有效", default=True)

    enterprise_path = "enterprise__"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "知识产权"
        verbose_name_plural = "知识产权"
        ordering = ["-granted_on", "number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="uniq_ip_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.ip_class = ip_classes.ip_class(self.kind)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def ip_class_label(self) -> str:
        return "Ⅰ类" if self.ip_class == ip_classes.CLASS_1 else "Ⅱ类"


class CertificateQuerySet(ScopedQuerySet["Certificate"]):
    def valid_on(self, day: dt.date) -> CertificateQuerySet:
        """Certificates in force on `day`: a query over dated intervals, never a flag."""
        return (
            self.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        )


class Certificate(models.Model):
    class Kind(models.TextChoices):
        HNTE = "hnte", "高新技术企业"
        TECH_SME = "tech_sme", "科技型中小企业"
        PROVINCIAL_POOL = "provincial_pool", "省高企培育库入库"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    number = models.CharField("证书编号/入库编号", max_length=40)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True)
    batch = models.CharField("批次", max_length=40, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    enterprise_path = "enterprise__"
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "资质证书"
        verbose_name_plural = "资质证书"
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="uniq_certificate_number"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="certificate_interval_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "issued_on"]),
            models.Index(fields=["kind", "valid_from", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day: dt.date) -> bool:
        if day < self.valid_from or (self.valid_until and day > self.valid_until):
            return False
        return not (self.revoked_on and self.revoked_on <= day)


# -- assessments of the registry by the rules (C2), shared by every capability -----------


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
        db_table = "assessments_assessmentrun"  # kept from its first home, the assessments app
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
        Enterprise, on_delete=models.CASCADE, related_name="assessment_snapshots"
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
        db_table = "assessments_assessmentsnapshot"
        verbose_name = "评价快照"
        verbose_name_plural = "评价快照"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["enterprise", "ruleset", "-created_at"],
                name="assessments_enterpr_45c233_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.ruleset} {self.as_of} {self.verdict}"

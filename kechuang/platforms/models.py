"""Innovation platforms (C7) and projects, talent and tech commissioners (C9).

What the programme frame already has is not kept here: science-plan projects are
applications (`kechuang.programmes.models.Application`, programme `science_plan`, the
proxy `PlanProject`), their funding awards. What only this capability has:

- R&D institutions (研发机构) of an enterprise or a carrier, with yearly reviews;
- carriers (研发载体): research institutes and incubators, their incubated projects;
- talent (人才) of an enterprise or a carrier, by programme and year;
- tech commissioners (科技特派员), the enterprises they serve, their service records,
  the yearly 核实再登记 campaign and its one entry per commissioner.

Rows that belong to an enterprise are scoped by it; rows of a carrier or a commissioner
by their region (`PlatformQuerySet`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import (
    NOTHING,
    ScopedQuerySet,
    alive_q,
    enterprise_scope_q,
    region_subtree_q,
    role_of,
    sees_everything,
)
from kechuang.programmes.models import Application, ApplicationQuerySet

PLAN_PROGRAMME = "science_plan"  # the workflow's key (workflow.PROGRAMME)
LEVELS = [("national", "国家级"), ("provincial", "省级"), ("city", "市级"), ("county", "县级")]
LEVEL_RANK = {"national": 4, "provincial": 3, "city": 2, "county": 1}

_M = TypeVar("_M", bound=models.Model)


def region_q(actor: Any, path: str) -> Q:
    """Rows whose region (at `path`, e.g. "region__") lies in what bureau staff or an
    officer answer for; nothing for enterprise users and helpers."""
    role = role_of(actor)
    if role not in ("staff", "officer"):
        return NOTHING
    if sees_everything(actor):
        return Q()
    if actor.region_id is None:
        return NOTHING
    return Q(**{f"{path}path__startswith": actor.region.path})


class PlatformQuerySet(ScopedQuerySet[_M]):
    """Rows that belong to an enterprise (at `enterprise_path`) or, without one, to a
    region (at `region_path`): an enterprise's rows are seen as its record is; the
    others by the staff and officers of the region."""

    def _paths(self) -> tuple[str | None, str]:
        ep = getattr(self.model, "enterprise_path", None)
        return ep, str(self.model.region_path)  # type: ignore[attr-defined]

    def visible_to(self, actor: Any) -> Self:
        ep, rp = self._paths()
        area = region_q(actor, rp)
        if ep is None:
            return self.filter(area)
        own = Q(**{f"{ep}isnull": False}) & enterprise_scope_q(actor, ep)
        qs = self.filter(own | (Q(**{f"{ep}isnull": True}) & area))
        return qs.distinct() if role_of(actor) == "helper" else qs

    def in_region(self, region: Region | None) -> Self:
        if region is None:
            return self
        ep, rp = self._paths()
        area = Q(**{f"{rp}path__startswith": region.path})
        if ep is None:
            return self.filter(area)
        own = Q(**{f"{ep}isnull": False}) & region_subtree_q(region, ep) & alive_q(ep)
        return self.filter(own | (Q(**{f"{ep}isnull": True}) & area))


class Carrier(models.Model):
    """A research institute or incubator (研究院、新型研发机构、孵化器、众创空间)."""

    class Kind(models.TextChoices):
        INSTITUTE = "institute", "产业研究院"
        NEW_RD = "new_rd", "新型研发机构"
        JOINT = "joint", "校企联合研究院"
        INCUBATOR = "incubator", "科技企业孵化器"
        MAKERSPACE = "makerspace", "众创空间"

    INCUBATING = ("incubator", "makerspace")

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    level = models.CharField("级别", max_length=12, choices=LEVELS)
    operator = models.CharField("运营主体", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="所在区域"
    )
    recognised_on = models.DateField("认定日期")
    note = models.CharField("备注", max_length=200, blank=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="认定申报",
    )

    objects = PlatformQuerySet.as_manager()
    enterprise_path = None  # scoped by region
    region_path = "region__"

    class Meta:
        verbose_name = "研发载体"
        verbose_name_plural = "研发载体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RdInstitution(models.Model):
    """An R&D institution (企业研发机构) recognised at a level, hosted by an enterprise
    (or by a carrier), with its yearly performance reviews."""

    class Kind(models.TextChoices):
        ACADEMICIAN = "academician", "院士工作站"
        ENGINEERING = "engineering", "工程技术研究中心"
        KEY_LAB = "key_lab", "重点实验室"
        TECH_CENTRE = "tech_centre", "企业技术中心"
        NEW_RD = "new_rd", "新型研发机构"
        POSTDOC = "postdoc", "博士后科研工作站"
        GRADUATE = "graduate", "研究生工作站"

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    level = models.CharField("级别", max_length=12, choices=LEVELS)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="依托企业",
    )
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="institutions",
        verbose_name="依托载体",
    )
    approved_on = models.DateField("获批日期")
    document = models.CharField("批准文号", max_length=80, blank=True)
    next_review_on = models.DateField("下次绩效考评", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="认定申报",
    )

    objects = PlatformQuerySet.as_manager()
    enterprise_path = "enterprise__"
    region_path = "carrier__region__"

    class Meta:
        verbose_name = "研发机构"
        verbose_name_plural = "研发机构"
        ordering = ["-approved_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, carrier__isnull=True)
                | Q(enterprise__isnull=True, carrier__isnull=False),
                name="platforms_institution_one_host",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def host_name(self) -> str:
        return str(self.enterprise or self.carrier or "")

    def held_on(self, day: dt.date) -> bool:
        return self.approved_on <= day and (self.revoked_on is None or self.revoked_on > day)


class Review(models.Model):
    """A yearly performance review (绩效考评) of an institution."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    institution = models.ForeignKey(RdInstitution, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("考评年度")
    grade = models.CharField("考评结果", max_length=10, choices=Grade.choices)
    reviewed_on = models.DateField("考评日期")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = PlatformQuerySet.as_manager()
    enterprise_path = "institution__enterprise__"
    region_path = "institution__carrier__region__"

    class Meta:
        verbose_name = "绩效考评"
        verbose_name_plural = "绩效考评"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="platforms_review_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}年度考评"


class IncubatedProject(models.Model):
    """A project incubated in a carrier (入孵项目)."""

    class Status(models.TextChoices):
        INCUBATING = "incubating", "在孵"
        GRADUATED = "graduated", "已毕业"
        LEFT = "left", "已退出"

    class Talent(models.TextChoices):
        OVERSEAS_PHD = "overseas_phd", "海外博士"
        HIGH_LEVEL = "high_level", "高层次人才"
        PHD = "phd", "博士"
        OTHER = "other", "其他"

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField("项目名称", max_length=120)
    field = models.CharField("领域", max_length=40)
    leader = models.CharField("负责人", max_length=40)
    talent_category = models.CharField("人才类别", max_length=14, choices=Talent.choices)
    entered_on = models.DateField("入驻日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default="incubating")
    graduated_on = models.DateField("毕业日期", null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="注册企业",
    )

    objects = PlatformQuerySet.as_manager()
    enterprise_path = None  # scoped by the carrier's region
    region_path = "carrier__region__"

    class Meta:
        verbose_name = "入孵项目"
        verbose_name_plural = "入孵项目"
        ordering = ["-entered_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "name"], name="platforms_project_name"),
            models.CheckConstraint(
                condition=Q(graduated_on__isnull=True)
                | Q(graduated_on__gte=models.F("entered_on")),
                name="platforms_graduated_after_entered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Talent(models.Model):
    """A person of a talent programme (人才计划), of an enterprise or a carrier."""

    class Programme(models.TextChoices):
        NATIONAL = "national", "国家级人才"
        PROVINCIAL = "provincial", "省双创人才"
        CITY = "city", "市级人才"
        COUNTY = "county", "县级人才"
        PHD = "phd", "博士及以上高层次人才"

    name = models.CharField("姓名", max_length=40)
    programme = models.CharField("人才计划", max_length=12, choices=Programme.choices)
    year = models.PositiveSmallIntegerField("入选（引进）年度")
    field = models.CharField("专业领域", max_length=40, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所在企业",
    )
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="talent",
        verbose_name="所在载体",
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="人才计划申报",
    )

    objects = PlatformQuerySet.as_manager()
    enterprise_path = "enterprise__"
    region_path = "carrier__region__"

    class Meta:
        verbose_name = "人才"
        verbose_name_plural = "人才"
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, carrier__isnull=True)
                | Q(enterprise__isnull=True, carrier__isnull=False),
                name="platforms_talent_one_employer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_programme_display()}）"

    @property
    def employer(self) -> str:
        return str(self.enterprise or self.carrier or "")


class Commissioner(models.Model):
    """A tech commissioner (科技特派员): a person of a university or institute who
    serves enterprises of an area."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", "推荐中"
        ACTIVE = "active", "在册"
        LAPSED = "lapsed", "已注销"
        DECLINED = "declined", "未通过"

    name = models.CharField("姓名", max_length=40)
    institution = models.CharField("派出单位", max_length=80)
    expertise = models.CharField("专业领域", max_length=80)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="服务区域"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐人",
    )
    registered_on = models.DateField("登记日期", null=True, blank=True)
    lapsed_on = models.DateField("注销日期", null=True, blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", related_name="+", blank=True, verbose_name="服务企业"
    )
    recommendation = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐申报",
    )

    objects = PlatformQuerySet.as_manager()
    enterprise_path = None  # scoped by region
    region_path = "region__"

    class Meta:
        verbose_name = "科技特派员"
        verbose_name_plural = "科技特派员"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "institution"], name="platforms_commissioner_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.institution}）"


class ServiceRecord(models.Model):
    """A commissioner's service to an enterprise (服务记录)."""

    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.CASCADE, related_name="services"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name="企业"
    )
    served_on = models.DateField("服务日期")
    summary = models.CharField("服务内容", max_length=300)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-served_on", "-id"]

    def __str__(self) -> str:
        return f"{self.commissioner.name} {self.served_on}"


class Campaign(models.Model):
    """A yearly 核实再登记 (verification and re-registration) of the commissioners on
    the roll: each confirms, or is marked lapsed; open until it is closed."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="组织单位所在区域"
    )
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "核实再登记"
        verbose_name_plural = "核实再登记"
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="platforms_campaign_year")
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年度科技特派员核实再登记"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CampaignEntry(models.Model):
    """One commissioner in a campaign: pending, confirmed (再登记) or lapsed."""

    class Status(models.TextChoices):
        PENDING = "pending", "待核实"
        CONFIRMED = "confirmed", "已再登记"
        LAPSED = "lapsed", "已注销"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.CASCADE, related_name="campaign_entries"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="pending")
    decided_on = models.DateField("核实日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = PlatformQuerySet.as_manager()
    enterprise_path = None
    region_path = "commissioner__region__"

    class Meta:
        verbose_name = "核实再登记名单"
        verbose_name_plural = "核实再登记名单"
        ordering = ["commissioner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "commissioner"], name="platforms_campaign_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year}年 {self.commissioner}"


_PlanManagerBase = models.Manager.from_queryset(ApplicationQuerySet)


class PlanProjectManager(_PlanManagerBase["PlanProject"]):
    def get_queryset(self) -> models.QuerySet[PlanProject]:
        return super().get_queryset().filter(programme=PLAN_PROGRAMME)


class PlanProject(Application):
    """A science-plan project (科技计划项目) is an application of the `science_plan`
    programme: level in `kind`, the plan's scheme in `data["scheme"]`."""

    objects: ClassVar[PlanProjectManager] = PlanProjectManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = "科技计划项目"
        verbose_name_plural = "科技计划项目"

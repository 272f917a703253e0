"""Innovation vouchers (科技创新券, C5): the yearly programme and its parameters, the
service providers, each voucher's money, and the append-only ledger.

A voucher's workflow (apply → issued → contract → service done → claimed → checked →
paid, or rejected / expired / cancelled) is the programme frame's: each voucher is an
`Application` of programme `voucher` and this app keeps, beside it, what only a voucher
has (provider, fee, approved and paid amounts, expiry).

Money is kept twice, on purpose: the ledger (`LedgerEntry`, never changed or deleted;
corrections are new entries) and the programme's running totals, updated in the same
transaction under the programme's row lock. The database refuses a state that breaks
the books: an entry that does not balance (so their sums always do: budget = available
+ committed + paid), a negative available or committed total, a voucher paid beyond
its approval, a voucher committed, paid or released twice. (The identity is checked
per entry, where each side is one amount and its opposite: SQLite computes with
floats, and a sum of three amounts there is not exact.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import ScopedQuerySet
from kechuang.programmes.models import Application, Attachment, Call

PROGRAMME = "voucher"

# Service categories a programme may admit (rules-local.md `vouchers`).
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("testing", "检验检测"),
    ("design", "研发设计"),
    ("novelty", "科技查新"),
    ("ip", "知识产权"),
    ("transfer", "技术转移"),
    ("instrument", "大型仪器共享"),
)
CATEGORY_LABELS = dict(CATEGORIES)
# Evidence a redemption may require.
EVIDENCE: tuple[tuple[str, str], ...] = (
    ("contract", "服务合同"),
    ("invoice", "服务发票"),
    ("report", "服务完成报告"),
)
EVIDENCE_LABELS = dict(EVIDENCE)


def wan_text(yuan: Decimal | None) -> str:
    """Yuan as pages and messages show money: in 万元, exact, at least two decimals
    (35000.01 → "3.500001万元", 50000 → "5.00万元")."""
    if yuan is None:
        return "—"
    text = f"{Decimal(yuan) / 10000:,.6f}".rstrip("0")
    head, _, tail = text.partition(".")
    return f"{head}.{tail.ljust(2, '0')}万元"


def _money(label: str, **kw: Any) -> Any:
    return models.DecimalField(label, max_digits=18, decimal_places=2, **kw)


def _user(label: str) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class VoucherProgramme(models.Model):
    """A county's voucher programme of one year (创新券年度实施方案): its parameters,
    set by the bureau, and its running totals (kept equal to the ledger's sums)."""

    call = models.OneToOneField(
        Call, on_delete=models.PROTECT, related_name="voucher_programme", verbose_name="申报批次"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="发券地区"
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("方案名称", max_length=80)
    document = models.CharField("文件依据", max_length=120, blank=True)
    subsidy_ratio = models.DecimalField("补贴比例（占服务费）", max_digits=5, decimal_places=4)
    cap_yuan = _money("每家企业年度上限（元）")
    validity_days = models.PositiveSmallIntegerField("有效期（天）")
    categories = models.JSONField("服务类别", default=list)
    evidence = models.JSONField("兑付材料", default=list)
    eligibility = models.JSONField("申请条件", default=dict, blank=True)
    budget_yuan = _money("预算总额（元）", default=Decimal(0))
    available_yuan = _money("可用额度（元）", default=Decimal(0))
    committed_yuan = _money("已发券未兑付（元）", default=Decimal(0))
    paid_yuan = _money("已兑付（元）", default=Decimal(0))
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "创新券年度方案"
        verbose_name_plural = "创新券年度方案"
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="voucher_programme_year"),
            models.CheckConstraint(
                condition=Q(available_yuan__gte=0), name="voucher_programme_available_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(committed_yuan__gte=0), name="voucher_programme_committed_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(paid_yuan__gte=0), name="voucher_programme_paid_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(subsidy_ratio__gt=0) & Q(subsidy_ratio__lte=1),
                name="voucher_programme_ratio",
            ),
            models.CheckConstraint(condition=Q(cap_yuan__gt=0), name="voucher_programme_cap"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_labels(self) -> str:
        return "、".join(CATEGORY_LABELS.get(c, c) for c in self.categories)

    @property
    def evidence_labels(self) -> str:
        return "、".join(EVIDENCE_LABELS.get(c, c) for c in self.evidence)

    @property
    def ratio_percent(self) -> str:
        return format((self.subsidy_ratio * 100).normalize(), "f")


class Provider(models.Model):
    """A service provider (服务机构/创新载体) vouchers may be spent with."""

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "暂停"

    name = models.CharField("机构名称", max_length=120, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    categories = models.JSONField("服务类别", default=list)
    # the county whose bureau registered it: its bureau reads the qualification files
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记地区",
    )
    qualification_until = models.DateField("资质有效期至", null=True, blank=True)
    contact = models.CharField("联系人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField("暂停原因", max_length=200, blank=True)
    status_on = models.DateField("状态日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务机构"
        verbose_name_plural = "服务机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_labels(self) -> str:
        return "、".join(CATEGORY_LABELS.get(c, c) for c in self.categories)


class ProviderDocument(models.Model):
    """A qualification document (资质文件) of a provider: a file under the private media
    root, read only through the scoped view (the bureau of the provider's county, the
    provider's own users). A record without a file is a note carried over from the
    time qualifications were typed as text."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="documents", verbose_name="服务机构"
    )
    title = models.CharField("名称", max_length=120)
    file = models.FileField("文件", upload_to="vouchers/providers/%Y/", max_length=200, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    uploaded_by = _user("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务机构资质文件"
        verbose_name_plural = "服务机构资质文件"
        ordering = ["provider", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.title}"

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class ProviderMember(models.Model):
    """A user who acts for a provider: sees the vouchers spent with it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="voucher_provider",
        verbose_name="用户",
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="members", verbose_name="服务机构"
    )
    # The password hash the bureau set: while the user's hash is still this one, the
    # provider's pages send them to change it first (the accounts app has no such flag).
    initial_password = models.CharField("初始密码摘要", max_length=128, blank=True)
    created_by = _user("开通人")
    created_at = models.DateTimeField("开通时间", auto_now_add=True, null=True)

    class Meta:
        verbose_name = "服务机构用户"
        verbose_name_plural = "服务机构用户"

    def __str__(self) -> str:
        return f"{self.provider} {self.user}"

    @property
    def must_change_password(self) -> bool:
        return bool(self.initial_password) and self.user.password == self.initial_password


class Voucher(models.Model):
    """What a voucher has beyond its application: the service, the provider, the
    estimated and invoiced fee, the amount approved and paid, the expiry."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="voucher", verbose_name="申报"
    )
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="vouchers", verbose_name="方案"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="企业",
    )
    code = models.CharField("券号", max_length=24, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="vouchers", verbose_name="服务机构"
    )
    category = models.CharField("服务类别", max_length=20)
    service = models.CharField("服务内容", max_length=200)
    fee_yuan = _money("预计服务费（元）")
    approved_yuan = _money("核定金额（元）", null=True, blank=True)
    issued_on = models.DateField("发券日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    invoice_yuan = _money("发票金额（元）", null=True, blank=True)
    claimed_yuan = _money("申请兑付（元）", null=True, blank=True)
    paid_yuan = _money("已兑付（元）", default=Decimal(0))
    paid_on = models.DateField("兑付日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "创新券"
        verbose_name_plural = "创新券"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_yuan__gt=0), name="voucher_fee_positive"),
            models.CheckConstraint(
                condition=Q(approved_yuan__isnull=True)
                | (Q(approved_yuan__gt=0) & Q(approved_yuan__lte=F("fee_yuan"))),
                name="voucher_approved_within_fee",
            ),
            models.CheckConstraint(
                condition=Q(paid_yuan=0) | Q(paid_yuan__lte=F("approved_yuan")),
                name="voucher_paid_within_approved",
            ),
            models.CheckConstraint(condition=Q(paid_yuan__gte=0), name="voucher_paid_nonneg"),
        ]
        indexes = [models.Index(fields=["programme", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.code} {self.enterprise}"

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def stage(self) -> str:
        return self.application.stage

    @property
    def stage_label(self) -> str:
        return self.application.stage_label


class VoucherDocument(models.Model):
    """A piece of redemption evidence: which kind an attachment of the voucher is."""

    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="documents", verbose_name="创新券"
    )
    kind = models.CharField("材料类别", max_length=10, choices=EVIDENCE)
    attachment = models.OneToOneField(
        Attachment, on_delete=models.CASCADE, related_name="+", verbose_name="附件"
    )

    class Meta:
        verbose_name = "兑付材料"
        verbose_name_plural = "兑付材料"
        ordering = ["voucher", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.voucher} {self.get_kind_display()}"


class LedgerQuerySet(ScopedQuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("创新券台账只能追加，不能修改；更正请记一笔更正分录")

    def delete(self) -> Any:
        raise TypeError("创新券台账只能追加，不能删除；更正请记一笔更正分录")


class LedgerEntry(models.Model):
    """One movement of money between a programme's buckets. Each entry moves
    `d_budget = d_available + d_committed + d_paid` (checked by the database), so the
    books balance after every entry: budget = available + committed + paid."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "下达预算"
        COMMIT = "commit", "发券（占用额度）"
        RELEASE = "release", "释放额度"
        PAY = "pay", "兑付"
        CORRECTION = "correction", "更正"

    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="entries", verbose_name="方案"
    )
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name="创新券",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业",
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    on = models.DateField("日期")
    d_budget = _money("预算变动（元）", default=Decimal(0))
    d_available = _money("可用变动（元）", default=Decimal(0))
    d_committed = _money("占用变动（元）", default=Decimal(0))
    d_paid = _money("兑付变动（元）", default=Decimal(0))
    note = models.CharField("说明", max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更正分录",
    )
    created_by = _user("记账人")
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    objects = LedgerQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "创新券台账分录"
        verbose_name_plural = "创新券台账分录"
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(d_budget=F("d_available") + F("d_committed") + F("d_paid")),
                name="voucher_entry_balances",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["budget", "correction"]) | Q(d_budget=0),
                name="voucher_entry_budget_only_by_budget",
            ),
            # A voucher is committed once, paid once and released once: a second
            # payment of the same voucher is refused by the database.
            models.UniqueConstraint(
                fields=["voucher", "kind"],
                condition=Q(kind__in=["commit", "release", "pay"]),
                name="voucher_entry_once",
            ),
        ]
        indexes = [models.Index(fields=["programme", "kind"]), models.Index(fields=["on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("创新券台账只能追加，不能修改；更正请记一笔更正分录")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("创新券台账只能追加，不能删除；更正请记一笔更正分录")

    @property
    def amount_yuan(self) -> Decimal:
        """The entry's size, as the ledger lists it."""
        sizes: dict[str, Decimal] = {
            "budget": self.d_budget,
            "commit": self.d_committed,
            "release": self.d_available,
            "pay": self.d_paid,
        }
        found: Decimal = sizes.get(self.kind, self.d_paid or self.d_committed or self.d_available)
        return found

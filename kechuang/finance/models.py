"""Policy funds, tax relief and sci-tech loans (C6): money that reached enterprises,
one row per payment, per relief and per loan, each with its document or source.

- `FundPayment`: a payment of a policy fund (高企培育资金, 入库奖励, 先导区奖补, project
  funds …) to one enterprise: which fund, for which year (所属年度), how much, when
  paid and under which document (文号);
- `TaxRelief`: income-tax relief of one enterprise and year, as the tax office's sheet
  gives it (imported);
- `Loan`: a loan (苏科贷 and others): bank, amount, dates, rate, guarantee, status and
  what has been repaid."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q

from kechuang.accounts.scoping import ScopedQuerySet


def _money(label: str, **kw: Any) -> Any:
    return models.DecimalField(label, max_digits=18, decimal_places=2, **kw)


def _firm() -> Any:
    return models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name="企业"
    )


class FundPayment(models.Model):
    class Kind(models.TextChoices):
        HNTE_CULTIVATION = "hnte_cultivation", "高企培育资金"
        POOL_REWARD = "pool_reward", "入库奖励"
        PILOT_ZONE = "pilot_zone", "创新发展先导区奖补"
        PROJECT = "project", "科技项目经费"
        OTHER = "other", "其他奖补"

    enterprise = _firm()
    kind = models.CharField("资金类别", max_length=20, choices=Kind.choices)
    programme = models.CharField("资金名称", max_length=120)
    fiscal_year = models.PositiveSmallIntegerField("所属年度")
    amount_yuan = _money("金额（元）")
    paid_on = models.DateField("拨付日期")
    document = models.CharField("文件文号", max_length=80)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "政策资金拨付"
        verbose_name_plural = "政策资金拨付"
        ordering = ["-paid_on", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "fiscal_year", "document"], name="finance_fund_once"
            ),
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="finance_fund_positive"),
        ]
        indexes = [
            models.Index(fields=["kind", "paid_on"]),
            models.Index(fields=["kind", "fiscal_year"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.fiscal_year}"


class TaxRelief(models.Model):
    class Kind(models.TextChoices):
        HNTE_RATE = "hnte_rate", "高新技术企业15%优惠税率"
        RD_DEDUCTION = "rd_deduction", "研发费用加计扣除"
        OTHER = "other", "其他科技税收优惠"

    enterprise = _firm()
    year = models.PositiveSmallIntegerField("所属年度")
    kind = models.CharField("减免类别", max_length=20, choices=Kind.choices)
    amount_yuan = _money("减免税额（元）")
    source = models.CharField("来源", max_length=80, default="税务局提供")

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "所得税减免"
        verbose_name_plural = "所得税减免"
        ordering = ["-year", "enterprise__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "kind"], name="finance_relief_once"
            ),
            models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="finance_relief_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.get_kind_display()}"


class Loan(models.Model):
    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", "在贷"
        REPAID = "repaid", "已结清"
        OVERDUE = "overdue", "逾期"

    SU_KE_DAI = "苏科贷"

    enterprise = _firm()
    product = models.CharField("贷款产品", max_length=30, default=SU_KE_DAI)
    bank = models.CharField("贷款银行", max_length=60)
    contract_no = models.CharField("借款合同编号", max_length=60)
    amount_yuan = _money("贷款金额（元）")
    granted_on = models.DateField("放款日期")
    due_on = models.DateField("到期日期")
    rate_percent = models.DecimalField("年利率（%）", max_digits=6, decimal_places=3)
    guarantee = models.CharField("担保方式", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.OUTSTANDING
    )
    repaid_yuan = _money("已还本金（元）", default=0)
    repaid_on = models.DateField("结清日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "科技贷款"
        verbose_name_plural = "科技贷款"
        ordering = ["-granted_on", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "contract_no"], name="finance_loan_contract"),
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="finance_loan_positive"),
            models.CheckConstraint(
                condition=Q(repaid_yuan__gte=0) & Q(repaid_yuan__lte=F("amount_yuan")),
                name="finance_loan_repaid_within",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("granted_on")), name="finance_loan_dates"
            ),
        ]
        indexes = [models.Index(fields=["product", "granted_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.product} {self.contract_no}"


class LoanRepayment(models.Model):
    """A repayment of principal on a loan, entered on the loan's page: the loan's
    `repaid_yuan` is kept equal to their sum (and to the sheet's figure when imported)."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="repayments", verbose_name="贷款"
    )
    on = models.DateField("还款日期")
    amount_yuan = _money("还款金额（元）")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "贷款还款"
        verbose_name_plural = "贷款还款"
        ordering = ["loan", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gt=0), name="finance_repayment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.on}"

"""The example capability's own records: R&D expenses a firm files for the super
deduction (研发费用加计扣除), one row per firm and year. Its filings are applications
of the programme frame (no model of their own)."""

from django.db import models

from kechuang.accounts.scoping import ScopedQuerySet


class Expense(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name="企业"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount_yuan = models.DecimalField("加计扣除研发费用（元）", max_digits=18, decimal_places=2)

    objects = ScopedQuerySet.as_manager()
    enterprise_path = "enterprise__"

    class Meta:
        verbose_name = "加计扣除研发费用"
        verbose_name_plural = "加计扣除研发费用"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="example_expense_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

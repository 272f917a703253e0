"""The yearly facts kept per enterprise and fiscal year: one list, read by the model
admin, forms, imports, exports and the enterprise page. Keys follow
../shared/spec/assess.md; money is stored in yuan (`_yuan`) and shown in 万元."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactField:
    name: str  # model field
    key: str  # sheet / API key (assess.md's stem)
    label: str  # Chinese header without unit
    kind: str  # "count" or "money"
    help: str = ""
    may_be_negative: bool = False

    @property
    def unit(self) -> str:
        return (
            "万元"
            if self.kind == "money"
            else "人"
            if self.name in ("employees", "tech_staff")
            else "项"
        )

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）"


FACT_FIELDS: tuple[FactField, ...] = (
    FactField("employees", "employees", "职工总数", "count", "全年月平均职工人数"),
    FactField(
        "tech_staff",
        "tech_staff",
        "科技人员数",
        "count",
        "从事研发和相关技术创新活动的人员，累计工作183天以上",
    ),
    FactField("revenue_yuan", "revenue", "销售收入", "money", "主营业务收入与其他业务收入之和"),
    FactField("rd_expense_yuan", "rd_expense", "研发费用", "money", "研究开发费用总额"),
    FactField(
        "rd_domestic_yuan", "rd_domestic", "境内研发费用", "money", "在中国境内发生的研究开发费用"
    ),
    FactField(
        "net_assets_yuan",
        "net_assets",
        "净资产",
        "money",
        "年末所有者权益，可为负数",
        may_be_negative=True,
    ),
    FactField("total_assets_yuan", "total_assets", "资产总额", "money", "年末资产总额"),
    FactField("total_income_yuan", "total_income", "收入总额", "money", "企业所得税法口径收入总额"),
    FactField(
        "non_taxable_income_yuan",
        "non_taxable_income",
        "不征税收入",
        "money",
        "财政拨款等不征税收入",
    ),
    FactField(
        "hightech_income_yuan",
        "hightech_income",
        "高新技术产品收入",
        "money",
        "高新技术产品（服务）收入",
    ),
    FactField(
        "total_cost_yuan", "total_cost", "成本费用支出总额", "money", "成本、费用、税金、损失之和"
    ),
    FactField("output_value_yuan", "output_value", "工业总产值", "money", "当年价格工业总产值"),
    FactField(
        "hightech_output_yuan",
        "hightech_output",
        "高新技术产业产值",
        "money",
        "高新技术产业口径产值",
    ),
    FactField(
        "conversions", "conversions", "科技成果转化数", "count", "当年完成的科技成果转化项数"
    ),
)

FACT_BY_NAME = {f.name: f for f in FACT_FIELDS}
FACT_BY_KEY = {f.key: f for f in FACT_FIELDS}


class Source:
    """Where a value came from (数据来源)."""

    CHOICES = [
        ("enterprise", "企业填报"),
        ("statistics", "统计"),
        ("tax", "税务"),
        ("audit_report", "审计报告"),
        ("hnte_application", "高企申报材料"),
        ("bureau", "科技局核定"),
        ("other", "其他"),
    ]
    LABELS = dict(CHOICES)
    BY_LABEL = {label: key for key, label in CHOICES}

"""C6 indicators (spec/indicators.md): 高企培育资金 paid in the year, 先导区奖补 of a
year (paid the year after: the report shows last year's), income-tax relief of a year
(also last year's in the report), and 苏科贷: firms, amount and growth on the year
before. A year without any record is "no data", never a made-up zero."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.targets.indicators import (
    COUNT,
    PERCENT,
    WAN,
    Computed,
    Evaluator,
    Indicator,
    RecordRow,
)

WAN_YUAN = Decimal(10000)


def _rows(qs: Any, kind: str, detail: Any, on: Any) -> Any:
    def rows() -> list[RecordRow]:
        return [
            RecordRow(
                x.enterprise_id,
                x.enterprise.name,
                x.enterprise.region.name,
                kind,
                detail(x),
                on(x),
                x.amount_yuan / WAN_YUAN,
            )
            for x in qs.select_related("enterprise", "enterprise__region").order_by(
                "enterprise__name", "id"
            )
        ]

    return rows


def _sum_of(qs: Any, kind: str, detail: Any, on: Any) -> Computed:
    amounts = list(qs.order_by().values_list("amount_yuan", flat=True))
    if not amounts:
        return Computed(None, 0)
    # summed here, exactly: SQLite would add the decimals as floats
    return Computed(sum(amounts, Decimal(0)) / WAN_YUAN, len(amounts), _rows(qs, kind, detail, on))


def _cultivation_fund(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.finance.selectors import fund_paid_in

    return _sum_of(
        fund_paid_in(region, "hnte_cultivation", year),
        "高企培育资金",
        lambda x: f"{x.programme}（{x.document}）",
        lambda x: x.paid_on,
    )


def _pilot_zone(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.finance.selectors import fund_of_year

    return _sum_of(
        fund_of_year(region, "pilot_zone", year),
        "先导区奖补",
        lambda x: f"{x.fiscal_year}年度 {x.programme}（{x.document}）",
        lambda x: x.paid_on,
    )


def _tax_relief(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.finance.selectors import relief_of_year

    return _sum_of(
        relief_of_year(region, year),
        "所得税减免",
        lambda x: f"{x.year}年度 {x.get_kind_display()}（{x.source}）",
        lambda x: None,
    )


def _loan_amount(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.finance.selectors import loans_granted

    return _sum_of(
        loans_granted(region, year),
        "苏科贷",
        lambda x: f"{x.bank} {x.contract_no}，年利率{x.rate_percent}%，{x.get_status_display()}",
        lambda x: x.granted_on,
    )


def _loan_enterprises(ev: Evaluator, region: Any, year: int) -> Computed:
    from kechuang.finance.selectors import loans_granted

    qs = loans_granted(region, year)
    firms = set(qs.order_by().values_list("enterprise_id", flat=True))
    if not firms:
        return Computed(None, 0)
    n = len(firms)
    return Computed(
        Decimal(n),
        n,
        _rows(qs, "苏科贷", lambda x: f"{x.bank} {x.contract_no}", lambda x: x.granted_on),
    )


def _loan_yoy(ev: Evaluator, region: Any, year: int) -> Computed:
    now = ev.value("loan_amount_wan", region, year)
    before = ev.value("loan_amount_wan", region, year - 1)
    if now.value is None or not before.value:
        return Computed(None, 0)
    return Computed(
        (now.value / before.value - 1) * 100,
        now.records + before.records,
        lambda: [
            *ev.records("loan_amount_wan", region, year - 1),
            *ev.records("loan_amount_wan", region, year),
        ],
    )


INDICATORS = [
    Indicator(
        "hnte_cultivation_fund_wan",
        "高企培育资金",
        WAN,
        "C6",
        "当年拨付的高企培育资金之和（政策资金拨付记录，按拨付日期）",
        "records",
        2,
        _cultivation_fund,
    ),
    Indicator(
        "pilot_zone_award_wan",
        "创新发展先导区奖补",
        WAN,
        "C6",
        "所属年度的创新发展先导区奖补资金之和（次年拨付；年度报告取上一年度）",
        "records",
        2,
        _pilot_zone,
        data_lag=1,
    ),
    Indicator(
        "tax_relief_wan",
        "科技企业所得税减免",
        WAN,
        "C6",
        "所属年度科技企业所得税减免额之和（税务局数据导入；年度报告取上一年度）",
        "records",
        2,
        _tax_relief,
        data_lag=1,
    ),
    Indicator(
        "loan_enterprises",
        "获苏科贷企业",
        COUNT,
        "C6",
        "当年放款的苏科贷企业数（去重）",
        "records",
        0,
        _loan_enterprises,
    ),
    Indicator(
        "loan_amount_wan",
        "苏科贷金额",
        WAN,
        "C6",
        "当年放款的苏科贷金额之和",
        "records",
        2,
        _loan_amount,
    ),
    Indicator(
        "loan_amount_yoy",
        "苏科贷同比增长",
        PERCENT,
        "C6",
        "（当年苏科贷金额 ÷ 上年苏科贷金额 − 1）× 100",
        "derived",
        2,
        _loan_yoy,
    ),
]

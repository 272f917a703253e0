"""What funds, tax relief and sci-tech loans (C6) add to the frame: their indicators
(高企培育资金, 先导区奖补, 所得税减免, 苏科贷), three import kinds (the tax office's relief
sheet among them), pages, the enterprise-page panel and the demo county's records."""

from __future__ import annotations

from typing import Any

from kechuang.core.imports import ImportKind
from kechuang.core.registry import ApiMount, DemoPhase, NavItem, UrlMount
from kechuang.core.roles import has_role
from kechuang.finance import services
from kechuang.finance.indicators import INDICATORS as _INDICATORS
from kechuang.finance.panels import PANEL


def _demo(actor: Any) -> int:
    from kechuang.finance.demo import load_demo_finance

    return load_demo_finance(actor)


INDICATORS = _INDICATORS
NAV = [
    NavItem(
        "finance",
        "资金金融",
        "finance:funds",
        icon="bi-bank",
        order=52,
        visible=lambda user: has_role(user, "staff", "officer"),
        app_name="finance",
    )
]
PANELS = [PANEL]
URLS = [UrlMount("finance/", "kechuang.finance.urls")]
API = [ApiMount("/finance", "kechuang.finance.api")]
DEMO = [DemoPhase("finance", "政策资金、税收减免与科技贷款", _demo, order=310)]
IMPORTS = [
    ImportKind(
        key="funds",
        title="政策资金拨付",
        columns=services.FUND_COLUMNS,
        run=services.funds_import,
        permission=services.can_import,
        note="每行一笔拨付：企业、资金类别（高企培育资金、入库奖励、创新发展先导区奖补、科技项目经费、其他奖补）、所属年度、金额（万元）、拨付日期和文件文号。",
        export=services.funds_export,
        order=600,
    ),
    ImportKind(
        key="tax_relief",
        title="所得税减免（税务局数据）",
        columns=services.RELIEF_COLUMNS,
        run=services.relief_import,
        permission=services.can_import,
        note="税务局提供的科技企业所得税减免表：每行一家企业一个年度一类减免（高新技术企业15%优惠税率、研发费用加计扣除、其他），金额为万元。",
        aliases=("tax",),
        export=services.relief_export,
        order=610,
    ),
    ImportKind(
        key="loans",
        title="科技贷款（苏科贷等）",
        columns=services.LOAN_COLUMNS,
        run=services.loans_import,
        permission=services.can_import,
        note="每行一笔贷款：贷款产品（苏科贷等）、银行、借款合同编号、金额（万元）、放款和到期日期、年利率、担保方式、状态、已还本金。",
        export=services.loans_export,
        order=620,
    ),
]

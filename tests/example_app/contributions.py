"""Everything the example capability adds to the frame, in one place: a workflow, a
navigation item, an enterprise-page panel, its pages, an indicator and an import kind.
No file outside this folder names it (tests/test_example_app.py checks)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kechuang.core.imports import ImportKind
from kechuang.core.registry import EnterpriseAttribute, NavItem, UrlMount
from kechuang.core.roles import has_role
from kechuang.targets.indicators import Computed, Evaluator, Indicator
from tests.example_app import services
from tests.example_app.panels import PANEL
from tests.example_app.workflow import WORKFLOW


def _approved(ev: Evaluator, region: Any, year: int) -> Computed:
    from tests.example_app.selectors import approved_total

    total, n = approved_total(region, year)
    return Computed(total / Decimal(10000), n)


def _deductions(enterprise_ids: Any, year: int | None) -> dict[int, Decimal]:
    from tests.example_app.selectors import deductions

    return deductions(enterprise_ids, year)


WORKFLOWS = [WORKFLOW]
ATTRIBUTES = [
    EnterpriseAttribute("example_rd_deduction", "加计扣除研发费用", _deductions, unit="元")
]
NAV = [
    NavItem(
        "example_rd",
        "加计扣除",
        "example_app:index",
        icon="bi-receipt",
        order=95,
        visible=lambda user: has_role(user, "staff"),
        app_name="example_app",
        group="support",  # under the frame's 政策资金 menu
    )
]
PANELS = [PANEL]
URLS = [UrlMount("example/", "tests.example_app.urls")]
INDICATORS = [
    Indicator(
        "example_rd_deduction_wan",
        "已备案加计扣除研发费用",
        "万元",
        "C6",
        "当年已备案的研发费用加计扣除额（示例能力）",
        "records",
        2,
        _approved,
    )
]
IMPORTS = [
    ImportKind(
        key="example_expenses",
        title="加计扣除研发费用",
        columns=services.COLUMNS,
        run=services.expenses_import,
        permission=services.can_import,
        note="每行一家企业一个年度的加计扣除研发费用（万元）。",
        order=900,
    )
]

"""Funds, tax relief and loans: the tax office's sheet imported (every bad row named,
nothing written), exports re-import unchanged, the C6 indicators move with a record,
and the loan recommendation reads points when present."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from kechuang.core import registry
from kechuang.core.errors import ValidationFailed
from kechuang.core.imports import import_run
from kechuang.finance import selectors, services
from kechuang.finance.models import Loan, TaxRelief
from kechuang.targets.indicators import Evaluator

pytestmark = pytest.mark.django_db


def sheet(headers: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


RELIEF_HEADERS = ["纳税人识别号", "纳税人名称", "税款所属期", "减免项目", "减免税额（万元）"]


def test_the_tax_office_sheet_lands_whole_or_not_at_all(staff: Any, firms: Any) -> None:
    good = [firms[0].uscc, firms[0].name, 2019, "高新技术企业15%优惠税率", 120.5]
    bad = [firms[1].uscc, firms[1].name, 2019, "减半征收", "十万"]
    with pytest.raises(ValidationFailed) as exc:
        import_run(
            actor=staff,
            kind="tax_relief",
            data=sheet(RELIEF_HEADERS, [good, bad]),
            filename="减免.xlsx",
            commit=True,
        )
    text = "；".join(exc.value.lines())
    assert "第3行" in text and "减免类别" in text and "减免税额" in text
    assert TaxRelief.objects.count() == 0
    plan = import_run(
        actor=staff,
        kind="tax_relief",
        data=sheet(RELIEF_HEADERS, [good]),
        filename="减免.xlsx",
        commit=True,
    )
    assert plan.imported and TaxRelief.objects.get().amount_yuan == Decimal("1205000.00")
    v = Evaluator().value("tax_relief_wan", firms[0].region.parent, 2019)
    assert v.value == Decimal("120.5") and v.records == 1


def test_every_export_imports_back_unchanged(staff: Any, firms: Any) -> None:
    rows = {
        "funds": [
            [
                firms[0].uscc,
                "",
                "高企培育资金",
                "培育资金",
                2020,
                15,
                "2020-11-18",
                "泰科发〔2020〕48号",
                "",
            ]
        ],
        "tax_relief": [[firms[0].uscc, "", 2019, "研发费用加计扣除", 33.123456, "税务局"]],
        "loans": [
            [
                firms[1].uscc,
                "",
                "苏科贷",
                "江苏银行",
                "SKD1",
                500,
                "2020-03-01",
                "2021-03-01",
                4.35,
                "信用",
                "已结清",
                500,
                "2021-03-01",
            ]
        ],
    }
    from kechuang.core.imports import get_kind

    for key, data in rows.items():
        kind = get_kind(key)
        headers = [c.header for c in kind.columns]
        import_run(actor=staff, kind=key, data=sheet(headers, data), filename="x.xlsx", commit=True)
        assert kind.export is not None
        out_headers, out_rows = kind.export(actor=staff)
        again = import_run(
            actor=staff,
            kind=key,
            data=sheet(out_headers, [list(r) for r in out_rows]),
            filename="x.xlsx",
            commit=False,
        )
        assert not again.errors and [r.status for r in again.rows] == ["unchanged"], key


def test_loan_indicators_and_growth(staff: Any, firms: Any, regions: Any) -> None:
    county = regions["county"]
    assert Evaluator().value("loan_amount_wan", county, 2020).value is None
    for n, (firm, year, wan) in enumerate(
        ((firms[0], 2019, 100), (firms[1], 2020, 80), (firms[2], 2020, 50))
    ):
        Loan.objects.create(
            enterprise=firm,
            bank="江苏银行",
            contract_no=f"C{n}",
            amount_yuan=Decimal(wan) * 10000,
            granted_on=dt.date(year, 5, 1),
            due_on=dt.date(year + 1, 5, 1),
            rate_percent=Decimal("4.35"),
        )
    ev = Evaluator()
    assert ev.value("loan_enterprises", county, 2020).value == 2
    assert ev.value("loan_amount_wan", county, 2020).value == Decimal(130)
    assert ev.value("loan_amount_yoy", county, 2020).value == Decimal(30)
    Loan.objects.create(
        enterprise=firms[3],
        bank="中国银行",
        contract_no="C9",
        amount_yuan=Decimal(200000),
        granted_on=dt.date(2020, 9, 1),
        due_on=dt.date(2021, 9, 1),
        rate_percent=Decimal("4.35"),
    )
    ev = Evaluator()
    assert ev.value("loan_enterprises", county, 2020).value == 3
    assert ev.value("loan_amount_wan", county, 2020).value == Decimal(150)


def test_recommendations_need_points_and_skip_firms_with_a_loan(
    staff: Any, firms: Any, monkeypatch: Any, client_for: Any
) -> None:
    rows, known = selectors.loan_recommendations(actor=staff, year=2020, day=dt.date(2021, 6, 30))
    assert (rows, known) == ([], False)
    tiers = {
        firms[0].pk: "a",
        firms[1].pk: "B",
        firms[2].pk: "c",
    }  # the shipped set's ids are lower case
    attr = registry.EnterpriseAttribute(
        "points_tier", "积分等级", lambda ids, year: {i: tiers[i] for i in ids if i in tiers}
    )
    monkeypatch.setattr(registry, "attribute", lambda key: attr if key == "points_tier" else None)
    Loan.objects.create(
        enterprise=firms[1],
        bank="江苏银行",
        contract_no="L1",
        amount_yuan=Decimal(1000000),
        granted_on=dt.date(2021, 1, 1),
        due_on=dt.date(2022, 1, 1),
        rate_percent=Decimal("4.35"),
    )
    rows, known = selectors.loan_recommendations(actor=staff, year=2020, day=dt.date(2021, 6, 30))
    assert known and [r["enterprise"] for r in rows] == [firms[0]]
    assert services.can_import(staff)[0]
    # the page names the tiers in words (no tier codes) and right-aligns the score
    page = client_for(staff).get("/finance/loans/recommend/?year=2020").content.decode()
    assert firms[0].name in page and "第一、第二档或积分不低于" in page
    assert "（A、B）或" not in page and '<th class="num">创新积分（分）</th>' in page


def test_pool_firms_graded_a_or_b_are_recommended_without_points(
    staff: Any, firms: Any, monkeypatch: Any
) -> None:
    """Cultivation declares `cultivation_grade`; loans read it by key, with no points."""
    grades = {firms[0].pk: "B", firms[1].pk: "C", firms[2].pk: "A"}
    attr = registry.EnterpriseAttribute(
        "cultivation_grade",
        "培育分级",
        lambda ids, year: {i: grades[i] for i in ids if i in grades},
    )
    monkeypatch.setattr(
        registry, "attribute", lambda key: attr if key == "cultivation_grade" else None
    )
    rows, known = selectors.loan_recommendations(actor=staff, year=2020, day=dt.date(2021, 6, 30))
    assert known
    assert {r["enterprise"] for r in rows} == {firms[0], firms[2]}
    assert {r["grade"] for r in rows} == {"A", "B"}

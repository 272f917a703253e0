"""Funds, tax relief and loans one record at a time, from the pages: created and
corrected in 万元, refused in Chinese naming the field (nothing written), audited; a
loan's status and repayments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.finance import services
from kechuang.finance.models import FundPayment, Loan, LoanRepayment, TaxRelief

pytestmark = pytest.mark.django_db


def fund(firm: Any, **over: str) -> dict[str, str]:
    return {
        "uscc": firm.uscc,
        "kind": "高企培育资金",
        "programme": "2020年高企培育资金",
        "fiscal_year": "2020",
        "amount": "30",
        "paid_on": "2020-11-20",
        "document": "泰科发〔2020〕88号",
        **over,
    }


def loan(firm: Any, **over: str) -> dict[str, str]:
    return {
        "uscc": firm.uscc,
        "product": "苏科贷",
        "bank": "江苏银行泰兴支行",
        "contract_no": "JS2020-001",
        "amount": "500",
        "granted_on": "2020-05-10",
        "due_on": "2021-05-09",
        "rate_percent": "4.35",
        "guarantee": "信用",
        "status": "在贷",
        **over,
    }


def test_a_fund_payment_is_created_and_corrected_in_wan(
    client_for: Any, staff: Any, firms: Any
) -> None:
    c = client_for(staff)
    r = c.post("/finance/funds/new/", fund(firms[0]))
    assert r.status_code == 302
    p = FundPayment.objects.get()
    assert p.amount_yuan == Decimal(300000) and p.kind == "hnte_cultivation"
    page = c.get(f"/finance/funds/{p.pk}/").content.decode()
    assert 'value="30"' in page and "300000" not in page
    r = c.post(f"/finance/funds/{p.pk}/", fund(firms[0], amount="30.5"))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.amount_yuan == Decimal(305000) and FundPayment.objects.count() == 1
    assert AuditLog.objects.filter(
        action="update", object_id=str(p.pk), object_type__icontains="fund"
    ).exists()


@pytest.mark.parametrize(
    ("over", "says"),
    [
        ({"amount": "abc"}, "金额"),
        ({"amount": ""}, "金额"),
        ({"amount": "1.1234567"}, "金额"),
        ({"kind": "别的资金"}, "资金类别"),
        ({"paid_on": "2019-01-01"}, "拨付日期"),
        ({"uscc": "91320000000000000X"}, "统一社会信用代码"),
    ],
)
def test_a_bad_fund_is_refused_naming_the_field_and_writes_nothing(
    client_for: Any, staff: Any, firms: Any, over: dict[str, str], says: str
) -> None:
    r = client_for(staff).post("/finance/funds/new/", fund(firms[0], **over), follow=True)
    assert says in r.content.decode()
    assert not FundPayment.objects.exists()


def test_a_second_payment_under_the_same_key_is_refused(staff: Any, firms: Any) -> None:
    services.record_save("funds", actor=staff, payload=fund(firms[0]))
    with pytest.raises(ValidationFailed, match="已登记"):
        services.record_save("funds", actor=staff, payload=fund(firms[0], amount="1"))
    assert FundPayment.objects.count() == 1


def test_a_relief_row_is_created_and_corrected(client_for: Any, staff: Any, firms: Any) -> None:
    c = client_for(staff)
    data = {"uscc": firms[1].uscc, "year": "2019", "kind": "研发费用加计扣除", "amount": "12.34"}
    assert c.post("/finance/tax-relief/new/", data).status_code == 302
    r = TaxRelief.objects.get()
    assert r.amount_yuan == Decimal(123400) and r.source == "税务局提供"
    assert c.post(f"/finance/tax-relief/{r.pk}/", {**data, "amount": "-1"}, follow=True)
    r.refresh_from_db()
    assert r.amount_yuan == Decimal(123400)


def test_a_loan_its_status_and_repayments(client_for: Any, staff: Any, firms: Any) -> None:
    c = client_for(staff)
    r = c.post("/finance/loans/new/", loan(firms[0]))
    x = Loan.objects.get()
    assert r["Location"] == f"/finance/loans/{x.pk}/"
    assert x.amount_yuan == Decimal(5000000)
    # a bad repayment: above what is owed, named, nothing written
    bad = c.post(
        f"/finance/loans/{x.pk}/repay/", {"amount": "600", "on": "2020-08-01"}, follow=True
    )
    assert (
        "还款金额（万元）" in bad.content.decode() and "超过尚未归还的本金" in bad.content.decode()
    )
    assert not LoanRepayment.objects.exists()
    c.post(f"/finance/loans/{x.pk}/repay/", {"amount": "200", "on": "2020-11-01"})
    x.refresh_from_db()
    assert x.repaid_yuan == Decimal(2000000) and x.status == "outstanding"
    c.post(f"/finance/loans/{x.pk}/repay/", {"amount": "300", "on": "2021-05-01"})
    x.refresh_from_db()
    assert x.status == "repaid" and x.repaid_on == dt.date(2021, 5, 1)
    page = c.get(f"/finance/loans/{x.pk}/").content.decode()
    assert "还款记录" in page and "200.00" in page and "已结清" in page
    # a status change on the form: overdue
    x2 = services.record_save(
        "loans", actor=staff, payload=loan(firms[1], contract_no="JS2020-002")
    )
    services.record_save(
        "loans",
        actor=staff,
        payload=loan(firms[1], contract_no="JS2020-002", status="逾期"),
        record=x2,
    )
    x2.refresh_from_db()
    assert x2.status == "overdue"
    with pytest.raises(ValidationFailed, match="结清日期"):
        services.record_save(
            "loans",
            actor=staff,
            payload=loan(firms[1], contract_no="JS2020-002", status="已结清"),
            record=x2,
        )


def test_only_the_bureau_enters_records(
    client_for: Any, officer_a: Any, enterprise_user: Any, staff: Any, firms: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_save("funds", actor=officer_a, payload=fund(firms[0]))
    assert client_for(officer_a).post("/finance/funds/new/", fund(firms[0])).status_code == 403
    assert client_for(enterprise_user).get("/finance/funds/new/").status_code == 403
    p = services.record_save("funds", actor=staff, payload=fund(firms[0]))
    assert client_for(enterprise_user).get(f"/finance/funds/{p.pk}/").status_code == 403
    assert FundPayment.objects.count() == 1

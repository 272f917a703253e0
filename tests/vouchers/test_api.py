"""The read-only API: programmes with their books, vouchers scoped to the caller (a firm
only its own, a provider's login those used with it), loans with repayments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.finance import services as finance
from kechuang.vouchers import services
from kechuang.vouchers.models import ProviderMember
from tests.conftest import make_user
from tests.vouchers.conftest import DAY, apply

pytestmark = pytest.mark.django_db


def test_programmes_carry_their_books(
    client_for: Any,
    staff: Any,
    enterprise_user: Any,
    programme: Any,
    provider: Any,
    firms: Any,
    settings: Any,
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal(30000), on=DAY)
    settings.KECHUANG_TODAY = "2020-04-01"  # the voucher still valid
    data = client_for(staff).get("/api/v1/vouchers/programmes?year=2020").json()
    (p,) = data["results"]
    assert {k: Decimal(v) for k, v in p["books"].items()} == {
        "budget_yuan": Decimal(1000000),
        "available_yuan": Decimal(970000),
        "committed_yuan": Decimal(30000),
        "paid_yuan": Decimal(0),
    }
    one = client_for(staff).get(f"/api/v1/vouchers/programmes/{programme.pk}").json()
    assert one["id"] == programme.pk and one["books"] is not None
    # a firm sees the programme, not the books
    firm = client_for(enterprise_user).get("/api/v1/vouchers/programmes").json()
    assert all(r["books"] is None for r in firm["results"])


def test_an_enterprise_sees_only_its_own_vouchers(
    client_for: Any,
    staff: Any,
    enterprise_user: Any,
    own_firm: Any,
    regions: Any,
    provider: Any,
    programme: Any,
    firms: Any,
) -> None:
    other = apply(staff, firms[0], programme, provider)
    mine = apply(staff, own_firm, programme, provider)
    c = client_for(enterprise_user)
    data = c.get("/api/v1/vouchers").json()
    assert [r["code"] for r in data["results"]] == [mine.code]
    assert c.get(f"/api/v1/vouchers/{other.pk}").status_code == 404
    assert c.get(f"/api/v1/vouchers/{mine.pk}").json()["uscc"] == own_firm.uscc
    staff_view = client_for(staff).get("/api/v1/vouchers?page_size=1").json()
    assert staff_view["count"] == 2 and len(staff_view["results"]) == 1


def test_a_providers_login_sees_the_vouchers_used_with_it(
    client_for: Any, staff: Any, programme: Any, provider: Any, firms: Any
) -> None:
    elsewhere = services.provider_save(
        actor=staff, data={"name": "别家", "categories": ["testing"]}
    )
    mine = apply(staff, firms[0], programme, provider)
    apply(staff, firms[1], programme, elsewhere)
    user = make_user("jigou", "helper")
    ProviderMember.objects.create(user=user, provider=provider)
    data = client_for(user).get("/api/v1/vouchers").json()
    assert [r["code"] for r in data["results"]] == [mine.code]


def test_loans_with_repayments_scoped(
    client_for: Any, staff: Any, enterprise_user: Any, own_firm: Any, firms: Any
) -> None:
    payload = {
        "uscc": firms[0].uscc,
        "product": "苏科贷",
        "bank": "江苏银行泰兴支行",
        "contract_no": "JS-1",
        "amount": "500",
        "granted_on": "2020-05-10",
        "due_on": "2021-05-09",
        "rate_percent": "4.35",
        "status": "在贷",
    }
    x = finance.record_save("loans", actor=staff, payload=payload)
    finance.loan_repay(actor=staff, loan=x, amount_yuan=Decimal(1000000), on=dt.date(2020, 12, 1))
    data = client_for(staff).get("/api/v1/finance/loans?year=2020").json()
    (row,) = data["results"]
    assert row["contract_no"] == "JS-1" and len(row["repayments"]) == 1
    assert client_for(enterprise_user).get("/api/v1/finance/loans").json()["count"] == 0
    assert client_for(enterprise_user).get(f"/api/v1/finance/loans/{x.pk}").status_code == 404


def test_the_api_expires_before_it_reads(
    client_for: Any, staff: Any, programme: Any, provider: Any, firms: Any, settings: Any
) -> None:
    v = apply(staff, firms[0], programme, provider)
    services.voucher_approve(actor=staff, voucher=v, amount_yuan=Decimal(30000), on=DAY)
    settings.KECHUANG_TODAY = "2021-01-05"
    row = client_for(staff).get(f"/api/v1/vouchers/{v.pk}").json()
    assert row["stage"] == "expired"

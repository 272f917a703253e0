"""The voucher pages as each role sees them: the bureau approves in 万元 and watches the
budget, the firm applies, uploads and tracks, an outsider gets 404, exports are sheets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kechuang.vouchers import services
from kechuang.vouchers.models import Voucher, VoucherDocument
from tests.vouchers.conftest import DAY, apply, make_programme, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher(staff: Any, programme: Any, provider: Any, firms: Any) -> Voucher:
    return apply(staff, firms[0], programme, provider)


def test_the_bureau_approves_in_wan_and_sees_the_budget(
    client_for: Any, staff: Any, voucher: Voucher, programme: Any, settings: Any
) -> None:
    # a day of the 2020 programme: on the real date the pages would find it expired
    settings.KECHUANG_TODAY = "2020-04-01"
    c = client_for(staff)
    r = c.post(f"/vouchers/{voucher.pk}/approve/", {"amount": "3.5", "on": "2020-04-01"})
    assert r.status_code == 302
    voucher.refresh_from_db()
    assert voucher.approved_yuan == Decimal(35000)
    page = c.get("/vouchers/?year=2020").content.decode()
    assert voucher.code in page and "已发券未兑付" in page and "96.50" in page  # 万元, not yuan
    detail = c.get(f"/vouchers/{voucher.pk}/").content.decode()
    assert "3.5000万元" in detail and "35000" not in detail
    assert c.get(f"/vouchers/programmes/{programme.pk}/").status_code == 200
    # every money column of the programmes says its unit
    programmes = c.get("/vouchers/programmes/").content.decode()
    assert '<th class="num">可用（万元）</th>' in programmes
    assert '<th class="num">已兑付（万元）</th>' in programmes
    sheet = c.get(f"/vouchers/programmes/{programme.pk}/ledger/?export=xlsx")
    assert sheet.status_code == 200 and "spreadsheetml" in sheet["Content-Type"]
    assert c.get("/vouchers/providers/?export=xlsx").status_code == 200


def test_an_amount_above_the_ratio_is_refused_on_the_page(
    client_for: Any, staff: Any, voucher: Voucher
) -> None:
    c = client_for(staff)
    r = c.post(f"/vouchers/{voucher.pk}/approve/", {"amount": "5.01"}, follow=True)
    assert "超过服务费的50%" in r.content.decode()
    voucher.refresh_from_db()
    assert voucher.approved_yuan is None


def test_an_enterprise_uploads_to_its_own_voucher_only(
    client_for: Any,
    staff: Any,
    enterprise_user: Any,
    own_firm: Any,
    regions: Any,
    provider: Any,
    voucher: Voucher,
) -> None:
    p = make_programme(staff, regions["county"], eligibility={}, year=2021)
    mine = apply(staff, own_firm, voucher.programme, provider)
    services.voucher_approve(actor=staff, voucher=mine, amount_yuan=Decimal(20000), on=DAY)
    c = client_for(enterprise_user)
    ok = c.post(f"/vouchers/{mine.pk}/upload/", {"kind": "contract", "file": pdf()})
    assert ok.status_code == 302 and VoucherDocument.objects.filter(voucher=mine).count() == 1
    other = c.post(f"/vouchers/{voucher.pk}/upload/", {"kind": "contract", "file": pdf()})
    assert other.status_code == 404 and not VoucherDocument.objects.filter(voucher=voucher).exists()
    assert c.get(f"/vouchers/{voucher.pk}/").status_code == 404
    listing = c.get("/vouchers/?year=2020").content.decode()
    assert mine.code in listing and voucher.code not in listing
    assert c.get("/vouchers/programmes/").status_code == 403
    assert p.pk


def test_a_firm_applies_through_the_page(
    client_for: Any,
    staff: Any,
    enterprise_user: Any,
    own_firm: Any,
    regions: Any,
    provider: Any,
    settings: Any,
) -> None:
    import datetime as dt

    settings.KECHUANG_TODAY = "2020-04-01"
    p = make_programme(staff, regions["county"], eligibility={"certificates": ["hnte"]})
    c = client_for(enterprise_user)
    form = c.get("/vouchers/apply/").content.decode()
    assert "符合申请条件" in form and p.name in form
    r = c.post(
        "/vouchers/apply/",
        {
            "programme": p.pk,
            "enterprise": own_firm.pk,
            "provider": provider.pk,
            "category": "testing",
            "service": "材料检测",
            "fee": "2",
        },
    )
    assert r.status_code == 302
    v = Voucher.objects.get(enterprise=own_firm)
    assert v.fee_yuan == Decimal(20000) and v.application.events.first().on == dt.date(2020, 4, 1)


def test_a_firm_that_qualifies_for_no_programme_gets_no_form(
    client_for: Any,
    staff: Any,
    enterprise_user: Any,
    own_firm: Any,
    regions: Any,
    settings: Any,
) -> None:
    settings.KECHUANG_TODAY = "2020-04-01"
    make_programme(staff, regions["county"], eligibility={"max_revenue_wan": 0})
    page = client_for(enterprise_user).get("/vouchers/apply/").content.decode()
    assert "不符合申请条件" in page and "暂不能申请" in page
    assert 'id="apply-form"' not in page


def test_the_bureau_applies_for_a_firm_by_its_code(
    client_for: Any, staff: Any, programme: Any, provider: Any, firms: Any, settings: Any
) -> None:
    settings.KECHUANG_TODAY = "2020-04-01"
    c = client_for(staff)
    data = {
        "programme": programme.pk,
        "provider": provider.pk,
        "category": "testing",
        "service": "检测",
        "fee": "1",
    }
    r = c.post("/vouchers/apply/", {**data, "uscc": firms[1].uscc})
    assert r.status_code == 302 and Voucher.objects.filter(enterprise=firms[1]).exists()
    wrong = c.post("/vouchers/apply/", {**data, "uscc": "91321283000000000X"}).content.decode()
    assert "统一社会信用代码不在企业库中" in wrong

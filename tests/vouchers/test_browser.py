"""The voucher loop in Chromium, as users click it: the firm applies → the bureau
approves → the firm uploads the contract, signs, uploads invoice and report, claims →
the bureau checks and pays; the programme page's budget figures move at each money step."""

from __future__ import annotations

from typing import Any

import pytest

from kechuang.vouchers.models import Voucher
from tests.vouchers.conftest import make_programme

pytestmark = pytest.mark.django_db(transaction=True)

PDF = {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}


def login(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Kechuang-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def figures(page: Any, live_server: Any, pk: int) -> tuple[str, ...]:
    page.goto(f"{live_server.url}/vouchers/programmes/{pk}/")
    return tuple(
        page.inner_text(f"#books-{k}").strip() for k in ("budget", "available", "committed", "paid")
    )


def upload(page: Any, kind: str) -> None:
    page.select_option("#upload-form select[name=kind]", kind)
    page.set_input_files("#upload-form input[type=file]", PDF)
    page.click("#upload-form button")
    page.wait_for_selector("text=材料已上传")


def test_the_voucher_loop_in_the_browser(
    page: Any,
    live_server: Any,
    settings: Any,
    staff: Any,
    enterprise_user: Any,
    regions: Any,
    provider: Any,
    shot: Any,
    tmp_path: Any,
) -> None:
    settings.KECHUANG_TODAY = "2020-04-01"
    settings.MEDIA_ROOT = tmp_path
    p = make_programme(staff, regions["county"], eligibility={"certificates": ["hnte"]})

    login(page, live_server, "staff")
    assert figures(page, live_server, p.pk) == ("100.00", "100.00", "0.00", "0.00")

    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/vouchers/apply/")
    page.select_option("#apply-form select[name=category]", "testing")
    page.fill("#apply-form input[name=service]", "新材料性能检测")
    page.fill("#apply-form input[name=fee]", "4")
    page.click("#apply-form button")
    page.wait_for_selector("text=已提交申请")
    v = Voucher.objects.get()
    url = f"{live_server.url}/vouchers/{v.pk}/"

    login(page, live_server, "staff")
    page.goto(url)
    page.fill("#approve-form input[name=amount]", "2")
    page.click("#approve-form button")
    page.wait_for_selector("text=已核定并发券")
    assert figures(page, live_server, p.pk) == ("100.00", "98.00", "2.00", "0.00")

    login(page, live_server, "qiye")
    page.goto(url)
    upload(page, "contract")
    page.click("button:has-text('已签服务合同')")
    page.wait_for_selector("text=已签合同")
    upload(page, "invoice")
    upload(page, "report")
    page.click("button:has-text('服务已完成')")
    page.wait_for_selector("#claim-form")
    page.fill("#claim-form input[name=invoice]", "3.6")
    page.click("#claim-form button")
    page.wait_for_selector("text=已申请兑付")
    shot("voucher-claimed")

    login(page, live_server, "staff")
    page.goto(url)
    page.click("button:has-text('核验通过')")
    page.wait_for_selector("#pay-form")
    page.click("#pay-form button")
    page.wait_for_selector("text=已兑付")
    shot("voucher-paid")
    # paid: 50% of the 3.6万元 invoice (1.8万元); the rest of the approval released
    assert figures(page, live_server, p.pk) == ("100.00", "98.20", "0.00", "1.80")
    shot("voucher-programme-after")
    v.refresh_from_db()
    assert v.paid_yuan == 18000 and v.application.stage == "paid"

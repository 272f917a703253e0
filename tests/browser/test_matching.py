"""产学研 in Chromium: an enterprise finds an expert for its demand and asks for an
introduction; the bureau records the expert's answer and the meeting; the enterprise
signs the agreement on the introduction's page and records its start and first payment;
the agreement then shows as 执行中 and 高质量, and the firm's page lists it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.matching import services

pytestmark = pytest.mark.django_db(transaction=True)


def login(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Kechuang-1")
    page.click("button[type=submit]")
    page.wait_for_selector("#top-search, h1")


def test_introduction_to_agreement_to_outcome(
    page: Any,
    browser: Any,
    live_server: Any,
    staff: Any,
    enterprise_user: Any,
    firm_b: Any,
    shot: Any,
) -> None:
    inst = services.institution_save(actor=staff, data={"name": "江苏大学", "kind": "university"})
    for name, fields in (("韩立伟", "离心泵 汽蚀 水力设计"), ("彭涛", "永磁电机 电机能效")):
        services.expert_save(
            actor=staff, data={"name": name, "institution": inst, "fields": fields, "domain": "8.5"}
        )
    # The enterprise posts its demand and asks for the expert the page ranks first.
    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/matching/demands/new/")
    page.fill("input[name=title]", "化工离心泵汽蚀严重")
    page.fill("textarea[name=description]", "流程泵运行中汽蚀，叶轮损坏快，需要改进水力设计")
    page.fill("input[name=budget_wan]", "30")
    page.click("#demand-form button")
    page.wait_for_selector("#expert-matches")
    first = page.locator("#expert-matches tbody tr").first
    assert "韩立伟" in first.inner_text() and "汽蚀" in first.inner_text()
    shot("matching-demand")
    first.locator("button:has-text('申请引荐')").click()
    page.wait_for_selector("#stage:has-text('已申请引荐')")
    intro_url = page.url

    # The bureau records the expert's answer and the meeting.
    other = browser.new_context(locale="zh-CN")
    bureau = other.new_page()
    login(bureau, live_server, "staff")
    bureau.goto(intro_url)
    bureau.select_option("#move-form select[name=to]", "accepted")
    bureau.fill("#move-form input[name=note]", "专家同意对接")
    bureau.click("#move-form button")
    bureau.wait_for_selector("#stage:has-text('专家已接受')")
    bureau.select_option("#move-form select[name=to]", "met")
    bureau.fill("#move-form input[name=note]", "到企业现场交流")
    bureau.click("#move-form button")
    bureau.wait_for_selector("#stage:has-text('已会面洽谈')")
    other.close()

    # The enterprise signs on the introduction's page, then follows the agreement.
    page.goto(intro_url)
    page.fill("#sign-form input[name=title]", "离心泵水力优化技术开发合同")
    page.fill("#sign-form input[name=amount_wan]", "50")
    page.fill("#sign-form textarea[name=content]", "乙方提供抗汽蚀叶轮设计并指导试制")
    page.click("#sign-form button")
    page.wait_for_selector("#agreement-status:has-text('已签订')")
    assert "未达高质量" in page.inner_text("#quality")
    today = dt.date.today().isoformat()
    page.select_option("#progress-form select[name=kind]", "started")
    page.fill("#progress-form input[name=on]", today)
    page.click("#progress-form button")
    page.wait_for_selector("#agreement-status:has-text('执行中')")
    page.select_option("#progress-form select[name=kind]", "payment")
    page.fill("#progress-form input[name=on]", today)
    page.fill("#progress-form input[name=amount_wan]", "15")
    page.click("#progress-form button")
    page.wait_for_selector("#progress td:has-text('付款')")
    assert page.inner_text("#quality") == "高质量"
    assert "15.00" in page.inner_text("#progress")
    shot("matching-agreement")
    page.goto(f"{live_server.url}/enterprises/{firm_b.pk}/")
    panel = page.inner_text("#matching-panel")
    assert "离心泵水力优化技术开发合同" in panel and "高质量" in panel

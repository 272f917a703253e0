"""Login, the list, an enterprise page with a chart, an import with an error and a
successful import — in Chromium, as a user clicks them."""

import pytest
from openpyxl import Workbook

from kechuang.enterprises.models import YearlyFacts

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username="staff", password="pw-Kechuang-1"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def sheet(rows, path):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_login_rejects_wrong_password_then_accepts(page, live_server, staff):
    login(page, live_server, password="wrong")
    assert "请输入一个正确的" in page.content() or "正确" in page.inner_text(".alert-danger")
    login(page, live_server)
    page.wait_for_selector("h1:has-text('企业库')")
    assert page.url.endswith("/enterprises/")


def test_list_searches_by_pinyin_initials(page, live_server, staff, firm_a, firm_b, shot):
    login(page, live_server)
    page.wait_for_selector("#enterprise-table")
    assert page.inner_text("#total") == "2"
    page.fill("#q", "ZBJXHG")  # 镇B精细化工
    page.click("button:has-text('查询')")
    page.wait_for_selector("#enterprise-table")
    rows = page.locator("#enterprise-table tbody tr")
    assert rows.count() == 1
    assert "镇B精细化工有限公司" in rows.first.inner_text()
    shot("enterprise-list")


def test_enterprise_page_shows_facts_and_chart(page, live_server, staff, firm_b, shot):
    login(page, live_server)
    page.goto(f"{live_server.url}/enterprises/{firm_b.pk}/")
    page.wait_for_selector("#chart-money canvas")
    text = page.inner_text("body")
    assert "销售收入（万元）" in text and "4,200.00" in text
    assert "统计 2021-03-01" in text  # source and date of the value
    assert "高新技术企业" in text and "GR201932000001" in text
    assert "一种催化剂" in text
    panel = page.inner_text("#panel-assessment")
    assert "高新技术企业认定" in panel and "国科发火〔2016〕32号 第十一条（五）" in panel
    assert page.locator("#panel-assessment .kc-scorebar-line").count() >= 1  # the 71 line
    shot("enterprise-detail")


def test_self_assessment_results_stay_readable_beside_the_form(
    page, live_server, staff, firm_b, shot
):
    """The what-if page puts the criteria table in a narrow column: the condition and
    the remedy keep a readable width (the table may scroll; it must not squeeze them)."""
    login(page, live_server)
    page.goto(f"{live_server.url}/assess/enterprise/{firm_b.pk}/?as_of=2021-06-30")
    label = page.locator("#assessment-hnte-2016 td.kc-label").first
    remedy = page.locator("#assessment-hnte-2016 td.kc-remedy").first
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert label.bounding_box()["width"] > 8 * font
    assert remedy.bounding_box()["width"] > 12 * font
    page.fill("#f-employees", "1000")
    page.click("button:has-text('试算')")
    page.wait_for_selector("text=已修改")
    assert (
        page.locator("#assessment-hnte-2016 td.kc-label").first.bounding_box()["width"] > 8 * font
    )
    shot("self-assessment")


def test_import_with_an_error_then_a_successful_import(
    page, live_server, staff, firm_b, tmp_path, shot
):
    login(page, live_server)
    page.goto(f"{live_server.url}/imports/")
    headers = ["统一社会信用代码", "会计年度", "职工总数（人）", "销售收入（万元）", "数据来源"]
    bad = sheet([headers, [firm_b.uscc, 2017, 80, "三千万", "统计"]], tmp_path / "bad.xlsx")
    card = page.locator(".card", has_text="年度数据").first
    card.locator("input[type=file]").set_input_files(str(bad))
    card.locator("button:has-text('上传并预览')").click()
    page.wait_for_selector("#import-errors")
    assert "第2行 销售收入: “三千万”不是数字" in page.inner_text("#import-errors")
    shot("import-error")
    assert not YearlyFacts.objects.filter(fiscal_year=2017).exists()

    page.goto(f"{live_server.url}/imports/")
    good = sheet([headers, [firm_b.uscc, 2017, 80, "2800.5", "统计"]], tmp_path / "good.xlsx")
    card = page.locator(".card", has_text="年度数据").first
    card.locator("input[type=file]").set_input_files(str(good))
    card.locator("button:has-text('上传并预览')").click()
    page.wait_for_selector("#confirm-import")
    assert page.inner_text("#count-new") == "1"
    shot("import-preview")
    page.click("#confirm-import")
    page.wait_for_selector(".alert-success")
    assert "导入成功：新增1行" in page.inner_text(".alert-success")
    assert YearlyFacts.objects.get(enterprise=firm_b, fiscal_year=2017).employees == 80


def test_cultivation_board_shows_only_the_officers_area(
    page, live_server, officer_b, firm_a, firm_b, staff, shot
):
    import datetime as dt

    from kechuang.cultivation.services import pool_propose

    pool_propose(actor=staff, enterprise=firm_a, on=dt.date(2021, 3, 1))
    pool_propose(actor=staff, enterprise=firm_b, on=dt.date(2021, 3, 1))
    login(page, live_server, username="officer_b")
    page.goto(f"{live_server.url}/cultivation/pool/")
    text = page.inner_text("main")
    assert "镇B精细化工有限公司" in text and "园区A新材料有限公司" not in text
    page.goto(f"{live_server.url}/cultivation/")
    assert "高企培育" in page.inner_text("main")
    shot("cultivation-board")

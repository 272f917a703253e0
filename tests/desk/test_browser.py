"""The two loops in Chromium, as users click them: a service request (enterprise files,
helper handles, enterprise rates) and a visit → problem → 交办 → 办结 → confirmation."""

import pytest

from kechuang.desk.models import Problem, ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Kechuang-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_request_loop_in_the_browser(
    page, live_server, settings, enterprise_user, firm_b, desk_types, routed, shot
):
    settings.KECHUANG_TODAY = "2021-06-25"
    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/desk/requests/new/")
    page.select_option("#request_type", label="政策咨询（3个工作日内办结）")
    page.fill("#title", "咨询研发费用归集")
    page.fill("#description", "请问委托研发费用如何归集？")
    page.click("#request-form button[type=submit]")
    page.wait_for_selector("#request-stage:has-text('待受理')")
    assert "2021-06-30" in page.inner_text("body")  # 3 working days after a Friday
    shot("desk-request-filed")
    req = ServiceRequest.objects.get()

    login(page, live_server, "bangban1")
    page.goto(f"{live_server.url}/desk/queue/")
    page.click(f"a[href='/desk/requests/{req.pk}/']")
    page.click("#move-accepted")
    page.wait_for_selector("#request-stage:has-text('已受理')")
    page.fill("#note", "已电话解答，并发送政策文件")
    page.click("#move-resolved")
    page.wait_for_selector("#request-stage:has-text('已办结')")

    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/todo/")
    page.click("text=已办结，请评价")
    page.check("#sat-5")
    page.fill("#comment", "答复及时")
    page.click("#review-submit")
    page.wait_for_selector("#request-stage:has-text('已回访')")
    assert "满意度 5 分" in page.inner_text("#request-rating")
    shot("desk-request-reviewed")
    req.refresh_from_db()
    assert req.satisfaction == 5 and req.application.stage == "reviewed"


def test_visit_problem_confirmation_loop_in_the_browser(
    page, live_server, settings, staff, officer_b, enterprise_user, firm_b, shot
):
    settings.KECHUANG_TODAY = "2021-06-30"
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/desk/visits/?year=2021")
    page.click("#visit-form-card summary")
    page.fill("#visited_on", "2021-06-28")
    page.fill("#v-enterprise", firm_b.name)
    page.select_option("#purpose", "problem")
    page.fill("#notes", "企业反映研发中心用地问题")
    page.click("#visit-submit")
    page.wait_for_selector("#problem-form")
    page.select_option("#category", "land")
    page.fill("#description", "研发中心扩建用地指标未落实")
    page.click("#problem-submit")
    page.wait_for_selector("#problem-stage:has-text('待交办')")
    page.fill("#department", "市自然资源和规划局")
    page.select_option("#assignee", label="镇B干部（园区/乡镇）")
    page.fill("#due_on", "2021-07-30")
    page.click("#assign-submit")
    page.wait_for_selector("#problem-stage:has-text('已交办')")
    problem = Problem.objects.get()

    login(page, live_server, "officer_b")
    page.goto(f"{live_server.url}/todo/")
    page.click(f"a[href='/desk/problems/{problem.pk}/']")
    page.fill("#resolution", "已纳入年度用地计划")
    page.click("#resolve-submit")
    page.wait_for_selector("#problem-stage:has-text('待企业确认')")

    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    page.fill("#comment", "指标还没下达")
    page.click("#confirm-no")
    page.wait_for_selector("#problem-stage:has-text('已交办')")

    login(page, live_server, "officer_b")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    page.fill("#resolution", "用地指标已下达")
    page.click("#resolve-submit")
    page.wait_for_selector("#problem-stage:has-text('待企业确认')")

    login(page, live_server, "qiye")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    page.click("#confirm-yes")
    page.wait_for_selector("#problem-stage:has-text('已解决')")
    assert "企业确认已解决" in page.inner_text("#problem-events")
    shot("desk-problem-closed")
    problem.refresh_from_db()
    assert problem.reopen_count == 1 and problem.closed_on is not None

    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/desk/problems/?year=2021")
    page.wait_for_selector("#problem-board")
    shot("desk-problem-board")


def test_county_settings_in_the_browser(page, live_server, settings, staff, peer_bureau, shot):
    """兴化's bureau sees and edits its own county's settings, not 泰兴's."""
    from kechuang.desk import services

    settings.KECHUANG_TODAY = "2021-06-25"
    services.workday_override_save(
        actor=staff,
        county=staff.region,
        day=__import__("datetime").date(2021, 6, 28),
        is_workday=False,
        note="泰兴调整",
    )
    login(page, live_server, "xinghua")
    page.goto(f"{live_server.url}/desk/settings/")
    assert "兴化市科技服务设置" in page.inner_text("#settings-county")
    page.fill("#visit_overlap_days", "15")
    page.click("#visit_overlap_days ~ button")
    page.wait_for_selector("text=设置已保存")
    assert page.input_value("#visit_overlap_days") == "15"
    assert "泰兴调整" not in page.inner_text("body")
    shot("desk-settings-xinghua")


def test_area_problem_confirmed_by_the_visiting_unit_in_the_browser(
    page, live_server, settings, staff, officer_b, regions, shot
):
    """An officer raises a problem on a visit to their town; the bureau gives it out and
    solves it; the officer (the visiting unit) confirms it."""
    import datetime as dt

    from kechuang.desk import services

    settings.KECHUANG_TODAY = "2020-07-10"
    visit, _ = services.visit_record(
        actor=officer_b,
        visited_on=dt.date(2020, 7, 1),
        purpose="survey",
        notes="镇B科技工作座谈",
        region=regions["town_b"],
    )
    login(page, live_server, "officer_b")
    page.goto(f"{live_server.url}/desk/visits/{visit.pk}/")
    page.fill("#description", "镇B众创空间缺少场地")
    page.click("#problem-submit")
    page.wait_for_selector("#problem-stage:has-text('待交办')")
    problem = Problem.objects.get()
    assert problem.application is None
    services.problem_assign(
        actor=staff,
        problem=problem,
        department="市自然资源和规划局",
        assignee=None,
        due_on=dt.date(2020, 8, 1),
    )
    services.problem_resolve(actor=staff, problem=problem, resolution="已协调闲置厂房")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    page.click("#confirm-yes")
    page.wait_for_selector("#problem-stage:has-text('已解决')")
    shot("desk-area-problem-confirmed")
    problem.refresh_from_db()
    assert problem.stage == "closed" and problem.confirmed_by == officer_b


def test_escalated_problem_in_the_browser(
    page, live_server, settings, staff, leader, desk_helper, firm_b, shot
):
    """A problem past its category's limit is escalated to its owner's leader: on the
    leader's 待办 page and on the problem."""
    import datetime as dt

    from kechuang.desk import services

    settings.KECHUANG_TODAY = "2020-09-30"
    visit, _ = services.visit_record(
        actor=staff,
        visited_on=dt.date(2020, 9, 30),
        purpose="problem",
        notes="协调",
        enterprise=firm_b,
    )
    problem = services.problem_raise(
        actor=staff, visit=visit, category="land", description="研发中心用地指标未落实"
    )
    services.problem_limit_save(actor=staff, county=staff.region, category="land", deadline_days=3)
    services.problem_assign(
        actor=staff, problem=problem, department="自然资源局", assignee=desk_helper, due_on=None
    )
    settings.KECHUANG_TODAY = "2020-10-14"
    services.problems_escalate()
    login(page, live_server, "juzhang")
    page.goto(f"{live_server.url}/todo/")
    assert "督办：镇B精细化工有限公司" in page.inner_text("body")
    shot("desk-problem-escalated-todo")
    page.goto(f"{live_server.url}/desk/problems/{problem.pk}/")
    assert "逾期，已升级督办" in page.inner_text("#problem-flag")
    shot("desk-problem-escalated")
    page.goto(f"{live_server.url}/desk/settings/")
    assert "问题办结时限" in page.inner_text("body")
    shot("desk-settings-problem-limits")


def test_schedule_page_in_the_browser(page, live_server, settings, staff, shot):
    """The desk's daily run on the 定时任务 page, with a missed day listed."""
    import datetime as dt

    from kechuang.core import schedule

    settings.KECHUANG_TODAY = "2021-06-04"
    job = next(j for j in schedule.jobs() if j.key == "desk-daily")
    schedule.run_job(job, dt.date(2021, 6, 1))
    schedule.run_job(job, dt.date(2021, 6, 3), trigger="command")
    schedule.run_job(job, dt.date(2021, 6, 4))
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/schedule/")
    assert "2021-06-02" in page.inner_text("#schedule-jobs")
    assert "手工补运行" in page.inner_text("body")
    shot("schedule-page")

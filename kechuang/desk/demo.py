"""The demo county's service desk (seed 2020 §一.5: 制定完善局负责人挂钩联系乡镇园区和重点
企业制度，全年走访乡镇(园区)、重点企业100余家次，解决企业难题42个; 2021 plan §三.3:
帮办员 and one-stop services): leaders and helpers, routing rules, the linkage of 2020
and 2021, 2020's 112 visits and 50 problems (42 confirmed solved in 2020, the rest in
2021 or still open), and service requests of 2020 and the first half of 2021.

Generated from a fixed seed and written with bulk inserts (frame applications, events,
visits, and the desk's own rows, with their audit entries), so the phase stays fast; the
records are the same ones the services write."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from kechuang.accounts.models import Region, User
from kechuang.core.audit import audit_bulk, build_entry, snapshot
from kechuang.desk import workdays
from kechuang.desk.counties import county_setup
from kechuang.desk.leaders import Escalation
from kechuang.desk.models import (
    BureauLeader,
    DeskVisit,
    HelperProfile,
    Linkage,
    Problem,
    RequestType,
    RoutingRule,
    ServiceRequest,
)
from kechuang.desk.services import unit_of
from kechuang.desk.workflow import (
    ACCEPTED,
    ASSIGNED,
    CLOSED,
    IN_PROGRESS,
    PROBLEM,
    RAISED,
    REQUEST,
    RESOLVED,
    REVIEWED,
    SOLVED,
    SUBMITTED,
)
from kechuang.enterprises.models import Enterprise, EnterpriseMember, HelperAssignment
from kechuang.programmes.models import Application, Event, Visit

SEED = 2020
VISITS_2020 = 112
PROBLEMS_2020 = 50
SOLVED_2020 = 42  # seed 2020 §一.5: 解决企业难题42个
TODAY = dt.date(2021, 6, 30)

LEADERS = (
    ("kjj_sun", "局长 孙建明", "局长"),
    ("kjj_li", "副局长 李红梅", "副局长"),
    ("kjj_zhou", "副局长 周卫东", "副局长"),
)
HELPERS = (("bangban2", "帮办员 吴晓燕"), ("bangban3", "帮办员 郑涛"))

PURPOSE_NOTES: dict[str, str] = {
    DeskVisit.Purpose.SURVEY: "了解企业生产经营和研发投入情况，听取企业对科技工作的意见建议",
    DeskVisit.Purpose.POLICY: "宣讲高企认定、研发费用加计扣除和创新券政策，指导企业做好申报准备",
    DeskVisit.Purpose.PROBLEM: "协调企业反映的困难问题，现场会办",
    DeskVisit.Purpose.PROJECT: "推进科技项目实施和研发机构建设，查看项目进度",
    DeskVisit.Purpose.FOLLOW_UP: "回访前期反映问题的办理情况",
}
AREA_NOTES = "召开乡镇（园区）科技工作座谈会，通报高企培育和科技型中小企业评价进度，部署下阶段工作"
PROBLEMS = {
    Problem.Category.POLICY: ("高企培育奖补资金尚未拨付", "市科技局"),
    Problem.Category.FUNDING: ("扩大研发投入流动资金紧张，希望对接苏科贷", "市科技局、合作银行"),
    Problem.Category.TALENT: ("研发人员招聘困难，希望对接高校毕业生", "市人社局"),
    Problem.Category.TECH: ("关键工艺技术攻关需要高校专家支持", "市科技局"),
    Problem.Category.LAND: ("研发中心扩建用地指标未落实", "市自然资源和规划局"),
    Problem.Category.PERMIT: ("新建研发中试线环评手续办理缓慢", "泰州市生态环境局泰兴分局"),
    Problem.Category.IP: ("发明专利申请周期长，希望开通快速预审", "市市场监管局"),
}
RESOLUTIONS = {
    Problem.Category.POLICY: "已协调财政部门完成拨付",
    Problem.Category.FUNDING: "已组织银企对接，合作银行完成授信",
    Problem.Category.TALENT: "已推荐参加高校专场招聘会，企业招聘到研发人员",
    Problem.Category.TECH: "已对接高校专家团队，签订技术合作协议",
    Problem.Category.LAND: "已纳入年度用地计划，落实用地指标",
    Problem.Category.PERMIT: "已协调开辟绿色通道，环评批复完成",
    Problem.Category.IP: "已推荐至知识产权保护中心快速预审通道",
}
REQUESTS = {
    "policy": ("咨询高新技术企业认定研发费用归集口径", "咨询研发费用加计扣除政策适用范围"),
    "project": ("申报省科技成果转化专项资金项目辅导", "申报市级工程技术研究中心材料准备"),
    "finance": ("申请苏科贷贷款对接", "咨询科技型中小企业信用贷款产品"),
    "novelty": ("新产品研发项目委托科技查新", "发明专利申请前科技查新"),
    "business": ("科技型中小企业评价信息填报指导", "技术合同认定登记代办"),
}
REPLIES = {
    "policy": "已电话解答并提供政策文件及研发费用辅助账模板",
    "project": "已上门辅导并协助完善申报书，按期提交",
    "finance": "已推荐合作银行对接，完成贷前调查",
    "novelty": "已委托查新机构出具查新报告",
    "business": "已指导完成填报并通过审核",
}


# The demo's audit entries name the fields that say what was recorded (not the foreign
# keys, which the enterprise page's history would look up one by one).
VISIT_FIELDS = ["visited_on", "visitor_name", "unit", "purpose", "notes", "follow_up_on"]
PROBLEM_FIELDS = ["category", "description", "raised_on", "department", "resolved_on", "closed_on"]
REQUEST_FIELDS = ["filed_on", "channel", "due_on", "resolved_on", "satisfaction"]


def _workdays(year: int, until: dt.date) -> list[dt.date]:
    day, out = dt.date(year, 1, 2), []
    while day <= until:
        if workdays.calendar_day(day, {}):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _users(kjj: User) -> tuple[list[User], list[User]]:
    county = kjj.region
    leaders = [kjj]
    for username, name, _title in LEADERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": User.Role.STAFF,
                "display_name": name,
                "region": county,
                "password": kjj.password,
            },
        )
        leaders.append(user)
    helpers = list(User.objects.filter(username="bangban"))
    for username, name in HELPERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": User.Role.HELPER, "display_name": name, "password": kjj.password},
        )
        helpers.append(user)
    return leaders, helpers


def load_demo_desk() -> int:
    """Load the demo county's desk records; the number of rows written (0 when already
    there or without the demo county)."""
    if DeskVisit.objects.exists() or ServiceRequest.objects.exists():
        return 0
    kjj = User.objects.filter(username="kjj").select_related("region").first()
    if kjj is None or kjj.region is None:
        return 0
    rng = random.Random(SEED)
    with transaction.atomic():
        return _load(kjj, rng)


def _load(kjj: User, rng: random.Random) -> int:
    leaders, helpers = _users(kjj)
    officers = list(
        User.objects.filter(username__in=["huangqiao", "kaifaqu"]).select_related("region")
    )
    county: Region = kjj.region  # type: ignore[assignment]
    areas = [r for r in Region.objects.filter(path__startswith=county.path) if r.is_area]
    firms = list(
        Enterprise.objects.in_region(county)
        .filter(status="active")
        .select_related("region")
        .order_by("pk")
    )
    if not firms or not areas:
        return 0
    audit: list[Any] = []
    written = 0
    to_bureau = Escalation("bureau", leaders[1], leaders[1:])

    # The county's 局领导 (designated by the bureau), its helpers and their 分管领导 (the
    # third has none: an overdue request of theirs goes to the 局领导), and the routing
    # rules (data the bureau keeps).
    heads = leaders[1:]
    designated = [
        BureauLeader(county=county, user=u, title=title, sort_order=(i + 1) * 10)
        for i, (u, (_name, _display, title)) in enumerate(zip(heads, LEADERS, strict=True))
    ]
    BureauLeader.objects.bulk_create(designated)
    profiles = []
    for i, h in enumerate(helpers):
        profile, _ = HelperProfile.objects.update_or_create(
            user=h, defaults={"county": county, "leader": heads[i] if i < 2 else None}
        )
        profiles.append(profile)
    audit += [
        build_entry(actor=kjj, action="create", obj=o, after=snapshot(o), via="demo")
        for o in [*designated, *profiles]
    ]
    county_setup(county)
    types = {t.key: t for t in RequestType.objects.filter(county=county)}
    rules = [
        RoutingRule(county=county, request_type=types["policy"], helper=helpers[0]),
        RoutingRule(county=county, request_type=types["business"], helper=helpers[0]),
        RoutingRule(county=county, request_type=types["project"], helper=helpers[1]),
        RoutingRule(county=county, request_type=types["finance"], helper=helpers[2]),
        RoutingRule(county=county, request_type=types["novelty"], helper=helpers[2]),
        RoutingRule(county=county, helper=helpers[0], priority=200),
    ]
    RoutingRule.objects.bulk_create(rules)

    # 挂钩联系: each leader a few areas and key firms (listed, then above-scale firms
    # stand in for "key"), for 2020 and 2021.
    key_firms = sorted(firms, key=lambda f: (not f.is_listed, not f.is_above_scale, f.pk))[:20]
    links = []
    for year in (2020, 2021):
        for i, a in enumerate(areas):
            links.append(Linkage(year=year, leader=heads[i % len(heads)], region=a))
        for i, f in enumerate(key_firms):
            links.append(Linkage(year=year, leader=heads[i % len(heads)], enterprise=f))
    Linkage.objects.bulk_create(links)
    written += len(links) + len(rules)
    linked: dict[int, list[Enterprise]] = {}
    linked_areas: dict[int, list[Region]] = {}
    for link in links:
        if link.year != 2020:
            continue
        if link.enterprise is not None:
            linked.setdefault(link.leader_id, []).append(link.enterprise)
        elif link.region is not None:
            linked_areas.setdefault(link.leader_id, []).append(link.region)

    # Visits of 2020 (and of 2021 up to the demo's today).
    plan: list[tuple[dt.date, User, Enterprise | None, Region, str]] = []
    for year, count, until in ((2020, VISITS_2020, dt.date(2020, 12, 25)), (2021, 46, TODAY)):
        days = sorted(rng.sample(_workdays(year, until), count))
        for n, day in enumerate(days):
            visitor = leaders[n % len(leaders)] if n % 9 else rng.choice(officers or leaders)
            firm: Enterprise | None
            area: Region
            if visitor.role == User.Role.OFFICER and visitor.region is not None:
                own = [f for f in firms if f.region.path.startswith(visitor.region.path)]
                firm = rng.choice(own) if own and n % 3 else None
                area = firm.region if firm else visitor.region
            elif n % 3 == 0:
                firm, area = None, rng.choice(linked_areas.get(visitor.pk) or areas)
            else:
                pool = linked.get(visitor.pk) or key_firms
                firm = rng.choice(pool) if rng.random() < 0.7 else rng.choice(firms)
                area = firm.region
            purpose = rng.choice(list(PURPOSE_NOTES)) if firm else DeskVisit.Purpose.SURVEY
            plan.append((day, visitor, firm, area, purpose))
    frame_visits = Visit.objects.bulk_create(
        [
            Visit(
                enterprise=firm,
                visited_on=day,
                visitor=who,
                visitor_name=str(who),
                summary=f"{DeskVisit.Purpose(purpose).label}：{PURPOSE_NOTES[purpose]}"[:500],
            )
            for day, who, firm, _area, purpose in plan
            if firm is not None
        ]
    )
    it = iter(frame_visits)
    visits = DeskVisit.objects.bulk_create(
        [
            DeskVisit(
                visited_on=day,
                visitor=who,
                visitor_name=str(who),
                unit=unit_of(who),
                region=area,
                enterprise=firm,
                purpose=purpose,
                notes=PURPOSE_NOTES[purpose] if firm else AREA_NOTES,
                follow_up_on=day + dt.timedelta(days=30)
                if purpose == DeskVisit.Purpose.PROBLEM
                else None,
                frame_visit=next(it) if firm else None,
            )
            for day, who, firm, area, purpose in plan
        ]
    )
    # A later visit to the same firm is the follow-up of an earlier one waiting for it.
    followed = []
    for v in visits:
        if v.follow_up_on is None or v.enterprise_id is None:
            continue
        later = next(
            (
                w
                for w in visits
                if w.enterprise_id == v.enterprise_id and w.visited_on > v.visited_on
            ),
            None,
        )
        if later is not None:
            v.followed_up_by = later
            followed.append(v)
    DeskVisit.objects.bulk_update(followed, ["followed_up_by"])
    written += len(visits) + len(frame_visits)
    audit += [
        build_entry(
            actor=v.visitor,
            action="create",
            obj=v,
            after=snapshot(v, VISIT_FIELDS),
            enterprise_id=v.enterprise_id,
            via="demo",
        )
        for v in visits
    ]

    # Problems raised on 2020's firm visits: 42 confirmed solved in 2020, 5 early in 2021,
    # 3 still open; and a dozen of 2021.
    firm_visits_2020 = [v for v in visits if v.enterprise_id and v.visited_on.year == 2020]
    firm_visits_2021 = [v for v in visits if v.enterprise_id and v.visited_on.year == 2021]
    chosen = sorted(
        rng.sample(firm_visits_2020[:-8], PROBLEMS_2020 - 3), key=lambda v: v.visited_on
    )
    chosen += firm_visits_2020[-3:]
    chosen21 = sorted(rng.sample(firm_visits_2021, 12), key=lambda v: v.visited_on)
    people = leaders + officers
    problem_specs: list[tuple[DeskVisit, str]] = []
    for i, v in enumerate(chosen):
        if i < SOLVED_2020:
            outcome = "closed_2020"
        elif i < PROBLEMS_2020 - 3:
            outcome = "closed_2021"
        else:
            outcome = (RAISED, ASSIGNED, SOLVED)[i - (PROBLEMS_2020 - 3)]
        problem_specs.append((v, outcome))
    for i, v in enumerate(chosen21):
        problem_specs.append(
            (v, "closed_2021" if i < 7 else (RAISED, ASSIGNED, SOLVED, ASSIGNED, SOLVED)[i - 7])
        )

    apps: list[Application] = []
    rows: list[dict[str, Any]] = []
    for n, (v, outcome) in enumerate(problem_specs):
        category = list(PROBLEMS)[n % len(PROBLEMS)]
        text, department = PROBLEMS[category]
        raised = v.visited_on
        assigned = raised + dt.timedelta(days=rng.randint(1, 4))
        span = rng.randint(8, 45)
        if outcome == "closed_2020":
            span = min(span, (dt.date(2020, 12, 28) - assigned).days - 2)
        solved = assigned + dt.timedelta(days=max(span, 3))
        closed = solved + dt.timedelta(days=rng.randint(1, 3))
        if outcome == "closed_2021" and closed.year < 2021:
            closed = dt.date(2021, 1, 5) + dt.timedelta(days=n % 60)
            solved = closed - dt.timedelta(days=2)
        reopen = outcome.startswith("closed") and n % 11 == 5
        stage = CLOSED if outcome.startswith("closed") else outcome
        steps = [("", RAISED, raised, "走访中提出")]
        if stage != RAISED:
            steps.append((RAISED, ASSIGNED, assigned, f"交办{department}"))
        if stage in (SOLVED, CLOSED):
            if reopen:
                first = assigned + dt.timedelta(days=max(2, (solved - assigned).days // 2))
                steps.append((ASSIGNED, SOLVED, first, "已答复企业"))
                steps.append((SOLVED, ASSIGNED, first, "企业认为未解决，退回重办：希望进一步落实"))
            steps.append((ASSIGNED, SOLVED, solved, RESOLUTIONS[category]))
        if stage == CLOSED:
            steps.append((SOLVED, CLOSED, closed, "企业确认已解决"))
        apps.append(
            Application(
                programme=PROBLEM,
                enterprise=v.enterprise,
                year=raised.year,
                kind=category,
                stage=stage,
                title=text,
                version=len(steps),
            )
        )
        rows.append(
            {
                "visit": v,
                "category": category,
                "text": text,
                "department": department if stage != RAISED else "",
                "assignee": people[n % len(people)] if stage != RAISED else None,
                "raised": raised,
                "assigned": assigned if stage != RAISED else None,
                "due": assigned + dt.timedelta(days=30) if stage != RAISED else None,
                "solved": solved if stage in (SOLVED, CLOSED) else None,
                "closed": closed if stage == CLOSED else None,
                "reopen": int(reopen),
                "steps": steps,
                "stage": stage,
            }
        )
    apps = Application.objects.bulk_create(apps)
    problems = Problem.objects.bulk_create(
        [
            Problem(
                application=app,
                stage=r["stage"],
                region=r["visit"].region,
                visit=r["visit"],
                category=r["category"],
                description=f"{r['text']}（{r['visit'].enterprise.name}）"
                if r["visit"].enterprise
                else r["text"],
                raised_on=r["raised"],
                raised_by=r["visit"].visitor,
                department=r["department"],
                assignee=r["assignee"],
                assigned_on=r["assigned"],
                due_on=r["due"],
                resolution=RESOLUTIONS[r["category"]] if r["solved"] else "",
                resolved_on=r["solved"],
                closed_on=r["closed"],
                confirmed_by=kjj if r["closed"] else None,
                reopen_count=r["reopen"],
                objection="希望进一步落实" if r["reopen"] else "",
            )
            for app, r in zip(apps, rows, strict=True)
        ]
    )
    events = [
        Event(application=app, from_stage=frm, stage=to, on=on, by=kjj, by_name=str(kjj), note=note)
        for app, r in zip(apps, rows, strict=True)
        for frm, to, on, note in r["steps"]
    ]
    audit += [
        build_entry(
            actor=kjj,
            action="create",
            obj=p,
            after=snapshot(p, PROBLEM_FIELDS),
            enterprise_id=app.enterprise_id,
            via="demo",
        )
        for p, app in zip(problems, apps, strict=True)
    ]
    written += len(problems)

    # Service requests: 2020 (all reviewed) and 2021 to the demo's today (some open, two
    # past their deadline and escalated).
    qiye = (
        EnterpriseMember.objects.filter(user__username="qiye")
        .select_related("enterprise__region")
        .first()
    )
    served = [f for f in firms if f.region.path.startswith(county.path)]
    own_firms = [
        a.enterprise
        for a in HelperAssignment.objects.filter(user=helpers[0]).select_related("enterprise")
    ]
    req_plan: list[tuple[dt.date, Enterprise, str]] = []
    for year, count, until in ((2020, 64, dt.date(2020, 12, 20)), (2021, 36, dt.date(2021, 6, 28))):
        for day in sorted(rng.sample(_workdays(year, until), count)):
            key = rng.choice(list(REQUESTS))
            # The first helper keeps to the firms the demo assigned to them.
            pool = own_firms if key in ("policy", "business") and own_firms else served
            req_plan.append((day, rng.choice(pool), key))
    if qiye is not None:
        req_plan += [
            (dt.date(2020, 9, 8), qiye.enterprise, "finance"),
            (dt.date(2021, 5, 20), qiye.enterprise, "project"),
            (dt.date(2021, 6, 25), qiye.enterprise, "novelty"),
        ]
    helper_of = {
        "policy": helpers[0],
        "business": helpers[0],
        "project": helpers[1],
        "finance": helpers[2],
        "novelty": helpers[2],
    }
    leader_of = {p.user_id: p.leader for p in HelperProfile.objects.select_related("leader")}
    req_apps: list[Application] = []
    req_rows: list[dict[str, Any]] = []
    for n, (day, firm, key) in enumerate(req_plan):
        rtype = types[key]
        due = workdays.add_workdays(day, rtype.deadline_days, county)
        helper = helper_of[key]
        steps = [("", SUBMITTED, day, "建立")]
        accepted = workdays.add_workdays(day, 1, county)
        late = n % 13 == 7
        finish = workdays.add_workdays(
            day, rtype.deadline_days + (2 if late else -1 if rtype.deadline_days > 2 else 0), county
        )
        # Open: what is not finished by the demo's today, and a few recent ones.
        if finish >= TODAY or (day >= dt.date(2021, 5, 20) and n % 4 == 0):
            stage = IN_PROGRESS if accepted < TODAY else SUBMITTED
        else:
            stage = REVIEWED if finish + dt.timedelta(days=3) < TODAY else RESOLVED
        if stage != SUBMITTED:
            steps.append((SUBMITTED, ACCEPTED, accepted, "已受理"))
        if stage in (IN_PROGRESS, RESOLVED, REVIEWED):
            steps.append((ACCEPTED, IN_PROGRESS, accepted, "开始办理"))
        if stage in (RESOLVED, REVIEWED):
            steps.append((IN_PROGRESS, RESOLVED, finish, REPLIES[key]))
        rating = None
        if stage == REVIEWED:
            rating = 5 if rng.random() < 0.7 else 4 if rng.random() < 0.8 else 3
            if late:
                rating = 3
            steps.append((RESOLVED, REVIEWED, finish + dt.timedelta(days=2), f"满意度{rating}分"))
        escalated = stage in (SUBMITTED, ACCEPTED, IN_PROGRESS) and due < TODAY
        req_apps.append(
            Application(
                programme=REQUEST,
                enterprise=firm,
                year=day.year,
                kind=key,
                stage=stage,
                title=REQUESTS[key][n % 2],
                data={"description": f"{REQUESTS[key][n % 2]}，请帮办员联系。"},
                version=len(steps),
            )
        )
        req_rows.append(
            {
                "type": rtype,
                "day": day,
                "due": due,
                "helper": helper,
                "channel": ServiceRequest.Channel.ONLINE if n % 3 else ServiceRequest.Channel.PHONE,
                "resolved": finish if stage in (RESOLVED, REVIEWED) else None,
                "reply": REPLIES[key] if stage in (RESOLVED, REVIEWED) else "",
                "rating": rating,
                "reviewed": finish + dt.timedelta(days=2) if rating else None,
                "escalated": escalated,
                "steps": steps,
            }
        )
    req_apps = Application.objects.bulk_create(req_apps)
    reqs = ServiceRequest.objects.bulk_create(
        [
            ServiceRequest(
                application=app,
                request_type=r["type"],
                channel=r["channel"],
                filed_by=kjj if r["channel"] == ServiceRequest.Channel.PHONE else None,
                filed_on=r["day"],
                helper=r["helper"],
                assigned_on=r["day"],
                due_on=r["due"],
                resolved_on=r["resolved"],
                reply=r["reply"],
                satisfaction=r["rating"],
                feedback="" if (r["rating"] or 5) > 3 else "办理及时性有待提高",
                reviewed_on=r["reviewed"],
                escalated_on=workdays.add_workdays(r["due"], 1, county) if r["escalated"] else None,
                escalated_to=(leader_of.get(r["helper"].pk) or to_bureau.lead)
                if r["escalated"]
                else None,
                escalated_as=("leader" if leader_of.get(r["helper"].pk) else "bureau")
                if r["escalated"]
                else "",
            )
            for app, r in zip(req_apps, req_rows, strict=True)
        ]
    )
    events += [
        Event(
            application=app,
            from_stage=frm,
            stage=to,
            on=on,
            by=r["helper"] if to != SUBMITTED else kjj,
            by_name=str(r["helper"] if to != SUBMITTED else kjj),
            note=note,
        )
        for app, r in zip(req_apps, req_rows, strict=True)
        for frm, to, on, note in r["steps"]
    ]
    events += [
        Event(
            application=req.application,
            from_stage=req.application.stage,
            stage=req.application.stage,
            on=req.escalated_on,
            by_name="系统",
            note=f"超过办结期限{req.due_on:%Y-%m-%d}，"
            + (
                Escalation("leader", req.escalated_to).label
                if req.escalated_as == "leader"
                else to_bureau.label
            ),
        )
        for req in reqs
        if req.escalated_on
    ]
    Event.objects.bulk_create(events, batch_size=1000)
    HelperAssignment.objects.bulk_create(
        [
            HelperAssignment(
                user=r.helper, enterprise_id=r.application.firm_id, since_on=r.filed_on
            )
            for r in reqs
            if r.helper
        ],
        ignore_conflicts=True,
    )
    audit += [
        build_entry(
            actor=kjj,
            action="create",
            obj=r,
            after=snapshot(r, REQUEST_FIELDS),
            enterprise_id=r.application.enterprise_id,
            via="demo",
        )
        for r in reqs
    ]
    audit_bulk(audit)
    written += len(reqs) + len(events)
    return written

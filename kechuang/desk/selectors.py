"""Reads of the service desk, scoped to the actor (404 outside the scope)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.accounts.models import Region, User
from kechuang.accounts.scoping import role_of, scope_region, sees_everything
from kechuang.core import periods
from kechuang.core.errors import NotFound
from kechuang.desk import counties, permissions, workdays
from kechuang.desk import leaders as leaders_mod
from kechuang.desk.models import (
    BureauLeader,
    CountySettings,
    DeskVisit,
    HelperProfile,
    Linkage,
    Notice,
    Problem,
    ProblemLimit,
    RequestType,
    RoutingRule,
    ServiceRequest,
    WorkdayOverride,
)
from kechuang.desk.workflow import (
    ASSIGNED,
    CLOSED,
    PROBLEM_OPEN,
    PROBLEM_WORKFLOW,
    RAISED,
    REQUEST_OPEN,
    REQUEST_WORKFLOW,
    RESOLVED,
    SOLVED,
)
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.selectors import enterprise_queryset
from kechuang.programmes.models import Attachment, Event

# A request due within this many working days shows as 即将到期.
DUE_SOON_WORKDAYS = 1


# -- requests ----------------------------------------------------------------------------


def request_types(county: Region | None, *, active_only: bool = True) -> QuerySet[RequestType]:
    """The request types of `county` (none without a county)."""
    qs = RequestType.objects.filter(county=county) if county else RequestType.objects.none()
    return qs.filter(active=True) if active_only else qs


def county_for(actor: Any, code: str = "") -> Region | None:
    """The county whose configuration `actor` reads or edits (see `counties.county_for`)."""
    return counties.county_for(actor, code)


def counties_of(actor: Any) -> list[Region]:
    return counties.counties_of(actor)


def county_of(region: Region | None) -> Region | None:
    return counties.county_of(region)


def request_type_get(pk: Any) -> RequestType | None:
    text = str(pk or "")
    if not text.isdecimal() or len(text) > 12:
        return None
    return RequestType.objects.filter(pk=int(text)).select_related("county").first()


def request_type_for(enterprise: Enterprise, pk: Any) -> RequestType | None:
    """The type picked on the form (`pk`), as the enterprise's county has it: the form
    lists one county's types, and a city bureau may file for a firm of another county."""
    picked = request_type_get(pk)
    county = counties.county_of(enterprise.region)
    if picked is None or county is None or picked.county_id == county.pk:
        return picked
    return RequestType.objects.filter(county=county, key=picked.key).first() or picked


def request_queryset(actor: Any) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.visible_to(actor).select_related(
        "application",
        "application__enterprise",
        "application__enterprise__region",
        "request_type",
        "helper",
        "escalated_to",
    )


def request_get(*, actor: Any, pk: int) -> ServiceRequest:
    found = request_queryset(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("诉求不存在或无权查看")
    return found


def requests_list(
    actor: Any, *, stage: str = "", type_key: str = "", flag: str = "", day: dt.date | None = None
) -> QuerySet[ServiceRequest]:
    qs = request_queryset(actor)
    today = day or periods.today()
    if stage:
        qs = qs.filter(application__stage=stage)
    if type_key:
        qs = qs.filter(request_type__key=type_key)
    if flag == "open":
        qs = qs.filter(application__stage__in=REQUEST_OPEN)
    elif flag == "overdue":
        qs = qs.filter(application__stage__in=REQUEST_OPEN, due_on__lt=today)
    elif flag == "escalated":
        qs = qs.filter(escalated_on__isnull=False)
    return qs.order_by("-filed_on", "-id")


def work_queue(actor: Any, day: dt.date | None = None) -> QuerySet[ServiceRequest]:
    """A helper's open requests; for the bureau every open request of its area (escalated
    to the user first); an officer those of their area. Earliest deadline first."""
    qs = request_queryset(actor).filter(application__stage__in=REQUEST_OPEN)
    if role_of(actor) == "helper":
        qs = qs.filter(helper=actor)
    return qs.order_by("due_on", "id")


def awaiting_review(actor: Any) -> QuerySet[ServiceRequest]:
    """Requests resolved and not yet rated: the enterprise's 待评价, the bureau's 待回访."""
    return request_queryset(actor).filter(application__stage=RESOLVED).order_by("resolved_on", "id")


def due_flag(req: ServiceRequest, day: dt.date) -> str:
    """逾期 / 即将到期 / "" for an open request on `day`."""
    if not req.is_open():
        return ""
    if req.due_on < day:
        return "逾期"
    if workdays.workdays_between(day, req.due_on, req.request_type.county_id) <= DUE_SOON_WORKDAYS:
        return "即将到期"
    return ""


def events_of(req_or_problem: Any) -> list[Event]:
    """The frame's events of a request or a firm's problem (a town's or park's problem
    has none: its moves are in the audit log, its dates on the record)."""
    if req_or_problem.application is None:
        return []
    return list(req_or_problem.application.events.select_related("by").order_by("on", "id"))


def attachments_of(req_or_problem: Any) -> list[Attachment]:
    if req_or_problem.application is None:
        return []
    return list(req_or_problem.application.attachments.order_by("-uploaded_at", "-id"))


def attachment_get(*, actor: Any, pk: int) -> Attachment:
    """A file of a request or problem the actor may see."""
    reqs = request_queryset(actor).values("application_id")
    probs = problem_queryset(actor).values("application_id")
    found = (
        Attachment.objects.filter(pk=pk)
        .filter(Q(application_id__in=reqs) | Q(application_id__in=probs))
        .first()
    )
    if found is None:
        raise NotFound("附件不存在或无权查看")
    return found


def enterprise_lookup(actor: Any, text: str) -> Enterprise | None:
    """A firm in the actor's scope by its exact USCC or name."""
    text = (text or "").strip()
    if not text:
        return None
    return (
        enterprise_queryset(actor)
        .filter(Q(uscc=text.upper()) | Q(name=text))
        .select_related("region")
        .first()
    )


def own_enterprise(actor: Any) -> Enterprise | None:
    from kechuang.enterprises.selectors import own_enterprise as own

    return own(actor)


def next_stages(actor: Any, req_or_problem: Any) -> list[tuple[str, str]]:
    if isinstance(req_or_problem, Problem) and req_or_problem.application is None:
        from kechuang.desk.permissions import area_problem_moves

        moves = area_problem_moves(actor, req_or_problem)
        return [(s, PROBLEM_WORKFLOW.label_of(s)) for s in moves]
    workflow = REQUEST_WORKFLOW if isinstance(req_or_problem, ServiceRequest) else PROBLEM_WORKFLOW
    stage = req_or_problem.application.stage
    return [(s, workflow.label_of(s)) for s in workflow.next_stages(stage, role_of(actor))]


def helpers(county: Region | Any | None) -> QuerySet[User]:
    """The active helpers of `county` (only they are listed and picked for it)."""
    return leaders_mod.helpers_of(county)


def helper_choice(pk: Any) -> User | None:
    """A helper picked on a page: any active helper (the service refuses, naming the
    field, one of another county)."""
    text = str(pk or "")
    if not text.isdecimal():
        return None
    return User.objects.filter(role="helper", is_active=True, pk=int(text)).first()


def leaders(actor: Any) -> QuerySet[User]:
    """The leaders the actor's bureau picks (挂钩联系, a helper's 分管领导): the county's
    designated 局领导 when it designated any, else its bureau staff."""
    own = scope_region(actor)
    if own is None or role_of(actor) != "staff":
        return User.objects.none()
    return leaders_mod.leader_pool(own)


def bureau_leaders(county: Region) -> list[BureauLeader]:
    """Every 局领导 row of `county` (active or not), in order, for its settings page."""
    return list(BureauLeader.objects.filter(county=county).select_related("user"))


def leader_titles(actor: Any) -> dict[int, str]:
    """The titles of the active designated 局领导 in the actor's area (user id → title)."""
    own = scope_region(actor)
    if own is None:
        return {}
    return dict(
        BureauLeader.objects.filter(active=True, county__path__startswith=own.path).values_list(
            "user_id", "title"
        )
    )


def leader_label(user: Any, title: str) -> str:
    """A leader as pages name them: with the designated title unless the name has it."""
    name = str(user)
    return name if not title or title in name else f"{name}（{title}）"


def leader_options(actor: Any) -> list[tuple[int, str]]:
    """The linkage page's leader picker: (id, name with title)."""
    titles = leader_titles(actor)
    return [(u.pk, leader_label(u, titles.get(u.pk, ""))) for u in leaders(actor)]


def county_staff_choices(county: Region) -> QuerySet[User]:
    """The active bureau staff of `county`: whom its bureau may designate as 局领导."""
    return User.objects.filter(
        role="staff", is_active=True, region__path__startswith=county.path
    ).order_by("display_name", "username")


def staff_choice(county: Region, pk: Any) -> User | None:
    text = str(pk or "")
    return county_staff_choices(county).filter(pk=int(text)).first() if text.isdecimal() else None


def leader_choice(actor: Any, pk: Any) -> User | None:
    text = str(pk or "")
    return leaders(actor).filter(pk=int(text)).first() if text.isdecimal() else None


def people_choices(actor: Any) -> QuerySet[User]:
    """Who a problem can be given to: bureau staff and officers of the actor's area,
    and the helpers of its county."""
    own = scope_region(actor)
    if own is None:
        return User.objects.none()
    helpers_here = leaders_mod.helpers_under(own).values("pk")
    return User.objects.filter(
        Q(role__in=["staff", "officer"], region__path__startswith=own.path)
        | Q(pk__in=helpers_here),
        is_active=True,
    ).order_by("role", "display_name", "username")


def person_choice(actor: Any, pk: Any) -> User | None:
    text = str(pk or "")
    return people_choices(actor).filter(pk=int(text)).first() if text.isdecimal() else None


def areas(actor: Any) -> list[Region]:
    own = scope_region(actor)
    if own is None:
        return []
    return [
        r
        for r in Region.objects.filter(path__startswith=own.path).order_by("sort_order", "code")
        if r.is_area
    ]


def area_choice(actor: Any, code: str) -> Region | None:
    return next((a for a in areas(actor) if a.code == code), None)


# -- visits and problems -----------------------------------------------------------------


def visit_queryset(actor: Any) -> QuerySet[DeskVisit]:
    return DeskVisit.objects.visible_to(actor).select_related(
        "region", "enterprise", "visitor", "followed_up_by"
    )


def visits_list(actor: Any, *, year: int, visitor: str = "", area: str = "") -> QuerySet[DeskVisit]:
    qs = visit_queryset(actor).filter(visited_on__year=year)
    if visitor.isdecimal():
        qs = qs.filter(visitor_id=int(visitor))
    if area:
        qs = qs.filter(region__path__contains=f"{area}/")
    return qs.order_by("-visited_on", "-id")


def visit_get(*, actor: Any, pk: int) -> DeskVisit:
    found = visit_queryset(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("走访记录不存在或无权查看")
    return found


def follow_ups_due(actor: Any, day: dt.date, days: int = 7) -> QuerySet[DeskVisit]:
    """The actor's own visits whose follow-up date has come (or comes within `days`)
    and that no later visit has followed up."""
    return (
        visit_queryset(actor)
        .filter(
            visitor=actor,
            follow_up_on__isnull=False,
            follow_up_on__lte=day + dt.timedelta(days=days),
            followed_up_by__isnull=True,
        )
        .order_by("follow_up_on", "id")
    )


def visitors(actor: Any, year: int) -> list[tuple[str, str]]:
    rows = (
        visit_queryset(actor)
        .filter(visited_on__year=year)
        .values_list("visitor_id", "visitor_name")
        .distinct()
    )
    return sorted({(str(pk), name) for pk, name in rows if pk}, key=lambda r: r[1])


def problem_queryset(actor: Any) -> QuerySet[Problem]:
    return Problem.objects.visible_to(actor).select_related(
        "application",
        "application__enterprise",
        "application__enterprise__region",
        "region",
        "visit",
        "assignee",
    )


def problem_get(*, actor: Any, pk: int) -> Problem:
    found = problem_queryset(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("企业难题不存在或无权查看")
    return found


def problems_list(
    actor: Any, *, year: int, stage: str = "", category: str = ""
) -> QuerySet[Problem]:
    qs = problem_queryset(actor).filter(Q(raised_on__year=year) | Q(stage__in=PROBLEM_OPEN))
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-raised_on", "-id")


def problem_board(actor: Any, year: int) -> list[tuple[str, str, list[Problem]]]:
    """Columns of the problem board: each stage with its problems (the year's, and every
    one still open)."""
    cards: dict[str, list[Problem]] = defaultdict(list)
    for p in problems_list(actor, year=year):
        cards[p.stage].append(p)
    return [(s.key, s.label, cards.get(s.key, [])) for s in PROBLEM_WORKFLOW.stages]


def problems_of_visit(actor: Any, visit: DeskVisit) -> list[Problem]:
    return list(problem_queryset(actor).filter(visit=visit).order_by("raised_on", "id"))


def problems_to_confirm(actor: Any) -> QuerySet[Problem]:
    return problem_queryset(actor).filter(stage=SOLVED).order_by("resolved_on", "id")


def problem_flag(p: Problem, day: dt.date) -> str:
    """逾期 (and 已升级督办) / 即将到期 / "" for a problem given out and not yet solved."""
    if p.stage != ASSIGNED or p.due_on is None:
        return ""
    if p.due_on < day:
        return "逾期，已升级督办" if p.escalated_on else "逾期"
    if p.due_on <= day + dt.timedelta(days=1):
        return "即将到期"
    return ""


def problem_due(p: Problem, day: dt.date) -> dt.date:
    """The deadline a problem given out on `day` gets by default (its category's limit)."""
    return workdays.problem_due(p, day)


def problems_escalated_to(actor: Any) -> QuerySet[Problem]:
    """Open problems escalated to the actor (a leader's 督办)."""
    return (
        problem_queryset(actor)
        .filter(escalated_to=actor, stage__in=PROBLEM_OPEN)
        .order_by("due_on", "id")
    )


def area_problems_to_confirm(actor: Any) -> QuerySet[Problem]:
    """Problems of towns and parks solved and awaiting the visiting unit's confirmation:
    the visitor's own, and an officer's area's (the bureau's too)."""
    qs = problem_queryset(actor).filter(stage=SOLVED, application__isnull=True)
    if role_of(actor) not in ("staff", "officer"):
        qs = qs.filter(visit__visitor=actor)
    return qs.order_by("resolved_on", "id")


def problems_assigned_to(actor: Any) -> QuerySet[Problem]:
    return (
        problem_queryset(actor)
        .filter(assignee=actor, stage__in=PROBLEM_OPEN)
        .order_by("due_on", "id")
    )


def problems_awaiting(actor: Any) -> QuerySet[Problem]:
    """Open problems the actor answers for, and for the bureau those waiting for 交办."""
    mine = Q(assignee=actor, stage__in=PROBLEM_OPEN) | Q(escalated_to=actor, stage__in=PROBLEM_OPEN)
    if role_of(actor) in ("staff", "officer"):
        mine |= Q(stage=SOLVED, application__isnull=True)
    if role_of(actor) == "staff":
        mine |= Q(stage=RAISED)
    return problem_queryset(actor).filter(mine)


def problems_to_assign(actor: Any) -> QuerySet[Problem]:
    return problem_queryset(actor).filter(stage=RAISED).order_by("raised_on", "id")


# -- linkage ----------------------------------------------------------------------------------


def linkages(actor: Any, year: int) -> QuerySet[Linkage]:
    own = scope_region(actor)
    if own is None:
        return Linkage.objects.none()
    return (
        Linkage.objects.filter(year=year, leader__region__path__startswith=own.path)
        .filter(
            Q(region__path__startswith=own.path)
            | Q(enterprise__region__path__startswith=own.path, enterprise__deleted_at__isnull=True)
        )
        .select_related("leader", "region", "enterprise", "enterprise__region")
        .order_by("leader__display_name", "region__sort_order", "enterprise__name")
    )


def linkage_get(*, actor: Any, pk: int) -> Linkage:
    found = Linkage.objects.filter(pk=pk).first()
    if found is None or found not in linkages(actor, found.year):
        raise NotFound("挂钩联系不存在或无权查看")
    return found


# -- configuration ------------------------------------------------------------------------


def config(actor: Any, county: Region, year: int) -> dict[str, Any]:
    """The settings page of `county`: its types, rules, working-day overrides and
    settings; its helpers and their leaders, its 局领导 (and whether the actor may
    designate them), the helpers of no county yet."""
    profiles = {
        p.user_id: p for p in HelperProfile.objects.filter(county=county).select_related("leader")
    }
    mine = list(helpers(county))
    overrides = WorkdayOverride.objects.filter(county=county, day__year__gte=year - 1).order_by(
        "day"
    )
    found = CountySettings.objects.filter(county=county).first()
    return {
        "county": county,
        "counties": counties_of(actor),
        "overlap_days": found.visit_overlap_days if found else counties.DEFAULT_OVERLAP_DAYS,
        "problem_limits": problem_limits(county),
        "types": list(request_types(county, active_only=False)),
        "rules": list(
            RoutingRule.objects.filter(county=county).select_related(
                "request_type", "region", "helper"
            )
        ),
        "helpers": mine,
        "helper_rows": [(h, profiles[h.pk].leader if h.pk in profiles else None) for h in mine],
        "unplaced_helpers": list(leaders_mod.unplaced_helpers()),
        "leaders": list(leaders_mod.leader_pool(county)),
        "bureau_leaders": bureau_leaders(county),
        "staff_choices": list(county_staff_choices(county)),
        "can_designate": permissions.can_designate(actor, county)[0],
        "areas": [a for a in areas(actor) if county.contains(a)],
        "overrides": list(overrides),
        "calendar_years": [(y, workdays.package_knows(y)) for y in range(year - 1, year + 2)],
    }


def problem_limits(county: Region | None) -> list[tuple[str, str, int]]:
    """Each problem category of `county` with its time limit (working days from 交办)."""
    set_ = dict(ProblemLimit.objects.filter(county=county).values_list("category", "deadline_days"))
    return [
        (key, label, set_.get(key, counties.DEFAULT_PROBLEM_DAYS))
        for key, label in Problem.Category.choices
    ]


def rule_get(*, actor: Any, pk: int) -> RoutingRule:
    """A routing rule of a county the actor configures (404 otherwise)."""
    found = RoutingRule.objects.filter(pk=pk, county__in=counties_of(actor)).first()
    if found is None:
        raise NotFound("分派规则不存在或无权查看")
    return found


def override_get(*, actor: Any, pk: int) -> WorkdayOverride:
    found = WorkdayOverride.objects.filter(pk=pk, county__in=counties_of(actor)).first()
    if found is None:
        raise NotFound("工作日调整不存在或无权查看")
    return found


def unknown_calendar_year(day: dt.date, county: Region | None) -> int | None:
    """The year (this or next) whose holiday notice neither the package nor the county
    bureau's overrides give, so that deadlines there count weekends only."""
    for year in (day.year, day.year + 1):
        if (
            not workdays.package_knows(year)
            and not WorkdayOverride.objects.filter(county=county, day__year=year).exists()
        ):
            return year
    return None


def notices(actor: Any, limit: int = 20) -> list[Notice]:
    return list(Notice.objects.filter(user=actor).order_by("-created_at", "-id")[:limit])


def notices_of(actor: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=actor).order_by("-created_at", "-id")


def unread_notices(actor: Any) -> int:
    return Notice.objects.filter(user=actor, read_at__isnull=True).count()


# -- measures -----------------------------------------------------------------------------


@dataclass
class Measure:
    """One row of the measures dashboard."""

    key: str
    name: str
    visits: int = 0
    problems_raised: int = 0
    problems_solved: int = 0
    problems_overdue: int = 0
    close_days: list[int] = field(default_factory=list)
    requests: int = 0
    requests_done: int = 0
    requests_overdue: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> Decimal | None:
        if not self.close_days:
            return None
        return Decimal(str(statistics.median(self.close_days))).quantize(Decimal("0.1"))

    @property
    def satisfaction(self) -> Decimal | None:
        if not self.ratings:
            return None
        return (Decimal(sum(self.ratings)) / len(self.ratings)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    @property
    def overdue(self) -> int:
        return self.problems_overdue + self.requests_overdue


BY_CHOICES = (("leader", "按走访人（领导）"), ("helper", "按帮办员"), ("area", "按乡镇（园区）"))


def measures(actor: Any, *, year: int, by: str, day: dt.date | None = None) -> list[Measure]:
    """Visits, problems raised and solved, median days to close, overdue and satisfaction
    for `year`, per visitor (leader), helper or area. A problem counts for the visitor
    of its visit; a request for its helper; both for the area of the firm. Per leader,
    each designated 局领导 of the area has a row, named with the title."""
    today = day or periods.today()
    rows: dict[str, Measure] = {}
    area_of = _area_resolver(actor)

    def row(key: str, name: str) -> Measure:
        if key not in rows:
            rows[key] = Measure(key, name)
        return rows[key]

    if by == "leader":
        # every designated 局领导 of the area has a row (named with the title), visits or not
        own = scope_region(actor)
        designated = BureauLeader.objects.filter(active=True, user__is_active=True)
        if own is not None:
            designated = designated.filter(county__path__startswith=own.path)
        elif not sees_everything(actor):
            designated = designated.none()
        for b in designated.select_related("user"):
            row(f"u{b.user_id}", leader_label(b.user, b.title))
    visits = visit_queryset(actor).filter(visited_on__year=year)
    problems = (
        problem_queryset(actor)
        .filter(Q(raised_on__year=year) | Q(closed_on__year=year))
        .select_related("visit")
    )
    requests = request_queryset(actor).filter(filed_on__year=year)
    year_end = periods.year_end(year, today)

    for v in visits:
        key = _key(by, v.visitor_id, v.visitor_name, area_of(v.region))
        if key is not None:
            row(*key).visits += 1
    for p in problems:
        who = (p.visit.visitor_id, p.visit.visitor_name) if p.visit else (p.raised_by_id, "")
        key = _key(by, who[0], who[1] or "—", area_of(p.region), helper=p.assignee)
        if key is None:
            continue
        m = row(*key)
        if p.raised_on.year == year:
            m.problems_raised += 1
        if p.stage == CLOSED and p.closed_on and p.closed_on.year == year:
            m.problems_solved += 1
            m.close_days.append((p.closed_on - p.raised_on).days)
        if p.stage in PROBLEM_OPEN and p.due_on and p.due_on < year_end:
            m.problems_overdue += 1
    for r in requests:
        helper = r.helper
        key = _key(
            by,
            helper.pk if helper else None,
            str(helper) if helper else "未分派",
            area_of(r.application.enterprise.region),
            helper=helper,
            for_request=True,
        )
        if key is None:
            continue
        m = row(*key)
        m.requests += 1
        if not r.is_open() and r.application.stage != "withdrawn":
            m.requests_done += 1
        if (r.is_open() and r.due_on < year_end) or (
            r.resolved_on is not None and r.resolved_on > r.due_on
        ):
            m.requests_overdue += 1
        if r.satisfaction:
            m.ratings.append(r.satisfaction)
    return sorted(rows.values(), key=lambda m: (-m.visits, -m.requests, m.name))


def _key(
    by: str,
    user_id: int | None,
    name: str,
    area: Region | None,
    *,
    helper: Any = None,
    for_request: bool = False,
) -> tuple[str, str] | None:
    if by == "area":
        return (area.code, area.name) if area else ("-", "县直及其他")
    if by == "helper":
        if for_request or helper is not None:
            return (f"u{helper.pk}", str(helper)) if helper else ("-", "未分派")
        return None
    if for_request:
        return None
    return (f"u{user_id}", name) if user_id else ("-", name or "—")


def _area_resolver(actor: Any) -> Any:
    areas_by_path = {a.path: a for a in areas(actor)}

    def area_of(region: Region | None) -> Region | None:
        if region is None:
            return None
        best = None
        for path, a in areas_by_path.items():
            if region.path.startswith(path) and (best is None or len(path) > len(best.path)):
                best = a
        return best

    return area_of


# -- indicators ------------------------------------------------------------------------------


def visits_in(region: Region, year: int) -> QuerySet[DeskVisit]:
    """Visits of `year` to towns, parks and firms of `region` (indicator `visits`)."""
    return (
        DeskVisit.objects.in_region(region)
        .filter(visited_on__year=year)
        .select_related("region", "enterprise")
        .order_by("visited_on", "id")
    )


def problems_solved_in(region: Region, year: int) -> QuerySet[Problem]:
    """Problems of firms of `region` the enterprise confirmed solved in `year`, and those
    raised on visits to its towns and parks the visiting unit confirmed solved
    (indicator `problems_solved`)."""
    return (
        Problem.objects.in_region(region)
        .filter(stage=CLOSED, closed_on__year=year)
        .select_related("application__enterprise", "application__enterprise__region", "region")
        .order_by("closed_on", "id")
    )


# -- the enterprise page ---------------------------------------------------------------------

PANEL_ROWS = 5


def enterprise_desk(*, actor: Any, enterprise: Enterprise) -> dict[str, Any]:
    """The firm's latest requests, latest visits (not for the enterprise itself: the visit
    log is internal) and open problems, as `actor` may see them (three queries)."""
    requests = list(
        request_queryset(actor)
        .filter(application__enterprise=enterprise)
        .order_by("-filed_on", "-id")[:PANEL_ROWS]
    )
    visits = (
        list(
            visit_queryset(actor)
            .filter(enterprise=enterprise)
            .order_by("-visited_on", "-id")[:PANEL_ROWS]
        )
        if role_of(actor) != "enterprise"
        else []
    )
    problems = list(
        problem_queryset(actor)
        .filter(application__enterprise=enterprise, stage__in=(*PROBLEM_OPEN, SOLVED))
        .order_by("raised_on", "id")[:PANEL_ROWS]
    )
    return {"requests": requests, "visits": visits, "problems": problems}


# -- the API ---------------------------------------------------------------------------------


def requests_page(
    actor: Any, *, page: int, size: int, stage: str = ""
) -> tuple[int, list[ServiceRequest]]:
    """One page of the requests `actor` may see (an enterprise: its own), newest first."""
    qs = requests_list(actor, stage=stage)
    start = (page - 1) * size
    return qs.count(), list(qs[start : start + size])


def visits_page(
    actor: Any, *, page: int, size: int, year: int | None = None
) -> tuple[int, list[DeskVisit]]:
    """One page of the visits `actor` may see (none for an enterprise), newest first."""
    qs = visit_queryset(actor).order_by("-visited_on", "-id")
    if year is not None:
        qs = qs.filter(visited_on__year=year)
    start = (page - 1) * size
    return qs.count(), list(qs[start : start + size])


# -- sheets ------------------------------------------------------------------------------


def visit_recorders(actor: Any) -> list[User]:
    """Whose visits `actor` may record from a sheet: their own; the bureau and officers
    also those of the active staff and officers of their area and of its county's
    helpers."""
    role = role_of(actor)
    if role == "helper":
        return [actor]
    own = scope_region(actor)
    if role not in ("staff", "officer") or own is None:
        return []
    return list(
        User.objects.filter(
            Q(role__in=["staff", "officer"], region__path__startswith=own.path)
            | Q(pk__in=leaders_mod.helpers_under(own).values("pk")),
            is_active=True,
        )
        .select_related("region")
        .order_by("id")
    )


def sheet_enterprises(actor: Any, codes: list[str]) -> dict[str, Enterprise]:
    """The firms in `actor`'s scope with these USCCs, by USCC."""
    found = enterprise_queryset(actor).filter(uscc__in=codes).select_related("region")
    return {e.uscc: e for e in found}


def sheet_visits(actor: Any, days: list[dt.date]) -> QuerySet[DeskVisit]:
    """The visits `actor` sees on these days (a sheet's rows refer to them)."""
    return visit_queryset(actor).filter(visited_on__in=days).order_by("id")


def visits_export(actor: Any, *, year: int | None = None) -> QuerySet[DeskVisit]:
    qs = visit_queryset(actor)
    if year:
        qs = qs.filter(visited_on__year=year)
    return qs.order_by("visited_on", "id")


def sheet_problems(actor: Any, visit_ids: list[int]) -> QuerySet[Problem]:
    return problem_queryset(actor).filter(visit_id__in=visit_ids).order_by("id")


def problems_export(actor: Any, *, year: int | None = None) -> QuerySet[Problem]:
    """Problems raised on visits (the sheet names each one's visit)."""
    qs = problem_queryset(actor).filter(visit__isnull=False).select_related("visit__enterprise")
    if year:
        qs = qs.filter(raised_on__year=year)
    return qs.order_by("raised_on", "id")

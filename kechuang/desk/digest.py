"""The daily run of the desk: escalate what is overdue (requests and problems), then one
digest per user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kechuang.accounts.models import User
from kechuang.desk import notify, selectors, services
from kechuang.desk.models import Notice, Problem, ServiceRequest
from kechuang.desk.workflow import PROBLEM_OPEN, REQUEST_OPEN


@dataclass
class DailyResult:
    escalated: int
    digests: list[notify.Digest]
    sent: int
    problems_escalated: int = 0


def daily_run(*, day: dt.date, dry_run: bool = False) -> DailyResult:
    """Escalate overdue requests (unless `dry_run`), gather each user's digest: unsent
    notices, and open requests and problems of theirs due within a working day or
    overdue; e-mail them when e-mail is configured."""
    escalated = [] if dry_run else services.requests_escalate(day=day)
    escalated_problems = [] if dry_run else services.problems_escalate(day=day)
    by_user: dict[int, notify.Digest] = {}

    def digest(user: User) -> notify.Digest:
        if user.pk not in by_user:
            by_user[user.pk] = notify.Digest(user)
        return by_user[user.pk]

    for n in Notice.objects.filter(emailed_at__isnull=True).select_related("user").order_by("id"):
        if n.user.is_active:
            digest(n.user).notices.append(n)
    reqs = ServiceRequest.objects.filter(
        application__stage__in=REQUEST_OPEN, helper__isnull=False, helper__is_active=True
    ).select_related("application__enterprise", "helper", "request_type")
    for r in reqs.order_by("due_on", "id"):
        flag = selectors.due_flag(r, day)
        if flag and r.helper is not None:
            digest(r.helper).lines.append(
                f"[{flag}] {r.application.enterprise.name}「{r.application.title}」"
                f"办结期限{r.due_on:%Y-%m-%d}"
            )
    problems = Problem.objects.filter(
        stage__in=PROBLEM_OPEN, assignee__isnull=False, assignee__is_active=True
    ).select_related("application__enterprise", "region", "assignee")
    for p in problems.order_by("due_on", "id"):
        if (
            p.assignee is not None
            and p.due_on is not None
            and p.due_on <= day + dt.timedelta(days=1)
        ):
            flag = "逾期" if p.due_on < day else "即将到期"
            if p.escalated_on is not None:
                flag += "，已升级督办"
            digest(p.assignee).lines.append(
                f"[{flag}] 问题 {p.target_name}「{p.short}」办结期限{p.due_on:%Y-%m-%d}"
            )
    digests = [d for d in by_user.values() if d.notices or d.lines]
    sent = notify.digest_send(digests, day, dry_run=dry_run)
    return DailyResult(len(escalated), digests, sent, len(escalated_problems))

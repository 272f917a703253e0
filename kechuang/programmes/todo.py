"""The frame's to-do sources (`kechuang.core.registry.TodoSource`): open tasks and the
calls closing soon of one programme. A programme app declares them in its `TODO`
contribution with its own links, e.g.

    TODO = [task_todo(PROGRAMME, url=…), deadline_todo(PROGRAMME, url=…)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kechuang.accounts.scoping import role_of
from kechuang.core.registry import TodoItem, TodoSource
from kechuang.programmes.models import Call, Task

# Calls whose 截止 falls within this many days are listed.
DEADLINE_DAYS = 30


def open_tasks(actor: Any, programme: str) -> Any:
    """Open tasks the actor owns or of their area (their scope), overdue (earliest
    due) first."""
    return (
        Task.objects.visible_to(actor)
        .filter(programme=programme, status=Task.Status.OPEN)
        .select_related("region", "enterprise", "owner")
        .order_by("due_on", "id")
    )


def closing_calls(programme: str, day: dt.date, days: int = DEADLINE_DAYS) -> Any:
    """Calls of the programme closing from `day` to `days` days later."""
    return Call.objects.filter(
        programme=programme, closes_on__gte=day, closes_on__lte=day + dt.timedelta(days=days)
    ).order_by("closes_on", "id")


def task_todo(
    programme: str,
    *,
    url: Callable[[Task, Any], str],
    title: str = "任务",
    more_url: str = "",
    order: int = 10,
    roles: frozenset[str] = frozenset({"staff", "officer", "helper"}),
) -> TodoSource:
    """Open tasks of `programme`; `url(task, user)` links each one."""

    def items(actor: Any, day: dt.date, limit: int) -> list[TodoItem]:
        out = []
        for t in open_tasks(actor, programme)[:limit]:
            who = [t.region.name, str(t.owner) if t.owner else "未指定责任人"]
            name = f"{t.title}（{t.enterprise.name}）" if t.enterprise else t.title
            out.append(
                TodoItem(
                    title=name,
                    url=url(t, actor),
                    due_on=t.due_on,
                    note="；".join(who),
                    overdue=t.overdue_on(day),
                )
            )
        return out

    return TodoSource(
        key=f"{programme}-tasks",
        title=title,
        items=items,
        count=lambda actor, day: open_tasks(actor, programme).count(),
        order=order,
        icon="bi-list-check",
        visible=lambda user: role_of(user) in roles,
        more_url=more_url,
    )


def deadline_todo(
    programme: str,
    *,
    url: Callable[[Call, Any], str],
    title: str = "即将截止的申报批次",
    more_url: str = "",
    order: int = 20,
    roles: frozenset[str] = frozenset({"staff", "officer"}),
    label: str = "截止",
) -> TodoSource:
    """Calls of `programme` closing within `DEADLINE_DAYS` days."""

    def items(actor: Any, day: dt.date, limit: int) -> list[TodoItem]:
        return [
            TodoItem(
                title=f"{c.name} {label}",
                url=url(c, actor),
                due_on=c.closes_on,
                note=f"还有{(c.closes_on - day).days}天",
            )
            for c in closing_calls(programme, day)[:limit]
        ]

    return TodoSource(
        key=f"{programme}-deadlines",
        title=f"{title}（{DEADLINE_DAYS}天内）",
        items=items,
        count=lambda actor, day: closing_calls(programme, day).count(),
        order=order,
        icon="bi-calendar-event",
        visible=lambda user: role_of(user) in roles,
        more_url=more_url,
    )

"""Working days (工作日) for deadlines: Monday to Friday, less the public holidays, plus
the adjusted working days (调休) that the State Council's yearly notice (国务院办公厅关于
某年部分节假日安排的通知) sets, as the `chinese-calendar` package carries them; the
bureau's overrides (`WorkdayOverride`) win, and are the only source for a year the
package does not know yet (then weekends alone are rest days, and pages say so). Each
county's bureau keeps its own overrides: a deadline counts with the overrides of the
county of the request or problem (`county` None: the package's calendar alone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import chinese_calendar

from kechuang.desk.models import Problem, ProblemLimit, WorkdayOverride

# Deadlines are counted at most this far ahead (a guard against a runaway loop).
MAX_SPAN_DAYS = 3 * 366


def package_knows(year: int) -> bool:
    """Whether `chinese-calendar` has the holiday notice of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def calendar_day(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    """Whether `day` is a working day, given the bureau's overrides (pure)."""
    if day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def overrides_between(start: dt.date, end: dt.date, county: Any) -> dict[dt.date, bool]:
    """The overrides of `county` (a Region or its id) between two days."""
    if county is None:
        return {}
    return dict(
        WorkdayOverride.objects.filter(county=county, day__gte=start, day__lte=end).values_list(
            "day", "is_workday"
        )
    )


def is_workday(day: dt.date, county: Any) -> bool:
    return calendar_day(day, overrides_between(day, day, county))


def add_workdays(start: dt.date, days: int, county: Any) -> dt.date:
    """The `days`-th working day after `start` (the day a request arrives does not
    count: filed on Friday with 1 day, it is due on the next working Monday)."""
    overrides = overrides_between(start, start + dt.timedelta(days=MAX_SPAN_DAYS), county)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day - start > dt.timedelta(days=MAX_SPAN_DAYS):
            raise ValueError("办理时限过长")
        if calendar_day(day, overrides):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date, county: Any) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    if end <= start:
        return 0
    overrides = overrides_between(start, end, county)
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += calendar_day(day, overrides)
    return n


def problem_limit_days(county: Any, category: str) -> int:
    """The time limit of a problem `category` in `county` (working days from 交办)."""
    from kechuang.desk.counties import DEFAULT_PROBLEM_DAYS

    found = ProblemLimit.objects.filter(county=county, category=category).first()
    return found.deadline_days if found is not None else DEFAULT_PROBLEM_DAYS


def problem_due(problem: Problem, day: dt.date) -> dt.date:
    """The deadline of a problem given out on `day`: its category's time limit counted in
    working days of its county."""
    from kechuang.desk.counties import county_of

    county = county_of(problem.region)
    return add_workdays(day, problem_limit_days(county, problem.category), county)

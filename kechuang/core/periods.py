"""Periods: the one place that says what "today", a fiscal year, an application year,
an assessment's "as of" date and a year's end are. Every page, panel, service and the
demo read dates from here, so one enterprise page never assesses two dates.

Terms (docs/glossary.md):
- fiscal year (会计年度): the year a row of yearly facts describes.
- application year (申报年度): the year an enterprise applies in; HNTE and tech-SME
  assessments of that year read the three fiscal years before it.
- as of (评价日期): the day an assessment is made; for an application year it is
  30 June of that year (mid-year, when the provincial batches open), never after today.
- year end (年末): 31 December of a year, or today for the current year.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

# The month and day an application year's assessments are made (mid-year).
APPLICATION_MONTH_DAY = (6, 30)
# Fiscal years an application reads: the three before the application year.
FISCAL_YEARS_READ = 3
EARLIEST_YEAR = 1980
LATEST_YEAR = 2100


def today() -> dt.date:
    """The working day: `KECHUANG_TODAY` when the instance has one (the demo county
    lives on 2021-06-30), else the local date in Asia/Shanghai."""
    fixed = getattr(settings, "KECHUANG_TODAY", None)
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(str(fixed))
    return timezone.localdate()


def year_end(year: int, on: dt.date | None = None) -> dt.date:
    """31 Dec of `year`, or `on` (default today) when that comes first."""
    return min(dt.date(year, 12, 31), on or today())


def application_as_of(year: int) -> dt.date:
    """The assessment date of application year `year` (30 June)."""
    month, day = APPLICATION_MONTH_DAY
    return dt.date(year, month, day)


def application_year_of(fiscal_year: int) -> int:
    """The application year that first reads `fiscal_year` as its latest year."""
    return fiscal_year + 1


def fiscal_years_of(application_year: int) -> tuple[int, ...]:
    """The fiscal years an application of `application_year` reads, oldest first."""
    return tuple(range(application_year - FISCAL_YEARS_READ, application_year))


def as_of_for_fiscal_year(fiscal_year: int | None, on: dt.date | None = None) -> dt.date:
    """The date to assess a page showing `fiscal_year`: the as-of of the application
    year after it, never after today; today when no year is known."""
    current = on or today()
    if fiscal_year is None:
        return current
    return min(application_as_of(application_year_of(fiscal_year)), current)


def work_day(year: int, on: dt.date | None = None) -> dt.date:
    """The date a plan-year page is "as of": today within that year, else the year's
    assessment date (so a demo loaded later still looks live)."""
    current = on or today()
    return current if current.year == year else application_as_of(year)


def parse_year(raw: str | None) -> int | None:
    """A year typed in a parameter, or None when it is not a plausible year."""
    text = (raw or "").strip()
    if text.isdigit() and EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        return int(text)
    return None


def parse_date(raw: str | None) -> dt.date | None:
    """An ISO date typed in a parameter, or None."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None

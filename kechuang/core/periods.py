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

The instance's today, in order:
1. `KECHUANG_TODAY` (an ISO date in the environment, `settings.KECHUANG_TODAY`) always
   wins: a training instance, a test, a one-off command.
2. The day the loaded data lives on, kept in a small file, `settings.KECHUANG_TODAY_FILE`
   (`var/today`). `kechuang demo` writes it (2021-06-30: the demo county's records end
   mid-2021), so `make run` serves the demo on its own day with nothing to set. A file
   beside the SQLite database rather than a table: it needs no migration, it is read
   without a query (cached by its modification time), and deleting `var/` — the way to
   reset an instance — removes it with the database. Delete the file alone to put a
   demo instance on the real date. Tests never read it (the setting is None there).
3. Else the local date in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

# The month and day an application year's assessments are made (mid-year).
APPLICATION_MONTH_DAY = (6, 30)
# Fiscal years an application reads: the three before the application year.
FISCAL_YEARS_READ = 3
EARLIEST_YEAR = 1980
LATEST_YEAR = 2100


log = logging.getLogger(__name__)

# The sources of today (`today_source`).
TODAY_FROM_SETTING = "setting"
TODAY_FROM_DATA = "data"
TODAY_REAL = "real"

# (path, modification time) → the date read from the file, so a page reads it once.
_file_cache: dict[tuple[str, int], dt.date | None] = {}


def _today_file() -> Path | None:
    path = getattr(settings, "KECHUANG_TODAY_FILE", None)
    return Path(path) if path else None


def _kept_today() -> dt.date | None:
    """The day written by `keep_today` (the demo's), when there is one."""
    path = _today_file()
    if path is None:
        return None
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _file_cache:
        _file_cache.clear()
        try:
            _file_cache[key] = dt.date.fromisoformat(path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            log.warning("%s 不是 YYYY-MM-DD 日期，按实际日期计", path)
            _file_cache[key] = None
    return _file_cache[key]


def _setting_today() -> dt.date | None:
    fixed = getattr(settings, "KECHUANG_TODAY", None)
    if not fixed:
        return None
    return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(str(fixed))


def today() -> dt.date:
    """The working day: `KECHUANG_TODAY` when set, else the day the loaded data lives
    on (`var/today`, written by `kechuang demo`: 2021-06-30), else the local date in
    Asia/Shanghai. Every date default reads it; audit timestamps do not."""
    return _setting_today() or _kept_today() or timezone.localdate()


def today_source() -> str:
    """Where `today()` comes from: the setting, the data's kept day, or the clock."""
    if _setting_today() is not None:
        return TODAY_FROM_SETTING
    if _kept_today() is not None:
        return TODAY_FROM_DATA
    return TODAY_REAL


def keep_today(day: dt.date | None) -> None:
    """Make `day` this instance's today when no `KECHUANG_TODAY` is set (None: forget
    it, back to the real date). Written by `kechuang demo`."""
    path = _today_file()
    if path is None:
        return
    if day is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(day.isoformat() + "\n", encoding="utf-8")


def chinese_date(day: dt.date) -> str:
    """2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def today_label() -> str:
    """Today as the top bar shows it: "2021年6月30日（演示）" on the day the data lives
    on, "（设定）" for KECHUANG_TODAY, the bare date on the real one."""
    note = {TODAY_FROM_DATA: "（演示）", TODAY_FROM_SETTING: "（设定）"}.get(today_source(), "")
    return chinese_date(today()) + note


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

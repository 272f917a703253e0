"""The query-string parameters every page shares, parsed in one place. A bad value is
never an error page: it falls back to the default, as a hand-edited URL deserves.
Every value read here has its control characters removed (PostgreSQL refuses a NUL in
a string: `?q=%00` was a 500) and is cut to a sane length; views read text with
`text_param`, never `request.GET` itself.

    year = year_param(request, default=lambda: selectors.default_year(request.user))
    region = region_param(request, visible_regions(request.user))   # None = whole scope
    as_of = date_param(request, "as_of", default=periods.as_of_for_fiscal_year(year))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kechuang.core import periods

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Page numbers beyond this are treated as "the last page" (no int() of a huge string).
MAX_PAGE_DIGITS: Final = 9


# No parameter a page reads is longer (a search is 60 characters, a code 18).
MAX_PARAM_LENGTH: Final = 200
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def clean_text(value: str | None, max_length: int = MAX_PARAM_LENGTH) -> str:
    """`value` without NUL and other control characters, stripped and cut."""
    return (value or "").translate(_CONTROL).strip()[:max_length]


def _raw(request: HttpRequest, name: str) -> str:
    """A parameter from the query string, else from a POSTed form (cleaned)."""
    value = request.GET.get(name)
    if value is None and request.method == "POST":
        value = request.POST.get(name)
    return clean_text(value)


def text_param(request: HttpRequest, name: str, max_length: int = MAX_PARAM_LENGTH) -> str:
    """A free-text parameter (a search, a code): cleaned, at most `max_length` long."""
    return _raw(request, name)[:max_length]


def _default(default: T | Callable[[], T]) -> T:
    return default() if callable(default) else default


# The session key of the reporting year the user picked (?year=): kept while they move
# between pages, until they pick another or ask for the default (?year=default).
YEAR_SESSION_KEY = "kechuang_year"
YEAR_DEFAULT_WORD = "default"


def _session(request: HttpRequest) -> Any:
    return getattr(request, "session", None)


def kept_year(request: HttpRequest) -> int | None:
    """The reporting year the user picked earlier in this session, if any."""
    session = _session(request)
    value = session.get(YEAR_SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) else None


def _pick_year(request: HttpRequest, name: str, shift: int) -> int | None:
    """The year asked for in ?name= (remembered as a reporting year: `shift` is how far
    the page's year is from the reporting year it reads), else the one kept."""
    raw = _raw(request, name)
    session = _session(request)
    if raw == YEAR_DEFAULT_WORD:
        if session is not None and YEAR_SESSION_KEY in session:
            del session[YEAR_SESSION_KEY]
        return None
    year = periods.parse_year(raw)
    if year is not None:
        if session is not None and session.get(YEAR_SESSION_KEY) != year - shift:
            session[YEAR_SESSION_KEY] = year - shift
        return year
    kept = kept_year(request)
    return kept + shift if kept is not None else None


def year_param(request: HttpRequest, default: int | Callable[[], int], name: str = "year") -> int:
    """The reporting year of a record page: ?year= when it is a plausible year
    (`periods.parse_year`; then kept in the session for the other pages), else the year
    kept, else `default` (a value, or a callable so the default's query runs only when
    needed: `enterprises.selectors.default_year`). ?year=default forgets the kept year."""
    year = _pick_year(request, name, 0)
    return year if year is not None else _default(default)


def plan_year_param(
    request: HttpRequest, default: int | Callable[[], int], name: str = "year"
) -> int:
    """The application (plan) year of a target or plan page: as `year_param`, one year
    after the reporting year kept (`periods.application_year_of`), so that 2020 picked
    on the 企业库 opens the 培育 board on 2021 and back."""
    # periods.application_year_of(y) == y + 1: the plan year reads the year before it.
    year = _pick_year(request, name, periods.application_year_of(0))
    return year if year is not None else _default(default)


def date_param(
    request: HttpRequest, name: str, default: dt.date | Callable[[], dt.date] | None = None
) -> dt.date:
    """An ISO date (`periods.parse_date`), else `default`, else `periods.today()`."""
    day = periods.parse_date(_raw(request, name))
    if day is not None:
        return day
    return _default(default) if default is not None else periods.today()


def page_param(request: HttpRequest, name: str = "page") -> int:
    """A 1-based page number; junk is page 1, a huge number a very large page (the
    listing clamps it to its last page)."""
    text = _raw(request, name)
    if not text.isdecimal():
        return 1
    if len(text) > MAX_PAGE_DIGITS:
        return 10**MAX_PAGE_DIGITS
    return max(1, int(text))


def choice_param(
    request: HttpRequest, name: str, choices: Iterable[str] | Mapping[str, Any], default: str = ""
) -> str:
    """The parameter when it is one of `choices` (keys of a mapping), else `default`."""
    value = _raw(request, name)
    return value if value in choices else default


def flag_param(request: HttpRequest, name: str) -> bool | None:
    """A yes/no filter: "1" → True, "0" → False, anything else → None (no filter)."""
    return {"1": True, "0": False}.get(_raw(request, name))


def region_param(request: HttpRequest, regions: QuerySet[M], name: str = "region") -> M | None:
    """The region whose code is ?region=, among `regions` — the regions the actor may
    see (`accounts.scoping.visible_regions(actor)`), so an outsider's code is "no
    region" rather than another area's figures. None when absent or not visible."""
    code = _raw(request, name)
    if not code:
        return None
    return regions.filter(code=code).first()

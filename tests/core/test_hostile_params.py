"""Every URL, as every role, with hostile values in the query parameters it reads (and
the ones pages share): never a server error. A page answers 200/302/400/403/404/405 (a
400 with a Chinese reason), the API a JSON error.

What is tried (a sample of the full product routes × roles × values × parameters, which
cost 3,400 requests, chosen so that every distinct case is still met):
- every route, as every role: a plain visit (which also notes the parameters the view
  reads), and two hostile values in every parameter at once; the two values rotate with
  the route and the role, so that each route gets all six values between the three roles
  that are not bureau staff, and each role meets every value on a sixth of the routes;
- bureau staff (who reach every page and every branch): every hostile value in every
  parameter at once, on every route;
- each parameter alone (bureau staff), with the values that reach int() and date():
  a parameter name meets all three of them on the first route that reads it, and one of
  them, rotating, on every other route that reads it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from tests.test_scoping import all_routes, fill

pytestmark = pytest.mark.django_db

# Tried in each parameter alone (bureau staff): the values that reach int() and date().
ALONE = ("9223372036854775807", "-1", "abc")
# Parameters pages share, tried even where a first visit did not read them.
COMMON = ("page", "q", "year", "region", "sort", "enterprise", "as_of", "on", "day", "area", "id")
HOSTILE = (
    "9223372036854775807",
    "-1",
    "abc",
    "\x00",
    "2020-13-45",
    "x" * 3000,
)
OK_PAGE = {200, 302, 400, 403, 404, 405}
# The API's pages: Swagger UI, and the root (a 404 that names the docs).
API_PAGES = ("/api/v1/docs", "/api/v1/")
OK_API = {200, 400, 401, 403, 404, 405, 409, 422}


class Recorder:
    """Notes which query parameters a view reads (QueryDict.get / [] / getlist / in)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.keys: set[str] = set()
        original_get = QueryDict.get
        original_getitem = QueryDict.__getitem__
        original_getlist = QueryDict.getlist
        original_contains = QueryDict.__contains__
        keys = self.keys

        def get(qd: QueryDict, key: str, default: Any = None) -> Any:
            keys.add(key)
            return original_get(qd, key, default)

        def getitem(qd: QueryDict, key: str) -> Any:
            keys.add(key)
            return original_getitem(qd, key)

        def getlist(qd: QueryDict, key: str, default: Any = None) -> Any:
            keys.add(key)
            return original_getlist(qd, key, default)

        def contains(qd: QueryDict, key: object) -> bool:
            if isinstance(key, str):
                keys.add(key)
            return original_contains(qd, key)

        monkeypatch.setattr(QueryDict, "get", get)
        monkeypatch.setattr(QueryDict, "__getitem__", getitem)
        monkeypatch.setattr(QueryDict, "getlist", getlist)
        monkeypatch.setattr(QueryDict, "__contains__", contains)


def routes_for(target: Any) -> list[str]:
    urls = []
    for route in all_routes():
        if route.startswith("admin/") or "logout" in route:
            continue
        url, _params = fill(route, target, "no-such-token")
        urls.append(url)
    return urls


def check(client: Any, url: str, params: dict[str, str], problems: list[str], who: str) -> None:
    try:
        response = client.get(url, params)
    except Exception as exc:
        problems.append(f"{who} {url} {params!r:.80}: {type(exc).__name__}: {exc!s:.200}")
        return
    status = response.status_code
    if url.startswith("/api/") and url not in API_PAGES:
        json_answer = response["Content-Type"].startswith("application/json")
        if status not in OK_API or not (json_answer or status == 405):
            problems.append(f"{who} {url} {params!r:.80}: {status} {response['Content-Type']}")
    elif status not in OK_PAGE:
        problems.append(f"{who} {url} {params!r:.80}: {status}")
    elif status == 400 and "text/html" in response.get("Content-Type", ""):
        body = response.content.decode()
        if "error-reason" not in body:
            problems.append(f"{who} {url} {params!r:.80}: 400 without a Chinese reason")


def values_for(route_index: int, role_index: int) -> tuple[str, ...]:
    """The two hostile values a role that is not bureau staff tries on a route: roles
    1, 2, 3 get values i, i+1 / i+2, i+3 / i+4, i+5 (mod 6) of route i: all six."""
    first = route_index + 2 * (role_index - 1)
    return tuple(HOSTILE[(first + k) % len(HOSTILE)] for k in range(2))


def test_every_route_gets_every_value_from_the_roles_other_than_staff() -> None:
    for route in range(len(HOSTILE)):
        tried = {v for role in (1, 2, 3) for v in values_for(route, role)}
        assert tried == set(HOSTILE)


# One test per role (and the bureau's parameters-alone part on its own), so that xdist
# spreads the walk (90 s in one test before) over its workers.
ROLES = ("staff", "officer_a", "enterprise_user", "helper_user")
TARGETS = {"staff": "firm_b", "officer_a": "firm_a", "enterprise_user": "firm_b"}


def _walk(request: Any, monkeypatch: Any, client: Any, role: str, alone: bool) -> None:
    """As `role`: every route plainly (noting the parameters it reads), then either the
    hostile values in every parameter at once or (`alone`, bureau staff) each parameter
    alone with the values that reach int() and date()."""
    client.raise_request_exception = True
    problems: list[str] = []
    recorder = Recorder(monkeypatch)
    firms = {name: request.getfixturevalue(name) for name in ("firm_a", "firm_b")}
    actor = request.getfixturevalue(role)
    target = firms[TARGETS.get(role, "firm_a")]
    role_index = ROLES.index(role)
    alone_met: set[tuple[str, str]] = set()  # (parameter, value) tried alone somewhere
    alone_tries = 0
    client.force_login(actor)
    for route_index, url in enumerate(routes_for(target)):
        recorder.keys.clear()
        check(client, url, {}, problems, actor.username)
        read = set(recorder.keys) - {"format"}
        if not alone:
            names = read | set(COMMON)
            values = HOSTILE if role == "staff" else values_for(route_index, role_index)
            for value in values:
                check(client, url, {name: value for name in names}, problems, actor.username)
            continue
        for name_index, name in enumerate(sorted(read)):
            for value in ALONE:
                first = (name, value) not in alone_met
                turn = ALONE[(route_index + name_index) % len(ALONE)] == value
                if first or turn:
                    alone_met.add((name, value))
                    alone_tries += 1
                    check(client, url, {name: value}, problems, actor.username)
    if alone:
        assert alone_tries > 50 and len(alone_met) % len(ALONE) == 0, (alone_tries, alone_met)
    assert not problems, "\n".join(problems[:80]) + f"\n({len(problems)} in all)"


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_parameters_never_crash(
    request: Any, monkeypatch: Any, client: Any, role: str, enterprise_user: Any, helper_user: Any
) -> None:
    """See the module's docstring for what is tried. (Every role's test makes every
    persona, so that each role's pages show the same county.)"""
    request.getfixturevalue("staff")
    request.getfixturevalue("officer_a")
    _walk(request, monkeypatch, client, role, alone=False)


def test_each_parameter_alone_never_crashes(
    request: Any, monkeypatch: Any, client: Any, enterprise_user: Any, helper_user: Any
) -> None:
    """Bureau staff (who reach every page and every branch): each parameter alone."""
    request.getfixturevalue("staff")
    request.getfixturevalue("officer_a")
    _walk(request, monkeypatch, client, "staff", alone=True)

"""The registry of contributions. Contributions, not edits: each app declares what it adds to the frame in one module,
`kechuang/<app>/contributions.py`, read once at start-up (as Datasette reads its
plugins' hooks). The frame reads the declarations; adding an app edits no file of
another app.

A contributions module may define any of these names, each a sequence:

- `NAV`: `NavItem`s of the top bar, each with a visibility check, gathered into the
  frame's menus (`NavGroup`s; an item names its `group`);
- `PANELS`: `Panel`s of the enterprise page (context from selectors only);
- `URLS`: `UrlMount`s, the app's URL module under a prefix;
- `API`: `ApiMount`s, the app's django-ninja router under a prefix of `/api/v1/`;
- `INDICATORS`: `kechuang.targets.indicators.Indicator`s (ids, labels, units and
  definitions as data; the computation in the app), read by `kechuang.targets`;
- `IMPORTS`: `ImportKind`s (`kechuang.core.imports`), for `/imports/` and
  `kechuang import|export|template KIND`;
- `DEMO`: `DemoPhase`s, run in `order` after the registry of the demo county is loaded;
- `WORKFLOWS`: `kechuang.programmes.workflow.Workflow`s (registered as they are built);
- `ACTIONS`: `ListAction`s, buttons acting on the rows selected in another app's list
  (the enterprise list's 加入培育库 is cultivation's);
- `TODO`: `TodoSource`s, the sections of a user's 待办 page (`/todo/`) and its count in
  the top bar: each app lists its own open work (tasks, deadlines, expiring
  certificates, decisions awaited);
- `ATTRIBUTES`: `EnterpriseAttribute`s, per-enterprise values one app computes and
  others read without importing it (innovation points' score and tier, read by vouchers
  and loans; a list's filter and sort). `attribute_values(key, ids, year)` answers `{}`
  when no installed app declares `key`, so a reader works with or without the app.
- `SEARCH`: `SearchSource`s, records an app offers to the one search box (experts,
  achievements, demands; tech commissioners): the app that keeps the index (matching)
  reads every source's `SearchDocument`s; `matchable` ones are also proposed for a
  technology demand.
- `SCHEDULE`: `kechuang.core.schedule.ScheduledJob`s, work run once a day at a time of
  day by the worker `kechuang serve` starts (or `kechuang schedule run` from cron), each
  recorded so that it never runs twice for one day (the desk's escalation and digest).
- `LINKS`: `LinkSource`s, records an app offers for another app to link to by
  `(kind, ref)` without importing it (matching's agreements, linked by events as the
  agreements signed at an event): the linking app stores the pair, validates it through
  `records(actor, refs=…)` and shows the `LinkRecord`'s label and URL.
- `LANDING`: `Landing`s, where a user lands after logging in (the site's home): the
  first whose `url(user)` answers, in `order`, else the frame's own (an enterprise
  user's firm, everybody else the registry) — a voucher provider's login lands on its
  provider page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.dispatch import Signal
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import module_has_submodule

MODULE = "contributions"
NAMES = (
    "NAV",
    "PANELS",
    "URLS",
    "API",
    "INDICATORS",
    "IMPORTS",
    "DEMO",
    "WORKFLOWS",
    "ACTIONS",
    "TODO",
    "ATTRIBUTES",
    "SEARCH",
    "SCHEDULE",
    "LINKS",
    "LANDING",
)


@dataclass(frozen=True)
class NavItem:
    """An item of the top bar. `visible(user)` says who sees it; it is lit on the pages
    of `app_name` (limited to `url_names` when given, minus `except_url_names`).
    `group`: the key of the `NavGroup` menu it sits in (`TOP`: a link of its own on the
    bar); left blank, the frame's `NAV_DEFAULT_GROUPS` places it, else `更多`."""

    key: str
    label: str
    url_name: str
    icon: str = ""
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)
    app_name: str = ""
    url_names: tuple[str, ...] = ()
    except_url_names: tuple[str, ...] = ()
    group: str = ""

    @property
    def url(self) -> str:
        return frame_url(self.url_name)

    def is_active(self, match: Any) -> bool:
        if match is None or not self.app_name or match.app_name != self.app_name:
            return False
        if self.url_names and match.url_name not in self.url_names:
            return False
        return match.url_name not in self.except_url_names


_frame_urls: dict[tuple[str, Any, Any, str], str] = {}


FRAME_URLS_KEPT = 1024  # the top bar's links under a few dozen prefixes


def frame_url(name: str) -> str:
    """`reverse(name)` of a URL that takes no argument (the top bar's links, drawn on
    every page), kept per URL configuration and script prefix."""
    key = (name, get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())
    found = _frame_urls.get(key)
    if found is None:
        if len(_frame_urls) >= FRAME_URLS_KEPT:  # a proxy's SCRIPT_NAME is the client's
            _frame_urls.clear()
        found = _frame_urls[key] = reverse(name)
    return found


@dataclass(frozen=True)
class UrlMount:
    """`include(module)` under `prefix` (e.g. "cultivation/")."""

    prefix: str
    module: str


@dataclass(frozen=True)
class ApiMount:
    """The router `attribute` of `module`, mounted at `prefix` of /api/v1/."""

    prefix: str
    module: str
    attribute: str = "router"

    def router(self) -> Any:
        return getattr(import_module(self.module), self.attribute)


@dataclass(frozen=True)
class DemoPhase:
    """A step of the demo county after its registry is loaded: `run(actor)` returns
    the number of rows it wrote; phases run in `order`."""

    key: str
    label: str
    run: Callable[[Any], int]
    order: int = 100


@dataclass(frozen=True)
class ListAction:
    """A button over the rows selected in the list `listing` (a `Listing.name`): the
    selected keys are POSTed as `ids` to `url_name`, with `next` (the list's URL).
    `fields_template` adds inputs to the form (e.g. a 责任人 select)."""

    listing: str
    key: str
    label: str
    url_name: str
    icon: str = ""
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)
    confirm: str = ""
    fields_template: str = ""


@dataclass(frozen=True)
class TodoItem:
    """One line of the 待办 page."""

    title: str
    url: str = ""
    due_on: Any = None  # a date, when the item has one
    note: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class TodoSource:
    """A section of the 待办 page. `items(user, day)` lists the open work of `user` on
    `day` (at most `limit`, most urgent first) and `count(user, day)` counts all of it;
    `visible(user)` says who has the section. `badge`: counted in the top bar (work
    with a date or awaiting this user's decision; a long working list is not)."""

    key: str
    title: str
    items: Callable[[Any, Any, int], Sequence[TodoItem]]
    count: Callable[[Any, Any], int]
    order: int = 100
    icon: str = ""
    visible: Callable[[Any], bool] = field(default=lambda user: True)
    badge: bool = True
    more_url: str = ""  # a URL name: the full list


@dataclass(frozen=True)
class EnterpriseAttribute:
    """A value per enterprise and year that one app computes and any app may read.
    `values(enterprise_ids, year)` returns `{enterprise id: value}` for the ids that
    have one (a missing id is unknown, never zero); `annotate(queryset, year, name, via)`,
    when given, annotates a queryset with the value as `name` so that lists filter and
    sort on it in the database: `via` is the ORM path from the queryset's rows to their
    enterprise ("" for an enterprise queryset, "enterprise" for a voucher's). `choices`: the values a filter offers
    (value, label), when the attribute is categorical (a tier)."""

    key: str
    label: str
    values: Callable[[Sequence[int], int | None], dict[int, Any]]
    annotate: Callable[[Any, int | None, str, str], Any] | None = None
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    order: int = 100
    # The value on a day rather than for a year (`values_on(ids, day)`), when the
    # attribute is a status that starts and ends on dates. An attribute whose key is an
    # assessment input field (kechuang/rules/fields.py) is read by the registry's
    # assessment on its date, when the registry itself leaves that field blank.
    values_on: Callable[[Sequence[int], Any], dict[int, Any]] | None = None


@dataclass(frozen=True)
class SearchDocument:
    """One record offered to the search box. `ref` is the record's id in its app;
    `enterprise_id`, when set, limits it to those who may see that enterprise; `url`
    opens the record; `domain` is its technology domain code (tech_domains)."""

    ref: int
    title: str
    text: str
    url: str = ""
    summary: str = ""
    domain: str = ""
    enterprise_id: int | None = None


@dataclass(frozen=True)
class SearchSource:
    """Records of one kind for the search box: `documents(refs)` yields the documents of
    those refs (None: all of them). `matchable`: proposed as a match for a technology
    demand (experts, tech commissioners)."""

    kind: str
    label: str
    documents: Callable[[Sequence[int] | None], Iterable[SearchDocument]]
    matchable: bool = False
    order: int = 100


def search_sources() -> list[SearchSource]:
    return sorted(collect("SEARCH"), key=lambda s: (s.order, s.kind))


# Sent by an app after it wrote records it offers in `SEARCH`, inside the write's
# transaction: `search_changed.send(sender=KIND, refs=[...])`. The search index (matching)
# re-reads those records through the source's `documents(refs)` (and drops the ones no
# longer offered), so the search box never waits for a rebuild; with no index installed
# nobody listens and nothing happens.
search_changed = Signal()


def search_records_changed(kind: str, refs: Iterable[int]) -> None:
    refs = list(refs)
    if refs:
        search_changed.send(sender=kind, refs=refs)


@dataclass(frozen=True)
class LinkRecord:
    """One record another app may link to: `ref` is its id in its app; `label` and `url`
    show it; `on` is its date, `amount_yuan` its amount (Decimal yuan) when it has one,
    `enterprise_id` the enterprise it belongs to."""

    ref: int
    label: str
    url: str = ""
    on: Any = None
    amount_yuan: Any = None
    enterprise_id: int | None = None


@dataclass(frozen=True)
class LinkSource:
    """Records of one kind offered for linking. `records(actor, refs, enterprise_ids,
    since, until)` returns those of them `actor` may see: the ones of `refs` (None: any),
    of `enterprise_ids` (None: any enterprise), dated from `since` to `until` (None: open),
    at most `limit`, newest first. A linking app validates a `(kind, ref)` by asking for
    `refs=[ref]`: an empty answer means the record does not exist or is out of scope."""

    kind: str
    label: str
    records: Callable[..., Sequence[LinkRecord]]
    unit: str = ""
    order: int = 100


def link_sources() -> list[LinkSource]:
    return sorted(collect("LINKS"), key=lambda s: (s.order, s.kind))


def link_source(kind: str) -> LinkSource | None:
    """The source of `kind`, or None when no installed app offers it."""
    return next((s for s in collect("LINKS") if s.kind == kind), None)


@dataclass(frozen=True)
class Landing:
    """Where `url(user)` says a user lands on the site's home; None: not this user."""

    key: str
    url: Callable[[Any], str | None]
    order: int = 100


def landing_url(user: Any) -> str | None:
    """The page an app declares as `user`'s home (the first that answers), or None."""
    for landing in sorted(collect("LANDING"), key=lambda x: (x.order, x.key)):
        found: str | None = landing.url(user)
        if found:
            return found
    return None


_modules: list[tuple[str, ModuleType]] | None = None


def modules() -> list[tuple[str, ModuleType]]:
    """(app label, contributions module) of every installed app that has one, in
    INSTALLED_APPS order. Imported once."""
    global _modules
    if _modules is None:
        found = []
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, MODULE):
                found.append((config.label, import_module(f"{config.name}.{MODULE}")))
        _modules = found
    return _modules


def collect(name: str) -> list[Any]:
    """Every app's declarations of `name`, in app order."""
    if name not in NAMES:
        raise ValueError(f"unknown contribution {name!r}; one of {', '.join(NAMES)}")
    out: list[Any] = []
    for _label, module in modules():
        declared: Sequence[Any] = getattr(module, name, ())
        out.extend(declared)
    return out


def contributors(name: str) -> list[str]:
    """The labels of the apps that declare `name` (for docs and tests)."""
    return [label for label, module in modules() if getattr(module, name, ())]


def nav_items(user: Any, match: Any = None) -> list[tuple[NavItem, bool]]:
    """The top bar for `user`: visible items in order, each with whether it is lit."""
    items = sorted(collect("NAV"), key=lambda i: (i.order, i.key))
    return [(i, i.is_active(match)) for i in items if i.visible(user)]


@dataclass(frozen=True)
class NavGroup:
    """A menu of the top bar, holding the items whose `group` is its key."""

    key: str
    label: str
    icon: str = ""
    order: int = 100


# The top bar holds a handful of menus rather than one link per capability, so that it
# keeps to one line at 1280 px whatever the number of apps (a bureau sees sixteen items).
TOP = "top"
MORE = "more"
NAV_GROUPS = (
    NavGroup("cultivate", "培育评价", "bi-flower1", 20),
    NavGroup("support", "政策资金", "bi-cash-coin", 30),
    NavGroup("service", "创新服务", "bi-diagram-3", 40),
    NavGroup("stats", "统计报告", "bi-bar-chart-line", 50),
    NavGroup(MORE, "更多", "bi-three-dots", 80),
    NavGroup("system", "系统", "bi-gear", 90),
)
# Where the frame puts an item that does not name its group (the capability apps
# declared theirs before there were menus); an item not named here goes under 更多.
NAV_DEFAULT_GROUPS = {
    "assess": "cultivate",
    "assess-registry": "cultivate",
    "cultivation": "cultivate",
    "points": "cultivate",
    "vouchers": "support",
    "finance": "support",
    "desk": "service",
    "matching": "service",
    "platforms": "service",
    "events": "service",
    "targets": "stats",
    "reports": "stats",
}


@dataclass(frozen=True)
class NavEntry:
    """One place on the top bar: a link (`group` None, one item) or a menu of items.
    `active`: the page shown is one of its items' pages."""

    group: NavGroup | None
    items: tuple[tuple[NavItem, bool], ...]

    @property
    def active(self) -> bool:
        return any(lit for _item, lit in self.items)

    @property
    def item(self) -> NavItem:
        return self.items[0][0]


def nav_group_of(item: NavItem) -> str:
    """The key of the menu `item` sits in (`TOP`: a link of its own)."""
    key = item.group or NAV_DEFAULT_GROUPS.get(item.key, MORE)
    return key if key == TOP or any(g.key == key for g in NAV_GROUPS) else MORE


def nav_menu(user: Any, match: Any = None) -> list[NavEntry]:
    """The top bar for `user`: the visible items, gathered into their menus; a menu
    holding one visible item is shown as that item's link. In order of the menus'
    `order` (a link: its item's), the items of a menu in their own order."""
    groups = {g.key: g for g in NAV_GROUPS}
    placed: list[tuple[int, str, NavEntry]] = []
    members: dict[str, list[tuple[NavItem, bool]]] = {}
    for item, lit in nav_items(user, match):
        key = nav_group_of(item)
        if key == TOP:
            placed.append((item.order, item.key, NavEntry(None, ((item, lit),))))
        else:
            members.setdefault(key, []).append((item, lit))
    for key, items in members.items():
        group = groups[key]
        entry = NavEntry(group if len(items) > 1 else None, tuple(items))
        placed.append((group.order, group.key, entry))
    return [entry for _order, _key, entry in sorted(placed, key=lambda p: (p[0], p[1]))]


def list_actions(listing: str, user: Any) -> list[ListAction]:
    """The actions `user` may take on the rows selected in `listing`, in order."""
    found = [a for a in collect("ACTIONS") if a.listing == listing and a.visible(user)]
    return sorted(found, key=lambda a: (a.order, a.key))


def todo_sources(user: Any) -> list[TodoSource]:
    found = [s for s in collect("TODO") if s.visible(user)]
    return sorted(found, key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class TodoSection:
    """A section of one user's 待办 page: the first items and how many there are."""

    source: TodoSource
    items: Sequence[TodoItem]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


TODO_LIMIT = 50


def todo_sections(user: Any, day: Any, limit: int = TODO_LIMIT) -> list[TodoSection]:
    """Every section of `user`'s 待办 page on `day`, empty ones included."""
    return [
        TodoSection(s, list(s.items(user, day, limit)), s.count(user, day))
        for s in todo_sources(user)
    ]


def todo_count(user: Any, day: Any) -> int:
    """The number in the top bar: the items of every section counted in the badge.
    A query per section, so it is kept per user and day until anything is next written
    (`core.cache.records_memo`): one cache read on most pages."""
    from kechuang.core.cache import records_memo

    def count() -> int:
        return sum(s.count(user, day) for s in todo_sources(user) if s.badge)

    pk = getattr(user, "pk", None)
    if pk is None:
        return count()
    return records_memo("todo-count", f"{pk}@{day}", count)


def attributes() -> list[EnterpriseAttribute]:
    """Every declared enterprise attribute, in order."""
    return sorted(collect("ATTRIBUTES"), key=lambda a: (a.order, a.key))


def attribute(key: str) -> EnterpriseAttribute | None:
    """The attribute `key`, or None when no installed app declares it."""
    return next((a for a in collect("ATTRIBUTES") if a.key == key), None)


def attribute_values(key: str, enterprise_ids: Sequence[int], year: int | None) -> dict[int, Any]:
    """`{enterprise id: value}` of attribute `key` for `year`; `{}` when no installed
    app declares it (the reader then treats every enterprise as unknown)."""
    found = attribute(key)
    if found is None:
        return {}
    return found.values(list(enterprise_ids), year)


def attribute_values_on(key: str, enterprise_ids: Sequence[int], day: Any) -> dict[int, Any]:
    """`{enterprise id: value}` of attribute `key` on `day` (its `values_on`, else its
    value for `day`'s year); `{}` when no installed app declares it."""
    found = attribute(key)
    if found is None:
        return {}
    if found.values_on is not None:
        return found.values_on(list(enterprise_ids), day)
    return found.values(list(enterprise_ids), day.year)


def demo_phases() -> list[DemoPhase]:
    return sorted(collect("DEMO"), key=lambda p: (p.order, p.key))


def reset_for_tests() -> None:
    """Forget the imported modules (a test that installs an app reads them again)."""
    global _modules
    _modules = None
    _frame_urls.clear()

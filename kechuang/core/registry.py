"""The registry of contributions. Contributions, not edits: each app declares what it adds to the frame in one module,
`kechuang/<app>/contributions.py`, read once at start-up (as Datasette reads its
plugins' hooks). The frame reads the declarations; adding an app edits no file of
another app.

A contributions module may define any of these names, each a sequence:

- `NAV`: `NavItem`s of the top bar, each with a visibility check;
- `PANELS`: `Panel`s of the enterprise page (context from selectors only);
- `URLS`: `UrlMount`s, the app's URL module under a prefix;
- `API`: `ApiMount`s, the app's django-ninja router under a prefix of `/api/v1/`;
- `INDICATORS`: `kechuang.targets.indicators.Indicator`s (ids, labels, units and
  definitions as data; the computation in the app), read by `kechuang.targets`;
- `IMPORTS`: `ImportKind`s (`kechuang.core.imports`), for `/imports/` and
  `kechuang import|export|template KIND`;
- `DEMO`: `DemoPhase`s, run in `order` after the registry of the demo county is loaded;
- `WORKFLOWS`: `kechuang.programmes.workflow.Workflow`s (registered as they are built).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "contributions"
NAMES = ("NAV", "PANELS", "URLS", "API", "INDICATORS", "IMPORTS", "DEMO", "WORKFLOWS")


@dataclass(frozen=True)
class NavItem:
    """An item of the top bar. `visible(user)` says who sees it; it is lit on the pages
    of `app_name` (limited to `url_names` when given, minus `except_url_names`)."""

    key: str
    label: str
    url_name: str
    icon: str = ""
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)
    app_name: str = ""
    url_names: tuple[str, ...] = ()
    except_url_names: tuple[str, ...] = ()

    def is_active(self, match: Any) -> bool:
        if match is None or not self.app_name or match.app_name != self.app_name:
            return False
        if self.url_names and match.url_name not in self.url_names:
            return False
        return match.url_name not in self.except_url_names


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


def demo_phases() -> list[DemoPhase]:
    return sorted(collect("DEMO"), key=lambda p: (p.order, p.key))


def reset_for_tests() -> None:
    """Forget the imported modules (a test that installs an app reads them again)."""
    global _modules
    _modules = None

"""The layers, checked by reading the source (`ast`, no import, no database).

(a) No ORM query in a page, panel or API module. Views, panels and API handlers parse,
    call a service or selector, and render (docs/architecture.md); a query written in
    one of them is found here rather than in review.

    What counts as a query, chosen to be precise rather than exhaustive:
    - any `X.objects` attribute (a model manager) and `transaction.atomic`, `connection`
      (`.cursor()`), `get_object_or_404` / `get_list_or_404`, `Subquery` / `OuterRef`
      / `Exists` / `F` / `Q` (building a query is a selector's job);
    - a call of a method only querysets have: `filter`, `exclude`, `annotate`,
      `aggregate`, `values_list`, `select_related`, `prefetch_related`, `order_by`,
      `distinct`, `only`, `defer`, `bulk_create`, `bulk_update`, `get_or_create`,
      `update_or_create`, `select_for_update`, `in_bulk`, `iterator`, `raw`, `extra`,
      `visible_to`, `in_region`, `valid_on` (our scoping methods: a view calls selectors);
    - the methods querysets share with builtins, only in the shape a builtin never has:
      `.values(...)` with arguments (`dict.values()` takes none), `.get(...)` with only
      keyword arguments (`dict.get` takes positional ones), `.all()` / `.first()` /
      `.last()` / `.exists()` / `.count()` / `.delete()` without arguments on anything
      but a name the module bound to a non-queryset (`Path(...).exists()` is not flagged
      when the receiver is a call of `Path`);
    - `.save(update_fields=...)` (a write).
    `request.GET.get("x")`, `dict.get(k)`, `list.count(x)`, `str.count(x)`,
    `mapping.values()` and `ctx.update(k=v)` are not queries and are not flagged
    (`qs.update(...)` is left out for that reason: the queryset it runs on was built
    with a flagged call anyway).

(b) Imports follow one graph: apps → programmes/targets/enterprises → accounts → core
    → rules, and rules imports nothing of ours. Module-level and function-level imports
    are both read, and the app graph must have no cycle. Known violations outside this
    change's scope are listed; a listed violation that no longer exists fails the test
    too, so the lists only shrink.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

# Engine-independent (`nodb`: not run again in the PostgreSQL pass): it reads source files.
pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kechuang"

# -- (a) queries in views, panels and API modules --------------------------------------

QUERY_ONLY_METHODS = {
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "values_list",
    "select_related",
    "prefetch_related",
    "order_by",
    "distinct",
    "only",
    "defer",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "in_bulk",
    "iterator",
    "raw",
    "extra",
    "visible_to",
    "in_region",
    "valid_on",
}
NO_ARG_QUERY_METHODS = {"all", "first", "last", "exists", "count", "delete"}
QUERY_NAMES = {
    "get_object_or_404",
    "get_list_or_404",
    "Subquery",
    "OuterRef",
    "Exists",
    "F",
    "Q",
    "connection",
}
# Receivers that are never querysets: `Path(x).exists()`, `"…".count()`.
NOT_QUERYSET_CALLS = {"Path", "list", "dict", "set", "tuple", "str", "Counter"}


def page_modules() -> list[Path]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.name
        if name in ("views.py", "panels.py", "api.py") or name.endswith("_views.py"):
            out.append(path)
    return out


def _receiver_is_plain(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in NOT_QUERYSET_CALLS
    ) or isinstance(node, ast.Constant | ast.List | ast.Dict | ast.Set | ast.Tuple)


def query_reason(node: ast.AST) -> str | None:
    """Why `node` is an ORM query, or None."""
    if isinstance(node, ast.Attribute):
        if node.attr == "objects":
            return ".objects"
        if node.attr == "atomic" and isinstance(node.value, ast.Name):
            return "transaction.atomic"
    if isinstance(node, ast.Name) and node.id in QUERY_NAMES:
        return node.id
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method = node.func.attr
    receiver = node.func.value
    positional = bool(node.args)
    keywords = [k for k in node.keywords if k.arg is not None]
    if method in QUERY_ONLY_METHODS:
        return f".{method}()"
    if _receiver_is_plain(receiver):
        return None
    if method == "values" and (positional or keywords):
        return ".values(...)"
    if method == "get" and keywords and not positional:
        return ".get(**lookup)"
    if method in NO_ARG_QUERY_METHODS and not positional and not node.keywords:
        return f".{method}()"
    if method == "save" and any(k.arg == "update_fields" for k in keywords):
        return ".save(update_fields=…)"
    return None


def queries_in(path: Path) -> Iterator[tuple[str, int, str]]:
    """(enclosing function, line, reason) of every query in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node: ast.AST, scope: str) -> Iterator[tuple[str, int, str]]:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
            if isinstance(child, ast.Import | ast.ImportFrom):
                continue
            reason = query_reason(child)
            if reason:
                yield inner, getattr(child, "lineno", 0), reason
            yield from walk(child, inner)

    yield from walk(tree, "<module>")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


# Queries in page modules outside this change's scope: (module, top-level function).
# To be removed by the programme frame (issue 10).
KNOWN_QUERIES: set[tuple[str, str]] = set()


def found_queries() -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in page_modules():
        for scope, line, reason in queries_in(path):
            out[(module_name(path), scope.split(".")[0])].append(f"{line}: {reason}")
    return out


def test_no_queries_in_views_panels_or_api_modules() -> None:
    found = found_queries()
    new = {k: v for k, v in found.items() if k not in KNOWN_QUERIES}
    assert not new, "ORM queries in views/panels/API (move them to a selector or service):\n" + (
        "\n".join(f"{m}.{f}: {', '.join(v)}" for (m, f), v in sorted(new.items()))
    )


def test_known_queries_still_exist() -> None:
    gone = KNOWN_QUERIES - set(found_queries())
    assert not gone, f"fixed — remove from KNOWN_QUERIES: {sorted(gone)}"


def test_query_check_is_precise() -> None:
    """The check's own cases: what it flags and what it leaves alone."""

    def reasons(code: str) -> list[str]:
        tree = ast.parse(code)
        return [r for n in ast.walk(tree) if (r := query_reason(n))]

    assert reasons("Enterprise.objects.all()")
    assert reasons("e.facts.order_by('-year')")
    assert reasons("qs.get(pk=1)")
    assert reasons("qs.values('id')")
    assert reasons("enterprise.ip_items.all()")
    assert reasons("obj.save(update_fields=['status'])")
    assert reasons("with transaction.atomic(): pass")
    assert not reasons("request.GET.get('year', '')")
    assert not reasons("d.get(k)")
    assert not reasons("mapping.values()")
    assert not reasons("[1, 2].count(1)")
    assert not reasons("Path(p).exists()")
    assert not reasons("form.save()")
    assert not reasons("ctx.update(year=2020)")


# -- (b) the app graph ------------------------------------------------------------------

FOUNDATION = {"rules": set(), "core": {"rules"}, "accounts": {"core", "rules"}}
FOUNDATION["enterprises"] = {"accounts", "core", "rules"}
SHARED = {"targets", "programmes"}
for _app in SHARED:
    FOUNDATION[_app] = {"enterprises", "accounts", "core", "rules"}
# Any other app (assessments, cultivation, reports, demo, api, and future ones) is a
# feature app: it may import the shared layers, never another feature app.
FEATURE_DEPS = {"programmes", "targets", "enterprises", "accounts", "core", "rules"}
# The composition root mounts every app's urls and API routers; it may import those
# modules (and otherwise follows the feature-app rule).
COMPOSITION_ROOT = {"kechuang.urls", "kechuang.settings", "kechuang.api.api"}
MOUNTABLE = {"urls", "api"}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kechuang" or len(parts) < 2:
        return None
    return parts[1] if (PACKAGE / parts[1]).is_dir() else None


def allowed(importer_app: str, imported_app: str) -> bool:
    if importer_app == imported_app:
        return True
    deps = FOUNDATION.get(importer_app, FEATURE_DEPS)
    return imported_app in deps


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(path: Path) -> Iterator[tuple[str, bool]]:
    """(imported module, at module level?) for every import of ours in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(path, node)
            # `from a.b import c`: the module a.b.c when c is one, else a.b (see `_module`).
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] == "kechuang":
                yield name, id(node) in top


def source_files() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]


def edges() -> set[tuple[str, str, str]]:
    """(importing module, importer app, imported app) for each cross-app import."""
    out = set()
    for path in source_files():
        importer = module_name(path)
        app = app_of(importer)
        for imported, _top in imports_of(path):
            target = app_of(imported)
            if app is None or target is None or target == app:
                continue
            out.add((importer, app, target))
    return out


def violations() -> set[tuple[str, str]]:
    """(importing module, imported app) for every import outside the allowed graph."""
    out = set()
    for importer, app, target in edges():
        if importer in COMPOSITION_ROOT:
            continue
        if not allowed(app, target):
            out.add((importer, target))
    # The composition root may mount urls/routers, nothing else of a feature app.
    for path in source_files():
        importer = module_name(path)
        if importer not in COMPOSITION_ROOT:
            continue
        for imported, _top in imports_of(path):
            target = app_of(imported)
            if target is None or allowed("api", target):
                continue
            parts = imported.split(".")
            if len(parts) < 3 or parts[2] not in MOUNTABLE:
                out.add((importer, target))
    return out


# (importing module, imported app). To be removed by the programme frame (issue 10).
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


def test_imports_follow_the_app_graph() -> None:
    new = violations() - KNOWN_VIOLATIONS
    assert not new, "imports outside the allowed graph:\n" + "\n".join(
        f"{m} → {a}" for m, a in sorted(new)
    )


def test_known_violations_still_exist() -> None:
    gone = KNOWN_VIOLATIONS - violations()
    assert not gone, f"fixed — remove from KNOWN_VIOLATIONS: {sorted(gone)}"


def app_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def app_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, app, target in edges():
        if importer not in COMPOSITION_ROOT:
            graph[app].add(target)
    return graph


KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles_between_apps() -> None:
    assert app_cycles(app_graph()) == KNOWN_CYCLES


def _module(name: str, modules: set[str]) -> str | None:
    """The module file an imported name lives in (a module, or its package)."""
    while name:
        if name in modules:
            return name
        if f"{name}.__init__" in modules:
            return f"{name}.__init__"
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def test_no_import_cycles_between_modules() -> None:
    """Module-level imports form no cycle (function-level imports are how a module
    defers a dependency, so only the top level is read here)."""
    modules = {module_name(p) for p in source_files()}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in source_files():
        importer = module_name(path)
        for imported, top in imports_of(path):
            target = _module(imported, modules)
            if top and target and target != importer:
                graph[importer].add(target)
    assert app_cycles(graph) == []


def test_rules_import_nothing_of_ours_but_rules() -> None:
    bad = {(m, a) for m, app, a in edges() if app == "rules"}
    assert bad <= KNOWN_VIOLATIONS

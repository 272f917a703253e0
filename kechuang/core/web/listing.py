"""One filtered, paged, sortable, exportable list for every list page.

A page declares its `Listing` once, at module level: the columns (Chinese labels, how
to get each value, how to show it), the filters, the sorts, the page size. `build()`
reads `?page=`, `?sort=`, the filters and `?export=xlsx` from the request, pages (or
exports) the rows the view's selector returned, and `components/listing.html` draws
the table with its sort links, pager and 导出 button:

    AUDIT = Listing(
        name="audit",
        title="操作日志",
        columns=[
            Column("at", "时间", display=lambda v: f"{v:%Y-%m-%d %H:%M}", sort="at"),
            Column("actor_name", "操作人", sort="actor_name"),
            Column("object_repr", "对象", link=lambda a: a.url or None),
        ],
        filters=[Filter("action", "操作", choices=AuditLog.Action.choices)],
        default_sort="-at",
        page_size=50,
    )

    def audit_list(request):
        table = AUDIT.build(request, lambda f: selectors.audit_list(actor=request.user, **f))
        return table.export_response() or render(request, "core/audit_list.html", {"table": table})

    {# in the page's template #}
    {% include "components/listing.html" with table=table %}

- `source` is a queryset, a list, or a callable taking the parsed filters and returning
  one (the selector call). Querysets are sorted with `order_by` (`Column.sort` names the
  fields) and counted in SQL; lists are sorted in Python by the column's value
  (`Column.sort=True`).
- `decorate` turns the objects of one page (or one chunk of an export) into the rows
  the columns read — the place for a selector that adds each row's figures in one query.
- Money columns (`money=True`) hold yuan; they show as 万元 with separators
  (`core.money.format_wan`) and export as numbers in 万元 with two decimals.
- A bad or huge `?page=` shows the first or last page, never an error.
- Labels may name filters, e.g. "{year}年销售收入（万元）".
- `attributes` (lists whose rows are enterprises or belong to one): every
  `EnterpriseAttribute` an app declares with an `annotate` (`kechuang.core.registry`,
  e.g. innovation points' score and tier) becomes a column, a filter (its `choices`,
  else "at least") and a sort of the list, read in the database for the year of the
  list's `year` filter (the latest year without one). The value is the path from a row
  to its enterprise: "" for the enterprise itself, "e" for the enterprise list's
  decorated rows, "enterprise" for a voucher, "application.enterprise" for a record
  of an application. A queryset of another model than the enterprise is annotated
  through that path (dots become `__`), and the value read from the row itself; a
  list of rows (not a queryset) reads the values with `EnterpriseAttribute.values`
  (one query per attribute) and is filtered and sorted in Python.
- `sheet` (lists of records an import kind writes): the 导出 is that kind's layout
  instead of the columns, so that the list's export imports back unchanged. It is
  called as `sheet(actor, rows)` with the rows the list holds (its selector's, so the
  reader's scope, under the list's filters and sort, every page) and returns the
  headers and the rows of cells, as the kind's own `export` does over all its records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from kechuang.core import periods
from kechuang.core.money import format_wan, yuan_to_wan
from kechuang.core.tabular import write_rows_xlsx
from kechuang.core.web.downloads import xlsx_response
from kechuang.core.web.params import flag_param, page_param, text_param, year_param

EXPORT_CHUNK = 500
EMPTY = "—"
# A cell this short (a status, a tier, a region), a date or a code is never broken
# across lines: a narrow column would otherwise show "征集\n中" or "2021-06-\n30"; the
# table scrolls sideways instead (`.table-responsive`).
NOWRAP_CHARS = 10
Choices = Sequence[tuple[Any, Any]]


def _dig(obj: Any, path: str) -> Any:
    """`obj.a.b` (or `obj["a"]["b"]`) for "a.b"; None when a step is missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, Mapping) else getattr(obj, part, None)
        if callable(obj) and not isinstance(obj, type):
            obj = obj()
    return obj


def _text(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell_css(css: str, value: Any, text: str) -> str:
    """The cell's classes, with `text-nowrap` for a date, a code or a short text."""
    short = len(text) <= NOWRAP_CHARS or (text.isascii() and " " not in text)
    if isinstance(value, dt.date) or short:
        return f"{css} text-nowrap".strip()
    return css


@dataclass(frozen=True)
class Column:
    """One column of the table and of its export.

    key: the column's id, and by default the attribute path of its value ("region.name").
    label: its Chinese heading (may name filters: "{year}年研发费用（万元）").
    value: an attribute path or a function of the row; default `key`.
    display: value → text on the page (default: 是/否, dates, "—" for nothing).
    money: the value is yuan, shown and exported in 万元.
    sort: the `order_by` field(s) sorting by this column, or True to sort a list by
        the value, or a key function of the row to sort a list by; a sortable
        column's heading is a link.
    link: row → URL the cell links to.
    template: renders the cell instead (context: `row`, `value`, `text`, `table`).
    css: classes of the cell (`num` right-aligns figures).
    export: include it in the xlsx; `exported` turns the value into the cell there.
    """

    key: str
    label: str
    value: str | Callable[[Any], Any] | None = None
    display: Callable[[Any], str] | None = None
    money: bool = False
    sort: str | tuple[str, ...] | bool | Callable[[Any], Any] = False
    link: Callable[[Any], str | None] | None = None
    template: str | None = None
    css: str = ""
    export: bool = True
    exported: Callable[[Any], Any] | None = None

    def get(self, row: Any) -> Any:
        getter = self.value if self.value is not None else self.key
        return getter(row) if callable(getter) else _dig(row, getter)

    def text(self, value: Any) -> str:
        if self.display is not None:
            return self.display(value)
        if self.money:
            return format_wan(value) if value is not None else EMPTY
        return _text(value)

    def cell(self, value: Any) -> Any:
        """The value written to the export."""
        if self.exported is not None:
            return self.exported(value)
        if value is None:
            return None
        if self.money:
            return yuan_to_wan(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if isinstance(value, bool | int | float | Decimal | dt.date):
            return value
        return self.text(value)

    @property
    def css_class(self) -> str:
        return f"{self.css} num".strip() if self.money and "num" not in self.css else self.css


@dataclass(frozen=True)
class Filter:
    """A filter of the list, read from ?<name>=.

    kind: "text" (free text, trimmed), "choice" (one of `choices`, else no filter),
    "flag" (1/0 → True/False, else None) or "year" (a plausible year, as an int).
    choices: (value, label) pairs, or a function of the request giving them (e.g. the
    regions the actor may see).
    default: the value when the parameter is absent or not allowed, or a function of
    the request giving it (so its query runs only when needed).
    """

    name: str
    label: str
    kind: str = "choice"
    choices: Choices | Callable[[HttpRequest], Choices] = ()
    default: Any = None
    placeholder: str = ""

    def options(self, request: HttpRequest) -> list[tuple[str, str]]:
        raw = self.choices(request) if callable(self.choices) else self.choices
        return [(str(v), str(label)) for v, label in raw]

    def default_for(self, request: HttpRequest) -> Any:
        return self.default(request) if callable(self.default) else self.default

    def parse(self, request: HttpRequest, options: list[tuple[str, str]]) -> Any:
        raw = text_param(request, self.name)
        if self.kind == "flag":
            flag = flag_param(request, self.name)
            return self.default_for(request) if flag is None else flag
        if self.kind == "year":
            return year_param(request, lambda: self.default_for(request), self.name)
        if self.kind == "text":
            return raw or self.default_for(request) or ""
        if raw in {v for v, _ in options}:
            return raw
        default = self.default_for(request)
        return "" if default is None else default


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any
    url: str | None
    template: str | None
    css: str


@dataclass(frozen=True)
class Row:
    obj: Any
    cells: list[Cell]
    key: Any = None  # the row's value in a bulk selection (`Listing.select`)


@dataclass(frozen=True)
class Heading:
    column: Column
    label: str
    sort_url: str | None  # None: not sortable
    sorted: str  # "asc" / "desc" / ""


@dataclass(frozen=True)
class FilterField:
    filter: Filter
    value: Any
    options: list[tuple[str, str]]

    @property
    def selected(self) -> str:
        if isinstance(self.value, bool):
            return "1" if self.value else "0"
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Listing:
    """A list page's table, declared once (see the module docstring)."""

    name: str
    title: str
    columns: Sequence[Column]
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    page_size: int = 25
    # Sorts not tied to a column: key → order_by fields ("-updated": ("-updated_at",)).
    extra_sorts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    decorate: Callable[[Sequence[Any], Mapping[str, Any]], Sequence[Any]] | None = None
    empty: str = "没有符合条件的记录"
    table_id: str = ""
    exportable: bool = True
    # Rows can be selected for bulk actions (`ListAction`s): the key of a row.
    select: Callable[[Any], Any] | None = None
    # Rows that are or belong to enterprises: declared attributes as columns, filters and
    # sorts (see above); the path from a row to its enterprise.
    attributes: str | None = None
    # Set by `_with_attributes` (which clears `attributes`): the path it was given.
    attributes_path: str | None = None
    # The export in an import kind's layout: (actor, the listed rows) -> (headers, rows).
    sheet: Callable[[Any, Any], tuple[list[str], Iterable[list[Any]]]] | None = None

    def sorts(self) -> dict[str, tuple[str, ...] | bool | Callable[[Any], Any]]:
        """Allowed ?sort= keys (each also as "-key", descending) → how to sort."""
        out: dict[str, tuple[str, ...] | bool | Callable[[Any], Any]] = {}
        for c in self.columns:
            if c.sort is True or callable(c.sort):
                out[c.key] = c.sort
            elif isinstance(c.sort, str):
                out[c.key] = (c.sort,)
            elif isinstance(c.sort, tuple):
                out[c.key] = c.sort
        out.update(self.extra_sorts)
        return out

    def parse_sort(self, request: HttpRequest) -> str:
        raw = text_param(request, "sort")
        return raw if raw.lstrip("-") in self.sorts() else self.default_sort

    def parse_filters(self, request: HttpRequest) -> tuple[dict[str, Any], list[FilterField]]:
        values: dict[str, Any] = {}
        fields: list[FilterField] = []
        for f in self.filters:
            options = f.options(request) if f.kind in ("choice", "year") else []
            values[f.name] = f.parse(request, options)
            fields.append(FilterField(f, values[f.name], options))
        return values, fields

    def build(
        self,
        request: HttpRequest,
        source: Any,
        *,
        export_name: str | None = None,
        actions: Sequence[Any] = (),
    ) -> ListingPage:
        """Page (or, with ?export=xlsx, export) `source` for this request. `actions`
        (`ListAction`s) are offered over the selected rows when the listing has `select`."""
        if self.attributes is not None:
            return self._with_attributes().build_attributed(
                request, source, export_name=export_name, actions=actions
            )
        filters, fields = self.parse_filters(request)
        items = source(filters) if callable(source) else source
        sort = self.parse_sort(request)
        items = self._sorted(items, sort)
        return ListingPage(
            listing=self,
            request=request,
            items=items,
            filters=filters,
            filter_fields=fields,
            sort=sort,
            export=request.GET.get("export") == "xlsx" and self.exportable,
            export_name=export_name,
            actions=list(actions) if self.select is not None else [],
        )

    def _with_attributes(self) -> Listing:
        from kechuang.core.registry import attributes

        found = [a for a in attributes() if a.annotate is not None]
        path = f"{self.attributes}." if self.attributes else ""
        columns = list(self.columns)
        filters = list(self.filters)
        for a in found:
            name = attribute_name(a.key)
            columns.append(
                Column(
                    name,
                    f"{a.label}（{a.unit}）" if a.unit else a.label,
                    value=_attribute_getter(name, f"{path}{name}"),
                    display=_attribute_text(a.choices),
                    exported=_attribute_cell(a.choices),
                    sort=(name,),
                    css="" if a.choices else "num",
                )
            )
            if a.choices:
                filters.append(Filter(name, a.label, choices=a.choices))
            else:
                filters.append(Filter(f"{name}_min", f"{a.label}不低于", kind="text"))
        return replace(
            self, columns=columns, filters=filters, attributes=None, attributes_path=self.attributes
        )

    def build_attributed(
        self,
        request: HttpRequest,
        source: Any,
        *,
        export_name: str | None = None,
        actions: Sequence[Any] = (),
    ) -> ListingPage:
        """`build` for a listing `_with_attributes` made: the queryset annotated with
        each attribute of the list's year, filtered and sorted on it in the database."""
        from kechuang.core.registry import attributes

        filters, fields = self.parse_filters(request)
        # The source gets its own filters (`**f` in many views); the attributes' are ours.
        own = {k: v for k, v in filters.items() if not k.startswith(attribute_name(""))}
        items = source(own) if callable(source) else source
        year = filters.get("year") if isinstance(filters.get("year"), int) else None
        sort = self.parse_sort(request)
        if not isinstance(items, QuerySet):
            items = self._attributed_rows(list(items), filters, sort, year)
            return ListingPage(
                listing=self,
                request=request,
                items=items,
                filters=filters,
                filter_fields=fields,
                sort=sort,
                export=request.GET.get("export") == "xlsx" and self.exportable,
                export_name=export_name,
                actions=list(actions) if self.select is not None else [],
            )
        via = self._via(items)
        attr_sort = ""
        for a in attributes():
            if a.annotate is None:
                continue
            name = attribute_name(a.key)
            items = a.annotate(items, year, name, via)
            if a.choices and filters.get(name):
                items = items.filter(**{name: filters[name]})
            minimum = _decimal(filters.get(f"{name}_min"))
            if minimum is not None:
                items = items.filter(**{f"{name}__gte": minimum})
            if sort.lstrip("-") == name:
                attr_sort = name
        if attr_sort and isinstance(items, QuerySet):
            # Unknown values last either way: an enterprise without a value is not a zero.
            expr = F(attr_sort)
            order = (
                expr.desc(nulls_last=True) if sort.startswith("-") else expr.asc(nulls_last=True)
            )
            items = items.order_by(order, "pk")
        else:
            items = self._sorted(items, sort)
        return ListingPage(
            listing=self,
            request=request,
            items=items,
            filters=filters,
            filter_fields=fields,
            sort=sort,
            export=request.GET.get("export") == "xlsx" and self.exportable,
            export_name=export_name,
            actions=list(actions) if self.select is not None else [],
        )

    def _via(self, items: QuerySet[Any]) -> str:
        """The ORM path from the queryset's rows to their enterprise ("" for an
        enterprise queryset, whatever the rows are decorated with)."""
        if items.model._meta.label == "enterprises.Enterprise":
            return ""
        return (self.attributes_path or "").replace(".", "__")

    def _attributed_rows(
        self, rows: list[Any], filters: Mapping[str, Any], sort: str, year: int | None
    ) -> list[Any]:
        """A list of rows (not a queryset): each attribute read for the rows'
        enterprises in one query, set on the row, filtered and sorted here."""
        from kechuang.core.registry import attributes

        path = self.attributes_path or ""
        ids: list[Any] = [_resolve(r, f"{path}.pk" if path else "pk") for r in rows]
        known = [i for i in ids if i is not None]
        attr_sort = ""
        for a in attributes():
            if a.annotate is None:
                continue
            name = attribute_name(a.key)
            values = a.values(known, year) if known else {}
            for row, eid in zip(rows, ids, strict=True):
                _set_attribute(row, name, values.get(eid) if eid is not None else None)
            if a.choices and filters.get(name):
                rows = [r for r in rows if _read_attribute(r, name) == filters[name]]
            minimum = _decimal(filters.get(f"{name}_min"))
            if minimum is not None:
                rows = [
                    r
                    for r in rows
                    if (v := _read_attribute(r, name)) is not None and Decimal(v) >= minimum
                ]
            if sort.lstrip("-") == name:
                attr_sort = name
        if not attr_sort:
            return list(self._sorted(rows, sort))
        present = [r for r in rows if _read_attribute(r, attr_sort) is not None]
        missing = [r for r in rows if _read_attribute(r, attr_sort) is None]
        present.sort(key=lambda r: _read_attribute(r, attr_sort), reverse=sort.startswith("-"))
        return present + missing  # unknown last either way

    def _sorted(self, items: Any, sort: str) -> Any:
        how = self.sorts().get(sort.lstrip("-")) if sort else None
        descending = sort.startswith("-")
        if isinstance(items, QuerySet):
            if isinstance(how, tuple):
                fields = [_flip(f) if descending else f for f in how]
                return items.order_by(*fields, "-pk" if descending else "pk")
            return items if items.ordered else items.order_by("pk")
        items = list(items)
        if callable(how):
            return sorted(items, key=how, reverse=descending)
        if how is True:
            column = next(c for c in self.columns if c.key == sort.lstrip("-"))
            present = [i for i in items if column.get(i) is not None]
            missing = [i for i in items if column.get(i) is None]
            present.sort(key=column.get, reverse=descending)
            return present + missing
        return items


def _set_attribute(row: Any, name: str, value: Any) -> None:
    """Set on the row (a frozen dataclass row of a computed list too)."""
    try:
        setattr(row, name, value)
    except (AttributeError, TypeError):
        object.__setattr__(row, name, value)


def _read_attribute(row: Any, name: str) -> Any:
    return getattr(row, name, None)


def _resolve(row: Any, path: str) -> Any:
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


def _attribute_getter(name: str, path: str) -> Callable[[Any], Any]:
    """An attribute's value: on the row itself (annotated through the path to its
    enterprise), else at `path` (the enterprise list's decorated rows)."""

    def get(row: Any) -> Any:
        if hasattr(row, name):
            return getattr(row, name)
        return _resolve(row, path)

    return get


def attribute_name(key: str) -> str:
    """The annotation (and column, filter, sort key) of an enterprise attribute."""
    return f"attr_{key}"


def _decimal(raw: Any) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _attribute_text(choices: Choices) -> Callable[[Any], str]:
    labels = {str(v): str(label) for v, label in choices}

    def text(value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if labels:
            return labels.get(str(value), str(value))
        return f"{value:,.2f}" if isinstance(value, Decimal | float) else str(value)

    return text


def _attribute_cell(choices: Choices) -> Callable[[Any], Any]:
    text = _attribute_text(choices)

    def cell(value: Any) -> Any:
        if value is None or value == "":
            return None
        return text(value) if choices else value

    return cell


def _flip(order: str) -> str:
    return order[1:] if order.startswith("-") else f"-{order}"


@dataclass
class ListingPage:
    """One request's view of a `Listing`: the page of rows, headings with sort links,
    the filter fields, query strings for the pager and the export link."""

    listing: Listing
    request: HttpRequest
    items: Any
    filters: dict[str, Any]
    filter_fields: list[FilterField]
    sort: str
    export: bool
    export_name: str | None = None
    actions: list[Any] = field(default_factory=list)
    page: Page[Any] = field(init=False)

    def __post_init__(self) -> None:
        paginator = Paginator(self.items, self.listing.page_size)
        number = min(page_param(self.request), paginator.num_pages)
        self.page = paginator.page(max(1, number))

    # -- the page ---------------------------------------------------------------------

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)

    @cached_property
    def rows(self) -> list[Row]:
        objects = self._decorate(list(self.page.object_list))
        return [self._row(obj) for obj in objects]

    def _decorate(self, objects: Sequence[Any]) -> Sequence[Any]:
        if self.listing.decorate is None:
            return objects
        return self.listing.decorate(objects, self.filters)

    def _row(self, obj: Any) -> Row:
        cells = []
        for c in self.listing.columns:
            value = c.get(obj)
            text = c.text(value)
            cells.append(
                Cell(
                    text=text,
                    value=value,
                    url=c.link(obj) if c.link else None,
                    template=c.template,
                    css=_cell_css(c.css_class, value, text),
                )
            )
        key = self.listing.select(obj) if self.listing.select else None
        return Row(obj, cells, key)

    def label(self, column: Column) -> str:
        try:
            return column.label.format(**self.filters)
        except (KeyError, IndexError, ValueError):
            return column.label

    @cached_property
    def headings(self) -> list[Heading]:
        sorts = self.listing.sorts()
        base = self._query(drop=("sort", "page", "export"))
        out = []
        for c in self.listing.columns:
            if c.key not in sorts:
                out.append(Heading(c, self.label(c), None, ""))
                continue
            state = "asc" if self.sort == c.key else "desc" if self.sort == f"-{c.key}" else ""
            target = f"-{c.key}" if state == "asc" else c.key
            out.append(Heading(c, self.label(c), f"?{_join(base, f'sort={target}')}", state))
        return out

    @property
    def narrowed(self) -> bool:
        """Some filter is set away from its default (an empty page then suggests
        adjusting the filters; a list empty at its defaults is just empty)."""
        for f in self.filter_fields:
            default = f.filter.default_for(self.request)
            if isinstance(default, bool):
                default = "1" if default else "0"
            if f.selected != ("" if default is None else str(default)):
                return True
        return False

    @property
    def page_query(self) -> str:
        """The query string without `page` (the pager appends it)."""
        return self._query(drop=("page", "export"))

    @property
    def export_url(self) -> str:
        return "?" + _join(self._query(drop=("page", "export")), "export=xlsx")

    @property
    def selectable(self) -> bool:
        return bool(self.actions) and not self.export

    @property
    def sort_field(self) -> str:
        return self.sort

    def _query(self, drop: Iterable[str]) -> str:
        query: QueryDict = self.request.GET.copy()
        for key in drop:
            query.pop(key, None)
        return query.urlencode()

    # -- the export -------------------------------------------------------------------

    def export_rows(self) -> Iterator[list[Any]]:
        columns = [c for c in self.listing.columns if c.export]
        items = self.items
        if isinstance(items, QuerySet):
            chunk: list[Any] = []
            for obj in items.iterator(chunk_size=EXPORT_CHUNK):
                chunk.append(obj)
                if len(chunk) == EXPORT_CHUNK:
                    yield from self._export_chunk(chunk, columns)
                    chunk = []
            yield from self._export_chunk(chunk, columns)
        else:
            yield from self._export_chunk(list(items), columns)

    def _export_chunk(self, objects: list[Any], columns: list[Column]) -> Iterator[list[Any]]:
        for obj in self._decorate(objects) if objects else []:
            yield [c.cell(c.get(obj)) for c in columns]

    def export_response(self) -> HttpResponse | None:
        """The xlsx of every row (all pages, same columns) when ?export=xlsx, else None."""
        if not self.export:
            return None
        name = self.export_name or f"{self.listing.title}-{periods.today():%Y%m%d}"
        sheet = self.listing.title[:31]
        if self.listing.sheet is not None:
            headers, rows = self.listing.sheet(self.request.user, self.items)
        else:
            headers = [self.label(c) for c in self.listing.columns if c.export]
            rows = self.export_rows()
        return xlsx_response(lambda out: write_rows_xlsx(out, headers, rows, sheet=sheet), name)


def _join(query: str, extra: str) -> str:
    return f"{query}&{extra}" if query else extra

"""One way for a capability app to import a sheet of its records (matching, events and
the desk use it): parse every row, resolve the names
it refers to, compare with what is stored (new / changed / unchanged), and write every
row in one transaction through the services — or nothing, with each error named
“第N行 列: 原因”. The preview runs the same writes and rolls them back, so that what a
service would refuse is said before the confirm.

A kind's export and a list's 导出 (`Listing(sheet=…)`) write the same layout from the
same function over the records given (`Layout`, read with `each`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from kechuang.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kechuang.core.imports import ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table


class RowError(Exception):
    """A row refers to something that is not there (or not the actor's)."""

    def __init__(self, field: str, label: str, message: str) -> None:
        super().__init__(message)
        self.field, self.label, self.message = field, label, message


@dataclass(frozen=True)
class Sheet:
    kind: str
    columns: list[Column]
    # (actor, parsed row, lookups) -> (natural key, row resolved: names → records)
    resolve: Callable[[Any, dict[str, Any], Any], tuple[Hashable, dict[str, Any]]]
    # lookups built once per sheet (names → records, existing records by key)
    lookups: Callable[[Any, list[dict[str, Any]]], Any]
    # (lookups, key) -> the stored record or None
    existing: Callable[[Any, Hashable], Any]
    # (lookups, stored record) -> its values in the sheet's terms (column key → value)
    current: Callable[[Any, Any], dict[str, Any]]
    # (actor, resolved row, stored record or None, lookups) -> None
    save: Callable[[Any, dict[str, Any], Any, Any], None]
    label: Callable[[dict[str, Any]], str]
    compared: tuple[str, ...] = ()


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _row_errors(exc: Exception, row_no: int, columns: list[Column]) -> list[FieldError]:
    labels = {c.key: c.label for c in columns}
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [
            FieldError(
                e.field if e.field in labels else "",
                labels.get(e.field, e.label),
                e.message,
                row_no,
            )
            for e in exc.errors
        ]
    return [FieldError("", "", str(exc) or "无法导入", row_no)]


def run_sheet(sheet: Sheet, *, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
    table = read_table(data, filename, max_rows=10000)
    index, warnings = map_columns(table, sheet.columns)
    rows, cell_errors = parse_rows(table, sheet.columns, index)
    plan = ImportPlan(sheet.kind, warnings=list(warnings))
    lookups = sheet.lookups(actor, [v for _n, v in rows])
    compared = sheet.compared or tuple(c.key for c in sheet.columns if not c.info)
    todo: list[tuple[int, dict[str, Any], Any]] = []
    seen: dict[Hashable, int] = {}
    for row_no, v in rows:
        try:
            key, resolved = sheet.resolve(actor, v, lookups)
        except RowError as e:
            plan.errors.append(FieldError(e.field, e.label, e.message, row_no))
            continue
        if key in seen:
            first = sheet.columns[0]
            plan.errors.append(FieldError(first.key, first.label, f"与第{seen[key]}行重复", row_no))
            continue
        seen[key] = row_no
        todo.append((row_no, resolved, sheet.existing(lookups, key)))
    plan.finish(total=len(rows) + len({e.row for e in cell_errors}), parse_errors=cell_errors)
    if plan.errors:
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    failed: list[FieldError] = []
    with transaction.atomic():
        for row_no, v, old in todo:
            before = sheet.current(lookups, old) if old is not None else None
            changes: dict[str, tuple[Any, Any]] = {}
            for k in compared:
                new = _blank(v.get(k))
                if before is None:
                    changes[k] = (None, new)
                elif _blank(before.get(k)) != new:
                    changes[k] = (before.get(k), new)
            status = "new" if old is None else ("changed" if changes else "unchanged")
            plan.rows.append(RowResult(row_no, status, sheet.label(v), sheet.label(v), changes))
            if status == "unchanged":
                continue
            try:
                with transaction.atomic():
                    sheet.save(actor, v, old, lookups)
            except (ValidationFailed, PermissionDenied, NotFound) as exc:
                failed.extend(_row_errors(exc, row_no, sheet.columns))
        if failed or not commit:
            transaction.set_rollback(True)
    if failed:
        plan.errors = failed
        plan.finish(total=plan.total or len(rows))
        if commit:
            raise ValidationFailed(plan.errors)
        return plan
    plan.imported = commit
    return plan


def names(text: Any) -> list[str]:
    """The names of a cell listing several (separated by 、，, ; or new lines)."""
    raw = str(text or "")
    for sep in ("，", ",", "；", ";", "\n"):
        raw = raw.replace(sep, "、")
    return [n.strip() for n in raw.split("、") if n.strip()]


def one(mapping: Mapping[Any, Any], key: Any, field: str, label: str, what: str) -> Any:
    if key in (None, ""):
        return None
    found = mapping.get(key)
    if found is None:
        raise RowError(field, label, f"“{key}”{what}")
    return found


# An export in a kind's layout: the headers and the rows of cells.
Layout = tuple[list[str], Iterable[list[Any]]]


def each(records: Any, *related: str, prefetch: tuple[str, ...] = ()) -> Iterable[Any]:
    """The records a sheet is written from (a list's rows in its order, or a kind's
    whole export), read in chunks with what each row names."""
    found: Iterable[Any] = records
    if isinstance(records, QuerySet):
        found = records.select_related(*related).prefetch_related(*prefetch).iterator(500)
    return found

"""The import preview as an officer reads it: each change under its column's Chinese
header, amounts in 万元 with separators, choices by their labels, 是/否."""

from __future__ import annotations

from typing import Any

from kechuang.core import formats
from kechuang.core.imports import ImportKind, RowResult
from kechuang.core.tabular import Column


def _columns_by_key(spec: ImportKind) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for col in spec.columns:
        for key in (col.key, *col.aliases):
            out.setdefault(key, col)
    return out


def _value(col: Column | None, key: str, value: Any) -> str:
    if value is None or value == "":
        return formats.BLANK
    if key.endswith("_yuan"):
        return formats.yuan_as_wan(value)  # stored in yuan; the header says 万元
    if col is not None:
        if col.kind == "money_wan":
            return formats.wan(value)
        if col.kind == "bool" or isinstance(value, bool):
            return formats.yesno(value)
        if col.kind == "choice" and col.choices:
            labels = {v: label for label, v in col.choices.items()}
            return str(labels.get(value, value))
    if isinstance(value, bool):
        return formats.yesno(value)
    return str(value)


def _label(col: Column | None, key: str) -> str:
    if col is not None:
        return col.header
    return {"former_names": "曾用名", "region": "所属镇街/园区"}.get(key, key)


def preview_changes(spec: ImportKind, row: RowResult) -> list[tuple[str, str, str]]:
    """(header, before, after) of one previewed row's changes."""
    cols = _columns_by_key(spec)
    return [
        (_label(cols.get(k), k), _value(cols.get(k), k, before), _value(cols.get(k), k, after))
        for k, (before, after) in row.changes.items()
    ]


def preview_rows(spec: ImportKind, rows: list[RowResult]) -> list[dict[str, Any]]:
    return [
        {
            "row": r.row,
            "status": r.status,
            "key": r.key,
            "name": r.name,
            "changes": preview_changes(spec, r),
        }
        for r in rows
    ]

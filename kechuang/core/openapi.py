"""Schemas for API bodies that a handler parses itself, with the sheet's columns and
Chinese messages (and after its scope check, so an outsider gets 403/404, not 422): the
OpenAPI document still describes the body, from a `Schema` built from those columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from kechuang.core.periods import EARLIEST_YEAR, LATEST_YEAR
from kechuang.core.tabular import Column

# The JSON type each column kind takes (a blank or null cell is "unknown").
_KIND_TYPES: dict[str, Any] = {
    "text": str,
    "int": int,
    "year": int,
    "money_wan": Decimal,
    "decimal": Decimal,
    "date": dt.date,
    "bool": bool,
    "choice": str,
}


# A year in a path or query parameter: out of range is 422 with "应为…之间的年份"-style
# details, never a date() of year 9223372036854775807 deep inside a selector.
Year = Annotated[
    int,
    Field(ge=EARLIEST_YEAR, le=LATEST_YEAR, description=f"年度（{EARLIEST_YEAR}–{LATEST_YEAR}）"),
]


class ClosedSchema(Schema):
    """A body whose unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


def _description(col: Column) -> str:
    parts = [col.header]
    if col.help:
        parts.append(col.help)
    if col.choices:
        parts.append("可选：" + "、".join(dict.fromkeys([*col.choices, *col.choices.values()])))
    return "；".join(parts)


def columns_schema(
    name: str, columns: Sequence[Column], *, exclude: Sequence[str] = (), partial: bool = False
) -> type[Schema]:
    """A body schema with one property per column; unknown keys are refused (422), as
    `parse_record` refuses them. With `partial`, no key is required."""
    fields: dict[str, Any] = {}
    for col in columns:
        if col.key in exclude:
            continue
        kind = _KIND_TYPES[col.kind] | None
        info = Field(
            ... if col.required and not partial else None,
            description=_description(col),
            max_length=col.max_length if col.kind == "text" else None,
        )
        fields[col.key] = (kind, info)
    model: type[Schema] = create_model(name, __base__=ClosedSchema, **fields)
    return model


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def json_schema(schema: type[Schema]) -> dict[str, Any]:
    """The JSON schema of `schema` with its nested models written in place."""
    raw = schema.model_json_schema()
    inlined: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    return inlined


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` documenting a JSON request body the handler reads itself."""
    return {
        "requestBody": {
            "content": {"application/json": {"schema": schema}},
            "required": True,
        }
    }

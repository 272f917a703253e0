"""One writer for the cells of every CSV and .xlsx we hand out: text is never a formula.

A name such as `=HYPERLINK("http://…","点击")`, `=1+1`, `@SUM(A1)`, `+86…` or `-2+3`
becomes a live formula when a spreadsheet opens the file (CSV/formula injection). So:

- CSV: a text cell starting with `= + - @`, a tab or a carriage return is written with a
  leading apostrophe (`'=1+1`), which spreadsheets show as text; our importers remove
  that one apostrophe again (`unneutralise`), so an export re-imports unchanged;
- .xlsx: text is written with `write_string` (never `write`, which turns "=…" into a
  formula) in workbooks opened with `XLSX_OPTIONS` (no string → formula / URL / number
  conversion); openpyxl cells are typed as strings (`openpyxl_value`).

Numbers stay numbers (a negative amount is a number, not text). This module is the bottom
layer (the rules engine writes files too), so it imports nothing of ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# xlsxwriter.Workbook(..., XLSX_OPTIONS): a string is always a string
XLSX_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_DANGEROUS_PATTERN = r"^[=+\-@\t\r]"


def is_dangerous(text: str) -> bool:
    return text[:1] in DANGEROUS_FIRST and text != ""


def safe_text(text: str) -> str:
    """A text cell for CSV: `'` before a leading `= + - @ \\t \\r`."""
    return QUOTE + text if text[:1] in DANGEROUS_FIRST and text else text


def is_neutralised(text: str) -> bool:
    """Whether `text` is a cell `safe_text` changed (`'` + a dangerous first character)."""
    return len(text) >= 2 and text[0] == QUOTE and text[1] in DANGEROUS_FIRST


def unneutralise(text: str) -> str:
    """The text `safe_text` was given (an importer reading a CSV we wrote)."""
    return text[1:] if is_neutralised(text) else text


def csv_cell(value: Any) -> Any:
    """A value as the csv module should write it: text neutralised, numbers as they are,
    booleans as 是/否, None blank."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    return safe_text(str(value))


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def safe_text_expr(name: str) -> pl.Expr:
    """`safe_text` on a polars text column (the rules engine's CSV table)."""
    c = pl.col(name)
    return (
        pl.when(c.str.contains(_DANGEROUS_PATTERN)).then(pl.lit(QUOTE) + c).otherwise(c).alias(name)
    )


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """One xlsxwriter cell: numbers as numbers, dates as dates, booleans as 是/否, any
    other value as a string (never a formula, whatever it starts with)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def write_cells(ws: Any, row: int, values: Sequence[Any], fmt: Any = None) -> None:
    """A row of `write_cell`s from column 0."""
    for col, value in enumerate(values):
        write_cell(ws, row, col, value, fmt)


def openpyxl_value(cell: Any, value: Any) -> None:
    """Set an openpyxl cell: text stays text (openpyxl would store "=…" as a formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"

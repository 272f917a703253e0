"""Reading and writing the sheets towns and parks live in (.xlsx and .csv).

A `Column` names a key (English), a Chinese header, a type and help; `read_table`
turns a file into rows of raw cells keyed by column, and `Column.parse` turns a raw
cell into a value or a Chinese reason. Errors name the spreadsheet row (header = 1)
and the Chinese header: `第N行 <列名>: <原因>`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.money import (
    FAST_WAN_LIMIT,
    MoneyError,
    float_wan_to_yuan,
    to_decimal,
    wan_to_yuan,
)
from kechuang.rules.cells import XLSX_OPTIONS, csv_row, is_neutralised, openpyxl_value, write_cell
from kechuang.rules.safe_read import (
    BadUtf8,
    SheetLimits,
    SheetRefused,
    SheetScan,
    check_csv,
    count_xlsx_rows,
    decode_text,
    read_xlsx_rows,
)

HELP_MARK = "【"  # rows whose first cell starts with it are template help, not data
TRUE_WORDS = {"true", "1", "是", "y", "yes", "t", "√", "有"}
FALSE_WORDS = {"false", "0", "否", "n", "no", "f", "×", "无"}
EXCEL_EPOCH = dt.date(1899, 12, 30)


class ParseError(ValueError):
    pass


# Columns an error workbook adds (`write_error_workbook`): a corrected copy uploads again.
ERROR_HEADER = "错误"
ROW_HEADER = "原行号"


def _norm_header(text: str) -> str:
    """A header as matched: full-width forms folded (NFKC: （）→(), Ａ→A, 全角空格),
    every space, asterisk (a "required" mark) and line break dropped, brackets unified,
    lower case."""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[\s*＊]", "", text)
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    return text.lower()


def _strip_unit(text: str) -> str:
    return re.sub(r"\(.*?\)$", "", text)


def _unit(text: str) -> str:
    m = re.search(r"\((.*?)\)$", text)
    return m[1] if m else ""


COLUMN_KINDS = frozenset({"text", "int", "money_wan", "decimal", "date", "bool", "choice", "year"})


@dataclass
class Column:
    key: str
    header: str  # Chinese, as written in templates (unit in full-width parentheses)
    kind: str = "text"  # text | int | money_wan | decimal | date | bool | choice | year
    required: bool = False
    help: str = ""
    choices: dict[str, str] | None = None  # label → value (labels shown in templates)
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    may_be_negative: bool = False
    # shown for the reader (企业名称 beside the code): recognised, never parsed or matched
    info: bool = False

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")

    @property
    def label(self) -> str:
        return _strip_unit(self.header.replace("（", "(").replace("）", ")"))

    def names(self) -> set[str]:
        out = {_norm_header(self.key), _norm_header(self.header), _norm_header(self.label)}
        out.update(_norm_header(a) for a in self.aliases)
        return out

    def parse(self, raw: Any) -> Any:
        """Raw cell → value; None for blank (unknown). Raises ParseError (Chinese)."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.required:
                raise ParseError("不能为空")
            return None
        kind = self.kind
        if kind == "text":
            text = str(raw).strip()
            if isinstance(raw, float) and raw.is_integer():
                text = str(int(raw))
            if self.max_length and len(text) > self.max_length:
                raise ParseError(f"不能超过{self.max_length}个字符")
            return text
        if kind in ("int", "year"):
            if isinstance(raw, bool):
                raise ParseError("应为整数")
            if isinstance(raw, int):
                value = raw
            else:
                try:
                    dec = to_decimal(raw)
                except MoneyError:
                    raise ParseError(f"“{raw}”不是整数") from None
                if dec != dec.to_integral_value():
                    raise ParseError(f"“{raw}”不是整数")
                value = int(dec)
            if value < 0:
                raise ParseError("不能为负数")
            return value
        if kind in ("money_wan", "decimal"):
            try:
                value_dec = wan_to_yuan(raw) if kind == "money_wan" else to_decimal(raw)
            except MoneyError as exc:
                raise ParseError(str(exc)) from None
            if value_dec < 0 and not self.may_be_negative:
                raise ParseError("不能为负数")
            return value_dec
        if kind == "date":
            return parse_date(raw)
        if kind == "bool":
            word = str(raw).strip().lower()
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, int | float) and raw in (0, 1):
                return bool(raw)
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ParseError(f"“{raw}”应为 是/否")
        if kind == "choice":
            assert self.choices is not None
            text = str(raw).strip()
            if text in self.choices:
                return self.choices[text]
            if text in self.choices.values():
                return text
            raise ParseError(f"“{text}”应为 {'、'.join(self.choices)} 之一")
        raise AssertionError(kind)

    def parser(self) -> Callable[[Any], Any]:
        """A function equal to `parse` (same values, same errors), faster on the cells a
        sheet is mostly made of: floats and ints from Excel, repeated texts, blanks.
        Anything else goes through `parse` itself."""
        parse = self.parse
        kind = self.kind
        optional = not self.required
        if kind in ("int", "year"):

            def parse_int(raw: Any) -> Any:
                t = type(raw)
                if t is float:
                    # an integral float below 2⁵³ is exact and its repr is "N.0"
                    if 0 <= raw < _EXACT_INT_LIMIT and raw.is_integer():
                        return int(raw)
                elif t is int:
                    if raw >= 0:
                        return raw
                elif raw is None and optional:
                    return None
                return parse(raw)

            return parse_int
        if kind == "money_wan":
            negative_ok = self.may_be_negative

            def parse_money(raw: Any) -> Any:
                if type(raw) is float:
                    if raw and -FAST_WAN_LIMIT < raw < FAST_WAN_LIMIT:
                        # money.float_wan_to_yuan, inlined (see there why it is exact)
                        cents = round(raw * 1e6)
                        if cents / 1e6 == raw and (negative_ok or raw > 0):
                            return Decimal(cents).scaleb(-2)
                    elif not raw:
                        return float_wan_to_yuan(raw)  # 0.00 or -0.00, never below zero
                elif raw is None and optional:
                    return None
                return parse(raw)

            return parse_money
        # text, date, choice, ...: the value of a str cell depends on the str alone
        memo: dict[str, Any] = {}

        def parse_memo(raw: Any) -> Any:
            if type(raw) is str:
                value = memo.get(raw, _MISSING)
                if value is _MISSING:
                    value = memo[raw] = parse(raw)
                return value
            if raw is None and optional:
                return None
            return parse(raw)

        return parse_memo


_MISSING = object()
_EXACT_INT_LIMIT = 2.0**53


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # an Excel serial date stored as a number
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise ParseError(f"“{raw}”不是日期")
    text = str(raw).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?", text)
    if not m:
        raise ParseError(f"“{text}”不是日期（应为 YYYY-MM-DD）")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ParseError(f"“{text}”不是有效日期") from None


@dataclass
class Table:
    """Raw rows of a sheet with their spreadsheet row numbers."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    warnings: list[str] = field(default_factory=list)


def _sniff_kind(name: str, head: bytes) -> str:
    lower = name.lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        return "bad-excel"
    return "csv"


def sheet_limits() -> SheetLimits:
    """The instance's limits (settings.SHEET_LIMITS), or the environment's outside Django."""
    from django.conf import settings

    if settings.configured and hasattr(settings, "SHEET_LIMITS"):
        return settings.SHEET_LIMITS
    return SheetLimits.from_env()


def count_rows(data: bytes, name: str, *, limits: SheetLimits | None = None) -> int:
    """About how many rows a sheet holds (header and help rows included), without
    parsing it: an .xlsx by the streaming scan in the limited child, a CSV by its line
    breaks (an upper bound). Decides whether a file is read in the request or by the
    background worker. ValidationFailed (Chinese) for a file refused by the checks."""
    limits = limits or sheet_limits()
    kind = _sniff_kind(name, data[:8])
    try:
        if kind == "xlsx":
            return count_xlsx_rows(data, limits)
        check_csv(data, limits)
    except SheetRefused as exc:
        raise ValidationFailed([], str(exc)) from None
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def read_table(
    source: str | Path | IO[bytes] | bytes,
    name: str | None = None,
    *,
    max_rows: int | None = None,
    limits: SheetLimits | None = None,
) -> Table:
    """Read the first visible sheet of an .xlsx, or a .csv (UTF-8 with/without BOM, or
    GB18030/GBK), within `limits` (`kechuang.rules.safe_read`: checked before anything
    is built, parsed in a limited child process)."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        data = Path(source).read_bytes()
        name = name or str(source)
    else:
        data = source.read()
    name = name or "upload"
    limits = limits or sheet_limits()
    if not data.strip():
        raise ValidationFailed([], "文件为空")
    kind = _sniff_kind(name, data[:8])
    if kind == "bad-excel":
        raise ValidationFailed(
            [], "文件不是有效的Excel文件（.xlsx），请用模板另存为Excel工作簿后再上传"
        )
    scan: SheetScan | None = None
    try:
        if kind == "xlsx":
            raw_rows, scan = _read_xlsx(data, limits, max_rows)
        else:
            check_csv(data, limits)
            raw_rows = _read_csv(data)
    except BadUtf8 as exc:
        raise ValidationFailed([], f"第{exc.line}行: {exc}") from None
    except SheetRefused as exc:
        raise ValidationFailed([], str(exc)) from None
    # the first non-empty row is the header
    header_index = next((i for i, r in enumerate(raw_rows) if any(_present(c) for c in r)), None)
    if header_index is None:
        raise ValidationFailed([], "文件为空")
    headers = [str(c).strip() if c is not None else "" for c in raw_rows[header_index]]
    rows: list[tuple[int, list[Any]]] = []
    for i in range(header_index + 1, len(raw_rows)):
        row = raw_rows[i]
        first = row[0] if row else None
        if first is None or (isinstance(first, str) and first.strip() == ""):
            first = next((c for c in row if _present(c)), None)
            if first is None:  # no cell present
                continue
        if isinstance(first, str) and first.strip().startswith(HELP_MARK):
            continue
        rows.append((i + 1, row))
    if max_rows is not None and len(rows) > max_rows:
        raise ValidationFailed([], f"数据行数 {len(rows)} 超过上限 {max_rows}，请分批导入")
    return Table(headers, rows, warnings=scan.warnings(headers) if scan else [])


def _present(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and cell.strip() == "")


def _read_xlsx(
    data: bytes, limits: SheetLimits, max_rows: int | None
) -> tuple[list[list[Any]], SheetScan]:
    rows, scan = read_xlsx_rows(data, limits, max_rows=max_rows)
    for r in rows:  # blank cells come as "": make them None
        if "" in r:
            i = r.index("")
            try:
                while True:
                    r[i] = None
                    i = r.index("", i + 1)
            except ValueError:
                pass
    return rows, scan


def _read_csv(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    if "\x00" in text:
        raise ValidationFailed([], "文件不是有效的CSV或Excel文件")
    try:  # newline="": a lone CR ends a row, as in the csv module's own files
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ValidationFailed([], f"文件不是有效的CSV文件（{_csv_problem(exc)}）") from None
    if "'" in text:  # a cell an export neutralised ('=…, rules/cells.py) reads back as it was
        for r in rows:
            for i, cell in enumerate(r):
                if cell[:1] == "'" and is_neutralised(cell):
                    r[i] = cell[1:]
    return rows


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "有单元格超过13万个字符"
    if "NUL" in text or "null" in text.lower():
        return "含有空字符"
    return "引号或换行不成对"


def map_columns(table: Table, columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    """Column key → index in the table; raises when a required column is missing.

    Informational columns (`Column.info`) are recognised but left out of the index;
    the reading's warnings (`Table.warnings`: which sheet, formulas without a value)
    come first, then unknown headers, named in one warning (and in the error when a required column is
    missing, since one of them is most likely the column meant)."""
    by_name: dict[str, Column] = {}
    for col in columns:
        for n in col.names():
            by_name[n] = col
    index: dict[str, int] = {}
    info: set[str] = set()
    unknown: list[str] = []
    errors: list[FieldError] = []
    for i, header in enumerate(table.headers):
        if not header:
            continue
        norm = _norm_header(header)
        found = by_name.get(norm) or by_name.get(_strip_unit(norm))
        if found is None:
            if norm not in (ERROR_HEADER, _norm_header(ROW_HEADER)):
                unknown.append(header)
            continue
        unit, wanted = _unit(norm), _unit(_norm_header(found.header))
        if norm not in by_name and unit and wanted and unit != wanted:
            # 销售收入（元） is not 销售收入（万元）: never read a figure in the wrong unit
            errors.append(
                FieldError(found.key, found.label, f"单位应为{wanted}（表头“{header}”）", 1)
            )
            continue
        if found.info:
            info.add(found.key)
            continue
        if found.key in index:
            errors.append(
                FieldError(
                    found.key, found.label, f"列重复（第{index[found.key] + 1}列和第{i + 1}列）", 1
                )
            )
            continue
        index[found.key] = i
    missing = [c for c in columns if c.required and c.key not in index]
    for c in missing:
        errors.append(FieldError(c.key, c.label, "缺少必填列", 1))
    unknown_text = "未识别的列：" + "、".join(f"“{h}”" for h in unknown) if unknown else ""
    if errors:
        message = "表头不符合模板：" + "；".join(str(e) for e in errors)
        if missing:
            message += "。" + (
                unknown_text + "（请把列名改为模板中的名称）" if unknown else "文件中没有未识别的列"
            )
        raise ValidationFailed(errors, message)
    return index, [*table.warnings, *([unknown_text + "，已忽略"] if unknown else [])]


def parse_rows(
    table: Table, columns: Sequence[Column], index: dict[str, int]
) -> tuple[list[tuple[int, dict[str, Any]]], list[FieldError]]:
    """Parse every present column of every row; collect every error.

    Column by column (one parser per column, see `Column.parser`); the result is the
    same as parsing each cell with `Column.parse` row by row: values keyed in column
    order, a failed cell left out of its row, errors in row then column order."""
    present = [(c, index[c.key]) for c in columns if c.key in index]
    if not present or not table.rows:
        return [(row_no, {}) for row_no, _ in table.rows], []
    row_nos = [row_no for row_no, _ in table.rows]
    width = max(i for _, i in present) + 1
    cells = [r if len(r) >= width else [*r, *[None] * (width - len(r))] for _, r in table.rows]
    picked = [i for _, i in present]
    if len(picked) == 1:
        only = picked[0]
        raw_columns: list[Sequence[Any]] = [[r[only] for r in cells]]
    else:
        raw_columns = list(zip(*map(itemgetter(*picked), cells), strict=True))
    parsed: list[list[Any]] = []
    failures: list[tuple[int, int, FieldError]] = []  # (position in table, column, error)
    for j, ((col, _), raws) in enumerate(zip(present, raw_columns, strict=True)):
        parse = col.parser()
        try:
            parsed.append([parse(raw) for raw in raws])
            continue
        except ParseError:
            pass
        values: list[Any] = []
        for k, raw in enumerate(raws):
            try:
                values.append(parse(raw))
            except ParseError as exc:
                values.append(_MISSING)
                failures.append((k, j, FieldError(col.key, col.label, str(exc), row_nos[k])))
        parsed.append(values)
    keys = [c.key for c, _ in present]
    out = [
        (row_no, dict(zip(keys, values, strict=True)))
        for row_no, values in zip(row_nos, zip(*parsed, strict=True), strict=True)
    ]
    if not failures:
        return out, []
    failures.sort(key=lambda f: (f[0], f[1]))
    for k in {f[0] for f in failures}:
        row_no, row_values = out[k]
        out[k] = (row_no, {key: v for key, v in row_values.items() if v is not _MISSING})
    return out, [f[2] for f in failures]


# -- writing ------------------------------------------------------------------------


def write_template(
    path_or_buffer: str | Path | IO[bytes],
    columns: Sequence[Column],
    *,
    sheet: str,
    lists: dict[str, list[str]] | None = None,
    note: str = "",
) -> None:
    """A template: header row, one help row (type, unit, required, allowed values),
    data-validation lists, frozen panes. Opens cleanly in Excel and WPS."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    lists_ws = wb.create_sheet("选项")
    lists = dict(lists or {})
    head_fill = PatternFill("solid", fgColor="1F4E79")
    help_fill = PatternFill("solid", fgColor="FFF2CC")
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=col.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        help_text = _help_text(col)
        hcell = ws.cell(row=2, column=j, value=(HELP_MARK + help_text if j == 1 else help_text))
        hcell.fill = help_fill
        hcell.alignment = Alignment(wrap_text=True, vertical="top")
        hcell.font = Font(size=9, color="7F6000")
        cell.comment = Comment(f"{col.header}\n{help_text}\n英文键: {col.key}", "科创云")
        ws.column_dimensions[letter].width = max(12, min(40, len(col.header) * 2 + 4))
        options = lists.get(col.key)
        if options is None and col.kind == "bool":
            options = ["是", "否"]
        if options is None and col.choices:
            options = list(col.choices)
        if options:
            lists.setdefault(col.key, options)
            k = list(lists.keys()).index(col.key) + 1
            ll = get_column_letter(k)
            lists_ws.cell(row=1, column=k, value=col.label)
            for r, opt in enumerate(options, start=2):
                openpyxl_value(lists_ws.cell(row=r, column=k), opt)  # names are never formulas
            dv = DataValidation(
                type="list",
                formula1=f"=选项!${ll}$2:${ll}${len(options) + 1}",
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="无效的选项",
                error=f"{col.label}: 请从下拉列表中选择",
            )
            dv.add(f"{letter}3:{letter}20000")
            ws.add_data_validation(dv)
        elif col.kind in ("int", "year"):
            dv = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=not col.required,
                showErrorMessage=True,
                error=f"{col.label}: 应为非负整数",
            )
            dv.add(f"{letter}3:{letter}20000")
            ws.add_data_validation(dv)
        elif col.kind == "date":
            for r in range(3, 1003):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    ws.row_dimensions[2].height = 60
    ws.freeze_panes = "B3"
    if note:
        info = wb.create_sheet("说明")
        for i, line in enumerate(note.splitlines(), start=1):
            info.cell(row=i, column=1, value=line)
        info.column_dimensions["A"].width = 100
    lists_ws.sheet_state = "hidden"
    wb.save(path_or_buffer)


def _help_text(col: Column) -> str:
    parts = ["必填" if col.required else "选填"]
    kind_text = {
        "text": "文本",
        "int": "整数",
        "year": "年份（整数，如 2020）",
        "money_wan": "金额，单位万元，最多6位小数",
        "decimal": "数字",
        "date": "日期 YYYY-MM-DD",
        "bool": "是/否",
        "choice": "从下拉列表选择",
    }[col.kind]
    parts.append(kind_text)
    if col.help:
        parts.append(col.help)
    return "；".join(parts)


def write_rows_xlsx(
    path_or_buffer: str | Path | IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "导出",
    number_formats: dict[int, str] | None = None,
) -> None:
    """A fast plain export (xlsxwriter): header row, frozen, autofilter."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        path_or_buffer, {"in_memory": True, "remove_timezone": True, **XLSX_OPTIONS}
    )
    ws = wb.add_worksheet(sheet)
    head = wb.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True}
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    formats = {i: wb.add_format({"num_format": f}) for i, f in (number_formats or {}).items()}
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, head)
        ws.set_column(j, j, max(10, min(40, len(h) * 2 + 2)))
    n = 0
    for i, row in enumerate(rows, start=1):
        n = i
        for j, value in enumerate(row):
            # one writer for every cell we hand out: text is never a formula (rules/cells.py)
            write_cell(ws, i, j, value, date_fmt if isinstance(value, dt.date) else formats.get(j))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), max(len(headers) - 1, 0))
    wb.close()


def write_error_workbook(
    path_or_buffer: str | Path | IO[bytes],
    table: Table,
    errors_by_row: dict[int, list[str]],
    *,
    sheet: str = "错误清单",
) -> None:
    """The uploaded rows as they were, with an added 错误 column (every error of the row,
    joined) and 原行号 (the row number the errors name). Rows with errors are marked; the
    sheet filters on 错误. Corrected, it uploads again: both added columns are ignored."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        path_or_buffer, {"in_memory": True, "remove_timezone": True, **XLSX_OPTIONS}
    )
    ws = wb.add_worksheet(sheet[:31])
    head = wb.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True}
    )
    error_head = wb.add_format({"bold": True, "bg_color": "#C00000", "font_color": "#FFFFFF"})
    error_cell = wb.add_format({"font_color": "#C00000", "text_wrap": True, "bg_color": "#FDE9E7"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    headers = list(table.headers)
    width = max([len(headers), *(len(r) for _, r in table.rows)])
    headers += [""] * (width - len(headers))
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, head)
        ws.set_column(j, j, max(10, min(30, len(h) * 2 + 2)))
    ws.write_string(0, width, ERROR_HEADER, error_head)
    ws.set_column(width, width, 60)
    ws.write_string(0, width + 1, ROW_HEADER, head)
    for i, (row_no, cells) in enumerate(table.rows, start=1):
        for j, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, dt.datetime | dt.date):
                day = (
                    value
                    if isinstance(value, dt.datetime)
                    else dt.datetime.combine(value, dt.time())
                )
                ws.write_datetime(i, j, day, date_fmt)
            elif isinstance(value, bool):
                ws.write_boolean(i, j, value)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value)
            else:
                ws.write_string(i, j, str(value))
        problems = errors_by_row.get(row_no)
        if problems:
            ws.write_string(i, width, "；".join(problems), error_cell)
        ws.write_number(i, width + 1, row_no)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(table.rows), 1), width + 1)
    wb.close()


def write_rows_csv(buffer: IO[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV cells through `cells.csv_row`: text starting with = + - @ tab CR gets a leading
    apostrophe (read back by `read_table`), numbers stay numbers."""
    writer = csv.writer(buffer)
    writer.writerow(csv_row(headers))
    for row in rows:
        writer.writerow(csv_row(row))


def parse_record(
    columns: Sequence[Column], payload: dict[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Parse one record given by key (API bodies) with the same rules and messages as a
    sheet row. Unknown keys are errors; with `partial`, required keys may be absent."""
    by_key = {c.key: c for c in columns if not c.info}
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for key, raw in payload.items():
        col = by_key.get(key)
        if col is None:
            errors.append(FieldError(key, key, "未知字段"))
            continue
        try:
            out[key] = col.parse(raw)
        except ParseError as exc:
            errors.append(FieldError(key, col.label, str(exc)))
    if not partial:
        for col in columns:
            if col.required and col.key not in payload:
                errors.append(FieldError(col.key, col.label, "不能为空"))
    if errors:
        raise ValidationFailed(errors)
    return out

"""Read and validate assessment input (../shared/spec/assess.md "Input", "Invalid input").

Every format is first read into a frame of text cells (exact: numbers keep their
decimal text; parquet columns keep their types), then parsed column by column,
vectorized (see "Parsing" below). Any invalid cell rejects the whole input:
`InputError.errors` lists every problem as `第N行 <中文表头>: <问题>`, N being the
spreadsheet row (header = row 1; for JSON / JSON Lines, record k is row k + 1).
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from kechuang.rules import uscc as uscc_mod
from kechuang.rules.evaluate import DTYPES, ROW, WARNINGS, conform
from kechuang.rules.fields import BY_HEADER, BY_KEY, FIELDS, MAX_WAN, MICRO, YEAR_LABELS, Field
from kechuang.rules.safe_read import (
    BadUtf8,
    NotAWorkbook,
    SheetLimits,
    SheetRefused,
    check_csv,
    check_size,
    count_xlsx_rows,
    decode_text,
    read_xlsx_rows,
)
from kechuang.rules.tech_domains import parse_domain

TRUE_WORDS = ("true", "1", "是", "y", "yes", "t", "1.0")
FALSE_WORDS = ("false", "0", "否", "n", "no", "f", "0.0")
HELP_MARK = "【"  # every cell of the template's help row starts with it
EXCEL_EPOCH = date(1899, 12, 30)
FORMATS = ("xlsx", "csv", "parquet", "json", "jsonl")


class InputError(ValueError):
    """The whole input is rejected; `errors` holds every message, in row order."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class ParsedInput:
    facts: pl.DataFrame  # typed facts (see evaluate.facts_schema), `_row`, `_warnings`
    warnings: list[str] = field(default_factory=list)  # file-level (unknown columns …)


# ---------------------------------------------------------------------------
# Reading: every format → (text frame with `_row`, original headers)


def _cell_text(value: object) -> str | None:
    """An exact text for one cell value (floats through their shortest repr)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return text


def _frame_from_rows(
    header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]
) -> pl.DataFrame:
    names = [("" if h is None else str(h)).strip() for h in header]
    columns: list[list[str | None]] = [[] for _ in names]
    row_numbers: list[int] = []
    for number, cells in rows:
        texts = [_cell_text(cells[i]) if i < len(cells) else None for i in range(len(names))]
        texts = [None if t is None or not t.strip() else t for t in texts]
        if all(t is None for t in texts):
            continue  # a blank line is not an enterprise
        if all(t is None or t.startswith(HELP_MARK) for t in texts):
            continue  # the template's help row
        row_numbers.append(number)
        for i, t in enumerate(texts):
            columns[i].append(t)
    data: dict[str, list[Any]] = {}
    for i, name in enumerate(names):
        key = name or f"(第{i + 1}列)"
        while key in data:
            key += " "  # duplicate headers are reported by _map_headers
        data[key] = columns[i]
    data[ROW] = row_numbers
    schema = {k: (pl.Int64 if k == ROW else pl.String) for k in data}
    return pl.DataFrame(data, schema=schema)


def read_xlsx(path: Path, limits: SheetLimits | None = None) -> tuple[pl.DataFrame, list[str]]:
    """The first visible sheet (checked, then parsed in a limited child: `safe_read`) and
    the reading's warnings (a hidden sheet skipped, formulas without a value)."""
    rows, scan = read_xlsx_rows(path.read_bytes(), limits or SheetLimits.from_env())
    if not rows:
        return _frame_from_rows([], []), scan.warnings()
    headers = ["" if h is None else str(h).strip() for h in rows[0]]
    frame = _frame_from_rows(rows[0], ((i + 1, r) for i, r in enumerate(rows) if i > 0))
    return frame, scan.warnings(headers)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK; any other encoding is an error."""
    try:
        return decode_text(data)
    except BadUtf8 as exc:
        raise InputError([f"第{exc.line}行 输入: {exc}"]) from None
    except SheetRefused as exc:
        raise InputError([f"第1行 输入: {exc}"]) from None


def _with_row_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """`_row` = index + 2, in the same chunks as the columns read (polars would otherwise
    copy every column into one chunk at each later operation)."""
    rows = pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True)
    lengths = frame.get_column(frame.columns[0]).chunk_lengths() if frame.width else []
    if len(lengths) > 1:
        starts = [0, *itertools.accumulate(lengths[:-1])]
        rows = pl.concat([rows.slice(a, n) for a, n in zip(starts, lengths, strict=True)])
    return frame.with_columns(rows.alias(ROW))


def _skippable(name: str) -> pl.Expr:
    """A cell that does not make its row an enterprise: blank, or the template's help."""
    e = pl.col(name)
    return e.is_null() | (e.str.strip_chars() == "") | e.str.starts_with(HELP_MARK)


def read_csv(path: Path) -> pl.DataFrame:
    """Text columns (blanks are left for `parse`, which reads them as null) and `_row`."""
    options: dict[str, Any] = {
        "infer_schema": False,
        "has_header": True,
        "truncate_ragged_lines": True,
    }
    # UTF-8, with or without BOM: polars maps the file, skips the BOM and checks every
    # cell's UTF-8 as it reads it (no separate pass over the file). It does not check the
    # header (it reads it lossily, invalid bytes → U+FFFD), so a header with U+FFFD is
    # read again the reference way: `_decode` (GBK; invalid UTF-8 after a BOM is an error).
    try:
        frame = pl.read_csv(path, **options)
        utf8 = not any("\ufffd" in name for name in frame.columns)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower():
            raise
        utf8 = False
    if not utf8:
        frame = pl.read_csv(io.StringIO(_decode(path.read_bytes())), **options)
    # Keep blank lines out but their numbers in: csv rows are header + index + 1.
    frame = _with_row_numbers(frame)
    values = [c for c in frame.columns if c != ROW]
    if values:
        # A row is dropped when every cell is skippable: look at the rows where the
        # fullest column's cell is, then at every cell of those rows only.
        fullest = min(values, key=lambda c: frame.get_column(c).null_count())
        candidate = frame.select(_skippable(fullest)).to_series()
        if candidate.any():
            dropped = frame.filter(candidate).filter(
                pl.all_horizontal([_skippable(c) for c in values])
            )
            if dropped.height:
                frame = frame.filter(~pl.col(ROW).is_in(dropped.get_column(ROW).implode()))
    return frame


def read_parquet(path: Path) -> pl.DataFrame:
    """The columns with their types (`parse` reads those that fit a field as they are and
    turns the others into text, `_as_text`) and `_row`."""
    return _with_row_numbers(pl.read_parquet(path))


def _records_frame(records: Sequence[object]) -> pl.DataFrame:
    header: dict[str, None] = {}
    for rec in records:
        if not isinstance(rec, Mapping):
            raise InputError(["第1行 输入: JSON 应为对象列表（每个企业一个对象）"])
        for k in rec:
            header.setdefault(str(k), None)
    names = list(header)
    return _frame_from_rows(
        names,
        (
            (i + 2, [rec.get(n) for n in names])
            for i, rec in enumerate(records)
            if isinstance(rec, Mapping)
        ),
    )


# json's own messages, in Chinese (the reader's English never reaches a user)
_JSON_REASONS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "键名应放在英文双引号中",
    "Expecting ',' delimiter": "缺少英文逗号",
    "Expecting ':' delimiter": "缺少英文冒号",
    "Unterminated string starting at": "字符串缺少结束的双引号",
    "Invalid control character at": "字符串中有控制字符（如未转义的换行）",
    "Invalid \\escape": "无效的转义字符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "末尾有多余的内容",
}


def json_problem(exc: json.JSONDecodeError) -> str:
    """Where a JSON text breaks and why, in Chinese: `第L行第C列：原因`."""
    reason = _JSON_REASONS.get(exc.msg, "格式错误")
    return f"第{exc.lineno}行第{exc.colno}列{reason}"


def _json_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [f"第1行 输入: JSON 文件应为 UTF-8 编码（第{exc.start + 1}个字节起不是有效的 UTF-8）"]
        ) from None


def read_json(path: Path) -> pl.DataFrame:
    try:
        data = json.loads(_json_text(path), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError([f"第1行 输入: 不是有效的 JSON：{json_problem(exc)}"]) from None
    if not isinstance(data, list):
        raise InputError(["第1行 输入: JSON 应为对象列表（每个企业一个对象）"])
    return _records_frame(data)


def read_jsonl(path: Path) -> pl.DataFrame:
    records: list[object] = []
    errors: list[str] = []
    for i, line in enumerate(_json_text(path).splitlines()):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, parse_float=Decimal))
        except json.JSONDecodeError as exc:
            reason = _JSON_REASONS.get(exc.msg, "格式错误")
            errors.append(
                f"第{i + 2}行 输入: 不是有效的 JSON（文件第{i + 1}行第{exc.colno}列{reason}）"
            )
    if errors:
        raise InputError(errors)
    return _records_frame(records)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise InputError(
        [f"第1行 输入: 不支持的文件类型“.{suffix}”（支持 .xlsx .csv .parquet .json .jsonl）"]
    )


def read_table(path: Path, limits: SheetLimits | None = None) -> pl.DataFrame:
    """A file of any format, within `limits` (default: the environment's, `safe_read`):
    its size first; an .xlsx checked and parsed in a limited child; the rows counted."""
    frame, _warnings = read_table_checked(path, limits)
    return frame


def read_table_checked(
    path: Path, limits: SheetLimits | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """`read_table` with the reading's warnings."""
    limits = limits or SheetLimits.from_env()
    fmt = detect_format(path)
    try:
        size = path.stat().st_size
        check_size(size, limits)
        if fmt == "xlsx":
            return read_xlsx(path, limits)
        if fmt == "csv":
            with path.open("rb") as fh:
                check_csv(fh.read(), limits)
        reader = {
            "csv": read_csv,
            "parquet": read_parquet,
            "json": read_json,
            "jsonl": read_jsonl,
        }[fmt]
        if fmt == "parquet":
            rows = pl.scan_parquet(path).select(pl.len()).collect().item()
            if rows > limits.max_rows:
                raise SheetRefused(f"数据行数 {rows} 超过上限 {limits.max_rows}，请分批处理")
        frame = reader(path)
        if frame.height > limits.max_rows:
            raise SheetRefused(f"数据行数 {frame.height} 超过上限 {limits.max_rows}，请分批处理")
        return frame, []
    except NotAWorkbook as exc:
        raise InputError(
            [f"第1行 输入: 无法读取文件“{path.name}”，不是有效的 Excel 文件（{exc}）"]
        ) from None
    except SheetRefused as exc:
        raise InputError([f"第1行 输入: {exc}"]) from None
    except InputError:
        raise
    except pl.exceptions.NoDataError as exc:
        raise InputError([f"第1行 输入: 文件“{path.name}”是空的"]) from exc
    except Exception as exc:  # a file its reader does not understand (a PDF renamed .xlsx …)
        # the reader's own (English) text stays in the chained exception, for the log
        kind = {"xlsx": "Excel", "csv": "CSV", "parquet": "Parquet"}.get(fmt, fmt.upper())
        raise InputError(
            [
                f"第1行 输入: 无法读取文件“{path.name}”，不是有效的 {kind} 文件"
                f"（文件已损坏、不完整，或并非 {kind} 格式）"
            ]
        ) from exc


def count_rows(path: Path, limits: SheetLimits | None = None) -> int:
    """About how many enterprises a file holds (an upper bound), found without parsing
    it: an .xlsx by the streaming scan (in the limited child), a parquet file by its
    metadata, text by its line breaks (JSON by its objects). Where a caller runs a big
    file (a request or the background worker) turns on it. InputError (Chinese) when the
    checks refuse the file; 0 when only the reader can tell what is wrong with it."""
    limits = limits or SheetLimits.from_env()
    fmt = detect_format(path)
    try:
        check_size(path.stat().st_size, limits)
        if fmt == "xlsx":
            return max(0, count_xlsx_rows(path.read_bytes(), limits) - 1)
        if fmt == "parquet":
            return int(pl.scan_parquet(path).select(pl.len()).collect().item())
        data = path.read_bytes()
        if fmt == "json":
            return data.count(b"{")
        return max(0, data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1)
    except NotAWorkbook as exc:
        raise InputError(
            [f"第1行 输入: 无法读取文件“{path.name}”，不是有效的 Excel 文件（{exc}）"]
        ) from None
    except SheetRefused as exc:
        raise InputError([f"第1行 输入: {exc}"]) from None
    except Exception:  # a damaged parquet file: the reader's own message, later
        return 0


# ---------------------------------------------------------------------------
# Parsing: frame → typed facts, or every error
#
# Each cell's value, error and warning are a function of that cell alone (after blank →
# null and stripping), so a column is parsed in two passes with one result:
#   - a fast vectorized pass over every row for the canonical spellings ("4200.123456",
#     "12", "true", "2019-03-01", an already clean 统一社会信用代码) and for parquet
#     columns whose type already fits the field (Int64, Decimal with ≤ 6 decimals,
#     Boolean, Date); it leaves the other cells as "residual";
#   - the general parse (`_general`) of the residual cells' distinct texts, step by step
#     (each sub-expression computed once), patched into the fast result.

_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")


def match_header(raw: str) -> Field | None:
    text = raw.strip()
    for candidate in (text, _UNIT_SUFFIX.sub("", text).strip()):
        if candidate in BY_HEADER:
            return BY_HEADER[candidate]
        if candidate.lower() in BY_KEY:
            return BY_KEY[candidate.lower()]
    return None


def _msg(expr: pl.Expr, *parts: str | pl.Expr) -> pl.Expr:
    """A message expression: the parts concatenated where `expr` is true, else null."""
    items = [p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts]
    return pl.when(expr).then(pl.concat_str(items))


def _first_error(*msgs: pl.Expr) -> pl.Expr:
    return pl.coalesce(list(msgs))


def _quoted(s: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("“"), s, pl.lit("”")])


_INT_RE = r"^[+-]?\d+(\.0+)?$"
_DEC_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
_SCI_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$"
_DATE_RE = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}([ T]00:00(:00(\.0+)?)?)?$"
_SERIAL_RE = r"^\d{1,6}(\.0+)?$"
# Fast pass: amounts whose text the general parse reads as this exact decimal (ASCII
# digits, ≤ 10 before and ≤ 6 after the point; the size limit is checked apart).
_PLAIN_MONEY_RE = r"^-?[0-9]{1,10}(\.[0-9]{1,6})?$"
_PLAIN_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_INT_DTYPES = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)
_SRC, _HELP, _RESIDUAL, _ERR, _WARN = "_src|", "_help|", "_residual|", "_err|", "_warn|"


def _plain_decimal(text: str) -> str:
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:
        return text


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A typed column as the text the general parse reads (exact: decimals keep theirs)."""
    e = pl.col(name)
    if dtype == pl.String:
        return e
    if dtype == pl.Boolean:
        return pl.when(e).then(pl.lit("true")).when(~e).then(pl.lit("false")).alias(name)
    if isinstance(dtype, pl.Datetime):
        return e.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00$", "").alias(name)
    return e.cast(pl.String).alias(name)


def _fits(dtype: pl.DataType, f: Field) -> bool:
    """A typed column the fast pass reads as it is (no text, no floats)."""
    if f.kind in ("int", "score"):
        return dtype in _INT_DTYPES
    if f.kind == "money":
        return dtype in _INT_DTYPES or (isinstance(dtype, pl.Decimal) and dtype.scale <= 6)
    if f.kind == "bool":
        return dtype == pl.Boolean
    if f.kind == "date":
        return dtype == pl.Date
    return False


@dataclass
class _Fast:
    """One column's fast pass, in three stages over the working frame: `helpers` read
    the source column; `value` reads source and helpers; `residual` (cells left to the
    general parse) and `error` read the value (null on residual cells)."""

    helpers: list[pl.Expr]
    value: pl.Expr
    residual: pl.Expr
    error: pl.Expr | None = None


def _count_error(f: Field, v: pl.Expr) -> pl.Expr:
    err = _msg(v < 0, "不能为负数")
    if f.kind == "score" and f.max_score is not None:
        err = _first_error(err, _msg(v > f.max_score, f"应为0–{f.max_score}的整数"))
    return err


def _money_error(f: Field, v: pl.Expr) -> pl.Expr | None:
    return None if f.may_be_negative else _msg(v < 0, "不能为负数")


def _fast(f: Field, dtype: pl.DataType) -> _Fast:
    src = pl.col(_SRC + f.key)
    h = pl.col(_HELP + f.key)
    v = pl.col(f.key)
    left = src.is_not_null() & v.is_null()  # cells the fast pass did not read
    none = pl.lit(False)
    value: pl.Expr
    if dtype != pl.String:  # a typed column that fits (see `_fits`)
        if f.kind in ("int", "score"):
            return _Fast([], src.cast(pl.Int64), none, _count_error(f, v))
        if f.kind == "money" and isinstance(dtype, pl.Decimal):
            unscaled = src.to_physical()  # the decimal's integer: value × 10^scale
            limit = (MAX_WAN + 1) * 10**dtype.scale  # not too big below it in size
            small = pl.when((unscaled < limit) & (unscaled > -limit)).then(unscaled)
            value = small.cast(pl.Int64) * 10 ** (6 - dtype.scale)
            return _Fast([], value, left, _money_error(f, v))
        if f.kind == "money":
            small = pl.when((src <= MAX_WAN) & (src >= -MAX_WAN)).then(src)
            value = small.cast(pl.Int64) * MICRO
            return _Fast([], value, left, _money_error(f, v))
        if f.kind == "date":
            return _Fast([], pl.when(src.dt.year().is_between(1000, 9999)).then(src), left)
        return _Fast([], src, none)  # bool
    if f.kind in ("int", "score"):
        helper = src.cast(pl.Int64, strict=False)
        value = pl.when(h.cast(pl.String) == src).then(h)
        return _Fast([helper], value, left, _count_error(f, v))
    if f.kind == "money":  # read as Decimal(38, 6): its integer is the value
        helper = pl.when(src.str.contains(_PLAIN_MONEY_RE)).then(
            src.cast(pl.Decimal(38, 6), strict=False).to_physical()
        )
        limit = (MAX_WAN + 1) * MICRO  # not too big below it in size
        value = pl.when((h < limit) & (h > -limit)).then(h.cast(pl.Int64, strict=False))
        return _Fast([helper], value, left, _money_error(f, v))
    if f.kind == "bool":
        value = pl.when(src == "true").then(pl.lit(True)).when(src == "false").then(pl.lit(False))
        return _Fast([], value, left)
    if f.kind == "date":  # YYYY-MM-DD: the general parse reads it with the same format
        value = pl.when(src.str.contains(_PLAIN_DATE_RE)).then(
            src.str.to_date("%Y-%m-%d", strict=False)
        )
        return _Fast([], value, left)
    if f.key == "uscc":
        value = pl.when(src.str.contains(uscc_mod.CLEAN_PATTERN)).then(src)
        return _Fast([], value, left, _msg(v.is_null(), "不能为空"))
    if f.kind == "text":
        helper = src.str.strip_chars()
        value = pl.when(h == "").then(None).otherwise(h)
        return _Fast([helper], value, none, _msg(v.is_null(), "不能为空") if f.required else None)
    return _Fast([], pl.lit(None, pl.String), src.is_not_null())  # domain: all general


# The general parse, on a frame of distinct cell texts `s` (stripped, blank → null).
# Each step is materialized before the next reads it (no sub-expression runs twice).


def _general_money(df: pl.DataFrame, f: Field) -> pl.DataFrame:
    s = pl.col("s")
    df = df.with_columns(s.str.replace_all(r"[,，\s]", "").alias("t"))
    t = pl.col("t")
    df = df.with_columns(
        t.str.contains(_DEC_RE).alias("ok"),
        t.str.starts_with("-").alias("neg"),
        t.str.strip_chars_start("+-").alias("body"),
    )
    body = pl.col("body")
    df = df.with_columns(
        body.str.extract(r"^(\d*)", 1).alias("whole"),
        body.str.extract(r"\.(\d*)$", 1).fill_null("").str.strip_chars_end("0").alias("frac"),
    )
    whole, frac = pl.col("whole"), pl.col("frac")
    df = df.with_columns(
        pl.when(whole == "")
        .then(pl.lit("0"))
        .otherwise(whole.str.strip_chars_start("0"))
        .alias("whole_int"),
        (frac.str.len_chars() > 6).alias("too_many"),
        frac.str.pad_end(6, "0")
        .str.slice(0, 6)
        .cast(pl.Int64, strict=False)
        .fill_null(0)
        .alias("frac_v"),
    )
    whole_int, digits = pl.col("whole_int"), len(str(MAX_WAN))
    df = df.with_columns(
        (
            (whole_int.str.len_chars() > digits)
            | ((whole_int.str.len_chars() == digits) & (whole_int > str(MAX_WAN)))
        ).alias("too_big"),
        pl.when(whole_int == "")
        .then(pl.lit(0, pl.Int64))
        .otherwise(whole_int.cast(pl.Int64, strict=False))
        .alias("whole_v"),
    )
    ok, too_many, too_big = pl.col("ok"), pl.col("too_many"), pl.col("too_big")
    df = df.with_columns((pl.col("whole_v") * MICRO + pl.col("frac_v")).alias("magnitude"))
    magnitude = pl.col("magnitude")
    df = df.with_columns(
        pl.when(ok & ~too_many & ~too_big)
        .then(pl.when(pl.col("neg")).then(-magnitude).otherwise(magnitude))
        .alias("value")
    )
    err = _first_error(
        _msg(s.is_not_null() & ~ok, _quoted(s), "不是数字（金额单位万元）"),
        _msg(ok & too_many, "小数位不能超过6位（万元）"),
        _msg(ok & too_big, f"数值过大（上限 {MAX_WAN} 万元）"),
    )
    if not f.may_be_negative:
        err = _first_error(err, _msg(pl.col("value") < 0, "不能为负数"))
    return df.with_columns(err.alias("err"))


def _general_int(df: pl.DataFrame, f: Field) -> pl.DataFrame:
    s = pl.col("s")
    df = df.with_columns(s.str.contains(_INT_RE).alias("ok"))
    ok = pl.col("ok")
    df = df.with_columns(
        pl.when(ok).then(s.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)).alias("value")
    )
    err = _first_error(
        _msg(s.is_not_null() & ~ok, _quoted(s), "不是整数"), _count_error(f, pl.col("value"))
    )
    return df.with_columns(err.alias("err"))


def _general_bool(df: pl.DataFrame) -> pl.DataFrame:
    s = pl.col("s")
    mapping = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
    df = df.with_columns(
        s.str.to_lowercase()
        .replace_strict(mapping, default=None, return_dtype=pl.Boolean)
        .alias("value")
    )
    err = _msg(
        s.is_not_null() & pl.col("value").is_null(),
        _quoted(s),
        "不是是/否（可填 是/否、true/false、1/0、Y/N）",
    )
    return df.with_columns(err.alias("err"))


def _general_date(df: pl.DataFrame) -> pl.DataFrame:
    s = pl.col("s")
    df = df.with_columns(
        s.str.contains(_DATE_RE).alias("iso"),
        s.str.contains(_SERIAL_RE).alias("serial"),
        s.str.slice(0, 10).str.replace_all("/", "-").alias("ymd"),
        s.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False).alias("serial_days"),
    )
    serial_days = pl.col("serial_days")
    df = df.with_columns(
        pl.when(pl.col("iso"))
        .then(
            pl.col("ymd")
            .str.replace(r"^(\d{4})-(\d)-", "$1-0$2-")
            .str.replace(r"-(\d)$", "-0$1")
            .str.to_date("%Y-%m-%d", strict=False)
        )
        .alias("parsed"),
        pl.when(pl.col("serial") & (serial_days > 0))
        .then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial_days))
        .alias("from_serial"),
    )
    df = df.with_columns(pl.coalesce([pl.col("parsed"), pl.col("from_serial")]).alias("value"))
    err = _msg(s.is_not_null() & pl.col("value").is_null(), _quoted(s), "不是日期（YYYY-MM-DD）")
    return df.with_columns(err.alias("err"), pl.col("value").cast(pl.Date))


def _general_lookup(df: pl.DataFrame, f: Field) -> pl.DataFrame:
    """Codes (统一社会信用代码) and technical domains: a Python check per distinct text."""
    s = pl.col("s")
    texts = df.get_column("s").drop_nulls().unique().to_list()
    if f.key == "uscc":
        ok_map, bad_map = _lookup(texts, _check_uscc)
        warned = {k: "；".join(w) for k, (_, w) in ok_map.items() if w}
        return df.with_columns(
            s.replace_strict(
                {k: v[0] for k, v in ok_map.items()}, default=None, return_dtype=pl.String
            ).alias("value"),
            _first_error(
                _msg(s.is_null(), "不能为空"),
                s.replace_strict(bad_map, default=None, return_dtype=pl.String),
            ).alias("err"),
            s.replace_strict(warned, default=None, return_dtype=pl.String).alias("warn"),
        )
    ok_map, bad_map = _lookup(texts, parse_domain)
    return df.with_columns(
        s.replace_strict(ok_map, default=None, return_dtype=pl.String).alias("value"),
        s.replace_strict(bad_map, default=None, return_dtype=pl.String).alias("err"),
    )


def _general(f: Field, texts: pl.Series) -> pl.DataFrame:
    """The general parse of distinct cell texts: columns `cell`, `value`, `err`, `warn`."""
    df = pl.DataFrame({"cell": texts.cast(pl.String)}).with_columns(
        pl.col("cell").str.strip_chars().alias("s")
    )
    df = df.with_columns(pl.when(pl.col("s") == "").then(None).otherwise(pl.col("s")).alias("s"))
    if f.kind == "money":
        df = _general_money(_expand_sci(df, ["s"]), f)
    elif f.kind in ("int", "score"):
        df = _general_int(df, f)
    elif f.kind == "bool":
        df = _general_bool(df)
    elif f.kind == "date":
        df = _general_date(df)
    elif f.kind == "text" and f.key != "uscc":
        err = _msg(pl.col("s").is_null(), "不能为空") if f.required else pl.lit(None)
        df = df.with_columns(pl.col("s").alias("value"), err.alias("err"))
    else:  # uscc, domain
        df = _general_lookup(df, f)
    if "warn" not in df.columns:
        df = df.with_columns(pl.lit(None, pl.String).alias("warn"))
    return df.select(
        "cell",
        pl.col("value").cast(DTYPES[f.kind]),
        pl.col("err").cast(pl.String),
        pl.col("warn").cast(pl.String),
    )


def _expand_sci(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Rewrite "1e-05"-style numbers (floats from parquet or JSON) as plain decimals."""
    exprs = []
    for k in keys:
        sci = (
            frame.get_column(k)
            .drop_nulls()
            .filter(frame.get_column(k).drop_nulls().str.contains(_SCI_RE))
        )
        if sci.len():
            mapping = {v: _plain_decimal(v) for v in sci.unique().to_list()}
            exprs.append(pl.col(k).replace(mapping))
    return frame.with_columns(exprs) if exprs else frame


def _lookup(values: Iterable[str], fn: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Apply a Python check to each distinct value: (value map, error map)."""
    ok: dict[str, Any] = {}
    bad: dict[str, str] = {}
    for v in values:
        try:
            ok[v] = fn(v)
        except ValueError as exc:
            bad[v] = str(exc)
    return ok, bad


def _check_uscc(code: str) -> tuple[str, list[str]]:
    check = uscc_mod.validate(code)
    if check.errors:
        raise ValueError(f"{_quoted_py(code)}{'；'.join(check.errors)}")
    return check.code, check.warnings


def _quoted_py(text: str) -> str:
    return f"“{text}”"


def _clean_uscc_outcomes(codes: pl.Series) -> tuple[pl.Series, dict[int, str]]:
    """`uscc.validate`'s warnings for clean codes, vectorized: an outcome number per code
    (0: none) and the warnings ("；"-joined) of each outcome."""
    array = uscc_mod.codes_array(codes.str.join("").item().encode("ascii"))
    outcome, warnings = uscc_mod.clean_warnings(array)
    texts = {number: "；".join(found) for number, found in warnings.items()}
    return pl.Series(codes.name, outcome, dtype=pl.Int64), texts


def _map_headers(raw: pl.DataFrame) -> tuple[dict[str, str], list[str], list[str]]:
    """original column → key; errors; warnings."""
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    errors: list[str] = []
    warnings: list[str] = []
    for name in raw.columns:
        if name == ROW:
            continue
        f = match_header(name)
        if f is None:
            warnings.append(f"未知列“{name.strip()}”已忽略")
            continue
        if f.key in seen:
            errors.append(f"第1行 {f.header}: 列重复（“{seen[f.key]}”与“{name.strip()}”）")
            continue
        seen[f.key] = name.strip()
        mapping[name] = f.key
    for f in FIELDS:
        if f.required and f.key not in seen:
            errors.append(f"第1行 {f.header}: 缺少必填列")
    return mapping, errors, warnings


def _parse_columns(
    frame: pl.DataFrame, present: Sequence[Field]
) -> tuple[pl.DataFrame, dict[int, str]]:
    """From `frame` (`_row` and source columns `_src|key`): `_row` and, per field, the
    value `key` and its error `_err|key`; for uscc also `_warn|uscc`, a number standing
    for the code's warnings (0 or null: none), and the warnings of each number."""
    schema = frame.schema
    fasts = {f.key: _fast(f, schema[_SRC + f.key]) for f in present}
    frame = frame.with_columns(
        [h.alias(_HELP + k) for k, fast in fasts.items() for h in fast.helpers]
    )
    frame = frame.with_columns([fast.value.alias(k) for k, fast in fasts.items()])
    frame = frame.with_columns(
        [fast.residual.alias(_RESIDUAL + k) for k, fast in fasts.items()]
        + [
            (pl.lit(None, pl.String) if fast.error is None else fast.error)
            .cast(pl.String)
            .alias(_ERR + k)
            for k, fast in fasts.items()
        ]
        + ([pl.lit(None, pl.Int64).alias(_WARN + "uscc")] if "uscc" in fasts else [])
    )
    patched: dict[str, pl.Series] = {}
    uscc_texts: dict[int, str] = {}

    def put(name: str, rows: pl.Series, values: pl.Series) -> None:
        """Write `values` at `rows` (ascending) of column `name`."""
        if rows.len() == frame.height:
            patched[name] = values.alias(name)
        else:
            patched[name] = patched.get(name, frame.get_column(name)).scatter(rows, values)

    if "uscc" in fasts:
        clean = frame.select(
            (pl.col("uscc").is_not_null() & ~pl.col(_RESIDUAL + "uscc")).arg_true()
        ).to_series()
        if clean.len():
            outcomes, uscc_texts = _clean_uscc_outcomes(frame.get_column("uscc").gather(clean))
            put(_WARN + "uscc", clean, outcomes)
    for f in present:
        rows = frame.get_column(_RESIDUAL + f.key).arg_true()
        if rows.len() == 0:
            continue
        source = frame.select(pl.col(_SRC + f.key).gather(rows))
        texts = source.select(
            _as_text(_SRC + f.key, source.schema[_SRC + f.key]).alias("cell")
        ).to_series()
        general = _general(f, texts.unique())
        looked = texts.to_frame().join(general, on="cell", how="left", maintain_order="left")
        put(f.key, rows, looked.get_column("value"))
        put(_ERR + f.key, rows, looked.get_column("err"))
        if f.key == "uscc":  # negative numbers for these codes' warnings
            found = looked.get_column("warn").drop_nulls().unique().sort().to_list()
            numbers = {text: -1 - i for i, text in enumerate(found)}
            uscc_texts |= {number: text for text, number in numbers.items()}
            warn = looked.get_column("warn")
            put(
                _WARN + "uscc",
                rows,
                warn.replace_strict(numbers, default=None, return_dtype=pl.Int64),
            )
    frame = frame.with_columns(list(patched.values())) if patched else frame
    keep = [ROW, *fasts, *(_ERR + k for k in fasts)]
    return frame.select([*keep, *(c for c in frame.columns if c.startswith(_WARN))]), uscc_texts


def parse(raw: pl.DataFrame, *, as_of: date) -> ParsedInput:
    """Typed facts from a read frame (text columns, or typed parquet columns), or
    `InputError` with every error."""
    mapping, header_errors, warnings = _map_headers(raw)
    if header_errors:
        raise InputError(header_errors)
    present = [f for f in FIELDS if f.key in mapping.values()]
    source = {key: orig for orig, key in mapping.items()}
    columns: list[pl.Expr] = []
    for f in present:
        dtype = raw.schema[source[f.key]]
        column = pl.col(source[f.key])
        if dtype != pl.String and not _fits(dtype, f):
            column = _as_text(source[f.key], dtype)
        columns.append(column.alias(_SRC + f.key))
    # One chunk per column: polars would otherwise realign the chunks of every column at
    # each operation once columns computed here (one chunk) meet those read (many).
    typed, uscc_texts = _parse_columns(raw.select([pl.col(ROW), *columns]).rechunk(), present)
    # Present years must be contiguous and end at y3 (rules-hnte-2016.md "Years").
    contiguity: list[pl.Expr] = []
    for stem in ("revenue", "net_assets"):
        keys = [f"{stem}_{y}" for y in ("y1", "y2", "y3")]
        if not any(k in typed.columns for k in keys):
            continue
        cols = [pl.col(k) if k in typed.columns else pl.lit(None) for k in keys]
        for i in (1, 2):
            before = pl.any_horizontal([cols[j].is_not_null() for j in range(i)])
            contiguity.append(
                _msg(
                    before & cols[i].is_null(),
                    "前面年度已填写，本年度不能为空（存续年度须连续并以第三年结束）",
                ).alias(f"_err|{keys[i]}")
            )
    if contiguity:
        typed = typed.with_columns(
            [
                pl.coalesce([pl.col(e.meta.output_name()), e]).alias(e.meta.output_name())
                if e.meta.output_name() in typed.columns
                else e
                for e in contiguity
            ]
        )
    # Duplicate codes: every later occurrence names the first. (Distinct hashes prove
    # distinct codes: the exact search runs only where some hashes are equal.)
    codes = typed.get_column("uscc").drop_nulls() if "uscc" in typed.columns else None
    if codes is not None and codes.hash().n_unique() < codes.len():
        first = pl.col(ROW).min().over("uscc")
        dup = pl.col("uscc").is_not_null() & (pl.col(ROW) != first)
        typed = typed.with_columns(
            pl.coalesce(
                [pl.col("_err|uscc"), _msg(dup, "与第", first.cast(pl.String), "行重复")]
            ).alias("_err|uscc")
        )
    messages = _collect_errors(typed)
    if messages:
        raise InputError(messages)
    facts = typed.select([pl.col(ROW), *(pl.col(f.key) for f in present)])
    uscc_outcomes = typed.get_column(_WARN + "uscc") if "uscc" in typed.columns else None
    facts = facts.with_columns(_row_warnings(facts, uscc_outcomes, uscc_texts))
    facts = conform(facts, as_of)
    return ParsedInput(facts, warnings)


def _row_warnings(
    facts: pl.DataFrame, uscc_outcomes: pl.Series | None, uscc_texts: Mapping[int, str]
) -> pl.Expr | pl.Series:
    """The `_warnings` column: each row's messages, in the order of the checks below.

    A row's warnings are one of few combinations (a number per code outcome, a bit per
    other check): each combination's list is built once, then looked up."""
    checks: list[tuple[str, pl.Expr]] = []
    if "tech_staff" in facts.columns and "employees" in facts.columns:
        checks.append(
            ("科技人员数大于职工总数，请核实", pl.col("tech_staff") > pl.col("employees"))
        )
    if "rd_domestic_3y" in facts.columns:
        rd = [
            pl.col(f"rd_expense_{y}")
            for y in ("y1", "y2", "y3")
            if f"rd_expense_{y}" in facts.columns
        ]
        if rd:
            checks.append(
                (
                    "境内研发费用合计大于各年研发费用之和，请核实",
                    pl.col("rd_domestic_3y") > pl.sum_horizontal(rd),
                )
            )
    for y in ("y1", "y2", "y3"):
        if f"rd_expense_{y}" in facts.columns:
            rev = pl.col(f"revenue_{y}") if f"revenue_{y}" in facts.columns else pl.lit(None)
            checks.append(
                (
                    f"研发费用_{YEAR_LABELS[y]}已填但同年销售收入未填，不计入",
                    pl.col(f"rd_expense_{y}").is_not_null() & rev.is_null(),
                )
            )
    if uscc_outcomes is None and not checks:
        return pl.lit([], dtype=pl.List(pl.String)).alias(WARNINGS)
    bits = 1 << len(checks)
    key = pl.sum_horizontal(
        [
            pl.lit(uscc_outcomes if uscc_outcomes is not None else 0).fill_null(0) * bits,
            *(
                cond.fill_null(False).cast(pl.Int64) * (1 << i)
                for i, (_, cond) in enumerate(checks)
            ),
        ]
    )
    keys = facts.select(key.cast(pl.Int64).alias("key"))
    combinations: list[list[str]] = []
    distinct = keys.get_column("key").unique().to_list()
    for number in distinct:
        outcome, flags = divmod(number, bits)
        messages = [f"统一社会信用代码{uscc_texts[outcome]}"] if outcome in uscc_texts else []
        messages += [m for i, (m, _) in enumerate(checks) if flags >> i & 1]
        combinations.append(messages)
    table = pl.DataFrame(
        {"key": distinct, WARNINGS: combinations},
        schema={"key": pl.Int64, WARNINGS: pl.List(pl.String)},
    )
    return keys.join(table, on="key", how="left", maintain_order="left").get_column(WARNINGS)


def _collect_errors(typed: pl.DataFrame) -> list[str]:
    err_cols = [
        c
        for c in typed.columns
        if c.startswith(_ERR) and typed.get_column(c).null_count() < typed.height
    ]
    if not err_cols:
        return []
    order = {f.key: i for i, f in enumerate(FIELDS)}
    long = (
        typed.select([pl.col(ROW), *err_cols])
        .filter(pl.any_horizontal([pl.col(c).is_not_null() for c in err_cols]))
        .unpivot(index=ROW, on=err_cols, variable_name="field", value_name="message")
        .drop_nulls("message")
    )
    if long.height == 0:
        return []
    long = long.with_columns(pl.col("field").str.replace(r"^_err\|", ""))
    rows = sorted(long.iter_rows(), key=lambda r: (r[0], order.get(r[1], 999)))
    return [f"第{row}行 {BY_KEY[key].header}: {message}" for row, key, message in rows]


def expert_errors(facts: pl.DataFrame) -> list[str]:
    """Expert scores outside the interval the objective data allow (hnte-2016 rules)."""
    from kechuang.rules.rulesets.hnte.criteria import RULESET as HNTE

    score_keys = [f.key for f in FIELDS if f.kind == "score"]
    has_scores = facts.select(
        pl.any_horizontal([pl.col(k).is_not_null().any() for k in score_keys])
    ).item()
    if not has_scores or HNTE.input_errors is None:
        return []
    ps = HNTE.parameters
    on = facts.get_column("as_of").max()
    params = ps.at(
        on if isinstance(on, date) and on >= HNTE.effective_from else HNTE.effective_from
    )
    bad = HNTE.input_errors(facts.lazy(), params).collect()
    return [f"第{row}行 {BY_KEY[key].header}: {msg}" for row, key, msg in sorted(bad.iter_rows())]


def load(path: Path, *, as_of: date, limits: SheetLimits | None = None) -> ParsedInput:
    """Read, parse and check a file (within `limits`, `safe_read`); raises `InputError`
    listing every error."""
    frame, reading = read_table_checked(path, limits)
    parsed = parse(frame, as_of=as_of)
    parsed.warnings[:0] = reading
    errors = expert_errors(parsed.facts)
    if errors:
        raise InputError(errors)
    return parsed


def from_records(records: Sequence[Mapping[str, object]], *, as_of: date) -> ParsedInput:
    """The same checks for records already in memory (API, tests)."""
    parsed = parse(_records_frame(records), as_of=as_of)
    errors = expert_errors(parsed.facts)
    if errors:
        raise InputError(errors)
    return parsed

"""Read and validate assessment input (../shared/spec/assess.md "Input", "Invalid input").

Every format is first read into a frame of text cells (exact: numbers keep their
decimal text), then parsed column by column, vectorized. Any invalid cell rejects the
whole input: `InputError.errors` lists every problem as `第N行 <中文表头>: <问题>`, N being
the spreadsheet row (header = row 1; for JSON / JSON Lines, record k is row k + 1).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from kechuang.core import uscc as uscc_mod
from kechuang.rules.evaluate import ROW, WARNINGS, conform
from kechuang.rules.fields import BY_HEADER, BY_KEY, FIELDS, MAX_WAN, MICRO, Field
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


def read_xlsx(path: Path) -> pl.DataFrame:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    if not rows:
        return _frame_from_rows([], [])
    return _frame_from_rows(rows[0], ((i + 1, r) for i, r in enumerate(rows) if i > 0))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # GBK and its superset


def read_csv(path: Path) -> pl.DataFrame:
    text = _decode(path.read_bytes())
    frame = pl.read_csv(
        io.StringIO(text), infer_schema=False, has_header=True, truncate_ragged_lines=True
    )
    # Keep blank lines out but their numbers in: csv rows are header + index + 1.
    frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))
    values = [c for c in frame.columns if c != ROW]
    if values:
        cleaned = [
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in values
        ]
        frame = frame.with_columns(cleaned)
        frame = frame.filter(~pl.all_horizontal([pl.col(c).is_null() for c in values]))
        frame = frame.filter(
            ~pl.all_horizontal(
                [pl.col(c).is_null() | pl.col(c).str.starts_with(HELP_MARK) for c in values]
            )
        )
    return frame


def read_parquet(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path)
    exprs = []
    for name, dtype in frame.schema.items():
        e = pl.col(name)
        if dtype == pl.Boolean:
            exprs.append(pl.when(e).then(pl.lit("true")).when(~e).then(pl.lit("false")).alias(name))
        elif isinstance(dtype, pl.Datetime):
            exprs.append(
                e.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00$", "").alias(name)
            )
        else:
            exprs.append(e.cast(pl.String).alias(name))
    frame = frame.select(exprs).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW)
    )
    return frame


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


def read_json(path: Path) -> pl.DataFrame:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([f"第1行 输入: 不是有效的 JSON（{exc}）"]) from None
    if not isinstance(data, list):
        raise InputError(["第1行 输入: JSON 应为对象列表（每个企业一个对象）"])
    return _records_frame(data)


def read_jsonl(path: Path) -> pl.DataFrame:
    records: list[object] = []
    errors: list[str] = []
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, parse_float=Decimal))
        except json.JSONDecodeError as exc:
            errors.append(f"第{i + 2}行 输入: 不是有效的 JSON（{exc.msg}）")
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


def read_table(path: Path) -> pl.DataFrame:
    fmt = detect_format(path)
    reader = {
        "xlsx": read_xlsx,
        "csv": read_csv,
        "parquet": read_parquet,
        "json": read_json,
        "jsonl": read_jsonl,
    }[fmt]
    return reader(path)


# ---------------------------------------------------------------------------
# Parsing: text frame → typed facts, or every error

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


def _plain_decimal(text: str) -> str:
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:
        return text


def _parse_int(s: pl.Expr, f: Field) -> tuple[pl.Expr, pl.Expr]:
    ok = s.str.contains(_INT_RE)
    value = pl.when(ok).then(s.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
    err = _first_error(
        _msg(s.is_not_null() & ~ok, _quoted(s), "不是整数"),
        _msg(value < 0, "不能为负数"),
    )
    if f.kind == "score" and f.max_score is not None:
        err = _first_error(err, _msg(value > f.max_score, f"应为0–{f.max_score}的整数"))
    return value, err


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


def _parse_money(s: pl.Expr, f: Field) -> tuple[pl.Expr, pl.Expr]:
    t = s.str.replace_all(r"[,，\s]", "")  # scientific notation was expanded by _expand_sci
    ok = t.str.contains(_DEC_RE)
    neg = t.str.starts_with("-")
    body = t.str.strip_chars_start("+-")
    whole = body.str.extract(r"^(\d*)", 1)
    frac = body.str.extract(r"\.(\d*)$", 1).fill_null("").str.strip_chars_end("0")
    too_many = frac.str.len_chars() > 6
    whole_int = pl.when(whole == "").then(pl.lit("0")).otherwise(whole.str.strip_chars_start("0"))
    too_big = (whole_int.str.len_chars() > len(str(MAX_WAN))) | (
        (whole_int.str.len_chars() == len(str(MAX_WAN))) & (whole_int > str(MAX_WAN))
    )
    whole_v = (
        pl.when(whole_int == "")
        .then(pl.lit(0, pl.Int64))
        .otherwise(whole_int.cast(pl.Int64, strict=False))
    )
    frac_v = frac.str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64, strict=False).fill_null(0)
    magnitude = whole_v * MICRO + frac_v
    good = ok & ~too_many & ~too_big
    value = pl.when(good).then(pl.when(neg).then(-magnitude).otherwise(magnitude))
    err = _first_error(
        _msg(s.is_not_null() & ~ok, _quoted(s), "不是数字（金额单位万元）"),
        _msg(ok & too_many, "小数位不能超过6位（万元）"),
        _msg(ok & too_big, f"数值过大（上限 {MAX_WAN} 万元）"),
    )
    if not f.may_be_negative:
        err = _first_error(err, _msg(value < 0, "不能为负数"))
    return value, err


def _parse_bool(s: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    low = s.str.to_lowercase()
    mapping = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
    value = low.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    err = _msg(
        s.is_not_null() & value.is_null(),
        _quoted(s),
        "不是是/否（可填 是/否、true/false、1/0、Y/N）",
    )
    return value, err


def _parse_date(s: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    iso = s.str.contains(_DATE_RE)
    text = s.str.slice(0, 10).str.replace_all("/", "-")
    parsed = pl.when(iso).then(
        text.str.replace(r"^(\d{4})-(\d)-", "$1-0$2-")
        .str.replace(r"-(\d)$", "-0$1")
        .str.to_date("%Y-%m-%d", strict=False)
    )
    serial = s.str.contains(_SERIAL_RE)
    serial_days = s.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    from_serial = pl.when(serial & (serial_days > 0)).then(
        pl.lit(EXCEL_EPOCH) + pl.duration(days=serial_days)
    )
    value = pl.coalesce([parsed, from_serial])
    err = _msg(s.is_not_null() & value.is_null(), _quoted(s), "不是日期（YYYY-MM-DD）")
    return value.cast(pl.Date), err


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


def parse(raw: pl.DataFrame, *, as_of: date) -> ParsedInput:
    """Typed facts from a text frame, or `InputError` with every error."""
    mapping, header_errors, warnings = _map_headers(raw)
    if header_errors:
        raise InputError(header_errors)
    frame = raw.select([pl.col(ROW), *(pl.col(orig).alias(key) for orig, key in mapping.items())])
    frame = frame.with_columns(
        [
            pl.when(pl.col(k).str.strip_chars() == "")
            .then(None)
            .otherwise(pl.col(k).str.strip_chars())
            .alias(k)
            for k in mapping.values()
        ]
    )
    present = [f for f in FIELDS if f.key in frame.columns]
    frame = _expand_sci(frame, [f.key for f in present if f.kind == "money"])
    values: list[pl.Expr] = []
    errors: list[pl.Expr] = []
    lookups: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    for f in present:
        s = pl.col(f.key)
        if f.key == "uscc":
            codes = frame.get_column("uscc").drop_nulls().unique().to_list()
            lookups["uscc"] = _lookup(codes, _check_uscc)
            ok_map, bad_map = lookups["uscc"]
            value = s.replace_strict(
                {k: v[0] for k, v in ok_map.items()}, default=None, return_dtype=pl.String
            )
            err = _first_error(
                _msg(s.is_null(), "不能为空"),
                s.replace_strict(bad_map, default=None, return_dtype=pl.String),
            )
        elif f.kind in ("text",):
            value, err = (
                s,
                (_msg(s.is_null(), "不能为空") if f.required else pl.lit(None, pl.String)),
            )
        elif f.kind in ("int", "score"):
            value, err = _parse_int(s, f)
        elif f.kind == "money":
            value, err = _parse_money(s, f)
        elif f.kind == "bool":
            value, err = _parse_bool(s)
        elif f.kind == "date":
            value, err = _parse_date(s)
        else:  # domain
            names = frame.get_column(f.key).drop_nulls().unique().to_list()
            ok_map, bad_map = _lookup(names, parse_domain)
            value = s.replace_strict(ok_map, default=None, return_dtype=pl.String)
            err = s.replace_strict(bad_map, default=None, return_dtype=pl.String)
        values.append(value.alias(f.key))
        errors.append(err.cast(pl.String).alias(f"_err|{f.key}"))
    checked = frame.with_columns(errors)
    typed = checked.with_columns(values)
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
    # Duplicate codes: every later occurrence names the first.
    if "uscc" in typed.columns:
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
    facts = facts.with_columns(_row_warnings(facts, lookups.get("uscc", ({}, {}))[0]))
    facts = conform(facts, as_of)
    return ParsedInput(facts, warnings)


def _check_uscc(code: str) -> tuple[str, list[str]]:
    check = uscc_mod.validate(code)
    if check.errors:
        raise ValueError(f"{_quoted_py(code)}{'；'.join(check.errors)}")
    return check.code, check.warnings


def _quoted_py(text: str) -> str:
    return f"“{text}”"


def _row_warnings(facts: pl.DataFrame, uscc_ok: Mapping[str, tuple[str, list[str]]]) -> pl.Expr:
    parts: list[pl.Expr] = []
    warned = {code: "；".join(w) for code, (code_n, w) in uscc_ok.items() if w}
    if warned and "uscc" in facts.columns:
        by_norm = {uscc_ok[k][0]: v for k, v in warned.items()}
        parts.append(
            pl.concat_str(
                [
                    pl.lit("统一社会信用代码"),
                    pl.col("uscc").replace_strict(by_norm, default=None, return_dtype=pl.String),
                ]
            )
        )
    if "tech_staff" in facts.columns and "employees" in facts.columns:
        parts.append(
            pl.when(pl.col("tech_staff") > pl.col("employees")).then(
                pl.lit("科技人员数大于职工总数，请核实")
            )
        )
    if "rd_domestic_3y" in facts.columns:
        rd = [
            pl.col(f"rd_expense_{y}")
            for y in ("y1", "y2", "y3")
            if f"rd_expense_{y}" in facts.columns
        ]
        if rd:
            parts.append(
                pl.when(pl.col("rd_domestic_3y") > pl.sum_horizontal(rd)).then(
                    pl.lit("境内研发费用合计大于各年研发费用之和，请核实")
                )
            )
    for y in ("y1", "y2", "y3"):
        if f"rd_expense_{y}" in facts.columns:
            rev = pl.col(f"revenue_{y}") if f"revenue_{y}" in facts.columns else pl.lit(None)
            parts.append(
                pl.when(pl.col(f"rd_expense_{y}").is_not_null() & rev.is_null()).then(
                    pl.lit(
                        f"研发费用_{y.replace('y1', '第一年').replace('y2', '第二年').replace('y3', '第三年')}已填但同年销售收入未填，不计入"
                    )
                )
            )
    if not parts:
        return pl.lit([], dtype=pl.List(pl.String)).alias(WARNINGS)
    return pl.concat_list(
        [
            pl.when(p.is_not_null())
            .then(pl.concat_list([p]))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            for p in parts
        ]
    ).alias(WARNINGS)


def _collect_errors(typed: pl.DataFrame) -> list[str]:
    err_cols = [c for c in typed.columns if c.startswith("_err|")]
    if not err_cols:
        return []
    order = {f.key: i for i, f in enumerate(FIELDS)}
    long = (
        typed.select([pl.col(ROW), *err_cols])
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


def load(path: Path, *, as_of: date) -> ParsedInput:
    """Read, parse and check a file; raises `InputError` listing every error."""
    parsed = parse(read_table(path), as_of=as_of)
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

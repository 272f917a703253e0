"""Reading uploaded spreadsheets so that no file can take the process down.

An .xlsx is a zip of XML; the reader we use (calamine) allocates the whole rectangle
from A1 to the last cell address, so a 1.5 KB file with one cell at XFD1048576 asks for
512 GB, and a zip of a few MB can hold gigabytes of XML. Before anything is built:

1. the file's size, the zip directory (declared sizes and ratios; `zipfile` itself stops
   a member at its declared size), and the workbook's sheets (the first *visible* sheet
   is read, and a hidden one before it is named in a warning) are checked;
2. that sheet's XML is scanned as a stream (expat, a chunk at a time, no DTD, never the
   grid): every cell address, the rectangle they span, the number of rows, and formula
   cells that have no cached value (Excel shows them blank until recalculated);
3. then calamine parses it in a child process under a memory (RLIMIT_AS) and a time
   limit: a crash there is a message, not a dead worker.

Pure standard library (the rules engine and the web app both read files through it).
Limits come from the environment (`SheetLimits.from_env`, docs/settings.md).
"""

from __future__ import annotations

import faulthandler
import io
import multiprocessing
import os
import posixpath
import re
import resource
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any
from xml.parsers import expat

MB = 1024 * 1024


class SheetRefused(ValueError):
    """The file is refused before (or while) it is read; the message is Chinese."""


class NotAWorkbook(SheetRefused):
    """Not a readable .xlsx at all (not a zip, a part missing or malformed); the message
    says what is wrong with it."""


@dataclass(frozen=True)
class SheetLimits:
    """What an uploaded or given spreadsheet may be. Environment: KECHUANG_SHEET_<FIELD>."""

    max_mb: int = 50  # the file as given (any format)
    max_unzipped_mb: int = 512  # an .xlsx's members, uncompressed, together
    max_ratio: int = 200  # one member's uncompressed / compressed size (zip bombs)
    max_cells: int = 12_000_000  # the rectangle from A1 to the last cell (rows × columns)
    max_rows: int = 1_048_576  # rows with cells (the callers' own row limits are lower)
    memory_mb: int = 2048  # address space the parsing child may add to its own
    seconds: int = 60  # the parsing child's wall time

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SheetLimits:
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            name = f"KECHUANG_SHEET_{f.name.upper()}"
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise ValueError(f"{name}: expected a whole number, got {raw!r}") from None
            if values[f.name] <= 0:
                raise ValueError(f"{name}: expected a positive number, got {raw!r}")
        return cls(**values)


@dataclass
class SheetScan:
    """What the streaming scan of one sheet found."""

    sheet: str  # the member path inside the zip
    name: str  # the sheet's name as Excel shows it
    rows: int = 0  # rows that hold at least one cell
    last_row: int = 0
    last_column: int = 0
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)
    formulas_without_value_count: int = 0
    skipped_hidden: list[str] = field(default_factory=list)

    def warnings(self, headers: list[str] | None = None) -> list[str]:
        """What to tell the user; `headers` (the sheet's header row) names the columns."""
        out: list[str] = []
        if self.skipped_hidden:
            hidden = "、".join(f"“{n}”" for n in self.skipped_hidden)
            out.append(f"已读取第一个可见工作表“{self.name}”（跳过隐藏的工作表 {hidden}）")
        if self.formulas_without_value_count:
            heads = headers or []

            def where(r: int, c: int) -> str:
                head = heads[c - 1] if c <= len(heads) and heads[c - 1] else f"第{c}列"
                return f"第{r}行 {head}（{column_letters(c)}{r}）"

            cells = "、".join(where(r, c) for r, c in self.formulas_without_value)
            more = (
                f"等{self.formulas_without_value_count}个单元格"
                if self.formulas_without_value_count > len(self.formulas_without_value)
                else ""
            )
            out.append(
                f"{cells}{more}是公式但没有计算结果，按空白读取"
                "（请在Excel中打开并保存一次，或把公式转为数值后再上传）"
            )
        return out


FORMULA_CELLS_NAMED = 10
_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size // MB} MB"


def check_size(size: int, limits: SheetLimits) -> None:
    if size > limits.max_mb * MB:
        raise SheetRefused(f"文件大小 {_mb(size)} 超过上限 {limits.max_mb} MB，请分批上传")


def check_csv(data: bytes, limits: SheetLimits) -> None:
    """A CSV's size, and an upper bound of its cells (separators + lines), before parsing."""
    check_size(len(data), limits)
    bound = data.count(b",") + data.count(b"\n") + 1
    if bound > limits.max_cells:
        raise SheetRefused(f"文件约有 {bound} 个单元格，超过上限 {limits.max_cells}，请分批上传")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise NotAWorkbook("文件不是有效的Excel文件（.xlsx），无法读取") from None


def check_zip(zf: zipfile.ZipFile, limits: SheetLimits) -> None:
    infos = zf.infolist()
    if len(infos) > 10_000:
        raise SheetRefused("文件不是有效的Excel文件（.xlsx）：压缩包内文件过多")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb * MB:
        raise SheetRefused(
            f"Excel文件解压后有 {_mb(total)}，超过上限 {limits.max_unzipped_mb} MB，请分批上传"
        )
    for info in infos:
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise SheetRefused(
                f"Excel文件的压缩比异常（“{info.filename}”解压后 {_mb(info.file_size)}，"
                f"压缩后仅 {_mb(info.compress_size)}），疑似恶意文件，已拒绝"
            )


def _parser(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None]) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_dtd(*_args: Any) -> None:
        raise SheetRefused("Excel文件含有文档类型声明（DTD），疑似恶意文件，已拒绝")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    return parser


def _feed(parser: Any, stream: Any, what: str) -> None:
    try:
        while True:
            chunk = stream.read(256 * 1024)
            if not chunk:
                break
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise NotAWorkbook(f"文件不是有效的Excel文件（.xlsx）：{what}格式错误") from None
    except SheetRefused:
        raise
    except _BROKEN_ZIP:
        raise NotAWorkbook(f"文件不是有效的Excel文件（.xlsx）：{what}已损坏") from None


# what zipfile raises on a damaged, encrypted or unsupported member
_BROKEN_ZIP = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _open_member(zf: zipfile.ZipFile, path: str) -> Any:
    try:
        return zf.open(path)
    except KeyError:
        raise NotAWorkbook(f"文件不是有效的Excel文件（.xlsx）：缺少“{path}”") from None
    except _BROKEN_ZIP:
        raise NotAWorkbook(f"文件不是有效的Excel文件（.xlsx）：“{path}”已损坏") from None


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _read_small_xml(zf: zipfile.ZipFile, path: str) -> list[tuple[str, dict[str, str]]]:
    """(local name, attributes) of every element of a small part (workbook, rels)."""
    out: list[tuple[str, dict[str, str]]] = []
    with _open_member(zf, path) as stream:
        _feed(_parser(lambda n, a: out.append((_local(n), a)), lambda n: None), stream, path)
    return out


def find_sheet(zf: zipfile.ZipFile) -> tuple[str, str, list[str]]:
    """(member path, name, hidden sheets before it) of the first visible worksheet."""
    names = set(zf.namelist())
    workbook = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for local, attrs in _read_small_xml(zf, "_rels/.rels"):
            if local == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                workbook = attrs.get("Target", workbook).lstrip("/")
    base = posixpath.dirname(workbook)
    rels_path = posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[str, str] = {}
    if rels_path in names:
        for local, attrs in _read_small_xml(zf, rels_path):
            if local == "Relationship":
                target = attrs.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(base, target))
                )
                targets[attrs.get("Id", "")] = path
    hidden: list[str] = []
    for local, attrs in _read_small_xml(zf, workbook):
        if local != "sheet":
            continue
        name = attrs.get("name", "")
        if attrs.get("state", "visible") in ("hidden", "veryHidden"):
            hidden.append(name)
            continue
        path = targets.get(attrs.get(f"{_NS_REL} id", ""), "")
        if path not in names:
            raise NotAWorkbook(f"文件不是有效的Excel文件（.xlsx）：找不到工作表“{name}”")
        return path, name, hidden
    raise SheetRefused("Excel文件中没有可见的工作表")


def scan_sheet(
    zf: zipfile.ZipFile, path: str, name: str, limits: SheetLimits, *, max_rows: int | None
) -> SheetScan:
    """Stream the sheet's XML once: addresses, rectangle, rows, formulas without value."""
    scan = SheetScan(sheet=path, name=name)
    row_limit = min(limits.max_rows, max_rows + 2) if max_rows is not None else limits.max_rows
    state = {"row": 0, "col": 0, "cells": 0, "f": False, "v": False}

    def refuse_area(row: int, col: int) -> None:
        _refuse_area(name, row, col, limits)

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                m = _ADDRESS.fullmatch(ref)
                if not m:
                    raise SheetRefused(f"工作表“{name}”中有无效的单元格地址“{ref[:20]}”")
                col, row = _column_number(m[1]), int(m[2])
                if row != state["row"]:
                    state["row"] = row
                    state["cells"] = 0
            else:
                col, row = state["col"] + 1, state["row"]
            if col > 16384 or row > 1_048_576 or row < 1:
                raise SheetRefused(f"工作表“{name}”中有无效的单元格地址“{ref}”")
            state["col"] = col
            if state["cells"] == 0:
                state["cells"] = 1
                scan.rows += 1
                if scan.rows > row_limit:
                    _refuse_rows(scan.rows, max_rows, limits)
            if row > scan.last_row:
                scan.last_row = row
            if col > scan.last_column:
                scan.last_column = col
            if scan.last_row * scan.last_column > limits.max_cells:
                refuse_area(scan.last_row, scan.last_column)
            state["f"] = state["v"] = False
        elif local == "row":
            ref = attrs.get("r")
            row = int(ref) if ref and ref.isdigit() else state["row"] + 1
            if row > 1_048_576 or row < 1:
                raise SheetRefused(f"工作表“{name}”中有无效的行号“{ref}”")
            state["row"], state["col"], state["cells"] = row, 0, 0
        elif local == "f":
            state["f"] = True
        elif local in ("v", "is"):
            state["v"] = True
        elif local == "dimension":
            ref = attrs.get("ref", "")
            last = ref.rsplit(":", 1)[-1]
            m = _ADDRESS.fullmatch(last)
            if m:
                row, col = int(m[2]), _column_number(m[1])
                if row * col > limits.max_cells:
                    refuse_area(row, col)

    def end(tag: str) -> None:
        if tag.endswith(" c") or tag == "c":
            if state["f"] and not state["v"]:
                scan.formulas_without_value_count += 1
                if len(scan.formulas_without_value) < FORMULA_CELLS_NAMED:
                    scan.formulas_without_value.append((state["row"], state["col"]))

    with _open_member(zf, path) as stream:
        _feed(_parser(start, end), stream, f"工作表“{name}”")
    return scan


# The fast scan: the sheet XML in large chunks, searched with bytes.count and regular
# expressions (C speed; the exact scan calls back into Python for every element, 4× the
# parse itself). It handles what spreadsheet programs write: every cell `<c r="…"` with
# its address first, no namespace prefix, no formula. Anything else goes to the exact scan.
_DIMENSION = re.compile(rb'<dimension\s[^>]*?\bref="([^"]{0,40})"')
_EMPTY_ROW = re.compile(rb"<row\b[^>]*/>")
# a cell without attributes or with a prefix, a formula: the exact scan reads those
_ODD_TAGS = re.compile(rb"<c[>/\t\n\r]|<f[\s>/]|:[cf][\s>/]")
_LETTERS = {n: re.compile(rb'<c r="([A-Z]{%d})\d' % n) for n in (1, 2, 3)}
_DIGITS = {n: re.compile(rb'<c r="[A-Z]{1,3}(\d{%d})"' % n) for n in range(1, 8)}
_CHUNK = 4 * MB


class _NeedsExactScan(Exception):
    pass


def _last_column(text: bytes) -> int:
    for n in (3, 2, 1):  # the longest letters are the furthest right
        found = _LETTERS[n].findall(text)
        if found:
            return max(_column_number(c.decode("ascii")) for c in set(found))
    return 0


def _last_row(text: bytes) -> int:
    for n in range(7, 0, -1):  # the most digits are the furthest down
        if _DIGITS[n].search(text):
            # equal lengths: the greatest bytes is the greatest number
            return int(max(_DIGITS[n].findall(text)))
    return 0


def scan_sheet_fast(
    zf: zipfile.ZipFile, path: str, name: str, limits: SheetLimits, *, max_rows: int | None
) -> SheetScan:
    """What `scan_sheet` finds, for a sheet of plain addressed cells; _NeedsExactScan
    when the sheet has anything else."""
    scan = SheetScan(sheet=path, name=name)
    row_limit = min(limits.max_rows, max_rows + 2) if max_rows is not None else limits.max_rows
    tail = b""
    first = True
    with _open_member(zf, path) as stream:
        while True:
            try:
                chunk = stream.read(_CHUNK)
            except _BROKEN_ZIP:
                raise NotAWorkbook(
                    f"文件不是有效的Excel文件（.xlsx）：工作表“{name}”已损坏"
                ) from None
            if chunk:
                text = tail + chunk
                cut = text.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
                text, tail = text[:cut], text[cut:]
            else:
                text, tail = tail, b""
            if first:
                first = False
                head = text[: 64 * 1024]
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:  # a DTD precedes the root
                    raise SheetRefused("Excel文件含有文档类型声明（DTD），疑似恶意文件，已拒绝")
                for m in _DIMENSION.finditer(head):
                    last = m[1].decode("ascii", "replace").rsplit(":", 1)[-1]
                    d = _ADDRESS.fullmatch(last)
                    if d and int(d[2]) * _column_number(d[1]) > limits.max_cells:
                        _refuse_area(name, int(d[2]), _column_number(d[1]), limits)
            if _ODD_TAGS.search(text):
                raise _NeedsExactScan
            if text.count(b"<c ") != text.count(b'<c r="'):
                raise _NeedsExactScan  # a cell whose address is not its first attribute
            scan.rows += text.count(b"<row ") - len(_EMPTY_ROW.findall(text))
            scan.last_row = max(scan.last_row, _last_row(text))
            scan.last_column = max(scan.last_column, _last_column(text))
            if scan.last_row > 1_048_576 or scan.last_column > 16384:
                raise SheetRefused(f"工作表“{name}”中有无效的单元格地址")
            if scan.last_row * scan.last_column > limits.max_cells:
                _refuse_area(name, scan.last_row, scan.last_column, limits)
            if scan.rows > row_limit:
                _refuse_rows(scan.rows, max_rows, limits)
            if not chunk:
                break
    return scan


def _refuse_area(name: str, row: int, col: int, limits: SheetLimits) -> None:
    raise SheetRefused(
        f"工作表“{name}”的单元格 {column_letters(col)}{row} 超出范围："
        f"从A1到它有 {row * col} 个单元格，上限 {limits.max_cells}"
        "（请删除表格右方、下方的多余内容后再上传）"
    )


def _refuse_rows(rows: int, max_rows: int | None, limits: SheetLimits) -> None:
    shown = rows - 2 if max_rows is not None else rows
    limit = max_rows if max_rows is not None else limits.max_rows
    raise SheetRefused(f"数据行数超过上限 {limit}（已读到 {shown} 行），请分批导入")


def check_xlsx(data: bytes, limits: SheetLimits, *, max_rows: int | None = None) -> SheetScan:
    """Every check before an .xlsx is parsed; SheetRefused (Chinese) when it may not be."""
    check_size(len(data), limits)
    with _open_zip(data) as zf:
        check_zip(zf, limits)
        path, name, hidden = find_sheet(zf)
        try:
            scan = scan_sheet_fast(zf, path, name, limits, max_rows=max_rows)
        except _NeedsExactScan:
            scan = scan_sheet(zf, path, name, limits, max_rows=max_rows)
    scan.skipped_hidden = hidden
    return scan


def _calamine_rows(data: bytes, sheet: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return list(wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False))


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> None:
    try:
        # a reader that aborts prints its backtrace: the parent says what happened instead
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        # RLIMIT_AS counts the address space the fork already has: allow that plus the budget.
        limit = _address_space() + memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except SheetRefused as exc:  # a check's own message, told as it is
        result = ("refused", (type(exc).__name__, str(exc)))
    except Exception as exc:  # the reader's own error: an invalid file
        result = ("invalid", f"{type(exc).__name__}: {str(exc)[:300]}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    conn.close()


def run_limited(fn: Callable[..., Any], *args: Any, limits: SheetLimits) -> Any:
    """`fn(*args)` in a forked child with a memory and a time limit. SheetRefused when the
    child runs out of memory, time, or dies; ValueError (the detail) when `fn` raised."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args, limits.memory_mb), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise SheetRefused(
                f"读取文件超过 {limits.seconds} 秒仍未完成，已中止（请分批上传，或删除多余的内容）"
            )
        try:
            status, value = receive.recv()
        except (EOFError, OSError):
            status, value = "died", None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "ok":
        return value
    if status == "invalid":
        raise ValueError(value)
    if status == "refused":
        kind, message = value
        raise (NotAWorkbook if kind == "NotAWorkbook" else SheetRefused)(message)
    raise SheetRefused(
        f"读取文件时超出内存上限（{limits.memory_mb} MB），已中止：文件过大或已损坏，请分批上传"
    )


def _check_and_parse(
    data: bytes, limits: SheetLimits, max_rows: int | None
) -> tuple[list[list[Any]], SheetScan]:
    scan = check_xlsx(data, limits, max_rows=max_rows)
    return _calamine_rows(data, scan.name), scan


def read_xlsx_rows(
    data: bytes, limits: SheetLimits, *, max_rows: int | None = None
) -> tuple[list[list[Any]], SheetScan]:
    """The first visible sheet's rows (cells as calamine gives them) and the scan (its
    `warnings()` name what to tell). The checks and the parse both run in the limited
    child (the scan of a big sheet takes time too), the checks first."""
    check_size(len(data), limits)
    try:
        rows, scan = run_limited(_check_and_parse, data, limits, max_rows, limits=limits)
    except ValueError as exc:
        if isinstance(exc, SheetRefused):
            raise
        raise NotAWorkbook("文件不是有效的Excel文件（.xlsx），无法读取") from None
    return rows, scan


def count_xlsx_rows(data: bytes, limits: SheetLimits) -> int:
    """The rows with cells of the first visible sheet, by the checks alone (the scan, in
    the limited child; nothing is parsed): how callers decide where a big file is read.
    SheetRefused as `read_xlsx_rows` refuses."""
    check_size(len(data), limits)
    try:
        scan = run_limited(check_xlsx, data, limits, limits=limits)
    except ValueError as exc:
        if isinstance(exc, SheetRefused):
            raise
        raise NotAWorkbook("文件不是有效的Excel文件（.xlsx），无法读取") from None
    return int(scan.rows)


# -- text files -------------------------------------------------------------------------


class BadUtf8(SheetRefused):
    """A file that starts with the UTF-8 mark (BOM) has invalid UTF-8 on `line`."""

    def __init__(self, line: int) -> None:
        super().__init__("文件以UTF-8标记（BOM）开头，但此处不是有效的UTF-8，请另存为UTF-8")
        self.line = line


ENCODING_HELP = "请在Excel或WPS中“另存为”CSV UTF-8（逗号分隔）或Excel工作簿（.xlsx）后再上传"
# GBK text from a Chinese office is almost all GB2312 characters; Big5, Shift-JIS or
# Latin-1 bytes read as GB18030 are mostly rare or private-use characters.
_IMPLAUSIBLE_SHARE = 0.2
_SAMPLE_CHARS = 200_000


def _implausible_gb(text: str) -> bool:
    sample = text[:_SAMPLE_CHARS]
    wide = [ch for ch in sample if ord(ch) > 0x7F]
    if not wide:
        return False
    rare = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare > max(2, _IMPLAUSIBLE_SHARE * len(wide))


def decode_text(data: bytes) -> str:
    """A text file's content: UTF-8 (with or without BOM) or GB18030/GBK. Anything else
    (Big5, Shift-JIS, Latin-1 …) is SheetRefused naming the encoding problem, rather than
    read as garbled Chinese (whose headers would then be "missing")."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[3 : 3 + exc.start].count(b"\n") + 1
            raise BadUtf8(line) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if not text or _implausible_gb(text):
        raise SheetRefused(
            "无法识别文件编码：既不是UTF-8，也不是GBK/GB18030"
            "（可能是繁体Big5、日文Shift-JIS或西文Latin-1等编码，读出来会是乱码）。" + ENCODING_HELP
        )
    return text

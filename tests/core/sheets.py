"""Hand-made workbooks for the hostile-file tests: the parts of an .xlsx written
directly, so that a test can say exactly what is in them (a far cell, a hidden sheet,
a formula without its value, a DTD) without a library tidying it up."""

from __future__ import annotations

import io
import zipfile

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{overrides}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def column(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell(ref: str, value: object = None, formula: str | None = None) -> str:
    """A cell: text inline, numbers as numbers, a formula with or without its value."""
    f = f"<f>{formula}</f>" if formula else ""
    if value is None:
        return f'<c r="{ref}">{f}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}">{f}<v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{f}<is><t>{value}</t></is></c>'


def rows_xml(rows: list[list[object]]) -> str:
    out = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(
            cell(f"{column(j)}{i}", v) for j, v in enumerate(row, start=1) if v is not None
        )
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out)


def workbook(
    sheets: list[tuple[str, str, str]], *, prolog: str = "", extra: dict[str, bytes] | None = None
) -> bytes:
    """An .xlsx of `sheets` = (name, state "" | "hidden" | "veryHidden", sheetData XML)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("[Content_Types].xml", _CT.format(overrides=overrides))
        z.writestr("_rels/.rels", _ROOT_RELS)
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{rels}</Relationships>',
        )
        listed = "".join(
            f'<sheet name="{name}" sheetId="{i}"'
            + (f' state="{state}"' if state else "")
            + f' r:id="rId{i}"/>'
            for i, (name, state, _) in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.'
            f'openxmlformats.org/officeDocument/2006/relationships"><sheets>{listed}</sheets>'
            "</workbook>",
        )
        for i, (_, _, body) in enumerate(sheets, start=1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}"><sheetData>{body}'
                "</sheetData></worksheet>",
            )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def far_cell(ref: str = "XFD1048576", header: str = "企业名称") -> bytes:
    """The 1.5 KB file of issue 12: a header and one cell at `ref`."""
    body = f'<row r="1">{cell("A1", header)}</row>'
    row = int("".join(ch for ch in ref if ch.isdigit()))
    body += f'<row r="{row}">{cell(ref, 1)}</row>'
    return workbook([("企业", "", body)])


def bomb(megabytes: int) -> bytes:
    """A sheet of `megabytes` MB of empty rows (compresses about 1000 to 1)."""
    body = "<row/>" * (megabytes * 1024 * 1024 // 6)
    return workbook([("企业", "", body)])

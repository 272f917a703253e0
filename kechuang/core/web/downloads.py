"""Downloads with a Chinese file name (RFC 5987), one helper instead of one per app.

return xlsx_response(lambda out: write_rows_xlsx(out, headers, rows), "企业名录.xlsx")
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(
    data: bytes, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """`data` as a download (or shown inline) named `filename`."""
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(content: bytes | Callable[[IO[bytes]], object], filename: str) -> HttpResponse:
    """An .xlsx download: `content` is the workbook's bytes, or a writer called with a
    buffer (`tabular.write_rows_xlsx`, `tabular.write_template`, …)."""
    if callable(content):
        buffer = io.BytesIO()
        content(buffer)
        content = buffer.getvalue()
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    return file_response(content, filename, XLSX)

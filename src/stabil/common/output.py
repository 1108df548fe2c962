"""Writing report output: JSON, CSV and Excel on standard output (or a file), nothing else there.

Progress and notices go to standard error (``stabil.common.progress``), so a report's standard output can
be piped straight into another tool.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _json_default(value: Any):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Return ``data`` as JSON text (UTF-8 characters kept, dates as YYYY-MM-DD)."""
    return json.dumps(data, ensure_ascii=False, default=_json_default, indent=2)


def write_json(data: Any, stream=None) -> None:
    """Write ``data`` as JSON, alone, on standard output."""
    stream = stream or sys.stdout
    stream.write(to_json(data))
    stream.write("\n")
    stream.flush()


def csv_safe(value: Any) -> Any:
    """Return ``value`` safe for a spreadsheet: text starting with = + - @ gets a leading apostrophe.

    Numbers are returned unchanged, so negative figures stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], stream=None) -> None:
    """Write a CSV table (comma-separated, UTF-8) on standard output, escaped against formula injection."""
    stream = stream or sys.stdout
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    stream.flush()


class Sheet:
    """One worksheet of an Excel export: a title, headers and rows of real values."""

    def __init__(self, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = ""):
        self.name = name[:31]
        self.headers = list(headers)
        self.rows = rows
        self.title = title


def write_xlsx(sheets: Sequence[Sheet], target: BinaryIO | str | None = None, *,
               streaming: bool = False) -> bytes | None:
    """Write ``sheets`` as an Excel workbook to ``target`` (a path or binary stream), or return the bytes.

    Numbers stay numbers and dates real dates; text is never read as a formula. ``streaming``: each
    sheet's rows are consumed one at a time and written to a temporary file row by row (XlsxWriter's
    ``constant_memory`` mode, strings inline), so memory holds a row, not the sheet: for reports of
    hundreds of thousands of rows (issue 16). Only the compressed workbook is held at the end.
    """
    buffer = io.BytesIO() if target is None or not isinstance(target, str) else None
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    options.update({"constant_memory": True, "in_memory": False} if streaming else {"in_memory": True})
    workbook = xlsxwriter.Workbook(target if isinstance(target, str) else buffer, options)
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    title_format = workbook.add_format({"bold": True, "font_size": 13})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        header_row = 2 if sheet.title else 0
        if sheet.title:
            ws.write(0, 0, sheet.title, title_format)
        row_index = header_row
        for col, header in enumerate(sheet.headers):
            ws.write(row_index, col, header, bold)
        widths = [max(10, len(str(h)) + 2) for h in sheet.headers]
        for values in sheet.rows:
            row_index += 1
            for col, value in enumerate(values):
                if isinstance(value, datetime):
                    ws.write_datetime(row_index, col, value.replace(tzinfo=None), date_format)
                elif isinstance(value, date):
                    ws.write_datetime(row_index, col, datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, Decimal):
                    ws.write_number(row_index, col, float(value))
                elif value is None:
                    ws.write_blank(row_index, col, None)
                else:
                    ws.write(row_index, col, value)
                if col < len(widths):
                    widths[col] = min(60, max(widths[col], len(str(value)) + 2))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(header_row + 1, 0)
    workbook.close()
    if buffer is None:
        return None
    data = buffer.getvalue()
    if target is not None:
        target.write(data)
        target.flush()
        return None
    return data


def write_xlsx_stdout(sheets: Sequence[Sheet], *, streaming: bool = False) -> None:
    """Write an Excel workbook on standard output (binary), for `--format xlsx` (``streaming``: see write_xlsx)."""
    write_xlsx(sheets, sys.stdout.buffer, streaming=streaming)

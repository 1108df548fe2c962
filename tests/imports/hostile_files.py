"""A corpus of crafted hostile import files (issue 11, finding 6), shared by the CLI, framework and upload tests.

Each entry builds a file's bytes and says what Stabil must answer: the exit code of ``stabil import`` (1 for
row errors, 2 for a file that cannot be read) and the fragments of its Swedish message.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from typing import Callable

STAFF_HEADER = ("staff_id,unit,role,employment,fte,degree,experience_years,started_on,ended_on,exit_reason,"
                "monthly_cost_sek")
CASE_HEADER = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason"


def staff_row(staff_id="S1", unit="UA", fte="1", started_on="2020-01-01", cost="45000") -> str:
    return f"{staff_id},{unit},caseworker,permanent,{fte},socionom,3,{started_on},,,{cost}"


def staff_csv(*rows: str) -> bytes:
    return "\n".join([STAFF_HEADER, *rows, ""]).encode()


def case_row(case_id="C-1", child_id="P-1", date="2026-01-05", reason="") -> str:
    return f"{case_id},{child_id},2015-03-01,barn,UA,report_received,{date},,,,,{reason}"


# --- XLSX archives, written by hand so that each part can be made hostile ----------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline_cell(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # XML cannot hold control characters; Excel writes them as _xHHHH_, which readers turn back.
    escaped = "".join(f"_x{ord(ch):04X}_" if ord(ch) < 32 and ch not in "\t\n\r" else ch for ch in escaped)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None, extra_cells: str = "", padding: str = "") -> str:
    body = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(_inline_cell(f"{_column_letters(i)}{number}", v) for i, v in enumerate(row, start=1) if v)
        body.append(f'<row r="{number}">{cells}</row>')
    dimension = dimension or f"A1:{_column_letters(max(len(r) for r in rows))}{len(rows)}"
    return (f'{_SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{"".join(body)}{extra_cells}</sheetData>'
            f'{padding}</worksheet>')


def xlsx(sheet: str, *, shared_strings: str | None = None) -> bytes:
    shared_strings = shared_strings or ('<?xml version="1.0" encoding="UTF-8"?>'
                                        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                        'count="0" uniqueCount="0"></sst>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def _staff_rows(*rows: str) -> list[list[str]]:
    return [line.split(",") for line in (STAFF_HEADER, *rows)]


def huge_dimension_xlsx() -> bytes:
    # One cell at XFD1048576 (the last cell Excel has): the spreadsheet reader would allocate 512 GiB.
    return xlsx(sheet_xml(_staff_rows(staff_row()), dimension="A1:XFD1048576",
                          extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def far_cell_xlsx() -> bytes:
    # An honest-looking dimension, but a cell far away: the used range comes from the cells too.
    return xlsx(sheet_xml(_staff_rows(staff_row()), extra_cells='<row r="900000"><c r="XFD900000"><v>1</v></c></row>'))


def zip_bomb_xlsx() -> bytes:
    # 64 MB of blanks inside the sheet pack to some 60 KB.
    return xlsx(sheet_xml(_staff_rows(staff_row()), padding=" " * (64 * 1024 * 1024)))


def billion_laughs_xlsx() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    strings = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [' + entities + ']>'
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               '<si><t>&lol9;</t></si></sst>')
    return xlsx(sheet_xml(_staff_rows(staff_row())), shared_strings=strings)


def many_strings_xlsx() -> bytes:
    strings = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" '
               'uniqueCount="4000000000"><si><t>x</t></si></sst>')
    return xlsx(sheet_xml(_staff_rows(staff_row())), shared_strings=strings)


def xlsx_with(rows: list[str]) -> bytes:
    return xlsx(sheet_xml(_staff_rows(*rows)))


def garbage(size: int = 20000) -> bytes:
    # Deterministic "random" bytes (the same file on every run).
    state, out = 12345, bytearray()
    for _ in range(size):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(state >> 16 & 0xFF)
    return bytes(out)


@dataclass(frozen=True)
class Hostile:
    id: str
    filename: str
    build: Callable[[], bytes]
    exit_code: int  # of `stabil import`: 1 row errors, 2 the file cannot be read
    fragments: tuple[str, ...]  # each must be in the message
    persona: str = "hr"  # who uploads it on the web (staff files need HR, case events a unit manager)
    stored_ok: bool = False
    extra: dict = field(default_factory=dict)


CORPUS = [
    Hostile("huge-dimension-xlsx", "big.xlsx", huge_dimension_xlsx, 2,
            ("big.xlsx", "1048576 rader × 16384 kolumner")),
    Hostile("far-cell-xlsx", "far.xlsx", far_cell_xlsx, 2, ("far.xlsx", "900000 rader × 16384 kolumner")),
    Hostile("zip-bomb-xlsx", "bomb.xlsx", zip_bomb_xlsx, 2, ("bomb.xlsx", "zip-bomb")),
    Hostile("billion-laughs-xlsx", "lol.xlsx", billion_laughs_xlsx, 2, ("lol.xlsx", "DTD")),
    Hostile("shared-string-count-xlsx", "sst.xlsx", many_strings_xlsx, 2, ("sst.xlsx", "texttabell")),
    Hostile("garbage-xlsx", "junk.xlsx", garbage, 2, ("junk.xlsx", "Excel-filen kan inte läsas")),
    Hostile("garbage-csv", "junk.csv", garbage, 2, ("junk.csv",)),
    Hostile("nul-in-cell-csv", "nul.csv", lambda: staff_csv(staff_row(), staff_row("S\x002")), 1,
            ("nul.csv, rad 3, kolumn staff_id", "U+0000")),
    Hostile("control-char-csv", "ctl.csv", lambda: staff_csv(staff_row(unit="U\x1bA")), 1,
            ("ctl.csv, rad 2, kolumn unit", "U+001B")),
    Hostile("nul-in-cell-xlsx", "nul.xlsx", lambda: xlsx_with([staff_row(), staff_row("S\x012")]), 1,
            ("nul.xlsx, rad 3, kolumn staff_id", "U+0001")),
    Hostile("utf16-no-bom", "u16.csv", lambda: staff_csv(staff_row()).decode().encode("utf-16-le"), 2,
            ("u16.csv", "UTF-16 eller UTF-32 utan byte order mark")),
    Hostile("huge-exponent", "exp.csv", lambda: staff_csv(staff_row(cost="1e1000000")), 1,
            ("exp.csv, rad 2, kolumn monthly_cost_sek", "inte ett tal")),
    Hostile("tiny-exponent", "tiny.csv", lambda: staff_csv(staff_row(fte="1e-1000000")), 1,
            ("tiny.csv, rad 2, kolumn fte", "inte ett tal")),
    Hostile("tiny-exponent-hours", "hours.csv",
            lambda: b"staff_id,worked_on,kind,hours\nS1,2026-01-05,overtime,1e-1000000\n", 1,
            ("hours.csv, rad 2, kolumn hours", "inte ett tal")),
    Hostile("infinity", "inf.csv", lambda: staff_csv(staff_row(cost="Infinity")), 1,
            ("inf.csv, rad 2, kolumn monthly_cost_sek", "inte ett tal")),
    Hostile("arabic-digits", "ar.csv", lambda: staff_csv(staff_row(cost="٤٥٠٠٠")), 1,
            ("ar.csv, rad 2, kolumn monthly_cost_sek", "inte ett tal")),
    Hostile("fullwidth-digits", "fw.csv", lambda: staff_csv(staff_row(fte="１")), 1,
            ("fw.csv, rad 2, kolumn fte", "inte ett tal")),
    Hostile("arabic-date", "ard.csv", lambda: staff_csv(staff_row(started_on="٢٠٢٠-٠١-٠١")), 1,
            ("ard.csv, rad 2, kolumn started_on", "ÅÅÅÅ-MM-DD")),
    Hostile("year-9999", "y.csv", lambda: staff_csv(staff_row(started_on="9999-12-31")), 1,
            ("y.csv, rad 2, kolumn started_on",)),
    Hostile("slash-in-staff-id", "slash.csv", lambda: staff_csv(staff_row("S/1")), 1,
            ("slash.csv, rad 2, kolumn staff_id", "inget giltigt id")),
    Hostile("dot-dot-staff-id", "dots.csv", lambda: staff_csv(staff_row("..")), 1,
            ("dots.csv, rad 2, kolumn staff_id", "inget giltigt id")),
    Hostile("slash-in-case-id", "case.csv",
            lambda: "\n".join([CASE_HEADER, case_row("C/1"), ""]).encode(), 1,
            ("case.csv, rad 2, kolumn case_id", "inget giltigt id"), persona="unit_manager"),
    Hostile("multiline-quoted-cell", "ml.csv",
            lambda: "\n".join([CASE_HEADER, case_row(reason='"rad ett\nrad två\nrad tre"'),
                               case_row("C-2", "P-2", date="2026-13-01"), ""]).encode(), 1,
            ("ml.csv, rad 3, kolumn date",), persona="unit_manager"),
    Hostile("long-cell", "long.csv", lambda: staff_csv(staff_row(unit="U" * 20000)), 1,
            ("long.csv, rad 2, kolumn unit", "längre än 10000 tecken")),
    Hostile("very-long-line", "line.csv", lambda: staff_csv(staff_row(unit="U" * 300000)), 1,
            ("line.csv, rad 2, kolumn unit", "längre än 10000 tecken")),
    Hostile("million-columns", "wide.csv", lambda: (",".join(f"c{i}" for i in range(10**6)) + "\n1\n").encode(), 2,
            ("wide.csv, rad 1", "kolumner")),
    Hostile("unclosed-quote", "quote.csv", lambda: staff_csv(staff_row(), '"S2,UA'), 2,
            ("quote.csv, rad 3", "citattecken avslutas aldrig")),
]

# Files that are fine and must be read: UTF-16 and UTF-32 with a byte-order mark.
# (codec, prefix): the plain codecs write their own mark.
ENCODED = [("utf-16", ""), ("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-32", ""),
           ("utf-32-le", "\ufeff"), ("utf-32-be", "\ufeff")]


def write(tmp_path, hostile: Hostile) -> str:
    path = tmp_path / hostile.filename
    path.write_bytes(hostile.build())
    return os.fspath(path)

"""The import framework behind ``stabil import FILE`` and the web upload.

A file is read into rows of strings (``read_table``), its kind is recognised by its header row
(``detect_kind``), and the kind's handler validates and stores it inside one transaction
(``run_import``). Handlers collect every problem in ``ctx.errors`` instead of stopping at the first; if
any is collected the transaction is rolled back, so a bad file stores nothing. Messages are Swedish and
name the file, the row as a spreadsheet shows it (the header is row 1) and the column.

Areas register their file kinds in ``stabil/<app>/importers.py``, loaded by ``ImportsConfig.ready``.
"""

from __future__ import annotations

import codecs
import csv
import io
import lzma
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from xml.parsers import expat

from django.db import transaction
from django.dispatch import Signal

from stabil.accounts.policy import ImportScope, has_capability, import_scope
from stabil.audit.services import record_access
from stabil.common.parsing import control_character
from stabil.common.progress import Progress, notice

# Stop collecting after this many errors: a file with thousands of bad rows is wrong as a whole,
# and the first thousand messages say why.
MAX_ERRORS = 1000

# What a file may be (docs/cli.md, "Limits"): checked before and while a file is read, so that no file can
# make the reader run out of memory. A spreadsheet is inspected as a zip archive before the spreadsheet
# reader sees it (``_inspect_xlsx``): that reader allocates its whole used range at once.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ROWS = 1_048_576  # rows with the header, as in Excel
# A CSV file this large is streamed by a kind that can (the case events, issue 16): read row by row, as often as
# its handler needs, with nothing of it kept in memory; the limits below are for such files (time, not memory).
# A smaller file is read into memory, which is faster (100,000 cases, 48 MB: 33 s and 914 MiB against 44 s and
# 323 MiB streamed, docs/performance.md) and stays under 2 GiB up to this size.
STREAM_FROM_BYTES = 64 * 1024 * 1024
MAX_STREAMED_FILE_BYTES = 4 * 1024 * 1024 * 1024
MAX_STREAMED_ROWS = 100_000_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
XLSX_MAX_CELLS = 20_000_000  # used range, rows x columns
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # all parts of the archive together
XLSX_MAX_RATIO = 200  # uncompressed / compressed, for a part larger than XLSX_RATIO_FROM
XLSX_RATIO_FROM = 1024 * 1024
XLSX_MAX_PARTS = 1000
XLSX_MAX_STRINGS = XLSX_MAX_CELLS
XLSX_MAX_STRING_CHARS = 1_000_000  # one shared or inline string; cells longer than MAX_CELL_CHARS are row errors


# Sent after every import run that got as far as its handler (files, web uploads, API batches), with
# ``kind`` (the file kind's name), ``ok``, ``counts``, ``rows``, ``errors`` (how many) and ``by``: the REST API's
# events feed announces "import finished/failed" from it (stabil.api, issue 14). Dry runs send nothing.
import_done = Signal()


class ImportFileError(Exception):
    """The file as a whole cannot be read or recognised; the message is Swedish."""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def format(self, filename: str) -> str:
        where = [filename]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolumn {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ImportErrors:
    """The problems found in one file, in the order found."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.items: list[RowError] = []
        self.limit = limit
        self.truncated = False

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) >= self.limit:
            self.truncated = True
            return
        self.items.append(RowError(row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RowError]:
        return iter(self.items)


@dataclass
class Table:
    """A file's contents: normalised header names and data rows (sequences of strings) aligned to them."""

    filename: str
    headers: list[str]
    rows: list[list[str]]
    # Spreadsheet row number of each data row (skipped blank lines keep the numbering honest).
    row_numbers: list[int]

    def index(self, column: str) -> int | None:
        try:
            return self.headers.index(column)
        except ValueError:
            return None

    def column(self, name: str) -> list[str]:
        """Return every value of column ``name`` ('' for every row when the column is absent)."""
        i = self.index(name)
        if i is None:
            return [""] * len(self.rows)
        return [row[i] for row in self.rows]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (spreadsheet row number, {column: value}) for every data row."""
        for number, row in zip(self.row_numbers, self.rows):
            yield number, dict(zip(self.headers, row))

    @property
    def row_count(self) -> int:
        return len(self.rows)


class StreamedTable:
    """A large CSV file read row by row (issue 16): ``rows()`` reads it anew each time, so a handler may pass
    over it as often as it needs while memory holds one row. Built by ``open_streamed``.

    The reader's row problems (a row of the wrong width, a bad cell) go to ``report`` on the first pass only,
    so that each is said once; ``row_count`` is an estimate from the line count until a pass has ended.
    """

    def __init__(self, path: Path, headers: list[str], encoding: str, delimiter: str, estimated_rows: int):
        self.path = path
        self.filename = path.name
        self.headers = headers
        self.encoding = encoding
        self.delimiter = delimiter
        self.report: Callable[[RowError], None] | None = None
        self._rows_read: int | None = None
        self._estimated_rows = estimated_rows

    def index(self, column: str) -> int | None:
        try:
            return self.headers.index(column)
        except ValueError:
            return None

    @property
    def row_count(self) -> int:
        return self._rows_read if self._rows_read is not None else self._estimated_rows

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (spreadsheet row number, stripped fields) of every usable data row, reading the file anew."""
        first_pass = self._rows_read is None
        report = (self.report or (lambda problem: None)) if first_pass else (lambda problem: None)
        count = 0
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            header = next(reader)
            for row, fields in _csv_records(reader, header, self.filename, report, MAX_STREAMED_ROWS):
                count += 1
                yield row, fields
        if first_pass:
            self._rows_read = count


_STREAM_CODECS = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32",
                  "utf-32-be": "utf-32"}  # Python's codecs that read and drop the byte-order mark


def _stream_encoding(path: Path, notices: list[str]) -> str:
    """Return the codec to read a large CSV file with, decided as ``_decode`` does, reading it in pieces."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    for bom, encoding, name in _BOMS:
        if head.startswith(bom):
            offset = _undecodable_at(path, _STREAM_CODECS[encoding])
            if offset is not None:
                raise ImportFileError(f"{path.name}: filen är märkt som {name} men innehåller ogiltiga tecken "
                                      f"(byte {offset}); spara den som CSV UTF-8")
            return _STREAM_CODECS[encoding]
    if head and head.count(0) * 4 >= len(head):
        raise ImportFileError(f"{path.name}: filen verkar vara sparad som UTF-16 eller UTF-32 utan byte order mark "
                              "(BOM) och kan inte läsas; spara den som CSV UTF-8")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        if _undecodable_at(path, encoding) is None:
            if encoding != "utf-8":
                notices.append(f"{path.name}: filen var inte UTF-8 och lästes som {encoding}")
            return encoding
    raise AssertionError("latin-1 decodes every byte")


def _undecodable_at(path: Path, encoding: str) -> int | None:
    """Return the byte offset where ``path`` stops decoding as ``encoding`` (about: by the piece), or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while True:
            piece = handle.read(16 * 1024 * 1024)
            try:
                decoder.decode(piece, final=not piece)
            except UnicodeDecodeError as exc:
                return offset + max(exc.start, 0)
            if not piece:
                return None
            offset += len(piece)


def _line_count(path: Path) -> int:
    """Return the number of line breaks in the file (an estimate of its rows, for progress)."""
    count = 0
    with path.open("rb") as handle:
        while piece := handle.read(16 * 1024 * 1024):
            count += piece.count(b"\n")
    return count


def streamable(path: Path) -> bool:
    """Return whether ``path`` is a CSV file large enough to be streamed (``STREAM_FROM_BYTES``)."""
    return (path.is_file() and path.suffix.lower() not in {".xlsx", ".xlsm", ".xls"}
            and path.stat().st_size >= STREAM_FROM_BYTES)


def open_streamed(path: Path, notices: list[str]) -> StreamedTable:
    """Check a large CSV file's size, encoding and header, and return it as a ``StreamedTable``.

    The same rules as ``read_table`` (encoding, delimiter, header, cells), but the limits of a streamed file
    (``MAX_STREAMED_FILE_BYTES``, ``MAX_STREAMED_ROWS``). Raises ``ImportFileError`` as ``read_table`` does.
    """
    size = path.stat().st_size
    if size > MAX_STREAMED_FILE_BYTES:
        raise ImportFileError(f"{path.name}: filen är {size // (1024 * 1024)} MB; högst "
                              f"{MAX_STREAMED_FILE_BYTES // (1024 * 1024)} MB kan importeras. Dela upp den i flera filer")
    encoding = _stream_encoding(path, notices)
    with path.open(encoding=encoding, newline="") as handle:
        first_line = handle.readline(MAX_COLUMNS * 2 * (MAX_CELL_CHARS + 3))
    if not first_line.strip():
        raise ImportFileError(f"{path.name}, rad 1: rubrikraden är tom")
    delimiter = _sniff_delimiter(first_line)
    if first_line.count(delimiter) >= MAX_COLUMNS * 2:
        raise ImportFileError(f"{path.name}, rad 1: rubrikraden har fler än {MAX_COLUMNS} kolumner")
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    with path.open(encoding=encoding, newline="") as handle:
        try:
            header = next(csv.reader(handle, delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration):
            raise ImportFileError(f"{path.name}, rad 1: rubrikraden kan inte läsas") from None
    _check_header(path.name, header)
    headers = _checked_headers(path.name, header)
    return StreamedTable(path, headers, encoding, delimiter, max(_line_count(path) - 1, 0))


def _normalise_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _decode(data: bytes, filename: str, notices: list[str]) -> str:
    """Decode a CSV file: UTF-8, UTF-16 or UTF-32 with a byte-order mark, UTF-8, else Windows-1252."""
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding, errors="strict")
            except UnicodeDecodeError as exc:
                raise ImportFileError(f"{filename}: filen är märkt som {name} men innehåller ogiltiga tecken "
                                      f"(byte {exc.start + len(bom)}); spara den som CSV UTF-8") from None
    head = data[:4096]
    if head and head.count(0) * 4 >= len(head):
        # A quarter of the bytes NUL: UTF-16 or UTF-32 without a byte-order mark, which cannot be told apart
        # reliably from other bytes; a stray NUL in a text file is reported with its row and column instead.
        raise ImportFileError(f"{filename}: filen verkar vara sparad som UTF-16 eller UTF-32 utan byte order mark "
                              "(BOM) och kan inte läsas; spara den som CSV UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Swedish spreadsheets saved "as CSV" on Windows are Windows-1252; detectors guess wrongly on short
        # files, so that encoding is tried first, then Latin-1 (which decodes any byte).
        for encoding in ("cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            notices.append(f"{filename}: filen var inte UTF-8 och lästes som {encoding}")
            return text
    raise AssertionError("latin-1 decodes every byte")


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path.name}: filen är {size // (1024 * 1024)} MB; högst "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB kan importeras. Dela upp den i flera filer")


def _check_header(filename: str, header: list[str]) -> None:
    """Refuse a header row that is too wide or holds a control character or an over-long name."""
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(f"{filename}, rad 1: rubrikraden har {len(header)} kolumner; högst {MAX_COLUMNS} "
                              "kan läsas")
    for number, name in enumerate(header, start=1):
        bad = control_character(name)
        if bad:
            raise ImportFileError(f"{filename}, rad 1, kolumn {number}: rubriken innehåller det otillåtna "
                                  f"styrtecknet {bad}")
        if len(name) > MAX_CELL_CHARS:
            raise ImportFileError(f"{filename}, rad 1, kolumn {number}: rubriken är längre än {MAX_CELL_CHARS} tecken")


def _cell_problems(row: int, header: list[str], fields) -> list[RowError]:
    """Return the row's cells that hold a control character or are too long, named by row and column."""
    problems = []
    for number, value in enumerate(fields):
        column = _normalise_header(header[number]) if number < len(header) else None
        column = column or str(number + 1)
        bad = control_character(value)
        if bad:
            problems.append(RowError(row, column, f"otillåtet styrtecken {bad} i värdet"))
        elif len(value) > MAX_CELL_CHARS:
            problems.append(RowError(row, column, f"värdet är längre än {MAX_CELL_CHARS} tecken"))
    return problems


def _too_many_rows(filename: str, max_rows: int = MAX_ROWS) -> ImportFileError:
    return ImportFileError(f"{filename}, rad {max_rows + 1}: filen har fler än {max_rows} rader; dela upp den i "
                           "flera filer")


_CSV_ERRORS = (  # the csv module's messages, in Swedish
    ("field larger than field limit", "ett fält är för långt"),
    ("unexpected end of data", "ett citattecken avslutas aldrig"),
    ("expected after", "tecken direkt efter ett avslutande citattecken"),
    ("new-line character seen in unquoted field", "radbrytning mitt i ett fält utan citattecken"),
)


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    for english, swedish in _CSV_ERRORS:
        if english in text:
            return swedish
    return "felaktigt format"


def _sniff_delimiter(first_line: str) -> str:
    """Return ';' or ',' by which occurs more often outside quotes in the header line."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _read_csv_fast(text: str, delimiter: str) -> tuple[list[str], list, list[int]] | None:
    """Read a plain CSV (no quotes, no blank lines) with polars; None when the file is not that simple.

    Large machine-written files are the common case, and polars reads them several times faster than
    the csv module. It pads short rows silently, so the result is used only when the separators add up
    to exactly the header's width on every row (polars refuses rows that are too long); anything else
    goes through ``_read_csv`` below, which names the row that is wrong.
    """
    if '"' in text or "\n\n" in text.replace("\r\n", "\n").rstrip("\n"):
        return None
    # heavy: polars loads only when a plain CSV file is read
    import polars as pl

    try:
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), separator=delimiter, infer_schema=False,
                            quote_char=None, has_header=True)
    except Exception:  # noqa: BLE001  any polars complaint: let the precise reader explain it
        return None
    header = text.split("\n", 1)[0].rstrip("\r").split(delimiter)
    if header != [str(c) for c in frame.columns]:  # polars renames duplicate and empty names
        return None
    if text.count(delimiter) != (len(header) - 1) * (frame.height + 1):
        return None
    frame = frame.select(pl.all().fill_null("").str.strip_chars())
    if frame.width and frame.height and frame.select(pl.max_horizontal(pl.all().str.len_chars().max())).item() > MAX_CELL_CHARS:
        return None  # the precise reader names the cell
    return header, frame.rows(), list(range(2, frame.height + 2))


def _read_csv(path: Path, notices: list[str]) -> tuple[list[str], list[list[str]], list[int], list[RowError]]:
    _check_size(path)
    text = _decode(path.read_bytes(), path.name, notices)
    if not text.strip():
        raise ImportFileError(f"{path.name}: filen är tom")
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    if first_line.count(delimiter) >= MAX_COLUMNS * 2:  # refuse a million-column header before parsing it
        raise ImportFileError(f"{path.name}, rad 1: rubrikraden har fler än {MAX_COLUMNS} kolumner")
    # A control character anywhere (or an over-long cell, which the fast reader checks) sends the file
    # through the reader below, which names the row and column of each.
    fast = None if control_character(text) is not None else _read_csv_fast(text, delimiter)
    if fast is not None:
        header, rows, numbers = fast
        _check_header(path.name, header)
        if len(rows) + 1 > MAX_ROWS:
            raise _too_many_rows(path.name)
        return header, rows, numbers, []
    # The csv module refuses fields over 128 KiB with an English error; the file-size limit bounds them
    # instead, and a cell over MAX_CELL_CHARS is reported with its row and column.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[RowError] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}, rad 1: rubrikraden kan inte läsas ({_csv_error(exc)})") from None
    _check_header(path.name, header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for row, fields in _csv_records(reader, header, path.name, problems.append, MAX_ROWS):
        rows.append(fields)
        numbers.append(row)
    return header, rows, numbers, problems


def _csv_records(reader, header: list[str], filename: str, report: Callable[[RowError], None],
                 max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, stripped fields) of every usable data row of a csv reader past its header.

    Blank rows are skipped; a row of the wrong width or with a bad cell goes to ``report`` and is left out.
    Raises ``ImportFileError`` past ``max_rows`` or when the csv module cannot read a row. Shared by the
    in-memory reader and the streamed one, so both read a file the same way.
    """
    width = len(header)
    # The row as a spreadsheet shows it: records counted from the header (row 1), so a quoted cell with line
    # breaks does not shift the numbers the way the reader's physical line count would.
    row = 1
    try:
        for fields in reader:
            row += 1
            if row > max_rows:
                raise _too_many_rows(filename, max_rows)
            joined = "\t".join(fields)
            if not joined.strip():
                continue  # a blank row (no fields, or only white space)
            if len(fields) != width:
                # Trailing empty fields (a spreadsheet's habit) are tolerated; anything else is wrong.
                if len(fields) > width and not any(f.strip() for f in fields[width:]):
                    fields = fields[:width]
                    joined = "\t".join(fields)
                else:
                    report(RowError(row, None, f"raden har {len(fields)} fält men rubrikraden har {width}"))
                    continue
            # One search over the joined row first (the tab joining them is itself allowed): the cell-by-cell
            # check, which names the column, runs only for a row that has a problem somewhere. No cell of a row
            # shorter than the limit can be longer.
            if control_character(joined) or (len(joined) > MAX_CELL_CHARS and any(len(f) > MAX_CELL_CHARS for f in fields)):
                cell_problems = _cell_problems(row, header, fields)
                if cell_problems:
                    for problem in cell_problems:
                        report(problem)
                    continue
            yield row, [f.strip() for f in fields]
    except csv.Error as exc:
        raise ImportFileError(f"{filename}, rad {row + 1}: raden kan inte läsas ({_csv_error(exc)})") from None


_EXCEL_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # Date cells come back as 'YYYY-MM-DD 00:00:00'; the contract's dates are plain YYYY-MM-DD.
    match = _EXCEL_MIDNIGHT.match(text)
    return match.group(1) if match else text


_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$", re.ASCII)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _XlsxRefused(Exception):
    """The archive is refused before the spreadsheet reader sees it; the message is Swedish (no file name)."""


class _PartScanner:
    """Stream one XML part of an XLSX archive through expat, refusing DTDs, entities and oversized content.

    For worksheets it tracks the used range (``<dimension ref>`` and every row and cell reference, also
    cells without one, which count on from the previous); for the shared strings it counts the strings and
    their length.
    """

    def __init__(self, name: str):
        self.name = name
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.parser.ExternalEntityRefHandler = self._external
        self.parser.StartElementHandler = self._start
        if not name.startswith("xl/worksheets/"):
            # Text lengths are counted in the shared strings (and every part but the sheets, which are the bulk
            # of a file and whose cells over MAX_CELL_CHARS are row errors after reading).
            self.parser.EndElementHandler = self._end
            self.parser.CharacterDataHandler = self._text
            self.parser.buffer_text = True
        self._names: dict[str, str] = {}
        self._columns: dict[str, int] = {}
        self.row = 0
        self.column = 0
        self.max_row = 0
        self.max_column = 0
        self.strings = 0
        self.text_chars = 0
        self.in_text = False
        self.first_value_row: int | None = None  # the first row with a value: where the reader's range starts
        self.first_sheet_id: str | None = None  # workbook.xml: the relationship id of the first sheet
        self.targets: dict[str, str] = {}  # a .rels part: relationship id -> target

    def _doctype(self, *args) -> None:
        raise _XlsxRefused(f"delen {self.name} har en dokumenttypdeklaration (DTD), vilket inte tillåts")

    def _entity(self, *args) -> None:
        raise _XlsxRefused(f"delen {self.name} deklarerar entiteter, vilket inte tillåts")

    def _external(self, *args) -> int:
        raise _XlsxRefused(f"delen {self.name} hänvisar till externa entiteter, vilket inte tillåts")

    def _used(self, row: int, column: int) -> None:
        if row > MAX_ROWS or column > 16384:
            raise _XlsxRefused(f"bladet har en cell på rad {row}, kolumn {column}; högst {MAX_ROWS} rader kan läsas")
        if row > self.max_row or column > self.max_column:
            self.max_row = max(self.max_row, row)
            self.max_column = max(self.max_column, column)
            self._check_range(self.max_row, self.max_column)

    def _check_range(self, rows: int, columns: int) -> None:
        if rows > MAX_ROWS or rows * columns > XLSX_MAX_CELLS:
            raise _XlsxRefused(f"bladet omfattar {rows} rader × {columns} kolumner; högst {MAX_ROWS} rader och "
                               f"{XLSX_MAX_CELLS} celler kan läsas. Ta bort tomma rader och kolumner eller spara "
                               "som CSV")

    def _ref(self, ref: str) -> tuple[int, int]:
        match = _CELL_REF.match(ref.strip().upper())
        if not match:
            raise _XlsxRefused(f"bladet har en ogiltig cellreferens '{ref[:20]}'")
        letters = match.group(1)
        column = self._columns.get(letters)
        if column is None:
            column = self._columns[letters] = _column_number(letters)
        return int(match.group(2)), column

    def _local(self, name: str) -> str:
        local = self._names.get(name)
        if local is None:
            local = self._names[name] = name.rpartition(" ")[2]
        return local

    def _start(self, name: str, attributes: dict) -> None:
        # Called for every element of a sheet of a million rows: the common elements come first.
        local = self._local(name)
        if local == "c":
            ref = attributes.get("r")
            if ref:
                self.row, self.column = self._ref(ref)
            else:
                self.column += 1
            self._used(self.row or 1, self.column)
        elif local == "v" or local == "is":
            if self.row and (self.first_value_row is None or self.row < self.first_value_row):
                self.first_value_row = self.row
        elif local == "row":
            ref = attributes.get("r")
            self.row = int(ref) if ref and ref.isascii() and ref.isdigit() else self.row + 1
            self.column = 0
            self._used(self.row, 1)
        elif local == "t":
            self.in_text = True
        elif local == "dimension":
            ref = attributes.get("ref", "")
            rows, columns = 0, 0
            for part in ref.split(":"):
                row, column = self._ref(part)
                rows, columns = max(rows, row), max(columns, column)
            if columns > 16384:
                raise _XlsxRefused(f"bladet har en ogiltig cellreferens '{ref[:20]}'")
            self._check_range(rows, columns)
        elif local == "sheet" and self.first_sheet_id is None:
            self.first_sheet_id = attributes.get(f"{_RELATIONSHIPS_NS} id")
        elif local == "Relationship":
            self.targets[attributes.get("Id", "")] = attributes.get("Target", "")
        elif local == "si":
            self.strings += 1
            self.text_chars = 0
            if self.strings > XLSX_MAX_STRINGS:
                raise _XlsxRefused(f"filen har fler än {XLSX_MAX_STRINGS} texter")
        elif local == "sst":
            for attribute in ("count", "uniqueCount"):
                value = attributes.get(attribute, "0")
                if not (value.isascii() and value.isdigit()) or int(value) > XLSX_MAX_STRINGS:
                    raise _XlsxRefused(f"filens texttabell anger {attribute}='{value[:20]}'; högst "
                                       f"{XLSX_MAX_STRINGS}")

    def _end(self, name: str) -> None:
        if self._local(name) == "t":
            self.in_text = False

    def _text(self, data: str) -> None:
        if self.in_text:
            self.text_chars += len(data)
            if self.text_chars > XLSX_MAX_STRING_CHARS:
                raise _XlsxRefused(f"en cell har mer än {XLSX_MAX_STRING_CHARS} tecken")

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise _XlsxRefused(f"delen {self.name} är inte giltig XML (rad {exc.lineno}, tecken {exc.offset})") from None
        except RecursionError:
            raise _XlsxRefused(f"delen {self.name} är för djupt nästlad") from None


def _inspect_xlsx(path: Path) -> int:
    """Check an XLSX archive's sizes, compression and used range before the spreadsheet reader reads it.

    Returns the spreadsheet row number of the first sheet's first row with a value, where the reader's
    rows begin (1 when it cannot be told). Raises ``ImportFileError`` (Swedish, with the file name) for anything beyond the limits at the top of
    this module: a zip bomb, an XML bomb or DTD, a cell at XFD1048576, a billion shared strings.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > XLSX_MAX_PARTS:
                raise _XlsxRefused(f"arkivet har {len(parts)} delar; högst {XLSX_MAX_PARTS}")
            total = sum(part.file_size for part in parts)
            if total > XLSX_MAX_UNCOMPRESSED:
                raise _XlsxRefused(f"arkivet packas upp till {total // (1024 * 1024)} MB; högst "
                                   f"{XLSX_MAX_UNCOMPRESSED // (1024 * 1024)} MB")
            for part in parts:
                if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
                    raise _XlsxRefused(f"delen {part.filename} är packad {part.file_size // max(part.compress_size, 1)}"
                                       f" gånger (en zip-bomb?); högst {XLSX_MAX_RATIO}")
            names = {part.filename for part in parts}
            if "xl/workbook.xml" not in names:
                raise _XlsxRefused("arkivet är ingen Excel-arbetsbok (xl/workbook.xml saknas)")
            scanned: dict[str, _PartScanner] = {}
            for part in parts:
                if not part.filename.endswith((".xml", ".rels")) or part.is_dir():
                    continue
                scanner = _PartScanner(part.filename)
                # Reading through zipfile also checks the part against its stated size and checksum, so a
                # part cannot unpack to more than the header says.
                with archive.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        scanner.feed(chunk)
                scanner.feed(b"", final=True)
                scanned[part.filename] = scanner
    except _XlsxRefused as exc:
        raise ImportFileError(f"{path.name}: Excel-filen kan inte läsas: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError, zlib.error, lzma.LZMAError):  # damaged, encrypted or oddly compressed archives
        raise ImportFileError(f"{path.name}: Excel-filen kan inte läsas (den är skadad eller inte en XLSX-fil)") from None
    workbook = scanned.get("xl/workbook.xml")
    rels = scanned.get("xl/_rels/workbook.xml.rels")
    target = rels.targets.get(workbook.first_sheet_id or "", "") if workbook and rels else ""
    sheet = scanned.get(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    return (sheet.first_value_row if sheet is not None else None) or 1


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]], list[int], list[RowError]]:
    # heavy: fastexcel loads only when an Excel file is read
    import fastexcel

    _check_size(path)
    first_row = _inspect_xlsx(path)
    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        rows = sheet.to_polars().rows()
    except Exception as exc:  # fastexcel raises its own error types for damaged files
        raise ImportFileError(f"{path.name}: Excel-filen kan inte läsas ({exc.__class__.__name__})") from None
    if not rows:
        raise ImportFileError(f"{path.name}: filen är tom")
    header = [_cell_text(v) for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    _check_header(path.name, header)
    data: list[list[str]] = []
    numbers: list[int] = []
    problems: list[RowError] = []
    # The reader's rows begin at the sheet's first row with a value, not necessarily at row 1.
    for offset, row in enumerate(rows[1:], start=first_row + 1):
        values = [_cell_text(v) for v in row[: len(header)]]
        values += [""] * (len(header) - len(values))
        if any(values):
            cell_problems = _cell_problems(offset, header, values)
            if cell_problems:
                problems.extend(cell_problems)
                continue
            data.append(values)
            numbers.append(offset)
    return header, data, numbers, problems


def read_table(path: str | Path, notices: list[str] | None = None) -> tuple[Table, list[RowError]]:
    """Read a CSV (comma or semicolon; UTF-8, or UTF-16/UTF-32 with a BOM; Windows-1252) or XLSX file.

    Every limit of the module's top (size, rows, columns, cell length, the XLSX archive's shape) is
    checked; a cell with a control character is a row problem with its row and column, and its row is left
    out of the table.

    Returns the table and the row problems found while reading (e.g. a row with too many fields).
    Raises ``ImportFileError`` when the file as a whole cannot be read.
    """
    path = Path(path)
    notices = notices if notices is not None else []
    if not path.exists():
        raise ImportFileError(f"{path}: filen finns inte")
    if path.is_dir():
        raise ImportFileError(f"{path}: är en mapp, inte en fil")
    if not path.is_file():
        # A device or a named pipe has no size to check (/dev/zero would be read until memory runs out, a
        # pipe blocks); is_file follows symbolic links, so a link to a device is refused too.
        raise ImportFileError(f"{path}: är ingen vanlig fil (en enhet eller en namngiven pipe) och kan inte importeras")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, rows, numbers, problems = _read_xlsx(path)
    elif path.suffix.lower() == ".xls":
        raise ImportFileError(f"{path.name}: det gamla Excel-formatet .xls stöds inte; spara som .xlsx eller .csv")
    else:
        header, rows, numbers, problems = _read_csv(path, notices)
    headers = _checked_headers(path.name, header)
    return Table(filename=path.name, headers=headers, rows=rows, row_numbers=numbers), problems


def _checked_headers(filename: str, header: list[str]) -> list[str]:
    """Return the normalised header names; refuse a name that occurs twice."""
    headers = [_normalise_header(h) for h in header]
    seen: set[str] = set()
    for name in headers:
        if name and name in seen:
            raise ImportFileError(f"{filename}, rad 1: kolumnen '{name}' förekommer två gånger i rubrikraden")
        seen.add(name)
    return headers


@dataclass
class ImportContext:
    """What a handler gets besides the table: the acting user, the error list, notices and progress.

    ``scope`` (``accounts.policy.import_scope`` of the user and the kind's capability) says which units'
    cases and people the file may name; a handler rejects every other row with a message that says the
    row is outside the uploader's units and quotes nothing stored. Into ``accessed`` a handler puts the
    ids of the stored cases or people it read (in scope); the framework writes them to the access log,
    for dry runs and refused files too.
    """

    by: Any
    errors: ImportErrors
    notices: list[str]
    progress: Progress
    scope: ImportScope  # no default: a handler never runs without the uploader's scope
    accessed: set[str] = field(default_factory=set)


@dataclass
class ImportResult:
    """What a handler stored: counts per kind of thing, for the summary."""

    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{label}: {count}" for label, count in self.counts.items()) or "inget nytt"


@dataclass(frozen=True)
class FileKind:
    """A kind of import file, recognised by its required columns."""

    name: str
    label: str
    required: tuple[str, ...]
    handler: Callable[[Table, ImportContext], ImportResult]
    optional: tuple[str, ...] = ()
    capability: str = "cases.import"
    # The handler of a large CSV file read row by row (``StreamedTable``); a kind without one reads every file
    # into memory, within ``MAX_FILE_BYTES`` and ``MAX_ROWS``.
    stream_handler: Callable[[StreamedTable, ImportContext], ImportResult] | None = None


def done_text(label: str, *, dry_run: bool) -> str:
    """Return the sentence saying a file of this kind was imported (or only checked), in Swedish.

    The kind's label is a plural noun ("ärendehändelser", "personal"), so it is named as "filen med …"
    rather than given an adjective it would have to agree with.
    """
    if dry_run:
        return f"Filen med {label} kontrollerades; inget sparades."
    return f"Filen med {label} importerades."


_KINDS: dict[str, FileKind] = {}


def register(kind: FileKind) -> None:
    """Register a file kind (called from an app's ``importers.py``)."""
    _KINDS[kind.name] = kind


def kinds() -> list[FileKind]:
    return list(_KINDS.values())


def detect_kind(table: Table) -> FileKind:
    """Return the file kind whose columns the header matches best; raise when none fits.

    A header that matches a kind except for missing columns is reported as that kind with the
    missing columns named, which is the most useful message for a file that is nearly right.
    """
    headers = set(table.headers)
    complete = [k for k in _KINDS.values() if set(k.required) <= headers]
    if complete:
        return max(complete, key=lambda k: len(k.required))
    # Nearly right: at least half of a kind's columns are there; name what is missing.
    near = [k for k in _KINDS.values() if len(headers & set(k.required)) * 2 >= len(k.required)]
    best = max(near, key=lambda k: len(headers & set(k.required)), default=None)
    if best is None:
        expected = "; ".join(f"{k.label}: {','.join(k.required)}" for k in _KINDS.values())
        raise ImportFileError(
            f"{table.filename}, rad 1: rubrikraden känns inte igen som någon importfil. Förväntade rubriker – {expected}"
        )
    missing = [c for c in best.required if c not in headers]
    if missing:
        raise ImportFileError(
            f"{table.filename}, rad 1: rubrikraden saknar {'kolumnen' if len(missing) == 1 else 'kolumnerna'} "
            f"{', '.join(missing)} för en {best.label}-fil"
        )
    return best


class _Rollback(Exception):
    pass


@dataclass
class ImportOutcome:
    filename: str
    kind: FileKind | None
    result: ImportResult | None
    errors: ImportErrors
    notices: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and self.result is not None

    def error_lines(self) -> list[str]:
        lines = [e.format(self.filename) for e in self.errors]
        if self.errors.truncated:
            lines.append(f"{self.filename}: fler än {self.errors.limit} fel; de övriga visas inte")
        return lines


def run_import(path: str | Path, *, by=None, stream: TextIO | None = None, quiet: bool = False,
               on_progress: Callable[[float, str], None] | None = None, dry_run: bool = False,
               check_kind: Callable[[FileKind], None] | None = None,
               origin: dict | None = None, transform: Callable[[Table], Table] | None = None,
               scope: ImportScope | None = None) -> ImportOutcome:
    """Read, recognise, validate and store one file, all or nothing.

    ``check_kind`` is called with the recognised kind before anything is validated or stored; it raises
    to refuse the file (the web upload checks that the user may import that kind). ``origin`` holds the
    keywords ``channel``, ``ip_address`` and ``path`` for the access log when a web user started the import.
    ``transform`` rewrites the table read from the file before its kind is recognised (the nightly feeds'
    column map, ``stabil.feeds``); it raises ``ImportFileError`` to refuse the file. ``scope`` replaces the
    scope of ``by`` (the nightly feeds run as the operator, limited to their source's unit:
    ``accounts.policy.feed_scope``).

    Raises ``ImportFileError`` when the file cannot be read or recognised. Otherwise returns the outcome;
    when ``outcome.errors`` is non-empty nothing was stored.
    """
    notices: list[str] = []
    path = Path(path)
    table: Table | StreamedTable | None = None
    problems: list[RowError] = []
    if transform is None and streamable(path):
        table = open_streamed(path, notices)
        kind = detect_kind(table)
        if kind.stream_handler is None:
            table, notices = None, []  # read again below, into memory
    if table is None:
        table, problems = read_table(path, notices)
        if transform is not None:
            table = transform(table)
        kind = detect_kind(table)
    if check_kind is not None:
        check_kind(kind)
    if by is not None and not has_capability(by, kind.capability):
        raise ImportFileError(f"{table.filename}: din roll får inte importera {kind.label}")
    return _run_table(table, kind, problems, notices, by=by,
                      scope=import_scope(by, kind.capability) if scope is None else scope,
                      stream=stream, quiet=quiet, on_progress=on_progress, dry_run=dry_run, origin=origin)


def run_records(kind_name: str, records: list[dict[str, str]], *, by, scope: ImportScope, label: str,
                origin: dict | None = None, first_number: int = 0) -> ImportOutcome:
    """Validate and store a batch of records (dicts of the kind's columns, string values) as one file.

    The REST API's batches (issue 14) come here: the same handler, the same checks, the same all-or-nothing
    transaction, scope and access record as a file of the kind, with ``scope`` given by the caller (an
    integration client's units, ``accounts.policy.client_import_scope``). The "row" of each error is the
    record's index in the batch (``first_number`` for the first), so a message names the item and its field.
    ``label`` names the batch in the access log and in the messages, as a file name does.
    """
    kind = _KINDS[kind_name]
    headers = [*kind.required, *kind.optional]
    rows: list[list[str]] = []
    numbers: list[int] = []
    problems: list[RowError] = []
    for number, record in enumerate(records, start=first_number):
        values = [record.get(column, "") or "" for column in headers]
        # One search over the joined row first (the tab joining them is itself allowed): the cell-by-cell
        # check, which names the field, runs only for a row that has a problem somewhere.
        if control_character("\t".join(values)) or any(len(value) > MAX_CELL_CHARS for value in values):
            problems.extend(_cell_problems(number, headers, values))
            continue
        rows.append([value.strip() for value in values])
        numbers.append(number)
    table = Table(filename=label, headers=headers, rows=rows, row_numbers=numbers)
    return _run_table(table, kind, problems, [], by=by, scope=scope, stream=None, quiet=True, on_progress=None,
                      dry_run=False, origin=origin)


def _run_table(table: Table | StreamedTable, kind: FileKind, problems: list[RowError], notices: list[str], *, by,
               scope: ImportScope, stream: TextIO | None, quiet: bool,
               on_progress: Callable[[float, str], None] | None, dry_run: bool, origin: dict | None) -> ImportOutcome:
    """Run ``kind``'s handler on ``table`` in one transaction, all or nothing, and write the access record."""
    stream = stream if stream is not None else sys.stderr
    known = set(kind.required) | set(kind.optional)
    extra = [h for h in table.headers if h and h not in known]
    if extra:
        notices.append(
            f"{table.filename}: {'kolumnen' if len(extra) == 1 else 'kolumnerna'} {', '.join(extra)} "
            f"används inte och ignoreras"
        )
    errors = ImportErrors()
    for problem in problems:
        errors.add(problem.row, problem.column, problem.message)
    handler = kind.handler
    total = table.row_count
    if isinstance(table, StreamedTable):
        # The reader's row problems come as the handler reads; its progress counts the rows twice (checked,
        # then stored).
        table.report = lambda problem: errors.add(problem.row, problem.column, problem.message)
        handler = kind.stream_handler
        total *= 2
    progress = Progress(total, f"Import {kind.label}", stream=stream, quiet=quiet, on_update=on_progress)
    ctx = ImportContext(by=by, errors=errors, notices=notices, progress=progress, scope=scope)
    result: ImportResult | None = None

    def log(what: str) -> None:
        record_access(by=by, action="import", what=f"Import av {kind.label}{what}: {table.filename}",
                      objects=sorted(ctx.accessed), count=table.row_count, object_type=kind.name,
                      **(origin or {}))

    try:
        with transaction.atomic():
            result = handler(table, ctx)
            if errors or dry_run:
                raise _Rollback
            log("")
    except _Rollback:
        # A dry run or a refused file has read stored data all the same: logged outside the rollback.
        log(" (provkörning)" if dry_run else " (avvisad)")
        if errors:
            result = None
    if not dry_run:
        import_done.send(sender=_run_table, kind=kind.name, ok=result is not None and not errors,
                         counts=dict(result.counts) if result is not None else {}, rows=table.row_count,
                         errors=len(errors), by=by)
    for line in notices:
        if not quiet:
            notice(line, stream)
    if result is not None and not quiet:
        progress.finish()
    return ImportOutcome(filename=table.filename, kind=kind, result=result, errors=errors, notices=notices)

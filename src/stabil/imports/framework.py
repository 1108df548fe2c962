"""The import framework behind ``stabil import FILE`` and the web upload.

A file is read into rows of strings (``read_table``), its kind is recognised by its header row
(``detect_kind``), and the kind's handler validates and stores it inside one transaction
(``run_import``). Handlers collect every problem in ``ctx.errors`` instead of stopping at the first; if
any is collected the transaction is rolled back, so a bad file stores nothing. Messages are Swedish and
name the file, the row as a spreadsheet shows it (the header is row 1) and the column.

Areas register their file kinds in ``stabil/<app>/importers.py``, loaded by ``ImportsConfig.ready``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from stabil.accounts.policy import ImportScope, has_capability, import_scope
from stabil.audit.services import record_access
from stabil.common.progress import Progress, notice

# Stop collecting after this many errors: a file with thousands of bad rows is wrong as a whole,
# and the first thousand messages say why.
MAX_ERRORS = 1000


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


def _normalise_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


def _decode(data: bytes, filename: str, notices: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
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
    return header, frame.rows(), list(range(2, frame.height + 2))


def _read_csv(path: Path, notices: list[str]) -> tuple[list[str], list[list[str]], list[int], list[RowError]]:
    text = _decode(path.read_bytes(), path.name, notices)
    if not text.strip():
        raise ImportFileError(f"{path.name}: filen är tom")
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    fast = _read_csv_fast(text, delimiter)
    if fast is not None:
        header, rows, numbers = fast
        return header, rows, numbers, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[RowError] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}, rad 1: rubrikraden kan inte läsas ({exc})") from None
    rows: list[list[str]] = []
    numbers: list[int] = []
    width = len(header)
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != width:
                # Trailing empty fields (a spreadsheet's habit) are tolerated; anything else is wrong.
                if len(fields) > width and not any(f.strip() for f in fields[width:]):
                    fields = fields[:width]
                else:
                    problems.append(RowError(line, None, f"raden har {len(fields)} fält men rubrikraden har {width}"))
                    continue
            rows.append([f.strip() for f in fields])
            numbers.append(line)
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}, rad {reader.line_num}: raden kan inte läsas ({exc})") from None
    return header, rows, numbers, problems


_EXCEL_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # Date cells come back as 'YYYY-MM-DD 00:00:00'; the contract's dates are plain YYYY-MM-DD.
    match = _EXCEL_MIDNIGHT.match(text)
    return match.group(1) if match else text


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]], list[int], list[RowError]]:
    import fastexcel

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
    data: list[list[str]] = []
    numbers: list[int] = []
    for offset, row in enumerate(rows[1:], start=2):
        values = [_cell_text(v) for v in row[: len(header)]]
        values += [""] * (len(header) - len(values))
        if any(values):
            data.append(values)
            numbers.append(offset)
    return header, data, numbers, []


def read_table(path: str | Path, notices: list[str] | None = None) -> tuple[Table, list[RowError]]:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file into a ``Table``.

    Returns the table and the row problems found while reading (e.g. a row with too many fields).
    Raises ``ImportFileError`` when the file as a whole cannot be read.
    """
    path = Path(path)
    notices = notices if notices is not None else []
    if not path.exists():
        raise ImportFileError(f"{path}: filen finns inte")
    if path.is_dir():
        raise ImportFileError(f"{path}: är en mapp, inte en fil")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, rows, numbers, problems = _read_xlsx(path)
    elif path.suffix.lower() == ".xls":
        raise ImportFileError(f"{path.name}: det gamla Excel-formatet .xls stöds inte; spara som .xlsx eller .csv")
    else:
        header, rows, numbers, problems = _read_csv(path, notices)
    headers = [_normalise_header(h) for h in header]
    seen: set[str] = set()
    for name in headers:
        if name and name in seen:
            raise ImportFileError(f"{path.name}, rad 1: kolumnen '{name}' förekommer två gånger i rubrikraden")
        seen.add(name)
    return Table(filename=path.name, headers=headers, rows=rows, row_numbers=numbers), problems


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
               check_kind: Callable[[FileKind], None] | None = None) -> ImportOutcome:
    """Read, recognise, validate and store one file, all or nothing.

    ``check_kind`` is called with the recognised kind before anything is validated or stored; it raises
    to refuse the file (the web upload checks that the user may import that kind).

    Raises ``ImportFileError`` when the file cannot be read or recognised. Otherwise returns the outcome;
    when ``outcome.errors`` is non-empty nothing was stored.
    """
    notices: list[str] = []
    stream = stream if stream is not None else sys.stderr
    table, problems = read_table(path, notices)
    kind = detect_kind(table)
    if check_kind is not None:
        check_kind(kind)
    if by is not None and not has_capability(by, kind.capability):
        raise ImportFileError(f"{table.filename}: din roll får inte importera {kind.label}")
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
    progress = Progress(len(table.rows), f"Import {kind.label}", stream=stream, quiet=quiet, on_update=on_progress)
    ctx = ImportContext(by=by, errors=errors, notices=notices, progress=progress,
                        scope=import_scope(by, kind.capability))
    result: ImportResult | None = None

    def log(what: str) -> None:
        record_access(by=by, action="import", what=f"Import av {kind.label}{what}: {table.filename}",
                      objects=sorted(ctx.accessed), count=len(table.rows), object_type=kind.name)

    try:
        with transaction.atomic():
            result = kind.handler(table, ctx)
            if errors or dry_run:
                raise _Rollback
            log("")
    except _Rollback:
        # A dry run or a refused file has read stored data all the same: logged outside the rollback.
        log(" (provkörning)" if dry_run else " (avvisad)")
        if errors:
            result = None
    for line in notices:
        if not quiet:
            notice(line, stream)
    if result is not None and not quiet:
        progress.finish()
    return ImportOutcome(filename=table.filename, kind=kind, result=result, errors=errors, notices=notices)

"""A drop folder's column map: how a case or HR system's export is read as one of Stabil's import files.

A source folder of the nightly feeds (``STABIL_IMPORT_DIR/<source>/``, docs/feeds.md) may hold a
``columns.toml`` like this::

    [source]
    unit = "BU-UTR"                    # optional: the unit the source writes to (scope, contact, page)
    contact = ["ic@kommun.se"]         # optional: who is e-mailed when a file fails

    [columns]                          # the export's column -> Stabil's column
    "Ärendenummer" = "case_id"
    "Händelsedatum" = "date"

    [values.event]                     # optional: the export's values -> Stabil's values, per Stabil column
    "Aktualisering" = "report_received"

The map renames the export's header (compared as the import compares headers: trimmed, lower case) and
translates values; everything else stays with the import and its rules, unchanged. ``parse`` checks the map
as a whole and raises ``ColumnMapError`` with a Swedish message naming the file and, where known, the line.
No Django here: the known target columns are passed in.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_MAP_BYTES = 256 * 1024
MAX_ENTRIES = 1000
MAX_NAME_CHARS = 200
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_UNIT = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_KNOWN_TABLES = {"source", "columns", "values"}
_SOURCE_KEYS = {"unit", "contact"}


class ColumnMapError(ValueError):
    """The column map cannot be used; the message is Swedish and names the file (and line, when known)."""


def normalise(name: str) -> str:
    """A header name as the import compares it (``imports.framework``): trimmed, BOM removed, lower case."""
    return name.strip().strip("\ufeff").strip().lower()


@dataclass(frozen=True)
class ColumnMap:
    """A parsed column map. Empty (no file) means: the export already uses Stabil's columns."""

    columns: dict[str, str] = field(default_factory=dict)  # normalised export column -> Stabil column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # Stabil column -> {export value: value}
    unit: str = ""
    contacts: tuple[str, ...] = ()

    def header(self, headers: Iterable[str]) -> list[str]:
        """Return the export's (normalised) header renamed to Stabil's columns."""
        return [self.columns.get(h, h) for h in headers]

    def original(self, column: str) -> str | None:
        """Return the export's name for Stabil's ``column`` (None when the map does not rename it)."""
        for source, target in self.columns.items():
            if target == column and source != column:
                return source
        return None

    def value(self, column: str, value: str) -> str:
        """Return ``value`` of Stabil's ``column`` translated by the map (unchanged when not mapped)."""
        table = self.values.get(column)
        if not table:
            return value
        return table.get(value.strip(), value)


def _line_of(exc: tomllib.TOMLDecodeError) -> str:
    found = re.search(r"line (\d+)", str(exc))
    return f", rad {found.group(1)}" if found else ""


def _text(name: str, where: str, value) -> str:
    if not isinstance(value, str):
        raise ColumnMapError(f"{name}: {where} ska vara en text inom citattecken, inte {type(value).__name__}")
    if not value.strip() or len(value) > MAX_NAME_CHARS or any(ord(c) < 32 for c in value):
        raise ColumnMapError(f"{name}: {where} ska vara en kort text utan styrtecken (högst {MAX_NAME_CHARS} tecken)")
    return value


def parse(data: bytes, *, name: str, known_columns: Iterable[str]) -> ColumnMap:
    """Parse a ``columns.toml`` file's bytes; raise ``ColumnMapError`` when it cannot be used."""
    if len(data) > MAX_MAP_BYTES:
        raise ColumnMapError(f"{name}: kolumnkartan är större än {MAX_MAP_BYTES // 1024} kB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ColumnMapError(f"{name}: kolumnkartan är inte UTF-8-text") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ColumnMapError(f"{name}{_line_of(exc)}: kolumnkartan är inte giltig TOML") from None
    unknown = sorted(set(doc) - _KNOWN_TABLES)
    if unknown:
        raise ColumnMapError(f"{name}: okänd del {', '.join(unknown)}; tillåtna är [source], [columns] och [values.KOLUMN]")
    known = set(known_columns)
    source = doc.get("source", {})
    if not isinstance(source, dict):
        raise ColumnMapError(f"{name}: [source] ska vara en tabell")
    extra = sorted(set(source) - _SOURCE_KEYS)
    if extra:
        raise ColumnMapError(f"{name}: [source] har den okända nyckeln {', '.join(extra)}; tillåtna är unit och contact")
    unit = ""
    if "unit" in source:
        unit = _text(name, "[source] unit", source["unit"]).strip()
        if not _UNIT.match(unit):
            raise ColumnMapError(f"{name}: [source] unit '{unit[:40]}' är ingen enhetskod (bokstäver, siffror, - _ .)")
    contacts = source.get("contact", [])
    if isinstance(contacts, str):
        contacts = [contacts]
    if not isinstance(contacts, list):
        raise ColumnMapError(f"{name}: [source] contact ska vara en e-postadress eller en lista av adresser")
    for address in contacts:
        if not isinstance(address, str) or not _EMAIL.match(address):
            raise ColumnMapError(f"{name}: [source] contact '{str(address)[:80]}' är ingen e-postadress")
    columns_table = doc.get("columns", {})
    if not isinstance(columns_table, dict):
        raise ColumnMapError(f"{name}: [columns] ska vara en tabell")
    if len(columns_table) > MAX_ENTRIES:
        raise ColumnMapError(f"{name}: [columns] har fler än {MAX_ENTRIES} rader")
    columns: dict[str, str] = {}
    targets: dict[str, str] = {}
    for source_name, target in columns_table.items():
        _text(name, f"[columns] '{source_name[:80]}'", source_name)
        target = _text(name, f"[columns] '{source_name[:80]}'", target).strip().lower()
        if target not in known:
            raise ColumnMapError(f"{name}: [columns] '{source_name[:80]}' pekar på '{target[:80]}', som ingen importfil "
                                 f"har; tillåtna kolumner: {', '.join(sorted(known))}")
        if target in targets:
            raise ColumnMapError(f"{name}: [columns] både '{targets[target]}' och '{source_name[:80]}' pekar på '{target}'")
        targets[target] = source_name[:80]
        columns[normalise(source_name)] = target
    values_table = doc.get("values", {})
    if not isinstance(values_table, dict):
        raise ColumnMapError(f"{name}: [values] ska innehålla tabeller [values.KOLUMN]")
    values: dict[str, dict[str, str]] = {}
    for column, table in values_table.items():
        column = column.strip().lower()
        if column not in known:
            raise ColumnMapError(f"{name}: [values.{column[:80]}] gäller ingen kolumn som någon importfil har")
        if not isinstance(table, dict):
            raise ColumnMapError(f"{name}: [values.{column}] ska vara en tabell av värden")
        if len(table) > MAX_ENTRIES:
            raise ColumnMapError(f"{name}: [values.{column}] har fler än {MAX_ENTRIES} rader")
        values[column] = {
            _text(name, f"[values.{column}]", k).strip(): _text(name, f"[values.{column}] '{k[:80]}'", v).strip()
            for k, v in table.items()
        }
    return ColumnMap(columns=columns, values=values, unit=unit, contacts=tuple(contacts))

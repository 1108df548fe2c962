"""Reading a time study file (CSV or XLSX) into calibration records, with row/column messages.

Used by ``stabil workload-calibrate`` and the calibration upload page. The file is read with the
import framework's ``read_table`` (comma or semicolon, UTF-8 with or without BOM, or XLSX).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stabil.core.calibration import TimeRecord, parse_work_type
from stabil.imports.framework import ImportFileError, RowError, read_table

COLUMNS = {
    "person": ("person", "personal", "handläggare", "staff_id", "personal-id"),
    "case_type": ("case_type", "ärendetyp", "arendetyp", "typ"),
    "hours": ("hours", "timmar", "tid"),
    "cases": ("cases", "ärenden", "arenden", "antal"),
}


def _number(text: str) -> float:
    return float(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))


@dataclass(frozen=True)
class RecordedHours:
    """A person's recorded hours in the period, without case types (counts come from the register)."""

    person: str
    hours: float


def _recorded_hours(table, found, errors) -> tuple[list[RecordedHours], list[str]]:
    name = table.filename
    rows: list[RecordedHours] = []
    seen: dict[str, int] = {}
    for row, values in table.records():
        person = values.get(found["person"], "").strip()
        hours_text = values.get(found["hours"], "").strip()
        if not (person or hours_text):
            continue
        if not person:
            errors.append(RowError(row, found["person"], "person saknas").format(name))
            continue
        if person in seen:
            errors.append(RowError(row, found["person"], f"{person} finns redan på rad {seen[person]}").format(name))
            continue
        seen[person] = row
        try:
            hours = _number(hours_text)
            if hours < 0:
                raise ValueError
        except ValueError:
            errors.append(RowError(row, found["hours"], f"'{hours_text}' är inte ett antal timmar (t.ex. 12,5)")
                          .format(name))
            continue
        rows.append(RecordedHours(person, hours))
    if not rows and not errors:
        errors.append(f"{name}: filen har inga rader med tid")
    return rows, errors


def read_time_study(path: str | Path) -> tuple[list, list[str]]:
    """Return the rows of a calibration file and the Swedish error lines (empty when all is well).

    With a case-type column the rows are a time study (``TimeRecord``); with only person and hours they
    are recorded hours per person (``RecordedHours``), whose case counts come from the register.
    """
    try:
        table, problems = read_table(path)
    except ImportFileError as exc:
        return [], [str(exc)]
    name = table.filename
    errors = [p.format(name) for p in problems]
    found: dict[str, str] = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in table.headers:
                found[key] = alias
                break
    if "case_type" not in found and "person" in found and "hours" in found:
        return _recorded_hours(table, found, errors)
    missing = [k for k in ("person", "case_type", "hours") if k not in found]
    if missing:
        wanted = ", ".join(COLUMNS[k][0] for k in missing)
        return [], [f"{name}, rad 1: kolumn saknas: {wanted} (rubrikraden har: {', '.join(table.headers)})"]
    records: list[TimeRecord] = []
    for row, values in table.records():
        person = values.get(found["person"], "").strip()
        type_text = values.get(found["case_type"], "").strip()
        hours_text = values.get(found["hours"], "").strip()
        cases_text = values.get(found.get("cases", ""), "").strip() if "cases" in found else ""
        if not (person or type_text or hours_text):
            continue
        row_errors = []
        if not person:
            row_errors.append(RowError(row, found["person"], "person saknas"))
        kind = parse_work_type(type_text)
        if kind is None:
            row_errors.append(RowError(row, found["case_type"], f"okänd ärendetyp '{type_text}' (t.ex. utredning, "
                                       "förhandsbedömning, uppföljning öppenvård, uppföljning placering, "
                                       "familjehemsarbete, ensamkommande barn, ej ärende)"))
        hours = cases = None
        try:
            hours = _number(hours_text)
            if hours < 0:
                raise ValueError
        except ValueError:
            row_errors.append(RowError(row, found["hours"], f"'{hours_text}' är inte ett antal timmar (t.ex. 12,5)"))
        if cases_text:
            try:
                cases = _number(cases_text)
                if cases < 0:
                    raise ValueError
            except ValueError:
                row_errors.append(RowError(row, found["cases"], f"'{cases_text}' är inte ett antal ärenden"))
        if row_errors:
            errors.extend(e.format(name) for e in row_errors)
            continue
        records.append(TimeRecord(person, kind, hours, cases))
    if not records and not errors:
        errors.append(f"{name}: filen har inga rader med tid")
    return records, errors

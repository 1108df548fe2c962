"""`stabil report staff --from DATE --to DATE [--unit CODE] --format json|csv|xlsx`.

The report goes alone to standard output; notices go to standard error. Contract: docs/cli-staff.md.
"""

from __future__ import annotations

import sys

from stabil.accounts.policy import has_capability
from stabil.audit.services import record_access
from stabil.common.cli import CliError, acting_user, parse_date, require_capability, units_in_scope
from stabil.common.output import Sheet, write_csv, write_json, write_xlsx_stdout
from stabil.common.progress import notice
from stabil.organisation.selectors import units as all_units

from .selectors import staff_report

FORMATS = ("json", "csv", "xlsx")


def _configure(parser) -> None:
    parser.add_argument("--from", dest="first_day", type=parse_date, required=True, metavar="DATUM",
                        help="första dag, ÅÅÅÅ-MM-DD")
    parser.add_argument("--to", dest="last_day", type=parse_date, required=True, metavar="DATUM",
                        help="sista dag, ÅÅÅÅ-MM-DD")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD", help="enhetskod (kan upprepas)")
    parser.add_argument("--format", choices=FORMATS, default="json")


def _flatten(prefix: str, value, into: dict[str, object]) -> None:
    """Store nested dict values under dotted paths ("turnover.started"); "" keys become "unknown"."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key or 'unknown'}" if prefix else (key or "unknown"), inner, into)
    else:
        into[prefix] = value


def report_rows(report: list[dict]) -> tuple[list[str], list[list]]:
    """Return the report flattened to one row per unit (CSV and Excel), columns named like the JSON."""
    headers: list[str] = []
    rows: list[dict] = []
    for entry in report:
        flat: dict[str, object] = {}
        _flatten("", entry, flat)
        for key in flat:
            if key not in headers:
                headers.append(key)
        rows.append(flat)
    return headers, [[row.get(header) for header in headers] for row in rows]


def _run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "staff.view", "personalrapporten")
    if args.last_day < args.first_day:
        raise CliError(f"--to {args.last_day} ligger före --from {args.first_day}")
    units = all_units()
    scoped = units_in_scope(by, args.unit)  # a named user: their units, as the staff pages offer them
    if scoped is not None:
        units = scoped
    elif args.unit:
        found = {unit.code: unit for unit in units.filter(code__in=args.unit)}
        missing = [code for code in args.unit if code not in found]
        if missing:
            raise CliError(f"okänd enhet: {', '.join(missing)}")
        units = list(found.values())
    units = list(units)
    notice(f"Personalrapport {args.first_day}–{args.last_day} för {len(units)} enheter …")
    report = staff_report(args.first_day, args.last_day, units)
    if by is not None and not has_capability(by, "staff.exit_reasons"):
        # Exit reasons of a few people identify them: only HR sees them (the turnover page likewise).
        for entry in report:
            entry.pop("exit_reasons", None)
        notice("Avgångsorsaker visas bara för HR och ingår inte i rapporten.")
    record_access(by=by, action="export", what=f"Personalrapport {args.first_day}–{args.last_day}",
                  objects=[entry["unit"] for entry in report], object_type="organisation.unit")
    if args.format == "json":
        write_json(report)
    else:
        headers, rows = report_rows(report)
        if args.format == "csv":
            write_csv(headers, rows)
        else:
            write_xlsx_stdout([Sheet("Personal", headers, rows,
                                     title=f"Personalrapport {args.first_day}–{args.last_day}")])
    sys.stderr.flush()
    return 0


def register(registry) -> None:
    registry.report("staff", help="personal per enhet: omsättning, sjukfrånvaro, konsulter, behörighet",
                    configure=_configure, run=_run)

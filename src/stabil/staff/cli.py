"""`stabil report staff --from DATE --to DATE [--unit CODE] --format json|csv|xlsx`.

The report goes alone to standard output; notices go to standard error. Contract: docs/cli-staff.md.
"""

from __future__ import annotations

import sys

from stabil.common.cli import CliError, parse_date

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
    from stabil.audit.services import record_access
    from stabil.common.output import Sheet, write_csv, write_json, write_xlsx_stdout
    from stabil.common.progress import notice
    from stabil.organisation.models import Unit

    from .selectors import staff_report

    if args.last_day < args.first_day:
        raise CliError(f"--to {args.last_day} ligger före --from {args.first_day}")
    units = Unit.objects.all()
    if args.unit:
        found = {unit.code: unit for unit in units.filter(code__in=args.unit)}
        missing = [code for code in args.unit if code not in found]
        if missing:
            raise CliError(f"okänd enhet: {', '.join(missing)}")
        units = list(found.values())
    units = list(units)
    notice(f"Personalrapport {args.first_day}–{args.last_day} för {len(units)} enheter …")
    report = staff_report(args.first_day, args.last_day, units)
    record_access(by=None, action="export", what=f"Personalrapport {args.first_day}–{args.last_day}",
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

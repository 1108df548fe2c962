"""Governance reports on the command line: `stabil report statistics|kpi|board`.

Contracts in docs/cli-governance.md. Output alone on standard output (or in ``--output``);
progress and notices on standard error; bad input gives a Swedish message and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys

from django.template.loader import render_to_string

from stabil.accounts.policy import sees_exact_figures_for
from stabil.audit.services import record_access
from stabil.common.cli import (
    CliError,
    acting_user,
    parse_date,
    require_capability,
    unit_outside_scope,
    units_in_scope,
)
from stabil.common.output import to_json, write_csv, write_json, write_xlsx
from stabil.common.progress import Progress, notice
from stabil.core.statistics import parse_months, parse_years
from stabil.organisation.selectors import units

from . import board_report
from .board_report import html_to_pdf, statistics_view
from .selectors import computed_kpis, kpi_hidden_in_public
from .selectors import default_threshold as configured

FORMATS_STATISTICS = ("json", "csv", "xlsx", "pdf")


def _threshold(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ogiltigt tröskelvärde '{value}': ange ett heltal, minst 2") from None
    if number < 2:
        raise argparse.ArgumentTypeError(f"ogiltigt tröskelvärde '{value}': minst 2 (\"<2\" skulle avslöja 1)")
    return number


def _years(value: str):
    try:
        return parse_years(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _months(value: str):
    try:
        return parse_months(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _units(codes: list[str]) -> tuple[list[int] | None, list[str] | None]:
    """Return (unit ids, codes) for the given codes, or (None, None) for all units."""
    if not codes:
        return None, None
    found = dict(units().filter(code__in=codes).values_list("code", "pk"))
    missing = [code for code in codes if code not in found]
    if missing:
        known = ", ".join(units().order_by("code").values_list("code", flat=True)) or "inga"
        raise CliError(f"okänd enhet {', '.join(repr(c) for c in missing)} (--unit). Enheter som finns: {known}")
    return [found[code] for code in codes], list(codes)


def _scoped_units(by, codes: list[str]) -> tuple[list[int] | None, list[str] | None, bool]:
    """Return (unit ids, codes, exact allowed) for a run, as the statistics page scopes it.

    The operator (``by`` None): ``_units``, exact figures. A named user names only units of theirs
    where they see exact figures (``policy.sees_exact_figures_for``; a public table of one unit beside
    the public whole could reveal a hidden cell by difference), and gets exact figures only where the
    policy gives them; otherwise the public (suppressed) figures.
    """
    if by is None:
        unit_ids, found = _units(codes)
        return unit_ids, found, True
    if not codes:
        return None, None, sees_exact_figures_for(by, None)
    units = units_in_scope(by, codes)
    hidden = [u.code for u in units if not sees_exact_figures_for(by, [u.pk])]
    if hidden:
        raise unit_outside_scope(by, hidden)
    return [u.pk for u in units], [u.code for u in units], True


def _public_notice(by, exact_allowed: bool, public: bool) -> bool:
    """Return whether the run shows public figures; tell a user who asked for exact ones that they get these."""
    if not exact_allowed and not public:
        notice(f"Användaren '{by.username}' ser inte exakta små tal: rapporten visar offentliga tal (små antal dolda).")
    return public or not exact_allowed


def _write_binary(data: bytes, output: str | None) -> None:
    if output:
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CliError(f"kan inte skriva filen '{output}' (--output): {exc.strerror}") from None
        sys.stderr.write(f"Skrev {output} ({len(data):,} byte).\n".replace(",", "\u00a0"))
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _linked_tables_notice() -> None:
    notice("Observera: en offentlig tabell för en enhet bredvid tabellen för hela verksamheten (eller för alla "
           "enheter var för sig) kan avslöja dolda små tal genom skillnaden. Publicera antingen enheterna eller "
           "helheten.")


def _record_exact(what: str, by=None) -> None:
    record_access(by=by, action="export", what=what)


# --- stabil report statistics --------------------------------------------------------------------


def _statistics_configure(parser) -> None:
    parser.add_argument("--years", required=True, type=_years, metavar="ÅR-ÅR", help="t.ex. 2012-2015")
    parser.add_argument("--months", required=True, type=_months, metavar="M-M",
                        help="månaderna som jämförs varje år, t.ex. 1-8 (januari-augusti)")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD", help="bara denna enhet (kan upprepas)")
    parser.add_argument("--public", action="store_true",
                        help="offentlig version: små antal döljs (\"<5\") och det som skulle avslöja dem")
    parser.add_argument("--threshold", type=_threshold, default=None, metavar="N",
                        help="dölj antal 1..N i offentlig version (standard 4, eller STABIL_SUPPRESSION_THRESHOLD)")
    parser.add_argument("--format", choices=FORMATS_STATISTICS, default="json")
    parser.add_argument("--output", metavar="FIL", help="skriv till fil (annars standard ut)")


def default_threshold() -> int:
    return configured()


def _statistics_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "governance.view", "verksamhetsstatistiken")
    unit_ids, codes, exact_allowed = _scoped_units(by, args.unit)
    public = _public_notice(by, exact_allowed, args.public)
    threshold = args.threshold or default_threshold()
    if public and codes:
        _linked_tables_notice()
    progress = Progress(3, "Statistik")
    view = statistics_view(years=args.years, months=args.months, unit_ids=unit_ids, exact=not public,
                           threshold=threshold, progress=progress)
    progress.finish()
    if not public:
        _record_exact(f"Statistik {args.years[0]}-{args.years[-1]} (exakta tal)", by)
    if args.format == "json":
        text = to_json(view.as_json()) + "\n"
        if args.output:
            _write_binary(text.encode("utf-8"), args.output)
        else:
            sys.stdout.write(text)
    elif args.format == "csv":
        headers = ["measure", "category", "year", "count", "change_percent"]
        if args.output:
            buffer = io.StringIO()
            write_csv(headers, view.csv_rows(), buffer)
            _write_binary(buffer.getvalue().encode("utf-8"), args.output)
        else:
            write_csv(headers, view.csv_rows())
    elif args.format == "xlsx":
        years = f"{view.years[0]}–{view.years[-1]}"
        _write_binary(write_xlsx(view.sheets(f", {view.months_name} {years}")), args.output)
    else:
        html = render_to_string("governance/statistics_pdf.html", {
            "stats": view, "months": args.months, "today": dt.date.today(),
            "scope": ", ".join(codes) if codes else "hela verksamheten",
        })
        _write_binary(html_to_pdf(html), args.output)
    return 0


# --- stabil report kpi ----------------------------------------------------------------------------


def _kpi_configure(parser) -> None:
    parser.add_argument("--from", dest="first_day", required=True, type=parse_date, metavar="DATUM")
    parser.add_argument("--to", dest="last_day", required=True, type=parse_date, metavar="DATUM")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD", help="bara denna enhet (kan upprepas)")
    parser.add_argument("--format", choices=("json", "csv"), default="json")


def _kpi_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "governance.view", "mätetalen")
    if args.first_day > args.last_day:
        raise CliError(f"--from ({args.first_day}) måste vara före eller lika med --to ({args.last_day})")
    _unit_ids, codes, exact_allowed = _scoped_units(by, args.unit)
    public = _public_notice(by, exact_allowed, False) if by is not None else False
    progress = Progress(None, "Mätetal")
    values = computed_kpis(first_day=args.first_day, last_day=args.last_day, unit_codes=codes,
                           progress=progress)
    progress.finish()
    rows = [value.as_dict() for value in values]
    if public:
        # As on the scorecard without exact figures: no counts, and no value that would give a small count.
        threshold = default_threshold()
        for value, row in zip(values, rows, strict=True):
            if kpi_hidden_in_public(value, threshold, single_unit=bool(codes)):
                row["value"] = None
            row["numerator"] = row["denominator"] = None
    else:
        _record_exact(f"Mätetal {args.first_day}–{args.last_day} (exakta tal)", by)
    if args.format == "json":
        write_json(rows)
    else:
        write_csv(["kpi", "value", "numerator", "denominator"],
                  [[r["kpi"], r["value"], r["numerator"], r["denominator"]] for r in rows])
    return 0


# --- stabil report board --------------------------------------------------------------------------


def _board_configure(parser) -> None:
    parser.add_argument("--period", required=True, metavar="ÅÅÅÅ-MM..ÅÅÅÅ-MM", help="t.ex. 2015-01..2015-08")
    parser.add_argument("--format", choices=("pdf", "xlsx"), required=True)
    parser.add_argument("--output", required=True, metavar="FIL")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD")
    parser.add_argument("--public", action="store_true", help="offentlig version med små antal dolda")
    parser.add_argument("--threshold", type=_threshold, default=None, metavar="N")
    parser.add_argument("--registration-number", default="", metavar="DNR", help="diarienummer på handlingen")


def _board_run(args) -> int:
    try:
        period = board_report.parse_period(args.period)
    except board_report.PeriodError as exc:
        raise CliError(f"{exc} (--period)") from None
    by = acting_user(args.by)
    require_capability(by, "governance.view", "rapporten till nämnden")
    _unit_ids, codes, exact_allowed = _scoped_units(by, args.unit)
    public = _public_notice(by, exact_allowed, args.public)
    if public and codes:
        _linked_tables_notice()
    progress = Progress(6, "Nämndrapport")
    report = board_report.build(period=period, exact=not public, unit_codes=codes,
                                registration_number=args.registration_number,
                                threshold=args.threshold or default_threshold(), progress=progress)
    data = board_report.to_pdf(report) if args.format == "pdf" else board_report.to_xlsx(report)
    progress.finish()
    if not public:
        _record_exact(f"Nämndrapport {period.label} (exakta tal)", by)
    _write_binary(data, args.output)
    return 0


def register(registry) -> None:
    registry.report("statistics", help="verksamhetsstatistik år för år (Värmdös tabell)",
                    configure=_statistics_configure, run=_statistics_run)
    registry.report("kpi", help="Stabils beräknade mätetal för en period", configure=_kpi_configure, run=_kpi_run)
    registry.report("board", help="rapport till nämnden som PDF eller Excel", configure=_board_configure,
                    run=_board_run)

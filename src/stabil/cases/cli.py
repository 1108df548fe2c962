"""Case commands: ``stabil report deadlines``, ``stabil report egenkontroll`` and ``stabil digest``.

Contracts in docs/cli-cases.md. Reports write their JSON/CSV/XLSX alone on standard output;
progress and notices go to standard error. Exit codes: 0 done; 2 bad arguments (Swedish message).
"""

from __future__ import annotations

import json
import sys

from django.utils import timezone

from stabil.accounts.policy import scope_cases
from stabil.audit.services import record_access
from stabil.common.cli import CliError, acting_user, parse_date, require_capability, units_in_scope
from stabil.common.output import Sheet, write_csv, write_json, write_xlsx_stdout
from stabil.common.progress import Progress, notice
from stabil.organisation.selectors import units

from .digest import send_digests
from .models import Case
from .selectors import (
    DEADLINE_REPORT_HEADERS,
    EGENKONTROLL_BREACH_HEADERS,
    EGENKONTROLL_SUMMARY_HEADERS,
    deadline_report_rows,
    egenkontroll,
    materialised_is_exact,
)
from .services import recompute_all_cases


def _today():
    return timezone.localdate()


def _deadlines_configure(parser) -> None:
    parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json", help="utdataformat")
    parser.add_argument("--on", type=parse_date, default=None, help="dag att se fristerna från, ÅÅÅÅ-MM-DD (standard idag)")


def _deadlines_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "cases.view", "fristerna (ärendedata)")
    cases = _scoped_cases(by)
    if args.format == "xlsx" and sys.stdout.isatty():
        raise CliError("Excel skrivs som binärdata; styr om utdata till en fil, t.ex. > frister.xlsx")
    on = args.on or _today()
    if not materialised_is_exact(on):
        notice(f"Räknar om fristerna från händelserna (händelser efter {on.isoformat()} är inte kända då) …")

    case_ids: list[str] = []
    counted = [0]

    def tracked():
        """Yield the rows while noting the cases (for the access log) and the count."""
        last_case = None
        # The cases area's one reader: stored deadlines where exact for the day, the rest replayed from events.
        for item in deadline_report_rows(on, cases):
            counted[0] += 1
            if item[0] != last_case:
                case_ids.append(item[0])
                last_case = item[0]
            yield item

    if args.format == "json":
        _write_deadlines_json(tracked())
    elif args.format == "csv":
        write_csv(DEADLINE_REPORT_HEADERS, tracked())
    else:
        # Streamed row by row (issue 16): memory holds a row, not the city's deadlines.
        write_xlsx_stdout([Sheet("Frister", DEADLINE_REPORT_HEADERS, tracked(), title=f"Frister per {on.isoformat()}")],
                          streaming=True)
    record_access(by=by, action="export", what=f"Rapport frister per {on.isoformat()}", objects=case_ids,
                  object_type="cases.case")
    notice(f"{counted[0]} frister i {len(case_ids)} ärenden per {on.isoformat()}")
    return 0


def _scoped_cases(by):
    """Return the cases a named user's report covers, as on the deadline list page (None: the operator, all)."""
    return None if by is None else scope_cases(by, Case.objects.all())


def _write_deadlines_json(items) -> None:
    """Write the deadline rows as a JSON array, streamed in blocks (hundreds of thousands of rows)."""
    out = sys.stdout
    out.write("[")
    buffer: list[str] = []
    count = 0
    separator = "\n  "
    sources: dict[str, str] = {}  # a handful of distinct citations: each encoded once
    for case_id, kind, due, met, status, source in items:
        source_text = sources.get(source)
        if source_text is None:
            source_text = sources[source] = json.dumps(source, ensure_ascii=False)
        met_text = f'"{met.isoformat()}"' if met else "null"
        buffer.append(f'{separator}{{"case_id": {json.dumps(case_id, ensure_ascii=False)}, "deadline": "{kind}", '
                      f'"due_on": "{due.isoformat()}", "met_on": {met_text}, "status": "{status}", '
                      f'"source": {source_text}}}')
        separator = ",\n  "
        count += 1
        if len(buffer) >= 5000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    out.write("\n]\n" if count else "]\n")
    out.flush()


def _egenkontroll_configure(parser) -> None:
    parser.add_argument("--from", dest="due_from", type=parse_date, required=True, help="första förfallodag, ÅÅÅÅ-MM-DD")
    parser.add_argument("--to", dest="due_to", type=parse_date, required=True, help="sista förfallodag, ÅÅÅÅ-MM-DD")
    parser.add_argument("--unit", default="", help="enhetskod (standard alla enheter)")
    parser.add_argument("--on", type=parse_date, default=None, help="dag att se utfallet från (standard idag)")
    parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json", help="utdataformat")
    parser.add_argument("--breaches", action="store_true",
                        help="för csv: skriv listan över överträdelser i stället för sammanställningen")


def _egenkontroll_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "cases.egenkontroll", "egenkontrollen av frister")
    if args.due_to < args.due_from:
        raise CliError(f"--to ({args.due_to.isoformat()}) är före --from ({args.due_from.isoformat()})")
    units_in_scope(by, args.unit)  # a named user: --unit among their units, as the page offers them
    if by is None and args.unit and not units().filter(code=args.unit).exists():
        raise CliError(f"enheten '{args.unit}' finns inte (--unit)")
    if args.format == "xlsx" and sys.stdout.isatty():
        raise CliError("Excel skrivs som binärdata; styr om utdata till en fil, t.ex. > egenkontroll.xlsx")
    report = egenkontroll(args.due_from, args.due_to, cases=_scoped_cases(by), unit_code=args.unit or None,
                          on=args.on or _today())
    data = report.as_json()
    if args.format == "json":
        write_json(data)
    elif args.format == "csv":
        key = "breaches" if args.breaches else "deadlines"
        write_csv(_headers(key), ([item[h] for h in _headers(key)] for item in data[key]))
    else:
        write_xlsx_stdout(_sheets(report))
    record_access(by=by, action="export", what=f"Egenkontroll {args.due_from}–{args.due_to} {args.unit or 'alla'}",
                  objects=[b.case_id for b in report.breaches], object_type="cases.case")
    notice(f"Egenkontroll {args.due_from.isoformat()}–{args.due_to.isoformat()}: "
           f"{sum(s.due for s in report.summaries)} frister föll ut, {len(report.breaches)} överträdelser")
    return 0


def _headers(key: str):
    return EGENKONTROLL_BREACH_HEADERS if key == "breaches" else EGENKONTROLL_SUMMARY_HEADERS


def _sheets(report):
    """Return the two Excel sheets of a self-inspection: summary and breaches."""
    unit = report.unit_code or "alla enheter"
    title = f"Egenkontroll frister {report.due_from.isoformat()}–{report.due_to.isoformat()}, {unit}"
    # The figures as the page shows them (share in per cent, days with one decimal: Egenkontroll.shown).
    summary = Sheet("Sammanställning", ["Frist", "Föll ut", "Uppfyllda", "Missade", "Försenade (pågår)", "Ej förfallna",
                                        "Andel uppfyllda (%)", "Median dagar", "90:e percentil dagar"],
                    [[s.label, s.due, s.met, s.missed, s.overdue, s.open, s.share_percent, s.median_days, s.p90_days]
                     for s in report.shown()], title=title)
    breaches = Sheet("Överträdelser", ["Ärende", "Enhet", "Frist", "Förfallodag", "Utförd", "Status", "Dagar sent"],
                     report.shown_breaches(), title=title)
    return [summary, breaches]


def _digest_configure(parser) -> None:
    parser.add_argument("--on", type=parse_date, default=None, help="dag för sammanställningen (standard idag)")
    parser.add_argument("--dry-run", action="store_true", help="visa vilka som skulle få e-post, skicka inget")


def _digest_run(args) -> int:
    sent = send_digests(on=args.on or _today(), dry_run=args.dry_run, stream=sys.stderr)
    sys.stderr.write(f"Fristsammanställning: {sent} e-postmeddelanden {'skulle skickas' if args.dry_run else 'skickade'}.\n")
    return 0


def _recompute_run(args) -> int:
    progress = Progress(Case.objects.count(), "Frister", stream=sys.stderr)
    recompute_all_cases(advance=lambda n: progress.advance(n, "räknar om"))
    progress.finish()
    return 0


def register(registry) -> None:
    registry.report("deadlines", help="alla ärendens frister med källa (json, csv, xlsx; status per --on)",
                    configure=_deadlines_configure, run=_deadlines_run)
    registry.report("egenkontroll", help="egenkontroll av frister för en period (json, csv, xlsx)",
                    configure=_egenkontroll_configure, run=_egenkontroll_run)
    registry.command("recompute-deadlines", help="räkna om alla ärendens frister (efter ändrad fristkonfiguration)",
                     configure=lambda parser: None, run=_recompute_run)
    registry.command("digest", help="skicka den dagliga fristsammanställningen med e-post",
                     configure=_digest_configure, run=_digest_run)

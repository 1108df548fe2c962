"""`stabil feeds run` and `stabil kolada …` (issue 14, docs/feeds.md and docs/cli.md).

    stabil feeds run [--now] [--settle SEKUNDER]
    stabil kolada export --year ÅR [--output FIL] [--by ANVÄNDARNAMN]
    stabil kolada import FIL [--by ANVÄNDARNAMN]
    stabil kolada fetch --kpi ID[,ID…] --year ÅR[,ÅR…] [--municipality KOD[,KOD…]] [--by ANVÄNDARNAMN]

``feeds run`` takes every waiting file of ``STABIL_IMPORT_DIR`` and starts a job for it (the worker that
``stabil serve`` or ``stabil worker`` runs imports it); ``--now`` runs the jobs in this process instead (cron
without a worker). One JSON line per file on standard output. Exit codes: 0 every file taken (with ``--now``:
imported) or none waiting; 1 with ``--now``, some file was refused (put in failed/); 2 the drop folder cannot be
used. The feeds run as the server operator, each source within its unit (``accounts.policy.feed_scope``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from stabil.common.cli import (
    CliError,
    SwedishArgumentParser,
    acting_user,
    add_by_argument,
    require_capability,
)
from stabil.core.kolada import KoladaError, parse_municipalities
from stabil.jobs.services import job_run

from .export import kolada_document
from .folder import FeedFolderError
from .services import feeds_run, kolada_fetch, kolada_import


def _years(text: str) -> list[int]:
    try:
        years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CliError(f"--year '{text}' ska vara år, som 2024 eller 2023,2024") from None
    if not years or any(not 2000 <= y <= 2100 for y in years):
        raise CliError(f"--year '{text}' ska vara år mellan 2000 och 2100")
    return years


def _feeds_configure(parser) -> None:
    sub = parser.add_subparsers(dest="feeds_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    run = sub.add_parser("run", help="ta importmappens väntande filer (STABIL_IMPORT_DIR), en bakgrundsjobb per fil")
    run.add_argument("--now", action="store_true", help="kör jobben här och nu i stället för i bakgrundsarbetaren")
    run.add_argument("--settle", type=int, metavar="SEKUNDER", default=None,
                     help="hur länge en fil ska ha legat orörd (standard: STABIL_IMPORT_SETTLE_SECONDS)")


def _feeds_run(args) -> int:
    if args.settle is not None and args.settle < 0:
        raise CliError("--settle ska vara 0 eller mer")
    try:
        run = feeds_run(settle_seconds=args.settle)
    except FeedFolderError as exc:
        raise CliError(str(exc)) from exc
    for problem in run.problems:
        sys.stderr.write(f"stabil: {problem}\n")
    failed = 0
    for job in run.jobs:
        if args.now:
            job = job_run(job.pk)
        line = {"job": job.pk, "source": job.params.get("source") or "", "file": job.params.get("name"),
                "status": job.status}
        if job.status == job.Status.FAILED:
            failed += 1
            line["error"] = job.error.splitlines()[0] if job.error else ""
        elif job.status == job.Status.DONE:
            line["summary"] = (job.result or {}).get("summary", "")
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stderr.write(f"{len(run.jobs)} filer togs" + (f", {failed} avvisades" if failed else "") + ".\n")
    return 1 if failed or run.problems else 0


def _kolada_configure(parser) -> None:
    sub = parser.add_subparsers(dest="kolada_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    export = sub.add_parser("export", help="Stabils mätetal för ett år i Koladas JSON-format")
    export.add_argument("--year", required=True, metavar="ÅR")
    export.add_argument("--output", type=Path, metavar="FIL", help="skriv till filen (standard: standard ut)")
    add_by_argument(export)
    imp = sub.add_parser("import", help="spara Kolada-värden ur en fil (svaret från v3-API:ts /data/kpi/…)")
    imp.add_argument("file", type=Path, metavar="FIL")
    add_by_argument(imp)
    fetch = sub.add_parser("fetch", help="hämta Kolada-värden från API:t och spara dem (kräver STABIL_KOLADA_FETCH)")
    fetch.add_argument("--kpi", required=True, metavar="ID[,ID…]")
    fetch.add_argument("--year", required=True, metavar="ÅR[,ÅR…]")
    fetch.add_argument("--municipality", metavar="KOD[,KOD…]",
                       help="kommunkoder (standard: STABIL_KOLADA_MUNICIPALITY och STABIL_KOLADA_COMPARE)")
    add_by_argument(fetch)


def _kolada_run(args) -> int:
    by = acting_user(args.by)
    try:
        if args.kolada_command == "export":
            require_capability(by, "governance.view", "mätetalen")
            year = _years(args.year)
            if len(year) != 1:
                raise CliError("--year ska vara ett enda år")
            text = json.dumps(kolada_document(year=year[0], today=timezone.localdate()), ensure_ascii=False, indent=2)
            if args.output:
                args.output.write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
            return 0
        require_capability(by, "governance.edit", "Kolada-importen")
        if args.kolada_command == "import":
            if not args.file.is_file():
                raise CliError(f"{args.file}: filen finns inte eller är ingen vanlig fil")
            stored = kolada_import(by=by, data=args.file.read_bytes(), name=args.file.name)
        else:
            kpis = [k.strip() for k in args.kpi.split(",") if k.strip()]
            municipalities = parse_municipalities(args.municipality or ",".join(
                [settings.STABIL_KOLADA_MUNICIPALITY, settings.STABIL_KOLADA_COMPARE]))
            if not kpis or not municipalities:
                raise CliError("ange nyckeltal (--kpi) och kommuner (--municipality eller inställningarna)")
            stored = kolada_fetch(by=by, kpis=kpis, municipalities=municipalities, years=_years(args.year))
    except KoladaError as exc:
        for problem in exc.problems[1:]:
            sys.stderr.write(f"stabil: {problem}\n")
        raise CliError(exc.problems[0] if exc.problems else str(exc)) from exc
    except PermissionDenied:
        raise CliError("din roll får inte importera Kolada-värden") from None
    sys.stderr.write(f"{stored} värden från Kolada sparades.\n")
    return 0


def register(registry) -> None:
    registry.command("feeds", help="nattliga flöden: importera importmappens filer utan en person",
                     configure=_feeds_configure, run=_feeds_run)
    registry.command("kolada", help="Kolada: exportera mätetalen, importera eller hämta jämförelsevärden",
                     configure=_kolada_configure, run=_kolada_run)

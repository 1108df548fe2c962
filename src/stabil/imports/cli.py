"""`stabil import FILE`: import a case-events, staff or absence file, all or nothing.

Exit codes: 0 stored; 1 the file has errors (every error listed on standard error, nothing stored);
2 the file cannot be read or recognised.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stabil.common.cli import CliError


def _configure(parser) -> None:
    parser.add_argument("file", type=Path, help="CSV- eller XLSX-fil")
    parser.add_argument("--dry-run", action="store_true", help="kontrollera filen utan att spara något")
    parser.add_argument("--quiet", action="store_true", help="inga förloppsrader")


def _run(args) -> int:
    from .framework import ImportFileError, run_import

    try:
        outcome = run_import(args.file, by=None, quiet=args.quiet, dry_run=args.dry_run)
    except ImportFileError as exc:
        raise CliError(str(exc)) from exc
    if outcome.errors:
        for line in outcome.error_lines():
            sys.stderr.write(line + "\n")
        sys.stderr.write(f"{outcome.filename}: {len(outcome.errors)} fel; ingenting sparades.\n")
        return 1
    verb = "kontrollerad, inget sparat" if args.dry_run else "importerad"
    sys.stderr.write(f"{outcome.filename}: {outcome.kind.label} {verb}. {outcome.result.summary()}\n")
    return 0


def register(registry) -> None:
    registry.command("import", help="importera en fil med ärendehändelser, personal eller frånvaro",
                     configure=_configure, run=_run)

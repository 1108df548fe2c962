"""`stabil import FILE`: import a case-events, staff or absence file, all or nothing.

Exit codes: 0 stored; 1 the file has errors (every error listed on standard error, nothing stored);
2 the file cannot be read or recognised, the named user does not exist or may not import that kind.

``--by USERNAME`` runs the import as that user, with the same capability and unit scope as an upload
on the web (``accounts.policy.import_scope``) and the access-log records in their name. Without it the
run is the server operator's, who has the database anyway: the whole municipality, logged as the
command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stabil.common.cli import CliError, acting_user

from .framework import ImportFileError, done_text, run_import


def _configure(parser) -> None:
    parser.add_argument("file", type=Path, help="CSV- eller XLSX-fil")
    parser.add_argument("--dry-run", action="store_true", help="kontrollera filen utan att spara något")
    parser.add_argument("--quiet", action="store_true", help="inga förloppsrader")
    parser.add_argument("--by", metavar="ANVÄNDARNAMN",
                        help="importera som den här användaren, med dennes behörighet och enheter "
                             "(utan --by: driften, hela kommunen)")


def _run(args) -> int:
    by = acting_user(args.by)
    try:
        outcome = run_import(args.file, by=by, quiet=args.quiet, dry_run=args.dry_run)
    except ImportFileError as exc:
        raise CliError(str(exc)) from exc
    if outcome.errors:
        for line in outcome.error_lines():
            sys.stderr.write(line + "\n")
        sys.stderr.write(f"{outcome.filename}: {len(outcome.errors)} fel; ingenting sparades.\n")
        return 1
    sys.stderr.write(f"{outcome.filename}: {done_text(outcome.kind.label, dry_run=args.dry_run)} "
                     f"{outcome.result.summary()}\n")
    return 0


def register(registry) -> None:
    registry.command("import", help="importera en fil med ärendehändelser, personal eller frånvaro",
                     configure=_configure, run=_run)

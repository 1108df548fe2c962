"""The background runner of one nightly-feed file (issue 14): the same import, its rules and its messages as
an upload, with the source's column map in front; the file is then put in ``done/`` or ``failed/``."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

from stabil.accounts.policy import feed_scope
from stabil.accounts.selectors import unit_manager_emails
from stabil.core.columnmap import ColumnMap, ColumnMapError
from stabil.imports.framework import ImportFileError, ImportOutcome, Table, run_import
from stabil.jobs.services import JobError
from stabil.organisation import selectors as organisation

from . import folder
from .services import load_column_map

logger = logging.getLogger(__name__)

MAX_LINES_SHOWN = 200


class _Refused(Exception):
    pass


def mapped_table(cmap: ColumnMap):
    """Return the transform ``run_import`` applies: the export's header renamed, its values translated."""

    def transform(table: Table) -> Table:
        headers = cmap.header(table.headers)
        seen: set[str] = set()
        for name in headers:
            if name and name in seen:
                raise ImportFileError(f"{table.filename}, rad 1: kolumnen '{name}' förekommer två gånger "
                                      f"när kolumnkartan har använts")
            seen.add(name)
        rows = table.rows
        translate = [(i, column) for i, column in enumerate(headers) if column in cmap.values]
        if translate:
            rows = [list(row) for row in rows]
            for row in rows:
                for i, column in translate:
                    if i < len(row):
                        row[i] = cmap.value(column, row[i])
        return Table(filename=table.filename, headers=headers, rows=rows, row_numbers=table.row_numbers)

    return transform


def error_lines(outcome: ImportOutcome, cmap: ColumnMap) -> list[str]:
    """The import's errors, each naming the file, row and column; a renamed column by both its names."""
    lines = []
    for error in outcome.errors:
        where = [outcome.filename]
        if error.row is not None:
            where.append(f"rad {error.row}")
        if error.column:
            original = cmap.original(error.column)
            where.append(f"kolumn {error.column}" + (f" (i exporten: {original})" if original else ""))
        lines.append(f"{', '.join(where)}: {error.message}")
    if outcome.errors.truncated:
        lines.append(f"{outcome.filename}: fler än {outcome.errors.limit} fel; de övriga visas inte")
    return lines


def report_text(source_label: str, name: str, lines: list[str]) -> str:
    """The error report written beside a refused file (``<file>.fel.txt``)."""
    return _report(source_label, name, lines)


def _report(source_label: str, name: str, lines: list[str]) -> str:
    head = [f"Stabil: filen {name} från flödet {source_label} importerades inte.",
            "Ingenting ur filen sparades. Rätta felen nedan i exporten (eller i kolumnkartan columns.toml) och",
            "lägg filen i mappen igen.", ""]
    return "\n".join(head + lines) + "\n"


def _notify(recipients: list[str], source_label: str, name: str, errors: int, where: Path) -> None:
    if not recipients:
        logger.warning("feed %s: %s failed and no contact is configured", source_label, name)
        return
    subject = f"Stabil: filen {name} från flödet {source_label} kunde inte importeras"
    body = (f"Filen {name} från flödet {source_label} importerades inte: {errors} fel, ingenting sparades.\n\n"
            f"Filen och en felrapport med rad och kolumn för varje fel ligger i {where.parent}.\n"
            f"Resultatet syns också i Stabil under Nattliga flöden.\n")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def import_feed_file(*, job, progress, source: str, path: str, name: str, unit_ids: list[int] | None = None,
                     **_ignored) -> dict:
    """Import the claimed file at ``path`` of the feed ``source`` as the operator, within the source's unit."""
    claimed = Path(path)
    source_path = folder.source_of(claimed)
    source_label = source or "huvudmappen"
    cmap = ColumnMap()
    lines: list[str] = []
    outcome = None
    try:
        if claimed.is_symlink():
            raise _Refused(f"{name}: är en symbolisk länk; bara vanliga filer importeras")
        if not claimed.is_file():
            raise _Refused(f"{name}: är ingen vanlig fil och kan inte importeras")
        cmap = load_column_map(source_path)
        if cmap.unit and cmap.unit not in organisation.unit_pks_by_code():
            raise _Refused(f"{source_label}/columns.toml: [source] unit '{cmap.unit}' är ingen enhet i Stabil")
        outcome = run_import(claimed, by=None, quiet=True, on_progress=progress, transform=mapped_table(cmap),
                             scope=feed_scope(unit_ids), origin={"channel": "cli", "path": f"flöde {source_label}/{name}"})
        if outcome.errors:
            lines = error_lines(outcome, cmap)
    except (_Refused, ColumnMapError, ImportFileError) as exc:
        lines = [str(exc)]
    except Exception as exc:
        logger.exception("feed %s: %s failed", source_label, name)
        lines = [f"{name}: ett oväntat fel inträffade ({exc.__class__.__name__}). Inget har sparats till hälften."]
    if not lines and outcome is not None:
        where = folder.put_aside(source_path, claimed, "done")
        return {"summary": f"{name}: {outcome.kind.label} importerad. {outcome.result.summary()}",
                "notices": outcome.notices[:MAX_LINES_SHOWN], "moved_to": str(where)}
    where = folder.put_aside(source_path, claimed, "failed", _report(source_label, name, lines))
    errors = len(outcome.errors) if outcome is not None and outcome.errors else len(lines)
    try:
        _notify(list(cmap.contacts) or unit_manager_emails(unit_ids or []), source_label, name, errors, where)
    except Exception:
        logger.exception("feed %s: the failure notice for %s was not sent", source_label, name)
    shown = lines[:MAX_LINES_SHOWN]
    more = [f"… och {len(lines) - MAX_LINES_SHOWN} fel till."] if len(lines) > MAX_LINES_SHOWN else []
    raise JobError("\n".join([f"{errors} fel; ingenting sparades. Filen flyttades till {where.parent.name}/.",
                              *shown, *more]))

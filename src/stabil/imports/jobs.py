"""The background runner for web uploads."""

from __future__ import annotations

from pathlib import Path

from stabil.accounts.policy import has_capability
from stabil.jobs.services import JobError

from .framework import ImportFileError, done_text, run_import

MAX_LINES_SHOWN = 200


def import_file(*, job, progress, path: str, dry_run: bool = False, origin: dict | None = None) -> dict:
    """Import the uploaded file at ``path`` as the job's user; remove the file afterwards.

    ``origin`` is the web request's channel, address and path (``audit.services.web_origin``), stored by
    the upload view so that the access log names the web, the user's address and the upload page.
    """
    def allowed(kind) -> None:
        if not has_capability(job.created_by, kind.capability):
            raise JobError(f"Din roll får inte importera {kind.label}.")

    file = Path(path)
    try:
        outcome = run_import(file, by=job.created_by, quiet=True, dry_run=dry_run, check_kind=allowed,
                             on_progress=progress, origin=origin)
    except ImportFileError as exc:
        raise JobError(str(exc)) from exc
    finally:
        file.unlink(missing_ok=True)
        try:
            file.parent.rmdir()
        except OSError:
            pass
    if outcome.errors:
        lines = outcome.error_lines()
        shown = lines[:MAX_LINES_SHOWN]
        more = [f"… och {len(lines) - MAX_LINES_SHOWN} fel till."] if len(lines) > MAX_LINES_SHOWN else []
        raise JobError("\n".join([f"{len(outcome.errors)} fel; ingenting sparades.", *shown, *more]))
    return {"summary": f"{outcome.filename}: {done_text(outcome.kind.label, dry_run=dry_run)} {outcome.result.summary()}",
            "notices": outcome.notices}

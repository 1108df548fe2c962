"""Writes of the feeds area (issue 14): taking the drop folder's files as jobs, and storing Kolada values.

``feeds_run`` is what ``stabil feeds run`` (cron, a systemd timer) and ``stabil serve``'s schedule call: every
waiting file of every source is claimed and becomes a job (kind ``feed``) that the worker runs with the
import's own rules (``stabil.feeds.jobs.import_feed_file``). See docs/feeds.md.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stabil.accounts.policy import check_capability
from stabil.core import kolada as core_kolada
from stabil.core.columnmap import ColumnMap, ColumnMapError, parse
from stabil.imports.framework import kinds
from stabil.jobs import selectors as job_selectors
from stabil.jobs.services import job_start
from stabil.organisation import selectors as organisation

from . import folder
from .models import KoladaValue
from .selectors import FEED_JOB_KIND

logger = logging.getLogger(__name__)



def known_columns() -> set[str]:
    """Every column some import file kind reads: what a column map may point at."""
    return {c for kind in kinds() for c in (*kind.required, *kind.optional)}


def load_column_map(source_path: Path) -> ColumnMap:
    """Return the source's column map (``columns.toml``; none: Stabil's own columns); raise ``ColumnMapError``."""
    path = source_path / folder.MAP_FILE
    if not path.exists() and not path.is_symlink():
        return ColumnMap()
    label = f"{source_path.name}/{folder.MAP_FILE}"
    if path.is_symlink() or not path.is_file():
        raise ColumnMapError(f"{label}: kolumnkartan ska vara en vanlig fil, inte en symbolisk länk")
    with path.open("rb") as handle:
        data = handle.read(1024 * 1024 + 1)
    return parse(data, name=label, known_columns=known_columns())


def _put_aside_abandoned(run: FeedRun) -> None:
    """Put aside the files of finished feed jobs that are still in ``processing/``: a job whose process died
    (out of memory, a signal) is marked failed by the worker but could not move its file. Its error becomes
    the report; the file goes to ``failed/``."""
    # Imported here: the runner module imports this one (load_column_map).
    from .jobs import report_text

    for job in job_selectors.jobs_of_kind(FEED_JOB_KIND, 500):
        path = Path((job.params or {}).get("path") or "")
        if job.status != job.Status.FAILED or not path.name or not (path.exists() or path.is_symlink()):
            continue
        if path.parent.parent.name != "processing":
            continue
        name = (job.params or {}).get("name") or path.name
        try:
            folder.put_aside(folder.source_of(path), path, "failed",
                             report_text((job.params or {}).get("source") or "huvudmappen", name,
                                         [job.error]))
        except OSError as exc:
            run.problems.append(f"{name}: filen kunde inte flyttas från processing/ ({exc.strerror or exc})")


@dataclass
class FeedRun:
    """What one pass over the drop folder did: the jobs started and the sources it could not read."""

    jobs: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def feeds_run(*, settle_seconds: int | None = None) -> FeedRun:
    """Claim every waiting file of the drop folder and start a job for it; raise ``folder.FeedFolderError``
    when ``STABIL_IMPORT_DIR`` is unset or missing. Runs as the operator: no person, no capability."""
    root = folder.drop_folder()
    run = FeedRun()
    _put_aside_abandoned(run)
    settle = settings.STABIL_IMPORT_SETTLE_SECONDS if settle_seconds is None else settle_seconds
    unit_pks = organisation.unit_pks_by_code()
    for source in folder.sources(root):
        try:
            names = folder.waiting_files(source, settle_seconds=settle)
        except OSError as exc:
            run.problems.append(f"{source.label}: mappen kan inte läsas ({exc.strerror or exc.__class__.__name__})")
            continue
        unit_ids: list[int] = []
        try:
            unit = load_column_map(source.path).unit
        except ColumnMapError:
            unit = ""  # the job reports the map's error, for each file, and puts the file aside
        if unit and unit in unit_pks:
            unit_ids = [unit_pks[unit]]
        elif unit:
            unit_ids = [-1]  # a unit that does not exist: the file may name nothing, and is refused row by row
        for name in names:
            try:
                claimed = folder.claim(source, name)
            except (OSError, folder.FeedFolderError) as exc:
                run.problems.append(f"{source.label}/{folder.display_name(name)}: filen kunde inte tas ({getattr(exc, 'strerror', None) or exc})")
                continue
            if claimed is None:
                continue
            shown = folder.display_name(name)
            with transaction.atomic():
                job = job_start(by=None, kind=FEED_JOB_KIND, label=f"Flöde {source.label}: {shown}"[:200],
                                runner="stabil.feeds.jobs.import_feed_file",
                                params={"source": source.name, "path": str(claimed), "name": shown,
                                        "unit_ids": unit_ids, "unit": unit})
            run.jobs.append(job)
    return run


# --- Kolada ------------------------------------------------------------------------------------------------


def kolada_import(*, by, data: bytes, name: str) -> int:
    """Store the values of a Kolada v3 data response (a file, or the API's answer), all or nothing; return how
    many. A value already stored (same KPI, municipality, year and gender) is replaced. Raises
    ``core.kolada.KoladaError``. ``by`` None is the operator; a person needs ``governance.edit``."""
    if by is not None:
        check_capability(by, "governance.edit")
    rows = core_kolada.parse_response(data, name=name)
    with transaction.atomic():
        for row in rows:
            KoladaValue.objects.update_or_create(
                kpi=row.kpi, municipality=row.municipality, period=row.period, gender=row.gender,
                defaults={"value": row.value, "count": row.count, "status": row.status})
    return len(rows)


def kolada_fetch_url(kpis: list[str], municipalities: list[str], years: list[int]) -> str:
    base = settings.STABIL_KOLADA_URL.rstrip("/")
    quote = urllib.parse.quote
    return (f"{base}/data/kpi/{quote(','.join(kpis))}/municipality/{quote(','.join(municipalities))}"
            f"/year/{','.join(str(y) for y in years)}")


def kolada_fetch(*, by, kpis: list[str], municipalities: list[str], years: list[int], timeout: float = 30) -> int:
    """Fetch from Kolada's API and store (``kolada_import``), following ``next_url``; only when
    ``STABIL_KOLADA_FETCH`` is on. Raises ``KoladaError`` with a Swedish message otherwise or on failure."""
    if not settings.STABIL_KOLADA_FETCH:
        raise core_kolada.KoladaError([("hämtning från Kolada är avstängd (STABIL_KOLADA_FETCH); importera en "
                                        "sparad fil i stället")])
    url: str | None = kolada_fetch_url(kpis, municipalities, years)
    values: list = []
    pages = 0
    while url and pages < 100:
        if not url.startswith(settings.STABIL_KOLADA_URL.rstrip("/") + "/"):
            raise core_kolada.KoladaError([f"Kolada hänvisade till en annan adress ({url[:80]}); avbrutet"])
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = response.read(core_kolada.MAX_RESPONSE_BYTES + 1)
        except OSError as exc:
            raise core_kolada.KoladaError([f"Kolada kunde inte nås ({exc.__class__.__name__})"]) from None
        core_kolada.parse_response(data, name="Kolada")  # every page is checked before anything is stored
        doc = json.loads(data)
        values.extend(doc["values"])
        url = doc.get("next_url") or None
        pages += 1
    return kolada_import(by=by, data=json.dumps({"values": values}).encode(), name="Kolada")

"""Starting and running background jobs.

    job = job_start(by=request.user, kind="simulation", label="Scenario A",
                    runner="stabil.simulation.jobs.run_scenario", params={"scenario_id": 7})

The runner is called in the worker as ``runner(job=job, progress=callback, **params)`` and returns a
JSON-serialisable result; ``progress(fraction, message)`` updates the progress bar. A runner raises
``JobError("Swedish message")`` for failures the user can act on; anything else is recorded as an
unexpected error, never shown as a stack trace. Tests and `STABIL_TASK_BACKEND=immediate` run the job at
once inside the request.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A job failed in a way the user can understand; the message is Swedish."""


def job_start(*, by, kind: str, label: str, runner: str, params: dict | None = None) -> Job:
    """Create a job and queue it for the worker (after the surrounding transaction commits)."""
    from .tasks import run_job

    job = Job.objects.create(kind=kind, label=label[:200], runner=runner, params=params or {},
                             created_by=by if getattr(by, "is_authenticated", False) else None)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def _progress_writer(job: Job, min_interval: float = 0.5):
    last = [0.0]

    def progress(fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < min_interval and fraction < 1:
            return
        last[0] = now
        Job.objects.filter(pk=job.pk).update(progress=max(0.0, min(1.0, fraction)), message=message[:300])

    return progress


def job_run(job_id: int) -> Job:
    """Run a queued job to the end, recording its progress, result or error."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    try:
        runner = import_string(job.runner)
        result = runner(job=job, progress=_progress_writer(job), **job.params)
    except JobError as exc:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=str(exc), finished_at=timezone.now())
    except Exception as exc:  # recorded for the user without a stack trace; logged in full for operators
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            error=f"Ett oväntat fel inträffade ({exc.__class__.__name__}). Inget har sparats till hälften.",
        )
    else:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=1.0, result=result or {},
                                             finished_at=timezone.now(), message="")
    job.refresh_from_db()
    return job


def job_output_path(job: Job, filename: str):
    """Return where a job writes a file for its user to download (``DATA_DIR/job-output/<id>/<name>``)."""
    from pathlib import Path

    from django.conf import settings
    from django.utils.text import get_valid_filename

    folder = Path(settings.DATA_DIR) / "job-output" / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / get_valid_filename(filename)

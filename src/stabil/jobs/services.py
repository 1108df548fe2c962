"""Starting and running background jobs.

    job = job_start(by=request.user, kind="simulation", label="Scenario A",
                    runner="stabil.simulation.jobs.run_scenario", params={"scenario_id": 7})

The runner is called in the worker as ``runner(job=job, progress=callback, **params)`` and returns a
JSON-serialisable result; ``progress(fraction, message)`` updates the progress bar. A runner raises
``JobError("Swedish message")`` for failures the user can act on; anything else is recorded as an
unexpected error, never shown as a stack trace. Tests and `STABIL_TASK_BACKEND=immediate` run the job at
once inside the request.

Isolation: in the worker each job runs in a child process of its own (``os.fork``) with an address-space
limit (``resource.setrlimit(RLIMIT_AS)``, ``STABIL_JOB_MEMORY_MB``), so that a job that dies — a signal,
an abort in native code, ``MemoryError`` — is marked failed with a Swedish message and the worker goes on to
the next job. The child reports progress and its result over a pipe; the parent alone writes the ``Job``
row. ``STABIL_JOB_ISOLATION``: ``auto`` (the default: a child process, except with the immediate backend or
inside a transaction, where a child would not see uncommitted data), ``process`` (always) or ``off``.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import resource
import signal
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename

from .models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A job failed in a way the user can understand; the message is Swedish."""


def job_start(*, by, kind: str, label: str, runner: str, params: dict | None = None) -> Job:
    """Create a job and queue it for the worker (after the surrounding transaction commits)."""
    from .tasks import run_job  # lazy: avoids a cycle with jobs.tasks, which imports this module

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


def _isolated() -> bool:
    mode = getattr(settings, "STABIL_JOB_ISOLATION", "auto")
    if mode == "off":
        return False
    if mode == "process":
        return True
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return False  # a forked child's writes to an in-memory database would never reach this process
    return not backend.endswith("ImmediateBackend") and not connection.in_atomic_block


def _memory_limit_mb() -> int:
    return int(getattr(settings, "STABIL_JOB_MEMORY_MB", 0) or 0)


def _unexpected(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return _out_of_memory()
    return f"Ett oväntat fel inträffade ({exc.__class__.__name__}). Inget har sparats till hälften."


def _out_of_memory() -> str:
    limit = _memory_limit_mb()
    where = f" (gränsen är {limit} MB, STABIL_JOB_MEMORY_MB)" if limit else ""
    return f"Jobbet behövde mer minne än det får använda{where} och avbröts. Inget har sparats till hälften."


def _run_in_process(job: Job) -> tuple[str, object]:
    """Run the job's runner here; return ("done", result) or ("failed", Swedish message)."""
    try:
        runner = import_string(job.runner)
        return "done", runner(job=job, progress=_progress_writer(job), **job.params)
    except JobError as exc:
        return "failed", str(exc)
    except Exception as exc:  # recorded for the user without a stack trace; logged in full for operators
        logger.exception("job %s failed", job.pk)
        return "failed", _unexpected(exc)


# The parent's database connections as the child inherited them: kept referenced, never closed, so that the
# child neither uses nor shuts the parent's sessions (closing would end them for the parent too).
_INHERITED: list = []


def _child(job: Job, write_fd: int) -> None:
    """The child process: limit memory, run the runner, report on ``write_fd``; never returns."""
    code = 0
    try:
        # The parent reports a death of the child; a dump of the child's Python stack (pytest switches
        # faulthandler on) would only repeat the caller's.
        faulthandler.disable()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                _INHERITED.append(conn.connection)
                conn.connection = None
        limit = _memory_limit_mb()
        if limit > 0:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            wanted = limit * 1024 * 1024
            if hard != resource.RLIM_INFINITY:
                wanted = min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))

        def send(message: dict) -> None:
            data = (json.dumps(message, default=str) + "\n").encode()
            while data:
                data = data[os.write(write_fd, data):]

        def progress(fraction: float, message: str = "") -> None:
            send({"progress": float(fraction), "message": str(message)[:300]})

        try:
            runner = import_string(job.runner)
            result = runner(job=job, progress=progress, **job.params)
            send({"done": result or {}})
        except JobError as exc:
            send({"failed": str(exc)})
        except MemoryError:
            send({"failed": _out_of_memory()})
        except Exception as exc:  # noqa: BLE001  reported to the parent, logged in full here
            logger.exception("job %s failed", job.pk)
            send({"failed": _unexpected(exc)})
    except BaseException:  # noqa: BLE001  even a failure to report ends the child, never returns to the caller
        code = 70
    finally:
        os._exit(code)


def _run_in_child(job: Job) -> tuple[str, object]:
    """Fork a child for the job and follow its reports; return ("done", result) or ("failed", message)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()  # the child opens its own; a no-op for in-memory SQLite (the child leaves it alone)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child: coverage of forked processes is not collected)
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    progress = _progress_writer(job)
    outcome: tuple[str, object] | None = None
    with os.fdopen(read_fd, "rb") as reports:
        for line in reports:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "progress" in message:
                try:
                    progress(message["progress"], message.get("message", ""))
                except DatabaseError:  # SQLite busy while the child writes: progress is best effort
                    logger.warning("job %s: progress not recorded", job.pk)
            elif "done" in message:
                outcome = ("done", message["done"])
            elif "failed" in message:
                outcome = ("failed", message["failed"])
    _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if outcome is not None and code == 0:
        return outcome
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        logger.error("job %s: its process was ended by signal %s", job.pk, name)
        cause = f"avslutades av signalen {name}"
    else:
        logger.error("job %s: its process exited with code %s", job.pk, code)
        cause = f"avslutades med felkod {code}"
    limit = _memory_limit_mb()
    # An abort or a crash in native code is what an allocation beyond the limit looks like; SIGKILL is the
    # kernel's out-of-memory killer. A SIGTERM is a shutdown, nothing the job did.
    crashed = code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL)
    hint = f"; kanske behövde det mer minne än gränsen på {limit} MB (STABIL_JOB_MEMORY_MB)" if limit and crashed else ""
    return "failed", f"Jobbets process {cause}{hint}. Inget har sparats till hälften; nästa jobb körs som vanligt."


def job_run(job_id: int) -> Job:
    """Run a queued job to the end, recording its progress, result or error."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    status, value = _run_in_child(job) if _isolated() else _run_in_process(job)
    if status == "failed":
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=str(value), finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=1.0, result=value or {},
                                             finished_at=timezone.now(), message="")
    job.refresh_from_db()
    return job


def job_output_path(job: Job, filename: str):
    """Return where a job writes a file for its user to download (``DATA_DIR/job-output/<id>/<name>``)."""
    folder = Path(settings.DATA_DIR) / "job-output" / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / get_valid_filename(filename)

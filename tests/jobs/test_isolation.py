"""A background job runs isolated (issue 11, "Files cannot hurt"): in a child process with a memory limit, so
that a job that dies by a signal, an abort or MemoryError is marked failed with a Swedish message and the next
job runs. The runners below are named by dotted path, as real runners are."""

import os
import resource

import pytest

from stabil.jobs.models import Job
from stabil.jobs.services import JobError, job_start

pytestmark = pytest.mark.django_db


def aborting_runner(*, job, progress):
    progress(0.5, "halvvägs")
    os.abort()  # as the spreadsheet reader's allocation failure does


def greedy_runner(*, job, progress):
    blocks = []
    for _ in range(64):
        blocks.append(bytearray(256 * 1024 * 1024))  # 16 GiB in all: far beyond the limit the test sets
    return {"blocks": len(blocks)}


def exiting_runner(*, job, progress):
    os._exit(9)


def refusing_runner(*, job, progress):
    raise JobError("Filen saknar rubrikrad.")


def pid_runner(*, job, progress, answer):
    progress(0.5, "räknar")
    return {"pid": os.getpid(), "answer": answer}


def _run(by, runner, **params):
    job = job_start(by=by, kind="test", label="prov", runner=f"tests.jobs.test_isolation.{runner}", params=params)
    return job


@pytest.fixture
def isolated(settings):
    settings.STABIL_JOB_ISOLATION = "process"
    return settings


def _address_space_mb() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize() // (1024 * 1024)


def test_an_aborting_job_is_failed_in_swedish_and_the_next_job_runs(personas, isolated,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dead = _run(personas.unit_manager, "aborting_runner")
    with django_capture_on_commit_callbacks(execute=True):
        alive = _run(personas.unit_manager, "pid_runner", answer=42)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Job.Status.FAILED and dead.finished_at is not None
    assert "Jobbets process avslutades av signalen SIGABRT" in dead.error and "Inget har sparats" in dead.error
    assert alive.status == Job.Status.DONE and alive.result["answer"] == 42
    assert alive.result["pid"] != os.getpid(), "the job ran in a process of its own"


def test_a_job_beyond_the_memory_limit_is_failed_in_swedish(personas, isolated, django_capture_on_commit_callbacks):
    # The limit is the address space the test process already has plus 512 MB: the child inherits that much.
    isolated.STABIL_JOB_MEMORY_MB = _address_space_mb() + 512
    with django_capture_on_commit_callbacks(execute=True):
        greedy = _run(personas.unit_manager, "greedy_runner")
    with django_capture_on_commit_callbacks(execute=True):
        after = _run(personas.unit_manager, "pid_runner", answer=1)
    greedy.refresh_from_db()
    after.refresh_from_db()
    assert greedy.status == Job.Status.FAILED
    assert "mer minne" in greedy.error and "STABIL_JOB_MEMORY_MB" in greedy.error
    assert after.status == Job.Status.DONE
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY or \
        resource.getrlimit(resource.RLIMIT_AS)[0] > isolated.STABIL_JOB_MEMORY_MB * 1024 * 1024, \
        "the limit applies to the child only"


def test_a_child_that_exits_without_a_result_is_failed(personas, isolated, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _run(personas.unit_manager, "exiting_runner")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "felkod 9" in job.error


def test_a_job_error_in_the_child_reaches_the_user(personas, isolated, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _run(personas.unit_manager, "refusing_runner")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "Filen saknar rubrikrad."


def test_with_the_immediate_backend_auto_runs_the_job_in_this_process(personas, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.STABIL_JOB_ISOLATION = "auto"
    with django_capture_on_commit_callbacks(execute=True):
        job = _run(personas.unit_manager, "pid_runner", answer=7)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"pid": os.getpid(), "answer": 7}


def test_the_worker_isolates_by_default(settings):
    from stabil.jobs.services import _isolated

    settings.STABIL_JOB_ISOLATION = "auto"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.db import connection

    assert _isolated() is (not connection.in_atomic_block)
    settings.STABIL_JOB_ISOLATION = "off"
    assert _isolated() is False

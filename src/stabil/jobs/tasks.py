from django_tasks import task

from .services import job_run


@task()
def run_job(job_id: int) -> None:
    """The django-tasks entry point: run one Stabil job (see ``stabil.jobs.services``)."""
    job_run(job_id)

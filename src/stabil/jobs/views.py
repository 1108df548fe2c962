from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import render

from .selectors import job_for_user


def job_status(request, job_id: int):
    """A job's progress: the full page, or the progress partial that htmx polls each second.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to the log-in page.
    """
    job = job_for_user(request.user, job_id)
    template = "jobs/_progress.html" if request.htmx else "jobs/status.html"
    return render(request, template, {"job": job})


def job_download(request, job_id: int):
    """The file a finished job wrote (a board paper, say), for the user who started the job only."""
    job = job_for_user(request.user, job_id)
    name = (job.result or {}).get("file")
    if job.status != job.Status.DONE or not name:
        raise Http404
    from .services import job_output_path

    path = job_output_path(job, name)
    if not path.is_file() or Path(name).name != name:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                        content_type=(job.result or {}).get("content_type") or "application/octet-stream")

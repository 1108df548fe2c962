from pathlib import Path

from django.http import FileResponse, Http404
from django.shortcuts import render

from stabil.audit.services import record_access

from .selectors import job_for_user, job_texts, personal_ids_named
from .services import job_output_path


def _shown_ids(job) -> dict[str, list[str]]:
    """The ids the job's page or file shows: those its text names and those its runner declares
    (``result["object_ids"]`` of ``result["object_type"]``, for what a written file contains)."""
    found = personal_ids_named(job_texts(job))
    result = job.result or {}
    declared = [str(i) for i in result.get("object_ids") or ()]
    if declared:
        object_type = str(result.get("object_type") or "")
        found[object_type] = sorted(set(found.get(object_type, [])) | set(declared))
    return found


def job_status(request, job_id: int):
    """A job's progress: the full page, or the progress partial that htmx polls each second.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to the log-in page. Whenever
    the page shows case, child or staff ids (an import's result or errors), its access record lists them.
    """
    job = job_for_user(request.user, job_id)
    for object_type, ids in _shown_ids(job).items():
        record_access(by=request.user, action="view", what=f"Bakgrundsjobb {job.pk}: {job.label}",
                      object_type=object_type, objects=ids, request=request)
    template = "jobs/_progress.html" if request.htmx else "jobs/status.html"
    return render(request, template, {"job": job})


def job_download(request, job_id: int):
    """The file a finished job wrote (a board paper, say), for the user who started the job only.

    Every download is recorded as an export, with the ids the job declares its file to contain.
    """
    job = job_for_user(request.user, job_id)
    name = (job.result or {}).get("file")
    if job.status != job.Status.DONE or not name:
        raise Http404
    path = job_output_path(job, name)
    if not path.is_file() or Path(name).name != name:
        raise Http404
    shown = _shown_ids(job)
    what = f"Fil från bakgrundsjobb {job.pk}: {name}"
    for object_type, ids in shown.items():
        record_access(by=request.user, action="export", what=what, object_type=object_type, objects=ids,
                      request=request)
    if not shown:
        record_access(by=request.user, action="export", what=what, request=request)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                        content_type=(job.result or {}).get("content_type") or "application/octet-stream")

"""Background jobs of record-keeping: running an approved destruction list with a progress bar."""

from __future__ import annotations

from django.urls import reverse

from stabil.jobs.services import JobError

from .models import DestructionList
from .selectors import KIND_LABELS
from .services import RecordsError, retention_run


def run_list(*, job, progress, list_id: int, origin: dict | None = None) -> dict:
    """Run destruction list ``list_id`` as the user who started the job (``services.retention_run``)."""
    dlist = DestructionList.objects.filter(pk=list_id).first()
    if dlist is None:
        raise JobError(f"Gallringslista {list_id} finns inte.")
    try:
        result = retention_run(by=job.created_by, destruction_list=dlist, progress=progress, origin=origin)
    except RecordsError as exc:
        raise JobError(str(exc)) from exc
    done = ", ".join(f"{counts['removed']} {KIND_LABELS[kind]}" for kind, counts in result.items()) or "inget"
    skipped = sum(counts["skipped"] for counts in result.values())
    summary = f"Gallringslista {list_id} är genomförd: {done}."
    if skipped:
        summary += f" {skipped} poster var inte längre gallringsbara och ligger kvar."
    return {"summary": summary, "url": reverse("records:retention_list", args=[list_id]), "url_label": "Till listan"}

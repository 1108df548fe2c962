import uuid
from pathlib import Path

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename

from stabil.accounts.policy import require_capability
from stabil.audit.services import web_origin
from stabil.jobs.services import job_start

from .forms import UploadForm
from .framework import kinds

# A file system allows 255 bytes per name; 250 'å' are 500 bytes in UTF-8.
MAX_NAME_BYTES = 200


def _stored_name(name: str) -> str:
    """Return the upload's name made safe for the file system and at most ``MAX_NAME_BYTES`` bytes long.

    The extension is kept (it decides how the file is read); the stem is cut on a character boundary. A
    name left with no stem ("€.xlsx" becomes ".xlsx", which has no suffix) is given one.
    """
    name = get_valid_filename(name)
    if name.startswith("."):
        name = "fil" + name
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    path = Path(name)
    suffix = path.suffix[:16]
    stem = path.stem.encode()[: MAX_NAME_BYTES - len(suffix.encode())].decode(errors="ignore")
    return stem + suffix


@require_capability("imports.upload")
def upload(request):
    """Upload a case-events, staff or absence file; the import runs as a job with a progress bar."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = Path(settings.DATA_DIR) / "uploads" / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _stored_name(upload.name)
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        job = job_start(by=request.user, kind="import", label=f"Import av {upload.name}",
                        runner="stabil.imports.jobs.import_file",
                        params={"path": str(path), "dry_run": form.cleaned_data["dry_run"],
                                "origin": web_origin(request)})
        return redirect("jobs:status", job_id=job.pk)
    return render(request, "imports/upload.html", {"form": form, "kinds": kinds()})

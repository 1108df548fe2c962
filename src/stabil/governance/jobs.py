"""Background runners of the governance area (see ``stabil.jobs``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from stabil.common.progress import Progress
from stabil.jobs.services import job_output_path

from . import board_report

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def board_paper(*, job, progress, period: str, exact: bool, registration_number: str, fmt: str,
                threshold: int, today: str) -> dict:
    """Build the board paper as PDF or Excel with progress, and leave it for the user to download."""
    steps = Progress(7, "Nämndrapport", quiet=True, interval=0.3, on_update=progress)
    report = board_report.build(period=board_report.parse_period(period), exact=exact,
                                registration_number=registration_number, threshold=threshold, progress=steps,
                                today=dt.date.fromisoformat(today))
    data = board_report.to_pdf(report) if fmt == "pdf" else board_report.to_xlsx(report)
    steps.finish()
    name = f"namndrapport-{report.period.label}.{fmt}"
    job_output_path(job, name).write_bytes(data)
    return {"summary": f"Rapporten till nämnden för {report.period.label} är klar "
                       f"({'exakta tal' if exact else 'offentlig version'}).",
            "file": name, "content_type": CONTENT_TYPES[fmt],
            "url": reverse("jobs:download", args=[job.pk]),
            "url_label": "Ladda ner PDF" if fmt == "pdf" else "Ladda ner Excel"}

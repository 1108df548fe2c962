"""Background runners of the cases area (see ``stabil.jobs``)."""

from __future__ import annotations

from django.urls import reverse

from .models import Case
from .services import recompute_all_cases


def recompute_all(*, job, progress) -> dict:
    """Recompute every case's deadlines after the deadline rules changed, reporting progress."""
    total = Case.objects.count()
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        progress(done[0] / total if total else 1.0, f"{done[0]} av {total} ärenden")

    count = recompute_all_cases(advance=advance)
    return {"summary": f"Fristerna i {count} ärenden är omräknade enligt de nya reglerna.",
            "url": reverse("cases:deadlines"), "url_label": "Till fristlistan"}

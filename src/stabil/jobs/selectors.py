import re
from collections.abc import Iterable

from django.shortcuts import get_object_or_404

from stabil.staff import selectors as staff_selectors

from .models import Job

# A word of a job's text that could be an id: ids never contain white space or these separators.
_WORD = re.compile(r"[^\s,;:()\[\]{}<>\"'«»]+")


def job_for_user(user, job_id: int) -> Job:
    """Return the job if ``user`` started it (404 otherwise: jobs may concern personal data)."""
    return get_object_or_404(Job, pk=job_id, created_by=user)


def jobs_of_kind(kind: str, limit: int = 200) -> list[Job]:
    """Return the latest jobs of one kind, newest first (the nightly feeds' page, issue 14: no person started
    them, so the page that shows them applies its own policy to each)."""
    return list(Job.objects.filter(kind=kind).order_by("-created_at", "-pk")[:limit])


def job_texts(job: Job) -> list[str]:
    """Return every text the job's page shows: label, progress message, error, result summary and lines."""
    result = job.result or {}
    texts = [job.label, job.message, job.error, str(result.get("summary") or "")]
    for key in ("errors", "notices"):
        texts += [str(line) for line in result.get(key) or ()]
    return texts


def personal_ids_named(texts: Iterable[str]) -> dict[str, list[str]]:
    """Return the case, child and staff ids that occur as words in ``texts``, by object type.

    A job's page shows free text written by its runner (an import's errors name rows, cases and people);
    whatever ids it names are looked up here so that the page's access record can list them. Every word is
    looked up (no cap, so no id goes unlogged); runners bound their text (an import shows 200 error lines).
    """
    # Imported here: the jobs app sits below the areas (their runners import it) and loads none of them itself.
    from stabil.cases import selectors as cases_selectors

    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text or ""):
            words.update({word, word.rstrip(".!?…")})
    words.discard("")
    found: dict[str, list[str]] = {}
    candidates = sorted(words)
    for start in range(0, len(candidates), 900):  # SQLite's limit on query parameters
        chunk = candidates[start:start + 900]
        named = cases_selectors.stored_ids_among(chunk)
        named["staff.staffmember"] = staff_selectors.stored_ids_among(chunk)
        for object_type, ids in named.items():
            found.setdefault(object_type, []).extend(ids)
    return {object_type: sorted(ids) for object_type, ids in found.items() if ids}

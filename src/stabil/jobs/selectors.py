from django.shortcuts import get_object_or_404

from .models import Job


def job_for_user(user, job_id: int) -> Job:
    """Return the job if ``user`` started it (404 otherwise: jobs may concern personal data)."""
    return get_object_or_404(Job, pk=job_id, created_by=user)

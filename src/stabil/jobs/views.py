from django.shortcuts import render

from .selectors import job_for_user


def job_status(request, job_id: int):
    """A job's progress: the full page, or the progress partial that htmx polls each second."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    job = job_for_user(request.user, job_id)
    template = "jobs/_progress.html" if request.htmx else "jobs/status.html"
    return render(request, template, {"job": job})

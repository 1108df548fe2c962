"""Pages of the feeds area (issue 14): the nightly feeds' runs, and Kolada (export of Stabil's KPIs in Kolada's
JSON; import of Kolada values for the scorecard's and board paper's comparison)."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import has_capability, require_capability
from stabil.audit.services import record_access
from stabil.core.kolada import KoladaError
from stabil.jobs.selectors import job_texts, personal_ids_named

from . import selectors, services
from .export import kolada_document
from .forms import KoladaUploadForm, KoladaYearForm


@require_capability("feeds.view")
def index(request):
    """The latest runs of the nightly feeds whose source the user may see, with their results and errors.

    A run's errors name case and staff ids: every id shown is written to the access log."""
    runs = selectors.feed_runs_for(request.user)
    for object_type, ids in personal_ids_named([t for job in runs for t in job_texts(job)]).items():
        record_access(by=request.user, action="view", what="Nattliga flöden", object_type=object_type, objects=ids,
                      request=request)
    return render(request, "feeds/index.html", {"runs": runs})


def _kolada_page(request, upload_form=None, status=200):
    return render(request, "feeds/kolada.html", {
        "year_form": KoladaYearForm(initial={"ar": timezone.localdate().year - 1}),
        "upload_form": upload_form or KoladaUploadForm(),
        "can_import": has_capability(request.user, "governance.edit"),
        "years": selectors.kolada_years(),
    }, status=status)


@require_capability("governance.view")
def kolada(request):
    """The Kolada page; with ``?ar=YYYY`` the download of Stabil's KPIs of that year in Kolada's JSON.

    Aggregates only, suppressed as in public (``feeds.export``): no personal data, so no access record."""
    if "ar" not in request.GET:
        return _kolada_page(request)
    form = KoladaYearForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Ange ett år mellan 2000 och 2100."))
        return _kolada_page(request, status=400)
    year = form.cleaned_data["ar"]
    try:
        document = kolada_document(year=year, today=timezone.localdate())
    except KoladaError as exc:
        messages.error(request, str(exc))
        return _kolada_page(request, status=400)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="stabil-kolada-{year}.json"'
    return response


@require_POST
@require_capability("governance.edit")
def kolada_import(request):
    """Store the Kolada values of an uploaded v3 data response, all or nothing."""
    form = KoladaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _kolada_page(request, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        stored = services.kolada_import(by=request.user, data=upload.read(), name=upload.name[:100])
    except KoladaError as exc:
        for problem in exc.problems[:50]:
            form.add_error("file", problem)
        return _kolada_page(request, upload_form=form, status=400)
    messages.success(request, _("%(count)s värden från Kolada sparades.") % {"count": stored})
    return redirect("feeds:kolada")



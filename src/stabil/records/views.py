"""Record-keeping pages (issue 15): log extracts, the monthly log follow-up, destruction lists.

Thin views: reads in ``selectors``, writes in ``services``, who may see what in ``accounts.policy``. Every page
that shows a case, child or staff id writes an access record naming them.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import has_capability, may_approve_retention, require_capability
from stabil.audit.services import web_origin
from stabil.common.output import csv_safe
from stabil.core import calendar, retention
from stabil.jobs.services import job_start

from . import selectors, services
from .forms import EntryMarkForm, ExtractForm, ProtectedForm, ReviewStartForm
from .models import DestructionList, LogReview, ProtectedChild
from .pdf import html_to_pdf

KIND_URLS = {"barn": "records:child_extract", "personal": "records:staff_extract"}


def _log_shown(request, *, action: str, what: str, texts, declared: dict[str, list[str]]) -> None:
    """One access record per object type for every case, child or staff id a page shows (``services.log_shown``)."""
    services.log_shown(by=request.user, action=action, what=what, texts=texts, declared=declared,
                       origin=web_origin(request))


# --- log extracts ---------------------------------------------------------------------------------------------


@require_capability("records.log_extract")
def extract_start(request):
    """Choose whose log extract to make: a child or a staff member, by id."""
    form = ExtractForm(request.GET or None)
    if form.is_valid():
        return redirect(KIND_URLS[form.cleaned_data["kind"]], form.cleaned_data["subject_id"])
    return render(request, "records/extract_start.html", {"form": form},
                  status=400 if form.is_bound else 200)


def _extract_response(request, extract, kind_label: str):
    fmt = request.GET.get("format", "")
    subject = extract.subject_id
    # The access log's texts are Swedish whatever the reader's language (as every record_access "what").
    what = {"csv": "Loggutdrag (CSV)", "pdf": "Loggutdrag (PDF)"}.get(fmt, "Loggutdrag")
    declared = selectors.extract_declared(extract)
    # Making the extract is itself logged, with every id it shows (the subject, the cases, the ids in texts).
    _log_shown(request, action="export" if fmt in ("csv", "pdf") else "view", what=f"{what} {subject}",
               texts=[row.what for row in extract.rows], declared=declared)
    context = {"extract": extract, "kind_label": kind_label, "exists": selectors.subject_exists(extract.kind, subject),
               "made_by": request.user.get_username()}
    name = f"loggutdrag_{extract.kind}_{subject}_{extract.made_at:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
        writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
        writer.writerow([_("Löpnummer"), _("Tidpunkt"), _("Användare"), _("Roll"), _("Kanal"), _("IP-adress"),
                         _("Händelse"), _("Vad"), _("Objekt")])
        for row in selectors.extract_table(extract):
            writer.writerow([csv_safe(value) for value in row])
        return response
    if fmt == "pdf":
        html = render_to_string("records/extract_pdf.html", context, request=request)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "records/extract.html", context)


def _not_found(request, kind_label: str, subject_id: str):
    # The same answer for an id that does not exist and one outside the user's scope.
    return render(request, "records/extract_start.html", {
        "form": ExtractForm(), "not_found": True, "kind_label": kind_label, "subject_id": subject_id,
    }, status=404)


@require_capability("records.log_extract")
def child_extract(request, child_id: str):
    """Every read, export and change of a child's data: on screen, as CSV or as PDF."""
    extract = selectors.child_extract(by=request.user, child_id=child_id)
    if extract is None:
        return _not_found(request, _("barn"), child_id)
    return _extract_response(request, extract, _("barn"))


@require_capability("records.log_extract")
def staff_extract(request, staff_id: str):
    """Every read, export and change of a staff member's data: on screen, as CSV or as PDF."""
    extract = selectors.staff_extract(by=request.user, staff_id=staff_id)
    if extract is None:
        return _not_found(request, _("medarbetare"), staff_id)
    return _extract_response(request, extract, _("medarbetare"))


# --- the monthly log follow-up ------------------------------------------------------------------------------


@require_capability("records.log_review")
def review_index(request):
    """The follow-ups done per month (the report), and starting the next one."""
    form = ReviewStartForm(request.POST or None, initial={"month": f"{calendar.month_start(timezone.localdate(), -1):%Y-%m}"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = services.review_start(by=request.user, month=form.cleaned_data["month"])
            except services.RecordsError as exc:
                form.add_error("month", str(exc))
            else:
                return redirect("records:review", pk=review.pk)
        status = 400
    return render(request, "records/review_index.html", {
        "form": form, "summaries": selectors.reviews_by_month(), "settings": selectors.review_settings(),
        "reasons": selectors.REASON_LABELS,
    }, status=status)


def _review_page(request, review, *, forms_by_entry=None, error: str = "", status: int = 200):
    entries = selectors.review_entries(review)
    texts = [e.record.what for e in entries if e.record] + [" ".join(e.record.object_ids) for e in entries if e.record]
    # The page shows access records: the ids in them are read again, and logged as such.
    _log_shown(request, action="view", what=f"Logguppföljning {review.month:%Y-%m}", texts=texts, declared={})
    forms_by_entry = forms_by_entry or {}
    rows = [(e, forms_by_entry.get(e.entry.pk) or EntryMarkForm(
        initial={"comment": e.entry.comment, "follow_up": e.entry.follow_up})) for e in entries]
    return render(request, "records/review_detail.html", {
        "review": review, "rows": rows, "error": error,
        "left": sum(1 for e in entries if not e.entry.reviewed),
    }, status=status)


@require_capability("records.log_review")
def review_detail(request, pk: int):
    review = get_object_or_404(LogReview, pk=pk)
    return _review_page(request, review)


@require_capability("records.log_review")
@require_POST
def review_mark(request, pk: int, entry_pk: int):
    review = get_object_or_404(LogReview, pk=pk)
    entry = get_object_or_404(review.entries, pk=entry_pk)
    form = EntryMarkForm(request.POST)
    if form.is_valid():
        try:
            services.review_entry_mark(by=request.user, entry=entry, comment=form.cleaned_data["comment"],
                                       follow_up=form.cleaned_data["follow_up"])
        except services.RecordsError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(reverse("records:review", args=[review.pk]) + f"#post-{entry.pk}")
    return _review_page(request, review, forms_by_entry={entry.pk: form}, status=400)


@require_capability("records.log_review")
@require_POST
def review_sign(request, pk: int):
    review = get_object_or_404(LogReview, pk=pk)
    try:
        services.review_sign(by=request.user, review=review)
    except services.RecordsError as exc:
        return _review_page(request, review, error=str(exc), status=400)
    messages.success(request, _("Uppföljningen av %(month)s är signerad.") % {"month": f"{review.month:%Y-%m}"})
    return redirect("records:review", pk=review.pk)


@require_capability("records.log_review")
def protected(request):
    """The children whose every access the follow-up selects: list, add."""
    form = ProtectedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.protected_mark(by=request.user, child_id=form.cleaned_data["child_id"])
            return redirect("records:protected")
        status = 400
    marked = list(ProtectedChild.objects.select_related("marked_by"))
    _log_shown(request, action="view", what="Skyddade barn (logguppföljning)", texts=[],
               declared={"cases.child": [m.child_id for m in marked]})
    return render(request, "records/protected.html", {"form": form, "marked": marked}, status=status)


@require_capability("records.log_review")
@require_POST
def protected_remove(request, child_id: str):
    services.protected_unmark(by=request.user, child_id=child_id)
    return redirect("records:protected")


# --- retention ------------------------------------------------------------------------------------------------


def _rules_rows():
    rules = selectors.retention_rules()
    return [(selectors.KIND_LABELS[kind], rules.years(kind), retention.SOURCES[kind]) for kind in retention.KINDS]


@require_capability("records.retention_view")
def retention_index(request):
    """The destruction lists the user may see, the rules, and (for the archivist) proposing the next."""
    lists = list(selectors.lists_for(request.user)[:200])
    return render(request, "records/retention_index.html", {
        "lists": lists, "rules": _rules_rows(), "rules_set": selectors.retention_rules(),
        "can_propose": has_capability(request.user, "records.retention_propose"), "kinds": selectors.KIND_LABELS,
    })


@require_capability("records.retention_propose")
def retention_propose(request):
    """GET: a dry run of this month's proposal (what would be listed); POST: propose it."""
    if request.method == "POST":
        made = services.retention_propose(by=request.user, origin=web_origin(request))
        messages.success(request, _("%(n)s gallringslistor föreslogs.") % {"n": len(made)})
        return redirect("records:retention")
    preview = services.retention_propose(by=request.user, dry_run=True, origin=web_origin(request))
    return render(request, "records/retention_propose.html", {"preview": preview, "kinds": selectors.KIND_LABELS})


def _list_page(request, dlist, *, error: str = "", status: int = 200):
    items = list(dlist.items.all())
    declared = {"cases.child": [i.object_id for i in items if i.kind == retention.CHILD],
                "staff.staffmember": [i.object_id for i in items if i.kind in (retention.STAFF, retention.EXIT_COMMENT)]}
    _log_shown(request, action="view", what=f"Gallringslista {dlist.pk}", texts=[], declared=declared)
    approvals = list(dlist.approvals.all())
    user = request.user
    return render(request, "records/retention_list.html", {
        "dlist": dlist, "items": items, "error": error, "kinds": selectors.KIND_LABELS,
        "approvals": [(a, selectors.role_label(a.role)) for a in approvals],
        "can_approve": dlist.status == DestructionList.Status.PROPOSED and may_approve_retention(user, dlist.unit)
        and not any(a.username == user.get_username() for a in approvals),
        "can_run": dlist.status == DestructionList.Status.APPROVED and has_capability(user, "records.retention_run"),
    }, status=status)


@require_capability("records.retention_view")
def retention_list(request, pk: int):
    return _list_page(request, selectors.list_for(request.user, pk))


@require_capability("records.retention_approve")
@require_POST
def retention_approve(request, pk: int):
    dlist = selectors.list_for(request.user, pk)
    try:
        services.retention_approve(by=request.user, destruction_list=dlist)
    except PermissionDenied:
        raise Http404 from None
    except services.RecordsError as exc:
        return _list_page(request, dlist, error=str(exc), status=400)
    return redirect("records:retention_list", pk=dlist.pk)


@require_capability("records.retention_run")
@require_POST
def retention_run(request, pk: int):
    """Run an approved list in the background (a job with a progress bar)."""
    dlist = selectors.list_for(request.user, pk)
    if dlist.status != DestructionList.Status.APPROVED:
        return _list_page(request, dlist, status=400, error=_(
            "Listan är inte godkänd av två roller (arkivansvarig och chef för enheten); ingenting tas bort."))
    job = job_start(by=request.user, kind="retention", label=f"Gallringslista {dlist.pk}",
                    runner="stabil.records.jobs.run_list", params={"list_id": dlist.pk, "origin": web_origin(request)})
    return redirect("jobs:status", job_id=job.pk)

"""Cases pages: the deadline list, the case page with its quick event form, and the self-inspection.

Thin views: reads via ``selectors``, writes via ``services``, access via ``accounts.policy``; every
page or export showing cases writes an access record.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import (
    can_view_case,
    has_capability,
    require_capability,
    scope_cases,
    visible_units,
)
from stabil.audit.services import record_access
from stabil.cases.cli import _sheets
from stabil.common.output import csv_safe, write_xlsx
from stabil.organisation import selectors as organisation
from stabil.staff.selectors import names_for, staff_member_of_user

from . import selectors, services
from .explanations import explain
from .forms import (
    EVENT_LABELS,
    INTERVENTION_LABELS,
    OUTCOME_LABELS,
    PHASE_LABELS,
    STATUS_LABELS,
    CaseSearchForm,
    DeadlineFilterForm,
    DeadlineSettingsForm,
    EventForm,
    PeriodForm,
    ReportForm,
)
from .models import DEADLINE_SETTING_FIELDS, Case, DeadlineKind, DeadlineSettings

# The most urgent deadlines shown on the list page; filters narrow it down, the count says how many more.
LIST_LIMIT = 200
# The most hits a case search lists (a prefix may match many; the user types more of the id).
SEARCH_LIMIT = 50


def _visible_case(request, case_id: str) -> Case:
    case = Case.objects.select_related("unit", "main_handler", "co_handler").filter(case_id=case_id).first()
    if case is None or not can_view_case(request.user, case):
        raise Http404(_("Ärendet finns inte eller så saknar du behörighet."))
    return case


@require_capability("cases.view")
def deadline_list(request):
    """The deadline list: pending deadlines of the cases the user may see, most urgent first."""
    today = timezone.localdate()
    cases = scope_cases(request.user, Case.objects.all())
    units = visible_units(request.user).order_by("code")
    teams = organisation.teams().filter(unit__in=units).order_by("code")
    form = DeadlineFilterForm(request.GET or None, units=units, teams=teams)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, total = selectors.deadline_list(
        cases, today,
        kinds=[filters["kind"]] if filters.get("kind") else (),
        horizon_working_days=filters.get("horizon"),
        unit_code=filters.get("unit") or "", team_code=filters.get("team") or "", staff_id=filters.get("staff") or "",
        limit=LIST_LIMIT,
    )
    record_access(by=request.user, action="view", what="Fristlista", objects=sorted({r.row.case_id for r in rows}),
                  object_type="cases.case", request=request)
    handlers = sorted({r.row.handler for r in rows if r.row.handler})
    if handlers:
        record_access(by=request.user, action="view", what="Fristlista: handläggare", objects=handlers,
                      object_type="staff.staffmember", request=request)
    return render(request, "cases/deadline_list.html", {
        "form": form, "rows": rows, "total": total, "today": today, "status_labels": STATUS_LABELS,
        "can_egenkontroll": has_capability(request.user, "cases.egenkontroll"),
        "can_register": has_capability(request.user, "cases.record"),
        "case_url_prefix": reverse("cases:case", args=["x"])[:-2], "search_form": CaseSearchForm(),
        "names": names_for(handlers),
    })


class _WithoutQuery:
    """The request as the access log sees it: its address without the query string.

    A search term may be the id of a child the user may not see (or of no child at all); it is not written to
    the access log. The ids a search showed are (``objects``), so a hit is still traceable.
    """

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return self._request.path


@require_capability("cases.view")
def search(request):
    """Find a case by its id or its child's id, among the cases the user may see, open and closed alike.

    A case outside the user's scope gets the same answer as one that does not exist. One hit opens the case.
    """
    form = CaseSearchForm(request.GET or None)
    hits: list[Case] = []
    term = ""
    if form.is_bound and form.is_valid():
        term = form.cleaned_data["q"]
    if term:
        hits = selectors.search_cases(scope_cases(request.user, Case.objects.all()), term, limit=SEARCH_LIMIT)
        record_access(by=request.user, action="view", what="Ärendesökning", objects=[c.case_id for c in hits],
                      object_type="cases.case", request=_WithoutQuery(request))
        if len(hits) == 1:
            return redirect("cases:case", case_id=hits[0].case_id)
    return render(request, "cases/search.html", {
        "form": form, "term": term, "hits": hits, "limit": SEARCH_LIMIT,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@require_capability("cases.view")
def my_cases(request):
    """The user's own cases (main handler or co-handler) with their next deadline, overdue first."""
    today = timezone.localdate()
    me = staff_member_of_user(request.user)
    rows = []
    if me is not None:
        rows = selectors.my_cases(scope_cases(request.user, Case.objects.all()), me, today)
        record_access(by=request.user, action="view", what="Mina ärenden",
                      objects=sorted(r.case.case_id for r in rows), object_type="cases.case", request=request)
        record_access(by=request.user, action="view", what="Mina ärenden: medarbetare", objects=[me.staff_id],
                      object_type="staff.staffmember", request=request)
    return render(request, "cases/my_cases.html", {
        "me": me, "rows": rows, "today": today, "search_form": CaseSearchForm(),
        "can_register": has_capability(request.user, "cases.record"),
        "overdue": sum(1 for r in rows if r.overdue), "due_soon": sum(1 for r in rows if r.due_soon),
    })


@require_capability("cases.view")
def case_detail(request, case_id: str, form: EventForm | None = None, status: int = 200):
    """The case page: timeline, every deadline with why, and the quick event form."""
    case = _visible_case(request, case_id)
    today = timezone.localdate()
    state = selectors.case_view(case, today)
    events = selectors.case_events(case)
    can_record = has_capability(request.user, "cases.record")
    record_access(by=request.user, action="view", what=f"Ärendesida {case.case_id}", objects=[case], request=request)
    shown_staff = {state.main_handler, state.co_handler} | {e.staff.staff_id for e in events if e.staff}
    if shown_staff - {None, ""}:
        record_access(by=request.user, action="view", what=f"Ärendesida {case.case_id}: handläggare",
                      objects=sorted(shown_staff - {None, ""}), object_type="staff.staffmember", request=request)
    deadlines = sorted(state.deadlines, key=lambda d: (d.status not in ("overdue", "open"), d.due_on))
    deadlines = [d._replace(why=explain(d.why)) for d in deadlines]  # in the reader's language
    return render(request, "cases/case_detail.html", {
        "case": case, "state": state, "events": events, "deadlines": deadlines, "today": today,
        "form": form or (EventForm() if can_record else None), "can_record": can_record,
        "event_labels": EVENT_LABELS, "outcome_labels": OUTCOME_LABELS, "intervention_labels": INTERVENTION_LABELS,
        "status_labels": STATUS_LABELS, "phase_label": PHASE_LABELS.get(state.phase, state.phase),
        "kind_labels": dict(DeadlineKind.choices), "future_events": [e for e in events if e.on > today],
        "names": names_for(shown_staff), "notes": [explain(note) for note in state.notes],
    }, status=status)


@require_POST
@require_capability("cases.record")
def record_event(request, case_id: str):
    """Record one event from the quick form, then show the case again."""
    case = _visible_case(request, case_id)
    form = EventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_record_event(
                by=request.user, case=case, kind=data["kind"], on=data["on"], staff_id=data["staff_id"],
                outcome=data["outcome"], until=data["until"], intervention=data["intervention"],
                reason=data["reason"], request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Händelsen %(event)s %(day)s registrerades; fristerna är uppdaterade.") % {
                "event": EVENT_LABELS[data["kind"]], "day": data["on"].isoformat()})
            return redirect("cases:case", case_id=case.case_id)
    return case_detail.__wrapped__(request, case_id, form=form, status=400)


@require_capability("cases.record")
def event_form_fields(request, case_id: str):
    """The event form's fields for the chosen event kind (htmx swaps them in when the kind changes)."""
    _visible_case(request, case_id)
    # What the user typed so far stays (the fragment carries the whole form): a date is not lost.
    form = EventForm(initial={name: request.GET.get(name, "") for name in EventForm.base_fields
                              if request.GET.get(name)})
    return render(request, "cases/_event_form_fields.html", {"form": form})


@require_capability("cases.record")
def new_report(request):
    """Register a report about a child as a new case, then show the case with its new deadlines."""
    units = visible_units(request.user).order_by("code")
    me = staff_member_of_user(request.user)
    form = ReportForm(request.POST or None, units=units, can_take=me is not None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_register_report(
                    by=request.user, case_id=data["case_id"], child_id=data["child_id"],
                    birth_date=data["birth_date"], category=data["category"], unit_code=data["unit"],
                    received_on=data["received_on"], reporter_kind=data["reporter_kind"],
                    feedback_requested=data["feedback_requested"],
                    handler_staff_id=me.staff_id if me is not None and data.get("take_case") else "", request=request,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if not can_view_case(request.user, case):
                    # A caseworker sees her own and her team's cases: an unassigned one waits for allocation.
                    messages.success(request, _("Anmälan registrerades som ärende %(case)s. Ärendet väntar på "
                                                "fördelning; du ser det när du eller ditt team är handläggare.")
                                     % {"case": case.case_id})
                    return redirect("cases:deadlines")
                messages.success(request, _("Anmälan registrerades som ärende %(case)s; fristerna är beräknade.") % {
                    "case": case.case_id})
                return redirect("cases:case", case_id=case.case_id)
    return render(request, "cases/new_report.html", {"form": form}, status=status)


@require_POST
@require_capability("cases.view")
def digest_settings(request):
    """Switch the user's own daily digest on or off."""
    receive = request.POST.get("receive_digest") == "1"
    services.digest_preference_set(by=request.user, receive_digest=receive)
    messages.success(request, _("Den dagliga sammanställningen är påslagen.") if receive
                     else _("Den dagliga sammanställningen är avstängd."))
    return redirect("cases:deadlines")


@require_capability("cases.egenkontroll")
def egenkontroll(request):
    """The self-inspection page for a period and unit, with CSV and Excel downloads.

    Without a chosen period (a first visit, or a link with only ``format``) the page and its downloads
    use the default period: this year up to today. The download links carry the period and unit shown.
    """
    today = timezone.localdate()
    units = visible_units(request.user).order_by("code")
    initial = {"due_from": dt.date(today.year, 1, 1), "due_to": today, "unit": ""}
    chosen = request.GET.copy()
    export = chosen.pop("format", [None])[-1]
    form = PeriodForm(chosen or None, units=units, initial=initial)
    report = None
    download_query = ""
    if not chosen or form.is_valid():
        data = form.cleaned_data if chosen else initial
        cases = scope_cases(request.user, Case.objects.all())
        report = selectors.egenkontroll(data["due_from"], data["due_to"], cases=cases,
                                        unit_code=data.get("unit") or None, on=today)
        what = f"Egenkontroll {data['due_from']}–{data['due_to']} {data.get('unit') or 'alla'}"
        if export in ("csv", "xlsx"):
            record_access(by=request.user, action="export", what=what, object_type="cases.case",
                          objects=[b.case_id for b in report.breaches], request=request)
            return _egenkontroll_download(report, export)
        record_access(by=request.user, action="view", what=what, object_type="cases.case",
                      objects=[b.case_id for b in report.breaches], request=request)
        download_query = urlencode({"due_from": data["due_from"].isoformat(), "due_to": data["due_to"].isoformat(),
                                    "unit": data.get("unit") or ""})
    return render(request, "cases/egenkontroll.html", {
        "form": form, "report": report, "shown": report.shown() if report else [],
        "kind_labels": dict(DeadlineKind.choices), "status_labels": STATUS_LABELS,
        "download_query": download_query,
    })


def _egenkontroll_download(report, export: str) -> HttpResponse:
    name = f"egenkontroll_{report.due_from.isoformat()}_{report.due_to.isoformat()}"
    if export == "xlsx":
        response = HttpResponse(write_xlsx(_sheets(report)),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Frist", "Föll ut", "Uppfyllda", "Missade", "Försenade", "Ej förfallna", "Andel uppfyllda (%)",
                     "Median dagar", "90:e percentil dagar"])
    # The figures as the page shows them (Egenkontroll.shown), with a decimal comma for Swedish Excel.
    for s in report.shown():
        writer.writerow([csv_safe(s.label), s.due, s.met, s.missed, s.overdue, s.open, _num(s.share_percent),
                         _num(s.median_days), _num(s.p90_days)])
    writer.writerow([])
    writer.writerow(["Ärende", "Enhet", "Frist", "Förfallodag", "Utförd", "Status", "Dagar sent"])
    for case_id, unit, deadline, due_on, met_on, status, days_late in report.shown_breaches():
        writer.writerow([csv_safe(case_id), csv_safe(unit), deadline, due_on.isoformat(),
                         met_on.isoformat() if met_on else "", status, days_late])
    return response


def _num(value) -> str:
    """A shown figure (already rounded) with a decimal comma; empty for none."""
    return "" if value is None else str(value).replace(".", ",")


@require_capability("cases.configure")
def deadline_rules(request):
    """The municipality's deadline choices; saving recomputes every case's deadlines as a job."""
    current = selectors.deadline_config()
    instance = DeadlineSettings.objects.order_by("pk").first() or DeadlineSettings(
        **{name: getattr(current, name) for name in DEADLINE_SETTING_FIELDS})
    form = DeadlineSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        job = services.deadline_settings_update(by=request.user, values=form.cleaned_data)
        return redirect("jobs:status", job_id=job.pk)
    return render(request, "cases/deadline_rules.html", {"form": form, "saved": instance.pk is not None,
                                                         "settings_row": instance})

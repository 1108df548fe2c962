"""Workload pages: the manager's board, allocation suggestions, risk assessment, model settings and
calibration. Thin: reads in ``selectors``, writes in ``services``, rules in ``stabil.core``."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stabil.accounts.policy import (
    can_view_case,
    has_capability,
    require_capability,
    scope_staff,
    visible_units,
)
from stabil.audit.services import record_access
from stabil.cases.selectors import (
    case_by_id,
    deadline_kind_label,
    next_pending_deadlines,
    unassigned_by_urgency,
)
from stabil.core.workload import STATUS_LABELS_SV, WORK_TYPE_LABELS_SV
from stabil.governance.selectors import risk_register
from stabil.staff.selectors import names_for, staff_members

from . import selectors, services
from .forms import CalibrationForm, ConfigForm, RiskMeasureForm, UnitSettingsForm
from .models import RiskMeasure, TeamSettings, UnitSettings


def _day(request) -> dt.date:
    text = request.GET.get("datum", "")
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            messages.error(request, _("Ogiltigt datum '%(d)s', skriv ÅÅÅÅ-MM-DD. Dagens datum visas.") % {"d": text})
    return timezone.localdate()


def _unit(request, code: str | None = None):
    """Return the unit chosen (by code) among the user's visible units, 404 when not visible."""
    units = visible_units(request.user).order_by("code")
    code = code or request.GET.get("enhet")
    if code:
        unit = units.filter(code=code).first()
        if unit is None:
            raise Http404(_("Enheten finns inte eller är inte din."))
        return unit, units
    unit = units.first()
    if unit is None:
        raise PermissionDenied
    return unit, units


def _visible_staff_ids(user, unit) -> set[str]:
    return set(scope_staff(user, staff_members().filter(unit=unit)).values_list("staff_id", flat=True))


@require_capability("workload.view")
def board(request):
    """Every caseworker in the unit: main and co-handled cases, weighted hours, capacity, load, trend."""
    unit, units = _unit(request)
    on = _day(request)
    data = selectors.board_for_unit(unit_id=unit.pk, on=on)
    visible = _visible_staff_ids(request.user, unit)
    rows = [r for r in data.rows if r.info.staff_id in visible]
    record_access(by=request.user, action="view", what=f"Arbetsbelastningstavla, enhet {unit.code}",
                  objects=[r.info.staff_id for r in rows], object_type="staff.staffmember", request=request)
    return render(request, "workload/board.html", {
        "unit": unit, "units": units, "on": on, "board": data, "rows": rows, "several_units": len(units) > 1,
        "hidden_count": len(data.rows) - len(rows), "status_labels": STATUS_LABELS_SV,
        "can_allocate": has_capability(request.user, "workload.allocate"),
        "can_configure": has_capability(request.user, "workload.configure"),
    })


#: How many unassigned cases the allocation list shows (the most urgent ones).
ALLOCATION_LIST_LIMIT = 200


@require_capability("workload.view")
def overview(request):
    """The user's units side by side on a day (a department head's landing page): each unit's load,
    capacity, demand, staff and consultants, open cases, investigations, cases without a handler and
    overdue deadlines, as each unit's board computes them; every unit links to its board."""
    units = list(visible_units(request.user).order_by("code"))
    if not units:
        raise PermissionDenied
    on = _day(request)
    data = selectors.units_overview(units=units, on=on)
    record_access(by=request.user, action="view", what=f"Enheternas belastning {on}",
                  objects=[unit.code for unit in units], object_type="organisation.unit", request=request)
    return render(request, "workload/overview.html", {
        "overview": data, "on": on, "status_labels": STATUS_LABELS_SV,
        "can_allocate": has_capability(request.user, "workload.allocate"), **_overview_bars(data),
    })


#: The colours of the overview's bars (the badges' text colours: green, amber, red).
_BAR_FILL = {"green": "#1e6b3a", "amber": "#8a6d00", "red": "#9b1c1c"}


def _overview_bars(data) -> dict:
    """Bar geometry for the overview's SVG chart of load per unit (the same numbers are in its table)."""
    left, width, step = 160, 400, 26
    loads = [row.load.load for row in data.units if row.load and row.load.load is not None]
    scale = max([1.5, data.config.red_above * 1.2, *loads])  # the load at the right edge

    def x(load: float) -> float:
        return round(left + load / scale * width, 1)

    bars = []
    for index, row in enumerate(data.units):
        load = row.load.load if row.load else None
        status = row.load.status if row.load else "green"
        end = x(load or 0.0)
        bars.append({"y": 4 + index * step, "label": row.code, "value": load, "status": status,
                     "fill": _BAR_FILL.get(status, _BAR_FILL["green"]), "width": round(end - left, 1),
                     "text_x": round(end + 6, 1)})
    return {"bars": bars, "chart_height": 8 + len(bars) * step, "amber_x": x(data.config.amber_from),
            "red_x": x(data.config.red_above)}


@require_capability("workload.allocate")
def allocation_list(request):
    """Open cases without a main caseworker in the user's units, the most urgent first (the earliest due
    deadline), each with its next deadline and a link to suggestions."""
    on = timezone.localdate()
    queue = unassigned_by_urgency(request.user, on, units=visible_units(request.user))
    shown = queue[:ALLOCATION_LIST_LIMIT]
    assigned = _assigned_case(request)
    record_access(by=request.user, action="view", what="Ärenden utan handläggare",
                  objects=[q.case for q in shown] + ([assigned] if assigned else []), request=request)
    return render(request, "workload/allocation_list.html", {
        "queue": shown, "total": len(queue), "on": on, "phase_labels": WORK_TYPE_LABELS_SV,
        "assigned": assigned})


def _assigned_case(request):
    """The case just assigned (``?fordelat=ID``), when the user may still see it: linked from the next page."""
    case_id = request.GET.get("fordelat", "")
    case = case_by_id(case_id) if case_id else None
    return case if case is not None and can_view_case(request.user, case) else None


@require_capability("workload.allocate")
def allocation(request, case_id: str):
    """Ranked caseworkers for one case with the reason for each rank; the manager decides.

    Only the people of the user's own workload board are considered (a team lead's team, a unit
    manager's units: ``policy.scope_assignable_staff``); the page logs the case and every person it shows.
    """
    case = case_by_id(case_id)
    if case is None or not can_view_case(request.user, case):
        raise Http404(_("Ärendet finns inte eller är inte ditt."))
    role = "co" if request.GET.get("roll") == "co" or request.POST.get("role") == "co" else "main"
    on = timezone.localdate()
    if request.method == "POST":
        return _assign(request, case, role, on)
    try:
        data = selectors.allocation_for_user(user=request.user, case=case, on=on, role=role)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("workload:allocation_list")
    what = f"Fördelningsförslag för ärende {case.case_id}"
    assigned = _assigned_case(request)  # the case assigned just before, linked from this page
    record_access(by=request.user, action="view", what=what, objects=[case] + ([assigned] if assigned else []),
                  request=request)
    shown = data.to_dict()
    people = [s["staff_id"] for s in shown["suggestions"]] + [e["staff_id"] for e in shown["excluded"]]
    record_access(by=request.user, action="view", what=what, object_type="staff.staffmember",
                  objects=people, request=request)
    following = next_pending_deadlines([case.pk], on).get(case.pk)
    return render(request, "workload/allocation.html", {
        "case": case, "allocation": data, "suggestions": shown["suggestions"], "role": role,
        "names": names_for(people), "next_deadline": following, "on": on, "assigned": assigned,
        "next_deadline_label": deadline_kind_label(following.kind) if following else "",
        "phase_label": WORK_TYPE_LABELS_SV.get(data.phase, data.phase), "status_labels": STATUS_LABELS_SV,
    })


def _assign(request, case, role: str, on: dt.date):
    staff_id = request.POST.get("staff_id", "").strip()
    try:
        services.case_assign(by=request.user, case=case, staff_id=staff_id, role=role, on=on, request=request)
    except services.WorkloadInputError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("workload:allocation", args=[case.case_id]) + ("?roll=co" if role == "co" else ""))
    messages.success(request, _("%(id)s är nu %(roll)s i ärende %(case)s.") % {
        "id": staff_id, "roll": _("handläggare") if role == "main" else _("medhandläggare"), "case": case.case_id})
    # On to the most urgent case still without a handler; the case just assigned stays the user's (the
    # assignee is within their scope) and is linked from there.
    after = f"?fordelat={quote(case.case_id)}"
    following = [q for q in unassigned_by_urgency(request.user, on, units=visible_units(request.user))
                 if q.case.pk != case.pk]
    if following:
        return redirect(reverse("workload:allocation", args=[following[0].case.case_id]) + after)
    return redirect(reverse("workload:allocation_list") + after)


@require_capability("workload.view")
def risk(request, unit_code: str):
    """The unit's workload risk assessment: share above threshold over time, and recorded measures."""
    unit, _units = _unit(request, unit_code)
    on = timezone.localdate()
    form = None
    can_edit = has_capability(request.user, "workload.configure")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("measure_id"):
            measure = RiskMeasure.objects.filter(pk=request.POST["measure_id"], unit=unit).first()
            if measure is None:
                raise Http404
            try:
                services.risk_measure_set_status(by=request.user, measure=measure, status=request.POST.get("status", ""))
                messages.success(request, _("Status ändrad."))
            except services.WorkloadInputError as exc:
                messages.error(request, str(exc))
            return redirect("workload:risk", unit.code)
        form = RiskMeasureForm(request.POST)
        if form.is_valid():
            services.risk_measure_record(by=request.user, unit=unit, **form.cleaned_data)
            messages.success(request, _("Åtgärden är registrerad."))
            return redirect("workload:risk", unit.code)
    history = selectors.risk_history(unit_id=unit.pk, on=on)
    # Bar geometry for the SVG chart (the same numbers are in the table below it).
    bar_width, chart_height = 40, 120
    bars = [{"x": 40 + i * (bar_width + 10), "label": p["on"].strftime("%Y-%m"),
             "amber_h": round(p["share_amber_or_red"] * chart_height, 1),
             "red_h": round(p["share_red"] * chart_height, 1)} for i, p in enumerate(history)]
    for bar in bars:
        bar["amber_y"] = 10 + chart_height - bar["amber_h"]
        bar["red_y"] = 10 + chart_height - bar["red_h"]
    record_access(by=request.user, action="view", what=f"Riskbedömning arbetsbelastning, enhet {unit.code}",
                  request=request)

    register = [r for r in risk_register() if r.source == "workload" and r.org_unit_id in (None, unit.pk)]
    return render(request, "workload/risk.html", {
        "unit": unit, "history": history, "measures": RiskMeasure.objects.filter(unit=unit),
        "form": form or RiskMeasureForm(initial={"due_on": on + dt.timedelta(days=30)}), "can_edit": can_edit,
        "statuses": RiskMeasure.Status.choices, "bars": bars, "register": register,
        "can_open_register": has_capability(request.user, "governance.view"), "chart_width": 50 + len(bars) * (bar_width + 10),
        "bar_width": bar_width,
    })


@require_capability("workload.view")
def model_settings(request):
    """The model's values in force, the version history (who changed what, when) and, for managers, edit."""
    version, config = selectors.current_config()
    can_edit = has_capability(request.user, "workload.configure")
    form = ConfigForm(initial_config=config)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ConfigForm(request.POST, initial_config=config)
        if form.is_valid():
            try:
                saved = services.config_save(by=request.user, data=form.config_data(), note=form.cleaned_data["note"])
            except services.WorkloadInputError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Sparad som version %(n)s.") % {"n": saved.number})
                return redirect("workload:settings")
    return render(request, "workload/settings.html", {
        "version": version, "config": config, "form": form, "can_edit": can_edit,
        "versions": selectors.config_versions(), "labels": WORK_TYPE_LABELS_SV,
    })


@require_capability("workload.configure")
def calibration(request):
    """Upload a time study; see suggested weights and how well they explain the recorded time."""
    result = None
    errors: list[str] = []
    saved = None
    form = CalibrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".csv"
        with tempfile.TemporaryDirectory() as tmp:
            # Keep the uploaded name (without any path) so that messages name the file the user chose.
            path = Path(tmp) / (Path(upload.name).stem[:60] + suffix)
            with open(path, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            result, errors, saved = services.calibrate_from_file(
                by=request.user, path=path, months=float(form.cleaned_data["months"]), on=form.cleaned_data["on"],
                save=form.cleaned_data["save"], note=form.cleaned_data["note"] or f"Kalibrering: {upload.name}")
    return render(request, "workload/calibration.html", {
        "form": form, "result": result, "errors": errors, "saved": saved,
        "labels": {**WORK_TYPE_LABELS_SV,
                   **{f"co:{k}": _("medhandläggare: %(typ)s") % {"typ": v} for k, v in WORK_TYPE_LABELS_SV.items()}},
    })


@require_capability("workload.configure")
def unit_settings(request, unit_code: str):
    """A unit's admin support and what each of its teams works with (allocation ranks fitting people first)."""
    unit, _units = _unit(request, unit_code)
    teams = list(unit.teams.order_by("code"))
    current = UnitSettings.objects.filter(unit=unit).first()
    initial = {"admin_support": bool(current and current.admin_support)}
    for row in TeamSettings.objects.filter(team__in=teams).select_related("team"):
        initial[f"team_{row.team.code}"] = row.work_types
    form = UnitSettingsForm(request.POST or None, initial=initial, teams=teams)
    if request.method == "POST" and form.is_valid():
        services.unit_settings_set(by=request.user, unit=unit, admin_support=form.cleaned_data["admin_support"])
        for team, name in form.team_fields:
            services.team_work_types_set(by=request.user, team=team, work_types=form.cleaned_data[name])
        messages.success(request, _("Inställningarna för %(unit)s är sparade.") % {"unit": unit.name})
        return redirect(reverse("workload:board") + f"?enhet={unit.code}")
    return render(request, "workload/unit_settings.html", {"unit": unit, "form": form})

"""Governance pages (thin): scorecards, action plans, risks, self-inspection, statistics, board report.

Reading needs ``governance.view``; changing needs ``governance.edit``. Figures about children
are exact only for users who may see exact figures for every unit in scope
(``policy.sees_exact_figures_for``); everyone else, the board included, sees the public,
suppressed figures.
"""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import (
    has_capability,
    may_change_for_unit,
    require_capability,
    sees_exact_figures_for,
    visible_units,
)
from stabil.audit.services import record_access
from stabil.common.periods import period_label, reporting_period
from stabil.core import kpi as core_kpi
from stabil.jobs.services import job_start
from stabil.organisation import selectors as organisation

from . import board_report, kpi_texts, selectors, services
from .forms import (
    BoardReportForm,
    CheckForm,
    CheckResultForm,
    FollowUpForm,
    GoalForm,
    KpiCreateForm,
    KpiForm,
    KpiPeriodForm,
    MeasureForm,
    PlanForm,
    RiskForm,
    ScorecardForm,
    ScorecardThroughForm,
    StatisticsForm,
)
from .models import RISK_LEVEL_LABELS, ActionPlan, Board, Kpi, Measure, Risk, Scorecard, SelfInspectionCheck


def _today() -> dt.date:
    return timezone.localdate()


def _history(obj, limit: int = 20):
    return LogEntry.objects.get_for_object(obj).select_related("actor")[:limit]


@require_capability("governance.view")
def index(request):
    today = _today()
    return render(request, "governance/index.html", {
        "scorecards": selectors.current_scorecards(),
        "plans": [selectors.plan_progress(p, today) for p in selectors.active_plans()],
        "risks": selectors.risk_register()[:5],
        "checks": selectors.self_inspection_plan(today),
        "can_edit": has_capability(request.user, "governance.edit"),
        "today": today,
    })


def _chart_bars(sections, year: int) -> list[dict]:
    """Return bars for the scorecard chart: percent KPIs' value and target in the year."""
    bars = []
    for _perspective, goals in sections:
        for _goal, rows in goals:
            for row in rows:
                if row.kpi.unit != "percent":
                    continue
                value = None if row.hidden.get(year) else row.values.get(year)
                bars.append({"name": row.kpi.name, "value": value, "target": row.targets.get(year),
                             "status": row.statuses.get(year)})
    for index, bar in enumerate(bars):
        # SVG coordinates as plain strings: the template would print floats with a decimal comma.
        bar["y"] = 8 + index * 26
        width = 0.0 if bar["value"] is None else max(0.0, min(100.0, bar["value"])) * 4
        bar["width"] = f"{width:.1f}"
        bar["target_x"] = None if bar["target"] is None else f"{260 + max(0.0, min(100.0, bar['target'])) * 4:.1f}"
    return bars


def _scorecard_months(card: Scorecard, latest: dt.date) -> list[dt.date]:
    """Return the months the scorecard can be counted up to: from its first January to ``latest``'s month."""
    months = []
    month = dt.date(card.years[0], 1, 1)
    while month <= latest:
        months.append(month)
        month = (month + dt.timedelta(days=31)).replace(day=1)
    return months


@require_capability("governance.view")
def scorecard_detail(request, pk: int):
    card = get_object_or_404(Scorecard.objects.select_related("board"), pk=pk, archived_at__isnull=True)
    today = _today()
    exact = sees_exact_figures_for(request.user, None)
    # The one period rule (selectors.scorecard_through): the running year up to the last whole month, or up
    # to a month chosen on the page, the same months as a board paper for that period.
    default_through = selectors.scorecard_through(today)
    months = _scorecard_months(card, default_through)
    form = ScorecardThroughForm(request.GET or None, months=reversed(months),
                                initial={"till": f"{default_through:%Y-%m}"})
    through = (form.cleaned_data["till"] if form.is_bound and form.is_valid() else None) or default_through
    threshold = selectors.default_threshold()
    sections = selectors.scorecard_rows(card, through=through, exact=exact, threshold=threshold)
    if not exact:
        board_report.hide_scorecard_staff_totals([(card, sections)], through=through, threshold=threshold)
    year = through.year if through.year in card.years else card.years[0]
    bars = _chart_bars(sections, year)
    year_labels = selectors.year_period_labels(card.years, through)
    # Which months each year's computed figures cover, said beside the table ("2026, januari–november").
    periods = [(y, label, label == str(y)) for y, label in year_labels.items()]
    return render(request, "governance/scorecard.html", {
        "card": card, "sections": sections, "years": card.years, "year": year, "exact": exact,
        "bars": bars, "chart_height": 16 + 26 * len(bars), "form": form, "through": through,
        "periods": periods, "year_label": year_labels.get(year, str(year)),
        "labels": board_report.label_context(), "can_edit": has_capability(request.user, "governance.edit"),
        "kolada": selectors.kolada_comparison(year),
    })


@require_POST
@require_capability("governance.edit")
def scorecard_refresh(request, pk: int):
    card = get_object_or_404(Scorecard, pk=pk, archived_at__isnull=True)
    services.scorecard_snapshots_take(by=request.user, scorecard=card, today=_today())
    messages.success(request, _("De beräknade mätetalen är omräknade och sparade."))
    return redirect("governance:scorecard", pk=card.pk)


def _editable_or_404(request, obj) -> None:
    """A KPI or risk of a unit the editor does not see answers like one that does not exist."""
    if not may_change_for_unit(request.user, obj.org_unit_id):
        raise Http404


@require_capability("governance.edit")
def kpi_edit(request, pk: int):
    kpi = get_object_or_404(Kpi.objects.select_related("goal__perspective__scorecard"), pk=pk,
                            archived_at__isnull=True)
    _editable_or_404(request, kpi)
    card = kpi.goal.perspective.scorecard
    form = KpiForm(request.POST or None, kpi=kpi, years=card.years)
    if request.method == "POST" and form.is_valid():
        for year in card.years:
            services.kpi_target_set(by=request.user, kpi=kpi, year=year, target=form.cleaned_data[f"target_{year}"])
            if not kpi.computed and form.cleaned_data.get(f"value_{year}") is not None:
                services.kpi_entry_set(by=request.user, kpi=kpi, year=year, value=form.cleaned_data[f"value_{year}"])
        messages.success(request, _("Mätetalet sparades."))
        return redirect("governance:scorecard", pk=card.pk)
    return render(request, "governance/form.html", {
        "form": form, "title": kpi.name, "back": ("governance:scorecard", card.pk), "history": _history(kpi),
        "definition": kpi.computed and {"definition": kpi_texts.definition(kpi.computed),
                                        "source": kpi_texts.source(kpi.computed)},
    })


@require_capability("governance.view")
def plan_detail(request, pk: int):
    plan = get_object_or_404(ActionPlan.objects.select_related("board"), pk=pk, archived_at__isnull=True)
    return render(request, "governance/plan.html", {
        "progress": selectors.plan_progress(plan, _today()), "plan": plan,
        "can_edit": has_capability(request.user, "governance.edit"),
    })


@require_capability("governance.edit")
def measure_edit(request, pk: int):
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk, archived_at__isnull=True)
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.measure_update(by=request.user, measure=measure, **data)
        messages.success(request, _("Åtgärden sparades."))
        return redirect("governance:plan", pk=measure.plan_id)
    return render(request, "governance/form.html", {
        "form": form, "title": str(measure), "back": ("governance:plan", measure.plan_id),
        "history": _history(measure),
    })


@require_capability("governance.edit")
def follow_up_add(request, pk: int):
    measure = get_object_or_404(Measure, pk=pk, archived_at__isnull=True)
    form = FollowUpForm(request.POST or None, initial={"on": _today(), "status": measure.status})
    if request.method == "POST" and form.is_valid():
        services.follow_up_record(by=request.user, measure=measure, **form.cleaned_data)
        messages.success(request, _("Uppföljningen sparades."))
        return redirect("governance:plan", pk=measure.plan_id)
    return render(request, "governance/form.html", {
        "form": form, "title": _("Uppföljning: %(measure)s") % {"measure": measure},
        "back": ("governance:plan", measure.plan_id),
    })


@require_capability("governance.view")
def risks(request):
    register = selectors.risk_register()
    return render(request, "governance/risks.html", {
        "risks": register, "matrix": selectors.risk_matrix(register), "level_labels": RISK_LEVEL_LABELS,
        "workload_measures": selectors.workload_risk_measures(),
        "can_view_workload": has_capability(request.user, "workload.view"),
        "can_edit": has_capability(request.user, "governance.edit"), "today": _today(),
        "consequences": [4, 3, 2, 1], "likelihoods": [1, 2, 3, 4],
    })


@require_capability("governance.edit")
def risk_edit(request, pk: int | None = None):
    risk = get_object_or_404(Risk, pk=pk, archived_at__isnull=True) if pk else None
    if risk is not None:
        _editable_or_404(request, risk)
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if risk is None:
            board = Board.objects.filter(archived_at__isnull=True).first() or services.board_get_or_create(
                by=request.user, code="SN", name="Socialnämnden")
            services.risk_create(by=request.user, board=board, **data)
        else:
            services.risk_update(by=request.user, risk=risk, **data)
        messages.success(request, _("Risken sparades."))
        return redirect("governance:risks")
    return render(request, "governance/form.html", {
        "form": form, "title": str(risk) if risk else _("Ny risk"), "back": ("governance:risks", None),
        "history": _history(risk) if risk else None, "archive_url": risk and "governance:risk_archive",
        "object": risk,
    })


@require_POST
@require_capability("governance.edit")
def risk_archive(request, pk: int):
    risk = get_object_or_404(Risk, pk=pk, archived_at__isnull=True)
    _editable_or_404(request, risk)
    services.archive(by=request.user, obj=risk)
    messages.success(request, _("Risken arkiverades (den finns kvar i historiken)."))
    return redirect("governance:risks")


@require_capability("governance.view")
def self_inspection(request):
    today = _today()
    rows = selectors.self_inspection_plan(today)
    deadline_figures = None
    if any(row.check.kind == SelfInspectionCheck.Kind.DEADLINES for row in rows):
        # The deadline check's figures for the last whole month, from the cases area's deadlines.
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        first_day = last_day.replace(day=1)
        exact = sees_exact_figures_for(request.user, None)
        values = selectors.deadline_values(first_day, last_day, None)
        deadline_figures = {"first_day": first_day, "last_day": last_day, "period": period_label(first_day, last_day),
                            "rows": board_report.deadline_rows(values, exact, selectors.default_threshold())}
    return render(request, "governance/self_inspection.html", {
        "rows": rows, "deadline_figures": deadline_figures,
        "can_edit": has_capability(request.user, "governance.edit"),
        "can_open_report": has_capability(request.user, "cases.egenkontroll"),
    })


@require_capability("governance.edit")
def check_result_add(request, pk: int):
    check = get_object_or_404(SelfInspectionCheck, pk=pk, archived_at__isnull=True)
    form = CheckResultForm(request.POST or None, initial={"performed_on": _today(), "passed": True})
    if request.method == "POST" and form.is_valid():
        services.check_result_record(by=request.user, check=check, **form.cleaned_data)
        messages.success(request, _("Resultatet sparades."))
        return redirect("governance:self_inspection")
    return render(request, "governance/form.html", {
        "form": form, "title": check.name, "back": ("governance:self_inspection", None),
    })


def _units_for(user):
    units = visible_units(user)
    return list((units if units.exists() else organisation.units()).order_by("code"))


@require_capability("governance.view")
def statistics(request):
    today = _today()
    # Per-unit tables only where the user sees exact figures: public tables for a unit beside the public
    # table for the whole organisation could give a hidden cell by difference (linked tables).
    units = [u for u in _units_for(request.user) if sees_exact_figures_for(request.user, [u.pk])]
    initial = {"years": f"{today.year - 3}-{today.year}", "months": f"1-{max(1, today.month - 1)}"}
    form = StatisticsForm(request.GET or None, units=units, initial=initial)
    view = None
    exact = False
    if form.is_bound and form.is_valid():
        unit = next((u for u in units if u.code == form.cleaned_data["unit"]), None)
        unit_ids = [unit.pk] if unit else None
        exact = sees_exact_figures_for(request.user, unit_ids) and not form.cleaned_data["public"]
        view = board_report.statistics_view(years=form.cleaned_data["years"], months=form.cleaned_data["months"],
                                            unit_ids=unit_ids, exact=exact, threshold=selectors.default_threshold())
        if exact:
            record_access(by=request.user, action="view", what="Verksamhetsstatistik (exakta tal)", request=request)
    return render(request, "governance/statistics.html", {"form": form, "stats": view, "exact": exact})


@require_capability("governance.view")
def board_report_page(request):
    today = _today()
    first_day, last_day = reporting_period(today)  # the scorecard's period rule: the year in whole months
    default_period = f"{first_day:%Y-%m}..{last_day:%Y-%m}"
    form = BoardReportForm(request.GET or None, initial={"period": default_period})
    report = None
    if form.is_bound and form.is_valid():
        exact = sees_exact_figures_for(request.user, None) and not form.cleaned_data["public"]
        period = form.cleaned_data["period"]
        fmt = request.GET.get("format")
        if exact:
            record_access(by=request.user, action="export" if fmt else "view",
                          what=f"Nämndrapport {period.label} (exakta tal)", request=request)
        if fmt in ("pdf", "xlsx"):
            # Several seconds of work: a background job with a progress bar, then a private download.
            job = job_start(by=request.user, kind="board_paper",
                            label=f"Rapport till nämnden {period.label} ({fmt.upper()})",
                            runner="stabil.governance.jobs.board_paper",
                            params={"period": period.label, "exact": exact,
                                    "registration_number": form.cleaned_data["registration_number"], "fmt": fmt,
                                    "threshold": selectors.default_threshold(), "today": today.isoformat()})
            return redirect("jobs:status", job_id=job.pk)
        report = board_report.build(period=period, exact=exact,
                                    registration_number=form.cleaned_data["registration_number"], today=today,
                                    threshold=selectors.default_threshold())
    return render(request, "governance/board_report.html", {
        "form": form, "report": report, "labels": board_report.label_context(),
        "query": request.GET.urlencode(),
    })


# --- creating scorecards, goals, KPIs, plans, measures and checks ---------------------------------


def _ensure_board(user):
    return Board.objects.filter(archived_at__isnull=True).first() or services.board_get_or_create(
        by=user, code="SN", name="Socialnämnden")


@require_capability("governance.edit")
def scorecard_create(request):
    _ensure_board(request.user)
    form = ScorecardForm(request.POST or None, initial={"first_year": _today().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Scorecard.objects.filter(board=data["board"], first_year=data["first_year"]).exists():
            form.add_error("first_year", _("Nämnden har redan ett styrkort som börjar det året."))
        else:
            card = services.scorecard_create(by=request.user, board=data["board"], first_year=data["first_year"],
                                             title=data["title"], registration_number=data["registration_number"])
            for order, name in enumerate(data["perspectives"], start=1):
                services.perspective_add(by=request.user, scorecard=card, name=name, order=order)
            messages.success(request, _("Styrkortet skapades."))
            return redirect("governance:scorecard", pk=card.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("Nytt styrkort"),
                                                    "back": ("governance:index", None)})


@require_capability("governance.edit")
def goal_create(request, pk: int):
    card = get_object_or_404(Scorecard, pk=pk, archived_at__isnull=True)
    form = GoalForm(request.POST or None, scorecard=card)
    if request.method == "POST" and form.is_valid():
        services.goal_add(by=request.user, **form.cleaned_data)
        messages.success(request, _("Målet lades till."))
        return redirect("governance:scorecard", pk=card.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("Nytt mål"),
                                                    "back": ("governance:scorecard", card.pk)})


@require_capability("governance.edit")
def kpi_create(request, pk: int):
    card = get_object_or_404(Scorecard, pk=pk, archived_at__isnull=True)
    form = KpiCreateForm(request.POST or None, scorecard=card)
    if request.method == "POST" and form.is_valid():
        kpi = services.kpi_add(by=request.user, **form.cleaned_data)
        messages.success(request, _("Mätetalet lades till; ange målvärden."))
        return redirect("governance:kpi_edit", pk=kpi.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("Nytt mätetal"),
                                                    "back": ("governance:scorecard", card.pk)})


@require_capability("governance.edit")
def plan_create(request):
    _ensure_board(request.user)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Handlingsplanen skapades."))
        return redirect("governance:plan", pk=plan.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("Ny handlingsplan"),
                                                    "back": ("governance:index", None)})


@require_capability("governance.edit")
def measure_create(request, pk: int):
    plan = get_object_or_404(ActionPlan, pk=pk, archived_at__isnull=True)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.measure_add(by=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, _("Åtgärden lades till."))
        return redirect("governance:plan", pk=plan.pk)
    return render(request, "governance/form.html", {"form": form, "title": _("Ny åtgärd"),
                                                    "back": ("governance:plan", plan.pk)})


@require_capability("governance.edit")
def check_create(request):
    _ensure_board(request.user)
    form = CheckForm(request.POST or None, initial={"first_due_on": _today()})
    if request.method == "POST" and form.is_valid():
        services.check_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Kontrollen lades till i planen."))
        return redirect("governance:self_inspection")
    return render(request, "governance/form.html", {"form": form, "title": _("Ny egenkontroll"),
                                                    "back": ("governance:self_inspection", None)})


@require_capability("governance.view")
def kpi_period(request):
    """Every computed KPI for a chosen period and unit, with its definition."""
    today = _today()
    units = [u for u in _units_for(request.user) if sees_exact_figures_for(request.user, [u.pk])]
    first_day, last_day = reporting_period(today)  # the scorecard's period by default
    form = KpiPeriodForm(request.GET or None, units=units, initial={"first_day": first_day, "last_day": last_day})
    rows = None
    period = None
    if form.is_bound and form.is_valid():
        unit_codes = [form.cleaned_data["unit"]] if form.cleaned_data["unit"] else None
        unit_ids = [u.pk for u in units if unit_codes and u.code in unit_codes] or None
        exact = sees_exact_figures_for(request.user, unit_ids)
        threshold = selectors.default_threshold()
        values = selectors.computed_kpis(first_day=form.cleaned_data["first_day"],
                                         last_day=form.cleaned_data["last_day"], unit_codes=unit_codes)
        period = period_label(form.cleaned_data["first_day"], form.cleaned_data["last_day"])
        rows = []
        for value in values:
            definition = core_kpi.definition(value.kpi)
            hidden = not exact and selectors.kpi_hidden_in_public(value, threshold,
                                                                  single_unit=bool(unit_codes))
            # A sum in kronor is not a ratio: its figure is the value itself, with no numerator or denominator.
            ratio = definition.unit != core_kpi.SEK
            rows.append({"label": kpi_texts.label(value.kpi), "definition": definition,
                         "definition_text": kpi_texts.definition(value.kpi), "source": kpi_texts.source(value.kpi),
                         "value": None if hidden else value.value, "hidden": hidden, "ratio": ratio,
                         "numerator": None if hidden or not ratio else value.numerator,
                         "denominator": None if hidden or not ratio else value.denominator})
    return render(request, "governance/kpis.html", {"form": form, "rows": rows, "period": period,
                                                    "unit": form.cleaned_data.get("unit") if rows else ""})

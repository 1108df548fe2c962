"""Scenario and forecast pages (thin: reads in selectors, writes in services, maths in core)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from stabil.accounts.policy import has_capability, require_capability, sees_exact_figures_for, visible_units
from stabil.common.output import Sheet, write_xlsx
from stabil.common.periods import month_keys_label
from stabil.core import simulation as core
from stabil.core import suppression
from stabil.governance.board_report import html_to_pdf
from stabil.governance.selectors import default_threshold
from stabil.web.templatetags import stabil as formats

from . import charts, selectors, services
from .forms import ForecastForm, MeasureForm, RunForm, ScenarioCreateForm
from .models import Scenario, ScenarioMeasure

#: Outputs drawn as fan charts on the scenario page, in this order.
CHARTS = [
    ("unallocated", False), ("investigation_met_share", True), ("preliminary_assessment_met_share", True),
    ("load", False), ("staff_experienced", False), ("staff_first_year", False), ("consultants", False),
    ("leavers", False), ("cost_sek", False),
]
BAND_KEYS = ("median", "lo80", "hi80", "lo95", "hi95")
#: The usual targets' outputs as the board paper names them ("Mål: andelen utredningar i tid minst 90 %").
TARGET_LABELS = {
    "investigation_met_share": gettext_lazy("andelen utredningar i tid"),
    "preliminary_assessment_met_share": gettext_lazy("andelen förhandsbedömningar i tid"),
}


def _scenario(request, pk: int) -> Scenario:
    try:
        return selectors.scenario_for(request.user, pk)
    except Scenario.DoesNotExist:
        raise Http404 from None


def _series(result: dict, key: str) -> dict[str, list]:
    return {k: [m[key][k] for m in result["months"]] for k in BAND_KEYS}


def _summary_row(scenario: Scenario) -> dict:
    run = scenario.latest_run()
    row = {"scenario": scenario, "run": run, "measures": scenario.measures.count()}
    if run:
        s = run.result["summary"]
        row.update(
            cost=s["total_cost_sek"]["median"],
            compliance=(s.get("investigation_compliance") or {}).get("median"),
            pa_compliance=(s.get("preliminary_assessment_compliance") or {}).get("median"),
            target=s["target"]["probability"],
            unallocated_end=s["unallocated_end"]["median"],
            leavers=s["leavers_total"]["median"],
            cost_per_pp=(s.get("versus_baseline") or {}).get("cost_per_pp_sek"),
        )
    return row


@require_capability("simulation.view")
def index(request):
    scenarios = list(selectors.scenarios_for(request.user).prefetch_related("measures"))
    can_run = has_capability(request.user, "simulation.run")
    form = ScenarioCreateForm(units=visible_units(request.user).order_by("code"),
                              initial={"months": 36}) if can_run else None
    return render(request, "simulation/index.html", {
        "rows": [_summary_row(s) for s in scenarios], "form": form, "can_run": can_run,
    })


@require_capability("simulation.run")
@require_POST
def scenario_create(request):
    units = visible_units(request.user).order_by("code")
    form = ScenarioCreateForm(request.POST, units=units)
    if not form.is_valid():
        scenarios = list(selectors.scenarios_for(request.user))
        return render(request, "simulation/index.html", {
            "rows": [_summary_row(s) for s in scenarios], "form": form, "can_run": True}, status=400)
    try:
        scenario = services.scenario_create(by=request.user, unit=form.cleaned_data["unit"],
                                            name=form.cleaned_data["name"], on=timezone.localdate(),
                                            months=form.cleaned_data["months"])
    except core.ScenarioError as exc:
        messages.error(request, _("Utgångsläget kunde inte läsas: %(errors)s") % {"errors": "; ".join(exc.errors)})
        return redirect("simulation:index")
    messages.success(request, _("Scenariot skapades från enhetens personal och öppna ärenden i dag."))
    return redirect("simulation:scenario", scenario.pk)


@require_capability("simulation.view")
def scenario(request, pk: int):
    sc = _scenario(request, pk)
    run = sc.latest_run()
    pending = selectors.runs_of(sc).filter(finished_at__isnull=True, job__isnull=False).exclude(
        job__status="failed").first()
    can_run = has_capability(request.user, "simulation.run")
    measure_form = MeasureForm(initial={"start_on": sc.start_on}) if can_run else None
    return render(request, "simulation/scenario.html", _scenario_context(sc, run, pending, can_run, measure_form,
                                                                          RunForm() if can_run else None,
                                                                          user=request.user))


def _open_counts(cases: dict, exact: bool) -> dict:
    """Return open cases per phase at the start: exact, or with small counts of children suppressed."""
    counts = {k: len(v) if isinstance(v, list) else v for k, v in cases.items()}
    if exact:
        return counts
    threshold = default_threshold()
    return {k: suppression.suppress_count(int(v), threshold).to_public() for k, v in counts.items()}


def _starting_point(sc) -> dict:
    """The scenario's starting point as the scenario page and the board paper state it."""
    base = sc.base
    staff = base.get("staff", [])
    return {
        "staff_permanent": sum(g.get("count", 0) for g in staff if not g.get("consultant")),
        "staff_first_year": sum(g.get("count", 0) for g in staff
                                if not g.get("consultant") and g.get("experience_years", 5) < 1),
        "staff_consultants": sum(g.get("count", 0) for g in staff if g.get("consultant")),
        "vacancies": base.get("vacancies", 0),
        "reports_per_month": base.get("reports_per_month"), "annual_growth": base.get("annual_growth"),
        "uses_forecast": bool(base.get("inflow_forecast")),
    }


def _scenario_context(sc, run, pending, can_run, measure_form, run_form, *, user) -> dict:
    base = sc.base
    exact = sees_exact_figures_for(user, [sc.unit_id])
    context = {
        "scenario": sc, "run": run, "pending": pending, "can_run": can_run, "measure_form": measure_form,
        "run_form": run_form, "measures": list(sc.measures.select_related("action_plan_measure")),
        **_starting_point(sc),
        "open_allocated": _open_counts(base.get("open_allocated", {}), exact),
        "open_unallocated": _open_counts(base.get("open_unallocated", {}), exact),
        "phase_labels": {"preliminary_assessment": _("Förhandsbedömning"), "investigation": _("Utredning"),
                         "follow_up": _("Uppföljning")},
    }
    if run:
        result = run.result
        months = [m["month"] for m in result["months"]]
        charts_ = []
        for key, percent in CHARTS:
            series = _series(result, key)
            label = core.OUTPUT_LABELS_SV[key]
            charts_.append({
                "key": key, "label": label, "percent": percent,
                "svg": charts.fan_chart(months, series, label=f"{label}: median och 80/95 %-band per månad",
                                        percent=percent),
                "rows": [(months[i], *(series[k][i] for k in BAND_KEYS)) for i in range(len(months))],
            })
        context.update(result=result, summary=result["summary"], charts=charts_,
                       baseline=result.get("baseline"))
    return context


@require_capability("simulation.run")
@require_POST
def measure_add(request, pk: int):
    sc = _scenario(request, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_add(by=request.user, scenario=sc, **form.cleaned_data)
        except core.ScenarioError as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            messages.success(request, _("Åtgärden lades till. Kör scenariot igen för att se effekten."))
            return redirect("simulation:scenario", sc.pk)
    return render(request, "simulation/scenario.html",
                  _scenario_context(sc, sc.latest_run(), None, True, form, RunForm(), user=request.user),
                  status=400)


@require_capability("simulation.run")
@require_POST
def measure_remove(request, pk: int, measure_pk: int):
    sc = _scenario(request, pk)
    measure = get_object_or_404(ScenarioMeasure, pk=measure_pk, scenario=sc)
    services.measure_remove(by=request.user, measure=measure)
    messages.success(request, _("Åtgärden togs bort."))
    return redirect("simulation:scenario", sc.pk)


@require_capability("simulation.run")
@require_POST
def scenario_copy(request, pk: int):
    sc = _scenario(request, pk)
    copy = services.scenario_copy(by=request.user, scenario=sc, name=_("%(name)s (kopia)") % {"name": sc.name})
    return redirect("simulation:scenario", copy.pk)


@require_capability("simulation.run")
@require_POST
def scenario_run(request, pk: int):
    sc = _scenario(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        return render(request, "simulation/scenario.html",
                      _scenario_context(sc, sc.latest_run(), None, True, MeasureForm(), form, user=request.user),
                      status=400)
    try:
        services.run_start(by=request.user, scenario=sc, runs=form.cleaned_data["runs"],
                           seed=form.cleaned_data["seed"])
    except core.ScenarioError as exc:
        messages.error(request, _("Scenariot är ogiltigt: %(errors)s") % {"errors": "; ".join(exc.errors)})
    return redirect("simulation:scenario", sc.pk)


@require_capability("simulation.view")
def scenario_export(request, pk: int):
    sc = _scenario(request, pk)
    run = sc.latest_run()
    if run is None:
        raise Http404
    result = run.result
    headers = ["månad", "utfall", "median", "p10", "p90", "p2,5", "p97,5"]
    rows = [[m["month"], core.OUTPUT_LABELS_SV[k], *(m[k][b] for b in BAND_KEYS)]
            for m in result["months"] for k in core.OUTPUT_KEYS]
    s = result["summary"]
    summary_rows = [
        ["Total kostnad (kr)", *(s["total_cost_sek"][b] for b in BAND_KEYS)],
        ["Andel utredningar i tid", *((s.get("investigation_compliance") or {}).get(b) for b in BAND_KEYS)],
        ["Andel förhandsbedömningar i tid",
         *((s.get("preliminary_assessment_compliance") or {}).get(b) for b in BAND_KEYS)],
        ["Avgångar totalt", *(s["leavers_total"][b] for b in BAND_KEYS)],
        ["Ofördelade ärenden sista månaden", *(s["unallocated_end"][b] for b in BAND_KEYS)],
        ["Sannolikhet att nå målet", s["target"]["probability"], None, None, None, None],
    ]
    vb = s.get("versus_baseline")
    if vb:
        summary_rows.append(["Merkostnad mot utan åtgärder (kr)", *(vb["extra_cost_sek"][b] for b in BAND_KEYS)])
        summary_rows.append(["Förbättring (procentenheter)", *(vb["compliance_gain_pp"][b] for b in BAND_KEYS)])
        summary_rows.append(["Kostnad per procentenhet (kr)", vb["cost_per_pp_sek"], None, None, None, None])
    measures = [[m.get_kind_display(), m.label, m.start_on, m.count, float(m.cost_sek), float(m.monthly_cost_sek),
                 str(m.action_plan_measure or "")] for m in sc.measures.all()]
    title = f"{sc.name} ({sc.unit.code}), {run.runs} körningar, frö {run.seed}"
    data = write_xlsx([
        Sheet("Sammanfattning", ["mått", "median", "p10", "p90", "p2,5", "p97,5"], summary_rows, title),
        Sheet("Per månad", headers, rows, title),
        Sheet("Åtgärder", ["åtgärd", "benämning", "start", "antal", "engångskostnad", "per månad",
                           "handlingsplan"], measures, title),
    ])
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="scenario-{sc.pk}.xlsx"'
    return response


@require_capability("simulation.view")
def forecast(request):
    units = visible_units(request.user).order_by("code")
    form = ForecastForm(request.GET or None, units=units)
    unit = category = None
    series, months = "reports", 24
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        category = form.cleaned_data["category"] or None
        series = form.cleaned_data["series"] or "reports"
        months = form.cleaned_data["months"] or 24
    unit_ids = [unit.pk] if unit else list(units.values_list("pk", flat=True))
    result = selectors.forecast(series=series, unit_ids=unit_ids, category=category, on=timezone.localdate(),
                                months_ahead=months)
    doc = result.to_dict()
    # Small counts of children: suppressed without exact figures, and no forecast from a suppressed month.
    shown = selectors.forecast_disclosure(doc, exact=sees_exact_figures_for(request.user, unit_ids),
                                          threshold=default_threshold())
    forecast_rows = doc["forecast"] if shown["forecast_shown"] else []
    hist_months = [h["month"] for h in doc["history"]][-36:]
    hist = [h["value"] for h in doc["history"]][-36:]
    fmonths = [m["month"] for m in doc["forecast"]]
    bands = {k: [m[k] for m in doc["forecast"]] for k in BAND_KEYS}
    if request.GET.get("format") == "xlsx":
        rows = [[month, value, None, None, None, None, None] for month, value in shown["history"]]
        rows += [[m["month"], None, *(m[k] for k in BAND_KEYS)] for m in forecast_rows]
        if shown["forecast_shown"]:
            backtest = [[name, value] for name, value in doc["backtest"].items()] + [["vald modell", result.model]]
        else:
            backtest = [[_("Visas inte: serien har månader med för små tal"), None]]
        data = write_xlsx([
            Sheet("Prognos", ["månad", "utfall", "median", "p10", "p90", "p2,5", "p97,5"], rows,
                  f"{selectors.SERIES_LABELS[series]}, {unit.code if unit else 'alla synliga enheter'}"),
            Sheet("Backtest", ["modell", "MASE"], backtest),
        ])
        response = HttpResponse(data,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="prognos.xlsx"'
        return response
    label = f"{selectors.SERIES_LABELS[series]}: utfall och prognos med 80/95 %-intervall"
    return render(request, "simulation/forecast.html", {
        "form": form, "result": result, "doc": doc, "series_label": selectors.SERIES_LABELS[series],
        "svg": charts.fan_chart(fmonths, bands, label=label, history=hist, history_months=hist_months)
        if shown["forecast_shown"] else None,
        "rows": [(m["month"], *(m[k] for k in BAND_KEYS)) for m in forecast_rows],
        "history_rows": shown["history"][-36:], "unit": unit, "forecast_shown": shown["forecast_shown"],
        "threshold_label": default_threshold() + 1,
        "model_label": result.to_dict()["model_label"], "query": request.GET.urlencode(),
        "history_period": month_keys_label(hist_months[0], hist_months[-1]) if hist_months else "",
        "forecast_period": month_keys_label(fmonths[0], fmonths[-1]) if fmonths else "",
    })


def _board_paper_scenarios(request) -> list[Scenario]:
    chosen = request.GET.getlist("scenario")
    scenarios = selectors.scenarios_for(request.user).prefetch_related("measures")
    if chosen:
        try:
            scenarios = scenarios.filter(pk__in=[int(pk) for pk in chosen])
        except ValueError:
            raise Http404 from None
    return [s for s in scenarios if s.latest_run() is not None]


@require_capability("simulation.view")
def board_paper(request):
    """The scenarios side by side as a board paper: page, PDF (A4) or Excel, from the latest runs."""
    scenarios = _board_paper_scenarios(request)
    rows = [_summary_row(s) for s in scenarios]
    sections = []
    for row in rows:
        result = row["run"].result
        months = [m["month"] for m in result["months"]]
        figures = []
        for key, percent in (("investigation_met_share", True), ("unallocated", False), ("cost_sek", False)):
            label = core.OUTPUT_LABELS_SV[key]
            figures.append({"label": label, "svg": charts.fan_chart(
                months, _series(result, key), label=f"{row['scenario'].name}: {label}", percent=percent)})
        target = result["summary"].get("target")
        if target:
            label = TARGET_LABELS.get(target["output"]) or core.OUTPUT_LABELS_SV.get(target["output"],
                                                                               target["output"])
            shown = (formats.percent(target["value"]) if target["output"].endswith("_share")
                     else formats.number(target["value"], 1))
            target = {**target, "label": label, "value_text": shown}
        sections.append({"row": row, "measures": list(row["scenario"].measures.all()), "figures": figures,
                         "start": _starting_point(row["scenario"]), "target": target})
    fmt = request.GET.get("format", "html")
    if fmt == "xlsx":
        headers = ["scenario", "enhet", "åtgärder", "körningar", "total kostnad (median, kr)",
                   "utredningar i tid (median)", "förhandsbedömningar i tid (median)", "sannolikhet att nå målet",
                   "ofördelade sista månaden (median)", "avgångar (median)", "kostnad per procentenhet (kr)"]
        data = write_xlsx([Sheet("Scenarier", headers, [
            [r["scenario"].name, r["scenario"].unit.code, r["measures"], r["run"].runs, r.get("cost"),
             r.get("compliance"), r.get("pa_compliance"), r.get("target"), r.get("unallocated_end"),
             r.get("leavers"), r.get("cost_per_pp")] for r in rows], "Scenarier sida vid sida")])
        response = HttpResponse(data,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="scenarier.xlsx"'
        return response
    context = {"sections": sections, "rows": rows, "today": timezone.localdate()}
    if fmt == "pdf":
        html = render_to_string("simulation/board_paper_pdf.html", context, request=request)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="scenarier-namndunderlag.pdf"'
        return response
    context["query"] = request.GET.urlencode()
    return render(request, "simulation/board_paper.html", context)

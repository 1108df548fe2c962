"""Reads for the simulation area: a unit's starting point, inflow history, forecasts, visible scenarios."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace

from django.db.models import QuerySet

from stabil.accounts.policy import visible_units
from stabil.cases import selectors as case_selectors
from stabil.cases.selectors import deadline_config
from stabil.core import forecast as core_forecast
from stabil.core import simulation as core
from stabil.core import suppression
from stabil.core import workload as core_workload
from stabil.core.calendar import month_start
from stabil.core.eligibility import CASELOAD_ROLES
from stabil.governance.selectors import default_threshold
from stabil.staff.selectors import budgeted_fte_on, staff_members
from stabil.workload.selectors import (
    case_snapshots,
    current_config,
    decision_shares,
    risk_history,
    staff_capacities,
)

from .models import Scenario, ScenarioMeasure, SimulationRun

#: Case-flow phases (core.caseflow) mapped to the simulation's phases.
PHASE_MAP = {
    "preliminary_assessment": "preliminary_assessment",
    "investigation": "investigation",
    "outpatient_followup": "follow_up",
    "placement_followup": "follow_up",
    "foster_home": "follow_up",
}
SERIES = {"reports": "report_received", "investigations": "investigation_opened"}
SERIES_LABELS = {"reports": "Inkomna anmälningar", "investigations": "Inledda utredningar"}


def scenarios_for(user) -> QuerySet:
    """Return the scenarios of the units ``user`` may see."""
    return Scenario.objects.filter(unit__in=visible_units(user)).select_related("unit").order_by("unit__code", "name")


def scenario_for(user, pk: int) -> Scenario:
    """Return a visible scenario or raise Scenario.DoesNotExist."""
    return scenarios_for(user).get(pk=pk)


def runs_of(scenario: Scenario) -> QuerySet:
    return SimulationRun.objects.filter(scenario=scenario).select_related("job")


def inflow_history(*, series: str = "reports", unit_ids=None, category: str | None = None,
                   on: dt.date, months: int = 60) -> tuple[dt.date, list[float]]:
    """Return (first month, monthly counts) of reports received or investigations opened before ``on``'s month.

    The history starts at the first month with an event (at most ``months`` back) and ends with the last
    complete month; months without events count zero.
    """
    end = dt.date(on.year, on.month, 1)
    start = month_start(end, -months)
    counts = case_selectors.monthly_event_counts(SERIES[series], start, end, unit_ids=unit_ids, category=category)
    if not counts:
        return start, []
    first = min(counts)
    out = []
    m = first
    while m < end:
        out.append(float(counts.get(m, 0)))
        m = month_start(m, 1)
    return first, out


def forecast(*, series: str = "reports", unit_ids=None, category: str | None = None, on: dt.date,
             months_ahead: int = 24) -> core_forecast.ForecastResult:
    """Return the forecast of a unit's (or all units') monthly inflow from its history."""
    first, history = inflow_history(series=series, unit_ids=unit_ids, category=category, on=on)
    return core_forecast.forecast_monthly(history, first_month=first, months_ahead=months_ahead)


def forecast_disclosure(doc: dict, *, exact: bool, threshold: int) -> dict:
    """Return what of a forecast may be shown: the history months, and whether the forecast may be.

    With exact figures everything is shown. Otherwise (``core.suppression``) each month of the
    history with a count 1..threshold is shown as its label, and when any month is suppressed the
    forecast, its bands and its backtest are not shown: they are computed from every month.
    Returns ``{"history": [(month, number or label)], "forecast_shown": bool, "suppressed": bool}``.
    """
    values = [h["value"] for h in doc["history"]]
    months = [h["month"] for h in doc["history"]]
    if exact:
        history = list(zip(months, values, strict=True))
        return {"history": history, "forecast_shown": True, "suppressed": False}
    cells = suppression.suppress_series(values, threshold)
    shown = suppression.series_is_public(values, threshold)
    return {"history": [(month, cell.to_public()) for month, cell in zip(months, cells, strict=True)],
            "forecast_shown": shown, "suppressed": not shown}


def turnover_observations(units, on: dt.date, *, months: int = 24) -> list[tuple[float, float, int]]:
    """Return (load at a month's start, staff then, permanent caseworkers who left during the month) per unit
    and month over the last ``months`` months: the data ``core.simulation.calibrate_turnover`` fits."""
    observations = []
    for unit in units:
        points = risk_history(unit_id=unit.pk, on=on, months=months + 1)
        ends = [p["on"] for p in points]
        exits = list(staff_members().filter(
            unit=unit, role__in=CASELOAD_ROLES, ended_on__gt=ends[0], ended_on__lte=ends[-1],
        ).exclude(employment__in=("consultant", "summer_temp")).values_list("ended_on", flat=True))
        for before, after in zip(points, points[1:]):
            if before["load"] is None or not before["staff_count"]:
                continue
            left = sum(1 for day in exits if before["on"] < day <= after["on"])
            months_between = max((after["on"] - before["on"]).days / 30.44, 0.0)
            observations.append((float(before["load"]), before["staff_count"] * months_between, left))
    return observations


def turnover_calibration(units, on: dt.date, *, months: int = 24) -> tuple[core.TurnoverModel, str]:
    """Return the turnover model fitted to the units' own exits and loads, and a Swedish note saying how."""
    model, info = core.calibrate_turnover(turnover_observations(units, on, months=months))
    rate = f"{model.annual_rate_at_reference * 100:.0f}".replace(".", ",")
    # The note is stored with the scenario and shown to everyone who may see it, the board included:
    # a count of 1..threshold leavers is given as its suppression label (core.suppression rule 5).
    exits = suppression.suppress_leavers(int(info["exits"]), default_threshold()).label
    if info["fitted"]:
        note = (f"Personalomsättningen är kalibrerad mot enhetens {exits} avgångar under {months} månader: "
                f"{rate} % per år vid belastningen {model.reference_load:.2f}, känslighet "
                f"{model.load_sensitivity:.1f}.").replace("0.", "0,")
    elif info["observations"]:
        note = (f"För få avgångar ({exits}) för att skatta hur omsättningen beror på belastningen: "
                f"nivån ({rate} % per år) är kalibrerad, känsligheten är standardvärdet.")
    else:
        note = "Ingen historik att kalibrera personalomsättningen mot: standardvärdena används."
    return model, note


def unit_starting_point(unit, on: dt.date, *, months: int = 36, use_forecast: bool = True,
                        calibrate_turnover: bool = True) -> dict:
    """Return the core scenario dict for a unit as it stands on ``on``: its staff, open cases and inflow.

    The starting point is the unit as the workload board (``stabil report workload``) sees it on ``on``,
    so that the first simulated month's load is the board's load (docs/simulation.md, "Starting point"):

    * Staff: the people the board counts (``workload.selectors.staff_capacities``: caseworkers, team leads
      and specialists employed on the day), grouped by FTE, years of experience (the board's, rounded
      down to the half year so that no one changes experience rate), supervisees (team leads) and trainee;
      agency consultants as consultant groups with their own experience. Vacancies: budgeted FTE filled
      neither by permanent staff nor by consultants; consultants are hired into them only after the
      scenario's consultant lead time.
    * Absence: the share of the staff's case hours lost to absence recorded for the starting month.
    * Open cases: by phase, allocated when they have a main caseworker, with their age in days (from
      their pending legal deadline). Each phase's weight is the board's demand per allocated open case
      of the phase (main and co-handler weights of its work types, complexity factors), so the
      simulation's demand on day one is the board's.
    * Inflow: the forecast median of reports when there are at least 12 months of history, else the
      last year's mean with its growth on the year before.
    """
    _version, config = current_config()
    people, info = staff_capacities(on=on, unit_ids=[unit.pk])
    groups: Counter = Counter()
    consultant_groups: Counter = Counter()
    perm_fte = 0.0
    consultants = 0
    capacity_with_absence = capacity_without = 0.0
    for person in people:
        employment = info[person.staff_id].employment
        if employment == "summer_temp":
            continue  # summer temps are a measure of the simulation, not staff who stay (see the docs)
        capacity_with_absence += core_workload.capacity_hours(config, person)
        capacity_without += core_workload.capacity_hours(config, replace(person, absence_share=0.0))
        fte = max(0.05, min(1.0, round(person.fte, 2)))
        years = math.floor(max(person.experience_years, 0.0) * 2) / 2
        if employment == "consultant":
            consultants += 1
            consultant_groups[(fte, years)] += 1
            continue
        perm_fte += person.fte
        groups[(fte, years, person.supervisees, person.trainee)] += 1
    staff: list[dict] = []
    for (fte, years, supervisees, trainee), n in sorted(groups.items()):
        group = {"count": n, "fte": fte, "experience_years": years}
        if supervisees:
            group["supervisees"] = supervisees
        if trainee:
            group["trainee"] = True
        staff.append(group)
    for (fte, years), n in sorted(consultant_groups.items()):
        staff.append({"count": n, "fte": fte, "experience_years": years, "consultant": True})
    start_absence = 1.0 - capacity_with_absence / capacity_without if capacity_without > 0 else 0.0
    budget = budgeted_fte_on(on, [unit.pk]).get(unit.pk)
    vacancies = max(0, round(budget - perm_fte - consultants)) if budget else 0

    allocated: dict[str, list[int]] = {}
    unallocated: dict[str, list[int]] = {}
    hours: Counter = Counter()  # the board's demand of the allocated open cases, per simulated phase
    for snap in case_snapshots(on=on, unit_ids=[unit.pk]):
        phase = PHASE_MAP.get(snap.phase)
        if phase is None:
            continue
        # Age in the phase: days since its pending legal deadline's period began (the report for a preliminary
        # assessment, the opening for an investigation), as the case stood on ``on``; follow-up has none (0).
        since = snap.started_on.get(phase)
        age = max(0, min(core.PRE_PERIOD_DAYS - 1, (on - since).days)) if since else 0
        (allocated if snap.main else unallocated).setdefault(phase, []).append(age)
        if snap.main:
            hours[phase] += core_workload.case_hours(config, snap.assignment(core_workload.MAIN))
            if snap.co and snap.co != snap.main:
                hours[phase] += core_workload.case_hours(config, snap.assignment(core_workload.CO))

    opening, intervention = decision_shares([unit.pk], on).get(unit.pk, (None, None))
    phases = [asdict(p) for p in core.default_phases()]
    if opening is not None:
        phases[0]["next_share"] = round(opening, 3)
        phases[1]["next_share"] = round(intervention, 3)
    for p in phases:
        # the unit's own mix of work types, complexity and co-handling in the phase (placement and foster-home
        # follow-up weigh differently from outpatient follow-up; the simulation has one follow-up phase)
        if allocated.get(p["key"]):
            p["hours_per_month"] = round(hours[p["key"]] / len(allocated[p["key"]]), 3)

    first, history = inflow_history(series="reports", unit_ids=[unit.pk], on=on)
    last12 = history[-12:]
    prev12 = history[-24:-12]
    reports = sum(last12) / len(last12) if last12 else 0.0
    growth = 0.0
    if len(prev12) == 12 and sum(prev12) > 0:
        growth = max(-0.5, min(1.0, sum(last12) / sum(prev12) - 1))
    inflow: list[float] = []
    note = ""
    if use_forecast and len(history) >= 12:
        fc = core_forecast.forecast_monthly(history, first_month=first, months_ahead=min(36, months))
        inflow = [round(v, 2) for v in fc.median]
        while len(inflow) < months:  # beyond 36 months: continue the last year's level
            inflow.append(inflow[-12] if len(inflow) >= 12 else inflow[-1])
        note = f"Inflöde enligt prognos ({core_forecast.MODEL_LABELS_SV[fc.model]}, MASE {fc.mase_model or 0:.2f})."
    turnover = None
    if calibrate_turnover:
        model, turnover_note = turnover_calibration([unit], on)
        turnover = asdict(model)
        note = f"{note} {turnover_note}".strip()
    data = {
        "name": unit.name,
        "description": note,
        "start_on": dt.date(on.year, on.month, 1).isoformat(),
        "months": months,
        "reports_per_month": round(reports, 2),
        "annual_growth": round(growth, 3),
        "inflow_forecast": inflow,
        "staff": staff,
        "vacancies": vacancies,
        "start_absence_share": round(start_absence, 4),
        "phases": phases,
        "open_allocated": allocated,
        "open_unallocated": unallocated,
        "workload": config.to_dict(),
    }
    if turnover is not None:
        data["turnover"] = turnover
    if not staff:
        data["staff"] = [{"count": 0}]
    return data


def build_scenario(*, base: Mapping, name: str, months: int, start_on: dt.date,
                   measures: Sequence[Mapping] = ()) -> core.Scenario:
    """Return the typed core scenario of a starting point: the one place where a scenario of the database
    (a unit's starting point, a stored scenario and its measures) is assembled and validated.

    ``base`` is a starting point as :func:`unit_starting_point` reads it and ``Scenario.base`` stores it;
    the name, horizon and start are the scenario's own and ``measures`` its measures as core dicts. An
    inflow forecast shorter than the horizon is left out (the inflow then follows the last year's level and
    growth). Deadlines are judged by the municipality's deadline rules as they are now
    (``cases`` ``deadline_config``), like the case pages. Raises ``core.ScenarioError`` naming every bad
    field in Swedish.
    """
    data = {key: value for key, value in base.items() if value is not None}
    data.update(name=name, months=months, start_on=start_on.isoformat(), measures=list(measures))
    if data.get("inflow_forecast") and len(data["inflow_forecast"]) < months:
        data.pop("inflow_forecast")
    return core.scenario_from_dict(data, deadline_config=deadline_config())


def unit_scenario(unit, on: dt.date, *, months: int = 36) -> core.Scenario:
    """Return the core scenario of a unit's starting point on ``on`` (``stabil simulate --unit``)."""
    base = unit_starting_point(unit, on, months=months)
    return build_scenario(base=base, name=base["name"], months=months,
                          start_on=dt.date.fromisoformat(base["start_on"]))


def measure_data(measure: ScenarioMeasure) -> dict:
    """Return a stored measure as the core scenario's measure dict."""
    return {
        "kind": measure.kind, "start_on": measure.start_on.isoformat(), "count": measure.count,
        "experienced": measure.experienced, "weeks": measure.weeks, "months": measure.months,
        "conversion_share": measure.conversion_share, "sek_per_month": float(measure.sek_per_month),
        "cap": measure.cap, "turnover_factor": measure.turnover_factor, "cost_sek": float(measure.cost_sek),
        "monthly_cost_sek": float(measure.monthly_cost_sek), "label": measure.label,
        "action_plan_measure": str(measure.action_plan_measure) if measure.action_plan_measure_id else "",
    }


def core_scenario(scenario: Scenario) -> core.Scenario:
    """Return a stored scenario as the core scenario: its starting point and its measures (``build_scenario``)."""
    return build_scenario(base=scenario.base, name=scenario.name, months=scenario.months,
                          start_on=scenario.start_on, measures=[measure_data(m) for m in scenario.measures.all()])


def scenarios_of_units(unit_ids) -> QuerySet:
    """The scenarios of these units (pks), by unit and name: what an API client of those units reads (issue 14)."""
    return Scenario.objects.filter(unit_id__in=list(unit_ids)).select_related("unit").order_by("unit__code", "name")

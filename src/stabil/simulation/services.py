"""Writes for the simulation area: scenarios, their measures and runs (keyword-only, ``by`` = acting user)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from stabil.core import simulation as core
from stabil.jobs.services import job_start

from . import selectors
from .models import Scenario, ScenarioMeasure, SimulationRun

MAX_RUNS = 5000


@transaction.atomic
def scenario_create(*, by, unit, name: str, on: dt.date, months: int = 36, description: str = "",
                    base: dict | None = None) -> Scenario:
    """Create a scenario starting from the unit as it stands on ``on`` (or from a given core dict).

    The starting point is built into a typed core scenario first (``selectors.build_scenario``, which
    raises ``core.ScenarioError`` naming each bad field), exactly as every later run builds it.
    """
    data = base if base is not None else selectors.unit_starting_point(unit, on, months=months)
    start = dt.date.fromisoformat(data["start_on"]) if isinstance(data.get("start_on"), str) else on
    selectors.build_scenario(base=data, name=name, months=months, start_on=start)
    return Scenario.objects.create(name=name, description=description or data.get("description", ""), unit=unit,
                                   start_on=start, months=months, base=data, created_by=by)


@transaction.atomic
def scenario_copy(*, by, scenario: Scenario, name: str) -> Scenario:
    """Create a copy of a scenario with its measures (to compare a variant side by side)."""
    copy = Scenario.objects.create(name=name, description=scenario.description, unit=scenario.unit,
                                   start_on=scenario.start_on, months=scenario.months, base=scenario.base,
                                   created_by=by)
    for m in scenario.measures.all():
        m.pk = None
        m.scenario = copy
        m.save()
    return copy


@transaction.atomic
def measure_add(*, by, scenario: Scenario, **fields) -> ScenarioMeasure:
    """Add a measure; the whole scenario is validated by the core before anything is stored."""
    measure = ScenarioMeasure(scenario=scenario, **fields)
    measure.save()
    try:
        selectors.core_scenario(scenario)
    except core.ScenarioError:
        transaction.set_rollback(True)
        raise
    return measure


@transaction.atomic
def measure_remove(*, by, measure: ScenarioMeasure) -> None:
    measure.delete()


@transaction.atomic
def scenario_delete(*, by, scenario: Scenario) -> None:
    scenario.delete()


def run_start(*, by, scenario: Scenario, runs: int = 1000, seed: int = 1) -> SimulationRun:
    """Queue a run of the scenario as a background job and return it (its job shows the progress)."""
    if not 1 <= runs <= MAX_RUNS:
        raise core.ScenarioError([f"runs: ska vara 1–{MAX_RUNS}"])
    selectors.core_scenario(scenario)  # fail now, not in the worker, when the scenario is invalid
    with transaction.atomic():
        run = SimulationRun.objects.create(scenario=scenario, runs=runs, seed=seed, created_by=by)
        job = job_start(by=by, kind="simulation", label=f"Simulering: {scenario.name}",
                        runner="stabil.simulation.jobs.run_scenario", params={"run_id": run.pk})
        run.job = job
        run.save(update_fields=["job"])
    run.refresh_from_db()
    return run


def run_execute(*, run: SimulationRun, progress=None) -> dict:
    """Simulate a run's scenario (with its baseline when it has measures) and store the result."""
    scenario = run.scenario
    sc = selectors.core_scenario(scenario)
    result = core.simulate(sc, runs=run.runs, seed=run.seed, with_baseline=bool(sc.measures),
                           progress=(lambda f: progress(f, "simulerar")) if progress else None)
    data = result.to_dict()
    if result.baseline is not None:
        data["baseline"] = {
            "summary": result.baseline.summary(),
            "months": result.baseline.to_dict()["months"],
        }
    run.result = data
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "finished_at"])
    return data

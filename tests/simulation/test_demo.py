"""The demo's scenarios: Uppsala's nine measures, a baseline and the whole plan, every one already run."""

import datetime as dt
import io
import random

import pytest

TODAY = dt.date(2026, 11, 24)


@pytest.mark.django_db
def test_demo_runs_every_uppsala_scenario(monkeypatch):
    from stabil.cases import demo as cases_demo
    from stabil.demo.generator import DemoContext
    from stabil.governance import demo as governance_demo
    from stabil.organisation import demo as organisation_demo
    from stabil.simulation import demo
    from stabil.simulation.models import Scenario, SimulationRun
    from stabil.staff import demo as staff_demo
    from stabil.workload import demo as workload_demo

    monkeypatch.setattr(cases_demo, "DEMO_CASES", 1200)
    monkeypatch.setattr(demo, "DEMO_RUNS", 10)
    ctx = DemoContext(seed=5, today=TODAY, rng=random.Random(5), stream=io.StringIO())
    for step in (organisation_demo, staff_demo, cases_demo, workload_demo, governance_demo, demo):
        step.build(ctx)

    scenarios = Scenario.objects.all()
    assert scenarios.count() == 11  # baseline, nine measures, the whole plan
    runs = SimulationRun.objects.filter(runs=10)
    assert set(runs.values_list("scenario_id", flat=True)) == set(scenarios.values_list("pk", flat=True))
    assert all(run.finished_at and run.result for run in runs)
    whole = scenarios.get(name__contains="hela handlingsplanen")
    assert whole.measures.count() == 9
    assert whole.measures.filter(action_plan_measure__isnull=False).count() == 9

"""Demo scenarios: Uppsala's nine-point action plan (seed 000) as ready scenarios for the investigation unit.

Runs last in ``stabil.demo.generator.STEPS``. Each scenario starts from the demo unit BU-UTR as it stands
on ``ctx.today`` (its staff and open cases), and carries one of Uppsala's measures, dated from today
rather than 2015, linked to the governance step's action-plan measure of the same number. The baseline
(no measures), each measure and the whole plan are run at once with a modest number of runs, so the
side-by-side table a board member opens has every figure from the start.
"""

from __future__ import annotations

import datetime as dt

from stabil.core.calendar import month_start
from stabil.governance.selectors import plan_measures_by_number

from . import services
from .models import ScenarioMeasure

UNIT = "BU-UTR"
DEMO_RUNS = 200

# (number, name, measure fields with start as months after the scenario's start, assumption note)
UPPSALA = [
    (1, "Sex erfarna socialsekreterare", dict(kind="hire", count=6, experienced=True), 2),
    (2, "Åtta sommarvikarier", dict(kind="summer_temps", count=8, weeks=8), None),
    (3, "Tio trainees", dict(kind="trainees", count=10, months=12, conversion_share=0.7), 5),
    (4, "Utökat chefsstöd", dict(kind="retention", turnover_factor=0.97, cost_sek=500_000), 5),
    (5, "Tre specialisthandläggare", dict(kind="specialists", count=3), 5),
    (6, "Utvecklingsledare", dict(kind="retention", turnover_factor=0.99, cost_sek=200_000), 5),
    (7, "Utbildning i Signs of Safety", dict(kind="retention", turnover_factor=0.97, cost_sek=500_000), 5),
    (8, "Kultur och värdegrund", dict(kind="retention", turnover_factor=0.97, cost_sek=500_000), 1),
    (9, "En administratör", dict(kind="admin_support", count=1), 5),
]


def _start(scenario_start: dt.date, offset: int | None) -> dt.date:
    if offset is None:  # summer temps: the next 1 June
        year = scenario_start.year if scenario_start.month < 6 else scenario_start.year + 1
        return dt.date(year, 6, 1)
    return month_start(scenario_start, offset)


def build(ctx) -> None:
    unit = ctx.units.get(UNIT)
    if unit is None:
        return
    plan_measures = plan_measures_by_number("-0081")
    baseline = services.scenario_create(by=None, unit=unit, name="Uppsala: utan åtgärder", on=ctx.today,
                                        description="Utgångsläget utan åtgärder, att jämföra med.")
    base = baseline.base
    whole = services.scenario_create(by=None, unit=unit, name="Uppsala: hela handlingsplanen (5 mnkr)",
                                     on=ctx.today, base=base, description="Alla nio åtgärderna i Uppsalas plan.")
    scenarios = [baseline]
    for number, name, fields, offset in UPPSALA:
        scenario = services.scenario_create(by=None, unit=unit, name=f"Uppsala {number}: {name}", on=ctx.today,
                                            base=base, description=f"Åtgärd {number} i Uppsalas handlingsplan.")
        for target in (scenario, whole):
            ScenarioMeasure.objects.create(scenario=target, start_on=_start(scenario.start_on, offset), label=name,
                                           action_plan_measure=plan_measures.get(number), **fields)
        scenarios.append(scenario)
    scenarios.append(whole)
    ctx.progress(f"simulering: kör {len(scenarios)} scenarier med {DEMO_RUNS} körningar …")
    for scenario in scenarios:
        run = services.SimulationRun.objects.create(scenario=scenario, runs=DEMO_RUNS, seed=1)
        services.run_execute(run=run)
    ctx.data["simulation"] = {"scenarios": 2 + len(UPPSALA)}

"""Stochastic scenario simulation of a unit's case flow and workforce, vectorised over runs.

Pure Python + NumPy, no Django. One call simulates ``runs`` independent futures of one unit (or
department) day by day; every state variable is an array whose first axis is the run, so 1,000
runs cost little more than one. The model and every default are documented in
``docs/simulation.md``; the defaults are assumptions a municipality calibrates.

Case flow, per day:

* reports arrive as a Poisson process whose monthly mean follows the scenario's growth and
  seasonality (or an inflow forecast);
* each phase (preliminary assessment -> investigation -> follow-up of an intervention) holds a case
  for a random duration (gamma; geometric, the discrete exponential, when ``shape == 1``);
* a case waits **unallocated** (FIFO) until the unit has both a free caseload slot (caseload cap x
  the FTE of staff who may be main handler) and free case hours (the workload model's weight for the
  phase against the staff's case hours); phases are served in flow order, most urgent first;
* the deadline of each case is known when it is allocated: it is met when the wait plus the
  duration ends on or before the legal due date from :mod:`stabil.core.deadlines` (the one home of
  the legal rules: SoL 2001:453 11 kap 1 a § and 2 §, SoL 2025:400 20 kap 2-3 §§).

Workforce, per month: permanent staff gain experience (first-year graduates are co-handlers only:
hours but no caseload slots), leave with a probability that rises with last month's load (the
vicious circle, seed 001), vacancies are recruited with a lead time and a success rate and covered
meanwhile by agency consultants (about twice the cost, seed 001) once they have been open for the
consultant lead time, sick leave and summer vacation take capacity, and measures (hires, summer temps,
trainees, specialists, admin support, pay rise, retention work, consultant cap, lower caseload cap)
change all of this from their start dates. Staff hours follow the workload model's capacity rules
(experience and trainee rates, supervision, consultants by experience), so a scenario read from a unit
starts at the workload board's load.

Same seed, same scenario and same number of runs give the same result.

The modules:

========================  =========================================================================
``scenario``              the scenario's types (frozen dataclasses) and their defaults
``reader``                a scenario from a dict, TOML or JSON, validated, defaults from the dataclasses
``engine``                :func:`simulate`: the month and day loop
``workforce``             staff per run: leavers, recruitment, consultants, hours, slots, cost
``turnover``              the turnover model and its calibration
``measures``              what each measure does month by month, and the assumptions behind it
``queues``                the case flow's state: queues, arrival days, scheduled completions
``results``               per-run monthly outputs, phase statistics and bands
``validation``            the M/M/c special case checked against Erlang C
``sweep``                 every combination of measures, here or on a Dask cluster
========================  =========================================================================
"""

from .engine import simulate
from .measures import (
    CASEWORKERS_PER_ADMIN,
    MENTOR_EXPERIENCE_SPEEDUP,
    MENTOR_NEW_STAFF_TURNOVER_FACTOR,
    PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK,
    PAYROLL_OVERHEAD,
    SPECIALIST_CASE_SHARE,
    SUMMER_TEMP_RATE,
)
from .reader import load_scenario, scenario_from_dict
from .results import PhaseStats, SimulationResult, bands
from .scenario import (
    DEFAULT_CASELOAD_CAP_PER_FTE,
    DEFAULT_CONSULTANT_LEAD_MONTHS,
    DEFAULT_MONTHLY_COST_SEK,
    DEFAULT_SEASONALITY,
    DEFAULT_SICK_LEAVE_SHARE,
    DEFAULT_VACATION_SHARE,
    HORIZON_BUFFER_DAYS,
    MEASURE_KINDS,
    MEASURE_LABELS_SV,
    OUTPUT_KEYS,
    OUTPUT_LABELS_SV,
    PRE_PERIOD_DAYS,
    Measure,
    Phase,
    Scenario,
    ScenarioError,
    StaffGroup,
    Target,
    default_phases,
    month_starts,
)
from .sweep import dask_available, measure_combinations, summarise, sweep
from .turnover import TurnoverModel, calibrate_turnover
from .validation import MMcCheck, mmc_check, mmc_scenario
from .workforce import CONSULTANT_RATE, EXPERIENCED_HIRE_YEARS

__all__ = [
    "CASEWORKERS_PER_ADMIN",
    "CONSULTANT_RATE",
    "DEFAULT_CASELOAD_CAP_PER_FTE",
    "DEFAULT_CONSULTANT_LEAD_MONTHS",
    "DEFAULT_MONTHLY_COST_SEK",
    "DEFAULT_SEASONALITY",
    "DEFAULT_SICK_LEAVE_SHARE",
    "DEFAULT_VACATION_SHARE",
    "EXPERIENCED_HIRE_YEARS",
    "HORIZON_BUFFER_DAYS",
    "MEASURE_KINDS",
    "MEASURE_LABELS_SV",
    "MENTOR_EXPERIENCE_SPEEDUP",
    "MENTOR_NEW_STAFF_TURNOVER_FACTOR",
    "OUTPUT_KEYS",
    "OUTPUT_LABELS_SV",
    "PAYROLL_OVERHEAD",
    "PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK",
    "PRE_PERIOD_DAYS",
    "SPECIALIST_CASE_SHARE",
    "SUMMER_TEMP_RATE",
    "MMcCheck",
    "Measure",
    "Phase",
    "PhaseStats",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "StaffGroup",
    "Target",
    "TurnoverModel",
    "bands",
    "calibrate_turnover",
    "dask_available",
    "default_phases",
    "load_scenario",
    "measure_combinations",
    "mmc_check",
    "mmc_scenario",
    "month_starts",
    "scenario_from_dict",
    "simulate",
    "summarise",
    "sweep",
]

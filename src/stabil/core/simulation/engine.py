"""The engine: a scenario simulated ``runs`` times, month by month for the staff and day by day for cases.

Each month the workforce (``workforce.py``) moves on and says what the staff can take; each day reports
arrive, cases complete and move on to the next phase, and unallocated cases are allocated within the free
caseload slots and case hours (``queues.py``). The model is documented in docs/simulation.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from .measures import MeasurePlan
from .queues import CaseQueues
from .results import SimulationResult
from .scenario import OUTPUT_KEYS, Scenario, ScenarioError, month_starts
from .workforce import Workforce

#: Present hours below this count as none when the load is computed (a unit with nobody present).
MIN_PRESENT_HOURS = 1e-9


def simulate(
    scenario: Scenario,
    *,
    runs: int = 1000,
    seed: int = 0,
    months: int | None = None,
    progress: Callable[[float], None] | None = None,
    with_baseline: bool = False,
    initial_counts: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> SimulationResult:
    """Run the scenario ``runs`` times and return the per-run monthly outputs.

    progress(fraction) is called about once per simulated month. with_baseline also runs the scenario
    without measures on the same random numbers (common random numbers), for the cost per
    percentage point. initial_counts overrides, per phase, the open cases as per-run arrays
    (allocated, unallocated) of age zero (used to start the M/M/c validation in its steady state).
    """
    if months is not None:
        scenario = replace(scenario, months=months)
    if scenario.inflow_forecast and len(scenario.inflow_forecast) < scenario.months:
        raise ScenarioError([(f"inflow_forecast: räcker till {len(scenario.inflow_forecast)} månader, "
                              f"simuleringen gäller {scenario.months}; kortare period eller längre prognos")])
    if runs < 1:
        raise ScenarioError(["runs: ska vara minst 1"])
    first_half = progress
    if with_baseline and progress:
        def first_half(fraction: float) -> None:
            progress(fraction / 2)
    result = Engine(scenario, runs=runs, seed=seed, initial_counts=initial_counts, progress=first_half).run()
    if with_baseline:
        def second_half(fraction: float) -> None:
            progress(0.5 + fraction / 2)
        result.baseline = Engine(scenario.without_measures(), runs=runs, seed=seed, initial_counts=initial_counts,
                                 progress=second_half if progress else None).run()
    return result


def inflow_means(scenario: Scenario, months: list) -> np.ndarray:
    """Return the mean number of reports of each simulated month (the forecast, else growth x season)."""
    if scenario.inflow_forecast:
        return np.asarray(scenario.inflow_forecast[: scenario.months], dtype=float)
    season = np.asarray(scenario.seasonality, dtype=float)
    season = season / season.mean() if season.mean() > 0 else np.ones(12)
    return np.array([
        scenario.reports_per_month * (1 + scenario.annual_growth) ** (index / 12.0) * season[month.month - 1]
        for index, month in enumerate(months)
    ])


class Engine:
    """One simulation of a scenario over ``runs`` runs from one seed."""

    def __init__(self, scenario: Scenario, *, runs: int, seed: int,
                 initial_counts: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 progress: Callable[[float], None] | None = None):
        self.scenario = scenario
        self.runs = runs
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.progress = progress
        self.initial_counts = initial_counts or {}
        self.months = month_starts(scenario.start_on, scenario.months)
        self.first_day = self.months[0]
        self.end_day = month_starts(self.months[-1], 2)[1]
        self.days = (self.end_day - self.first_day).days

    def run(self) -> SimulationResult:
        scenario, runs, rng = self.scenario, self.runs, self.rng
        month_count = scenario.months
        outputs = {key: np.zeros((runs, month_count)) for key in OUTPUT_KEYS}
        plan = MeasurePlan(scenario, self.months)
        workforce = Workforce(scenario, runs=runs, rng=rng, plan=plan, outputs=outputs)
        queues = CaseQueues(scenario, runs=runs, rng=rng, first_day=self.first_day, days=self.days,
                            months=self.months, initial_counts=self.initial_counts)
        phases = scenario.phases
        phase_count = len(phases)
        hours_per_case = queues.hours_per_case
        counts_toward_cap = queues.counts_toward_cap
        no_cases = np.zeros(runs, dtype=np.int64)
        inflow = inflow_means(scenario, self.months)
        load_last_month = np.full(runs, scenario.turnover.reference_load)
        day = 0
        for month, month_start in enumerate(self.months):
            days_in_month = calendar.monthrange(month_start.year, month_start.month)[1]
            capacity = workforce.start_month(month, load_last_month)
            vacation = scenario.vacation_share[month_start.month - 1]
            present_hours = capacity.case_hours * (1.0 - capacity.sick_share)
            available_hours = present_hours * (1.0 - vacation)
            anyone_present = present_hours > 0
            present_hours_floor = np.maximum(present_hours, MIN_PRESENT_HOURS)
            reports_per_day = inflow[month] / days_in_month
            load_sum = np.zeros(runs)
            met_in_month = np.zeros((phase_count, runs))
            completed_in_month = np.zeros((phase_count, runs))
            reports = np.zeros(runs, dtype=np.int64)
            for _ in range(days_in_month):
                # reports arrive; cases complete, and some go on to the next phase's queue the same day
                incoming = rng.poisson(reports_per_day, runs) if reports_per_day > 0 else no_cases
                reports += incoming
                for index, phase in enumerate(phases):
                    done, met = queues.complete(index, day)
                    met_in_month[index] += met
                    completed_in_month[index] += done
                    if index + 1 < phase_count and phase.next_share > 0 and done.any():
                        moving_on = rng.binomial(done, phase.next_share)
                    else:
                        moving_on = no_cases
                    queues.arrive(index, incoming, day, month)
                    incoming = moving_on
                # allocation, most urgent phase first, within free slots and free case hours
                in_progress = queues.in_progress
                free_hours = available_hours - (in_progress * hours_per_case[:, None]).sum(axis=0)
                free_slots = capacity.caseload_slots - in_progress[counts_toward_cap].sum(axis=0)
                for index, phase in enumerate(phases):
                    queue = queues.arrived[index] - queues.taken[index]
                    allocate = queue
                    if counts_toward_cap[index]:
                        allocate = np.minimum(allocate, np.maximum(free_slots, 0))
                    hours = hours_per_case[index]
                    if hours > 0:
                        allocate = np.minimum(allocate, np.maximum(np.floor(free_hours / hours), 0).astype(np.int64))
                    if allocate.any():
                        queues.allocate(index, allocate, day)
                        free_hours -= allocate * hours
                        if counts_toward_cap[index]:
                            free_slots -= allocate
                    queues.stats[phase.key].queue_days_total += queue - allocate
                # load: the hours of every open case, allocated or waiting, against the hours present
                demand = ((queues.in_progress + queues.queued()) * hours_per_case[:, None]).sum(axis=0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    load_sum += np.where(anyone_present, demand / present_hours_floor, 0.0)
                day += 1
            load = load_sum / days_in_month
            load_last_month = load
            queued = queues.queued()
            outputs["reports"][:, month] = reports
            outputs["load"][:, month] = load
            outputs["unallocated"][:, month] = queued.sum(axis=0)
            for index, phase in enumerate(phases):
                key = f"unallocated_{phase.key}"
                if key in outputs:
                    outputs[key][:, month] = queued[index]
                with np.errstate(divide="ignore", invalid="ignore"):
                    share = np.where(completed_in_month[index] > 0,
                                     met_in_month[index] / np.maximum(completed_in_month[index], 1), np.nan)
                if phase.deadline == "preliminary_assessment":
                    outputs["preliminary_assessment_met_share"][:, month] = share
                elif phase.deadline == "investigation":
                    outputs["investigation_met_share"][:, month] = share
            if self.progress:
                self.progress((month + 1) / month_count)
        if not any(phase.deadline == "preliminary_assessment" for phase in phases):
            outputs["preliminary_assessment_met_share"][:] = np.nan
        if not any(phase.deadline == "investigation" for phase in phases):
            outputs["investigation_met_share"][:] = np.nan
        return SimulationResult(
            scenario=scenario, runs=runs, seed=self.seed, month_starts=self.months, monthly=outputs,
            phase_stats=queues.phase_stats(), met=queues.met, completed=queues.completed,
        )

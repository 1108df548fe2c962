"""Validation helpers: the M/M/c special case of the model, checked against Erlang C (core/queueing.py).

Used by ``tests/core/test_simulation_validation.py`` and documented in docs/simulation.md ("Validation").
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from stabil.core import queueing

from .engine import simulate
from .scenario import Phase, Scenario, StaffGroup, month_starts
from .turnover import TurnoverModel


def mmc_scenario(*, load: float, servers: int, mean_days: float, months: int,
                 start_on: date = date(2025, 1, 1)) -> Scenario:
    """Return the scenario that is an M/M/c queue: Poisson reports at a constant daily rate, one phase
    with exponential (geometric in whole days) durations, ``servers`` caseload slots, nobody leaving
    or joining, no sick leave or vacation, and no case-hours limit."""
    rate_per_day = load * servers / mean_days
    months_list = month_starts(start_on, months)
    inflow = tuple(rate_per_day * calendar.monthrange(m.year, m.month)[1] for m in months_list)
    return Scenario(
        name=f"M/M/{servers}, belastning {load}", start_on=start_on, reports_per_month=0.0,
        staff=(StaffGroup(count=servers, experience_years=5.0),), months=months, inflow_forecast=inflow,
        vacation_share=(0.0,) * 12, sick_leave_share=0.0, caseload_cap_per_fte=1.0,
        turnover=TurnoverModel(annual_rate_at_reference=0.0), consultants_fill_vacancies=False,
        phases=(Phase("case", mean_days=mean_days, shape=1.0, hours_per_month=0.0, counts_toward_cap=True),),
    )


@dataclass(frozen=True)
class MMcCheck:
    """The simulated mean wait of an M/M/c queue beside Erlang C's."""

    load: float
    servers: int
    mean_days: float
    runs: int
    erlang_c_wait_days: float
    simulated_wait_days: float
    standard_error_days: float
    mean_unallocated: float
    arrival_rate_per_day: float
    littles_law_wait_days: float

    @property
    def relative_error(self) -> float:
        """Return (simulated - Erlang C) / Erlang C."""
        return self.simulated_wait_days / self.erlang_c_wait_days - 1.0


def mmc_check(*, load: float, servers: int, mean_days: float, runs: int, months: int, seed: int = 1,
              batches: int = 1) -> MMcCheck:
    """Simulate the M/M/c special case and estimate its steady-state mean wait before allocation.

    Runs start in the queue's stationary distribution (so no warm-up biases the estimate). The
    estimate pools the waits of cases arriving in the first half of the horizon (all of them are
    allocated before it ends) and divides by the expected number of such arrivals (rate x days),
    which is unbiased; the number of arrivals and the initial number in the system, whose means
    are known, are used as control variates to cut the variance (ordinary regression adjustment).
    Batches of runs use seeds seed, seed+1, ... to bound memory.
    """
    scenario = mmc_scenario(load=load, servers=servers, mean_days=mean_days, months=months)
    service_rate = 1.0 / mean_days
    arrival_rate = load * servers * service_rate
    stationary = np.asarray(queueing.stationary_distribution(arrival_rate, service_rate, servers))
    stationary = stationary / stationary.sum()
    mean_in_system = float((np.arange(stationary.size) * stationary).sum())
    half = months // 2
    days_half = sum(calendar.monthrange(m.year, m.month)[1] for m in month_starts(scenario.start_on, half))
    estimates, controls, queue_days, arrivals, days = [], [], 0.0, 0.0, 0
    per_batch = -(-runs // batches)
    for batch in range(batches):
        rng = np.random.default_rng([seed, batch, 7])
        in_system = rng.choice(stationary.size, size=per_batch, p=stationary)
        result = simulate(scenario, runs=per_batch, seed=seed + batch,
                          initial_counts={"case": (np.minimum(in_system, servers),
                                                   np.maximum(in_system - servers, 0))})
        stats = result.phase_stats["case"]
        waits = stats.wait_days_by_arrival_month[:, :half].sum(axis=1)
        arrived = stats.arrivals_by_month[:, :half].sum(axis=1)
        estimates.append(waits / (arrival_rate * days_half))
        controls.append(np.column_stack([arrived - arrival_rate * days_half, in_system - mean_in_system]))
        queue_days += float(stats.queue_days_total.sum())
        arrivals += float(stats.arrivals.sum())
        days += stats.days * per_batch
    estimate = np.concatenate(estimates)
    control = np.concatenate(controls)
    centred = control - control.mean(axis=0)
    coefficients = np.linalg.lstsq(centred, estimate - estimate.mean(), rcond=None)[0]
    adjusted = estimate - control @ coefficients
    mean_unallocated = queue_days / days
    rate = arrivals / days
    return MMcCheck(
        load=load, servers=servers, mean_days=mean_days, runs=per_batch * batches,
        erlang_c_wait_days=queueing.mean_wait(arrival_rate, service_rate, servers),
        simulated_wait_days=float(adjusted.mean()),
        standard_error_days=float(adjusted.std(ddof=control.shape[1] + 1) / math.sqrt(adjusted.size)),
        mean_unallocated=mean_unallocated, arrival_rate_per_day=rate,
        littles_law_wait_days=mean_unallocated / rate if rate else math.nan,
    )



"""The case flow's state over runs: who waits unallocated in each phase, since when, and when cases end.

Every array has a run axis, so one NumPy operation moves every run one step. The bookkeeping, per phase:

* **arrivals** are counted cumulatively per run (``arrived``); the cases allocated so far are the first
  ``taken`` of them (FIFO), so the queue is ``arrived - taken``;
* **when each case arrived** is kept as one sorted key per run and day on the *day axis* (the open cases'
  ages before the start, then the horizon): ``arrival_keys[run x axis_days + day] = run x RUN_STRIDE +
  cases arrived up to that day``, so the day case number n of a run arrived is found by a search that
  never leaves the run's own stretch of keys;
* **completions** are scheduled in two ring buffers indexed by (due day mod ``ring_days``) x runs + run:
  all completions and those that met their deadline, which is judged when a case is allocated (its wait
  plus its drawn duration against the legal due date for the day its clock started).

The random draws happen in a fixed order (open cases at the start, then per day and phase), so the
same seed gives the same result.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np

from stabil.core import deadlines

from .results import PhaseStats
from .scenario import HORIZON_BUFFER_DAYS, PRE_PERIOD_DAYS, Phase, Scenario

#: Keys of different runs are this far apart on the arrival-key axis (more cases than any run can have).
RUN_STRIDE = np.int64(1) << 40
#: The arrival look-up first counts within this many days after the last allocated case's arrival.
LOOKUP_WINDOW_DAYS = 8
#: A set of due days is counted densely (a histogram over its span) when its span is at most
#: DENSE_SPAN_PER_CASE x cases + DENSE_SPAN_BASE positions; sparser sets are counted by their unique values.
DENSE_SPAN_PER_CASE = 32
DENSE_SPAN_BASE = 4096
#: A phase without a deadline has one this many days away (never reached).
NO_DEADLINE_DAYS = 10**9


def deadline_offsets(rule: str | None, first: date, n_days: int, config: deadlines.DeadlineConfig) -> np.ndarray:
    """Return, per start day from ``first``, the number of days until the legal due date (inclusive)."""
    if rule is None:
        return np.full(n_days, NO_DEADLINE_DAYS, dtype=np.int64)
    due = deadlines.preliminary_assessment_due if rule == "preliminary_assessment" else deadlines.investigation_due
    out = np.empty(n_days, dtype=np.int64)
    for index in range(n_days):
        day = first + timedelta(days=index)
        out[index] = (due(day, config) - day).days
    return out


def days_to_deadline(scenario: Scenario, first_day: date, days: int) -> list[np.ndarray]:
    """Return, per phase, the days from each start day on the day axis to its deadline: the axis covers the
    pre-period before ``first_day``, the ``days`` of the horizon and the completion ring beyond it."""
    pre_days = pre_period_days(scenario)
    axis_start = first_day - timedelta(days=pre_days)
    return [deadline_offsets(phase.deadline, axis_start, pre_days + days + 1 + HORIZON_BUFFER_DAYS,
                             scenario.deadline_config) for phase in scenario.phases]


def pre_period_days(scenario: Scenario) -> int:
    """Return the days of the day axis before the start: the oldest open case's age, plus two."""
    ages = [age for phase_ages in (*scenario.open_allocated.values(), *scenario.open_unallocated.values())
            for age in phase_ages]
    return min(max(ages, default=0), PRE_PERIOD_DAYS - 1) + 2


def hours_per_case(scenario: Scenario) -> np.ndarray:
    """Return each phase's hours a month per open case (its own, else the workload model's main weight)."""
    return np.array([
        phase.hours_per_month if phase.hours_per_month is not None
        else scenario.workload.weight("main", phase.work_type)
        for phase in scenario.phases
    ])


def sample_days(rng: np.random.Generator, phase: Phase, size: int) -> np.ndarray:
    """Return whole-day durations >= 1 with the phase's mean (geometric for shape 1, rounded gamma else)."""
    if phase.shape == 1.0:
        return rng.geometric(min(1.0, 1.0 / phase.mean_days), size)
    draws = rng.gamma(phase.shape, phase.mean_days / phase.shape, size)
    days = np.rint(draws).astype(np.int64)
    np.maximum(days, 1, out=days)
    return days


class CaseQueues:
    """The open cases of every phase in every run: queues, arrival days and scheduled completions."""

    def __init__(self, scenario: Scenario, *, runs: int, rng: np.random.Generator, first_day: date, days: int,
                 months: list[date], initial_counts: Mapping[str, tuple[np.ndarray, np.ndarray]]):
        self.scenario = scenario
        self.phases = scenario.phases
        self.runs = runs
        self.rng = rng
        self.days = days
        self.pre_days = pre_days = pre_period_days(scenario)
        self.axis_days = pre_days + days + 1
        ring_days = HORIZON_BUFFER_DAYS
        self.run_offsets = np.arange(runs, dtype=np.int64) * RUN_STRIDE
        self.run_ids32 = np.arange(runs, dtype=np.int32)
        phase_count = len(self.phases)
        self.arrived = np.zeros((phase_count, runs), dtype=np.int64)
        self.taken = np.zeros((phase_count, runs), dtype=np.int64)
        self.arrived_before_today = np.zeros((phase_count, runs), dtype=np.int64)
        # day index (on the day axis) of the last allocated case's arrival: nothing older still waits
        self.last_taken_arrival = np.zeros((phase_count, runs), dtype=np.int64)
        self.in_progress = np.zeros((phase_count, runs), dtype=np.int64)  # allocated and not yet completed
        self.arrival_keys: list[np.ndarray] = []
        self.completions = np.zeros((phase_count, runs * ring_days), dtype=np.int32)
        self.completions_met = np.zeros((phase_count, runs * ring_days), dtype=np.int32)
        self.days_to_deadline = days_to_deadline(scenario, first_day, days)
        self.hours_per_case = hours_per_case(scenario)
        self.counts_toward_cap = np.array([phase.counts_toward_cap for phase in self.phases])
        month_count = len(months)
        self.stats = {
            phase.key: PhaseStats(np.zeros(runs, np.int64), np.zeros(runs, np.int64), np.zeros(runs, np.int64),
                                  np.zeros(runs, np.int64), days, np.zeros((runs, month_count), np.int64),
                                  np.zeros((runs, month_count), np.int64), np.zeros((runs, month_count), np.int64))
            for phase in self.phases
        }
        # by the month a case arrived, month-major (month x runs + run): allocated cases and their summed waits
        self.allocated_by_month = [np.zeros(month_count * runs, np.int64) for _ in self.phases]
        self.wait_by_month = [np.zeros(month_count * runs, np.int64) for _ in self.phases]
        # month index of every day on the day axis (pre-period days map to -1)
        self.month_of_day = np.full(pre_days + days + 1, -1, dtype=np.int64)
        day = pre_days
        for index, month_start in enumerate(months):
            length = calendar.monthrange(month_start.year, month_start.month)[1]
            self.month_of_day[day:day + length] = index
            day += length
        self.met = {phase.key: np.zeros(runs, np.int64) for phase in self.phases}
        self.completed = {phase.key: np.zeros(runs, np.int64) for phase in self.phases}
        for index, phase in enumerate(self.phases):
            self._open_cases(index, phase, initial_counts.get(phase.key))

    def _open_cases(self, index: int, phase: Phase, given_counts) -> None:
        """Put the phase's open cases at the start in place: unallocated ones in the queue at their ages,
        allocated ones with the remaining part of a drawn duration and their deadline judged from their age."""
        scenario, runs, pre_days = self.scenario, self.runs, self.pre_days
        keys = np.repeat(self.run_offsets, self.axis_days) + (RUN_STRIDE - 1)  # beyond the last key of a run
        by_day = keys.reshape(runs, self.axis_days)
        if given_counts is not None:
            allocated, queued = (np.asarray(counts, dtype=np.int64) for counts in given_counts)
            by_day[:, :pre_days] = self.run_offsets[:, None]
            by_day[:, pre_days - 1] += queued  # all arrived on day -1
            ages = None
        else:
            queued_ages = scenario.open_unallocated.get(phase.key, ())
            arrived_by_day = np.zeros(pre_days + 1, dtype=np.int64)
            per_day = (np.bincount(pre_days - 1 - np.asarray(queued_ages, dtype=np.int64), minlength=pre_days)
                       if queued_ages else np.zeros(pre_days, np.int64))
            arrived_by_day[:pre_days] = np.cumsum(per_day)
            queued = np.full(runs, arrived_by_day[pre_days - 1], dtype=np.int64)
            by_day[:, :pre_days] = self.run_offsets[:, None] + arrived_by_day[None, :pre_days]
            ages = np.asarray(scenario.open_allocated.get(phase.key, ()), dtype=np.int64)
            allocated = np.full(runs, ages.size, dtype=np.int64)
        self.arrived[index] = queued
        self.arrival_keys.append(keys)
        total = int(allocated.sum())
        if total:
            case_runs = np.repeat(np.arange(runs), allocated)
            age = np.zeros(total, dtype=np.int64) if ages is None else np.tile(ages, runs)
            duration = sample_days(self.rng, phase, total)
            if phase.shape != 1.0:  # a case part-way through: the remaining part of a fresh duration
                duration = np.maximum(1, np.ceil(duration * self.rng.random(total))).astype(np.int64)
            duration = np.minimum(duration, HORIZON_BUFFER_DAYS - 1)
            met = (age + duration) <= self.days_to_deadline[index][pre_days - age]
            self._schedule(index, case_runs, duration, met)
            self.in_progress[index] = allocated

    # -- one day ----------------------------------------------------------------------------------

    def complete(self, index: int, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Take the phase's completions due today out of the rings; return (completed, met) per run."""
        runs = self.runs
        slot = day % HORIZON_BUFFER_DAYS
        row = slice(slot * runs, (slot + 1) * runs)
        done = self.completions[index][row].astype(np.int64)
        met = self.completions_met[index][row].astype(np.int64)
        self.completions[index][row].fill(0)
        self.completions_met[index][row].fill(0)
        self.in_progress[index] -= done
        key = self.phases[index].key
        self.met[key] += met
        self.completed[key] += done
        return done, met

    def arrive(self, index: int, arrivals: np.ndarray, day: int, month: int) -> None:
        """Add today's arrivals to the phase's queue and record the day's arrival keys."""
        self.arrived_before_today[index] = self.arrived[index]
        self.arrived[index] += arrivals
        self.arrival_keys[index].reshape(self.runs, self.axis_days)[:, self.pre_days + day] = (
            self.run_offsets + self.arrived[index]
        )
        stats = self.stats[self.phases[index].key]
        stats.arrivals += arrivals
        stats.arrivals_by_month[:, month] += arrivals

    def allocate(self, index: int, count: np.ndarray, day: int) -> None:
        """Allocate count[run] cases of the phase in each run today, FIFO: first those waiting from before,
        whose arrival days are looked up, then today's arrivals (no wait, no look-up)."""
        if not count.any():
            return
        phase = self.phases[index]
        runs = self.runs
        taken = self.taken[index]
        waiting_from_before = self.arrived_before_today[index] - taken
        old = np.minimum(np.maximum(waiting_from_before, 0), count)
        new = count - old
        old_total = int(old.sum())
        if old_total:
            case_runs = np.repeat(np.arange(runs, dtype=np.int64), old)
            position_in_run = np.arange(old_total) - np.repeat(np.cumsum(old) - old, old)
            arrival_day = self._arrival_days(index, case_runs, taken[case_runs] + position_in_run + 1, day, old)
            last_of_run = np.cumsum(old)[old > 0] - 1
            self.last_taken_arrival[index][case_runs[last_of_run]] = arrival_day[last_of_run]
            self._start_waiting(index, phase, case_runs, arrival_day, day)
        new_total = int(new.sum())
        if new_total:
            case_runs32 = np.repeat(self.run_ids32, new)
            self._start_today(index, phase, new, case_runs32, new_total, day)
            self.last_taken_arrival[index][new > 0] = self.pre_days + day
        taken += count
        self.in_progress[index] += count

    def _arrival_days(self, index: int, case_runs: np.ndarray, case_number: np.ndarray, day: int,
                      per_run: np.ndarray) -> np.ndarray:
        """Return the day (on the day axis) on which each run's case number arrived (FIFO, before today)."""
        key = case_runs * RUN_STRIDE + case_number
        run_start = case_runs * self.axis_days
        keys = self.arrival_keys[index]
        last = self.last_taken_arrival[index][case_runs]
        # Nothing older than the last allocated case's arrival is waiting, and most cases arrived within a
        # few days of it: count in a short window (read once per run) first, binary-search beyond it.
        active_runs = np.flatnonzero(per_run)
        window_days = np.minimum(self.last_taken_arrival[index][active_runs][:, None]
                                 + np.arange(LOOKUP_WINDOW_DAYS), self.axis_days - 1)
        window = keys[(active_runs * self.axis_days)[:, None] + window_days]
        window_of_case = np.repeat(np.arange(active_runs.size), per_run[active_runs])
        below = (window[window_of_case] < key[:, None]).sum(axis=1)
        found = last + below
        beyond = below == LOOKUP_WINDOW_DAYS
        if not beyond.any():
            return found
        low = np.where(beyond, last + LOOKUP_WINDOW_DAYS, found)
        high = np.where(beyond, self.pre_days + day, found)
        while True:
            searching = low < high
            if not searching.any():
                return low
            middle = (low + high) // 2
            at_or_after = keys[run_start + middle] >= key
            high = np.where(searching & at_or_after, middle, high)
            low = np.where(searching & ~at_or_after, middle + 1, low)

    def _start_waiting(self, index: int, phase: Phase, case_runs: np.ndarray, arrival_day: np.ndarray,
                       day: int) -> None:
        """Start cases that waited: sample durations, judge their deadline, record their waits."""
        pre_days, runs = self.pre_days, self.runs
        wait = (pre_days + day) - arrival_day
        duration = np.minimum(sample_days(self.rng, phase, case_runs.size), HORIZON_BUFFER_DAYS - 1)
        met = (wait + duration) <= self.days_to_deadline[index][arrival_day]
        self._schedule(index, case_runs, day + duration, met)
        in_horizon = arrival_day >= pre_days
        if in_horizon.any():
            stats = self.stats[phase.key]
            runs_in, waits_in = case_runs[in_horizon], wait[in_horizon]
            stats.allocated += np.bincount(runs_in, minlength=runs)
            stats.wait_days_total += np.bincount(runs_in, weights=waits_in, minlength=runs).astype(np.int64)
            # month-major cells (arrival month x runs + run): a short bincount added to a slice
            cell = self.month_of_day[arrival_day[in_horizon]] * runs + runs_in
            low = int(cell.min())
            span = int(cell.max()) - low + 1
            self.allocated_by_month[index][low:low + span] += np.bincount(cell - low, minlength=span)
            self.wait_by_month[index][low:low + span] += np.bincount(cell - low, weights=waits_in,
                                                                     minlength=span).astype(np.int64)

    def _start_today(self, index: int, phase: Phase, per_run: np.ndarray, case_runs: np.ndarray, total: int,
                     day: int) -> None:
        """Start cases that arrived today: no wait, so a case meets its deadline exactly when it is due on
        or before the deadline day; one histogram of due days serves both ring buffers."""
        runs, ring_days = self.runs, HORIZON_BUFFER_DAYS
        # 32-bit integers: position = due day x runs + run stays far below 2^31 (days < 3,000, runs < 100,000)
        # and halves the memory traffic of the busiest phase
        if phase.shape != 1.0:
            draws = self.rng.gamma(phase.shape, phase.mean_days / phase.shape, total)
            draws += 0.5
            duration = draws.astype(np.int32)  # round half up; durations are at least one day
            np.maximum(duration, 1, out=duration)
        else:
            duration = self.rng.geometric(min(1.0, 1.0 / phase.mean_days), total).astype(np.int32)
        position = duration
        position *= runs
        position += case_runs
        position += day * runs  # = due day x runs + run
        low = int(position.min())
        high = int(position.max())
        if high - day * runs >= (ring_days - 1) * runs:  # a duration beyond the ring (very long phases): cap it
            np.minimum(position, (day + ring_days - 1) * runs + case_runs, out=position)
            low, high = int(position.min()), int(position.max())
        span = high - low + 1
        if span > DENSE_SPAN_PER_CASE * total + DENSE_SPAN_BASE:  # sparse (long durations, few cases)
            runs64 = case_runs.astype(np.int64)
            due = (position.astype(np.int64) - runs64) // runs
            met = (due - day) <= self.days_to_deadline[index][self.pre_days + day]
            self._schedule(index, runs64, due, met)
        else:
            counts = np.bincount(position - low, minlength=span).astype(self.completions.dtype)
            self._ring_add(self.completions[index], low, counts)
            first_late = (day + self.days_to_deadline[index][self.pre_days + day] + 1) * runs
            if first_late > low:
                self._ring_add(self.completions_met[index], low, counts[:first_late - low])
        stats = self.stats[phase.key]
        stats.allocated += per_run
        month = self.month_of_day[self.pre_days + day]
        self.allocated_by_month[index][month * runs:(month + 1) * runs] += per_run

    @staticmethod
    def _ring_add(ring: np.ndarray, low: int, counts: np.ndarray) -> None:
        """Add counts at consecutive positions low, low + 1, ... of the ring (positions wrap at its size)."""
        size = ring.size
        start = low % size
        first = min(counts.size, size - start)
        ring[start:start + first] += counts[:first]
        if first < counts.size:
            ring[:counts.size - first] += counts[first:]

    def _schedule(self, index: int, case_runs: np.ndarray, due_day: np.ndarray, met: np.ndarray) -> None:
        """Add cases to the completion rings (laid out day-major: slot x runs + run)."""
        runs, ring_days = self.runs, HORIZON_BUFFER_DAYS
        position = due_day * runs + case_runs
        for ring, chosen in ((self.completions[index], None), (self.completions_met[index], met)):
            cases = position if chosen is None else position[chosen]
            if not cases.size:
                continue
            low = int(cases.min())
            span = int(cases.max()) - low + 1
            if span <= DENSE_SPAN_PER_CASE * cases.size + DENSE_SPAN_BASE:
                # dense enough: count with bincount, add to the ring's slice (one slice, or two when it wraps)
                self._ring_add(ring, low, np.bincount(cases - low, minlength=span).astype(ring.dtype))
            else:
                unique, counts = np.unique(cases, return_counts=True)
                ring[(unique // runs % ring_days) * runs + unique % runs] += counts.astype(ring.dtype)

    # -- state read by the day loop ---------------------------------------------------------------

    def queued(self) -> np.ndarray:
        """Return the unallocated cases per phase and run."""
        return self.arrived - self.taken

    def phase_stats(self) -> dict[str, PhaseStats]:
        """Return the per-phase statistics, with the by-arrival-month tables as (runs, months) arrays."""
        month_count = self.stats[self.phases[0].key].arrivals_by_month.shape[1] if self.phases else 0
        for index, phase in enumerate(self.phases):
            stats = self.stats[phase.key]
            stats.allocated_by_arrival_month = np.ascontiguousarray(
                self.allocated_by_month[index].reshape(month_count, self.runs).T)
            stats.wait_days_by_arrival_month = np.ascontiguousarray(
                self.wait_by_month[index].reshape(month_count, self.runs).T)
        return self.stats

"""The case flow's state over runs: who waits unallocated in each phase, since when, and when cases end.

Every array has a run axis, so one NumPy operation moves every run one step. The bookkeeping, per phase:

* **arrivals** are counted cumulatively per run (``arrived``); the cases allocated so far are the first
  ``taken`` of them (FIFO), so the queue is ``arrived - taken``;
* **when each case arrived** is kept as the cumulative arrivals per day on the *day axis* (the open
  cases' ages before the start, then the horizon) and run, ``arrived_by_day[day, run]``, day-major so that
  a day's row is written at once; days not yet simulated hold NOT_YET. Case number n of a run arrived on
  the first day whose count reaches n;
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

#: The cumulative arrivals of a day not yet simulated: above every case number.
NOT_YET = np.iinfo(np.int64).max
#: The arrival look-up first reads this many days from the last allocated case's arrival.
LOOKUP_WINDOW_DAYS = 8
#: Today's new cases' due days are counted densely (a histogram over their span) when the span is at most
#: DENSE_SPAN_PER_CASE x cases + DENSE_SPAN_BASE positions; sparser ones are scheduled case by case.
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
        self.run_ids32 = np.arange(runs, dtype=np.int32)
        phase_count = len(self.phases)
        self.arrived = np.zeros((phase_count, runs), dtype=np.int64)
        self.taken = np.zeros((phase_count, runs), dtype=np.int64)
        self.arrived_before_today = np.zeros((phase_count, runs), dtype=np.int64)
        # day index (on the day axis) of the last allocated case's arrival: nothing older still waits
        self.last_taken_arrival = np.zeros((phase_count, runs), dtype=np.int64)
        self.in_progress = np.zeros((phase_count, runs), dtype=np.int64)  # allocated and not yet completed
        self.arrived_by_day: list[np.ndarray] = []  # per phase: (axis_days, runs), see the module docstring
        self.completions = np.zeros((phase_count, runs * ring_days), dtype=np.int32)
        self.completions_met = np.zeros((phase_count, runs * ring_days), dtype=np.int32)
        self.days_to_deadline = days_to_deadline(scenario, first_day, days)
        self.hours_per_case = hours_per_case(scenario)
        self.counts_toward_cap = np.array([phase.counts_toward_cap for phase in self.phases])
        month_count = len(months)
        self.stats = {
            phase.key: PhaseStats(arrivals=np.zeros(runs, np.int64), allocated=np.zeros(runs, np.int64),
                                  wait_days_total=np.zeros(runs, np.int64), queue_days_total=np.zeros(runs, np.int64),
                                  days=days)
            for phase in self.phases
        }
        # by the month a case arrived, month-major (month x runs + run): allocated cases and their summed waits
        self.allocated_by_month = [np.zeros(month_count * runs, np.int64) for _ in self.phases]
        self.wait_by_month = [np.zeros(month_count * runs, np.int64) for _ in self.phases]
        # arrivals by month, month-major (months x runs: a month's row is contiguous)
        self.arrivals_by_month = [np.zeros((month_count, runs), np.int64) for _ in self.phases]
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
        by_day = np.full((self.axis_days, runs), NOT_YET, dtype=np.int64)
        if given_counts is not None:
            allocated, queued = (np.asarray(counts, dtype=np.int64) for counts in given_counts)
            by_day[:pre_days] = 0
            by_day[pre_days - 1] = queued  # all arrived on day -1
            ages = None
        else:
            queued_ages = scenario.open_unallocated.get(phase.key, ())
            per_day = (np.bincount(pre_days - 1 - np.asarray(queued_ages, dtype=np.int64), minlength=pre_days)
                       if queued_ages else np.zeros(pre_days, np.int64))
            queued_by_day = np.cumsum(per_day)  # the same in every run
            queued = np.full(runs, queued_by_day[pre_days - 1], dtype=np.int64)
            by_day[:pre_days] = queued_by_day[:, None]
            ages = np.asarray(scenario.open_allocated.get(phase.key, ()), dtype=np.int64)
            allocated = np.full(runs, ages.size, dtype=np.int64)
        self.arrived[index] = queued
        self.arrived_by_day.append(by_day)
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
        self.arrived_by_day[index][self.pre_days + day] = self.arrived[index]
        self.stats[self.phases[index].key].arrivals += arrivals
        self.arrivals_by_month[index][month] += arrivals

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
        if old.any():
            case_runs = np.repeat(np.arange(runs, dtype=np.int64), old)
            arrival_day = self._arrival_days(index, case_runs, old, day)
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

    def _arrival_days(self, index: int, case_runs: np.ndarray, per_run: np.ndarray, day: int) -> np.ndarray:
        """Return the day (on the day axis) on which each case allocated today from before arrived.

        Run r allocates per_run[r] cases, FIFO: its case numbers taken[r] + 1 ... taken[r] + per_run[r]
        (``case_runs`` lists each case's run, in that order). Nothing older than the last allocated case's
        arrival is waiting, and most cases arrived within a few days of it, so each run's arrivals over a
        short window from that day are read once and spread over its cases; the few that arrived later are
        found by a binary search.
        """
        arrived_by_day = self.arrived_by_day[index].reshape(-1)  # day x runs + run
        runs_with_cases = np.flatnonzero(per_run)
        count = per_run[runs_with_cases]
        taken = self.taken[index][runs_with_cases]
        window_days = np.minimum(self.last_taken_arrival[index][runs_with_cases][:, None]
                                 + np.arange(LOOKUP_WINDOW_DAYS), self.axis_days - 1)
        in_window = arrived_by_day[window_days * self.runs + runs_with_cases[:, None]]
        # of today's cases of each run: how many had arrived by each day of the window, and on each day
        ours_by_day = np.clip(in_window, taken[:, None], (taken + count)[:, None])
        ours_on_day = np.diff(ours_by_day, axis=1, prepend=taken[:, None])
        after_window = count - (ours_by_day[:, -1] - taken)
        if not after_window.any():
            return np.repeat(window_days.ravel(), ours_on_day.ravel())
        # the cases that arrived after the window get day -1 here, then a binary search up to today
        found = np.repeat(np.column_stack([window_days, np.full(runs_with_cases.size, -1)]).ravel(),
                          np.column_stack([ours_on_day, after_window]).ravel())
        late = np.flatnonzero(found < 0)
        position_in_run = np.arange(case_runs.size) - np.repeat(np.cumsum(per_run) - per_run, per_run)
        late_runs = case_runs[late]
        case_number = self.taken[index][late_runs] + position_in_run[late] + 1
        low = self.last_taken_arrival[index][late_runs] + LOOKUP_WINDOW_DAYS
        high = np.full(late.size, self.pre_days + day)
        while True:
            searching = low < high
            if not searching.any():
                break
            middle = (low + high) // 2
            at_or_after = arrived_by_day[middle * self.runs + late_runs] >= case_number
            high = np.where(searching & at_or_after, middle, high)
            low = np.where(searching & ~at_or_after, middle + 1, low)
        found[late] = low
        return found

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
        # position = due day x runs + run, so its place in the ring is position mod (ring days x runs);
        # np.add.at counts repeated places (a scalar of the ring's type keeps it on NumPy's fast path)
        position = due_day * self.runs + case_runs
        place = position % self.completions[index].size
        one = self.completions.dtype.type(1)
        np.add.at(self.completions[index], place, one)
        np.add.at(self.completions_met[index], place[met], one)

    # -- state read by the day loop ---------------------------------------------------------------

    def queued(self) -> np.ndarray:
        """Return the unallocated cases per phase and run."""
        return self.arrived - self.taken

    def phase_stats(self) -> dict[str, PhaseStats]:
        """Return the per-phase statistics, with the by-arrival-month tables as (runs, months) arrays."""
        for index, phase in enumerate(self.phases):
            stats = self.stats[phase.key]
            month_count = self.arrivals_by_month[index].shape[0]
            stats.arrivals_by_month = np.ascontiguousarray(self.arrivals_by_month[index].T)
            stats.allocated_by_arrival_month = np.ascontiguousarray(
                self.allocated_by_month[index].reshape(month_count, self.runs).T)
            stats.wait_days_by_arrival_month = np.ascontiguousarray(
                self.wait_by_month[index].reshape(month_count, self.runs).T)
        return self.stats

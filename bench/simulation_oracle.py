"""The scenario model written plainly as a discrete-event SimPy program: the oracle for core.simulation.

One run at a time, one Python object per case and per person, events in time order. It implements the
same model as :mod:`stabil.core.simulation` (see docs/simulation.md) without any vectorisation, so that
agreement between the two (within confidence intervals) checks the vectorised bookkeeping. It reuses
only the deterministic parts: the scenario, the measures' month-by-month schedule and the legal
deadlines (core.deadlines via the case queues' offsets).

Time is in days from the first simulated day. Within a day, events run in this order, as in the
vectorised engine: month start (staff) at d + 0.0, completions at d + 0.2, arrivals at d + 0.3, the
allocator at d + 0.5 (FIFO per phase, phases in flow order), the load meter at d + 0.6.
"""

from __future__ import annotations

import calendar
import math
import random
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import simpy

from stabil.core import simulation as sim
from stabil.core.simulation import queues as case_queues
from stabil.core.simulation.engine import inflow_means
from stabil.core.simulation.measures import MeasurePlan


@dataclass
class Person:
    fte: float
    experience_years: float


@dataclass
class CaseRecord:
    phase: int
    arrived_day: int
    clock_day: int  # the day the phase's deadline clock started


@dataclass
class RunResult:
    monthly: dict[str, list[float]] = field(default_factory=dict)
    met: dict[str, int] = field(default_factory=dict)
    completed: dict[str, int] = field(default_factory=dict)
    wait_days_total: dict[str, int] = field(default_factory=dict)
    allocated: dict[str, int] = field(default_factory=dict)
    queue_days_total: dict[str, int] = field(default_factory=dict)
    arrivals: dict[str, int] = field(default_factory=dict)


def _poisson(rng: random.Random, lam: float) -> int:
    """Return a Poisson draw (Knuth's method for small means, normal approximation above 60)."""
    if lam <= 0:
        return 0
    if lam > 60:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _duration(rng: random.Random, phase: sim.Phase) -> int:
    if phase.shape == 1.0:
        p = min(1.0, 1.0 / phase.mean_days)
        if p >= 1.0:
            return 1
        return 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - p))
    return max(1, round(rng.gammavariate(phase.shape, phase.mean_days / phase.shape)))


def run_once(scenario: sim.Scenario, seed: int) -> RunResult:
    """Simulate one run of the scenario with SimPy and return its monthly outputs and statistics."""
    rng = random.Random(seed)
    env = simpy.Environment()
    sc = scenario
    months = sim.month_starts(sc.start_on, sc.months)
    meas = MeasurePlan(sc, months)
    P = case_queues.pre_period_days(sc)
    offsets = case_queues.days_to_deadline(sc, months[0], (sim.month_starts(months[-1], 2)[1] - months[0]).days)
    weights = list(case_queues.hours_per_case(sc))
    counts = [p.counts_toward_cap for p in sc.phases]
    inflow = inflow_means(sc, months)
    phases = sc.phases
    wl = sc.workload
    out = RunResult(monthly={k: [0.0] * sc.months for k in sim.OUTPUT_KEYS})
    for p in phases:
        for d in (out.met, out.completed, out.wait_days_total, out.allocated, out.queue_days_total, out.arrivals):
            d[p.key] = 0

    staff: list[Person] = [Person(g.fte, g.experience_years) for g in sc.staff if not g.consultant
                           for _ in range(g.count)]
    consultants0 = sum(g.count for g in sc.staff if g.consultant)
    # The consultants employed at the start keep their own hours rate; later ones count at CONSULTANT_RATE.
    consultant_rate0 = (sum(g.count * g.fte * wl.experience_rate(g.experience_years) for g in sc.staff if g.consultant)
                        / consultants0 if consultants0 else sim.CONSULTANT_RATE)
    vacant_hist: list[int] = []
    state = {
        "positions": len(staff) + consultants0 + sc.vacancies,
        "pipeline": [],  # (due_month, experienced: bool | None for failure)
        "consultants": 0, "hours": 0.0, "slots": 0, "sick": 0.0, "load_prev": sc.turnover.reference_load,
        "load_sum": 0.0, "month": 0,
    }
    queues = [deque() for _ in phases]
    allocated = [0] * len(phases)
    met_month = [0] * len(phases)
    done_month = [0] * len(phases)

    def complete(i: int, on_time: bool) -> None:
        allocated[i] -= 1
        out.completed[phases[i].key] += 1
        done_month[i] += 1
        if on_time:
            out.met[phases[i].key] += 1
            met_month[i] += 1
        if i + 1 < len(phases) and phases[i].next_share > 0 and rng.random() < phases[i].next_share:
            day = int(env.now)
            queues[i + 1].append(CaseRecord(i + 1, day, day))
            out.arrivals[phases[i + 1].key] += 1

    def staff_month(m: int) -> None:
        ms = months[m]
        state["positions"] += int(meas.extra_positions[m])
        arrived = [x for x in state["pipeline"] if x[0] == m]
        state["pipeline"] = [x for x in state["pipeline"] if x[0] != m]
        for _, experienced in arrived:
            if experienced is not None:
                staff.append(Person(1.0, sim.EXPERIENCED_HIRE_YEARS if experienced else 0.0))
        if meas.trainee_endings[m]:
            conv = sum(rng.random() < meas.trainee_conversion[m] for _ in range(int(meas.trainee_endings[m])))
            vacant = max(state["positions"] - len(staff) - len(state["pipeline"]), 0)
            state["positions"] += max(conv - vacant, 0)
            staff.extend(Person(1.0, 0.0) for _ in range(conv))
        base_p = float(sc.turnover.monthly_probability(state["load_prev"]))
        factor = meas.pay_factor[m] * meas.turnover_factor[m]
        stay, leavers = [], 0
        for person in staff:
            p = base_p * factor
            if meas.specialists[m] > 0 and person.experience_years < 2.0:
                p *= sim.MENTOR_NEW_STAFF_TURNOVER_FACTOR
            if rng.random() < min(p, 1.0):
                leavers += 1
            else:
                stay.append(person)
        staff[:] = stay
        for person in staff:
            speed = sim.MENTOR_EXPERIENCE_SPEEDUP if meas.specialists[m] > 0 and person.experience_years < 2.0 else 1.0
            person.experience_years += speed / 12.0
        # recruitment for open vacancies
        open_ = max(state["positions"] - len(staff) - len(state["pipeline"]), 0)
        measure_exp = min(int(meas.hire_experienced[m]), open_)
        due = m + max(sc.recruitment_lead_months, 1)
        for j in range(open_):
            ok = rng.random() < sc.recruitment_success_share
            if not ok:
                state["pipeline"].append((due, None))
            elif j < measure_exp:
                state["pipeline"].append((due, True))
            else:
                state["pipeline"].append((due, rng.random() < sc.hire_experienced_share))
        headcount = len(staff)
        own_positions = state["positions"] - int(meas.extra_positions[: m + 1].sum())
        vacant = max(own_positions - headcount, 0)
        vacant_hist.append(vacant)
        # A vacancy gets a consultant once it has been open consultant_lead_months (before the start: the
        # positions the consultants employed then already filled).
        covered = vacant
        lead = sc.consultant_lead_months
        if lead > 0:
            window = min(vacant_hist[max(m - lead, 0): m + 1])
            covered = min(window, consultants0) if m - lead < 0 else window
        consultants = int(min(covered, meas.consultant_cap[m]))
        state["consultants"] = consultants
        rate_sum, slot_fte, perm_fte = 0.0, 0.0, 0.0
        first_year = experienced = 0
        for person in staff:
            rate_sum += person.fte * wl.experience_rate(person.experience_years)
            perm_fte += person.fte
            if person.experience_years < 1.0:
                first_year += 1
            else:
                experienced += 1
                slot_fte += person.fte
        slot_fte += consultants + meas.specialists[m] * sim.SPECIALIST_CASE_SHARE
        supported = min(meas.admins[m] * sim.CASEWORKERS_PER_ADMIN, headcount + consultants)
        n = max(headcount + consultants, 1)
        share = (wl.non_case_share * (n - supported) + wl.non_case_share_with_admin_support * supported) / n
        state["hours"] = wl.contracted_hours_per_month * (1 - share) * (
            rate_sum + min(consultants, consultants0) * consultant_rate0
            + max(consultants - consultants0, 0) * sim.CONSULTANT_RATE + meas.summer_temps[m] * sim.SUMMER_TEMP_RATE
            + meas.trainees[m] * wl.trainee_rate + meas.specialists[m] * sim.SPECIALIST_CASE_SHARE)
        state["slots"] = math.floor(meas.caseload_cap[m] * slot_fte + 1e-9)
        sick = sc.sick_leave_share
        if sick > 0:
            k = max(1.0 / (0.4**2) * (1 - sick) / sick - 1.0, 1.0)
            state["sick"] = rng.betavariate(sick * k, (1 - sick) * k)
        else:
            state["sick"] = 0.0
        costs = sc.monthly_cost_sek
        o = out.monthly
        o["cost_sek"][m] = (perm_fte * (costs["permanent"] + meas.pay_rise_sek[m] * (1 + sim.PAYROLL_OVERHEAD))
                            + consultants * costs["consultant"] + meas.summer_temps[m] * costs["summer_temp"]
                            + meas.trainees[m] * costs["trainee"] + meas.specialists[m] * costs["specialist"]
                            + meas.admins[m] * costs["admin"] + meas.fixed_cost[m])
        o["staff_first_year"][m] = first_year
        o["staff_experienced"][m] = experienced
        o["consultants"][m] = consultants
        o["leavers"][m] = leavers
        o["summer_temps"][m] = meas.summer_temps[m]
        o["trainees"][m] = meas.trainees[m]
        o["specialists"][m] = meas.specialists[m]
        state["vacation"] = sc.vacation_share[ms.month - 1]
        state["lam"] = inflow[m] / calendar.monthrange(ms.year, ms.month)[1]

    def month_process():
        day = 0
        for m, ms in enumerate(months):
            state["month"] = m
            staff_month(m)
            state["load_sum"] = 0.0
            for i in range(len(phases)):
                met_month[i] = done_month[i] = 0
            n_days = calendar.monthrange(ms.year, ms.month)[1]
            yield env.timeout(n_days)
            o = out.monthly
            load = state["load_sum"] / n_days
            state["load_prev"] = load
            o["load"][m] = load
            o["unallocated"][m] = sum(len(q) for q in queues)
            for i, p in enumerate(phases):
                key = f"unallocated_{p.key}"
                if key in o:
                    o[key][m] = len(queues[i])
                share = met_month[i] / done_month[i] if done_month[i] else math.nan
                if p.deadline == "preliminary_assessment":
                    o["preliminary_assessment_met_share"][m] = share
                elif p.deadline == "investigation":
                    o["investigation_met_share"][m] = share
            day += n_days

    def arrivals_process():
        yield env.timeout(0.3)
        while True:
            day = int(env.now)
            n = _poisson(rng, state["lam"])
            out.monthly["reports"][state["month"]] += n
            for _ in range(n):
                queues[0].append(CaseRecord(0, day, day))
            out.arrivals[phases[0].key] += n
            yield env.timeout(1.0)

    def allocator_process():
        yield env.timeout(0.5)
        while True:
            day = int(env.now)
            present = state["hours"] * (1 - state["sick"])
            cap_hours = present * (1 - state["vacation"])
            free_hours = cap_hours - sum(a * w for a, w in zip(allocated, weights))
            free_slots = state["slots"] - sum(a for a, c in zip(allocated, counts) if c)
            for i, p in enumerate(phases):
                while queues[i]:
                    if counts[i] and free_slots < 1:
                        break
                    if weights[i] > 0 and free_hours < weights[i]:
                        break
                    case = queues[i].popleft()
                    wait = day - case.arrived_day
                    dur = min(_duration(rng, p), sim.HORIZON_BUFFER_DAYS - 1)
                    on_time = wait + dur <= offsets[i][P + case.clock_day]
                    if case.arrived_day >= 0:
                        out.allocated[p.key] += 1
                        out.wait_days_total[p.key] += wait
                    allocated[i] += 1
                    free_hours -= weights[i]
                    if counts[i]:
                        free_slots -= 1
                    env.process(_hold_after_allocation(i, dur, on_time))
                out.queue_days_total[p.key] += len(queues[i])
            demand = sum((a + len(q)) * w for a, q, w in zip(allocated, queues, weights))
            state["load_sum"] += demand / present if present > 0 else 0.0
            yield env.timeout(1.0)

    def _hold_after_allocation(i, dur, on_time):
        # allocated at d + 0.5; completes at (d + dur) + 0.2
        yield env.timeout(dur - 0.3)
        complete(i, on_time)

    # open allocated cases complete at their remaining duration + 0.2
    def _hold_initial(i, dur, on_time):
        yield env.timeout(dur + 0.2)
        complete(i, on_time)

    # open cases at the start
    for i, p in enumerate(phases):
        for age in sorted(sc.open_unallocated.get(p.key, ()), reverse=True):
            queues[i].append(CaseRecord(i, -age - 1, -age - 1))
        for age in sc.open_allocated.get(p.key, ()):
            dur = _duration(rng, p)
            if p.shape != 1.0:
                dur = max(1, math.ceil(dur * rng.random()))
            dur = min(dur, sim.HORIZON_BUFFER_DAYS - 1)
            on_time = age + dur <= offsets[i][P - age]
            allocated[i] += 1
            env.process(_hold_initial(i, dur, on_time))

    env.process(month_process())
    env.process(arrivals_process())
    env.process(allocator_process())
    total_days = (sim.month_starts(months[-1], 2)[1] - months[0]).days
    env.run(until=total_days + 0.1)  # let the last month close (its end is at total_days)
    return out


def run_many(scenario: sim.Scenario, runs: int, seed: int = 0) -> list[RunResult]:
    """Return ``runs`` oracle runs with seeds seed, seed+1, ..."""
    return [run_once(scenario, seed + r) for r in range(runs)]


def monthly_array(results: list[RunResult], key: str) -> np.ndarray:
    """Return a (runs, months) array of one output, like SimulationResult.monthly[key]."""
    return np.asarray([r.monthly[key] for r in results], dtype=float)

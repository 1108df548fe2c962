"""The workforce over runs, month by month: who is employed, who leaves, who is recruited, and the
case hours, caseload slots and cost that follow.

Permanent staff are individuals per run (arrays of runs x staff slots); consultants are a count per run.
Hours follow the workload model's capacity rules (core/workload.py), so that a scenario read from a unit
starts at the workload board's load. The model is documented in docs/simulation.md ("Workforce").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .measures import (
    CASEWORKERS_PER_ADMIN,
    MENTOR_EXPERIENCE_SPEEDUP,
    MENTOR_NEW_STAFF_TURNOVER_FACTOR,
    MENTORED_BELOW_YEARS,
    PAYROLL_OVERHEAD,
    SPECIALIST_CASE_SHARE,
    SUMMER_TEMP_RATE,
    MeasurePlan,
)
from .scenario import Scenario

#: Hours rate of a consultant hired during the simulation: agency consultants are experienced, and the
#: workload model (core/workload.py) counts a consultant's hours like anyone else's, by experience (a
#: consultant already employed at the start keeps the rate of their own years, see StaffGroup).
CONSULTANT_RATE = 1.0
#: Years of experience given to an experienced hire.
EXPERIENCED_HIRE_YEARS = 4.0
#: Staff in their first year are co-handlers only (hours but no caseload slots).
FIRST_YEAR_BELOW_YEARS = 1.0
#: Month-to-month variation of the unit's sick leave: its standard deviation relative to its mean.
SICK_LEAVE_RELATIVE_SD = 0.4


@dataclass
class MonthCapacity:
    """What the staff of one month can take on, per run."""

    case_hours: np.ndarray  # the staff's case hours for the month (before vacation and sick leave)
    caseload_slots: np.ndarray  # cases that count toward the cap that the staff may carry
    sick_share: np.ndarray  # share of the hours lost to sick leave (or the absence recorded in month 1)


class Workforce:
    """The staff of every run; :meth:`start_month` moves them one month on."""

    def __init__(self, scenario: Scenario, *, runs: int, rng: np.random.Generator, plan: MeasurePlan,
                 outputs: dict[str, np.ndarray]):
        self.scenario = scenario
        self.runs = runs
        self.rng = rng
        self.plan = plan
        self.outputs = outputs
        workload = scenario.workload
        permanent = [(group.fte, group.experience_years, group.supervisees, group.trainee)
                     for group in scenario.staff if not group.consultant for _ in range(group.count)]
        consultant_groups = [group for group in scenario.staff if group.consultant]
        self.consultants_at_start = sum(group.count for group in consultant_groups)
        # The consultants employed at the start keep their own hours rate (FTE x the experience rate, as on
        # the workload board); consultants hired later count at CONSULTANT_RATE.
        self.consultant_rate_at_start = (
            sum(group.count * group.fte * workload.experience_rate(group.experience_years)
                for group in consultant_groups) / self.consultants_at_start
            if self.consultants_at_start else CONSULTANT_RATE
        )
        positions_at_start = len(permanent) + self.consultants_at_start + scenario.vacancies
        # one slot per person who can ever be employed at once: today's positions, the hire measures' new
        # positions and the trainees who may be hired at the end of their programme
        slots = positions_at_start + int(plan.extra_positions.sum()) + int(plan.trainee_endings.sum()) + 2
        self.fte = np.zeros((runs, slots))
        self.experience = np.zeros((runs, slots))
        self.employed = np.zeros((runs, slots), dtype=bool)
        self.supervisees = np.zeros((runs, slots))
        self.trainee = np.zeros((runs, slots), dtype=bool)
        for slot, (fte, years, supervisees, trainee) in enumerate(permanent):
            self.fte[:, slot] = fte
            self.experience[:, slot] = years
            self.supervisees[:, slot] = supervisees
            self.trainee[:, slot] = trainee
            self.employed[:, slot] = True
        # vacancies (budgeted positions without a permanent employee) per run and month, for the consultant
        # lead time; before the start only the positions consultants already fill count as open long enough
        self.vacancies_by_month = np.zeros((runs, scenario.months), dtype=np.int64)
        self.positions = np.full(runs, positions_at_start, dtype=np.int64)
        # recruitments ending in each month: succeeded with an experienced hire or a new graduate, or failed
        pipeline_months = scenario.months + scenario.recruitment_lead_months + 2
        self.hires_experienced_due = np.zeros((runs, pipeline_months), dtype=np.int64)
        self.hires_new_due = np.zeros_like(self.hires_experienced_due)
        self.failures_due = np.zeros_like(self.hires_experienced_due)
        self.recruiting = np.zeros(runs, dtype=np.int64)
        self.consultants = np.zeros(runs, dtype=np.int64)

    def _hire(self, experienced: np.ndarray, new: np.ndarray) -> None:
        """Put ``experienced`` experienced and ``new`` new-graduate hires into free staff slots per run."""
        total = experienced + new
        if not total.any():
            return
        free = ~self.employed
        order = np.cumsum(free, axis=1)
        take = free & (order <= total[:, None])
        take_experienced = take & (order <= experienced[:, None])
        self.employed |= take
        self.fte[take] = 1.0
        self.supervisees[take] = 0.0
        self.trainee[take] = False
        self.experience[take] = 0.0
        self.experience[take_experienced] = EXPERIENCED_HIRE_YEARS

    def _recruit(self, month: int) -> None:
        """Start recruitment for open vacancies; arrivals and failures come due after the lead time."""
        scenario, rng = self.scenario, self.rng
        headcount = self.employed.sum(axis=1)
        open_vacancies = np.maximum(self.positions - headcount - self.recruiting, 0)
        # vacancies opened by a hire measure this month are recruited with the measure's experience
        by_measure = np.minimum(self.plan.hire_experienced[month], open_vacancies)
        regular = open_vacancies - by_measure
        succeeded_by_measure = rng.binomial(by_measure, scenario.recruitment_success_share)
        succeeded_regular = rng.binomial(regular, scenario.recruitment_success_share)
        experienced_regular = rng.binomial(succeeded_regular, scenario.hire_experienced_share)
        # a recruitment started this month ends next month at the earliest
        due = month + max(scenario.recruitment_lead_months, 1)
        self.hires_experienced_due[:, due] += succeeded_by_measure + experienced_regular
        self.hires_new_due[:, due] += succeeded_regular - experienced_regular
        self.failures_due[:, due] += open_vacancies - succeeded_by_measure - succeeded_regular
        self.recruiting += open_vacancies

    def start_month(self, month: int, load_last_month: np.ndarray) -> MonthCapacity:
        """Move every run's staff to the start of ``month``: positions, hires, trainees, leavers, experience,
        recruitment and consultants; record the month's staff outputs and cost; return its capacity."""
        scenario, rng, plan = self.scenario, self.rng, self.plan
        runs = self.runs
        # new positions from hire measures
        self.positions += plan.extra_positions[month]
        # recruitment outcomes due now
        arriving_experienced, arriving_new = self.hires_experienced_due[:, month], self.hires_new_due[:, month]
        self.recruiting -= arriving_experienced + arriving_new + self.failures_due[:, month]
        self._hire(arriving_experienced, arriving_new)
        # trainees finishing: some are hired as first-year caseworkers, taking a vacancy or a new position
        if plan.trainee_endings[month]:
            converted = rng.binomial(plan.trainee_endings[month], plan.trainee_conversion[month], runs)
            headcount = self.employed.sum(axis=1)
            vacant = np.maximum(self.positions - headcount - self.recruiting, 0)
            self.positions += np.maximum(converted - vacant, 0)
            self._hire(np.zeros(runs, dtype=np.int64), converted)
        # turnover: the hazard rises with last month's load; pay, retention and mentors lower it
        leaving = (scenario.turnover.monthly_probability(load_last_month)[:, None] * plan.pay_factor[month]
                   * plan.turnover_factor[month])
        leaving = np.broadcast_to(leaving, self.experience.shape)
        mentored = plan.specialists[month] > 0
        if mentored:
            leaving = np.where(self.experience < MENTORED_BELOW_YEARS, leaving * MENTOR_NEW_STAFF_TURNOVER_FACTOR,
                               leaving)
        leave = self.employed & (rng.random(self.experience.shape) < np.minimum(leaving, 1.0))
        leavers = leave.sum(axis=1)
        self.employed &= ~leave
        # experience grows; mentors speed up new staff
        growth = np.where(mentored & (self.experience < MENTORED_BELOW_YEARS), MENTOR_EXPERIENCE_SPEEDUP,
                          1.0) / 12.0
        self.experience = np.where(self.employed, self.experience + growth, 0.0)
        # recruitment for open vacancies
        self._recruit(month)
        headcount = self.employed.sum(axis=1)
        # Consultants cover vacancies among the unit's own budgeted positions; positions a hire measure
        # creates are left empty until the recruitment succeeds (hires fill existing vacancies first).
        vacant = np.maximum(self.positions - int(plan.extra_positions[: month + 1].sum()) - headcount, 0)
        self.vacancies_by_month[:, month] = vacant
        # A consultant starts in a vacancy only once it has been open consultant_lead_months: the consultants
        # may cover as many vacancies as were open throughout the last lead months (before the start: the
        # positions the consultants employed then already filled). Consultants leave as hires fill positions.
        lead = scenario.consultant_lead_months
        covered = vacant
        if lead > 0:
            open_throughout = self.vacancies_by_month[:, max(month - lead, 0): month + 1].min(axis=1)
            covered = np.minimum(open_throughout, self.consultants_at_start) if month - lead < 0 else open_throughout
        self.consultants = np.minimum(covered, plan.consultant_cap[month]).astype(np.int64)
        capacity = self._capacity(month, headcount)
        self._record(month, leavers)
        return capacity

    def _capacity(self, month: int, headcount: np.ndarray) -> MonthCapacity:
        """Return the month's case hours and caseload slots (the workload model's rules) and its sick leave."""
        scenario, plan, rng = self.scenario, self.plan, self.rng
        workload = scenario.workload
        rates = np.ones_like(self.experience) * workload.experience_rate(0.0)
        for min_years, rate in sorted(workload.experience_rates):
            rates = np.where(self.experience >= min_years, rate, rates)
        rates = np.where(self.trainee, workload.trainee_rate, rates)
        fte_rate = (self.fte * rates * self.employed).sum(axis=1)
        contracted = workload.contracted_hours_per_month
        supported_by_admin = np.minimum(plan.admins[month] * CASEWORKERS_PER_ADMIN, headcount + self.consultants)
        staff_count = np.maximum(headcount + self.consultants, 1)
        non_case_share = (workload.non_case_share * (staff_count - supported_by_admin)
                          + workload.non_case_share_with_admin_support * supported_by_admin) / staff_count
        consultants_from_start = np.minimum(self.consultants, self.consultants_at_start)
        consultant_rate = (consultants_from_start * self.consultant_rate_at_start
                           + (self.consultants - consultants_from_start) * CONSULTANT_RATE)
        case_hours = contracted * (1.0 - non_case_share) * (
            fte_rate
            + consultant_rate
            + plan.summer_temps[month] * SUMMER_TEMP_RATE
            + plan.trainees[month] * workload.trainee_rate
            + plan.specialists[month] * SPECIALIST_CASE_SHARE
        )
        if self.supervisees.any():
            # team leads lose supervision hours per supervisee (never more than their own case hours)
            own_hours = contracted * (1.0 - non_case_share)[:, None] * self.fte
            supervision = np.minimum(self.supervisees * workload.supervision_hours_per_supervisee_per_month,
                                     own_hours)
            case_hours = case_hours - (supervision * rates * self.employed).sum(axis=1)
        slot_fte = ((self.fte * self._experienced()).sum(axis=1) + self.consultants
                    + plan.specialists[month] * SPECIALIST_CASE_SHARE)
        caseload_slots = np.floor(plan.caseload_cap[month] * slot_fte + 1e-9).astype(np.int64)
        sick = scenario.sick_leave_share
        if sick > 0:
            # month-to-month variation of the unit's sick leave (beta with mean sick_leave_share)
            concentration = max(1.0 / (SICK_LEAVE_RELATIVE_SD**2) * (1 - sick) / sick - 1.0, 1.0)
            sick_share = rng.beta(sick * concentration, (1 - sick) * concentration, self.runs)
        else:
            sick_share = np.zeros(self.runs)
        if month == 0 and scenario.start_absence_share is not None:
            # the starting month's absence is known: the one recorded, as the workload board counts it
            sick_share = np.full(self.runs, scenario.start_absence_share)
        return MonthCapacity(case_hours=case_hours, caseload_slots=caseload_slots, sick_share=sick_share)

    def _first_year(self) -> np.ndarray:
        return self.employed & (self.experience < FIRST_YEAR_BELOW_YEARS) & ~self.trainee

    def _experienced(self) -> np.ndarray:
        return self.employed & ~self._first_year() & ~self.trainee

    def _record(self, month: int, leavers: np.ndarray) -> None:
        """Record the month's staff outputs and cost."""
        plan, costs, outputs = self.plan, self.scenario.monthly_cost_sek, self.outputs
        trainees = self.employed & self.trainee
        permanent_fte = (self.fte * (self.employed & ~self.trainee)).sum(axis=1)
        trainee_fte = (self.fte * trainees).sum(axis=1)
        outputs["cost_sek"][:, month] = (
            permanent_fte * (costs["permanent"] + plan.pay_rise_sek[month] * (1 + PAYROLL_OVERHEAD))
            + self.consultants * costs["consultant"]
            + plan.summer_temps[month] * costs["summer_temp"]
            + (plan.trainees[month] + trainee_fte) * costs["trainee"]
            + plan.specialists[month] * costs["specialist"]
            + plan.admins[month] * costs["admin"]
            + plan.fixed_cost[month]
        )
        outputs["staff_first_year"][:, month] = self._first_year().sum(axis=1)
        outputs["staff_experienced"][:, month] = self._experienced().sum(axis=1)
        outputs["consultants"][:, month] = self.consultants
        outputs["summer_temps"][:, month] = plan.summer_temps[month]
        outputs["trainees"][:, month] = plan.trainees[month] + trainees.sum(axis=1)
        outputs["specialists"][:, month] = plan.specialists[month]
        outputs["leavers"][:, month] = leavers

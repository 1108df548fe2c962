"""What a scenario's measures do, month by month (the same in every run), and the assumptions behind it.

Each measure kind's effect is documented in docs/simulation.md ("Measures"); the constants below are the
assumptions it rests on, each with its source there ("Every default").
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .scenario import Scenario, month_starts

#: Payroll overhead on a pay rise (employer's contributions and pension).
PAYROLL_OVERHEAD = 0.45
#: Hours capacity factors for staff who cannot be main handler (share of an experienced FTE's case hours).
SUMMER_TEMP_RATE = 0.5
SPECIALIST_CASE_SHARE = 0.5  # a senior specialist spends half the time supporting colleagues
#: Caseworkers one administrator supports (they move from non_case_share to the with-admin share).
CASEWORKERS_PER_ADMIN = 10.0
#: Mentors/specialists: new staff (< 2 years) gain experience this much faster and leave less often.
MENTOR_EXPERIENCE_SPEEDUP = 1.25
MENTOR_NEW_STAFF_TURNOVER_FACTOR = 0.75
#: Staff with fewer years of experience than this are "new" for the mentors' effect.
MENTORED_BELOW_YEARS = 2.0
#: Pay rise: each 1,000 SEK a month lowers the turnover hazard by this share (floor 0.5).
PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK = 0.05
PAY_RISE_TURNOVER_FLOOR = 0.5
#: Length of a trainee programme when the measure does not say (months).
DEFAULT_TRAINEE_MONTHS = 12


class MeasurePlan:
    """Month-by-month effects of a scenario's measures, as arrays over the simulated months."""

    def __init__(self, scenario: Scenario, months: list[date]):
        count = len(months)
        self.months = count
        first = months[0]
        end = month_starts(months[-1], 2)[1]

        def month_index(day: date) -> int:
            return (day.year - first.year) * 12 + day.month - first.month

        self.extra_positions = np.zeros(count, dtype=np.int64)  # new positions opened this month
        self.hire_experienced = np.zeros(count, dtype=np.int64)  # of which recruited as experienced
        self.summer_temps = np.zeros(count)  # FTE-months active (fraction of the month's days)
        self.trainees = np.zeros(count, dtype=np.int64)  # trainees in the programme
        self.trainee_endings = np.zeros(count, dtype=np.int64)  # trainees finishing this month
        self.trainee_conversion = np.zeros(count)
        self.specialists = np.zeros(count, dtype=np.int64)
        self.admins = np.zeros(count)
        self.pay_rise_sek = np.zeros(count)
        self.turnover_factor = np.ones(count)
        self.consultant_cap = np.full(count, np.inf)
        if scenario.consultant_cap is not None:
            self.consultant_cap[:] = scenario.consultant_cap
        if not scenario.consultants_fill_vacancies:
            self.consultant_cap[:] = 0
        self.caseload_cap = np.full(count, scenario.caseload_cap_per_fte)
        self.fixed_cost = np.zeros(count)
        for measure in scenario.measures:
            start = month_index(measure.start_on)
            if start >= count or measure.start_on >= end:
                continue  # starts after the horizon
            first_month = max(start, 0)
            stop = count if measure.months == 0 else min(count, max(start + measure.months, 0))
            active = slice(first_month, stop)
            if start >= 0:
                self.fixed_cost[start] += measure.cost_sek
            self.fixed_cost[active] += measure.monthly_cost_sek
            if measure.kind == "hire":
                self.extra_positions[first_month] += measure.count
                if measure.experienced:
                    self.hire_experienced[first_month] += measure.count
            elif measure.kind == "summer_temps":
                last = measure.start_on + timedelta(weeks=measure.weeks)
                for index, month_start in enumerate(months):
                    month_end = month_starts(month_start, 2)[1]
                    overlap = (min(month_end, last) - max(month_start, measure.start_on)).days
                    if overlap > 0:
                        self.summer_temps[index] += measure.count * overlap / (month_end - month_start).days
            elif measure.kind == "trainees":
                length = measure.months or DEFAULT_TRAINEE_MONTHS
                stop = min(count, max(start + length, 0))
                self.trainees[first_month:stop] += measure.count
                if start + length < count:
                    self.trainee_endings[start + length] += measure.count
                    self.trainee_conversion[start + length] = measure.conversion_share
            elif measure.kind == "specialists":
                self.specialists[active] += measure.count
            elif measure.kind == "admin_support":
                self.admins[active] += measure.count
            elif measure.kind == "pay_rise":
                self.pay_rise_sek[active] += measure.sek_per_month
            elif measure.kind == "retention":
                self.turnover_factor[active] *= measure.turnover_factor
            elif measure.kind == "consultant_cap":
                self.consultant_cap[active] = np.minimum(self.consultant_cap[active], measure.cap)
            elif measure.kind == "caseload_cap":
                self.caseload_cap[active] = measure.cap
        self.pay_factor = np.maximum(
            PAY_RISE_TURNOVER_FLOOR, 1.0 - PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK * self.pay_rise_sek / 1000.0
        )

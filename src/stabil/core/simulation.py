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
consultant lead time, sick leave and summer vacation
take capacity, and measures (hires, summer temps, trainees, specialists, admin support, pay rise,
retention work, consultant cap, lower caseload cap) change all of this from their start dates.
Staff hours follow the workload model's capacity rules (experience and trainee rates, supervision,
consultants by experience), so a scenario read from a unit starts at the workload board's load.

Same seed, same scenario and same number of runs give the same result.
"""

from __future__ import annotations

import calendar as _calendar
import json
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from stabil.core import deadlines as _deadlines
from stabil.core import workload as _workload
from stabil.core.workload import (
    INVESTIGATION,
    OUTPATIENT_FOLLOWUP,
    PRELIMINARY_ASSESSMENT,
    ConfigError,
    WorkloadConfig,
)

__all__ = [
    "MEASURE_KINDS",
    "Measure",
    "Phase",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "StaffGroup",
    "TurnoverModel",
    "bands",
    "calibrate_turnover",
    "default_phases",
    "load_scenario",
    "month_starts",
    "scenario_from_dict",
    "simulate",
]

# --- defaults (each is documented in docs/simulation.md) -----------------------------------------

# The shares of preliminary assessments that open an investigation and of investigations that end in an
# intervention (phases' next_share) are the workload model's DEFAULT_OPENING_SHARE and
# DEFAULT_INTERVENTION_SHARE: one assumption each for when a unit's own decisions do not say.
#: Inflow seasonality by calendar month (mean 1.0): a summer dip and an autumn peak (demo data, seed 004).
DEFAULT_SEASONALITY = (1.0, 1.05, 1.1, 1.0, 1.05, 0.95, 0.75, 0.85, 1.1, 1.1, 1.05, 1.0)
#: Share of working time on summer vacation by calendar month (25 days a year, most in July).
DEFAULT_VACATION_SHARE = (0.02, 0.02, 0.02, 0.04, 0.02, 0.12, 0.5, 0.22, 0.02, 0.02, 0.03, 0.08)
#: Share of working time on sick leave (Västerås Q1 2015: 3.5-8.8 %; 6-9 % is "high", seed 001).
DEFAULT_SICK_LEAVE_SHARE = 0.06
#: Total caseload cap per FTE of main-handler staff (Värmdö: 22 cases per full-time caseworker, seed 004).
DEFAULT_CASELOAD_CAP_PER_FTE = 22.0
#: Monthly costs in SEK including payroll overhead (median salary 30,000 SEK in 2015, seed 001, x 1.45).
DEFAULT_MONTHLY_COST_SEK = {
    "permanent": 45_000.0,
    "consultant": 90_000.0,  # "about twice the cost" (seed 001)
    "summer_temp": 38_000.0,
    "trainee": 32_000.0,
    "specialist": 52_000.0,
    "admin": 38_000.0,
}
#: Payroll overhead on a pay rise (employer's contributions and pension).
PAYROLL_OVERHEAD = 0.45
#: Hours capacity factors for staff who cannot be main handler (share of an experienced FTE's case hours).
SUMMER_TEMP_RATE = 0.5
SPECIALIST_CASE_SHARE = 0.5  # a senior specialist spends half the time supporting colleagues
#: Hours rate of a consultant hired during the simulation: agency consultants are experienced, and the
#: workload model (core/workload.py) counts a consultant's hours like anyone else's, by experience (a
#: consultant already employed at the start keeps the rate of their own years, see StaffGroup).
CONSULTANT_RATE = 1.0
#: Months from a vacancy opening until an agency consultant can start in it (procurement, call-off
#: from the framework agreement, introduction). Vacancies open at the start wait this long too.
DEFAULT_CONSULTANT_LEAD_MONTHS = 1
#: Caseworkers one administrator supports (they move from non_case_share to the with-admin share).
CASEWORKERS_PER_ADMIN = 10.0
#: Mentors/specialists: new staff (< 2 years) gain experience this much faster and leave less often.
MENTOR_EXPERIENCE_SPEEDUP = 1.25
MENTOR_NEW_STAFF_TURNOVER_FACTOR = 0.75
#: Pay rise: each 1,000 SEK a month lowers the turnover hazard by this share (floor 0.5).
PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK = 0.05
#: Years of experience given to an experienced hire.
EXPERIENCED_HIRE_YEARS = 4.0
#: Length of the ring buffer of scheduled completions (durations are capped at this many days - 1).
HORIZON_BUFFER_DAYS = 1024
#: How far back (days) open cases' ages are tracked at the start.
PRE_PERIOD_DAYS = 400

MEASURE_KINDS = (
    "hire",
    "summer_temps",
    "trainees",
    "specialists",
    "admin_support",
    "pay_rise",
    "retention",
    "consultant_cap",
    "caseload_cap",
)
MEASURE_LABELS_SV = {
    "hire": "nyanställning",
    "summer_temps": "sommarvikarier",
    "trainees": "trainees",
    "specialists": "specialisthandläggare/mentorer",
    "admin_support": "administrativt stöd",
    "pay_rise": "lönesatsning",
    "retention": "insats för att behålla personal",
    "consultant_cap": "tak för konsulter",
    "caseload_cap": "lägre ärendetak",
}

OUTPUT_KEYS = (
    "reports",
    "unallocated",
    "unallocated_preliminary_assessment",
    "unallocated_investigation",
    "unallocated_follow_up",
    "load",
    "preliminary_assessment_met_share",
    "investigation_met_share",
    "staff_first_year",
    "staff_experienced",
    "consultants",
    "summer_temps",
    "trainees",
    "specialists",
    "leavers",
    "cost_sek",
)
OUTPUT_LABELS_SV = {
    "reports": "Inkomna anmälningar",
    "unallocated": "Ofördelade ärenden",
    "unallocated_preliminary_assessment": "Ofördelade förhandsbedömningar",
    "unallocated_investigation": "Ofördelade utredningar",
    "unallocated_follow_up": "Ofördelade uppföljningar",
    "load": "Belastning",
    "preliminary_assessment_met_share": "Andel förhandsbedömningar i tid",
    "investigation_met_share": "Andel utredningar i tid",
    "staff_first_year": "Handläggare första året",
    "staff_experienced": "Erfarna handläggare",
    "consultants": "Konsulter",
    "summer_temps": "Sommarvikarier",
    "trainees": "Trainees",
    "specialists": "Specialisthandläggare",
    "leavers": "Avgångar",
    "cost_sek": "Kostnad (kr)",
}


class ScenarioError(ValueError):
    """A scenario is invalid; ``errors`` lists Swedish messages naming the field."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


# --- the scenario -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    """One phase of the case flow: duration, deadline rule, weight and what follows."""

    key: str
    mean_days: float
    shape: float = 2.0  # gamma shape of the duration; 1 = exponential (geometric in whole days)
    deadline: str | None = None  # "preliminary_assessment" | "investigation" | None
    hours_per_month: float | None = None  # None: the workload configuration's main weight
    work_type: str = PRELIMINARY_ASSESSMENT  # the workload model's work type for the weight
    counts_toward_cap: bool = True
    next_share: float = 0.0  # share of completed cases that go on to the next phase


def default_phases() -> tuple[Phase, ...]:
    """Return the default flow: preliminary assessment -> investigation -> follow-up."""
    return (
        Phase(
            "preliminary_assessment", mean_days=9.0, shape=3.0, deadline="preliminary_assessment",
            work_type=PRELIMINARY_ASSESSMENT, counts_toward_cap=False, next_share=_workload.DEFAULT_OPENING_SHARE,
        ),
        Phase(
            "investigation", mean_days=80.0, shape=6.0, deadline="investigation",
            work_type=INVESTIGATION, counts_toward_cap=True, next_share=_workload.DEFAULT_INTERVENTION_SHARE,
        ),
        Phase(
            "follow_up", mean_days=240.0, shape=2.0, deadline=None,
            work_type=OUTPATIENT_FOLLOWUP, counts_toward_cap=True, next_share=0.0,
        ),
    )


@dataclass(frozen=True)
class StaffGroup:
    """Permanent staff (or consultants, or trainees) with the same FTE and experience.

    supervisees: caseworkers each person of the group supervises (team leads); like the workload
    model, each supervisee costs ``supervision_hours_per_supervisee_per_month`` of case hours.
    trainee: employed trainees count at the workload model's trainee rate and take no caseload slots.
    A consultant group's experience sets its hours rate (the workload model's rate for those years).
    """

    count: int
    experience_years: float = 5.0
    fte: float = 1.0
    consultant: bool = False
    supervisees: int = 0
    trainee: bool = False


@dataclass(frozen=True)
class TurnoverModel:
    """Monthly leaving probability of permanent staff as a function of load (the vicious circle).

    hazard(load) = annual_rate_at_reference / 12 x exp(load_sensitivity x (load - reference_load)),
    a log-linear (Poisson) model; :func:`calibrate_turnover` fits the two parameters from a
    municipality's own exits and loads.
    """

    annual_rate_at_reference: float = 0.15
    reference_load: float = 0.85
    load_sensitivity: float = 2.5
    max_monthly_probability: float = 0.25

    def monthly_probability(self, load: np.ndarray | float) -> np.ndarray:
        """Return the monthly probability of leaving at this load."""
        hazard = self.annual_rate_at_reference / 12.0 * np.exp(
            self.load_sensitivity * (np.asarray(load, dtype=float) - self.reference_load)
        )
        return np.minimum(1.0 - np.exp(-hazard), self.max_monthly_probability)


@dataclass(frozen=True)
class Measure:
    """A measure a scenario adds, with its start date and cost.

    kind: one of MEASURE_KINDS. count: people (hire, summer temps, trainees, specialists, admin).
    experienced: a hire is experienced (True) or a new graduate. weeks: summer temps' length.
    months: trainee programme length (trainees) or how long a measure lasts (0 = to the end).
    conversion_share: trainees hired permanently at the end. sek_per_month: pay rise per person.
    cap: consultant cap or caseload cap per FTE. turnover_factor: retention work's effect on turnover.
    cost_sek: a one-off cost at the start; monthly_cost_sek: an extra monthly cost while it lasts.
    action_plan_measure: the governance action-plan measure it implements (free text or id).
    """

    kind: str
    start_on: date
    count: int = 0
    experienced: bool = True
    weeks: int = 8
    months: int = 0
    conversion_share: float = 0.7
    sek_per_month: float = 0.0
    cap: float | None = None
    turnover_factor: float = 0.95
    cost_sek: float = 0.0
    monthly_cost_sek: float = 0.0
    label: str = ""
    action_plan_measure: str = ""


@dataclass(frozen=True)
class Target:
    """A scorecard target: a monthly output's mean over the last ``months`` must reach ``value``."""

    output: str = "investigation_met_share"
    value: float = 0.9
    months: int = 12
    higher_is_better: bool = True


@dataclass(frozen=True)
class Scenario:
    """Everything one simulation needs. Defaults are the documented assumptions."""

    name: str
    start_on: date
    reports_per_month: float
    staff: tuple[StaffGroup, ...]
    months: int = 36
    description: str = ""
    annual_growth: float = 0.0
    seasonality: tuple[float, ...] = DEFAULT_SEASONALITY
    inflow_forecast: tuple[float, ...] = ()  # monthly means overriding growth and seasonality
    phases: tuple[Phase, ...] = field(default_factory=default_phases)
    vacancies: int = 0  # budgeted positions neither filled by permanent staff nor by consultants
    caseload_cap_per_fte: float = DEFAULT_CASELOAD_CAP_PER_FTE
    sick_leave_share: float = DEFAULT_SICK_LEAVE_SHARE
    vacation_share: tuple[float, ...] = DEFAULT_VACATION_SHARE
    recruitment_lead_months: int = 3
    recruitment_success_share: float = 0.5
    hire_experienced_share: float = 0.3
    consultants_fill_vacancies: bool = True
    consultant_lead_months: int = DEFAULT_CONSULTANT_LEAD_MONTHS
    consultant_cap: int | None = None
    # Share of the staff's case hours lost to absence recorded for the starting month (all kinds, as the
    # workload board counts it); replaces the drawn sick-leave share in month 1. None: drawn as any month.
    start_absence_share: float | None = None
    turnover: TurnoverModel = field(default_factory=TurnoverModel)
    monthly_cost_sek: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MONTHLY_COST_SEK))
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    open_allocated: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # phase -> ages in days
    open_unallocated: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    measures: tuple[Measure, ...] = ()
    target: Target = field(default_factory=Target)
    deadline_config: _deadlines.DeadlineConfig = _deadlines.DEFAULT_CONFIG

    def without_measures(self) -> Scenario:
        """Return the same scenario with no measures: the baseline it is compared with."""
        return replace(self, name=f"{self.name} (utan åtgärder)", measures=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict that :func:`scenario_from_dict` reads back."""
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "start_on": self.start_on.isoformat(),
            "months": self.months,
            "reports_per_month": self.reports_per_month,
            "annual_growth": self.annual_growth,
            "seasonality": list(self.seasonality),
            "inflow_forecast": list(self.inflow_forecast),
            "staff": [asdict(g) for g in self.staff],
            "vacancies": self.vacancies,
            "caseload_cap_per_fte": self.caseload_cap_per_fte,
            "sick_leave_share": self.sick_leave_share,
            "vacation_share": list(self.vacation_share),
            "recruitment_lead_months": self.recruitment_lead_months,
            "recruitment_success_share": self.recruitment_success_share,
            "hire_experienced_share": self.hire_experienced_share,
            "consultants_fill_vacancies": self.consultants_fill_vacancies,
            "consultant_lead_months": self.consultant_lead_months,
            "consultant_cap": self.consultant_cap,
            "start_absence_share": self.start_absence_share,
            "turnover": asdict(self.turnover),
            "monthly_cost_sek": dict(self.monthly_cost_sek),
            "workload": self.workload.to_dict(),
            "phases": [asdict(p) for p in self.phases],
            "open_allocated": {k: list(v) for k, v in self.open_allocated.items()},
            "open_unallocated": {k: list(v) for k, v in self.open_unallocated.items()},
            "measures": [
                {**asdict(m), "start_on": m.start_on.isoformat()} for m in self.measures
            ],
            "target": asdict(self.target),
        }
        return data


# --- reading scenarios (TOML or JSON) -----------------------------------------------------------


class _Reader:
    """Collect Swedish validation messages while reading a nested dict."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def number(self, data: Mapping[str, Any], key: str, where: str, default: Any, *, lo=None, hi=None,
               integer: bool = False) -> Any:
        if key not in data:
            return default
        value = data[key]
        path = f"{where}{key}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.errors.append(f"{path}: ska vara ett tal, fick {value!r}")
            return default
        if integer and int(value) != value:
            self.errors.append(f"{path}: ska vara ett heltal, fick {value!r}")
            return default
        if math.isnan(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
            rng = f"{lo if lo is not None else '-∞'}–{hi if hi is not None else '∞'}"
            self.errors.append(f"{path}: ska ligga i intervallet {rng}, fick {value!r}")
            return default
        return int(value) if integer else float(value)

    def date(self, data: Mapping[str, Any], key: str, where: str, default: date | None) -> date | None:
        if key not in data:
            if default is None:
                self.errors.append(f"{where}{key}: saknas (ett datum ÅÅÅÅ-MM-DD)")
            return default
        value = data[key]
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.errors.append(f"{where}{key}: ska vara ett datum ÅÅÅÅ-MM-DD, fick {value!r}")
            return default

    def boolean(self, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        if key not in data:
            return default
        if not isinstance(data[key], bool):
            self.errors.append(f"{where}{key}: ska vara true eller false, fick {data[key]!r}")
            return default
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, where: str, default: str) -> str:
        if key not in data:
            return default
        if not isinstance(data[key], str):
            self.errors.append(f"{where}{key}: ska vara text, fick {data[key]!r}")
            return default
        return data[key]

    def numbers(self, data: Mapping[str, Any], key: str, where: str, default: tuple, length: int | None,
                lo: float = 0.0, hi: float | None = None) -> tuple:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
            self.errors.append(f"{where}{key}: ska vara en lista med tal")
            return default
        if length is not None and len(value) != length:
            self.errors.append(f"{where}{key}: ska ha {length} värden (ett per månad), fick {len(value)}")
            return default
        if any(v < lo or (hi is not None and v > hi) for v in value):
            self.errors.append(f"{where}{key}: värdena ska ligga i intervallet {lo}–{hi if hi is not None else '∞'}")
            return default
        return tuple(float(v) for v in value)

    def unknown(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.errors.append(f"{where}{key}: okänt fält")


_SCENARIO_KEYS = {
    "name", "description", "start_on", "months", "reports_per_month", "annual_growth", "seasonality",
    "inflow_forecast", "staff", "vacancies", "caseload_cap_per_fte", "sick_leave_share", "vacation_share",
    "recruitment_lead_months", "recruitment_success_share", "hire_experienced_share",
    "consultants_fill_vacancies", "consultant_lead_months", "consultant_cap", "start_absence_share", "turnover", "monthly_cost_sek", "workload", "phases",
    "open_allocated", "open_unallocated", "measures", "target",
}
_MEASURE_KEYS = {f for f in Measure.__dataclass_fields__}
_PHASE_KEYS = {f for f in Phase.__dataclass_fields__}


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Return a validated :class:`Scenario` from a dict (as read from TOML or JSON).

    Raises :class:`ScenarioError` listing every problem, each naming its field in Swedish.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(["scenariot ska vara en tabell med fält"])
    r = _Reader()
    r.unknown(data, _SCENARIO_KEYS, "")
    name = r.text(data, "name", "", "")
    if not name.strip():
        r.errors.append("name: saknas (scenariots namn)")
    start_on = r.date(data, "start_on", "", None)
    reports = r.number(data, "reports_per_month", "", None, lo=0, hi=100_000)
    if "reports_per_month" not in data and not data.get("inflow_forecast"):
        r.errors.append("reports_per_month: saknas (anmälningar per månad)")
        reports = 0.0
    kwargs: dict[str, Any] = {}
    kwargs["description"] = r.text(data, "description", "", "")
    kwargs["months"] = r.number(data, "months", "", 36, lo=1, hi=120, integer=True)
    kwargs["annual_growth"] = r.number(data, "annual_growth", "", 0.0, lo=-0.9, hi=5.0)
    kwargs["seasonality"] = r.numbers(data, "seasonality", "", DEFAULT_SEASONALITY, 12, 0.0, 10.0)
    kwargs["inflow_forecast"] = r.numbers(data, "inflow_forecast", "", (), None, 0.0)
    kwargs["vacancies"] = r.number(data, "vacancies", "", 0, lo=0, hi=10_000, integer=True)
    kwargs["caseload_cap_per_fte"] = r.number(data, "caseload_cap_per_fte", "", DEFAULT_CASELOAD_CAP_PER_FTE,
                                              lo=0.5, hi=1000)
    kwargs["sick_leave_share"] = r.number(data, "sick_leave_share", "", DEFAULT_SICK_LEAVE_SHARE, lo=0, hi=0.9)
    kwargs["vacation_share"] = r.numbers(data, "vacation_share", "", DEFAULT_VACATION_SHARE, 12, 0.0, 0.95)
    kwargs["recruitment_lead_months"] = r.number(data, "recruitment_lead_months", "", 3, lo=0, hi=24,
                                                 integer=True)
    kwargs["recruitment_success_share"] = r.number(data, "recruitment_success_share", "", 0.5, lo=0, hi=1)
    kwargs["hire_experienced_share"] = r.number(data, "hire_experienced_share", "", 0.3, lo=0, hi=1)
    kwargs["consultants_fill_vacancies"] = r.boolean(data, "consultants_fill_vacancies", "", True)
    kwargs["consultant_lead_months"] = r.number(data, "consultant_lead_months", "", DEFAULT_CONSULTANT_LEAD_MONTHS,
                                                lo=0, hi=24, integer=True)
    absence = data.get("start_absence_share")
    kwargs["start_absence_share"] = None if absence is None else r.number(data, "start_absence_share", "", None,
                                                                          lo=0, hi=1)
    cap = data.get("consultant_cap")
    kwargs["consultant_cap"] = None if cap is None else r.number(data, "consultant_cap", "", None, lo=0,
                                                                  hi=10_000, integer=True)
    # staff
    staff: list[StaffGroup] = []
    raw_staff = data.get("staff", [])
    if not isinstance(raw_staff, list):
        r.errors.append("staff: ska vara en lista med personalgrupper")
        raw_staff = []
    for i, g in enumerate(raw_staff):
        where = f"staff[{i}]."
        if not isinstance(g, Mapping):
            r.errors.append(f"staff[{i}]: ska vara en tabell")
            continue
        r.unknown(g, {"count", "experience_years", "fte", "consultant", "supervisees", "trainee"}, where)
        group = StaffGroup(
            count=r.number(g, "count", where, 1, lo=0, hi=10_000, integer=True),
            experience_years=r.number(g, "experience_years", where, 5.0, lo=0, hi=60),
            fte=r.number(g, "fte", where, 1.0, lo=0.05, hi=1.0),
            consultant=r.boolean(g, "consultant", where, False),
            supervisees=r.number(g, "supervisees", where, 0, lo=0, hi=1000, integer=True),
            trainee=r.boolean(g, "trainee", where, False),
        )
        if group.consultant and group.trainee:
            r.errors.append(f"{where}trainee: en konsult kan inte vara trainee")
        staff.append(group)
    if not staff and "staff" not in data:
        r.errors.append("staff: saknas (minst en personalgrupp)")
    # turnover
    t = data.get("turnover", {})
    if not isinstance(t, Mapping):
        r.errors.append("turnover: ska vara en tabell")
        t = {}
    r.unknown(t, set(TurnoverModel.__dataclass_fields__), "turnover.")
    kwargs["turnover"] = TurnoverModel(
        annual_rate_at_reference=r.number(t, "annual_rate_at_reference", "turnover.", 0.15, lo=0, hi=3),
        reference_load=r.number(t, "reference_load", "turnover.", 0.85, lo=0.1, hi=5),
        load_sensitivity=r.number(t, "load_sensitivity", "turnover.", 2.5, lo=0, hi=20),
        max_monthly_probability=r.number(t, "max_monthly_probability", "turnover.", 0.25, lo=0, hi=1),
    )
    costs = dict(DEFAULT_MONTHLY_COST_SEK)
    raw_costs = data.get("monthly_cost_sek", {})
    if not isinstance(raw_costs, Mapping):
        r.errors.append("monthly_cost_sek: ska vara en tabell")
        raw_costs = {}
    r.unknown(raw_costs, set(DEFAULT_MONTHLY_COST_SEK), "monthly_cost_sek.")
    for k in DEFAULT_MONTHLY_COST_SEK:
        costs[k] = r.number(raw_costs, k, "monthly_cost_sek.", costs[k], lo=0, hi=10_000_000)
    kwargs["monthly_cost_sek"] = costs
    if "workload" in data:
        try:
            kwargs["workload"] = WorkloadConfig.from_dict(data["workload"])
        except (ConfigError, TypeError, ValueError) as exc:
            r.errors.append(f"workload: {exc}")
    # phases
    if "phases" in data:
        phases = []
        raw = data["phases"]
        if not isinstance(raw, list) or not raw:
            r.errors.append("phases: ska vara en lista med minst en fas")
            raw = []
        for i, p in enumerate(raw):
            where = f"phases[{i}]."
            if not isinstance(p, Mapping):
                r.errors.append(f"phases[{i}]: ska vara en tabell")
                continue
            r.unknown(p, _PHASE_KEYS, where)
            deadline = p.get("deadline")
            if deadline not in (None, "preliminary_assessment", "investigation"):
                r.errors.append(f"{where}deadline: ska vara preliminary_assessment, investigation eller utelämnas")
                deadline = None
            hours = p.get("hours_per_month")
            phases.append(Phase(
                key=r.text(p, "key", where, f"phase{i + 1}"),
                mean_days=r.number(p, "mean_days", where, 30.0, lo=1, hi=HORIZON_BUFFER_DAYS / 3),
                shape=r.number(p, "shape", where, 2.0, lo=0.2, hi=100),
                deadline=deadline,
                hours_per_month=None if hours is None else r.number(p, "hours_per_month", where, 0.0, lo=0, hi=200),
                work_type=r.text(p, "work_type", where, PRELIMINARY_ASSESSMENT),
                counts_toward_cap=r.boolean(p, "counts_toward_cap", where, True),
                next_share=r.number(p, "next_share", where, 0.0, lo=0, hi=1),
            ))
        if phases:
            kwargs["phases"] = tuple(phases)
    phase_keys = {p.key for p in kwargs.get("phases", default_phases())}
    for name_ in ("open_allocated", "open_unallocated"):
        raw = data.get(name_, {})
        if not isinstance(raw, Mapping):
            r.errors.append(f"{name_}: ska vara en tabell fas -> lista med ärendens ålder i dagar")
            continue
        parsed = {}
        for k, ages in raw.items():
            if k not in phase_keys:
                r.errors.append(f"{name_}.{k}: okänd fas (finns: {', '.join(sorted(phase_keys))})")
                continue
            if isinstance(ages, int) and not isinstance(ages, bool) and ages >= 0:
                ages = [0] * ages  # a bare count: ages unknown, treated as new
            if not isinstance(ages, list) or any(not isinstance(a, int) or isinstance(a, bool) or a < 0 for a in ages):
                r.errors.append(f"{name_}.{k}: ska vara ett antal eller en lista med åldrar i hela dagar (>= 0)")
                continue
            parsed[k] = tuple(min(a, PRE_PERIOD_DAYS - 1) for a in ages)
        kwargs[name_] = parsed
    # measures
    measures = []
    raw_measures = data.get("measures", [])
    if not isinstance(raw_measures, list):
        r.errors.append("measures: ska vara en lista med åtgärder")
        raw_measures = []
    for i, m in enumerate(raw_measures):
        where = f"measures[{i}]."
        if not isinstance(m, Mapping):
            r.errors.append(f"measures[{i}]: ska vara en tabell")
            continue
        r.unknown(m, _MEASURE_KEYS, where)
        kind = m.get("kind")
        if kind not in MEASURE_KINDS:
            r.errors.append(f"{where}kind: okänd åtgärd {kind!r} (finns: {', '.join(MEASURE_KINDS)})")
            continue
        m_start = r.date(m, "start_on", where, None)
        count = r.number(m, "count", where, 0, lo=0, hi=10_000, integer=True)
        if kind in ("hire", "summer_temps", "trainees", "specialists", "admin_support") and count < 1:
            r.errors.append(f"{where}count: ska vara minst 1 för åtgärden {MEASURE_LABELS_SV[kind]}")
        cap_value = m.get("cap")
        if kind in ("consultant_cap", "caseload_cap") and cap_value is None:
            r.errors.append(f"{where}cap: saknas för åtgärden {MEASURE_LABELS_SV[kind]}")
        if kind == "pay_rise" and "sek_per_month" not in m:
            r.errors.append(f"{where}sek_per_month: saknas för åtgärden lönesatsning")
        measures.append(Measure(
            kind=kind,
            start_on=m_start or date(2000, 1, 1),
            count=count,
            experienced=r.boolean(m, "experienced", where, True),
            weeks=r.number(m, "weeks", where, 8, lo=1, hi=52, integer=True),
            months=r.number(m, "months", where, 0, lo=0, hi=120, integer=True),
            conversion_share=r.number(m, "conversion_share", where, 0.7, lo=0, hi=1),
            sek_per_month=r.number(m, "sek_per_month", where, 0.0, lo=0, hi=100_000),
            cap=None if cap_value is None else r.number(m, "cap", where, None, lo=0, hi=10_000),
            turnover_factor=r.number(m, "turnover_factor", where, 0.95, lo=0.1, hi=1.5),
            cost_sek=r.number(m, "cost_sek", where, 0.0, lo=0, hi=1e10),
            monthly_cost_sek=r.number(m, "monthly_cost_sek", where, 0.0, lo=0, hi=1e9),
            label=r.text(m, "label", where, ""),
            action_plan_measure=str(m.get("action_plan_measure", "") or ""),
        ))
    kwargs["measures"] = tuple(measures)
    tgt = data.get("target", {})
    if not isinstance(tgt, Mapping):
        r.errors.append("target: ska vara en tabell")
        tgt = {}
    r.unknown(tgt, set(Target.__dataclass_fields__), "target.")
    output = r.text(tgt, "output", "target.", "investigation_met_share")
    if output not in OUTPUT_KEYS:
        r.errors.append(f"target.output: okänt utfall {output!r} (finns: {', '.join(OUTPUT_KEYS)})")
        output = "investigation_met_share"
    kwargs["target"] = Target(
        output=output,
        value=r.number(tgt, "value", "target.", 0.9, lo=-1e12, hi=1e12),
        months=r.number(tgt, "months", "target.", 12, lo=1, hi=120, integer=True),
        higher_is_better=r.boolean(tgt, "higher_is_better", "target.", True),
    )
    if kwargs.get("inflow_forecast") and len(kwargs["inflow_forecast"]) < kwargs["months"]:
        r.errors.append(
            f"inflow_forecast: ska ha minst {kwargs['months']} månadsvärden, fick {len(kwargs['inflow_forecast'])}"
        )
    if r.errors:
        raise ScenarioError(r.errors)
    return Scenario(name=name, start_on=start_on, reports_per_month=float(reports or 0.0),
                    staff=tuple(staff), **kwargs)


def load_scenario(path: str, text: str | bytes | None = None) -> Scenario:
    """Return the scenario in a TOML (``.toml``) or JSON (``.json``) file; errors name the file."""
    try:
        if text is None:
            with open(path, "rb") as fh:
                text = fh.read()
        raw = text if isinstance(text, str) else text.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ScenarioError([f"{path}: kan inte läsa filen (den finns inte)"]) from exc
    except OSError as exc:
        raise ScenarioError([f"{path}: kan inte läsa filen (åtkomst nekad eller inte en fil)"]) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{path}: filen är inte UTF-8"]) from exc
    try:
        if str(path).lower().endswith(".json"):
            data = json.loads(raw)
        else:
            data = tomllib.loads(raw)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path}: ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}: {exc.msg}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: ogiltig TOML: {exc}"]) from exc
    try:
        return scenario_from_dict(data)
    except ScenarioError as exc:
        raise ScenarioError([f"{path}: {e}" for e in exc.errors]) from exc


# --- calendar helpers ---------------------------------------------------------------------------


def month_starts(start_on: date, months: int) -> list[date]:
    """Return the first day of each simulated month (the first is the month containing start_on)."""
    out = []
    y, m = start_on.year, start_on.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _deadline_offsets(rule: str | None, first: date, n_days: int, config: _deadlines.DeadlineConfig) -> np.ndarray:
    """Return, per start day, the number of days until the legal due date (inclusive)."""
    if rule is None:
        return np.full(n_days, 10**9, dtype=np.int64)
    due = _deadlines.preliminary_assessment_due if rule == "preliminary_assessment" else _deadlines.investigation_due
    out = np.empty(n_days, dtype=np.int64)
    for i in range(n_days):
        d = first + timedelta(days=i)
        out[i] = (due(d, config) - d).days
    return out


# --- results ------------------------------------------------------------------------------------


def bands(values: np.ndarray) -> dict[str, list[float | None]]:
    """Return median and 80 % / 95 % bands over runs (axis 0) of a (runs, months) array; NaN ignored."""
    values = np.asarray(values, dtype=float)
    out: dict[str, list[float | None]] = {k: [] for k in ("median", "lo80", "hi80", "lo95", "hi95", "mean")}
    qs = (0.5, 0.1, 0.9, 0.025, 0.975)
    for j in range(values.shape[1]):
        col = values[:, j]
        col = col[~np.isnan(col)]
        if col.size == 0:
            for k in out:
                out[k].append(None)
            continue
        q = np.quantile(col, qs)
        for k, v in zip(("median", "lo80", "hi80", "lo95", "hi95"), q):
            out[k].append(float(v))
        out["mean"].append(float(col.mean()))
    return out


def _summary_bands(values: np.ndarray) -> dict[str, float | None]:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {k: None for k in ("median", "lo80", "hi80", "lo95", "hi95", "mean")}
    q = np.quantile(values, (0.5, 0.1, 0.9, 0.025, 0.975))
    return {"median": float(q[0]), "lo80": float(q[1]), "hi80": float(q[2]), "lo95": float(q[3]),
            "hi95": float(q[4]), "mean": float(values.mean())}


@dataclass
class PhaseStats:
    """Per-run queue statistics of one phase, over cases that arrived during the horizon."""

    arrivals: np.ndarray  # cases that entered the phase's queue on day >= 0
    allocated: np.ndarray  # of those, how many were allocated
    wait_days_total: np.ndarray  # their summed wait before allocation (days)
    queue_days_total: np.ndarray  # sum over days of the end-of-day queue (all cases)
    days: int
    # by the month the case entered the queue: (runs, months) allocated and summed waits
    allocated_by_arrival_month: np.ndarray | None = None
    wait_days_by_arrival_month: np.ndarray | None = None
    arrivals_by_month: np.ndarray | None = None

    def mean_wait_of_cohorts(self, first_months: int) -> float:
        """Return the pooled mean wait of cases that entered in the first months (all runs).

        Cases that arrive near the end of the horizon may still be waiting when it ends; restricting
        the estimate to early cohorts removes that censoring.
        """
        n = self.allocated_by_arrival_month[:, :first_months].sum()
        return float(self.wait_days_by_arrival_month[:, :first_months].sum() / n) if n else math.nan

    def mean_wait_days(self) -> np.ndarray:
        """Return each run's mean wait before allocation (NaN when nothing was allocated)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.wait_days_total / self.allocated

    def mean_unallocated(self) -> np.ndarray:
        """Return each run's time-average number of unallocated cases."""
        return self.queue_days_total / self.days

    def arrival_rate_per_day(self) -> np.ndarray:
        """Return each run's arrivals per day."""
        return self.arrivals / self.days


@dataclass
class SimulationResult:
    """Per-run monthly outputs (``monthly[key]`` is a (runs, months) array) and per-phase statistics."""

    scenario: Scenario
    runs: int
    seed: int
    month_starts: list[date]
    monthly: dict[str, np.ndarray]
    phase_stats: dict[str, PhaseStats]
    met: dict[str, np.ndarray]  # phase -> (runs,) completed on time over the horizon
    completed: dict[str, np.ndarray]  # phase -> (runs,) completed over the horizon
    baseline: SimulationResult | None = None

    def bands(self, key: str) -> dict[str, list[float | None]]:
        """Return the monthly median and bands of one output."""
        return bands(self.monthly[key])

    def compliance(self, phase: str) -> np.ndarray:
        """Return each run's share of the phase's deadlines met over the horizon."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.met[phase] / self.completed[phase]

    def total_cost(self) -> np.ndarray:
        """Return each run's total cost (SEK) over the horizon."""
        return self.monthly["cost_sek"].sum(axis=1)

    def target_reached(self) -> np.ndarray:
        """Return, per run, whether the scenario's target is reached over its last months."""
        t = self.scenario.target
        tail = self.monthly[t.output][:, -min(t.months, self.monthly[t.output].shape[1]):]
        seen = (~np.isnan(tail)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(seen > 0, np.nansum(tail, axis=1) / np.maximum(seen, 1), np.nan)
        return (value >= t.value) if t.higher_is_better else (value <= t.value)

    def summary(self) -> dict[str, Any]:
        """Return the per-scenario summary: cost, compliance, target probability, cost per point."""
        inv_key = self._deadline_phase("investigation")
        pa_key = self._deadline_phase("preliminary_assessment")
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "months": len(self.month_starts),
            "seed": self.seed,
            "total_cost_sek": _summary_bands(self.total_cost()),
            "investigation_compliance": _summary_bands(self.compliance(inv_key)) if inv_key else None,
            "preliminary_assessment_compliance": _summary_bands(self.compliance(pa_key)) if pa_key else None,
            "leavers_total": _summary_bands(self.monthly["leavers"].sum(axis=1)),
            "unallocated_end": _summary_bands(self.monthly["unallocated"][:, -1]),
            "target": {**asdict(self.scenario.target),
                       "probability": float(np.mean(self.target_reached()))},
            "mean_wait_days": {k: _summary_bands(s.mean_wait_days()) for k, s in self.phase_stats.items()},
        }
        if self.baseline is not None and inv_key:
            extra_cost = self.total_cost() - self.baseline.total_cost()
            gain_pp = 100.0 * (self.compliance(inv_key) - self.baseline.compliance(inv_key))
            mean_gain = float(np.nanmean(gain_pp))
            mean_cost = float(np.mean(extra_cost))
            out["versus_baseline"] = {
                "extra_cost_sek": _summary_bands(extra_cost),
                "compliance_gain_pp": _summary_bands(gain_pp),
                # Ratio of means over paired runs (common random numbers): stable where per-run ratios are not.
                "cost_per_pp_sek": (mean_cost / mean_gain) if mean_gain > 0.05 else None,
                "baseline_target_probability": float(np.mean(self.baseline.target_reached())),
            }
        return out

    def _deadline_phase(self, rule: str) -> str | None:
        for p in self.scenario.phases:
            if p.deadline == rule:
                return p.key
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document of the CLI contract: per-month bands of every output and the summary."""
        return {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "seed": self.seed,
            "months": [
                {"month": m.strftime("%Y-%m"), **{k: _band_at(self.monthly[k], j) for k in OUTPUT_KEYS}}
                for j, m in enumerate(self.month_starts)
            ],
            "summary": self.summary(),
        }


def _band_at(values: np.ndarray, j: int) -> dict[str, float | None]:
    return _summary_bands(values[:, j])


# --- the engine ---------------------------------------------------------------------------------


class _Measures:
    """Month-by-month effects of a scenario's measures (deterministic, the same in every run)."""

    def __init__(self, scenario: Scenario, months: list[date]):
        n = len(months)
        self.n = n
        first = months[0]
        end = month_starts(months[-1], 2)[1]

        def month_index(day: date) -> int:
            return (day.year - first.year) * 12 + day.month - first.month

        self.extra_positions = np.zeros(n, dtype=np.int64)  # new positions opened this month
        self.hire_experienced = np.zeros(n, dtype=np.int64)  # of which recruited as experienced
        self.summer_temps = np.zeros(n)  # FTE-months active (fraction of the month's days)
        self.trainees = np.zeros(n, dtype=np.int64)  # trainees in the programme
        self.trainee_endings = np.zeros(n, dtype=np.int64)  # trainees finishing this month
        self.trainee_conversion = np.zeros(n)
        self.specialists = np.zeros(n, dtype=np.int64)
        self.admins = np.zeros(n)
        self.pay_rise_sek = np.zeros(n)
        self.turnover_factor = np.ones(n)
        self.consultant_cap = np.full(n, np.inf)
        if scenario.consultant_cap is not None:
            self.consultant_cap[:] = scenario.consultant_cap
        if not scenario.consultants_fill_vacancies:
            self.consultant_cap[:] = 0
        self.caseload_cap = np.full(n, scenario.caseload_cap_per_fte)
        self.fixed_cost = np.zeros(n)
        for m in scenario.measures:
            s = month_index(m.start_on)
            if s >= n or m.start_on >= end:
                continue
            s_clip = max(s, 0)
            stop = n if m.months == 0 else min(n, max(s + m.months, 0))
            active = slice(s_clip, stop)
            if s >= 0:
                self.fixed_cost[s] += m.cost_sek
            self.fixed_cost[active] += m.monthly_cost_sek
            if m.kind == "hire":
                self.extra_positions[s_clip] += m.count
                if m.experienced:
                    self.hire_experienced[s_clip] += m.count
            elif m.kind == "summer_temps":
                last = m.start_on + timedelta(weeks=m.weeks)
                for j, ms in enumerate(months):
                    me = month_starts(ms, 2)[1]
                    overlap = (min(me, last) - max(ms, m.start_on)).days
                    if overlap > 0:
                        self.summer_temps[j] += m.count * overlap / (me - ms).days
            elif m.kind == "trainees":
                length = m.months or 12
                stop = min(n, max(s + length, 0))
                self.trainees[s_clip:stop] += m.count
                if s + length < n:
                    self.trainee_endings[s + length] += m.count
                    self.trainee_conversion[s + length] = m.conversion_share
            elif m.kind == "specialists":
                self.specialists[active] += m.count
            elif m.kind == "admin_support":
                self.admins[active] += m.count
            elif m.kind == "pay_rise":
                self.pay_rise_sek[active] += m.sek_per_month
            elif m.kind == "retention":
                self.turnover_factor[active] *= m.turnover_factor
            elif m.kind == "consultant_cap":
                self.consultant_cap[active] = np.minimum(self.consultant_cap[active], m.cap)
            elif m.kind == "caseload_cap":
                self.caseload_cap[active] = m.cap
        self.pay_factor = np.maximum(0.5, 1.0 - PAY_RISE_TURNOVER_EFFECT_PER_1000_SEK * self.pay_rise_sek / 1000.0)


def _scatter_add(target: np.ndarray, idx: np.ndarray) -> None:
    """Add 1 at every index (repeats add up); faster than np.add.at for short index arrays."""
    if idx.size:
        u, c = np.unique(idx, return_counts=True)
        target[u] += c.astype(target.dtype)


def _sample_days(rng: np.random.Generator, phase: Phase, size: int) -> np.ndarray:
    """Return whole-day durations >= 1 with the phase's mean (geometric for shape 1, rounded gamma else)."""
    if phase.shape == 1.0:
        return rng.geometric(min(1.0, 1.0 / phase.mean_days), size)
    x = rng.gamma(phase.shape, phase.mean_days / phase.shape, size)
    days = np.rint(x).astype(np.int64)
    np.maximum(days, 1, out=days)
    return days


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
        raise ScenarioError([f"inflow_forecast: räcker till {len(scenario.inflow_forecast)} månader, "
                             f"simuleringen gäller {scenario.months}; kortare period eller längre prognos"])
    if runs < 1:
        raise ScenarioError(["runs: ska vara minst 1"])
    result = _Engine(scenario, runs, seed, initial_counts, progress if not with_baseline else
                     (lambda f: progress(f / 2)) if progress else None).run()
    if with_baseline:
        base = _Engine(scenario.without_measures(), runs, seed, initial_counts,
                       (lambda f: progress(0.5 + f / 2)) if progress else None).run()
        result.baseline = base
    return result


class _Engine:
    def __init__(self, sc: Scenario, runs: int, seed: int, initial_counts, progress):
        self.sc = sc
        self.R = runs
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.progress = progress
        self.initial_counts = initial_counts or {}
        self.months = month_starts(sc.start_on, sc.months)
        self.first_day = self.months[0]
        self.end_day = month_starts(self.months[-1], 2)[1]
        self.D = (self.end_day - self.first_day).days

    # -- staff -------------------------------------------------------------------------------
    def _init_staff(self, meas: _Measures) -> None:
        sc, R = self.sc, self.R
        perm = [(g.fte, g.experience_years, g.supervisees, g.trainee) for g in sc.staff if not g.consultant
                for _ in range(g.count)]
        self.consultants0 = sum(g.count for g in sc.staff if g.consultant)
        # The consultants employed at the start keep their own hours rate (FTE x the experience rate, as on
        # the workload board); consultants hired later count at CONSULTANT_RATE.
        self.consultant_rate0 = (
            sum(g.count * g.fte * sc.workload.experience_rate(g.experience_years) for g in sc.staff if g.consultant)
            / self.consultants0 if self.consultants0 else CONSULTANT_RATE
        )
        positions0 = len(perm) + self.consultants0 + sc.vacancies
        trainee_total = int(meas.trainee_endings.sum())
        size = positions0 + int(meas.extra_positions.sum()) + trainee_total + 2
        self.S = size
        self.fte = np.zeros((R, size))
        self.exp = np.zeros((R, size))
        self.active = np.zeros((R, size), dtype=bool)
        self.supervisees = np.zeros((R, size))
        self.trainee = np.zeros((R, size), dtype=bool)
        for i, (f, e, sup, tr) in enumerate(perm):
            self.fte[:, i] = f
            self.exp[:, i] = e
            self.supervisees[:, i] = sup
            self.trainee[:, i] = tr
            self.active[:, i] = True
        # vacancies (budgeted positions without a permanent employee) per run and month, for the consultant
        # lead time; before the start only the positions consultants already fill count as open long enough
        self.vacant_hist = np.zeros((R, sc.months), dtype=np.int64)
        self.positions = np.full(R, positions0, dtype=np.int64)
        lead = sc.recruitment_lead_months
        self.pipe_ok_exp = np.zeros((R, sc.months + lead + 2), dtype=np.int64)
        self.pipe_ok_new = np.zeros_like(self.pipe_ok_exp)
        self.pipe_fail = np.zeros_like(self.pipe_ok_exp)
        self.in_pipeline = np.zeros(R, dtype=np.int64)

    def _hire(self, n_exp: np.ndarray, n_new: np.ndarray) -> None:
        """Put n_exp experienced and n_new new-graduate hires into free staff slots per run."""
        total = n_exp + n_new
        if not total.any():
            return
        free = ~self.active
        order = np.cumsum(free, axis=1)
        take = free & (order <= total[:, None])
        exp_take = take & (order <= n_exp[:, None])
        self.active |= take
        self.fte[take] = 1.0
        self.supervisees[take] = 0.0
        self.trainee[take] = False
        self.exp[take] = 0.0
        self.exp[exp_take] = EXPERIENCED_HIRE_YEARS

    def _recruit(self, m: int) -> None:
        """Start recruitment for open vacancies; arrivals and failures come due after the lead time."""
        sc, rng = self.sc, self.rng
        lead = sc.recruitment_lead_months
        headcount = self.active.sum(axis=1)
        open_ = np.maximum(self.positions - headcount - self.in_pipeline, 0)
        # vacancies opened by a hire measure this month are recruited with the measure's experience
        meas_exp = np.minimum(self.meas.hire_experienced[m], open_)
        regular = open_ - meas_exp
        ok_meas = rng.binomial(meas_exp, sc.recruitment_success_share)
        ok_regular = rng.binomial(regular, sc.recruitment_success_share)
        ok_regular_exp = rng.binomial(ok_regular, sc.hire_experienced_share)
        due = m + max(lead, 1)  # a recruitment started this month ends next month at the earliest
        self.pipe_ok_exp[:, due] += ok_meas + ok_regular_exp
        self.pipe_ok_new[:, due] += ok_regular - ok_regular_exp
        self.pipe_fail[:, due] += open_ - ok_meas - ok_regular
        self.in_pipeline += open_

    def _month_staff(self, m: int, load_prev: np.ndarray) -> None:
        sc, rng, meas = self.sc, self.rng, self.meas
        # new positions from hire measures
        self.positions += meas.extra_positions[m]
        # recruitment outcomes due now
        arrive_exp, arrive_new = self.pipe_ok_exp[:, m], self.pipe_ok_new[:, m]
        self.in_pipeline -= arrive_exp + arrive_new + self.pipe_fail[:, m]
        self._hire(arrive_exp, arrive_new)
        # trainees finishing: some are hired as first-year caseworkers, taking a vacancy or a new position
        if meas.trainee_endings[m]:
            conv = rng.binomial(meas.trainee_endings[m], meas.trainee_conversion[m], self.R)
            headcount = self.active.sum(axis=1)
            vacant = np.maximum(self.positions - headcount - self.in_pipeline, 0)
            self.positions += np.maximum(conv - vacant, 0)
            self._hire(np.zeros(self.R, dtype=np.int64), conv)
        # turnover: hazard rises with last month's load; pay, retention and mentors lower it
        p = sc.turnover.monthly_probability(load_prev)[:, None] * meas.pay_factor[m] * meas.turnover_factor[m]
        p = np.broadcast_to(p, self.exp.shape)
        if meas.specialists[m] > 0:
            p = np.where(self.exp < 2.0, p * MENTOR_NEW_STAFF_TURNOVER_FACTOR, p)
        leave = self.active & (rng.random(self.exp.shape) < np.minimum(p, 1.0))
        self.leavers = leave.sum(axis=1)
        self.active &= ~leave
        # experience grows; mentors speed up new staff
        growth = np.where((meas.specialists[m] > 0) & (self.exp < 2.0), MENTOR_EXPERIENCE_SPEEDUP, 1.0) / 12.0
        self.exp = np.where(self.active, self.exp + growth, 0.0)
        # recruitment for open vacancies
        self._recruit(m)
        headcount = self.active.sum(axis=1)
        # Consultants cover vacancies among the unit's own budgeted positions; positions a hire measure
        # creates are left empty until the recruitment succeeds (hires fill existing vacancies first).
        vacant = np.maximum(self.positions - int(meas.extra_positions[: m + 1].sum()) - headcount, 0)
        self.vacant_hist[:, m] = vacant
        # A consultant starts in a vacancy only once it has been open consultant_lead_months: the consultants
        # may cover as many vacancies as were open throughout the last lead months (before the start: the
        # positions the consultants employed then already filled). Consultants leave as hires fill positions.
        lead = sc.consultant_lead_months
        covered = vacant
        if lead > 0:
            window = self.vacant_hist[:, max(m - lead, 0): m + 1].min(axis=1)
            covered = np.minimum(window, self.consultants0) if m - lead < 0 else window
        self.consultants = np.minimum(covered, meas.consultant_cap[m]).astype(np.int64)
        # capacity for the month (before vacation and sick leave): the workload model's case hours
        wl = sc.workload
        rates = np.ones_like(self.exp) * wl.experience_rate(0.0)
        for min_years, rate in sorted(wl.experience_rates):
            rates = np.where(self.exp >= min_years, rate, rates)
        rates = np.where(self.trainee, wl.trainee_rate, rates)
        trainees = self.active & self.trainee
        first_year = self.active & (self.exp < 1.0) & ~self.trainee
        experienced = self.active & ~first_year & ~self.trainee
        fte_rate = (self.fte * rates * self.active).sum(axis=1)
        base = wl.contracted_hours_per_month
        admin_supported = np.minimum(meas.admins[m] * CASEWORKERS_PER_ADMIN, headcount + self.consultants)
        staff_n = np.maximum(headcount + self.consultants, 1)
        share = (wl.non_case_share * (staff_n - admin_supported) + wl.non_case_share_with_admin_support
                 * admin_supported) / staff_n
        n0 = np.minimum(self.consultants, self.consultants0)
        consultant_rate = n0 * self.consultant_rate0 + (self.consultants - n0) * CONSULTANT_RATE
        self.hours_capacity = base * (1.0 - share) * (
            fte_rate
            + consultant_rate
            + meas.summer_temps[m] * SUMMER_TEMP_RATE
            + meas.trainees[m] * wl.trainee_rate
            + meas.specialists[m] * SPECIALIST_CASE_SHARE
        )
        if self.supervisees.any():
            # team leads lose supervision hours per supervisee (never more than their own case hours)
            own = base * (1.0 - share)[:, None] * self.fte
            supervision = np.minimum(self.supervisees * wl.supervision_hours_per_supervisee_per_month, own)
            self.hours_capacity = self.hours_capacity - (supervision * rates * self.active).sum(axis=1)
        slot_fte = (self.fte * experienced).sum(axis=1) + self.consultants + meas.specialists[m] * SPECIALIST_CASE_SHARE
        self.slots = np.floor(meas.caseload_cap[m] * slot_fte + 1e-9).astype(np.int64)
        sick = sc.sick_leave_share
        if sick > 0:
            # month-to-month variation of the unit's sick leave (beta, mean = sick_leave_share, sd ~ 40 %)
            k = max(1.0 / (0.4**2) * (1 - sick) / sick - 1.0, 1.0)
            self.sick = rng.beta(sick * k, (1 - sick) * k, self.R)
        else:
            self.sick = np.zeros(self.R)
        if m == 0 and sc.start_absence_share is not None:
            # the starting month's absence is known: the one recorded, as the workload board counts it
            self.sick = np.full(self.R, sc.start_absence_share)
        costs = sc.monthly_cost_sek
        perm_fte = (self.fte * (self.active & ~self.trainee)).sum(axis=1)
        trainee_fte = (self.fte * trainees).sum(axis=1)
        self.month_cost = (
            perm_fte * (costs["permanent"] + meas.pay_rise_sek[m] * (1 + PAYROLL_OVERHEAD))
            + self.consultants * costs["consultant"]
            + meas.summer_temps[m] * costs["summer_temp"]
            + (meas.trainees[m] + trainee_fte) * costs["trainee"]
            + meas.specialists[m] * costs["specialist"]
            + meas.admins[m] * costs["admin"]
            + meas.fixed_cost[m]
        )
        out = self.out
        out["staff_first_year"][:, m] = first_year.sum(axis=1)
        out["staff_experienced"][:, m] = experienced.sum(axis=1)
        out["consultants"][:, m] = self.consultants
        out["summer_temps"][:, m] = meas.summer_temps[m]
        out["trainees"][:, m] = meas.trainees[m] + trainees.sum(axis=1)
        out["specialists"][:, m] = meas.specialists[m]
        out["leavers"][:, m] = self.leavers
        out["cost_sek"][:, m] = self.month_cost

    # -- cases -------------------------------------------------------------------------------
    def _init_cases(self) -> None:
        sc, R, rng = self.sc, self.R, self.rng
        ages = [a for v in (*sc.open_allocated.values(), *sc.open_unallocated.values()) for a in v]
        P = self.P = min(max(ages, default=0), PRE_PERIOD_DAYS - 1) + 2
        D, L = self.D, HORIZON_BUFFER_DAYS
        self.W = P + D + 1
        self.BIG = np.int64(1) << 40
        self.run_base = np.arange(R, dtype=np.int64) * self.BIG
        self.run_ids32 = np.arange(R, dtype=np.int32)
        nph = len(sc.phases)
        self.cumA = np.zeros((nph, R), dtype=np.int64)
        self.cumD = np.zeros((nph, R), dtype=np.int64)
        self.cumA_yesterday = np.zeros((nph, R), dtype=np.int64)
        self.head = np.zeros((nph, R), dtype=np.int64)  # day index of the last allocated case's arrival
        self.alloc = np.zeros((nph, R), dtype=np.int64)
        self.flatA = []
        self.due_total = np.zeros((nph, R * L), dtype=np.int32)
        self.due_met = np.zeros((nph, R * L), dtype=np.int32)
        first_pre = self.first_day - timedelta(days=P)
        self.deadline_offset = [
            _deadline_offsets(p.deadline, first_pre, P + D + 1 + L, sc.deadline_config) for p in sc.phases
        ]
        self.weights = np.array([
            p.hours_per_month if p.hours_per_month is not None else sc.workload.weight("main", p.work_type)
            for p in sc.phases
        ])
        self.counts = np.array([p.counts_toward_cap for p in sc.phases])
        M = sc.months
        self.stats = {
            p.key: PhaseStats(np.zeros(R, np.int64), np.zeros(R, np.int64), np.zeros(R, np.int64),
                              np.zeros(R, np.int64), D, np.zeros((R, M), np.int64), np.zeros((R, M), np.int64),
                              np.zeros((R, M), np.int64)) for p in sc.phases
        }
        self._allocated_by_month = [np.zeros(M * R, np.int64) for _ in sc.phases]
        self._wait_by_month = [np.zeros(M * R, np.int64) for _ in sc.phases]
        # month index of every day on the day axis (pre-period days map to -1)
        self.day_month = np.full(P + D + 1, -1, dtype=np.int64)
        d = P
        for j, ms in enumerate(self.months):
            n = _calendar.monthrange(ms.year, ms.month)[1]
            self.day_month[d:d + n] = j
            d += n
        self.met = {p.key: np.zeros(R, np.int64) for p in sc.phases}
        self.completed = {p.key: np.zeros(R, np.int64) for p in sc.phases}
        for i, p in enumerate(sc.phases):
            flat = np.repeat(self.run_base, self.W) + (self.BIG - 1)
            # open unallocated cases: arrivals before day 0 at their ages
            cum_pre = np.zeros(P + 1, dtype=np.int64)
            override = self.initial_counts.get(p.key)
            q_ages = sc.open_unallocated.get(p.key, ())
            if override is not None:
                n_alloc0, n_queue0 = (np.asarray(a, dtype=np.int64) for a in override)
            else:
                hist = np.bincount(P - 1 - np.asarray(q_ages, dtype=np.int64), minlength=P) if q_ages else np.zeros(P, np.int64)
                cum_pre[:P] = np.cumsum(hist)
                n_queue0 = np.full(R, cum_pre[P - 1], dtype=np.int64)
                n_alloc0 = None
            fl = flat.reshape(R, self.W)
            if override is not None:
                fl[:, :P] = self.run_base[:, None]
                fl[:, P - 1] += n_queue0  # all arrived on day -1
            else:
                fl[:, :P] = self.run_base[:, None] + cum_pre[None, :P]
            self.cumA[i] = n_queue0
            self.flatA.append(flat)
            # open allocated cases: remaining durations, deadline judged from their age
            if override is not None:
                ages = None
                counts = n_alloc0
            else:
                a_ages = np.asarray(sc.open_allocated.get(p.key, ()), dtype=np.int64)
                counts = np.full(R, a_ages.size, dtype=np.int64)
                ages = a_ages
            total = int(counts.sum())
            if total:
                runs_idx = np.repeat(np.arange(R), counts)
                if ages is None:
                    age = np.zeros(total, dtype=np.int64)
                else:
                    age = np.tile(ages, R)
                dur = _sample_days(rng, p, total)
                if p.shape != 1.0:  # a case part-way through: the remaining part of a fresh duration
                    dur = np.maximum(1, np.ceil(dur * rng.random(total))).astype(np.int64)
                dur = np.minimum(dur, L - 1)
                met = (age + dur) <= self.deadline_offset[i][P - age]
                self._schedule(i, runs_idx, dur, met)
                self.alloc[i] = counts

    def _ring_add(self, target: np.ndarray, lo: int, counts: np.ndarray) -> None:
        """Add counts for consecutive positions lin = lo, lo+1, ... of the ring (lin mod L x R)."""
        size = target.size
        start = lo % size
        first = min(counts.size, size - start)
        target[start:start + first] += counts[:first]
        if first < counts.size:
            target[:counts.size - first] += counts[first:]

    def _schedule(self, i: int, runs_idx: np.ndarray, due_day: np.ndarray, met: np.ndarray) -> None:
        """Add cases to the completion ring buffers (laid out day-major: slot x runs + run)."""
        R, L = self.R, HORIZON_BUFFER_DAYS
        lin = due_day * R + runs_idx
        for target, sel in ((self.due_total[i], None), (self.due_met[i], met)):
            x = lin if sel is None else lin[sel]
            if not x.size:
                continue
            lo = int(x.min())
            span = int(x.max()) - lo + 1
            if span <= 32 * x.size + 4096:  # dense enough: count with bincount, add to the ring's slice
                c = np.bincount(x - lo, minlength=span).astype(target.dtype)
                # lin = day x R + run, so the ring position is lin mod (L x R): one slice, or two when it wraps
                start = lo % (L * R)
                first = min(span, L * R - start)
                target[start:start + first] += c[:first]
                if first < span:
                    target[:span - first] += c[first:]
            else:
                u, c = np.unique(x, return_counts=True)
                target[(u // R % L) * R + u % R] += c.astype(target.dtype)

    def _allocate(self, i: int, k: np.ndarray, day: int) -> None:
        """Allocate k[r] cases of phase i in each run r today, FIFO: first those waiting from before,
        whose arrival days are looked up, then today's arrivals (no wait, no lookup)."""
        if not k.any():
            return
        p = self.sc.phases[i]
        P = self.P
        waiting_from_before = self.cumA_yesterday[i] - self.cumD[i]
        n_old = np.minimum(np.maximum(waiting_from_before, 0), k)
        n_new = k - n_old
        K_old = int(n_old.sum())
        if K_old:
            r_old = np.repeat(np.arange(self.R, dtype=np.int64), n_old)
            within = np.arange(K_old) - np.repeat(np.cumsum(n_old) - n_old, n_old)
            arr_idx = self._arrival_days(i, r_old, self.cumD[i][r_old] + within + 1, day, n_old)
            last = np.cumsum(n_old)[n_old > 0] - 1
            self.head[i][r_old[last]] = arr_idx[last]
            self._start_cases(i, p, r_old, arr_idx, day)
        K_new = int(n_new.sum())
        if K_new:
            runs_new = np.repeat(self.run_ids32, n_new)
            self._start_today(i, p, n_new, runs_new, K_new, day)
            self.head[i][n_new > 0] = P + day
        self.cumD[i] += k
        self.alloc[i] += k

    def _arrival_days(self, i: int, runs: np.ndarray, case_no: np.ndarray, day: int,
                      per_run: np.ndarray) -> np.ndarray:
        """Return the day index on which each run's case number arrived (FIFO, before today)."""
        key = runs * self.BIG + case_no
        base = runs * self.W
        flat = self.flatA[i]
        head = self.head[i][runs]
        # Nothing older than the last allocated case's arrival is waiting, and most cases arrived within a
        # few days of it: count in a short window (read once per run) first, binary-search beyond it.
        active = np.flatnonzero(per_run)
        heads = self.head[i][active]
        cols = np.minimum(heads[:, None] + np.arange(8), self.W - 1)
        rows = flat[(active * self.W)[:, None] + cols]
        row_of_case = np.repeat(np.arange(active.size), per_run[active])
        below = (rows[row_of_case] < key[:, None]).sum(axis=1)
        found = head + below
        far = below == 8
        if not far.any():
            return found
        lo = np.where(far, head + 8, found)
        hi = np.where(far, self.P + day, found)
        while True:
            open_ = lo < hi
            if not open_.any():
                return lo
            mid = (lo + hi) // 2
            ge = flat[base + mid] >= key
            hi = np.where(open_ & ge, mid, hi)
            lo = np.where(open_ & ~ge, mid + 1, lo)

    def _start_cases(self, i, p, runs_idx, arr_idx, day) -> None:
        """Start cases that waited: sample durations, judge their deadline, record their waits."""
        P, L = self.P, HORIZON_BUFFER_DAYS
        wait = (P + day) - arr_idx
        dur = np.minimum(_sample_days(self.rng, p, runs_idx.size), L - 1)
        met = (wait + dur) <= self.deadline_offset[i][arr_idx]
        self._schedule(i, runs_idx, day + dur, met)
        new = arr_idx >= P
        if new.any():
            st = self.stats[p.key]
            r_new, w_new = runs_idx[new], wait[new]
            st.allocated += np.bincount(r_new, minlength=self.R)
            st.wait_days_total += np.bincount(r_new, weights=w_new, minlength=self.R).astype(np.int64)
            # month-major cells (arrival month x runs + run): a short bincount added to a slice
            cell = self.day_month[arr_idx[new]] * self.R + r_new
            lo = int(cell.min())
            span = int(cell.max()) - lo + 1
            self._allocated_by_month[i][lo:lo + span] += np.bincount(cell - lo, minlength=span)
            self._wait_by_month[i][lo:lo + span] += np.bincount(cell - lo, weights=w_new,
                                                                minlength=span).astype(np.int64)

    def _start_today(self, i, p, n_new, runs_idx, K, day) -> None:
        """Start cases that arrived today: no wait, so a case meets its deadline exactly when it is due on
        or before the deadline day; one histogram of due days serves both ring buffers."""
        R, L = self.R, HORIZON_BUFFER_DAYS
        # 32-bit integers: lin = due day x R + run stays far below 2^31 (days < 3,000, runs < 100,000)
        # and halves the memory traffic of the busiest phase
        x = self.rng.gamma(p.shape, p.mean_days / p.shape, K) if p.shape != 1.0 else None
        if x is None:
            dur = self.rng.geometric(min(1.0, 1.0 / p.mean_days), K).astype(np.int32)
        else:
            x += 0.5
            dur = x.astype(np.int32)  # round half up; durations are at least one day
            np.maximum(dur, 1, out=dur)
        lin = dur
        lin *= R
        lin += runs_idx
        lin += day * R  # = due day x R + run
        lo = int(lin.min())
        hi = int(lin.max())
        if hi - day * R >= (L - 1) * R:  # a duration beyond the ring (very long phases): cap it
            np.minimum(lin, (day + L - 1) * R + runs_idx, out=lin)
            lo, hi = int(lin.min()), int(lin.max())
        span = hi - lo + 1
        if span > 32 * K + 4096:  # sparse (long durations, few cases): the general path
            runs64 = runs_idx.astype(np.int64)
            due = (lin.astype(np.int64) - runs64) // R
            met = (due - day) <= self.deadline_offset[i][self.P + day]
            self._schedule(i, runs64, due, met)
        else:
            c = np.bincount(lin - lo, minlength=span).astype(self.due_total.dtype)
            self._ring_add(self.due_total[i], lo, c)
            met_end = (day + self.deadline_offset[i][self.P + day] + 1) * R  # first lin past the deadline
            if met_end > lo:
                self._ring_add(self.due_met[i], lo, c[:met_end - lo])
        st = self.stats[p.key]
        st.allocated += n_new
        m = self.day_month[self.P + day]
        self._allocated_by_month[i][m * self.R:(m + 1) * self.R] += n_new

    def _inflow_means(self) -> np.ndarray:
        sc = self.sc
        if sc.inflow_forecast:
            return np.asarray(sc.inflow_forecast[: sc.months], dtype=float)
        season = np.asarray(sc.seasonality, dtype=float)
        season = season / season.mean() if season.mean() > 0 else np.ones(12)
        return np.array([
            sc.reports_per_month * (1 + sc.annual_growth) ** (j / 12.0) * season[m.month - 1]
            for j, m in enumerate(self.months)
        ])

    def run(self) -> SimulationResult:
        sc, R, rng = self.sc, self.R, self.rng
        M = sc.months
        self.out = {k: np.zeros((R, M)) for k in OUTPUT_KEYS}
        self.meas = _Measures(sc, self.months)
        self._init_staff(self.meas)
        self._init_cases()
        L, P = HORIZON_BUFFER_DAYS, self.P
        nph = len(sc.phases)
        inflow = self._inflow_means()
        weights, counts = self.weights, self.counts
        load_prev = None
        day = 0
        for m, ms in enumerate(self.months):
            n_days = _calendar.monthrange(ms.year, ms.month)[1]
            if load_prev is None:
                load_prev = np.full(R, sc.turnover.reference_load)
            self._month_staff(m, load_prev)
            vac = sc.vacation_share[ms.month - 1]
            present_hours = self.hours_capacity * (1.0 - self.sick)
            cap_hours = present_hours * (1.0 - vac)
            lam = inflow[m] / n_days
            load_sum = np.zeros(R)
            met_month = np.zeros((nph, R))
            done_month = np.zeros((nph, R))
            reports = np.zeros(R, dtype=np.int64)
            for _ in range(n_days):
                slot = day % L
                incoming = rng.poisson(lam, R) if lam > 0 else np.zeros(R, dtype=np.int64)
                reports += incoming
                for i, p in enumerate(sc.phases):
                    row = slice(slot * R, (slot + 1) * R)
                    done = self.due_total[i][row].astype(np.int64)
                    met = self.due_met[i][row].astype(np.int64)
                    self.due_total[i][row].fill(0)
                    self.due_met[i][row].fill(0)
                    self.alloc[i] -= done
                    met_month[i] += met
                    done_month[i] += done
                    self.met[p.key] += met
                    self.completed[p.key] += done
                    if i + 1 < nph and p.next_share > 0 and done.any():
                        self._next = rng.binomial(done, p.next_share)
                    else:
                        self._next = None
                    arrivals = incoming
                    self.cumA_yesterday[i] = self.cumA[i]
                    self.cumA[i] += arrivals
                    self.flatA[i].reshape(R, self.W)[:, P + day] = self.run_base + self.cumA[i]
                    self.stats[p.key].arrivals += arrivals
                    self.stats[p.key].arrivals_by_month[:, m] += arrivals
                    incoming = self._next if self._next is not None else np.zeros(R, dtype=np.int64)
                # allocation, most urgent phase first, within free slots and free case hours
                used_hours = (self.alloc * weights[:, None]).sum(axis=0)
                free_hours = cap_hours - used_hours
                free_slots = self.slots - self.alloc[counts].sum(axis=0)
                for i, p in enumerate(sc.phases):
                    queue = self.cumA[i] - self.cumD[i]
                    k = queue
                    if counts[i]:
                        k = np.minimum(k, np.maximum(free_slots, 0))
                    if weights[i] > 0:
                        k = np.minimum(k, np.maximum(np.floor(free_hours / weights[i]), 0).astype(np.int64))
                    if k.any():
                        self._allocate(i, k, day)
                        free_hours -= k * weights[i]
                        if counts[i]:
                            free_slots -= k
                    self.stats[p.key].queue_days_total += queue - k
                queue_all = self.cumA - self.cumD
                demand = ((self.alloc + queue_all) * weights[:, None]).sum(axis=0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    load_sum += np.where(present_hours > 0, demand / np.maximum(present_hours, 1e-9), 0.0)
                day += 1
            load = load_sum / n_days
            load_prev = load
            out = self.out
            out["reports"][:, m] = reports
            out["load"][:, m] = load
            queue_all = self.cumA - self.cumD
            out["unallocated"][:, m] = queue_all.sum(axis=0)
            for i, p in enumerate(sc.phases):
                key = f"unallocated_{p.key}"
                if key in out:
                    out[key][:, m] = queue_all[i]
                with np.errstate(divide="ignore", invalid="ignore"):
                    share = np.where(done_month[i] > 0, met_month[i] / np.maximum(done_month[i], 1), np.nan)
                if p.deadline == "preliminary_assessment":
                    out["preliminary_assessment_met_share"][:, m] = share
                elif p.deadline == "investigation":
                    out["investigation_met_share"][:, m] = share
            if self.progress:
                self.progress((m + 1) / M)
        if not any(p.deadline == "preliminary_assessment" for p in sc.phases):
            self.out["preliminary_assessment_met_share"][:] = np.nan
        if not any(p.deadline == "investigation" for p in sc.phases):
            self.out["investigation_met_share"][:] = np.nan
        for i, p in enumerate(sc.phases):
            st = self.stats[p.key]
            st.allocated_by_arrival_month = np.ascontiguousarray(self._allocated_by_month[i].reshape(M, R).T)
            st.wait_days_by_arrival_month = np.ascontiguousarray(self._wait_by_month[i].reshape(M, R).T)
        return SimulationResult(
            scenario=sc, runs=R, seed=self.seed, month_starts=self.months, monthly=self.out,
            phase_stats=self.stats, met=self.met, completed=self.completed,
        )


# --- calibration of the turnover model ---------------------------------------------------------


def calibrate_turnover(
    observations: Sequence[tuple[float, float, int]], *, reference_load: float = 0.85,
    default: TurnoverModel | None = None,
) -> tuple[TurnoverModel, dict[str, Any]]:
    """Fit the turnover model to a municipality's own (load, person_months, exits) observations.

    A Poisson regression exits ~ person_months x exp(a + b x (load - reference_load)) by Newton's
    method (pure NumPy). Returns the fitted model and a note; with too little data (fewer than 5
    exits or no spread in load) the default's sensitivity is kept and only the level is fitted.
    """
    default = default or TurnoverModel(reference_load=reference_load)
    obs = np.asarray([(float(l), float(e), float(x)) for l, e, x in observations if e > 0], dtype=float)
    if obs.size == 0:
        return default, {"fitted": False, "reason": "inga observationer", "observations": 0, "exits": 0}
    load, exposure, exits = obs[:, 0], obs[:, 1], obs[:, 2]
    x = load - reference_load
    total_exits = exits.sum()
    if total_exits < 5 or np.ptp(load) < 0.05:
        rate = max(total_exits, 0.5) / exposure.sum() / np.mean(np.exp(default.load_sensitivity * x))
        model = replace(default, reference_load=reference_load, annual_rate_at_reference=float(12 * rate))
        return model, {"fitted": False, "reason": "för få avgångar eller för liten spridning i belastning",
                       "observations": len(obs), "exits": int(total_exits)}
    a, b = math.log(total_exits / exposure.sum()), 0.0
    for _ in range(50):
        mu = exposure * np.exp(a + b * x)
        g = np.array([np.sum(exits - mu), np.sum((exits - mu) * x)])
        h = np.array([[np.sum(mu), np.sum(mu * x)], [np.sum(mu * x), np.sum(mu * x * x)]])
        step = np.linalg.solve(h + 1e-9 * np.eye(2), g)
        a, b = a + step[0], b + step[1]
        if np.max(np.abs(step)) < 1e-10:
            break
    b = float(min(max(b, 0.0), 20.0))  # turnover does not fall with load; cap absurd fits
    se_b = float(math.sqrt(max(np.linalg.inv(h)[1, 1], 0.0)))
    model = replace(default, reference_load=reference_load, annual_rate_at_reference=float(12 * math.exp(a)),
                    load_sensitivity=b)
    return model, {"fitted": True, "observations": len(obs), "exits": int(total_exits),
                   "load_sensitivity_se": se_b}


# --- validation against queueing theory ---------------------------------------------------------


def mmc_scenario(*, load: float, servers: int, mean_days: float, months: int,
                 start_on: date = date(2025, 1, 1)) -> Scenario:
    """Return the scenario that is an M/M/c queue: Poisson reports at a constant daily rate, one phase
    with exponential (geometric in whole days) durations, ``servers`` caseload slots, nobody leaving
    or joining, no sick leave or vacation, and no case-hours limit."""
    rate_per_day = load * servers / mean_days
    months_list = month_starts(start_on, months)
    inflow = tuple(rate_per_day * _calendar.monthrange(m.year, m.month)[1] for m in months_list)
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
    from stabil.core import queueing

    sc = mmc_scenario(load=load, servers=servers, mean_days=mean_days, months=months)
    mu = 1.0 / mean_days
    lam = load * servers * mu
    pi = np.asarray(queueing.stationary_distribution(lam, mu, servers))
    pi = pi / pi.sum()
    mean_n = float((np.arange(pi.size) * pi).sum())
    half = months // 2
    days_half = sum(_calendar.monthrange(m.year, m.month)[1] for m in month_starts(sc.start_on, half))
    ys, xs, queue_days, arrivals, days = [], [], 0.0, 0.0, 0
    per_batch = -(-runs // batches)
    for b in range(batches):
        rng = np.random.default_rng([seed, b, 7])
        n0 = rng.choice(pi.size, size=per_batch, p=pi)
        res = simulate(sc, runs=per_batch, seed=seed + b,
                       initial_counts={"case": (np.minimum(n0, servers), np.maximum(n0 - servers, 0))})
        st = res.phase_stats["case"]
        waits = st.wait_days_by_arrival_month[:, :half].sum(axis=1)
        arr = st.arrivals_by_month[:, :half].sum(axis=1)
        ys.append(waits / (lam * days_half))
        xs.append(np.column_stack([arr - lam * days_half, n0 - mean_n]))
        queue_days += float(st.queue_days_total.sum())
        arrivals += float(st.arrivals.sum())
        days += st.days * per_batch
    y = np.concatenate(ys)
    x = np.concatenate(xs)
    xc = x - x.mean(axis=0)
    beta = np.linalg.lstsq(xc, y - y.mean(), rcond=None)[0]
    adjusted = y - x @ beta
    mean_unallocated = queue_days / days
    rate = arrivals / days
    return MMcCheck(
        load=load, servers=servers, mean_days=mean_days, runs=per_batch * batches,
        erlang_c_wait_days=queueing.mean_wait(lam, mu, servers),
        simulated_wait_days=float(adjusted.mean()),
        standard_error_days=float(adjusted.std(ddof=x.shape[1] + 1) / math.sqrt(adjusted.size)),
        mean_unallocated=mean_unallocated, arrival_rate_per_day=rate,
        littles_law_wait_days=mean_unallocated / rate if rate else math.nan,
    )


# --- sweeps over many scenarios -----------------------------------------------------------------


def measure_combinations(base: Scenario, measures: Sequence[Measure]) -> list[Scenario]:
    """Return one scenario per subset of ``measures`` (2^n, the empty set first), named by their labels."""
    out = []
    n = len(measures)
    for mask in range(2**n):
        chosen = tuple(m for i, m in enumerate(measures) if mask >> i & 1)
        label = " + ".join(m.label or MEASURE_LABELS_SV[m.kind] for m in chosen) or "utan åtgärder"
        out.append(replace(base, name=f"{base.name}: {label}", measures=chosen))
    return out


def summarise(scenario: Scenario, runs: int, seed: int, months: int | None = None) -> dict[str, Any]:
    """Run one scenario and return only its summary (small enough to send back from a Dask worker)."""
    return simulate(scenario, runs=runs, seed=seed, months=months).summary()


def sweep(scenarios: Sequence[Scenario], *, runs: int = 1000, seed: int = 0, months: int | None = None,
          client: Any = None, progress: Callable[[float], None] | None = None) -> list[dict[str, Any]]:
    """Run many scenarios (every scenario with the same seed, so they share random numbers) and return
    their summaries in order. With a ``dask.distributed`` client the scenarios run on its workers;
    without one they run one after another here."""
    if client is not None:
        futures = client.map(summarise, list(scenarios), runs=runs, seed=seed, months=months, pure=False)
        results = []
        for i, future in enumerate(futures):
            results.append(future.result())
            if progress:
                progress((i + 1) / len(futures))
        return results
    results = []
    for i, sc in enumerate(scenarios):
        results.append(summarise(sc, runs, seed, months))
        if progress:
            progress((i + 1) / len(scenarios))
    return results


def dask_available() -> bool:
    """Return whether the optional Dask extra (dask.distributed) is installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True

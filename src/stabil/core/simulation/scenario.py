"""The scenario: what one simulation needs, as frozen dataclasses whose field defaults are the defaults.

Every default of a scenario has its home here, in a dataclass field (or a constant it names), and is
documented with its source in docs/simulation.md ("Every default"). The reader (``reader.py``) takes a
field's default from the dataclass when a scenario file leaves the field out; nothing restates it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from stabil.core import deadlines
from stabil.core import workload as core_workload
from stabil.core.workload import INVESTIGATION, OUTPATIENT_FOLLOWUP, PRELIMINARY_ASSESSMENT, WorkloadConfig

from .turnover import TurnoverModel

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
#: Months from a vacancy opening until an agency consultant can start in it (procurement, call-off
#: from the framework agreement, introduction). Vacancies open at the start wait this long too.
DEFAULT_CONSULTANT_LEAD_MONTHS = 1

# --- limits of the engine that a scenario must respect --------------------------------------------

#: Length of the ring buffer of scheduled completions (durations are capped at this many days - 1).
HORIZON_BUFFER_DAYS = 1024
#: How far back (days) open cases' ages are tracked at the start.
PRE_PERIOD_DAYS = 400

# --- names --------------------------------------------------------------------------------------

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
#: Measures that add people: their count must be at least one.
MEASURES_WITH_PEOPLE = ("hire", "summer_temps", "trainees", "specialists", "admin_support")
#: Measures that set a cap: the cap must be given.
MEASURES_WITH_CAP = ("consultant_cap", "caseload_cap")

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
#: The deadline rules a phase may follow (core/deadlines.py); a phase without one has no deadline.
DEADLINE_RULES = ("preliminary_assessment", "investigation")


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
    deadline: str | None = None  # one of DEADLINE_RULES, or None
    hours_per_month: float | None = None  # None: the workload configuration's main weight
    work_type: str = PRELIMINARY_ASSESSMENT  # the workload model's work type for the weight
    counts_toward_cap: bool = True
    next_share: float = 0.0  # share of completed cases that go on to the next phase


def default_phases() -> tuple[Phase, ...]:
    """Return the default flow: preliminary assessment -> investigation -> follow-up."""
    return (
        Phase(
            "preliminary_assessment", mean_days=9.0, shape=3.0, deadline="preliminary_assessment",
            work_type=PRELIMINARY_ASSESSMENT, counts_toward_cap=False,
            next_share=core_workload.DEFAULT_OPENING_SHARE,
        ),
        Phase(
            "investigation", mean_days=80.0, shape=6.0, deadline="investigation",
            work_type=INVESTIGATION, counts_toward_cap=True, next_share=core_workload.DEFAULT_INTERVENTION_SHARE,
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
    # The municipality's deadline rules (the Fristregler page); not part of a scenario file: a scenario
    # from the database is judged by the rules in force (simulation.selectors).
    deadline_config: deadlines.DeadlineConfig = deadlines.DEFAULT_CONFIG

    def without_measures(self) -> Scenario:
        """Return the same scenario with no measures: the baseline it is compared with."""
        return replace(self, name=f"{self.name} (utan åtgärder)", measures=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict that :func:`scenario_from_dict` reads back (all but the
        deadline rules, which are the municipality's rather than the scenario's)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name in FILE_FIELDS}


#: The fields a scenario file may set: every field of Scenario but the municipality's deadline rules.
FILE_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario) if f.name != "deadline_config")


def default_of(cls: type, name: str) -> Any:
    """Return the default of a dataclass field (its default or a fresh value of its default factory)."""
    spec = cls.__dataclass_fields__[name]
    if spec.default is not dataclasses.MISSING:
        return spec.default
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    raise KeyError(f"{cls.__name__}.{name} has no default")


def _plain(value: Any) -> Any:
    """Return a value as JSON-serialisable data: dates as ISO text, tuples as lists, dataclasses as dicts."""
    if isinstance(value, WorkloadConfig):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def month_starts(start_on: date, months: int) -> list[date]:
    """Return the first day of each simulated month (the first is the month containing start_on)."""
    out = []
    year, month = start_on.year, start_on.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out

"""The weighted workload model: demand, capacity and load per person, team and unit.

Pure Python, no Django. The model answers the question the Västerås auditors left open in 2015
(seed 001, 4.2.3-4.2.4): counting cases per caseworker is blunt because cases differ by type and
phase, so each open case contributes *hours per month* by its phase (and category), with a
different weight for the main caseworker and the co-handler, and each person's capacity is their
contracted hours less absence, non-case work and supervision, scaled down for first-year graduates
and trainees.

    demand   = sum over open cases of weight(role, work type) x complexity factors
    capacity = (contracted x FTE x (1 - absence share) x (1 - non-case share) - supervision) x rate
    load     = demand / capacity

Every default in :class:`WorkloadConfig` is an assumption that the municipality calibrates; the
figures that inform each one are documented in ``docs/workload.md``. The configuration is
serialisable to and from a plain dict (it is stored versioned in the database and reused by the
simulation, issue 8): keep :meth:`WorkloadConfig.to_dict` stable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from stabil.core.rounding import shown_percent

# Phases of an open case, as the case flow (core/caseflow.py) names them. "closed" weighs nothing.
PRELIMINARY_ASSESSMENT = "preliminary_assessment"
INVESTIGATION = "investigation"
OUTPATIENT_FOLLOWUP = "outpatient_followup"
PLACEMENT_FOLLOWUP = "placement_followup"
FOSTER_HOME = "foster_home"
CLOSED = "closed"
PHASES = (PRELIMINARY_ASSESSMENT, INVESTIGATION, OUTPATIENT_FOLLOWUP, PLACEMENT_FOLLOWUP, FOSTER_HOME)

# Case categories (cases app). Unaccompanied minors' follow-up has its own weight.
CATEGORY_BARN = "barn"
CATEGORY_UNGDOM = "ungdom"
CATEGORY_ENSAMKOMMANDE = "ensamkommande"
ENSAMKOMMANDE = "ensamkommande"

# The work types that carry a weight: the five phases plus unaccompanied minors' follow-up.
WORK_TYPES = PHASES + (ENSAMKOMMANDE,)
FOLLOWUP_PHASES = (OUTPATIENT_FOLLOWUP, PLACEMENT_FOLLOWUP, FOSTER_HOME)

MAIN = "main"
CO = "co"
ROLES = (MAIN, CO)

GREEN = "green"
AMBER = "amber"
RED = "red"
# A load is shown in whole per cent; its colour band is read from that figure.
LOAD_SHOWN_DECIMALS = 0

# Swedish labels for the UI and for reasons; marked for translation by the Django layer.
WORK_TYPE_LABELS_SV = {
    PRELIMINARY_ASSESSMENT: "förhandsbedömning",
    INVESTIGATION: "utredning",
    OUTPATIENT_FOLLOWUP: "uppföljning öppenvård",
    PLACEMENT_FOLLOWUP: "uppföljning placering",
    FOSTER_HOME: "familjehemsarbete",
    ENSAMKOMMANDE: "ensamkommande barn",
}
STATUS_LABELS_SV = {GREEN: "grön", AMBER: "gul", RED: "röd"}
COMPLEXITY_LABELS_SV = {
    "lvu": "LVU",
    "several_children": "flera barn",
    "interpreter": "tolk behövs",
}


class ConfigError(ValueError):
    """A workload configuration value is missing or out of range (message in Swedish)."""


DEFAULT_MAIN_WEIGHTS = {
    PRELIMINARY_ASSESSMENT: 5.0,
    INVESTIGATION: 8.0,
    OUTPATIENT_FOLLOWUP: 6.0,
    PLACEMENT_FOLLOWUP: 6.0,
    FOSTER_HOME: 4.0,
    ENSAMKOMMANDE: 3.5,
}
DEFAULT_CO_WEIGHTS = {
    PRELIMINARY_ASSESSMENT: 1.5,
    INVESTIGATION: 3.0,
    OUTPATIENT_FOLLOWUP: 2.0,
    PLACEMENT_FOLLOWUP: 2.0,
    FOSTER_HOME: 1.5,
    ENSAMKOMMANDE: 1.0,
}
DEFAULT_COMPLEXITY_FACTORS = {"lvu": 1.3, "several_children": 1.2, "interpreter": 1.15}
# (minimum years of experience, rate): Nässjö's normal full-time loads 120/126/138/150 points for
# the first year, under 3, 3-5 and beyond 5 years, divided by 150.
DEFAULT_EXPERIENCE_RATES = ((0.0, 0.8), (1.0, 0.84), (3.0, 0.92), (5.0, 1.0))


@dataclass(frozen=True)
class WorkloadConfig:
    """Every weight, share and threshold of the workload model (hours are per month).

    Defaults are documented assumptions (docs/workload.md); the municipality edits them.
    """

    main_weights_hours_per_month: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_MAIN_WEIGHTS)
    )
    co_weights_hours_per_month: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CO_WEIGHTS))
    complexity_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_COMPLEXITY_FACTORS))
    # 40 h/week full time less public holidays: about 1,980 hours a year, 165 a month.
    contracted_hours_per_month: float = 165.0
    # Time studies find a third or more of the time goes to non-case work; with admin support less.
    non_case_share: float = 0.35
    non_case_share_with_admin_support: float = 0.25
    # Team leads (konsulenter) who also carry cases lose supervision time per supervised caseworker.
    supervision_hours_per_supervisee_per_month: float = 4.0
    # Rate by years of experience (Nässjö), and the rate for trainees.
    experience_rates: Sequence[tuple[float, float]] = DEFAULT_EXPERIENCE_RATES
    trainee_rate: float = 0.5
    # Load thresholds: green below amber_from, amber from amber_from up to red_above, red above.
    amber_from: float = 0.85
    red_above: float = 1.0
    # The load the unit's FTE need is computed against.
    target_load: float = 0.85

    def __post_init__(self) -> None:
        validate(self)

    # -- serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a JSON-serialisable dict (stable keys)."""
        return {
            "main_weights_hours_per_month": {k: float(self.main_weights_hours_per_month[k]) for k in WORK_TYPES},
            "co_weights_hours_per_month": {k: float(self.co_weights_hours_per_month[k]) for k in WORK_TYPES},
            "complexity_factors": {k: float(v) for k, v in sorted(self.complexity_factors.items())},
            "contracted_hours_per_month": float(self.contracted_hours_per_month),
            "non_case_share": float(self.non_case_share),
            "non_case_share_with_admin_support": float(self.non_case_share_with_admin_support),
            "supervision_hours_per_supervisee_per_month": float(
                self.supervision_hours_per_supervisee_per_month
            ),
            "experience_rates": [[float(y), float(r)] for y, r in self.experience_rates],
            "trainee_rate": float(self.trainee_rate),
            "amber_from": float(self.amber_from),
            "red_above": float(self.red_above),
            "target_load": float(self.target_load),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkloadConfig:
        """Return a configuration from a dict; missing keys take the defaults, unknown keys are errors."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"Okänd inställning i belastningsmodellen: {', '.join(unknown)}")
        default = cls()
        kwargs: dict[str, Any] = {}
        for name in known:
            if name not in data:
                continue
            value = data[name]
            if name in ("main_weights_hours_per_month", "co_weights_hours_per_month"):
                if not isinstance(value, Mapping):
                    raise ConfigError(f"{name}: ska vara en tabell med vikter per ärendetyp")
                merged = dict(getattr(default, name))
                merged.update({str(k): _number(f"{name}.{k}", v) for k, v in value.items()})
                kwargs[name] = merged
            elif name == "complexity_factors":
                if not isinstance(value, Mapping):
                    raise ConfigError(f"{name}: ska vara en tabell med faktorer")
                kwargs[name] = {str(k): _number(f"{name}.{k}", v) for k, v in value.items()}
            elif name == "experience_rates":
                try:
                    kwargs[name] = tuple(
                        (_number(f"{name}[{i}].år", y), _number(f"{name}[{i}].andel", r))
                        for i, (y, r) in enumerate(value)
                    )
                except (TypeError, ValueError) as exc:
                    if isinstance(exc, ConfigError):
                        raise
                    raise ConfigError(f"{name}: ska vara en lista med par [år, andel]") from exc
            else:
                kwargs[name] = _number(name, value)
        return replace(default, **kwargs)

    # -- lookups ----------------------------------------------------------------------------
    def weight(self, role: str, work_type: str) -> float:
        """Return the hours per month one case of this work type costs the person in this role."""
        weights = self.main_weights_hours_per_month if role == MAIN else self.co_weights_hours_per_month
        return float(weights[work_type])

    def experience_rate(self, experience_years: float) -> float:
        """Return the capacity rate for a person with this many years of experience."""
        rate = 1.0
        for min_years, r in sorted(self.experience_rates):
            if experience_years >= min_years:
                rate = r
        return float(rate)

    def status(self, load: float | None, demand_hours: float = 0.0) -> str:
        """Return green, amber or red for a load (None = no capacity: red when there is demand)."""
        if load is None:
            return RED if demand_hours > 0 else GREEN
        # The band follows the figure people see, the load in whole per cent rounded half up (the pages'
        # ``percent`` filter, ``core.rounding``): two people shown at "100 %" get one colour (issue 13).
        shown = Decimal(shown_percent(load, LOAD_SHOWN_DECIMALS))
        if shown > Decimal(str(self.red_above)) * 100:
            return RED
        if shown >= Decimal(str(self.amber_from)) * 100:
            return AMBER
        return GREEN

    def standard_capacity_hours(self, *, admin_support: bool = False) -> float:
        """Return the case hours per month of one experienced full-time caseworker with no absence."""
        share = self.non_case_share_with_admin_support if admin_support else self.non_case_share
        return self.contracted_hours_per_month * (1.0 - share)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{name}: ska vara ett tal, inte {value!r}")
    try:
        number = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: ska vara ett tal, inte {value!r}") from None
    if not math.isfinite(number):
        raise ConfigError(f"{name}: ska vara ett ändligt tal")
    return number


def validate(config: WorkloadConfig) -> None:
    """Raise ConfigError (Swedish message naming the field) unless every value is in range."""
    for name in ("main_weights_hours_per_month", "co_weights_hours_per_month"):
        weights = getattr(config, name)
        missing = [w for w in WORK_TYPES if w not in weights]
        if missing:
            raise ConfigError(f"{name}: vikt saknas för {', '.join(missing)}")
        extra = [w for w in weights if w not in WORK_TYPES]
        if extra:
            raise ConfigError(f"{name}: okänd ärendetyp {', '.join(sorted(extra))}")
        for key, value in weights.items():
            if not 0 <= value <= 200:
                raise ConfigError(f"{name}.{key}: vikten ska vara 0-200 timmar per månad, inte {value}")
    for key, value in config.complexity_factors.items():
        if not 0.5 <= value <= 5:
            raise ConfigError(f"complexity_factors.{key}: faktorn ska vara 0,5-5, inte {value}")
    if not 1 <= config.contracted_hours_per_month <= 250:
        raise ConfigError("contracted_hours_per_month: ska vara 1-250 timmar per månad")
    for name in ("non_case_share", "non_case_share_with_admin_support"):
        if not 0 <= getattr(config, name) < 1:
            raise ConfigError(f"{name}: andelen ska vara från 0 till under 1")
    if not 0 <= config.supervision_hours_per_supervisee_per_month <= 40:
        raise ConfigError("supervision_hours_per_supervisee_per_month: ska vara 0-40 timmar")
    if not config.experience_rates:
        raise ConfigError("experience_rates: minst en nivå krävs")
    for years, rate in config.experience_rates:
        if years < 0 or not 0 < rate <= 1.5:
            raise ConfigError(f"experience_rates: år ska vara >= 0 och andel 0-1,5 (fick {years}, {rate})")
    if not 0 < config.trainee_rate <= 1.5:
        raise ConfigError("trainee_rate: andelen ska vara över 0 och högst 1,5")
    if not 0 < config.amber_from <= config.red_above <= 3:
        raise ConfigError("amber_from och red_above: krav 0 < gul gräns <= röd gräns <= 3")
    if not 0 < config.target_load <= 3:
        raise ConfigError("target_load: målbelastningen ska vara över 0 och högst 3")


# -- demand ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseAssignment:
    """One open case as seen from one person: its phase, category, the person's role, complexity."""

    case_id: str
    phase: str
    role: str = MAIN
    category: str = CATEGORY_BARN
    complexity: tuple[str, ...] = ()


def work_type(phase: str, category: str) -> str | None:
    """Return the weighted work type of a case in this phase and category, None when closed.

    Unaccompanied minors' follow-up (any follow-up phase) uses the ``ensamkommande`` weight; their
    preliminary assessments and investigations weigh like any other child's.
    """
    if phase == CLOSED or phase is None:
        return None
    if phase not in PHASES:
        raise ConfigError(f"Okänd fas för ärende: {phase!r}")
    if category == CATEGORY_ENSAMKOMMANDE and phase in FOLLOWUP_PHASES:
        return ENSAMKOMMANDE
    return phase


def complexity_factor(config: WorkloadConfig, complexity: Iterable[str]) -> float:
    """Return the product of the complexity factors that apply (unknown markers count as 1)."""
    factor = 1.0
    for marker in set(complexity):
        factor *= float(config.complexity_factors.get(marker, 1.0))
    return factor


def case_hours(config: WorkloadConfig, case: CaseAssignment, phase: str | None = None) -> float:
    """Return the hours per month this case costs the person in the given role (in ``phase`` if given)."""
    kind = work_type(case.phase if phase is None else phase, case.category)
    if kind is None:
        return 0.0
    return config.weight(case.role, kind) * complexity_factor(config, case.complexity)


def demand_hours(config: WorkloadConfig, cases: Iterable[CaseAssignment]) -> float:
    """Return the sum of hours per month of the given cases."""
    return sum(case_hours(config, c) for c in cases)


# -- capacity -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffCapacity:
    """What the model needs to know about one person to compute their case hours per month."""

    staff_id: str
    fte: float = 1.0
    absence_share: float = 0.0  # share of the period's working time absent (0-1), extent included
    admin_support: bool = False
    experience_years: float = 5.0
    trainee: bool = False
    supervisees: int = 0  # caseworkers this person supervises (team leads)
    unit: str = ""
    team: str = ""


def capacity_hours(config: WorkloadConfig, person: StaffCapacity) -> float:
    """Return the person's case hours per month.

    (contracted x FTE x (1 - absence) x (1 - non-case share) - supervision x (1 - absence)) x rate,
    never below zero. The rate is the trainee rate for trainees, else the experience rate.
    """
    absence = min(max(person.absence_share, 0.0), 1.0)
    present = config.contracted_hours_per_month * max(person.fte, 0.0) * (1.0 - absence)
    share = config.non_case_share_with_admin_support if person.admin_support else config.non_case_share
    supervision = config.supervision_hours_per_supervisee_per_month * max(person.supervisees, 0) * (1 - absence)
    net = max(present * (1.0 - share) - supervision, 0.0)
    rate = config.trainee_rate if person.trainee else config.experience_rate(person.experience_years)
    return net * rate


def absence_share(
    periods: Iterable[tuple[date, date, float]],
    first_day: date,
    last_day: date,
    is_working_day: Callable[[date], bool] | None = None,
) -> float:
    """Return the share of working days in [first_day, last_day] lost to absence.

    ``periods`` are (first day, last day, extent) with extent the share of a day absent (1.0 =
    whole days, 0.5 = half-time sick leave). Overlapping periods never count more than a whole
    day. ``is_working_day`` defaults to Monday-Friday; the Django layer passes the calendar's rule.
    """
    working = is_working_day or (lambda d: d.weekday() < 5)
    days = []
    d = first_day
    while d <= last_day:
        if working(d):
            days.append(d)
        d += timedelta(days=1)
    if not days:
        return 0.0
    lost = 0.0
    clipped = [(max(a, first_day), min(b, last_day), e) for a, b, e in periods if b >= first_day and a <= last_day]
    for day in days:
        extent = sum(e for a, b, e in clipped if a <= day <= b)
        lost += min(max(extent, 0.0), 1.0)
    return lost / len(days)


# -- load -----------------------------------------------------------------------------------

def load_ratio(demand: float, capacity: float) -> float | None:
    """Return demand / capacity, or None when there is no capacity."""
    if capacity <= 0:
        return None
    return demand / capacity


@dataclass(frozen=True)
class PersonLoad:
    """The load of one person."""

    staff_id: str
    unit: str
    team: str
    cases_main: int
    cases_co: int
    demand_hours: float
    capacity_hours: float
    load: float | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "unit": self.unit,
            "team": self.team,
            "cases_main": self.cases_main,
            "cases_co": self.cases_co,
            "demand_hours": round(self.demand_hours, 2),
            "capacity_hours": round(self.capacity_hours, 2),
            "load": None if self.load is None else round(self.load, 4),
            "status": self.status,
        }


@dataclass(frozen=True)
class GroupLoad:
    """The load of a team or unit: totals of its people, plus the FTE needed to reach the target."""

    code: str
    staff_count: int
    cases_main: int
    cases_co: int
    demand_hours: float
    capacity_hours: float
    load: float | None
    status: str
    fte_needed: float
    share_red: float
    share_amber_or_red: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "staff_count": self.staff_count,
            "cases_main": self.cases_main,
            "cases_co": self.cases_co,
            "demand_hours": round(self.demand_hours, 2),
            "capacity_hours": round(self.capacity_hours, 2),
            "load": None if self.load is None else round(self.load, 4),
            "status": self.status,
            "fte_needed": round(self.fte_needed, 2),
            "share_red": round(self.share_red, 4),
            "share_amber_or_red": round(self.share_amber_or_red, 4),
        }


def person_load(
    config: WorkloadConfig, person: StaffCapacity, cases: Iterable[CaseAssignment]
) -> PersonLoad:
    """Return the load of one person carrying these cases (closed cases are not counted)."""
    open_cases = [c for c in cases if work_type(c.phase, c.category) is not None]
    demand = demand_hours(config, open_cases)
    capacity = capacity_hours(config, person)
    load = load_ratio(demand, capacity)
    return PersonLoad(
        staff_id=person.staff_id,
        unit=person.unit,
        team=person.team,
        cases_main=sum(1 for c in open_cases if c.role == MAIN),
        cases_co=sum(1 for c in open_cases if c.role == CO),
        demand_hours=demand,
        capacity_hours=capacity,
        load=load,
        status=config.status(load, demand),
    )


def fte_needed(
    config: WorkloadConfig, demand: float, capacity: float, *, admin_support: bool = False
) -> float:
    """Return the full-time caseworkers to add so that demand / capacity reaches the target load.

    Computed for the group as a whole (the manager redistributes cases within it): the missing
    capacity (demand / target - capacity) in units of one experienced full-time caseworker's case
    hours. Zero when the group is at or under the target.
    """
    missing = demand / config.target_load - capacity
    if missing <= 0:
        return 0.0
    return missing / config.standard_capacity_hours(admin_support=admin_support)


def group_load(
    config: WorkloadConfig, code: str, people: Sequence[PersonLoad], *, admin_support: bool = False
) -> GroupLoad:
    """Return the load of a group of people (a team or unit)."""
    demand = sum(p.demand_hours for p in people)
    capacity = sum(p.capacity_hours for p in people)
    load = load_ratio(demand, capacity)
    n = len(people)
    return GroupLoad(
        code=code,
        staff_count=n,
        cases_main=sum(p.cases_main for p in people),
        cases_co=sum(p.cases_co for p in people),
        demand_hours=demand,
        capacity_hours=capacity,
        load=load,
        status=config.status(load, demand),
        fte_needed=fte_needed(config, demand, capacity, admin_support=admin_support),
        share_red=(sum(1 for p in people if p.status == RED) / n) if n else 0.0,
        share_amber_or_red=(sum(1 for p in people if p.status in (AMBER, RED)) / n) if n else 0.0,
    )


@dataclass(frozen=True)
class WorkloadResult:
    """Loads for every person, team and unit."""

    people: list[PersonLoad]
    teams: list[GroupLoad]
    units: list[GroupLoad]


def compute_loads(
    config: WorkloadConfig,
    people: Sequence[StaffCapacity],
    cases_by_staff: Mapping[str, Sequence[CaseAssignment]],
) -> WorkloadResult:
    """Return the loads of these people (cases keyed by staff_id) and of their teams and units."""
    loads = [person_load(config, p, cases_by_staff.get(p.staff_id, ())) for p in people]
    admin_by_unit: dict[str, bool] = {}
    for p in people:
        admin_by_unit[p.unit] = admin_by_unit.get(p.unit, False) or p.admin_support
    by_team: dict[str, list[PersonLoad]] = {}
    by_unit: dict[str, list[PersonLoad]] = {}
    for pl in loads:
        if pl.team:
            by_team.setdefault(pl.team, []).append(pl)
        by_unit.setdefault(pl.unit, []).append(pl)
    teams = [group_load(config, code, members) for code, members in sorted(by_team.items())]
    units = [
        group_load(config, code, members, admin_support=admin_by_unit.get(code, False))
        for code, members in sorted(by_unit.items())
    ]
    return WorkloadResult(people=loads, teams=teams, units=units)


def format_percent_sv(load: float | None) -> str:
    """Return a load as a Swedish percentage, e.g. 0.8512 -> '85 %'; None -> '–'."""
    if load is None:
        return "–"
    return f"{round(load * 100):d}\u00a0%"


def format_hours_sv(hours: float) -> str:
    """Return hours with a Swedish decimal comma and one decimal, e.g. 107.25 -> '107,3'."""
    return f"{hours:.1f}".replace(".", ",").replace("-", "\u2212")


# -- projection -----------------------------------------------------------------------------

# When a unit has no history to say otherwise: half of preliminary assessments open an
# investigation and half of investigations end in an intervention (assumptions, docs/workload.md).
# The one home of both: the board's projection and the simulation's default phases (core/simulation.py,
# docs/simulation.md) read them from here.
DEFAULT_OPENING_SHARE = 0.5
DEFAULT_INTERVENTION_SHARE = 0.5


def projected_phases(
    phase: str,
    due_on: Mapping[str, date],
    horizon_on: date,
    *,
    opening_share: float = DEFAULT_OPENING_SHARE,
    intervention_share: float = DEFAULT_INTERVENTION_SHARE,
) -> list[tuple[str, float]]:
    """Return the phases a case is expected to be in on ``horizon_on``, with probabilities.

    Only the deadlines already running move a case on: a preliminary assessment whose 14-day limit
    (``due_on["preliminary_assessment"]``) falls on or before the horizon has been decided by then
    and is an investigation with probability ``opening_share``, else closed; an investigation whose
    four-month limit (``due_on["investigation"]``, extensions included) falls on or before the
    horizon has ended and is in outpatient follow-up with probability ``intervention_share``, else
    closed. Everything else stays in its phase. New reports are not projected.
    """
    if phase == PRELIMINARY_ASSESSMENT:
        due = due_on.get(PRELIMINARY_ASSESSMENT)
        if due is not None and due <= horizon_on:
            return [(INVESTIGATION, opening_share), (CLOSED, 1.0 - opening_share)]
    if phase == INVESTIGATION:
        due = due_on.get(INVESTIGATION)
        if due is not None and due <= horizon_on:
            return [(OUTPATIENT_FOLLOWUP, intervention_share), (CLOSED, 1.0 - intervention_share)]
    return [(phase, 1.0)]


def expected_case_hours(config: WorkloadConfig, case: CaseAssignment, phases: Sequence[tuple[str, float]]) -> float:
    """Return the expected hours per month of a case over its projected phases."""
    return sum(p * case_hours(config, case, ph) for ph, p in phases)

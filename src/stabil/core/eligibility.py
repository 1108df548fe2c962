"""Competence requirement for child-welfare casework: who may do what, on a given date.

This module is the one home of the rule. It is pure Python (no Django) and is imported by the
staff area (register, warnings, Öppna jämförelser shares), the workload area (allocation: who may
be main handler) and the simulation area (experience growth). Its public API is stable:

- ``StaffProfile``: the facts about a person that the rule needs.
- ``EligibilityRules``: the municipality's own settings (experience thresholds).
- ``eligibility_on(profile, on, rules=DEFAULT_RULES) -> Eligibility``: the verdict with Swedish reasons.
- ``experience_years_on(profile, on)``: relevant experience on a date (it grows while employed).
- ``rule_in_force(on) -> RuleVersion``: which law and regulations applied on a date.
- ``is_caseworker_with_socionom_and_years(profile, on, years, strictly_more=False)``: Öppna jämförelser.

The law (see ``RULE_VERSIONS``):

- Before 2014-07-01 the Social Services Act had only the general requirement of "lämplig
  utbildning och erfarenhet" (SoL 2001:453 3 kap 3 §); no degree was required by law.
- SoL 2001:453 3 kap 3 a § second paragraph, in force from 2014-07-01 (SFS 2013:731): assessing
  whether an investigation is to be opened, investigating and assessing the need for
  interventions, and following up decided interventions in child welfare require a Swedish
  socionomexamen, another relevant degree at first-cycle level, or a foreign education recognised
  under 3 kap 3 b §. Third paragraph: the board must ensure that a caseworker who performs the
  tasks independently has sufficient experience. What counts as another relevant degree:
  SOSFS 2014:7, later replaced by HSLF-FS 2017:79.
- Transitional provision (SFS 2013:731): whoever was employed to do such work before
  2014-07-01 may continue without the degree until 2022-06-30.
- SoL 2025:400 25 kap 1 §, in force from 2025-07-01, carries the same requirement on.

Decisions: a hired agency consultant is not an employee of the municipality and cannot receive
delegated decision-making power (kommunallagen 2017:725 7 kap 5 §, earlier 1991:900 6 kap 33 and
37 §§: delegation to an employee). Seed 001: "Inhyrda konsulter har inte befogenhet att fatta beslut".

Introduction: first-year graduates are co-handlers, not main handlers (seed 004, Värmdö's mentor
model); trainees likewise. The experience needed to work independently is the board's call, so it
is a setting (``EligibilityRules.independent_min_years``, default 1 year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

DAYS_PER_YEAR = 365.25


class Degree(StrEnum):
    SOCIONOM = "socionom"
    OTHER_RELEVANT = "other_relevant"
    FOREIGN_RECOGNISED = "foreign_recognised"
    NONE = "none"


class Employment(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"
    CONSULTANT = "consultant"
    TRAINEE = "trainee"
    SUMMER_TEMP = "summer_temp"


class StaffRole(StrEnum):
    CASEWORKER = "caseworker"
    TEAM_LEAD = "team_lead"
    SPECIALIST = "specialist"
    UNIT_MANAGER = "unit_manager"
    ADMINISTRATOR = "administrator"


#: Degrees that satisfy the requirement in 3 kap 3 a § / 25 kap 1 §.
QUALIFYING_DEGREES = frozenset({Degree.SOCIONOM, Degree.OTHER_RELEVANT, Degree.FOREIGN_RECOGNISED})

#: Staff roles whose holders do casework under public authority in child welfare: the competence rule
#: (3 kap 3 a §) applies to them. The unit manager is among them (decides cases by delegation) but
#: carries no caseload, hence the second list below. Plain strings: they go into database queries.
CASEWORK_ROLES = frozenset(role.value for role in (StaffRole.CASEWORKER, StaffRole.TEAM_LEAD,
                                                    StaffRole.SPECIALIST, StaffRole.UNIT_MANAGER))

#: Staff roles that carry cases: they appear on the workload board, may be a case's main handler and
#: are the simulated staff. CASEWORK_ROLES without the unit manager, on purpose (see above).
CASELOAD_ROLES = CASEWORK_ROLES - {StaffRole.UNIT_MANAGER.value}

DEGREE_LABELS_SV = {
    Degree.SOCIONOM: "socionomexamen",
    Degree.OTHER_RELEVANT: "annan relevant examen",
    Degree.FOREIGN_RECOGNISED: "erkänd utländsk utbildning",
    Degree.NONE: "ingen relevant examen",
}


@dataclass(frozen=True)
class RuleVersion:
    """One dated version of the competence requirement and where it is written."""

    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    degree_required: bool
    law: str
    regulation: str

    def citation(self) -> str:
        """Return the Swedish citation shown next to a verdict."""
        return f"{self.law}; {self.regulation}" if self.regulation else self.law


#: The versions of the rule, oldest first. The requirement itself did not change on 2025-07-01,
#: only its place in the law.
RULE_VERSIONS: tuple[RuleVersion, ...] = (
    RuleVersion(date(1, 1, 1), date(2014, 6, 30), False,
                "SoL (2001:453) 3 kap 3 § (lämplig utbildning och erfarenhet; inget examenskrav)", ""),
    RuleVersion(date(2014, 7, 1), date(2017, 12, 31), True,
                "SoL (2001:453) 3 kap 3 a §", "SOSFS 2014:7"),
    RuleVersion(date(2018, 1, 1), date(2025, 6, 30), True,
                "SoL (2001:453) 3 kap 3 a §", "HSLF-FS 2017:79"),
    RuleVersion(date(2025, 7, 1), None, True,
                "SoL (2025:400) 25 kap 1 §", "HSLF-FS 2017:79"),
)

#: SFS 2013:731, transitional provision: employed in such work before this day ...
TRANSITION_EMPLOYED_BEFORE = date(2014, 7, 1)
#: ... may continue without the degree up to and including this day.
TRANSITION_VALID_UNTIL = date(2022, 6, 30)


def rule_in_force(on: date) -> RuleVersion:
    """Return the version of the competence requirement in force on a date."""
    for version in RULE_VERSIONS:
        if version.valid_from <= on and (version.valid_to is None or on <= version.valid_to):
            return version
    raise ValueError(f"no rule version covers {on}")  # unreachable: versions are contiguous


@dataclass(frozen=True)
class EligibilityRules:
    """A municipality's settings for the competence rule.

    ``independent_min_years``: relevant experience needed to handle a case alone (main handler);
    below it a qualified person is a co-handler (the board decides "tillräcklig erfarenhet",
    3 kap 3 a § third paragraph; seed 004: first-year graduates are co-handlers).
    """

    independent_min_years: float = 1.0
    co_handler_only_employments: frozenset[str] = field(
        default_factory=lambda: frozenset({Employment.TRAINEE}))
    no_decision_employments: frozenset[str] = field(
        default_factory=lambda: frozenset({Employment.CONSULTANT}))

    def __post_init__(self) -> None:
        if self.independent_min_years < 0:
            raise ValueError("independent_min_years must be >= 0")


DEFAULT_RULES = EligibilityRules()


@dataclass(frozen=True)
class StaffProfile:
    """The facts about one person that the competence rule needs.

    ``experience_years`` is relevant experience on ``started_on``; it grows while employed.
    ``in_such_work_since`` is when the person began doing this kind of work for the municipality
    (for the transitional exemption); it defaults to ``started_on``.
    """

    degree: str
    employment: str
    role: str
    experience_years: float
    started_on: date
    ended_on: date | None = None
    in_such_work_since: date | None = None

    def employed_on(self, on: date) -> bool:
        """Return True when the person is employed on the date."""
        return self.started_on <= on and (self.ended_on is None or on <= self.ended_on)


def experience_years_on(profile: StaffProfile, on: date) -> float:
    """Return relevant experience in years on a date: experience at start plus time employed.

    Time after ``ended_on`` does not count; before ``started_on`` the experience at start is returned.
    """
    last = on if profile.ended_on is None else min(on, profile.ended_on)
    employed_days = max(0, (last - profile.started_on).days)
    return profile.experience_years + employed_days / DAYS_PER_YEAR


@dataclass(frozen=True)
class Eligibility:
    """The verdict for one person on one date, with its reasons in Swedish."""

    on: date
    employed: bool
    experience_years: float
    may_assess: bool  # assess whether to investigate, investigate, follow up (3 kap 3 a §)
    may_work_independently: bool  # may be a case's main handler
    co_handler_only: bool  # qualified, but only as second caseworker
    may_take_decisions: bool  # may receive delegated decision-making power
    transitional_exemption: bool  # relies on SFS 2013:731 transitional provision
    rule: RuleVersion
    reasons: tuple[str, ...]

    @property
    def may_be_main_handler(self) -> bool:
        """Return True when the person may be a case's main handler."""
        return self.may_assess and self.may_work_independently

    @property
    def citation(self) -> str:
        return self.rule.citation()


#: Kommunallagen (2017:725) replaced kommunallagen (1991:900) on this day.
NEW_LOCAL_GOVERNMENT_ACT_FROM = date(2018, 1, 1)


def _delegation_law(on: date) -> str:
    """Return the paragraph that limits delegated decisions to employees, as in force on the date."""
    if on < NEW_LOCAL_GOVERNMENT_ACT_FROM:
        return "kommunallagen (1991:900) 6 kap 37 §"
    return "kommunallagen (2017:725) 7 kap 5 §"


def _years_sv(years: float) -> str:
    return f"{years:.1f}".replace(".", ",")


def eligibility_on(profile: StaffProfile, on: date, rules: EligibilityRules = DEFAULT_RULES) -> Eligibility:
    """Return what the person may do in child-welfare casework on the date, and why.

    Source: SoL (2001:453) 3 kap 3 a § (2014-07-01 -- 2025-06-30), SoL (2025:400) 25 kap 1 §
    (from 2025-07-01); SOSFS 2014:7 / HSLF-FS 2017:79; transitional provision SFS 2013:731
    (employed before 2014-07-01: exempt until 2022-06-30); kommunallagen (2017:725) 7 kap 5 §
    (decisions only by employees). See the module docstring.
    """
    rule = rule_in_force(on)
    experience = experience_years_on(profile, on)
    reasons: list[str] = []
    employed = profile.employed_on(on)
    if not employed:
        reasons.append(f"Inte anställd {on.isoformat()}.")
        return Eligibility(on, False, experience, False, False, False, False, False, rule, tuple(reasons))

    if profile.role not in CASEWORK_ROLES:
        reasons.append("Rollen omfattar inte myndighetsutövning i barn- och ungdomsvården.")
        return Eligibility(on, True, experience, False, False, False, False, False, rule, tuple(reasons))

    exemption = False
    degree_ok = profile.degree in QUALIFYING_DEGREES
    if not rule.degree_required:
        may_assess = True
        reasons.append(f"Före 2014-07-01 fanns inget lagstadgat examenskrav ({rule.law}).")
    elif degree_ok:
        may_assess = True
        reasons.append(f"Har {DEGREE_LABELS_SV[Degree(profile.degree)]} ({rule.citation()}).")
    else:
        since = profile.in_such_work_since or profile.started_on
        if since < TRANSITION_EMPLOYED_BEFORE and on <= TRANSITION_VALID_UNTIL:
            may_assess = True
            exemption = True
            reasons.append("Saknar relevant examen men omfattas av övergångsbestämmelsen "
                           "(anställd i sådant arbete före 2014-07-01; gäller t.o.m. 2022-06-30, SFS 2013:731).")
        else:
            may_assess = False
            if since < TRANSITION_EMPLOYED_BEFORE:
                reasons.append("Övergångsbestämmelsen (SFS 2013:731) upphörde 2022-06-30.")
            reasons.append(f"Saknar socionomexamen eller annan relevant examen ({rule.citation()}); "
                           "får inte bedöma, utreda eller följa upp.")

    co_handler_only = False
    independent = False
    if may_assess:
        if profile.employment in rules.co_handler_only_employments:
            co_handler_only = True
            reasons.append("Trainee: endast medhandläggare.")
        elif experience < rules.independent_min_years:
            co_handler_only = True
            reasons.append(f"Erfarenhet {_years_sv(experience)} år, under kommunens gräns "
                           f"{_years_sv(rules.independent_min_years)} år för självständigt arbete: "
                           "endast medhandläggare.")
        else:
            independent = True
            reasons.append(f"Erfarenhet {_years_sv(experience)} år: får arbeta självständigt.")

    may_decide = independent
    if profile.employment in rules.no_decision_employments:
        may_decide = False
        reasons.append("Inhyrd konsult: får inte fatta beslut på delegation "
                       f"({_delegation_law(on)}: delegation endast till anställda).")
    return Eligibility(on, True, experience, may_assess, independent, co_handler_only, may_decide,
                       exemption, rule, tuple(reasons))


def is_caseworker_with_socionom_and_years(profile: StaffProfile, on: date, years: float,
                                          *, strictly_more: bool = False) -> bool:
    """Return True for a socionom whose experience on the date is >= years (or > years).

    Öppna jämförelser (Socialstyrelsen 2015, seed 001 section 3.3): share of child investigators
    with a socionom degree and at least three years', and more than five years', experience.
    """
    if profile.degree != Degree.SOCIONOM:
        return False
    experience = experience_years_on(profile, on)
    return experience > years if strictly_more else experience >= years

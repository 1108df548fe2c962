"""Demo staff history: four years of hires, exits with reasons, consultants filling vacancies in the
investigation unit, sick leave, overtime, exit interviews, dated changes and a competence model.

Calibrated on seed 001 (Västerås): about 26 investigators of whom up to half agency consultants
costing about twice a permanent caseworker; sick leave of a few per cent with a few long spells;
modest overtime; exits mostly for workload and pay. Deterministic from ``ctx.rng``. Runs before the
cases step, which gives cases to the active caseworkers made here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from .models import (
    Absence,
    CompetenceAssessment,
    DevelopmentPlan,
    ExitInterview,
    KnowledgeArea,
    Overtime,
    StaffChange,
    StaffMember,
    UnitStaffing,
)

YEARS = 4
ONE_DAY = dt.timedelta(days=1)

# unit: (caseworker positions, team leads, monthly exit probability, consultant share of refills)
UNITS = {
    "BU-MOT": (9, 1, 0.012, 0.1),
    "BU-UTR": (26, 2, 0.022, 0.45),
    "BU-UNG": (9, 1, 0.016, 0.2),
    "BU-PLA": (12, 2, 0.010, 0.1),
    "BU-EKB": (7, 1, 0.018, 0.3),
    "VUX-MB": (5, 1, 0.008, 0.0),
}
EXIT_WEIGHTS = {
    "workload": 30, "pay": 20, "leadership": 10, "career": 14, "competing_employer": 12, "studies": 5,
    "retirement": 5, "other": 4,
}
COMMENTS = [
    "Ärendemängden har varit för hög under lång tid.",
    "Fått bättre betalt i grannkommunen.",
    "Saknar tid för reflektion och handledning.",
    "Vill utvecklas mot en specialistroll som inte finns här.",
    "Många chefsbyten på kort tid.",
    "Flyttar till annan ort.",
    "Går i pension.",
    "Trivs med kollegorna men orkar inte med tempot.",
]
KNOWLEDGE_AREAS = [
    ("LAG", "Lagstiftning: SoL, LVU och förvaltningslagen", 3),
    ("BBIC", "BBIC och utredningsmetodik", 2),
    ("SAMTAL", "Samtal med barn", 2),
    ("RISK", "Skydds- och riskbedömning", 3),
    ("DOK", "Dokumentation och journalföring", 2),
    ("VALD", "Våld i nära relationer", 2),
    ("FORALDER", "Föräldrars missbruk och psykiska ohälsa", 2),
    ("SAMVERKAN", "Samverkan med skola, hälso- och sjukvård och polis", 2),
    ("PLACERING", "Placering och familjehemsvård", 2),
    ("EKB", "Ensamkommande barn och migration", 1),
    ("BESLUT", "Handläggning, delegation och beslut", 2),
]
# Common Swedish first and last names (SCB's lists of the most common names). Staff only: children never have
# names in Stabil.
FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Malin", "Ingrid", "Linda", "Johanna",
    "Sofia", "Elin", "Ida", "Hanna", "Camilla", "Jenny", "Helena", "Annika", "Frida", "Lisa", "Amira", "Leila",
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Peter", "Jonas", "Fredrik", "Daniel", "Magnus",
    "Mattias", "Henrik", "Oskar", "David", "Ali", "Ahmed",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Ali",
    "Mohammed", "Forsberg", "Sjöberg", "Wallin", "Engström", "Danielsson", "Håkansson", "Eklund", "Lundin",
]
COST = {"caseworker": 42000, "team_lead": 52000, "specialist": 50000, "unit_manager": 62000, "administrator": 34000}
CONSULTANT_COST = 86000


@dataclass
class Person:
    staff_id: str
    unit: str
    team: str | None
    role: str
    employment: str
    degree: str
    experience_years: float
    started_on: dt.date
    ended_on: dt.date | None = None
    exit_reason: str = ""
    fte: float = 1.0
    user: object = None
    changes: list[tuple[dt.date, str, float]] = field(default_factory=list)  # (valid_from, unit, fte)


def _weighted(rng, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _month_starts(first: dt.date, last: dt.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class _Ids:
    def __init__(self):
        self.next = 1001

    def __call__(self) -> str:
        value = f"M{self.next}"
        self.next += 1
        return value


def _new_person(rng, ids, unit, teams, start, *, consultant, role="caseworker"):
    graduate = not consultant and rng.random() < 0.35
    return Person(
        staff_id=ids(), unit=unit, team=rng.choice(teams) if teams else None, role=role,
        employment="consultant" if consultant else ("trainee" if graduate and rng.random() < 0.15 else
                                                    rng.choice(["permanent"] * 5 + ["temporary"])),
        degree="socionom" if rng.random() < 0.86 else rng.choice(["other_relevant", "foreign_recognised", "none"]),
        experience_years=0.0 if graduate else round(rng.uniform(1, 8 if consultant else 12), 1),
        started_on=start, fte=1.0 if consultant or rng.random() < 0.85 else rng.choice([0.75, 0.8, 0.9]),
    )


def _people(ctx, first: dt.date) -> list[Person]:
    """Simulate each unit month by month: exits leave vacancies that hires or consultants fill."""
    rng, today, ids = ctx.rng, ctx.today, _Ids()
    people: list[Person] = []
    for unit, (positions, leads, exit_rate, consultant_share) in UNITS.items():
        if unit not in ctx.units:
            continue
        teams = [code for code, team in ctx.teams.items() if team.unit_id == ctx.units[unit].pk]
        people.append(Person(ids(), unit, None, "unit_manager", "permanent", "socionom", 10.0,
                             first - dt.timedelta(days=rng.randint(200, 3000))))
        for index in range(leads):
            people.append(Person(ids(), unit, teams[index % len(teams)] if teams else None, "team_lead", "permanent",
                                 "socionom", round(rng.uniform(6, 15), 1),
                                 first - dt.timedelta(days=rng.randint(300, 4000))))
        if unit == "BU-UTR":
            people.append(Person(ids(), unit, None, "administrator", "permanent", "none", 3.0,
                                 first - dt.timedelta(days=900)))
        active: list[Person] = []
        for _ in range(positions - (3 if unit == "BU-UTR" else 0)):  # a few vacancies at the start
            consultant = rng.random() < consultant_share * 0.5
            person = _new_person(rng, ids, unit, teams, first - dt.timedelta(days=rng.randint(30, 3500)),
                                 consultant=consultant)
            if person.started_on < dt.date(2014, 7, 1) and rng.random() < 0.5:
                person.degree = "none" if rng.random() < 0.1 else person.degree
            active.append(person)
        vacancies: list[dt.date] = [first] * (3 if unit == "BU-UTR" else 0)
        for month in _month_starts(first, today):
            for person in list(active):
                rate = 1 / 14 if person.employment == "consultant" else exit_rate
                if rng.random() < rate:
                    end = min(month + dt.timedelta(days=rng.randint(0, 27)), today - ONE_DAY)
                    if end < person.started_on:
                        continue
                    person.ended_on = end
                    if person.employment != "consultant":
                        person.exit_reason = _weighted(rng, EXIT_WEIGHTS)
                    active.remove(person)
                    people.append(person)
                    vacancies.append(end + ONE_DAY)
            for opened in list(vacancies):
                # Consultants come within weeks; recruitment takes two to five months.
                consultant = rng.random() < consultant_share
                delay = rng.randint(10, 40) if consultant else rng.randint(60, 150)
                start = opened + dt.timedelta(days=delay)
                if start > today or start >= month + dt.timedelta(days=31):
                    continue
                vacancies.remove(opened)
                active.append(_new_person(rng, ids, unit, teams, max(start, month), consultant=consultant))
        people.extend(active)
    return people


# The action plan's recruitment measures (governance/demo.py, Uppsala's plan): "Anställa tio (10) trainees" and
# "Anställa ytterligare tre (3) specialisthandläggare", both due 1 September this year. Once that day has
# passed the demo has hired them, so the staff register shows what the plan says was done (issue 13).
ACTION_PLAN_HIRES_ON = (9, 1)
ACTION_PLAN_TRAINEES = {"BU-MOT": 2, "BU-UTR": 4, "BU-UNG": 2, "BU-PLA": 2}
ACTION_PLAN_SPECIALISTS = ("BU-UTR", "BU-PLA", "BU-MOT")


def action_plan_hires_on(today: dt.date) -> dt.date | None:
    """The day the action plan's trainees and specialists started, or None before it (then none are hired)."""
    day = dt.date(today.year, *ACTION_PLAN_HIRES_ON)
    return day if day <= today else None


def _action_plan_hires(ctx, people: list[Person]) -> list[Person]:
    """Ten trainees and three specialists who started on the action plan's day (none before it).

    Ids follow the others' (M8001 …); attributes come from their own generator, so the draws of ``ctx.rng``
    before this step are as they were.
    """
    start = action_plan_hires_on(ctx.today)
    if start is None:
        return []
    own = random.Random(ctx.seed + 9)
    hires, number = [], 8001
    for unit, count in ACTION_PLAN_TRAINEES.items():
        if unit not in ctx.units:
            continue
        teams = [code for code, team in ctx.teams.items() if team.unit_id == ctx.units[unit].pk]
        for index in range(count):
            hires.append(Person(f"M{number}", unit, teams[index % len(teams)] if teams else None, "caseworker",
                                "trainee", "socionom", 0.0, start))
            number += 1
    for unit in ACTION_PLAN_SPECIALISTS:
        if unit not in ctx.units:
            continue
        hires.append(Person(f"M{number}", unit, None, "specialist", "permanent", "socionom",
                            round(own.uniform(8, 15), 1), start))
        number += 1
    return hires


def _link_demo_users(ctx, people: list[Person]) -> None:
    """Give the demo caseworker and team lead their own staff records (their cases follow from these)."""
    for username, role in (("handlaggare", "caseworker"), ("arbetsledare", "team_lead")):
        user = ctx.users.get(username)
        if user is None:
            continue
        unit = user.units.first()
        candidates = [p for p in people if p.unit == (unit.code if unit else None) and p.role == role
                      and p.ended_on is None and p.employment == "permanent" and p.user is None]
        if candidates:
            person = candidates[0]
        else:
            person = Person(f"M{9000 + len(people)}", unit.code, None, role, "permanent", "socionom", 4.0,
                            ctx.today - dt.timedelta(days=800))
            people.append(person)
        person.user = user
        person.team = user.team.code if user.team else person.team
        person.degree, person.experience_years = "socionom", max(person.experience_years, 3.0)


def _absences(rng, person: Person, first: dt.date, today: dt.date) -> list[Absence]:
    """Walk through the person's employment drawing sick spells (and summer vacation, some parental leave)."""
    rows = []
    day = max(person.started_on, first)
    last = min(person.ended_on or today, today)
    consultant = person.employment == "consultant"
    while day < last:
        day += dt.timedelta(days=int(rng.expovariate(1 / (150 if consultant else 100))) + 1)
        if day >= last:
            break
        draw = rng.random()
        if draw < 0.6:
            length = 1
        elif draw < 0.97:
            length = rng.randint(2, 8)
        elif draw < 0.992:
            length = rng.randint(22, 80)
        else:
            length = rng.randint(91, 200)
        end = min(day + dt.timedelta(days=length - 1), last)
        extent = Decimal(1) if length < 22 or rng.random() < 0.6 else Decimal(rng.choice(["0.25", "0.5", "0.75"]))
        rows.append(Absence(kind="sick", first_day=day, last_day=end, extent=extent))
        day = end + dt.timedelta(days=1)
    if not consultant:
        for year in range(first.year, today.year + 1):
            start = dt.date(year, 7, 1) + dt.timedelta(days=rng.randint(0, 20))
            end = start + dt.timedelta(days=27)
            if start >= max(person.started_on, first) and end <= last and not any(
                    r.first_day <= end and start <= r.last_day for r in rows):
                rows.append(Absence(kind="vacation", first_day=start, last_day=end, extent=Decimal(1)))
    return rows


def _assessment_level(rng, experience: float) -> int:
    if experience < 1:
        return 1 if rng.random() < 0.8 else 2
    if experience < 4:
        return rng.choice([1, 2, 2, 2, 3])
    return rng.choice([2, 2, 3, 3, 3])


def staff_names(seed: int, staff_ids: list[str]) -> dict[str, str]:
    """A plausible Swedish name for each staff id, deterministic from the demo's seed.

    The names come from their own generator seeded from the demo's seed, so that adding them leaves the
    draws of ``ctx.rng`` (and so the rest of the demo) as they were; each person's name depends only on
    the seed and the staff id.
    """
    names = {}
    for staff_id in staff_ids:
        rng = random.Random(f"stabil-staff-names-{seed}-{staff_id}")
        names[staff_id] = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return names


def build(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    first = dt.date(today.year - YEARS, today.month, 1)
    people = _people(ctx, first)
    _link_demo_users(ctx, people)
    people.extend(_action_plan_hires(ctx, people))

    # A few dated changes: moves from investigation to placement, and reduced hours.
    movable = [p for p in people if p.unit == "BU-UTR" and p.role == "caseworker" and p.employment == "permanent"
               and p.ended_on is None and p.user is None and (today - p.started_on).days > 500]
    for person in movable[:3]:
        person.changes.append((today - dt.timedelta(days=rng.randint(60, 400)), "BU-PLA", person.fte))
    for person in movable[3:5]:
        person.changes.append((today - dt.timedelta(days=rng.randint(30, 300)), person.unit, 0.8))

    names = staff_names(ctx.seed, [person.staff_id for person in people])
    members = []
    for person in people:
        unit, fte = (person.changes[-1][1], person.changes[-1][2]) if person.changes else (person.unit, person.fte)
        cost = CONSULTANT_COST if person.employment == "consultant" else COST[person.role]
        members.append(StaffMember(
            staff_id=person.staff_id, name=names[person.staff_id], unit=ctx.units[unit],
            team=ctx.teams.get(person.team) if unit == person.unit and person.team else None,
            role=person.role, employment=person.employment, fte=Decimal(str(fte)), degree=person.degree,
            experience_years=Decimal(str(person.experience_years)), started_on=person.started_on,
            ended_on=person.ended_on, exit_reason=person.exit_reason,
            monthly_cost_sek=Decimal(round(cost * (fte if person.employment != "consultant" else 1))),
            user=person.user))
    StaffMember.objects.bulk_create(members)
    by_id = {member.staff_id: member for member in StaffMember.objects.all()}

    changes = []
    for person in people:
        if not person.changes:
            continue
        member = by_id[person.staff_id]
        cost = Decimal(COST[person.role])
        changes.append(StaffChange(staff=member, valid_from=person.started_on, unit=ctx.units[person.unit],
                                   team=ctx.teams.get(person.team) if person.team else None, role=person.role,
                                   employment=person.employment, fte=Decimal(str(person.fte)),
                                   monthly_cost_sek=cost * Decimal(str(person.fte))))
        for valid_from, unit, fte in person.changes:
            changes.append(StaffChange(staff=member, valid_from=valid_from, unit=ctx.units[unit],
                                       team=member.team, role=person.role, employment=person.employment,
                                       fte=Decimal(str(fte)), monthly_cost_sek=member.monthly_cost_sek))
    StaffChange.objects.bulk_create(changes)

    absences, overtime = [], []
    for person in people:
        member = by_id[person.staff_id]
        for absence in _absences(rng, person, first, today):
            absence.staff = member
            absences.append(absence)
        if person.employment == "consultant" or person.role == "administrator":
            continue
        heavy = person.unit == "BU-UTR"
        for month in _month_starts(max(person.started_on, first), min(person.ended_on or today, today)):
            if rng.random() < (0.35 if heavy else 0.15):
                day = month + dt.timedelta(days=rng.randint(0, 26))
                if person.started_on <= day <= (person.ended_on or today) and day <= today:
                    overtime.append(Overtime(staff=member, worked_on=day, kind="overtime",
                                             hours=Decimal(rng.choice(["1.5", "2", "3", "4", "6.5"]))))
            if person.fte < 1 and rng.random() < 0.3:
                day = month + dt.timedelta(days=rng.randint(0, 26))
                if person.started_on <= day <= (person.ended_on or today) and day <= today:
                    overtime.append(Overtime(staff=member, worked_on=day, kind="fill_in",
                                             hours=Decimal(rng.choice(["1", "2", "4"]))))
    Absence.objects.bulk_create(absences, batch_size=2000)
    Overtime.objects.bulk_create(overtime, batch_size=2000, ignore_conflicts=True)

    interviews = []
    for person in people:
        if person.exit_reason and rng.random() < 0.75:
            others = rng.sample([r for r in EXIT_WEIGHTS if r != person.exit_reason], rng.randint(0, 2))
            comment, would_return = rng.choice(COMMENTS), rng.choice([True, False, None])
            # Held in the first two weeks after the last day, inside the window the staff services enforce
            # (core.staffstats.EXIT_INTERVIEW_WINDOW_DAYS); the day is derived from the date, not drawn, so the
            # rest of the demo stays the same. Not yet held for someone who left in the last few days.
            held_on = person.ended_on + dt.timedelta(days=person.ended_on.toordinal() % 15)
            if held_on <= today:
                interviews.append(ExitInterview(
                    staff=by_id[person.staff_id], held_on=held_on, main_reason=person.exit_reason,
                    other_reasons=sorted(others), comment=comment, would_return=would_return))
    ExitInterview.objects.bulk_create(interviews)

    for unit, (positions, leads, _rate, _share) in UNITS.items():
        if unit in ctx.units:
            UnitStaffing.objects.create(unit=ctx.units[unit], valid_from=first,
                                        budgeted_fte=Decimal(positions + leads + 1 + (unit == "BU-UTR")))

    areas = [KnowledgeArea.objects.create(code=code, name=name, target_level=target, position=index)
             for index, (code, name, target) in enumerate(KNOWLEDGE_AREAS)]
    assessments, plans = [], []
    assessed_on = dt.date(today.year if today.month >= 10 else today.year - 1, 10, 15)
    for person in people:
        if person.ended_on is not None or person.employment == "consultant" or person.role == "administrator" \
                or person.started_on > assessed_on:
            continue
        member = by_id[person.staff_id]
        experience = person.experience_years + (assessed_on - person.started_on).days / 365.25
        gaps = []
        for area in areas:
            level = _assessment_level(rng, experience)
            assessments.append(CompetenceAssessment(staff=member, area=area, assessed_on=assessed_on, level=level))
            if level < area.target_level:
                gaps.append(area)
        for area in gaps[:2]:
            plans.append(DevelopmentPlan(staff=member, area=area, planned_on=assessed_on,
                                         target_level=area.target_level, due_on=assessed_on + dt.timedelta(days=365),
                                         activity=rng.choice(["Kurs 7,5 hp", "Handledning i grupp",
                                                              "Auskultation hos erfaren kollega", "Intern utbildning"])))
    CompetenceAssessment.objects.bulk_create(assessments, batch_size=2000)
    DevelopmentPlan.objects.bulk_create(plans)

    active = sum(1 for p in people if p.ended_on is None)
    consultants = sum(1 for p in people if p.ended_on is None and p.employment == "consultant")
    ctx.data["staff"] = {"people": len(people), "active": active, "consultants": consultants}
    ctx.progress(f"{len(people)} medarbetare i historiken, {active} aktiva varav {consultants} konsulter; "
                 f"{len(absences)} frånvarotillfällen, {len(interviews)} avgångsintervjuer")

"""The one set of rules for a staff record, used by the staff file import and the HR pages alike.

A file row and a web form bring the same things as text: ``RowChecker`` parses each field, collecting
Swedish ``(column, message)`` problems (the column is the file's column and the form's field name). On top
of the field rules:

- ``check_staff_record``: a whole person (the staff file's row, the "new staff member" form);
- ``check_situation_change``: a dated change of unit, team, role, employment, FTE or cost;
- ``check_exit``: a leaving date and reason;
- ``interview_problem``: the exit-interview window (``core.staffstats.exit_interview_problem``).

Scope is the caller's ``accounts.policy.ImportScope``: a record may name only units inside it, and a
message never quotes what is stored outside it. The contract is docs/cli-staff.md (file) and docs/staff.md
(pages).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from stabil.common.parsing import control_character, date_problem, id_problem, parse_decimal
from stabil.common.parsing import parse_iso_date as parse_date
from stabil.core.staffstats import (
    EXIT_INTERVIEW_WINDOW_DAYS,
    INTERVIEW_AFTER_WINDOW,
    INTERVIEW_BEFORE_EXIT,
    INTERVIEW_IN_FUTURE,
    INTERVIEW_NO_EXIT,
    exit_interview_problem,
)

from .models import Degree, Employment, ExitReason, StaffRole

#: Retention (issue 15): a pseudonymised person gets a staff id of this prefix and twelve random hexadecimal
#: digits (``services.staff_pseudonymise``); no key links it back to the person.
PSEUDONYM_PREFIX = "gallrad-"

MIN_DATE = dt.date(1950, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_ID = 64
MAX_CODE = 32
NAME_MAX_LENGTH = 120
# The bounds of a staff record's numbers (docs/cli-staff.md): 0 < FTE <= 1, experience 0-60 years, a monthly
# cost of 0-10,000,000 kronor; each with at most two decimals.
FTE_LOW, FTE_HIGH = Decimal(0), Decimal(1)
EXPERIENCE_HIGH = Decimal(60)
COST_HIGH = Decimal(10_000_000)
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def sv_number(number: Decimal) -> str:
    """Return a number as a message shows it: a decimal comma, no trailing zeros."""
    return format(number.normalize(), "f").replace(".", ",")


class RowChecker:
    """Parse one row's (or form's) fields, collecting Swedish (column, message) problems."""

    def __init__(self, values: Mapping[str, str]):
        self.values = values
        self.problems: list[tuple[str, str]] = []

    def raw(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def text(self, column: str, *, required: bool = True, max_length: int = MAX_ID) -> str:
        value = self.raw(column)
        if required and not value:
            self.problems.append((column, _("värde saknas")))
        elif len(value) > max_length:
            self.problems.append((column, _("längre än %(count)d tecken") % {"count": max_length}))
        return value

    def ident(self, column: str, *, max_length: int = MAX_ID, required: bool = True) -> str:
        """An id (staff id, unit, team or area code): the one id rule of ``common.parsing.id_problem``."""
        value = self.text(column, max_length=max_length, required=required)
        problem = id_problem(value, max_length=max_length) if value and len(value) <= max_length else None
        if problem:
            self.problems.append((column, problem))
        return value

    def name(self, column: str, *, max_length: int) -> str:
        """An optional person's name: plain text, no control characters, at most ``max_length`` characters."""
        value = self.text(column, required=False, max_length=max_length)
        bad = control_character(value)
        if bad:
            self.problems.append((column, _("otillåtet styrtecken %(char)s i namnet") % {"char": bad}))
        return value

    def choice(self, column: str, allowed: list[str], *, required: bool = True, default: str = "") -> str:
        value = self.raw(column)
        if not value:
            if required and not default:
                self.problems.append((column, _("värde saknas; tillåtna: %(allowed)s") % {"allowed": ", ".join(allowed)}))
            return default
        if value not in allowed:
            self.problems.append((column, _("okänt värde '%(value)s'; tillåtna: %(allowed)s") % {
                "value": value, "allowed": ", ".join(allowed)}))
        return value

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problems.append((column, _("datum saknas")))
            return None
        day = parse_date(value)
        if day is None:
            self.problems.append((column, date_problem(value)))
        elif not MIN_DATE <= day <= MAX_DATE:
            self.problems.append((column, _("datumet %(date)s är orimligt") % {"date": value}))
            day = None
        return day

    def number(self, column: str, *, low: Decimal, high: Decimal | None, low_inclusive: bool = True,
               default: Decimal | None = None, required: bool = True, decimals: int | None = None) -> Decimal | None:
        """A number within bounds; empty gives ``default`` (or, when required and no default, a problem).

        ``decimals``: at most this many decimals.
        """
        value = _SPACES.sub("", self.values.get(column) or "")
        if not value:
            if default is None and required:
                self.problems.append((column, _("värde saknas")))
            return default
        number = parse_decimal(value)
        if number is None:
            self.problems.append((column, _("'%(value)s' är inte ett tal (siffrorna 0-9, högst 18 siffror, "
                                            "decimalkomma eller -punkt, ingen exponent)") % {"value": value}))
            return None
        too_low = number < low if low_inclusive else number <= low
        if too_low or (high is not None and number > high):
            parts = {"number": sv_number(number), "low": sv_number(low), "high": sv_number(high) if high is not None else ""}
            if high is None:
                message = (_("%(number)s ska vara minst %(low)s") if low_inclusive
                           else _("%(number)s ska vara större än %(low)s"))
            else:
                message = (_("%(number)s ska vara minst %(low)s och högst %(high)s") if low_inclusive
                           else _("%(number)s ska vara större än %(low)s och högst %(high)s"))
            self.problems.append((column, message % parts))
            return None
        if decimals is not None and number.as_tuple().exponent < -decimals:
            self.problems.append((column, _("högst två decimaler") if decimals == 2
                                  else _("högst %(count)d decimaler") % {"count": decimals}))
            return None
        return number

    # -- the numbers of a staff record, with their one set of bounds --

    def fte(self, column: str = "fte", *, required: bool = True) -> Decimal | None:
        return self.number(column, low=FTE_LOW, high=FTE_HIGH, low_inclusive=False, required=required, decimals=2)

    def experience(self, column: str = "experience_years") -> Decimal | None:
        return self.number(column, low=Decimal(0), high=EXPERIENCE_HIGH, decimals=2)

    def cost(self, column: str = "monthly_cost_sek", *, required: bool = True) -> Decimal | None:
        return self.number(column, low=Decimal(0), high=COST_HIGH, required=required, decimals=2)


@dataclass(frozen=True)
class StoredPerson:
    """What the rules need to know of a stored person: employment dates, the latest dated change, the
    exit interview's date (None: none)."""

    started_on: dt.date
    ended_on: dt.date | None = None
    latest_change_on: dt.date | None = None
    interview_on: dt.date | None = None


def _unit_problem(code: str, units: Mapping, scope) -> str | None:
    """Return why a row may not name this unit code (outside the scope), or None."""
    unit = units.get(code)
    if not scope.covers_unit(unit.pk if unit is not None else None):
        return _("enheten '%(unit)s' ligger utanför dina enheter") % {"unit": code}
    return None


def _team(check: RowChecker, unit_code: str, teams: Mapping, *, required: bool = False):
    """Parse the ``team`` field: a team code of the unit ``unit_code``; return the team, or None."""
    code = check.ident("team", max_length=MAX_CODE, required=required)
    if not code or any(column == "team" for column, _m in check.problems):
        return None
    team = teams.get(code)
    if team is None or team.unit.code != unit_code:
        # Said the same way whether the team is elsewhere or does not exist: nothing stored is quoted.
        check.problems.append(("team", _("teamet '%(team)s' finns inte i enheten '%(unit)s'") % {
            "team": code, "unit": unit_code}))
        return None
    return team


def interview_problem(held_on: dt.date, ended_on: dt.date | None, today: dt.date) -> str | None:
    """Return the Swedish reason an exit interview on ``held_on`` is refused, or None (accepted)."""
    problem = exit_interview_problem(held_on, ended_on, today)
    if problem is None:
        return None
    if problem == INTERVIEW_NO_EXIT:
        return _("registrera avgången (slutdatum) innan avgångsintervjun")
    window = {"held": held_on, "end": ended_on, "days": EXIT_INTERVIEW_WINDOW_DAYS}
    if problem == INTERVIEW_BEFORE_EXIT:
        return _("avgångsintervjun %(held)s ligger före slutdatum %(end)s; den hålls på eller efter slutdatum och "
                 "högst %(days)d dagar efter") % window
    if problem == INTERVIEW_AFTER_WINDOW:
        return _("avgångsintervjun %(held)s ligger mer än %(days)d dagar efter slutdatum %(end)s") % window
    assert problem == INTERVIEW_IN_FUTURE
    return _("avgångsintervjun %(held)s har inte hållits än (datumet ligger i framtiden)") % window


def _exit_problems(check: RowChecker, *, started_on: dt.date | None, ended_on: dt.date | None, exit_reason: str,
                   stored: StoredPerson | None, today: dt.date) -> None:
    """The rules of a leaving date and reason, for a new or a stored person."""
    if started_on and ended_on and ended_on < started_on:
        check.problems.append(("ended_on", _("slutdatum %(end)s ligger före startdatum %(start)s") % {
            "end": ended_on, "start": started_on}))
    if exit_reason and not check.raw("ended_on"):
        check.problems.append(("exit_reason", _("avgångsorsak utan slutdatum")))
    if stored is None or ended_on == stored.ended_on:
        return
    if ended_on is not None and stored.latest_change_on is not None and ended_on < stored.latest_change_on:
        check.problems.append(("ended_on", _("slutdatum %(end)s ligger före en registrerad förändring från "
                                             "%(change)s") % {"end": ended_on, "change": stored.latest_change_on}))
    if stored.interview_on is not None:
        if ended_on is None:
            if not check.raw("ended_on"):
                check.problems.append(("ended_on", _("en avgångsintervju är registrerad; slutdatum kan inte tas bort")))
        elif exit_interview_problem(stored.interview_on, ended_on, max(today, stored.interview_on)) is not None:
            check.problems.append(("ended_on", _(
                "den registrerade avgångsintervjun %(held)s skulle hamna utanför tiden från slutdatum %(end)s "
                "till %(days)d dagar efter") % {"held": stored.interview_on, "end": ended_on,
                                                "days": EXIT_INTERVIEW_WINDOW_DAYS}))


def check_staff_record(check: RowChecker, *, staff_id: str, scope, units: Mapping, teams: Mapping,
                       stored: StoredPerson | None = None, today: dt.date) -> dict:
    """Parse and check a whole person (the staff file's columns); return the record (problems in ``check``).

    ``units`` and ``teams`` are every unit and team by code; ``scope`` the writer's ``ImportScope``;
    ``stored`` the stored person with this ``staff_id`` (None: a new one). The record's ``unit`` is the
    unit code, ``team`` the team (None: no team given; ``team_given`` says whether the field had a value).
    """
    unit_code = check.ident("unit", max_length=MAX_CODE)
    unit_ok = bool(unit_code) and not any(column == "unit" for column, _m in check.problems)
    if unit_ok:
        problem = _unit_problem(unit_code, units, scope)
        if problem:
            check.problems.append(("unit", problem))
            unit_ok = False
    team = _team(check, unit_code, teams) if unit_ok else None
    record = {
        "staff_id": staff_id,
        "unit": unit_code,
        "team": team,
        "team_given": bool(check.raw("team")),
        "role": check.choice("role", StaffRole.values),
        "employment": check.choice("employment", Employment.values),
        "fte": check.fte(),
        "degree": check.choice("degree", Degree.values),
        "experience_years": check.experience(),
        "started_on": check.date("started_on"),
        "ended_on": check.date("ended_on", required=False),
        "exit_reason": check.choice("exit_reason", ExitReason.values, required=False),
        "monthly_cost_sek": check.cost(),
    }
    # The optional name: an empty field (or no column) keeps a stored name.
    name = check.name("name", max_length=NAME_MAX_LENGTH)
    if name:
        record["name"] = name
    _exit_problems(check, started_on=record["started_on"], ended_on=record["ended_on"],
                   exit_reason=record["exit_reason"], stored=stored, today=today)
    return record


def check_situation_change(check: RowChecker, *, scope, units: Mapping, teams: Mapping, member) -> dict:
    """Parse and check a dated change of a stored person (``member``); return the keyword arguments of
    ``services.staff_change_situation`` (problems in ``check``). Empty fields stay as they are; a new unit
    without a team means no team."""
    valid_from = check.date("valid_from")
    unit_code = check.ident("unit", max_length=MAX_CODE, required=False)
    unit = None
    if unit_code and not any(column == "unit" for column, _m in check.problems):
        problem = _unit_problem(unit_code, units, scope) or (
            None if unit_code in units else _("enheten '%(unit)s' finns inte") % {"unit": unit_code})
        if problem:
            check.problems.append(("unit", problem))
        else:
            unit = units[unit_code]
    target_unit = unit.code if unit is not None else member.unit.code
    team = _team(check, target_unit, teams) if not (unit_code and unit is None) else None
    role = check.choice("role", StaffRole.values, required=False) or None
    employment = check.choice("employment", Employment.values, required=False) or None
    fte = check.fte(required=False)
    cost = check.cost(required=False)
    if valid_from is not None:
        if valid_from < member.started_on:
            check.problems.append(("valid_from", _("ändringsdatum %(day)s ligger före startdatum %(start)s") % {
                "day": valid_from, "start": member.started_on}))
        elif member.ended_on is not None and valid_from > member.ended_on:
            check.problems.append(("valid_from", _("ändringsdatum %(day)s ligger efter slutdatum %(end)s") % {
                "day": valid_from, "end": member.ended_on}))
    changed = {"unit": unit, "team": team, "role": role, "employment": employment, "fte": fte,
               "monthly_cost_sek": cost}
    if not check.problems and all(value is None for value in changed.values()):
        check.problems.append(("__all__", _("ange minst en ändring: enhet, team, roll, anställningsform, "
                                            "sysselsättningsgrad eller kostnad")))
    return {"valid_from": valid_from, **changed}


def check_exit(check: RowChecker, *, stored: StoredPerson, today: dt.date) -> dict:
    """Parse and check a stored person's exit: the leaving date (required) and the reason (optional)."""
    ended_on = check.date("ended_on")
    exit_reason = check.choice("exit_reason", ExitReason.values, required=False)
    _exit_problems(check, started_on=stored.started_on, ended_on=ended_on, exit_reason=exit_reason,
                   stored=stored, today=today)
    return {"ended_on": ended_on, "exit_reason": exit_reason}

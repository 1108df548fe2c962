"""Writes to the organisation."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from stabil.accounts.policy import check_capability
from stabil.accounts.services import changes_by

from .models import Administration, Department, Municipality, Team, Unit

DEFAULT_MUNICIPALITY_NAME = "Kommunen"
UNPLACED_DEPARTMENT_CODE = "OPLACERAD"


def municipality_get() -> Municipality:
    """Return the installation's municipality, creating a neutral one on first use."""
    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None:
        municipality = Municipality.objects.create(name=DEFAULT_MUNICIPALITY_NAME)
    return municipality


@transaction.atomic
def unit_get_or_create(*, code: str, by=None, name: str | None = None) -> tuple[Unit, bool]:
    """Return the unit with ``code``, creating it (in a department for unplaced units) when missing.

    Imports use this: a case-events or staff file may name units that are not set up yet; they are
    created so that nothing is lost, and an administrator moves them to the right department later.
    """
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return unit, False
    department = Department.objects.filter(code=UNPLACED_DEPARTMENT_CODE).first()
    if department is None:
        administration = Administration.objects.order_by("pk").first()
        if administration is None:
            administration = Administration.objects.create(
                municipality=municipality_get(), code="SOC", name="Socialförvaltningen"
            )
        department = Department.objects.create(
            administration=administration, code=UNPLACED_DEPARTMENT_CODE, name="Oplacerade enheter"
        )
    return Unit.objects.create(department=department, code=code, name=name or code), True



# --- The system administrator's pages (views.py). ``by=None`` is the command line. ---------------------
# Codes name units and teams in import files, URLs and reports: ASCII letters, digits, '-' and '_'. A code
# is fixed once created, as files and history refer to it.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", re.ASCII)


class OrganisationInputError(ValueError):
    """The organisation could not be changed; the message is in Swedish and says what is wrong."""


def _code(code: str, model) -> str:
    code = (code or "").strip()
    if not CODE_PATTERN.fullmatch(code):
        raise OrganisationInputError(
            _("ogiltig kod '%(code)s': högst 32 tecken, bara A–Z, a–z, 0–9, '-' och '_'") % {"code": code})
    if code.lower() == "ny":  # the address of the page that creates one
        raise OrganisationInputError(_("koden '%(code)s' är reserverad") % {"code": code})
    if model.objects.filter(code__iexact=code).exists():
        raise OrganisationInputError(_("koden %(code)s används redan") % {"code": code})
    return code


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise OrganisationInputError(_("namnet saknas"))
    return name


def has_related_rows(obj) -> bool:
    """Return whether anything refers to ``obj`` (cases, staff, users, teams, settings, …).

    Asked one relation at a time with ``exists()``: nothing is collected or listed, unlike Django's
    deletion collector whose confirmation page named every related case and person.
    """
    # Hidden relations (related_name="+", e.g. the staff history) count too.
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: obj}).exists():
            return True
    return False


@transaction.atomic
def department_create(*, by, code: str, name: str) -> Department:
    check_capability(by, "accounts.manage")
    code, name = _code(code, Department), _name(name)
    administration = Administration.objects.order_by("pk").first()
    with changes_by(by):
        if administration is None:
            administration = Administration.objects.create(
                municipality=municipality_get(), code="SOC", name="Socialförvaltningen")
        return Department.objects.create(administration=administration, code=code, name=name)


@transaction.atomic
def department_update(*, by, department: Department, name: str) -> Department:
    check_capability(by, "accounts.manage")
    department.name = _name(name)
    with changes_by(by):
        department.save()
    return department


@transaction.atomic
def unit_create(*, by, code: str, name: str, department: Department) -> Unit:
    check_capability(by, "accounts.manage")
    code, name = _code(code, Unit), _name(name)
    with changes_by(by):
        return Unit.objects.create(department=department, code=code, name=name)


@transaction.atomic
def unit_update(*, by, unit: Unit, name: str, department: Department, active: bool) -> Unit:
    """Rename a unit, move it to another department, or close (``active=False``) or reopen it."""
    check_capability(by, "accounts.manage")
    unit.name, unit.department, unit.active = _name(name), department, bool(active)
    with changes_by(by):
        unit.save()
    return unit


@transaction.atomic
def unit_delete(*, by, unit: Unit) -> None:
    """Delete a unit nothing refers to; any other unit is closed instead (``unit_update(active=False)``)."""
    check_capability(by, "accounts.manage")
    if has_related_rows(unit):
        raise OrganisationInputError(
            _("Enheten %(code)s kan inte tas bort: ärenden, personal, användare, team eller inställningar hör till "
              "den. Stäng enheten i stället.") % {"code": unit.code})
    with changes_by(by):
        unit.delete()


@transaction.atomic
def team_create(*, by, code: str, name: str, unit: Unit) -> Team:
    check_capability(by, "accounts.manage")
    code, name = _code(code, Team), _name(name)
    if not unit.active:
        raise OrganisationInputError(_("enheten %(code)s är stängd; ett nytt team kan inte läggas där")
                                     % {"code": unit.code})
    with changes_by(by):
        return Team.objects.create(unit=unit, code=code, name=name)


@transaction.atomic
def team_update(*, by, team: Team, name: str, active: bool) -> Team:
    """Rename a team, or close or reopen it. Its unit is fixed: its staff and cases are in that unit."""
    check_capability(by, "accounts.manage")
    team.name, team.active = _name(name), bool(active)
    with changes_by(by):
        team.save()
    return team


@transaction.atomic
def team_delete(*, by, team: Team) -> None:
    """Delete a team nothing refers to; any other team is closed instead."""
    check_capability(by, "accounts.manage")
    if has_related_rows(team):
        raise OrganisationInputError(
            _("Teamet %(code)s kan inte tas bort: personal, användare eller inställningar hör till det. "
              "Stäng teamet i stället.") % {"code": team.code})
    with changes_by(by):
        team.delete()

"""Reads of the organisation: units and teams for the other areas (also by code, for forms and import rows), and
the structure for the administrator's pages.

Other areas read units and teams here (``units``, ``teams``), never through ``organisation.models``
(``tests/foundation/test_layers.py``); what a user may see of them is the access policy's
(``accounts.policy.visible_units``).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Department, Municipality, Team, Unit


def units() -> QuerySet:
    """Every unit, closed ones included: a queryset for the caller (the access policy, a form, a report) to narrow."""
    return Unit.objects.all()


def teams() -> QuerySet:
    """Every team, closed ones included: a queryset for the caller to narrow."""
    return Team.objects.all()


def unit_pks_by_code() -> dict[str, int]:
    """Return {unit code: pk} of every unit."""
    return dict(Unit.objects.values_list("code", "pk"))


def demo_is_built() -> bool:
    """Return whether the demo municipality has been built in this database."""
    return Municipality.objects.filter(demo_built_at__isnull=False).exists()


def organisation_tree() -> list[Department]:
    """Departments by name, each with its units and their teams (by code), closed ones included."""
    team_rows = Prefetch("teams", queryset=Team.objects.order_by("code"))
    unit_rows = Prefetch("units", queryset=Unit.objects.order_by("code").prefetch_related(team_rows))
    return list(Department.objects.select_related("administration").order_by("name").prefetch_related(unit_rows))


def units_by_code() -> dict[str, Unit]:
    """Return every unit (closed ones included) by its code: for rows and forms that name units by code."""
    return {unit.code: unit for unit in Unit.objects.all()}


def teams_by_code() -> dict[str, Team]:
    """Return every team (closed ones included) by its code, with its unit: team codes are unique."""
    return {team.code: team for team in Team.objects.select_related("unit")}


def teams_of_units(units) -> list[Team]:
    """Return the open teams of these units, by unit code and team code (for a form's choices)."""
    return list(Team.objects.filter(unit__in=units, active=True).select_related("unit").order_by("unit__code", "code"))

"""Reads of the organisation (structure only, no figures): the system administrator's pages, and the units and
teams that forms and import rows name by code."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Department, Team, Unit


def organisation_tree() -> list[Department]:
    """Departments by name, each with its units and their teams (by code), closed ones included."""
    teams = Prefetch("teams", queryset=Team.objects.order_by("code"))
    units = Prefetch("units", queryset=Unit.objects.order_by("code").prefetch_related(teams))
    return list(Department.objects.select_related("administration").order_by("name").prefetch_related(units))


def units_by_code() -> dict[str, Unit]:
    """Return every unit (closed ones included) by its code: for rows and forms that name units by code."""
    return {unit.code: unit for unit in Unit.objects.all()}


def teams_by_code() -> dict[str, Team]:
    """Return every team (closed ones included) by its code, with its unit: team codes are unique."""
    return {team.code: team for team in Team.objects.select_related("unit")}


def teams_of_units(units) -> list[Team]:
    """Return the open teams of these units, by unit code and team code (for a form's choices)."""
    return list(Team.objects.filter(unit__in=units, active=True).select_related("unit").order_by("unit__code", "code"))

"""Reads of the organisation for the system administrator's pages: structure only, no figures."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Department, Team, Unit


def organisation_tree() -> list[Department]:
    """Departments by name, each with its units and their teams (by code), closed ones included."""
    teams = Prefetch("teams", queryset=Team.objects.order_by("code"))
    units = Prefetch("units", queryset=Unit.objects.order_by("code").prefetch_related(teams))
    return list(Department.objects.select_related("administration").order_by("name").prefetch_related(units))


def units(codes=None) -> list[Unit]:
    """Units by code: all of them, or those with these codes (for reports over units, e.g. the board paper)."""
    queryset = Unit.objects.all() if codes is None else Unit.objects.filter(code__in=list(codes))
    return list(queryset.order_by("code"))

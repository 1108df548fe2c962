"""Writes to the organisation."""

from __future__ import annotations

from django.db import transaction

from .models import Administration, Department, Municipality, Unit

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


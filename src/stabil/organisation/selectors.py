"""Reads of the organisation."""

from django.db.models import QuerySet

from .models import Unit


def units_by_code(codes=None) -> dict[str, Unit]:
    """Return units keyed by code, all or only those in ``codes``."""
    qs: QuerySet[Unit] = Unit.objects.select_related("department")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return {unit.code: unit for unit in qs}

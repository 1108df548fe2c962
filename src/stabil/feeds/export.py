"""Stabil's KPIs for a year in Kolada's JSON (issue 14): the same computed values as the scorecard and the
board paper (``governance.selectors.snapshot_values``, the one period rule), public figures only: a value
that the suppression rules hide is null. Kept apart from ``selectors`` so that governance's selectors may read
the feeds' Kolada values without a circular import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from stabil.core import kolada as core_kolada
from stabil.governance import selectors as governance


def kpi_map() -> dict[str, str]:
    """Stabil's KPI code -> Kolada's KPI id (``STABIL_KOLADA_KPIS``)."""
    return core_kolada.parse_kpi_map(settings.STABIL_KOLADA_KPIS)


def kolada_document(*, year: int, today: dt.date) -> dict:
    """Return Stabil's KPIs of ``year`` (counted up to the reporting period's end) as a Kolada v3 response.

    Raises ``KoladaError`` when the municipality's code is not set or the year has not begun.
    """
    municipality = settings.STABIL_KOLADA_MUNICIPALITY
    if not municipality:
        raise core_kolada.KoladaError(["STABIL_KOLADA_MUNICIPALITY är inte satt: ange kommunens kod, som 0180"])
    core_kolada.parse_municipalities(municipality)
    through = governance.scorecard_through(today)
    bounds = governance.year_period(year, through)
    if bounds is None:
        raise core_kolada.KoladaError([f"år {year} har inga räknade månader ännu (senast räknat {through.isoformat()})"])
    values = governance.snapshot_values(first_day=bounds[0], last_day=bounds[1])
    threshold = governance.default_threshold()
    ids = kpi_map()
    out = []
    for code, value in values.items():
        hidden = governance.kpi_hidden_in_public(value, threshold)
        count = None if value.denominator is None else int(round(value.denominator))
        out.append((ids.get(code, code), None if hidden else value.value, None if hidden else count))
    return core_kolada.export_document(municipality=municipality, year=year, values=out)

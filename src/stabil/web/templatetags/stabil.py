"""Template filters for Swedish number formatting.

``USE_THOUSAND_SEPARATOR`` is off so that years and ids are never split; numbers meant for reading go
through these filters, which group thousands with a no-break space and use the active language's decimal
separator (comma in Swedish).
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from stabil.common.periods import period_label
from stabil.core.rounding import half_up
from stabil.staff.selectors import person_label

register = template.Library()


def _round(value: Decimal, decimals: int) -> Decimal:
    # number_format truncates; figures shown to people are rounded by the one rule (core.rounding),
    # which the downloads of a page's figures (CSV, Excel) use too.
    return half_up(value, decimals)


@register.filter
def number(value, decimals=0):
    """Return ``value`` grouped in thousands with ``decimals`` decimals, e.g. 12 345,6."""
    if value is None or value == "":
        return "–"
    try:
        value = _round(Decimal(str(value)), int(decimals))
    except (InvalidOperation, ValueError):
        return value
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def percent(value, decimals=0):
    """Return a share (0.873) as a percentage, e.g. 87 %; '–' when there is no value."""
    if value is None or value == "":
        return "–"
    try:
        value = _round(Decimal(str(value)) * 100, int(decimals))
    except (InvalidOperation, ValueError):
        return value
    return f"{number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)}\xa0%"


@register.filter
def person(value, names=None):
    """Show a person as "Anna Berg (M1030)".

    ``value`` is a staff member (``{{ member|person }}``) or a staff id string with a mapping of ids to
    names from the view (``{{ state.main_handler|person:names }}``, built by ``staff.selectors.names_for``).
    An empty value stays empty, so ``|default:"—"`` still works after it.
    """
    if value is None or value == "":
        return ""
    if hasattr(value, "staff_id"):
        return person_label(value.staff_id, getattr(value, "name", ""))
    return person_label(str(value), (names or {}).get(str(value), ""))


@register.simple_tag
def period(first, last=None):
    """Name a period where its figures are shown: ``{% period first last %}`` -> "2026, januari–november".

    One day, a whole year, whole months, an ISO week or a span of dates (``common.periods.period_label``).
    """
    if not first:
        return ""
    return period_label(first, last)

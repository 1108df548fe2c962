"""Template helpers for governance pages."""

from django import template

from stabil.web.templatetags.stabil import number

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Return mapping[key], or None when missing (for dicts keyed by year or code)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def kpi_value(value, unit):
    """Return a KPI value for reading: one decimal when it has one (per cent, index), whole kronor."""
    if value is None or value == "":
        return "–"
    decimals = 0 if unit == "sek" or float(value) == int(float(value)) else 1
    text = number(value, decimals)
    return f"{text}\xa0%" if unit == "percent" else text

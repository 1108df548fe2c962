"""Template helpers for governance pages."""

from django import template

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
    """Return a KPI value for reading: per cent with one decimal, index with a decimal only when needed."""
    from stabil.web.templatetags.stabil import number

    if value is None or value == "":
        return "–"
    if unit == "percent":
        return f"{number(value, 1)}\xa0%"
    if unit == "index" and float(value) != int(float(value)):
        return number(value, 1)
    return number(value, 0)

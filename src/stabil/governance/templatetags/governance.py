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

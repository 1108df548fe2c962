"""Template filters of the workload area."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

_STATUS = {"green": _("grön"), "amber": _("gul"), "red": _("röd")}


@register.filter
def status_sv(status):
    """Return the Swedish word for a load status (green/amber/red)."""
    return _STATUS.get(status, "")

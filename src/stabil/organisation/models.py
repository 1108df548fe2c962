"""The organisation: municipality -> administration (förvaltning) -> department (avdelning) -> unit
(enhet) -> team. Every case, person and figure belongs to a unit; access is scoped by units."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """The one municipality this installation serves, and its municipality-wide settings."""

    name = models.CharField(_("namn"), max_length=120)
    demo_seed = models.IntegerField(_("demo-frö"), null=True, blank=True)
    demo_built_at = models.DateTimeField(_("demo byggd"), null=True, blank=True)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Administration(models.Model):
    """A förvaltning, e.g. the social services administration."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="administrations")
    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=120)

    class Meta:
        verbose_name = _("förvaltning")
        verbose_name_plural = _("förvaltningar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """An avdelning, e.g. children and youth (barn och unga)."""

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=120)

    class Meta:
        verbose_name = _("avdelning")
        verbose_name_plural = _("avdelningar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An enhet, led by a unit manager; the level at which cases, staff and workload are reported."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=120)
    # A unit is closed rather than deleted once anything refers to it: its history stays, and it is no
    # longer offered when users and teams are assigned (organisation/services.py).
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Team(models.Model):
    """A team within a unit, led by a team lead (arbetsledare / konsulent)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=120)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("team")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
